"""Colours and fonts the whole window shares: the Korean side convention and the REAL banner.

Korean convention (FSS order-error standard): buy (매수) red, sell (매도) blue, in the ticket, the
grid and every confirmation. Sides also differ in text, never by colour alone.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QColor

from kisdesk.api.enums import Env, Side

BUY_COLOR: Final = QColor("#d32f2f")  # 매수 red
SELL_COLOR: Final = QColor("#1565c0")  # 매도 blue
BUY_TINT: Final = QColor("#fdecea")  # light backgrounds for side-coloured areas
SELL_TINT: Final = QColor("#e8f0fe")
REAL_BANNER: Final = QColor("#b71c1c")  # the REAL environment banner: unmistakable
PAPER_BANNER: Final = QColor("#f9a825")
DEMO_BANNER: Final = QColor("#2e7d32")
WARNING_TEXT: Final = QColor("#e65100")
ERROR_TEXT: Final = QColor("#c62828")


def side_color(side: Side) -> QColor:
    return BUY_COLOR if side is Side.BUY else SELL_COLOR


def side_tint(side: Side) -> QColor:
    return BUY_TINT if side is Side.BUY else SELL_TINT


def env_color(env: Env) -> QColor:
    return {Env.REAL: REAL_BANNER, Env.PAPER: PAPER_BANNER, Env.DEMO: DEMO_BANNER}[env]
