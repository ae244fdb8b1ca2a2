"""MainWindow: composes the order ticket, the pending-orders grid and the reservations tab around
one Session, and owns switching environment (style.md B.11, order-safety.md rows 10 and 26, G9).

The environment is always on screen: the banner (REAL red, PAPER amber, DEMO green), the toggle,
the window title and the status bar. Switching builds a *new* Session and new session-bound
widgets (so the pending model starts empty); it is refused while requests are in flight, asks for
credentials when none are stored, and REAL needs an explicit confirmation whose default is Cancel.
Dialogs open with `open()`, never `exec()`: this window runs on a qasync loop (stack-notes #2).
The window always starts in DEMO; no environment is restored from settings, so REAL is never
entered without the confirmation (B.11).

Start-up (issue 5): `open_main_window()` shows this window before any session exists, with the
banner, toggle, menus and status bar and a "starting" notice where the ticket goes; right after the
first paint it imports the client side (httpx, pydantic), opens the DEMO session and builds the
ticket and tabs on the loop. Nothing in this module's own imports reaches the client side.

Orders, revises and cancels go through the session's journal (`session.intents`, order-safety.md
§3) via `JournaledOrders`: the ticket stays disabled, with the reason, until `intents.startup()` has
reconciled what an earlier run left open. The Order activity tab shows every intent live, the status
bar counts the unresolved ones, and closing is refused once while any is unresolved.
"""

from __future__ import annotations

import asyncio
import importlib
import linecache
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.credentials import Account
from kisdesk.api.enums import CustType, Env, Exchange, Side
from kisdesk.app.demo import DEMO_ACCOUNT
from kisdesk.ui.async_bridge import spawn
from kisdesk.ui.env_banner import ENV_NAMES, EnvBanner
from kisdesk.ui.env_toggle import EnvToggle, real_confirmation
from kisdesk.ui.i18n import (
    Language,
    active_language,
    apply_saved_language,
    install_language,
    save_language,
)
from kisdesk.ui.status_panel import Connection, StatusPanel
from kisdesk.ui.theme import WARNING_TEXT

# For annotations only: most of these reach httpx, pydantic or keyring. The window paints without
# them (tests/test_startup_imports.py holds that line) and imports them after its first paint.
if TYPE_CHECKING:
    from decimal import Decimal

    from kisdesk.app.secrets import SecretStore
    from kisdesk.app.session import Session
    from kisdesk.domain.intents import Intent
    from kisdesk.domain.pending import PendingOrder
    from kisdesk.domain.rules import Problem
    from kisdesk.domain.ticket import OverseasTicket
    from kisdesk.ui.credentials_dialog import CredentialsDialog, EnteredCredentials
    from kisdesk.ui.history_panel import HistoryPanel
    from kisdesk.ui.intents_panel import IntentsPanel
    from kisdesk.ui.order_ticket import OrderTicketWidget
    from kisdesk.ui.pending_panel import ActionResult, PendingOrdersPanel
    from kisdesk.ui.precautions_dialog import PrecautionsDialog
    from kisdesk.ui.reservations_tab import ReservationsTab
    from kisdesk.ui.ticket_precautions import TicketPrecautions

log = logging.getLogger(__name__)

CONFIRM_KEY: Final = "orders/confirm"
VENUE_KEY: Final = "ticket/last_venue"
CUST_TYPE_KEY: Final = "credentials/{env}/cust_type"  # not secret: P or B


def window_title(env: Env, account: Account) -> str:
    return f"kisdesk — {ENV_NAMES[env]} — {account}"


