"""MainWindow: composes the order ticket, the pending-orders grid and the reservations tab around
one Session, and owns switching environment (style.md B.11, order-safety.md rows 10 and 26, G9).

The environment is always on screen: the banner (REAL red, PAPER amber, DEMO green), the toggle,
the window title and the status bar. Switching builds a *new* Session and new session-bound
widgets (so the pending model starts empty); it is refused while requests are in flight, asks for
credentials when none are stored, and REAL needs an explicit confirmation whose default is Cancel.
Dialogs open with `open()`, never `exec()`: this window runs on a qasync loop (stack-notes #2).
The window always starts in DEMO; no environment is restored from settings, so REAL is never
entered without the confirmation (B.11).

Start-up (issue 5, kisdesk/ui/startup.py): `MainWindow(None)` is the start-up form, painted before
the client side, asyncio or PySide6's `Qt` namespace is loaded; this module therefore imports
asyncio and the session-bound widgets (kisdesk/ui/session_widgets.py) only inside the methods that
run after the first paint. The menus and their actions are kisdesk/ui/menus.py's.

Orders, revises and cancels go through the session's journal (`session.intents`, order-safety.md
§3): the ticket stays disabled, with the reason, until `intents.startup()` has reconciled what an
earlier run left open. The Order activity tab shows every intent live, the status bar counts the
unresolved ones, and closing is refused once while any is unresolved.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QByteArray, QEvent, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Env, Side
from kisdesk.app.demo import DEMO_ACCOUNT
from kisdesk.ui.env_banner import ENV_NAMES, EnvBanner
from kisdesk.ui.env_switch import EnvSwitcher
from kisdesk.ui.env_toggle import EnvToggle
from kisdesk.ui.i18n import Language, apply_saved_language, install_language, save_language
from kisdesk.ui.menus import ACTION_NAMES, MENU_NAMES, WindowMenus
from kisdesk.ui.startup import WindowStartup, error_text
from kisdesk.ui.status_panel import Connection, StatusPanel
from kisdesk.ui.theme import WARNING_TEXT

# For annotations only: most of these reach httpx, pydantic or keyring. The window paints without
# them (tests/test_startup_imports.py holds that line) and imports them after its first paint.
if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QDialog, QMessageBox

    from kisdesk.api.credentials import Account
    from kisdesk.app.secrets import SecretStore
    from kisdesk.app.session import Session
    from kisdesk.ui.history_panel import HistoryPanel
    from kisdesk.ui.intents_panel import IntentsPanel
    from kisdesk.ui.order_ticket import OrderTicketWidget
    from kisdesk.ui.pending_panel import PendingOrdersPanel
    from kisdesk.ui.precautions_dialog import PrecautionsDialog
    from kisdesk.ui.reservations_tab import ReservationsTab
    from kisdesk.ui.session_widgets import SessionView, SessionWidgets
    from kisdesk.ui.ticket_precautions import TicketPrecautions

log = logging.getLogger(__name__)

CONFIRM_KEY: Final = "orders/confirm"


def window_title(env: Env, account: Account) -> str:
    return f"kisdesk — {ENV_NAMES[env]} — {account}"


class MainWindow(QMainWindow):
    """The trading window for one Session at a time.

    `MainWindow(session)` builds every widget on that session at once. `MainWindow(None)` is the
    start-up form: it shows the DEMO banner, toggle, menus and status bar with a "starting" notice
    in place of the ticket, without importing the client side at all; `start()` then opens the DEMO
    session after the first paint and builds the ticket and the tabs. Until then `is_ready` is
    False, `session` and the session-bound widgets do not exist, and their actions are disabled.

    Signals:
        env_changed(Env): a switch finished; the new session is `self.session`.
        message(str): a notice for the user (also shown in the status bar).
        ready(): the first session is open and the ticket, grid and tabs are built.
        orders_open(): the first session's journal check finished and the ticket takes orders.
    """

    env_changed = Signal(object)
    message = Signal(str)
    ready = Signal()
    orders_open = Signal()

    # These exist once `is_ready` (always, when constructed with a session).
    session: Session
    view: SessionView
    ticket: OrderTicketWidget
    pending_panel: PendingOrdersPanel
    reservations_tab: ReservationsTab
    intents_panel: IntentsPanel
    history_panel: HistoryPanel

    # `self.menus`' actions and menus, under the window's names (menus.ACTION_NAMES, MENU_NAMES).
    credentials_action: QAction
    quit_action: QAction
    buy_action: QAction
    sell_action: QAction
    submit_action: QAction
    refresh_action: QAction
    cancel_action: QAction
    revise_action: QAction
    ticket_focus_action: QAction
    pending_tab_action: QAction
    reservations_tab_action: QAction
    activity_tab_action: QAction
    history_tab_action: QAction
    confirm_action: QAction
    precautions_action: QAction
    korean_action: QAction
    english_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    file_menu: QMenu
    orders_menu: QMenu
    view_menu: QMenu
    language_menu: QMenu
    env_menu: QMenu
    help_menu: QMenu

    def __init__(
        self,
        session: Session | None,
        settings: QSettings | None = None,
        *,
        secret_store: SecretStore | None = None,
        base_urls: Mapping[Env, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings("kisdesk", "kisdesk")
        self.switcher = EnvSwitcher(self, secret_store, base_urls)
        self._ready = False
        self._closed = False
        self._close_warned = False
        self.last_notice = ""
        self.precautions_dialog: PrecautionsDialog | None = None
        self._ticket_precautions: TicketPrecautions | None = None

        # The window always starts in DEMO (B.11); its account is fixed, so the banner is complete
        # before the session exists.
        env, account = (session.env, session.account) if session is not None else (Env.DEMO, DEMO_ACCOUNT)
        self.banner = EnvBanner(env, account)
        self.env_toggle = EnvToggle(env)
        self.env_toggle.env_requested.connect(self.request_env)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.splitter = QSplitter()  # horizontal
        self.unresolved_label = QLabel()
        self.unresolved_label.setStyleSheet(
            "background: #f9a825; color: #000000; font-weight: bold; padding: 0 6px;"
        )
        self.unresolved_label.setVisible(False)
        self.status = StatusPanel()
        self.startup = WindowStartup(self, self.splitter)  # its notice holds the ticket's place
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.tabs.currentChanged.connect(self._on_tab_changed)

        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.env_toggle)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        self.refusal_label = QLabel()
        self.refusal_label.setStyleSheet(f"color: {WARNING_TEXT.name()}; font-weight: bold;")
        self.refusal_label.setProperty("alignment", "AlignRight|AlignVCenter")  # see startup.py
        self.refusal_label.setVisible(False)
        self._refusal_timer = QTimer(self)
        self._refusal_timer.setSingleShot(True)
        self._refusal_timer.setInterval(8000)
        self._refusal_timer.timeout.connect(lambda: self.refusal_label.setVisible(False))
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.statusBar().addPermanentWidget(self.unresolved_label)
        self.statusBar().addPermanentWidget(self.status)
        self.menus = WindowMenus(self)
        for name in (*ACTION_NAMES, *MENU_NAMES):
            setattr(self, name, getattr(self.menus, name))
        self._restore_settings()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._tick)
        if session is None:
            self._show_starting()
        else:
            self.install_first_session(session)

    @property
    def is_ready(self) -> bool:
        """True once a session is open and the ticket, grid and tabs exist."""
        return self._ready

    @property
    def closing(self) -> bool:
        """True once the window accepted a close: whatever is still starting should stop."""
        return self._closed

    @property
    def ticket_precautions(self) -> TicketPrecautions:
        """One precaution state for every ticket this window builds: a rebuild (env or language
        switch) must not forget an order sent a second ago (duplicate rule)."""
        if self._ticket_precautions is None:
            from kisdesk.ui.precautions_dialog import load_precautions
            from kisdesk.ui.ticket_precautions import TicketPrecautions

            self._ticket_precautions = TicketPrecautions(load_precautions(self.settings))
        return self._ticket_precautions

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """`async_bridge.spawn` with this window's error sink. Every caller runs after the first
        paint, so async_bridge (and asyncio) load then, not with this module."""
        from kisdesk.ui.async_bridge import spawn

        return spawn(coro, self._on_unexpected)

    # --- start-up (kisdesk/ui/startup.py) -------------------------------------------------------

    def start(self) -> asyncio.Task[Any]:
        """Open the DEMO session once the window has painted (idempotent); see `ready`."""
        return self.startup.start()

    def install_first_session(self, session: Session) -> None:
        from kisdesk.ui.session_widgets import SessionView

        self.session = session
        self.view = SessionView(self)
        self.view.install(session)  # the ticket takes the starting notice's place
        self.startup.drop_label()
        self._ready = True
        self.menus.set_session_actions_enabled(True)
        self._retranslate()
        self._show_env()
        self._status_timer.start()
        self.ready.emit()

    def _show_starting(self) -> None:
        self.setWindowTitle(window_title(Env.DEMO, DEMO_ACCOUNT))
        self.status.show_env(Env.DEMO, DEMO_ACCOUNT)
        self.status.set_connection(Connection.CONNECTING)
        self.menus.set_session_actions_enabled(False)
        self.menus.show_env(Env.DEMO)
        self._retranslate()

    # --- environment switching (kisdesk/ui/env_switch.py) ---------------------------------------

    @property
    def switch_task(self) -> asyncio.Task[Any] | None:
        return self.switcher.task

    @property
    def real_confirmation(self) -> QMessageBox | None:
        return self.switcher.real_confirmation

    def switch_refusal(self) -> str | None:
        """Why switching environment is not possible right now, or None."""
        return self.switcher.refusal()

    def request_env(self, env: Env) -> asyncio.Task[Any] | None:
        """The user asked for `env`: refuse, ask for credentials/confirmation, then switch."""
        return self.switcher.request(env)

    def install_session(self, session: Session) -> None:
        self.session = session
        self.view.install(session)
        self._show_env()

    def set_session_widgets(self, widgets: SessionWidgets) -> None:
        self.ticket = widgets.ticket
        self.pending_panel = widgets.pending
        self.reservations_tab = widgets.reservations
        self.intents_panel = widgets.activity
        self.history_panel = widgets.history

    @property
    def intents_startup(self) -> asyncio.Task[Any] | None:
        """The current session's journal check (`start_intents`), None before the first."""
        return self.view.intents_startup if self._ready else None

    def start_intents(self) -> asyncio.Task[Any]:
        """Run `session.intents.startup()` once per session (idempotent); the ticket opens after it."""
        return self.view.start_intents()

    async def check_connection(self) -> None:
        """First request of a new session: a pending-orders refresh tells whether KIS answers.
        Also starts the journal's reconciliation (`start_intents`), which unblocks the ticket."""
        await self.view.check_connection()

    def _on_tab_changed(self, _index: int) -> None:
        if self._ready and self.tabs.currentWidget() is self.history_panel:
            self.history_panel.schedule_refresh()

    # --- small slots ----------------------------------------------------------------------------

    @property
    def confirm_orders(self) -> bool:
        return bool(self.settings.value(CONFIRM_KEY, True, type=bool))

    def set_confirm_orders(self, value: bool) -> None:
        self.settings.setValue(CONFIRM_KEY, value)
        if self._ready:
            self.ticket.set_confirm_orders(value)  # the ticket itself keeps confirming in REAL

    def open_precautions_dialog(self) -> PrecautionsDialog:
        """View → Precautions…: edit the thresholds; Save persists them and applies them at once."""
        from kisdesk.ui.precautions_dialog import PrecautionsDialog, save_precautions

        dialog = PrecautionsDialog(self.ticket.precautions, self)
        _delete_on_close(dialog)

        def _saved() -> None:
            save_precautions(self.settings, dialog.result_settings())
            self.ticket.set_precautions(dialog.result_settings())

        dialog.accepted.connect(_saved)
        self.precautions_dialog = dialog
        dialog.open()
        return dialog

    def set_side(self, side: Side) -> None:
        self.ticket.set_side(side)

    def submit(self) -> None:
        self.ticket.request_submit()  # disables the button before the task runs (order-safety row 7)

    def refresh_pending(self) -> asyncio.Task[Any]:
        if not self.session.intents.ready:
            self.start_intents()  # a failed journal check is retried with F5
        return self.spawn(self.pending_panel.refresh())

    def set_language(self, language: Language) -> None:
        """Persist the choice and apply it now: widgets re-translate on LanguageChange."""
        save_language(self.settings, language)
        install_language(language)
        if not self._ready:  # the widgets built at the end of start-up read the new language then
            return
        # The session widgets are rebuilt so that every label of theirs is in the new language.
        self.view.install(self.session)
        self.spawn(self.check_connection())

    def notify(self, text: str) -> None:
        self.last_notice = text
        self.statusBar().showMessage(text, 10_000)
        self.message.emit(text)

    def refuse(self, reason: str) -> None:
        """Say why the environment did not change, right under the toggle the user just clicked."""
        self.notify(reason)
        self.refusal_label.setText(reason)
        self.refusal_label.setVisible(True)
        self._refusal_timer.start()

    def show_error(self, text: str) -> None:
        self.status.set_last_error(text)
        self.notify(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error in the main window", exc_info=exc)
        self.show_error(error_text(exc))

    def current_env(self) -> Env:
        return self.session.env if self._ready else Env.DEMO

    def _tick(self) -> None:
        self.status.refresh(self.session)

    def _show_env(self) -> None:
        env, account = self.session.env, self.session.account
        self.banner.set_env(env, account)
        self.env_toggle.set_env(env)
        self.setWindowTitle(window_title(env, account))
        self.status.refresh(self.session)
        self.menus.show_env(env)

    # --- menus (kisdesk/ui/menus.py) ----------------------------------------------------------

    @property
    def about_dialog(self) -> QDialog | None:
        return self.menus.about_dialog

    def focus_grid(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.pending_panel.table.setFocus()  # so Delete and Enter reach the grid's own actions

    # --- settings, language, closing ---------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([460, 820])

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        if self._ready:
            self.view.retranslate()
        self.startup.retranslate()
        self.menus.retranslate()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._ready:  # nothing sent yet; aclose() stops the start-up
            self._closed = True
            self.save_settings()
            super().closeEvent(event)
            return
        if (warning := self.view.close_warning()) is not None:
            self.notify(warning)
            self.tabs.setCurrentWidget(self.intents_panel)
            event.ignore()
            return
        if self.session.busy and not self._close_warned:
            # Closing could cut an order off mid-flight (order-safety.md §3): warn once.
            self._close_warned = True
            self.notify(self.tr("Requests are still in flight. Close again to quit anyway."))
            event.ignore()
            return
        self._closed = True
        self.save_settings()
        self._status_timer.stop()
        self.pending_panel.stop_auto_refresh()
        super().closeEvent(event)

    async def aclose(self) -> None:
        """Close the session (and the DEMO simulator); await it once the window has closed.

        Closed while starting, the start-up is cancelled: nothing later opens a session.
        """
        self._status_timer.stop()
        await self.startup.cancel()
        if not self._ready:
            return
        self.view.stop()
        await self.session.close(force=True)


def open_main_window(app_settings: QSettings | None = None) -> MainWindow:
    """Apply the saved language and show the window at once; it opens its DEMO session after the
    first paint (`MainWindow.start`). Call inside the running loop; await `window.aclose()` at the end.

    Always DEMO (style.md B.11): PAPER and REAL are one click away, behind credentials and, for
    REAL, a confirmation.
    """
    window = show_starting_window(app_settings)
    window.start()
    return window


def show_starting_window(app_settings: QSettings | None = None) -> MainWindow:
    """`open_main_window` without `start()`: for kisdesk.ui.app, which paints before its loop exists."""
    settings = app_settings if app_settings is not None else QSettings("kisdesk", "kisdesk")
    apply_saved_language(settings)
    window = MainWindow(None, settings)
    window.show()
    return window


def _delete_on_close(dialog: QWidget) -> None:
    from PySide6.QtCore import Qt  # not at the top: see kisdesk/ui/startup.py

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
