"""EnvBanner: the coloured strip at the top of the main window that names the environment.

order-safety.md row 26 / G9: the environment must be impossible to miss. REAL is a red banner,
PAPER amber, DEMO green, and the name is always bilingual ("실전 REAL") whatever the UI language, so a
trader who reads either language sees it. Only the explanation after the dash is translated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from kisdesk.api.enums import Env
from kisdesk.ui.theme import env_color

if TYPE_CHECKING:
    from kisdesk.api.credentials import Account

ENV_NAMES: Final[dict[Env, str]] = {Env.REAL: "실전 REAL", Env.PAPER: "모의 PAPER", Env.DEMO: "데모 DEMO"}
"""Never translated: both words stay visible in either UI language."""

_TEXT_COLOURS: Final[dict[Env, str]] = {Env.REAL: "#ffffff", Env.PAPER: "#1a1a1a", Env.DEMO: "#ffffff"}


class EnvBanner(QFrame):
    """Shows the environment name, what it means, and the account orders go to.

    Signals: none. Call `set_env(env, account)` after every environment switch.
    """

    def __init__(self, env: Env, account: Account | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("envBanner")
        self.env = env
        self.account = account
        self.name_label = QLabel()
        self.name_label.setObjectName("envName")
        self.detail_label = QLabel()
        self.account_label = QLabel()
        # By name: PySide6 builds its whole `Qt` namespace (~17 ms) on first use, which this banner,
        # painted at start-up, must not pay for (kisdesk/ui/startup.py).
        self.account_label.setProperty("alignment", "AlignRight|AlignVCenter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.name_label)
        layout.addWidget(self.detail_label, 1)
        layout.addWidget(self.account_label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAutoFillBackground(True)
        self.set_env(env, account)

    def set_env(self, env: Env, account: Account | None) -> None:
        self.env = env
        self.account = account
        colour = env_color(env).name()
        text = _TEXT_COLOURS[env]
        # A style sheet rather than a palette: style sheets win over any platform style, palettes do not.
        self.setStyleSheet(
            f"#envBanner {{ background: {colour}; border-radius: 4px; }}"
            f" #envBanner QLabel {{ color: {text}; font-size: 15px; }}"
            " #envBanner #envName { font-size: 18px; font-weight: bold; }"
        )
        self._retranslate()

    def text(self) -> str:
        """Everything the banner says, in one line (tests, accessibility)."""
        parts = (self.name_label.text(), self.detail_label.text(), self.account_label.text())
        return " ".join(p for p in parts if p)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        details = {
            Env.REAL: self.tr("real money"),
            Env.PAPER: self.tr("paper trading, no real money"),
            Env.DEMO: self.tr("built-in simulator"),
        }
        self.name_label.setText(ENV_NAMES[self.env])
        self.detail_label.setText(f"— {details[self.env]}")
        self.account_label.setText(
            self.tr("Account %1").replace("%1", str(self.account)) if self.account is not None else ""
        )
        self.setAccessibleName(self.text())
