"""The main window's session-bound half: ticket, pending grid, reservations, order activity and
history on one Session, and the journal check that opens the ticket (order-safety.md §3).

`SessionView` builds a new set of widgets for every session the window installs (start-up,
environment switch, language switch), so a pending model never outlives its session; it keeps the
ticket blocked until `intents.startup()` has reconciled what an earlier run left open, and shows the
unresolved intents in the status bar and the Order activity tab title. `JournaledOrders` is the order
service the ticket and the grid share. Imported after the first paint only: these widgets reach the
client side (httpx, pydantic).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from kisdesk.api.enums import Env, Exchange
from kisdesk.ui.history_panel import HistoryPanel
from kisdesk.ui.intents_panel import IntentsPanel
from kisdesk.ui.messages import EXPECTED_ERRORS, message_for
from kisdesk.ui.order_ticket import OrderTicketWidget
from kisdesk.ui.pending_panel import ActionResult, PendingOrdersPanel
from kisdesk.ui.reservations_tab import ReservationsTab
from kisdesk.ui.status_panel import Connection

if TYPE_CHECKING:
    from decimal import Decimal

    from kisdesk.app.session import Session
    from kisdesk.domain.intents import Intent
    from kisdesk.domain.pending import PendingOrder
    from kisdesk.domain.rules import Problem
    from kisdesk.domain.ticket import OverseasTicket
    from kisdesk.ui.main_window import MainWindow
    from kisdesk.ui.ticket_precautions import TicketPrecautions

log = logging.getLogger(__name__)

VENUE_KEY: Final = "ticket/last_venue"


class JournaledOrders:
    """The ticket's and the grid's order services on one Session: checks and reads from
    `session.orders`, every order, revise and cancel through `session.intents` (journaled,
    order-safety.md §3)."""

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


@dataclass(frozen=True)
class SessionWidgets:
    ticket: OrderTicketWidget
    pending: PendingOrdersPanel
    reservations: ReservationsTab
    activity: IntentsPanel
    history: HistoryPanel

    def all(self) -> tuple[QWidget, ...]:
        return self.ticket, self.pending, self.reservations, self.activity, self.history


def build_session_widgets(
    session: Session, *, confirm_orders: bool, precautions: TicketPrecautions
) -> SessionWidgets:
    """A fresh set on `session`, wired among themselves; the window connects its own slots."""
    orders = JournaledOrders(session)
    # The ticket confirms every REAL order whatever this preference (order-safety.md row 26).
    ticket = OrderTicketWidget(
        session.env, orders, session.market, confirm_orders=confirm_orders, precautions=precautions
    )
    pending = PendingOrdersPanel(orders)
    # F5 is the window's (it works wherever the focus is); the grid keeping it too would make
    # the key ambiguous, and Qt then triggers neither. Delete and Enter stay the grid's own.
    pending.refresh_action.setShortcuts([])
    activity = IntentsPanel(session.intents)
    activity.intent_changed.connect(ticket.on_intent_changed)
    return SessionWidgets(
        ticket,
        pending,
        ReservationsTab(session.reservations, session.env),
        activity,
        HistoryPanel(session.journal, session.env),
    )


class SessionView(QObject):
    """Puts the session-bound widgets of `window.session` into the window and keeps them current.

    `intents_startup` is the current session's journal check (`start_intents`); the window's
    `orders_open` fires once, when the first session's check has passed.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.intents_startup: asyncio.Task[Any] | None = None
        self._startup_session: Session | None = None
        self._checking_text = ""  # the journal check's notice, cleared when the check passes
        self._refreshes = 0
        self._orders_opened = False
        self.unresolved_warned = False

    def install(self, session: Session) -> SessionWidgets:
        """Build the widgets on `session` and put them in place of the previous ones (if any)."""
        window = self._window
        first = not hasattr(window, "ticket")
        old = (
            ()
            if first
            else (
                window.ticket,
                window.pending_panel,
                window.reservations_tab,
                window.intents_panel,
                window.history_panel,
            )
        )
        if not first:
            window.pending_panel.stop_auto_refresh()
            window.intents_panel.stop()
        current_tab = window.tabs.currentIndex()
        widgets = self._build(session)
        window.set_session_widgets(widgets)
        window.splitter.replaceWidget(0, widgets.ticket)
        window.tabs.clear()
        window.tabs.addTab(widgets.pending, "")
        window.tabs.addTab(widgets.reservations, "")
        window.tabs.addTab(widgets.activity, "")
        window.tabs.addTab(widgets.history, "")
        window.tabs.setCurrentIndex(max(current_tab, 0))
        for widget in old:
            widget.setParent(None)
            widget.deleteLater()
        self.retranslate()
        return widgets

    def _build(self, session: Session) -> SessionWidgets:
        window = self._window
        widgets = build_session_widgets(
            session, confirm_orders=window.confirm_orders, precautions=window.ticket_precautions
        )
        ticket = widgets.ticket
        venue = str(window.settings.value(VENUE_KEY, "") or "")
        if venue in {e.value for e in Exchange}:
            ticket.set_exchange(Exchange(venue))
        ticket.venue_combo.currentIndexChanged.connect(self._remember_venue)
        ticket.order_placed.connect(lambda _order: window.refresh_pending())
        for source in (ticket, widgets.pending, widgets.reservations, widgets.activity, widgets.history):
            source.message.connect(window.notify)
        if not session.intents.ready:  # after the connection above: the status bar shows it too
            self._checking_text = self.tr("Checking the order journal with KIS before new orders…")
            ticket.set_blocked(self._checking_text)
        widgets.pending.refreshed.connect(self._on_refreshed)
        widgets.activity.intent_changed.connect(lambda _intent: self._on_intent_changed())
        return widgets

    def retranslate(self) -> None:
        tabs = self._window.tabs
        tabs.setTabText(0, self.tr("&Pending orders"))
        tabs.setTabText(1, self.tr("&Reservations"))
        tabs.setTabText(3, self.tr("&History"))
        self.show_unresolved()

    def show_unresolved(self) -> None:
        """The status bar's count and the Order activity tab title follow the unresolved intents."""
        window = self._window
        count = window.session.unresolved_count
        window.unresolved_label.setText(self.tr("%n order(s) unresolved — see Order activity", "", count))
        window.unresolved_label.setVisible(count > 0)
        title = self.tr("Order &activity")
        index = window.tabs.indexOf(window.intents_panel)
        if index >= 0:
            window.tabs.setTabText(index, f"{title} ({count})" if count else title)
        if count == 0:
            self.unresolved_warned = False  # a later unresolved intent warns again

    def close_warning(self) -> str | None:
        """Why closing now is refused once (order-safety.md §3: intents SENDING, UNKNOWN or
        AMBIGUOUS), or None; a second close goes ahead."""
        session = self._window.session
        unresolved = session.unresolved_count
        if unresolved == 0 or self.unresolved_warned:
            return None
        self.unresolved_warned = True
        if not session.remembers_intents:
            # DEMO's simulator and journal live in memory: nothing is left to check after closing.
            return self.tr(
                "%n demo order(s) are still being checked (see Order activity). "
                "Close again to quit anyway; DEMO forgets them when it closes.",
                "",
                unresolved,
            )
        return self.tr(
            "%n order(s) are still being checked with KIS (see Order activity). "
            "Close again to quit anyway; they are checked again at the next start.",
            "",
            unresolved,
        )

    def _on_intent_changed(self) -> None:
        self.show_unresolved()
        window = self._window
        if window.tabs.currentWidget() is window.history_panel:
            window.history_panel.schedule_refresh()

    def start_intents(self) -> asyncio.Task[Any]:
        """Run `session.intents.startup()` once per session (idempotent); the ticket opens after it."""
        session = self._window.session
        if (
            self._startup_session is not session
            or self.intents_startup is None
            or (self.intents_startup.done() and not session.intents.ready)
        ):
            self._startup_session = session
            self.intents_startup = self._window.spawn(self._run_intents_startup(session))
        return self.intents_startup

    async def _run_intents_startup(self, session: Session) -> None:
        window = self._window
        try:
            await session.intents.startup()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # shown on the ticket; F5 or the next check tries again
            if session is window.session:
                window.ticket.set_blocked(
                    self.tr(
                        "Orders are blocked: the order journal could not be checked ({0}). Press F5 to retry."
                    ).format(message_for(exc))
                )
            return
        if session is window.session:
            window.ticket.set_blocked(None)
            if window.statusBar().currentMessage() == self._checking_text:
                window.statusBar().clearMessage()  # the check is over: its notice must not linger
            self.show_unresolved()
            if not self._orders_opened:
                self._orders_opened = True
                elapsed = window.startup.elapsed_ms()
                log.info("ticket open for orders, %.0f ms after the window was created", elapsed)
                window.orders_open.emit()

    async def check_connection(self) -> None:
        """First request of a new session: a pending-orders refresh tells whether KIS answers.
        Also starts the journal's reconciliation (`start_intents`), which unblocks the ticket."""
        window = self._window
        self.start_intents()
        before = self._refreshes
        try:
            await window.pending_panel.refresh()
        except EXPECTED_ERRORS as exc:
            window.show_error(message_for(exc))
        if self._refreshes == before:
            window.status.set_connection(Connection.ERROR, window.last_notice)
        window.pending_panel.start_auto_refresh()

    def stop(self) -> None:
        """The window is closing: no refresh, journal check or intent poll wakes up after this."""
        window = self._window
        window.pending_panel.stop_auto_refresh()
        window.intents_panel.stop()
        if self.intents_startup is not None and not self.intents_startup.done():
            self.intents_startup.cancel()

    def _on_refreshed(self, _count: int) -> None:
        self._refreshes += 1
        self._window.status.set_connection(Connection.OK)

    def _remember_venue(self) -> None:
        venue = self._window.ticket.venue_combo.currentData()
        if venue:
            self._window.settings.setValue(VENUE_KEY, str(venue))