class JournaledOrders:
    """The ticket's and the grid's order services on one Session: checks and reads from
    `session.orders`, every order, revise and cancel through `session.intents` (journaled)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def env(self) -> Env:
        return self._session.env

    def check(self, ticket: OverseasTicket) -> list[Problem]:
        return self._session.orders.check(ticket)

    async def submit(self, ticket: OverseasTicket, *, intent: str | None = None) -> Intent:
        return await self._session.intents.submit(ticket)  # the service names its own intent id

    async def pending(self) -> list[PendingOrder]:
        # Through the intents: each refresh also moves journaled orders to PARTIALLY_FILLED / FILLED /
        # CANCELED / REPLACED as KIS reports them (one extra history read while any order is working).
        return await self._session.intents.pending()

    def revise_problems(self, order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]:
        return self._session.orders.revise_problems(order, quantity, price)

    async def revise(self, order: PendingOrder, quantity: int, price: Decimal) -> Intent:
        return await self._session.intents.revise(order, quantity, price)

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: Any = None
    ) -> Sequence[tuple[PendingOrder, ActionResult]]:
        return await self._session.intents.cancel_many(orders, on_result)


class _FirstPaint(QObject):
    """Watches a window for its first paint event, then lets go of it."""

    painted = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self.seen = True
            self.painted.emit()
        return False


# What the session-bound widgets need, imported one module per loop turn after the first paint, so
# the window keeps repainting between them instead of freezing for the whole import.
DEFERRED_MODULES: Final = (
    "kisdesk.api.client",
    "kisdesk.app.session",
    "kisdesk.ui.messages",
    "kisdesk.ui.order_ticket",
    "kisdesk.ui.pending_panel",
    "kisdesk.ui.reservations_tab",
    "kisdesk.ui.intents_panel",
    "kisdesk.ui.history_panel",
    "kisdesk.simulator.engine",
    # httpcore picks its async backend on the first request and imports anyio's then: a ~30 ms
    # stall in the middle of the first order or refresh (measured by tests/bench/chaos_gui.py).
    "anyio._backends._asyncio",
    "httpcore._backends.anyio",
)


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
    ticket: OrderTicketWidget
    pending_panel: PendingOrdersPanel
    reservations_tab: ReservationsTab
    intents_panel: IntentsPanel
    history_panel: HistoryPanel

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
        # None until first needed: the keychain module is not imported before PAPER/REAL.
        self._secret_store: SecretStore | None = secret_store
        self._session_stores: dict[Env, SecretStore] = {}  # "use for this session only" choices
        self._base_urls = dict(base_urls or {})  # loopback hosts (tests, screenshots); else official
        self.switch_task: asyncio.Task[Any] | None = None
        self.start_task: asyncio.Task[Any] | None = None
        self.start_error: str | None = None
        self._ready = False
        self._closed = False
        self._orders_opened = False
        self._started_at = time.perf_counter()
        self._switching = False
        self._refreshes = 0
        self._close_warned = False
        self._unresolved_warned = False
        self.intents_startup: asyncio.Task[Any] | None = None  # the current session's startup()
        self._startup_session: Session | None = None
        self.last_notice = ""
        self._checking_text = ""  # the start-up check's notice, cleared when the check passes
        self.real_confirmation: QMessageBox | None = None
        self.credentials_dialog: CredentialsDialog | None = None
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
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.unresolved_label = QLabel()
        self.unresolved_label.setStyleSheet(
            "background: #f9a825; color: #000000; font-weight: bold; padding: 0 6px;"
        )
        self.unresolved_label.setVisible(False)
        self.starting_label: QLabel | None = QLabel()  # where the ticket goes, until it is built
        self.starting_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.starting_label.setWordWrap(True)
        self.splitter.addWidget(self.starting_label)
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
        self.refusal_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.refusal_label.setVisible(False)
        self._refusal_timer = QTimer(self)
        self._refusal_timer.setSingleShot(True)
        self._refusal_timer.setInterval(8000)
        self._refusal_timer.timeout.connect(lambda: self.refusal_label.setVisible(False))
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = StatusPanel()
        self.statusBar().addPermanentWidget(self.unresolved_label)
        self.statusBar().addPermanentWidget(self.status)
        self._build_menus()
        self._restore_settings()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._tick)
        self._first_paint = _FirstPaint(self)
        self._first_paint.painted.connect(
            lambda: log.info("main window painted, %.0f ms after it was created", self._elapsed_ms())
        )
        self.installEventFilter(self._first_paint)
        if session is None:
            self._show_starting()
        else:
            self._install_first_session(session)

    @property
    def is_ready(self) -> bool:
        """True once a session is open and the ticket, grid and tabs exist."""
        return self._ready

    @property
    def ticket_precautions(self) -> TicketPrecautions:
        """One precaution state for every ticket this window builds: a rebuild (env or language
        switch) must not forget an order sent a second ago (duplicate rule)."""
        if self._ticket_precautions is None:
            from kisdesk.ui.precautions_dialog import load_precautions
            from kisdesk.ui.ticket_precautions import TicketPrecautions

            self._ticket_precautions = TicketPrecautions(load_precautions(self.settings))
        return self._ticket_precautions

    # --- start-up -------------------------------------------------------------------------------

    def start(self) -> asyncio.Task[Any]:
        """Open the DEMO session once the window has painted (idempotent); see `ready`."""
        if self.start_task is None:
            self.start_task = spawn(self._start(), self._on_unexpected)
        return self.start_task

    async def _start(self) -> None:
        if self._ready:
            return
        await self.first_paint()
        await asyncio.sleep(0)  # events queued with the paint (a click, a close) go before the imports
        try:
            for name in DEFERRED_MODULES:
                if self._closed:  # closed while starting: the imports would only delay the exit
                    return
                importlib.import_module(name)
                await asyncio.sleep(0)
            if self._closed:
                return
            from kisdesk.app.session import Session

            session = await Session.open_demo()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the window stays, saying why; the log has the traceback
            log.error("kisdesk could not open the demo environment", exc_info=exc)
            self._show_start_error(exc)
            return
        try:
            self._install_first_session(session)
        except BaseException:
            await session.close(force=True)
            raise
        log.info("ticket and grid built, %.0f ms after the window was created", self._elapsed_ms())
        await self.check_connection()

    async def first_paint(self) -> None:
        """Return once the window has painted for the first time (or has not within a second)."""
        if not self._first_paint.seen:
            painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def _on_painted() -> None:
                if not painted.done():
                    painted.set_result(None)

            self._first_paint.painted.connect(_on_painted)
            # A window that is never exposed (minimised at start, some window managers) starts anyway.
            await asyncio.wait([painted], timeout=1.0)

    def _install_first_session(self, session: Session) -> None:
        self.session = session
        (
            self.ticket,
            self.pending_panel,
            self.reservations_tab,
            self.intents_panel,
            self.history_panel,
        ) = self._make_session_widgets(session)
        if self.starting_label is not None:
            self.splitter.replaceWidget(0, self.ticket)
            self.starting_label.deleteLater()
            self.starting_label = None
        self._fill_tabs()
        # PySide6's import hook (shibokensupport.feature) reads the source of every module imported
        # after it, to look for "PySide6" in it, and linecache keeps all of it: about 10 MB of RSS
        # once the session's modules are in, when installed from a wheel (a bundle has no sources).
        # Nothing reads it again; a traceback reads the lines it needs afresh.
        linecache.clearcache()
        self._ready = True
        for act in self._session_actions:
            act.setEnabled(True)
        self._retranslate()
        self._show_env()
        self._status_timer.start()
        self.ready.emit()

    def _show_starting(self) -> None:
        self.setWindowTitle(window_title(Env.DEMO, DEMO_ACCOUNT))
        self.status.show_env(Env.DEMO, DEMO_ACCOUNT)
        self.status.set_connection(Connection.CONNECTING)
        for act in self._session_actions:
            act.setEnabled(False)
        for env, act in self.env_actions.items():
            act.setChecked(env is Env.DEMO)
        self._retranslate()

    def _show_start_error(self, exc: BaseException) -> None:
        self.start_error = _error_text(exc)
        self.status.set_connection(Connection.ERROR, self.start_error)
        self.status.set_last_error(self.start_error)
        self._retranslate_starting()

    def _retranslate_starting(self) -> None:
        # The status bar's own words: the ticket's place says what the status bar says, in large.
        if self.starting_label is None:
            return
        if self.start_error is None:
            text = self.status.connection_words(Connection.CONNECTING)
        else:
            text = f"{self.status.connection_words(Connection.ERROR)}\n{self.start_error}"
        self.starting_label.setText(text)

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self._started_at) * 1000

    # --- environment switching ------------------------------------------------------------------

    def switch_refusal(self) -> str | None:
        """Why switching environment is not possible right now, or None."""
        if self._switching or not self._ready:  # starting is switching into the first environment
            return self.tr("Wait for the current environment switch to finish.")
        budget = self.session.client.limiter.budget()
        busy = self.session.orders.in_flight + budget.queued + budget.in_flight
        if self.session.busy or busy:
            return self.tr("Wait for %1 request(s) in flight to finish, then switch.").replace(
                "%1", str(busy)
            )
        return None

    def request_env(self, env: Env) -> asyncio.Task[Any] | None:
        """The user asked for `env`: refuse, ask for credentials/confirmation, then switch."""
        if env is self._current_env():
            return None
        if (reason := self.switch_refusal()) is not None:
            self._refuse(reason)
            return None
        return spawn(self._prepare_switch(env), self._on_unexpected)

    async def _prepare_switch(self, env: Env) -> None:
        if env is Env.DEMO:
            self._start_switch(env, None)
            return
        from kisdesk.app.secrets import SecretStoreUnavailableError, load_credentials
        from kisdesk.ui.credentials_dialog import EnteredCredentials

        store = self._store_for(env)
        try:
            # keyring may block or prompt: read it off the GUI thread (style.md B.5).
            saved = await asyncio.to_thread(load_credentials, store, env)
        except SecretStoreUnavailableError as exc:
            self.open_credentials_dialog(env, unavailable_reason=str(exc))
            return
        if saved is None:  # nothing stored, or stored values no longer valid: enter them
            self.open_credentials_dialog(env)
            return
        entered = EnteredCredentials(env, saved.credentials, saved.account, self._cust_type(env), store)
        self._credentials_ready(entered)

    def open_credentials_dialog(
        self, env: Env, *, unavailable_reason: str | None = None
    ) -> CredentialsDialog:
        from kisdesk.ui.credentials_dialog import CredentialsDialog

        dialog = CredentialsDialog(
            env,
            self._default_store(),
            self,
            cust_type=self._cust_type(env),
            unavailable_reason=unavailable_reason,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.credentials_entered.connect(self._on_credentials_entered)
        self.credentials_dialog = dialog
        dialog.open()
        return dialog

    def _on_credentials_entered(self, entered: EnteredCredentials) -> None:
        self.settings.setValue(CUST_TYPE_KEY.format(env=entered.env.value), entered.cust_type.value)
        if entered.session_only:
            self._session_stores[entered.env] = entered.store
        if entered.env is not self._current_env():
            self._credentials_ready(entered)

    def _credentials_ready(self, entered: EnteredCredentials) -> None:
        if entered.env is Env.REAL:
            self._confirm_real(entered)
        else:
            self._start_switch(entered.env, entered)

    def _confirm_real(self, entered: EnteredCredentials) -> None:
        box, confirm = real_confirmation(self, entered.account)
        box.buttonClicked.connect(
            lambda button: self._start_switch(Env.REAL, entered) if button is confirm else None
        )
        self.real_confirmation = box
        box.open()

    def _start_switch(self, env: Env, entered: EnteredCredentials | None) -> None:
        self.switch_task = spawn(self.switch_env(env, entered), self._on_unexpected)

    async def switch_env(self, env: Env, entered: EnteredCredentials | None = None) -> bool:
        """Open a new Session for `env`, close the old one and rebuild the session-bound widgets.

        PAPER/REAL need `entered` (the credentials dialog or the keychain provides it). Returns
        False, keeping the current environment, when refused or when the new session cannot open.
        """
        from kisdesk.app.errors import SessionBusyError
        from kisdesk.ui.messages import EXPECTED_ERRORS, message_for

        if (reason := self.switch_refusal()) is not None:
            self._refuse(reason)  # a request may have started while a dialog was open
            return False
        self._switching = True
        self.status.set_connection(Connection.CONNECTING)
        try:
            new = await self._open_session(env, entered)
            old = self.session
            try:
                await old.close()
            except SessionBusyError as exc:
                await new.close(force=True)
                self._refuse(message_for(exc))
                return False
            self._install_session(new)
        except (*EXPECTED_ERRORS, ValueError, OSError) as exc:
            self._show_error(message_for(exc))
            self.status.set_connection(Connection.ERROR, message_for(exc))
            return False
        finally:
            self._switching = False
        self.env_changed.emit(env)
        self.notify(self.tr("Switched to %1.").replace("%1", ENV_NAMES[env]))
        await self.check_connection()
        return True

    async def _open_session(self, env: Env, entered: EnteredCredentials | None) -> Session:
        from kisdesk.app.session import Profile, Session

        if env is Env.DEMO:
            return await Session.open_demo()
        if entered is None or entered.env is not env:
            raise ValueError(f"{env.value} needs its credentials")
        profile = Profile(env, entered.credentials, entered.account, self._base_urls.get(env))
        # The token cache lives where the credentials live: keychain, or memory for session-only keys.
        return await Session.open(profile, entered.store, cust_type=entered.cust_type)

    def _install_session(self, session: Session) -> None:
        self.session = session
        self._rebuild_session_widgets()
        self._show_env()

    def _rebuild_session_widgets(self) -> None:
        """New ticket, grid and tabs on `self.session`; the pending model starts empty."""
        old = (self.ticket, self.pending_panel, self.reservations_tab, self.intents_panel, self.history_panel)
        self.pending_panel.stop_auto_refresh()
        self.intents_panel.stop()
        current_tab = self.tabs.currentIndex()
        (
            self.ticket,
            self.pending_panel,
            self.reservations_tab,
            self.intents_panel,
            self.history_panel,
        ) = self._make_session_widgets(self.session)
        self.splitter.replaceWidget(0, self.ticket)
        self.tabs.clear()
        self._fill_tabs()
        self.tabs.setCurrentIndex(max(current_tab, 0))
        for widget in old:
            widget.setParent(None)
            widget.deleteLater()

    def _make_session_widgets(
        self, session: Session
    ) -> tuple[OrderTicketWidget, PendingOrdersPanel, ReservationsTab, IntentsPanel, HistoryPanel]:
        from kisdesk.ui.history_panel import HistoryPanel
        from kisdesk.ui.intents_panel import IntentsPanel
        from kisdesk.ui.order_ticket import OrderTicketWidget
        from kisdesk.ui.pending_panel import PendingOrdersPanel
        from kisdesk.ui.reservations_tab import ReservationsTab

        orders = JournaledOrders(session)
        # The ticket confirms every REAL order whatever this preference (order-safety.md row 26).
        ticket = OrderTicketWidget(
            session.env,
            orders,
            session.market,
            confirm_orders=self.confirm_orders,
            precautions=self.ticket_precautions,
        )
        venue = str(self.settings.value(VENUE_KEY, "") or "")
        if venue in {e.value for e in Exchange}:
            ticket.set_exchange(Exchange(venue))
        ticket.venue_combo.currentIndexChanged.connect(self._remember_venue)
        ticket.order_placed.connect(self._on_order_placed)
        ticket.message.connect(self.notify)
        if not session.intents.ready:
            self._checking_text = self.tr("Checking the order journal with KIS before new orders…")
            ticket.set_blocked(self._checking_text)
        pending = PendingOrdersPanel(orders)
        # F5 is the window's (it works wherever the focus is); the grid keeping it too would make
        # the key ambiguous, and Qt then triggers neither. Delete and Enter stay the grid's own.
        pending.refresh_action.setShortcuts([])
        pending.message.connect(self.notify)
        pending.refreshed.connect(self._on_refreshed)
        reservations = ReservationsTab(session.reservations, session.env)
        reservations.message.connect(self.notify)
        activity = IntentsPanel(session.intents)
        activity.message.connect(self.notify)
        activity.intent_changed.connect(ticket.on_intent_changed)
        history = HistoryPanel(session.journal, session.env)
        history.message.connect(self.notify)
        activity.intent_changed.connect(lambda _intent: self._on_intent_changed())
        return ticket, pending, reservations, activity, history

    def _fill_tabs(self) -> None:
        self.tabs.addTab(self.pending_panel, self.tr("&Pending orders"))
        self.tabs.addTab(self.reservations_tab, self.tr("&Reservations"))
        self.tabs.addTab(self.intents_panel, "")
        self.tabs.addTab(self.history_panel, self.tr("&History"))
        self._show_unresolved()

    def _on_intent_changed(self) -> None:
        self._show_unresolved()
        if self.tabs.currentWidget() is self.history_panel:
            self.history_panel.schedule_refresh()

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.history_panel:
            self.history_panel.schedule_refresh()

    def _show_unresolved(self) -> None:
        """The status bar's count and the Order activity tab title follow the unresolved intents."""
        if not self._ready:
            return
        count = self.session.unresolved_count
        self.unresolved_label.setText(self.tr("%n order(s) unresolved — see Order activity", "", count))
        self.unresolved_label.setVisible(count > 0)
        title = self.tr("Order &activity")
        index = self.tabs.indexOf(self.intents_panel)
        if index >= 0:
            self.tabs.setTabText(index, f"{title} ({count})" if count else title)
        if count == 0:
            self._unresolved_warned = False  # a later unresolved intent warns again

    def start_intents(self) -> asyncio.Task[Any]:
        """Run `session.intents.startup()` once per session (idempotent); the ticket opens after it."""
        session = self.session
        if (
            self._startup_session is not session
            or self.intents_startup is None
            or (self.intents_startup.done() and not session.intents.ready)
        ):
            self._startup_session = session
            self.intents_startup = spawn(self._run_intents_startup(session), self._on_unexpected)
        return self.intents_startup

    async def _run_intents_startup(self, session: Session) -> None:
        from kisdesk.ui.messages import message_for

        try:
            await session.intents.startup()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # shown on the ticket; F5 or the next check tries again
            if session is self.session:
                self.ticket.set_blocked(
                    self.tr(
                        "Orders are blocked: the order journal could not be checked ({0}). Press F5 to retry."
                    ).format(message_for(exc))
                )
            return
        if session is self.session:
            self.ticket.set_blocked(None)
            if self.statusBar().currentMessage() == self._checking_text:
                self.statusBar().clearMessage()  # the check is over: its notice must not linger
            self._show_unresolved()
            if not self._orders_opened:
                self._orders_opened = True
                log.info("ticket open for orders, %.0f ms after the window was created", self._elapsed_ms())
                self.orders_open.emit()

    async def check_connection(self) -> None:
        """First request of a new session: a pending-orders refresh tells whether KIS answers.
        Also starts the journal's reconciliation (`start_intents`), which unblocks the ticket."""
        from kisdesk.ui.messages import EXPECTED_ERRORS, message_for

        self.start_intents()
        before = self._refreshes
        try:
            await self.pending_panel.refresh()
        except EXPECTED_ERRORS as exc:
            self._show_error(message_for(exc))
        if self._refreshes == before:
            self.status.set_connection(Connection.ERROR, self.last_notice)
        self.pending_panel.start_auto_refresh()

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
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

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
        return spawn(self.pending_panel.refresh(), self._on_unexpected)

    def set_language(self, language: Language) -> None:
        """Persist the choice and apply it now: widgets re-translate on LanguageChange."""
        save_language(self.settings, language)
        install_language(language)
        if not self._ready:  # the widgets built at the end of start-up read the new language then
            return
        # The session widgets are rebuilt so that every label of theirs is in the new language.
        self._rebuild_session_widgets()
        spawn(self.check_connection(), self._on_unexpected)

    def notify(self, text: str) -> None:
        self.last_notice = text
        self.statusBar().showMessage(text, 10_000)
        self.message.emit(text)

    def _refuse(self, reason: str) -> None:
        """Say why the environment did not change, right under the toggle the user just clicked."""
        self.notify(reason)
        self.refusal_label.setText(reason)
        self.refusal_label.setVisible(True)
        self._refusal_timer.start()

    def _show_error(self, text: str) -> None:
        self.status.set_last_error(text)
        self.notify(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error in the main window", exc_info=exc)
        self._show_error(_error_text(exc))

    def _on_refreshed(self, _count: int) -> None:
        self._refreshes += 1
        self.status.set_connection(Connection.OK)

    def _on_order_placed(self, _order: object) -> None:
        self.refresh_pending()

    def _remember_venue(self) -> None:
        venue = self.ticket.venue_combo.currentData()
        if venue:
            self.settings.setValue(VENUE_KEY, str(venue))

    def _cust_type(self, env: Env) -> CustType:
        value = str(self.settings.value(CUST_TYPE_KEY.format(env=env.value), "P") or "P")
        return CustType.CORPORATE if value == CustType.CORPORATE.value else CustType.PERSONAL

    def _store_for(self, env: Env) -> SecretStore:
        store = self._session_stores.get(env)
        return store if store is not None else self._default_store()

    def _default_store(self) -> SecretStore:
        # KeyringStore() only names the service: the keychain is first touched on PAPER/REAL.
        if self._secret_store is None:
            from kisdesk.app.secrets import KeyringStore

            self._secret_store = KeyringStore()
        return self._secret_store

    def _current_env(self) -> Env:
        return self.session.env if self._ready else Env.DEMO

    def _tick(self) -> None:
        self.status.refresh(self.session)

    def _show_env(self) -> None:
        env, account = self.session.env, self.session.account
        self.banner.set_env(env, account)
        self.env_toggle.set_env(env)
        self.setWindowTitle(window_title(env, account))
        self.status.refresh(self.session)
        for env, action in self.env_actions.items():
            action.setChecked(env is self.session.env)

    # --- menus and shortcuts ----------------------------------------------------------------

    def _build_menus(self) -> None:
        def action(shortcuts: tuple[str, ...], handler: Any, *, checkable: bool = False) -> QAction:
            act = QAction(self)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setCheckable(checkable)
            (act.toggled if checkable else act.triggered).connect(handler)
            self.addAction(act)  # shortcuts work wherever the focus is in this window
            return act

        self.credentials_action = action((), lambda: self.open_credentials_dialog(self._current_env()))
        self.quit_action = action(("Ctrl+Q",), self.close)
        self.buy_action = action(("F2", "Ctrl+B"), lambda: self.set_side(Side.BUY))
        self.sell_action = action(("F3", "Ctrl+S"), lambda: self.set_side(Side.SELL))
        self.submit_action = action(("Ctrl+Return", "Ctrl+Enter"), self.submit)
        self.refresh_action = action(("F5",), self.refresh_pending)
        # No shortcut of their own: Delete and Enter belong to the grid (see _make_session_widgets).
        self.cancel_action = action((), lambda: self.pending_panel.cancel_action.trigger())
        self.revise_action = action(("Ctrl+R",), lambda: self.pending_panel.revise_action.trigger())
        self.ticket_focus_action = action(("Ctrl+T",), lambda: self.ticket.setFocus())
        self.pending_tab_action = action(("Ctrl+1",), self._focus_grid)
        self.reservations_tab_action = action(("Ctrl+2",), lambda: self.tabs.setCurrentIndex(1))
        self.activity_tab_action = action(("Ctrl+3",), lambda: self.tabs.setCurrentWidget(self.intents_panel))
        self.history_tab_action = action(("Ctrl+4",), lambda: self.tabs.setCurrentWidget(self.history_panel))
        self.confirm_action = action((), self.set_confirm_orders, checkable=True)
        self.confirm_action.setChecked(self.confirm_orders)
        self.precautions_action = action((), self.open_precautions_dialog)
        self.korean_action = action((), lambda: self.set_language(Language.KOREAN))
        self.english_action = action((), lambda: self.set_language(Language.ENGLISH))
        language_group = QActionGroup(self)
        for act in (self.korean_action, self.english_action):
            act.setCheckable(True)
            language_group.addAction(act)
        self.env_actions = {env: action((), lambda _=False, e=env: self._env_menu(e)) for env in Env}
        for act in self.env_actions.values():
            act.setCheckable(True)
        self.shortcuts_action = action(("F1",), self.show_shortcuts)
        self.about_action = action((), self.show_about)
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

        bar = self.menuBar()
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
        self.shortcuts_dialog: QDialog | None = None
        self.about_dialog: QDialog | None = None

    def _retranslate_menus(self) -> None:
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
        self.credentials_action.setEnabled(self._current_env() is not Env.DEMO)

    def _focus_grid(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.pending_panel.table.setFocus()  # so Delete and Enter reach the grid's own actions

    def _env_menu(self, env: Env) -> None:
        for candidate, act in self.env_actions.items():
            act.setChecked(candidate is self._current_env())  # checked only once the switch happened
        self.request_env(env)

    def show_shortcuts(self) -> QDialog:
        """A non-modal list of every action that has a shortcut (Help → Keyboard shortcuts)."""
        import html  # only here; every import before the first paint shows in the start-up time

        rows = [
            (
                act.text().replace("&", ""),
                ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()),
            )
            for act in self.actions()
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
        dialog = QDialog(self)
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
        from kisdesk.ui.about_dialog import AboutDialog  # importlib.metadata scan: only when asked

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = dialog
        dialog.show()
        return dialog

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
        self.tabs.setTabText(0, self.tr("&Pending orders"))
        self.tabs.setTabText(1, self.tr("&Reservations"))
        self.tabs.setTabText(3, self.tr("&History"))
        self._show_unresolved()
        self._retranslate_starting()
        self._retranslate_menus()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._ready:  # nothing sent yet; aclose() stops the start-up
            self._closed = True
            self.save_settings()
            super().closeEvent(event)
            return
        unresolved = self.session.unresolved_count
        if unresolved > 0 and not self._unresolved_warned:
            # order-safety.md §3: warn while an intent is SENDING/UNKNOWN/AMBIGUOUS; refuse once.
            self._unresolved_warned = True
            if not self.session.remembers_intents:
                # DEMO's simulator and journal live in memory: nothing is left to check after closing.
                text = self.tr(
                    "%n demo order(s) are still being checked (see Order activity). "
                    "Close again to quit anyway; DEMO forgets them when it closes.",
                    "",
                    unresolved,
                )
            else:
                text = self.tr(
                    "%n order(s) are still being checked with KIS (see Order activity). "
                    "Close again to quit anyway; they are checked again at the next start.",
                    "",
                    unresolved,
                )
            self.notify(text)
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
        if self.start_task is not None and not self.start_task.done():
            self.start_task.cancel()
            await asyncio.gather(self.start_task, return_exceptions=True)
        if not self._ready:
            return
        self.pending_panel.stop_auto_refresh()
        self.intents_panel.stop()
        if self.intents_startup is not None and not self.intents_startup.done():
            self.intents_startup.cancel()
        await self.session.close(force=True)


def open_main_window(app_settings: QSettings | None = None) -> MainWindow:
    """Apply the saved language and show the window at once; it opens its DEMO session after the
    first paint (`MainWindow.start`). Call inside the running loop; await `window.aclose()` at the end.

    Always DEMO (style.md B.11): PAPER and REAL are one click away, behind credentials and, for
    REAL, a confirmation.
    """
    settings = app_settings if app_settings is not None else QSettings("kisdesk", "kisdesk")
    apply_saved_language(settings)
    window = MainWindow(None, settings)
    window.show()
    window.start()
    return window


def _error_text(exc: BaseException) -> str:
    """The user's wording for `exc`; plain text if the message table itself cannot load."""
    try:
        from kisdesk.ui.messages import message_for
    except ImportError:  # the failure may be the very import that broke start-up
        return str(exc) or type(exc).__name__
    return message_for(exc)
