"""WindowMenus: the main window's menu bar, its actions and their shortcuts, and the two Help dialogs.

The actions live on the window (`window.addAction`), so their shortcuts work wherever the focus is in
it; the window keeps each action under the same name as an attribute of its own (`window.buy_action`).
Actions that reach the ticket, the grid or the session stay disabled until the first session is in
(`set_session_actions_enabled`). Built before the first paint: nothing here may touch PySide6's `Qt`
namespace or asyncio at import (kisdesk/ui/startup.py says why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from kisdesk.api.enums import Env, Side
from kisdesk.ui.i18n import Language, active_language

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from kisdesk.ui.main_window import MainWindow

# The actions the window exposes under the same names (tests, screenshots and its own slots use them).
ACTION_NAMES: Final = (
    "credentials_action",
    "quit_action",
    "buy_action",
    "sell_action",
    "submit_action",
    "refresh_action",
    "cancel_action",
    "revise_action",
    "ticket_focus_action",
    "pending_tab_action",
    "reservations_tab_action",
    "activity_tab_action",
    "history_tab_action",
    "confirm_action",
    "precautions_action",
    "korean_action",
    "english_action",
    "shortcuts_action",
    "about_action",
)
MENU_NAMES: Final = ("file_menu", "orders_menu", "view_menu", "language_menu", "env_menu", "help_menu")


class WindowMenus(QObject):
    """Builds the menu bar of `window` and owns its actions; `retranslate()` on LanguageChange."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        w = window
        self.credentials_action = self._action(
            (), lambda: w.switcher.open_credentials_dialog(w.current_env())
        )
        self.quit_action = self._action(("Ctrl+Q",), w.close)
        self.buy_action = self._action(("F2", "Ctrl+B"), lambda: w.set_side(Side.BUY))
        self.sell_action = self._action(("F3", "Ctrl+S"), lambda: w.set_side(Side.SELL))
        self.submit_action = self._action(("Ctrl+Return", "Ctrl+Enter"), w.submit)
        self.refresh_action = self._action(("F5",), w.refresh_pending)
        # No shortcut of their own: Delete and Enter belong to the grid (see the window's session widgets).
        self.cancel_action = self._action((), lambda: w.pending_panel.cancel_action.trigger())
        self.revise_action = self._action(("Ctrl+R",), lambda: w.pending_panel.revise_action.trigger())
        self.ticket_focus_action = self._action(("Ctrl+T",), lambda: w.ticket.setFocus())
        self.pending_tab_action = self._action(("Ctrl+1",), w.focus_grid)
        self.reservations_tab_action = self._action(("Ctrl+2",), lambda: w.tabs.setCurrentIndex(1))
        self.activity_tab_action = self._action(("Ctrl+3",), lambda: w.tabs.setCurrentWidget(w.intents_panel))
        self.history_tab_action = self._action(("Ctrl+4",), lambda: w.tabs.setCurrentWidget(w.history_panel))
        self.confirm_action = self._action((), w.set_confirm_orders, checked=w.confirm_orders)
        self.precautions_action = self._action((), w.open_precautions_dialog)
        self.korean_action = self._action((), lambda: w.set_language(Language.KOREAN))
        self.english_action = self._action((), lambda: w.set_language(Language.ENGLISH))
        language_group = QActionGroup(window)
        for act in (self.korean_action, self.english_action):
            act.setCheckable(True)
            language_group.addAction(act)
        self.env_actions = {
            env: self._action((), lambda _=False, e=env: self._on_env_chosen(e)) for env in Env
        }
        for act in self.env_actions.values():
            act.setCheckable(True)
        self.shortcuts_action = self._action(("F1",), self.show_shortcuts)
        self.about_action = self._action((), self.show_about)
        # Disabled while starting: each of these reaches the ticket, the grid or the session.
        self._session_actions = (
            self.buy_action,
            self.sell_action,
            self.submit_action,
            self.refresh_action,
            self.cancel_action,
            self.revise_action,
            self.ticket_focus_action,
            self.pending_tab_action,
            self.reservations_tab_action,
            self.activity_tab_action,
            self.history_tab_action,
            self.precautions_action,
        )
        self.shortcuts_dialog: QDialog | None = None
        self.about_dialog: QDialog | None = None

        bar = window.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions([self.credentials_action, self.quit_action])
        self.orders_menu = bar.addMenu("")
        self.orders_menu.addActions([self.buy_action, self.sell_action, self.submit_action])
        self.orders_menu.addSeparator()
        self.orders_menu.addActions([self.refresh_action, self.revise_action, self.cancel_action])
        self.view_menu = bar.addMenu("")
        self.view_menu.addActions(
            [
                self.ticket_focus_action,
                self.pending_tab_action,
                self.reservations_tab_action,
                self.activity_tab_action,
                self.history_tab_action,
            ]
        )
        self.view_menu.addSeparator()
        self.view_menu.addActions([self.confirm_action, self.precautions_action])
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions([self.korean_action, self.english_action])
        self.env_menu = bar.addMenu("")
        self.env_menu.addActions([self.env_actions[e] for e in (Env.DEMO, Env.PAPER, Env.REAL)])
        self.help_menu = bar.addMenu("")
        self.help_menu.addActions([self.shortcuts_action, self.about_action])

    def _action(
        self, shortcuts: tuple[str, ...], handler: Callable[..., Any], *, checked: bool | None = None
    ) -> QAction:
        """A window action; `checked` not None makes it checkable, with `handler` on toggled."""
        act = QAction(self._window)
        act.setShortcuts([QKeySequence(s) for s in shortcuts])
        if checked is None:
            act.triggered.connect(handler)
        else:
            act.setCheckable(True)
            act.setChecked(checked)  # before connecting: showing the saved value is no change to save
            act.toggled.connect(handler)
        self._window.addAction(act)  # shortcuts work wherever the focus is in the window
        return act

    def set_session_actions_enabled(self, enabled: bool) -> None:
        for act in self._session_actions:
            act.setEnabled(enabled)

    def show_env(self, env: Env) -> None:
        """Check `env` in the Environment menu (the window's current one)."""
        for candidate, act in self.env_actions.items():
            act.setChecked(candidate is env)

    def _on_env_chosen(self, env: Env) -> None:
        self.show_env(self._window.current_env())  # checked only once the switch happened
        self._window.request_env(env)

    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.orders_menu.setTitle(self.tr("&Orders"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.env_menu.setTitle(self.tr("&Environment"))
        self.help_menu.setTitle(self.tr("&Help"))
        texts = {
            self.credentials_action: self.tr("&Credentials for this environment…"),
            self.quit_action: self.tr("&Quit"),
            self.buy_action: self.tr("&Buy side"),
            self.sell_action: self.tr("&Sell side"),
            self.submit_action: self.tr("Su&bmit order"),
            self.refresh_action: self.tr("&Refresh pending orders"),
            self.revise_action: self.tr("Re&vise selected order…"),
            self.cancel_action: self.tr("&Cancel selected order…") + "\tDel",
            self.ticket_focus_action: self.tr("Order &ticket"),
            self.pending_tab_action: self.tr("&Pending orders tab"),
            self.reservations_tab_action: self.tr("&Reservations tab"),
            self.activity_tab_action: self.tr("Order &activity tab"),
            self.history_tab_action: self.tr("&History tab"),
            self.confirm_action: self.tr("&Confirm orders before sending"),
            self.precautions_action: self.tr("&Order precautions…"),
            self.korean_action: "&한국어",
            self.english_action: "&English",
            self.env_actions[Env.DEMO]: self.tr("&Demo (built-in simulator)"),
            self.env_actions[Env.PAPER]: self.tr("&Paper trading"),
            self.env_actions[Env.REAL]: self.tr("&Real trading…"),
            self.shortcuts_action: self.tr("&Keyboard shortcuts"),
            self.about_action: self.tr("&About kisdesk"),
        }
        for act, text in texts.items():
            act.setText(text)
        korean = active_language() is Language.KOREAN
        (self.korean_action if korean else self.english_action).setChecked(True)
        self.credentials_action.setEnabled(self._window.current_env() is not Env.DEMO)

    def show_shortcuts(self) -> QDialog:
        """A non-modal list of every action that has a shortcut (Help → Keyboard shortcuts)."""
        # Only here: PySide6 builds a class on its first use, and before the first paint every
        # import and class shows in the start-up time.
        import html

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

        rows = [
            (
                act.text().replace("&", ""),
                ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()),
            )
            for act in self._window.actions()
            if act.shortcuts()
        ]
        rows += [
            (self.tr("Cancel the selected orders (in the grid)"), "Del"),
            (self.tr("Revise the selected order (in the grid)"), self.tr("Enter or double-click")),
            (self.tr("Submit from the ticket"), self.tr("Enter in a ticket field")),
            (self.tr("Close a dialog without acting"), "Esc"),
        ]
        table = "".join(
            f"<tr><td>{html.escape(t)}</td><td><b>{html.escape(k)}</b></td></tr>" for t, k in rows
        )
        dialog = QDialog(self._window)
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        label = QLabel(f"<table cellspacing=6>{table}</table>")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(label)
        layout.addWidget(close)
        self.shortcuts_dialog = dialog
        dialog.show()
        return dialog

    def show_about(self) -> QDialog:
        """Help → About kisdesk: versions and licences, non-modal."""
        from PySide6.QtCore import Qt

        from kisdesk.ui.about_dialog import AboutDialog  # importlib.metadata scan: only when asked

        dialog = AboutDialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = dialog
        dialog.show()
        return dialog
