"""OrderConfirmDialog and ask(): what the trader sees, and that only an explicit click confirms."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import time
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kisdesk.api.enums import AlgoTiming, Env, Exchange, OrderDivision, Side
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui import theme
from kisdesk.ui.confirm_dialog import OrderConfirmDialog, OrderSummary, ask

BUY = OverseasTicket(
    env=Env.DEMO,
    exchange=Exchange.NASD,
    symbol="aapl",
    side=Side.BUY,
    division=OrderDivision.LIMIT,
    quantity=10,
    price=Decimal("228.50"),
)


def _dialog(qtbot: QtBot, ticket: OverseasTicket = BUY, ref: Decimal | None = None) -> OrderConfirmDialog:
    dialog = OrderConfirmDialog(OrderSummary(ticket, ref))
    qtbot.addWidget(dialog)
    return dialog


def _all_text(dialog: OrderConfirmDialog) -> str:
    from PySide6.QtWidgets import QLabel

    return " | ".join(label.text() for label in dialog.findChildren(QLabel))


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def test_states_side_symbol_venue_quantity_price_and_notional(qtbot: QtBot) -> None:
    text = _all_text(_dialog(qtbot))
    for part in ("Buy", "AAPL", "NASD", "10", "228.50 USD", "2,285.00 USD"):
        assert part in text


def test_confirm_button_names_the_action(qtbot: QtBot) -> None:
    assert _dialog(qtbot).confirm_button.text() == "Send buy order: 10 AAPL"
    sell = dataclasses.replace(BUY, side=Side.SELL)
    assert _dialog(qtbot, sell).confirm_button.text() == "Send sell order: 10 AAPL"


def test_side_is_coloured(qtbot: QtBot) -> None:
    sell = _dialog(qtbot, dataclasses.replace(BUY, side=Side.SELL))
    assert theme.SELL_COLOR.name() in sell.confirm_button.styleSheet()
    assert theme.SELL_COLOR.name() in sell.headline_label.text()
    assert theme.BUY_COLOR.name() in _dialog(qtbot).confirm_button.styleSheet()


def test_real_environment_is_red_and_bold(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, dataclasses.replace(BUY, env=Env.REAL))
    assert "실전 REAL" in dialog.env_label.text()
    assert theme.REAL_BANNER.name() in dialog.env_label.styleSheet()
    assert "bold" in dialog.env_label.styleSheet()


def test_paper_environment_is_named(qtbot: QtBot) -> None:
    assert "PAPER" in _dialog(qtbot, dataclasses.replace(BUY, env=Env.PAPER)).env_label.text()


def test_market_on_open_shows_market_and_an_estimated_notional(qtbot: QtBot) -> None:
    moo = dataclasses.replace(BUY, side=Side.SELL, division=OrderDivision.MOO, price=None)
    dialog = _dialog(qtbot, moo, ref=Decimal("230.00"))
    assert "market" in dialog.price_label.text()
    assert dialog.notional_label.text().startswith("≈ 2,300.00 USD")


def test_market_on_open_without_quote_says_notional_unknown(qtbot: QtBot) -> None:
    moo = dataclasses.replace(BUY, side=Side.SELL, division=OrderDivision.MOO, price=None)
    assert "unknown" in _dialog(qtbot, moo).notional_label.text()


def test_twap_shows_its_window(qtbot: QtBot) -> None:
    twap = dataclasses.replace(
        BUY,
        division=OrderDivision.TWAP,
        algo_timing=AlgoTiming.WINDOW,
        start_time=time(23, 30),
        end_time=time(4, 50),
    )
    assert "23:30:00–04:50:00 KST" in _dialog(qtbot, twap).price_label.text()
    until_close = dataclasses.replace(BUY, division=OrderDivision.VWAP, algo_timing=AlgoTiming.UNTIL_CLOSE)
    assert "until the regular close" in _dialog(qtbot, until_close).price_label.text()


def test_cancel_is_default_and_has_focus_confirm_on_the_right(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.cancel_button.isDefault()
    assert not dialog.confirm_button.isDefault()
    assert not dialog.confirm_button.autoDefault()
    assert dialog.focusWidget() is dialog.cancel_button
    assert dialog.confirm_button.x() > dialog.cancel_button.x()


def _answer(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, act: Callable[[OrderConfirmDialog], object]
) -> bool:
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> bool:
        task = asyncio.ensure_future(ask(parent, OrderSummary(BUY)))
        await asyncio.sleep(0.05)
        dialog = parent.findChild(OrderConfirmDialog)
        assert dialog is not None
        assert dialog.isVisible()
        act(dialog)
        return await asyncio.wait_for(task, 2)

    return qloop.run_until_complete(scenario())


def test_enter_cancels(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    assert _answer(qtbot, qloop, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return)) is False


def test_enter_with_focus_on_confirm_still_cancels(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    def act(dialog: OrderConfirmDialog) -> None:
        dialog.confirm_button.setFocus()
        qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)

    assert _answer(qtbot, qloop, act) is False


def test_escape_cancels(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    assert _answer(qtbot, qloop, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape)) is False


def test_click_on_confirm_confirms(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    clicked = _answer(qtbot, qloop, lambda d: qtbot.mouseClick(d.confirm_button, Qt.MouseButton.LeftButton))
    assert clicked is True


def test_cancelling_the_wait_closes_the_dialog(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> None:
        task = asyncio.ensure_future(ask(parent, OrderSummary(BUY)))
        await asyncio.sleep(0.05)
        dialog = parent.findChild(OrderConfirmDialog)
        assert dialog is not None
        dialog.rejected.connect(lambda: closed.append(True))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    closed: list[bool] = []

    qloop.run_until_complete(scenario())
    assert closed == [True]


def test_confirm_button_keeps_clear_of_the_submit_button(qtbot: QtBot) -> None:
    probe = _dialog(qtbot)
    probe.show()
    qtbot.waitExposed(probe)
    where = _global_rect(probe.confirm_button)
    probe.close()
    submit = QPushButton("Place buy order")  # stands exactly where the confirm button would appear
    qtbot.addWidget(submit)
    submit.setGeometry(where)
    submit.show()
    qtbot.waitExposed(submit)
    assert _global_rect(submit).intersects(where)

    dialog = _dialog(qtbot)
    dialog.keep_clear_of(submit)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not _global_rect(dialog.confirm_button).intersects(_global_rect(submit))
