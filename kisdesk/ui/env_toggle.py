"""EnvToggle: the DEMO / PAPER / REAL switch that sits in the banner row, always visible.

The toggle only *asks* (`env_requested`); it never changes environment by itself. The window decides:
it refuses while requests are in flight, asks for credentials and, for REAL, for an explicit
confirmation, then builds a new session and calls `set_env`. Until then the previous button stays
checked, so the toggle never shows an environment the window is not in (style.md B.11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

from kisdesk.api.enums import Env
from kisdesk.ui.env_banner import ENV_NAMES
from kisdesk.ui.theme import env_color

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractButton, QMessageBox

    from kisdesk.api.credentials import Account

ORDER = (Env.DEMO, Env.PAPER, Env.REAL)


class EnvToggle(QWidget):
    """Three checkable buttons, one per environment.

    Signals:
        env_requested(Env): the user clicked the button of another environment.
    """

    env_requested = Signal(object)

    def __init__(self, env: Env = Env.DEMO, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[Env, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for candidate in ORDER:
            button = QToolButton(self)
            button.setText(ENV_NAMES[candidate])
            button.setCheckable(True)
            button.setObjectName(f"env_{candidate.value}")
            colour = env_color(candidate).name()
            button.setStyleSheet(
                f"QToolButton {{ padding: 4px 10px; }}"
                f" QToolButton:checked {{ background: {colour}; color: white; font-weight: bold; }}"
            )
            button.clicked.connect(lambda _checked=False, e=candidate: self._on_button_clicked(e))
            self._group.addButton(button)
            self.buttons[candidate] = button
            layout.addWidget(button)
        self._retranslate()
        self.set_env(env)

    def set_env(self, env: Env) -> None:
        """Show `env` as the current environment (called by the window after a switch)."""
        self.env = env
        self.buttons[env].setChecked(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _on_button_clicked(self, env: Env) -> None:
        self.buttons[self.env].setChecked(True)  # stay on the current env until the window switches
        if env is not self.env:
            self.env_requested.emit(env)

    def _retranslate(self) -> None:
        tips = {
            Env.DEMO: self.tr("Built-in simulator: no account, no real money"),
            Env.PAPER: self.tr("KIS paper trading (모의투자): its own keys and account, no real money"),
            Env.REAL: self.tr("KIS real trading: orders use real money (asks for confirmation)"),
        }
        for env, button in self.buttons.items():
            button.setToolTip(tips[env])


def real_confirmation(parent: QWidget, account: Account) -> tuple[QMessageBox, QAbstractButton]:
    """The question before entering REAL, and its confirming button; show it with `open()`.

    Cancel is the default and the Esc button, so Enter or Esc never switches to real money
    (order-safety.md row 26). The text names the account the orders will go to.
    """

    # Not at the top: the toggle paints at start-up, and PySide6 builds each class (and its enums,
    # for `Qt` ~90 of them) on first use; a confirmation is asked for long after the first paint.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    # Literal contexts, so that lupdate finds these strings (it cannot resolve a variable context).
    translate = QCoreApplication.translate
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(translate("EnvToggle", "Switch to 실전 REAL?"))
    text = translate("EnvToggle", "Orders in 실전 REAL use real money on account %1.")
    box.setText(text.replace("%1", str(account)))
    box.setInformativeText(
        translate("EnvToggle", "Pending orders of the current environment are no longer shown.")
    )
    confirm = box.addButton(translate("EnvToggle", "Switch to 실전 REAL"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box, confirm
