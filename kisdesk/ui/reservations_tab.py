"""The domestic reservation tab (예약주문, A9): list, place, revise and cancel KRX reservation orders.

KIS offers reservations only in real trading, accepts them 15:40–07:30 KST except 23:40–00:10, and
never notifies their results (domestic-reservation.md §0). The tab says so up front, greys every
action out on PAPER, warns about the blackout and the batch window from the clock, and tells the
trader on which morning to check the result. Rules live in `kisdesk.domain.rules`; this module
only shows them.

Every place/revise/cancel is a journaled reservation intent (kisdesk.app.reservation_intents): the
tab first waits for the service's start-up check (earlier unresolved reservations reconciled; new
ones are held back until then), then shows the state of the last send — an UNKNOWN one says it is
being checked with KIS and must not be sent again, and only a NOT_FOUND placement offers "Send
again", which the user confirms and which makes a new journal row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Env, ResvOrderDivision
from kisdesk.api.errors import KisError, KisOutcomeUnknownError, KisUncertainApiError
from kisdesk.api.models.reservation import ReservationRow
from kisdesk.api.venue_rules import KST, RESV_BLACKOUT, reservation_order_date, reservation_window_open
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.intents import NotReadyError, SendAgainError
from kisdesk.app.reservation_intents import StillCheckingError
from kisdesk.domain.capabilities import Reason, reservation_capability
from kisdesk.domain.intents import IntentKind, IntentState
from kisdesk.domain.reservation_intents import ReservationIntent
from kisdesk.domain.rules import Problem
from kisdesk.domain.ticket import ReservationTicket
from kisdesk.ui.async_bridge import latest_wins, slot, spawn
from kisdesk.ui.labels import reason_label, resv_division_label
from kisdesk.ui.reservation_dialogs import (
    NewReservationForm,
    ReviseReservationDialog,
    confirm,
    date_edit,
    problems_html,
    side_html,
    to_date,
)
from kisdesk.ui.reservation_model import ROW_ROLE, Column, ReservationModel, ReservationProxy, is_changeable
from kisdesk.ui.theme import PAPER_BANNER, WARNING_TEXT

log = logging.getLogger(__name__)

_BATCH: Final = (time(15, 35), time(15, 55))  # §0: period-reservation batch, inquiry may be restricted


_BLOCKING_ERRORS: Final = (NotReadyError, StillCheckingError, SendAgainError)  # raised before any send
_S = IntentState


class Reservations(Protocol):
    """What the tab needs from `kisdesk.app.reservation_intents.ReservationIntentService`."""

    @property
    def available(self) -> bool: ...

    @property
    def ready(self) -> bool: ...

    def check(self, ticket: ReservationTicket) -> Sequence[Problem]: ...

    async def startup(self) -> Sequence[ReservationIntent]: ...

    def subscribe(self, callback: Callable[[ReservationIntent], None]) -> Callable[[], None]: ...

    async def place(self, ticket: ReservationTicket) -> ReservationIntent: ...

    async def send_again(self, intent: ReservationIntent) -> ReservationIntent: ...

    async def list(
        self, start: date, end: date, *, include_cancelled: bool = False
    ) -> Sequence[ReservationRow]: ...

    async def revise(
        self,
        row: ReservationRow,
        *,
        quantity: int,
        price: Decimal,
        division: ResvOrderDivision,
        end_date: date | None = None,
    ) -> ReservationIntent: ...

    async def cancel(self, row: ReservationRow) -> ReservationIntent: ...


class ReservationsTab(QWidget):
    """Reservation list with revise/cancel, and a form for a new reservation.

    The host calls `refresh()` (on showing the tab, after a session switch); the refresh button
    does too. `set_env()` re-evaluates availability, e.g. when the session changes. The form's
    children live on `new_form` (its `end_date_edit` is the period end; the tab's is the list range).

    `last_send_label` shows the state of the last journaled send as it changes (reconciliation
    included); `send_again_button` appears only for a placement KIS did not list (NOT_FOUND).

    Signals:
        message(str): a one-line outcome for the status bar (placed, revised, cancelled, failed).
    """

    message = Signal(str)

    def __init__(
        self,
        service: Reservations,
        env: Env,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._env = service, env
        self._now = clock or (lambda: datetime.now(KST))
        self._available = self._placing = self._changing = False
        self._last: ReservationIntent | None = None  # the newest journaled send this tab has seen
        self._shown_on: dict[str, QLabel] = {}  # intent id -> the label its outcome was shown on
        self._unsubscribe: Callable[[], None] = lambda: None
        self._setup_ui()
        self._connect()
        self._watch(service)
        self.set_env(env)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        QTimer.singleShot(0, self._start_check)  # once the loop runs: the journal check of this session
        # the blackout and batch warnings follow the clock, not only refreshes
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(60_000)
        self._clock_timer.timeout.connect(self._on_clock)
        self._clock_timer.start()

    # --- construction ---------------------------------------------------------------------------

    def _setup_ui(self) -> None:
        self.banner_label, self.timing_label = QLabel(), QLabel()
        for label in (self.banner_label, self.timing_label):
            label.setWordWrap(True)
        self.timing_label.setStyleSheet(f"color: {WARNING_TEXT.name()}")
        now = self._now().astimezone(KST)
        self.start_date_edit = date_edit(now.date() - timedelta(days=7))
        self.end_date_edit = date_edit(now.date() + timedelta(days=30))
        self.include_cancelled_check = QCheckBox(self.tr("Include cancelled"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.status_label = QLabel()
        self.model = ReservationModel(self)
        self.proxy = ReservationProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.SEQUENCE, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.revise_button = QPushButton(self.tr("Revise…"))
        self.cancel_button = QPushButton(self.tr("Cancel reservation…"))
        self.action_label = QLabel()
        self.last_send_label = QLabel()
        self.last_send_label.setWordWrap(True)
        self.send_again_button = QPushButton(self.tr("Send again…"))
        self.send_again_button.setVisible(False)
        self.new_form = NewReservationForm(self._env, now)
        self.place_button = self.new_form.place_button

        ranges = QHBoxLayout()
        ranges.addWidget(QLabel(self.tr("From")))
        ranges.addWidget(self.start_date_edit)
        ranges.addWidget(QLabel(self.tr("to")))
        for widget in (self.end_date_edit, self.include_cancelled_check, self.refresh_button):
            ranges.addWidget(widget)
        ranges.addWidget(self.status_label, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.revise_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.action_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner_label)
        layout.addWidget(self.timing_label)
        layout.addLayout(ranges)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        last = QHBoxLayout()
        last.addWidget(self.last_send_label, 1)
        last.addWidget(self.send_again_button)
        layout.addLayout(last)
        layout.addWidget(self.new_form)

    def _connect(self) -> None:
        self.refresh_button.clicked.connect(self._start_refresh)
        self.include_cancelled_check.toggled.connect(self._start_refresh)
        self.place_button.clicked.connect(slot(self.place, self._on_unexpected))
        self.revise_button.clicked.connect(slot(self.revise_selected, self._on_unexpected))
        self.cancel_button.clicked.connect(slot(self.cancel_selected, self._on_unexpected))
        self.send_again_button.clicked.connect(slot(self.send_again, self._on_unexpected))
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        for signal in (self.model.dataChanged, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_actions)

    # --- availability ---------------------------------------------------------------------------

    def set_env(self, env: Env, service: Reservations | None = None) -> None:
        """Re-evaluate availability for `env` (and a new session's service: the rows are cleared)."""
        if service is not None or env is not self._env:
            self.model.reset([])
        if service is not None and service is not self._service:
            self._watch(service)
            QTimer.singleShot(0, self._start_check)
        self._service = service or self._service
        self._env = env
        self._available = reservation_capability(env).allowed and self._service.available
        paper = reason_label(Reason.PAPER_NO_RESERVATION)
        if self._available:
            self.banner_label.setStyleSheet("")
            self.banner_label.setText(
                self.tr(
                    "Reservations are accepted 15:40–07:30 KST (not 23:40–00:10) and sent on the next "
                    "business day. Results are not notified: check them before 09:00."
                )
            )
        else:
            self.banner_label.setStyleSheet(f"background: {PAPER_BANNER.name()}; padding: 4px")
            text = self.tr("KIS offers reservation orders only in real trading.")
            self.banner_label.setText(f"{text} ({paper})")
        for widget in self._action_widgets():
            widget.setToolTip("" if self._available else paper)
            widget.setEnabled(self._available)
        self._update_timing()
        # no live check on PAPER: nothing may reach the service there
        self.new_form.set_env(env, self._service.check if self._available else None)
        self._update_actions()

    def _action_widgets(self) -> tuple[QWidget, ...]:
        return (
            self.new_form,
            self.place_button,
            self.revise_button,
            self.cancel_button,
            self.refresh_button,
            self.start_date_edit,
            self.end_date_edit,
            self.include_cancelled_check,
        )

    def _update_actions(self, *_args: object) -> None:
        row = self.selected_row()
        can_change = self._available and not self._changing and row is not None and is_changeable(row)
        self.revise_button.setEnabled(can_change)
        self.cancel_button.setEnabled(can_change)
        ready = self._service.ready
        self.place_button.setEnabled(self._available and not self._placing and ready)
        self.send_again_button.setEnabled(self._available and not self._placing and ready)

    def _update_timing(self) -> None:
        """Clock-dependent warnings and the period-end range (§0 blackout, batch, intake window)."""
        now = self._now().astimezone(KST)
        self.new_form.terms.set_period_range(now)
        warning, t = "", now.time()
        if not self._available:
            pass
        elif t >= RESV_BLACKOUT[0] or t < RESV_BLACKOUT[1]:
            warning = self.tr("Blackout 23:40–00:10 (KIS server initialisation): reservations are refused.")
        elif _BATCH[0] <= t < _BATCH[1]:
            warning = self.tr(
                "Batch window (about 15:35–15:55): the list may be incomplete and reservations made now "
                "may be processed out of turn."
            )
        elif not reservation_window_open(now):
            warning = self.tr("Outside the intake window: KIS accepts reservations from 15:40 KST.")
        self.timing_label.setText(warning)
        self.timing_label.setVisible(bool(warning))

    def _on_clock(self) -> None:
        self._update_timing()
        self.new_form.revalidate()  # the intake-window warning is a function of the time too

    def _confirm_text(self, ticket: ReservationTicket) -> str:
        division = ticket.division
        price = self.tr("market") if division.is_market_type else f"{ticket.price:,} KRW"
        day = reservation_order_date(self._now())
        text = self.tr("{side} {symbol}: {qty} shares at {price}, {type}.").format(
            side=side_html(ticket.side),
            symbol=ticket.clean_symbol,
            qty=f"{ticket.quantity:,}",
            price=price,
            type=resv_division_label(division),
        )
        if ticket.end_date is not None:
            when = self.tr("Period reservation: sent each business day from {first} until {end}.")
            text += "<br>" + when.format(first=day.isoformat(), end=ticket.end_date.isoformat())
        else:
            text += "<br>" + self.tr("Sent once on {day}.").format(day=day.isoformat())
        text += "<br>" + self.tr("KIS does not notify the result: check it before 09:00.")
        duplicate = self.model.pending_duplicate(
            ticket.clean_symbol, ticket.side, ticket.quantity or 0, ticket.price or Decimal(0)
        )
        if duplicate is not None:
            warning = self.tr("An identical pending reservation #{seq} already exists.")
            text += f'<br><b style="color:{WARNING_TEXT.name()}">{warning.format(seq=duplicate)}</b>'
        return text

    # --- the journal ----------------------------------------------------------------------------

    def _watch(self, service: Reservations) -> None:
        self._unsubscribe()
        self._unsubscribe = service.subscribe(self._on_intent)
        self._last = None
        self._shown_on.clear()
        self._show_last()

    def _start_check(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop runs (a widget test): the first refresh or place starts it
            return
        spawn(self.check_journal(), self._on_unexpected)

    async def check_journal(self) -> None:
        """Await the service's start-up check; new reservations stay disabled until it is done."""
        if not self._available or self._service.ready:
            return
        self.last_send_label.setText(self.tr("Checking earlier reservations with KIS…"))
        self._update_actions()
        try:
            await self._service.startup()
        except KisError as exc:
            text = self.tr("New reservations are blocked: earlier ones could not be checked ({error}).")
            self.last_send_label.setText(text.format(error=exc))
            return
        finally:
            self._update_actions()
        self._show_last()

    @property
    def last_send(self) -> ReservationIntent | None:
        """The newest journaled send this tab has seen (what `last_send_label` describes)."""
        return self._last

    def _on_intent(self, intent: ReservationIntent) -> None:
        """Every change of a journaled send, the reconciler's included (on the loop's thread)."""
        last = self._last
        if last is None or intent.intent_id == last.intent_id or intent.created_at >= last.created_at:
            self._last = intent
            self._show_last()
        label = self._shown_on.get(intent.intent_id)
        if label is not None and intent.state is not _S.SENDING:
            label.setText(self.describe(intent))
        if intent.state is _S.ACKED and label is not None:  # found by the reconciler: list it
            self._start_refresh()

    def _show_last(self) -> None:
        last = self._last
        self.last_send_label.setText("" if last is None else self.describe(last))
        self.send_again_button.setVisible(
            last is not None and last.kind is IntentKind.ORDER and last.state is _S.NOT_FOUND
        )
        self._update_actions()

    def describe(self, intent: ReservationIntent) -> str:
        """One line on where a journaled send stands, for the trader."""
        seq = intent.sequence or intent.target_sequence
        state = intent.state
        if state in (_S.CONFIRMED, _S.SENDING):
            return self.tr("Sending…")
        if state is _S.UNKNOWN:
            return self.tr("Outcome unknown: checking with KIS — do not send again.")
        if state is _S.AMBIGUOUS:
            text = self.tr("Several reservations match ({sequences}): check the list — do not send again.")
            return text.format(sequences=", ".join(intent.candidates))
        if state is _S.REJECTED:
            return self.tr("Rejected by KIS: {error}").format(error=intent.message)
        if state is _S.NOT_SENT:
            return self.tr("Not sent: {error}").format(error=intent.message)
        if state is _S.NOT_FOUND:
            if intent.kind is IntentKind.ORDER:
                return self.tr("KIS did not receive this reservation. You may send it again.")
            text = self.tr("KIS did not receive this change: reservation #{seq} is unchanged.")
            return text.format(seq=seq)
        if intent.kind is IntentKind.REVISE:
            return self.tr("Reservation #{seq} revised.").format(seq=seq)
        if intent.kind is IntentKind.CANCEL:
            return self.tr("Reservation #{seq} cancelled.").format(seq=seq)
        day = reservation_order_date(intent.matches_at).isoformat()
        text = self.tr("Reservation #{seq} accepted; check its result before 09:00 on {day}.")
        return text.format(seq=seq, day=day)

    async def send_again(self) -> None:
        """Send the last placement again as a new reservation, after a confirmation (NOT_FOUND only)."""
        last = self._last
        if last is None or last.kind is not IntentKind.ORDER or last.state is not _S.NOT_FOUND:
            return
        if self._placing or not self._available:
            return
        self._placing = True
        self._update_actions()
        try:
            terms = last.terms
            text = self.tr(
                "KIS did not receive the earlier reservation. Send {symbol} {qty} shares again as a new "
                "reservation?"
            ).format(symbol=terms.symbol, qty=f"{terms.quantity:,}")
            title, ok = self.tr("Send again"), self.tr("Send again")
            if await confirm(self, title, text, ok):
                await self._send(self.new_form.result_label, self._service.send_again(last))
        finally:
            self._placing = False
            self._update_actions()

    # --- actions --------------------------------------------------------------------------------

    def selected_row(self) -> ReservationRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _start_refresh(self, *_args: object) -> None:
        if self._available and not self._service.ready:
            self._start_check()  # retries a check that failed
        if self._available:
            latest_wins(f"reservations-refresh-{id(self)}", self.refresh(), self._on_unexpected)

    async def refresh(self) -> None:
        """List every page of reservations in the date range and update the grid row by row."""
        if not self._available:
            return
        start, end = to_date(self.start_date_edit.date()), to_date(self.end_date_edit.date())
        if start > end:
            self.status_label.setText(self.tr("The start date is after the end date."))
            return
        self.status_label.setText(self.tr("Loading…"))
        try:
            rows = await self._service.list(
                start, end, include_cancelled=self.include_cancelled_check.isChecked()
            )
        except KisError as exc:
            self.status_label.setText(str(exc))
            self.message.emit(self.tr("Reservation list failed: {error}").format(error=exc))
            return
        self.model.sync(rows)
        self.table.resizeColumnsToContents()
        self._update_timing()
        stamp = self._now().astimezone(KST).strftime("%H:%M:%S")
        self.status_label.setText(self.tr("{count} rows, updated {time}").format(count=len(rows), time=stamp))

    async def place(self) -> None:
        """Validate, confirm (non-blocking), place, show the sequence and re-list."""
        if self._placing or not self._available:
            return
        if not self._service.ready:
            self.new_form.result_label.setText(
                self.tr("Not sent: earlier reservations are still being checked with KIS.")
            )
            self._start_check()
            return
        self._placing = True  # set before the first await: a double click sends once
        self._update_actions()
        try:
            await self._place()
        finally:
            self._placing = False
            self._update_actions()

    async def _place(self) -> None:
        form = self.new_form
        form.reveal_all()
        problems = form.revalidate()
        ticket, price_bad = form.ticket()
        if price_bad or any(p.blocks for p in problems):
            form.result_label.setText(self.tr("Not sent: correct the marked fields."))
            return
        title, ok = self.tr("Place reservation"), self.place_button.text()
        if not await confirm(self, title, self._confirm_text(ticket), ok):
            form.result_label.setText(self.tr("Not sent."))
            return
        await self._send(form.result_label, self._service.place(ticket))

    async def revise_selected(self) -> None:
        """Revise the selected pending reservation through ReviseReservationDialog (non-blocking)."""
        row = self.selected_row()
        if row is None or self._changing or not self._available or not is_changeable(row):
            return
        self._changing = True
        self._update_actions()
        try:
            dialog = ReviseReservationDialog(
                row, self._env, now_kst=self._now(), check=self._service.check, parent=self
            )
            values = await dialog.ask()
            dialog.deleteLater()
            if values is None:
                return
            revise = self._service.revise(
                row,
                quantity=values.quantity,
                price=values.price,
                division=values.division,
                end_date=values.end_date,
            )
            await self._send(self.action_label, revise)
        finally:
            self._changing = False
            self._update_actions()

    async def cancel_selected(self) -> None:
        """Cancel the selected pending reservation after a non-blocking confirmation."""
        row = self.selected_row()
        if row is None or self._changing or not self._available or not is_changeable(row):
            return
        self._changing = True
        self._update_actions()
        try:
            text = self.tr("Cancel reservation #{seq}: {symbol} {name}, {qty} shares?").format(
                seq=row.sequence, symbol=row.symbol, name=row.name, qty=f"{row.quantity:,}"
            )
            if await confirm(self, self.tr("Cancel reservation"), text, self.tr("Cancel reservation")):
                await self._send(self.action_label, self._service.cancel(row))
        finally:
            self._changing = False
            self._update_actions()

    async def _send(self, label: QLabel, request: Awaitable[ReservationIntent]) -> None:
        """Await one journaled send and show where it stands on `label` (kept current afterwards)."""
        label.setText(self.tr("Sending…"))
        try:
            intent = await request
        except OrderRuleError as exc:
            label.setText(problems_html(exc.problems))
            return
        except _BLOCKING_ERRORS as exc:
            label.setText(self.tr("Not sent: {error}").format(error=exc))
            return
        except KisError as exc:
            self._report(label, exc)
            return
        self._shown_on[intent.intent_id] = label
        label.setText(self.describe(intent))
        self.message.emit(label.text())
        if intent.state is _S.ACKED:
            await self.refresh()

    def _report(self, label: QLabel, exc: KisError) -> None:
        text = str(exc)
        if isinstance(exc, KisOutcomeUnknownError | KisUncertainApiError):
            # the request may have reached KIS: re-list instead of sending it again
            text = self.tr("Outcome unknown, refresh before retrying: {error}").format(error=exc)
        label.setText(text)
        self.message.emit(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("reservation tab: unexpected error", exc_info=exc)
        self.message.emit(self.tr("Unexpected error: {error}").format(error=exc))
