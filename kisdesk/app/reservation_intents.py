"""ReservationIntentService: the one way the window places, revises and cancels domestic reservations,
each journaled like an order (order-safety.md §3, G1–G3, row 16).

Owns the life of a reservation intent: check the ticket (OrderRuleError → nothing journaled, nothing
sent), journal it SENDING durably, send exactly one request tagged with the intent id, and record the
outcome — ACKED with the reservation sequence, REJECTED with KIS's message, NOT_SENT, or UNKNOWN. An
UNKNOWN intent is handed to `ReservationReconciler` and never resent; sending a NOT_FOUND placement
again is a user action that makes a new intent. At start, SENDING rows become UNKNOWN and everything
unresolved is reconciled before new reservations are allowed. On PAPER nothing is journaled and
NotAvailableError is raised before any request.

Also owns `ReservationReconciler`, which reads order-resv-ccnl (every page, cancelled rows included)
until the intent is ACKED, AMBIGUOUS or — after the grace window and complete scans — NOT_FOUND.
It runs the overseas `Reconciler`'s loop (`ScanReconciler`) with its `ReconcileSettings` (grace,
skew, polling, scans after the grace); only the reading and matching differ
(kisdesk.domain.reservation_intents). The send path, start and observers are `JournaledService`'s,
as for orders.

Observers: `subscribe(callback)` gets every new version of an intent on the event loop's thread.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from kisdesk.api.clock import Clock
from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import NotAvailableError
from kisdesk.api.models import ReservationRow
from kisdesk.api.registry import ApiId
from kisdesk.app.journal import Journal
from kisdesk.app.journaled import JournaledService, SendAgainTexts
from kisdesk.app.reconcile import ReconcileSettings, ScanProgress, ScanReconciler
from kisdesk.app.reservation_journal import ReservationJournal
from kisdesk.app.reservations import ReservationService
from kisdesk.domain.intents import Cause, IntentKind, IntentState, new_intent_id
from kisdesk.domain.reservation_intents import (
    DIVISION_BY_NAME,
    ReservationIntent,
    ResvTerms,
    change_candidates,
    placement_candidates,
    placement_ticket,
    seq_key,
)
from kisdesk.domain.rules import Problem
from kisdesk.domain.ticket import ReservationTicket, reservation_price

KST: Final = ZoneInfo("Asia/Seoul")
_S = IntentState
# The same request is refused while one of these may still be at KIS unseen (an AMBIGUOUS one is seen:
# the user decides from the list, and must not be locked out meanwhile).
_IN_DOUBT: Final = frozenset({_S.SENDING, _S.UNKNOWN})
# A new reservation is ordered on the next business day; KRX's longest closure is under a week.
_LIST_AHEAD: Final = timedelta(days=14)

ReservationCallback = Callable[[ReservationIntent], None]
# Test and crash-suite hook, as IntentService's: "confirmed", "journaled", "answered".
Checkpoint = Callable[[str, ReservationIntent], Awaitable[None] | None]


class StillCheckingError(RuntimeError):
    """The same request is still SENDING/UNKNOWN/AMBIGUOUS: sending it again could duplicate it (G3)."""


class ReservationIntentService(JournaledService[ReservationIntent, object]):
    """Journaled reservation entry for one session (one env, one account)."""

    _SEND_AGAIN = SendAgainTexts(
        busy="this reservation is already being sent again",
        not_new="revise or cancel again from the list (the reservation may have changed)",
        not_lost="only a reservation that KIS did not list can be sent again",
        done="this reservation was already sent again",
    )
    _NOT_READY = "reservations are blocked until the journal's open ones are reconciled"
    _LOG_WORD = "reservation "

    def __init__(
        self,
        wire: ReservationService,
        journal: Journal,
        *,
        clock: Clock | None = None,
        settings: ReconcileSettings | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.wire = wire
        self.store = ReservationJournal(journal)
        super().__init__(self.store, clock=clock, checkpoint=checkpoint)
        self.reconciler = ReservationReconciler(
            wire, self.store, clock=self._clock, settings=settings, on_change=self._publish
        )

    @property
    def env(self) -> Env:
        return self.wire.client.env

    @property
    def account(self) -> str:
        account = self.wire.client.account
        return f"{account.cano}-{account.product_code}"

    @property
    def available(self) -> bool:
        return self.wire.available

    def check(self, ticket: ReservationTicket) -> list[Problem]:
        return self.wire.check(ticket)

    async def list(self, start: date, end: date, *, include_cancelled: bool = False) -> list[ReservationRow]:
        return await self.wire.list(start, end, include_cancelled=include_cancelled)

    # --- start and stop -------------------------------------------------------------------------

    async def _run_startup(self) -> builtins.list[ReservationIntent]:
        if not self.available:  # PAPER: no reservation was ever sent, and nothing may be read
            self.ready = True
            return []
        recovered = await self._recover()
        self.ready = True
        return recovered

    # --- actions --------------------------------------------------------------------------------

    async def place(self, ticket: ReservationTicket) -> ReservationIntent:
        """Check, journal, send once: ACKED, REJECTED, NOT_SENT or UNKNOWN (then reconciled).

        Raises NotAvailableError (PAPER), OrderRuleError, NotReadyError or StillCheckingError before
        anything is journaled or sent.
        """
        return await self._place(ticket, resend_of="")

    async def revise(
        self,
        row: ReservationRow,
        *,
        quantity: int,
        price: Decimal,
        division: ResvOrderDivision,
        end_date: date | None = None,
    ) -> ReservationIntent:
        self._require_ready()
        request = self.wire.prepare_revise(
            row, quantity=quantity, price=price, division=division, end_date=end_date
        )
        terms = ResvTerms(request.symbol, request.side, quantity, request.price, division, end_date)
        intent = self._new(IntentKind.REVISE, terms, request.to_wire(), target=row)
        return await self._send(intent, lambda iid: self.wire.send_change(request, intent=iid))

    async def cancel(self, row: ReservationRow) -> ReservationIntent:
        """Cancel a reservation; allowed before `startup()` ends (withdrawing is safe)."""
        self._require_available()
        request = self.wire.prepare_cancel(row)
        fallback = ResvOrderDivision.MARKET if row.price == 0 else ResvOrderDivision.LIMIT
        division = DIVISION_BY_NAME.get(row.division_name.replace(" ", ""), fallback)  # not matched on
        terms = ResvTerms(row.symbol.strip(), Side(row.side_code.strip()), row.quantity, row.price, division)
        intent = self._new(IntentKind.CANCEL, terms, request.to_wire(), target=row)
        return await self._send(intent, lambda iid: self.wire.send_change(request, intent=iid))

    async def _resend(self, lost: ReservationIntent) -> ReservationIntent:
        return await self._place(placement_ticket(lost), resend_of=lost.intent_id)

    async def resolve_ambiguous(self, intent: ReservationIntent, sequence: str | None) -> ReservationIntent:
        """The user's choice for an AMBIGUOUS intent: one of its candidates, or None for "none is mine"."""
        return await self.reconciler.decide_ambiguous(intent, sequence)

    # --- the send path --------------------------------------------------------------------------

    async def _place(self, ticket: ReservationTicket, *, resend_of: str) -> ReservationIntent:
        self._require_ready()
        request = self.wire.prepare_place(ticket)  # OrderRuleError: nothing journaled, nothing sent
        terms = ResvTerms(
            request.symbol,
            request.side,
            request.quantity,
            reservation_price(ticket),
            request.division,
            request.end_date,
        )
        intent = self._new(IntentKind.ORDER, terms, request.to_wire(), resend_of=resend_of)
        return await self._send(intent, lambda iid: self.wire.send_place(request, intent=iid))

    def _require_available(self) -> None:
        if not self.available:
            raise NotAvailableError(
                ApiId.DOMESTIC_RESV_ORDER, self.env, "KIS offers this API in real trading only"
            )

    def _require_ready(self) -> None:
        self._require_available()  # PAPER is "ready" at once, yet may send nothing
        super()._require_ready()

    def _new(
        self,
        kind: IntentKind,
        terms: ResvTerms,
        body: dict[str, Any],
        *,
        target: ReservationRow | None = None,
        resend_of: str = "",
    ) -> ReservationIntent:
        target_seq = "" if target is None else target.sequence.strip()
        for other in self._intents.values():
            same = other.kind is kind and seq_key(other.target_sequence) == seq_key(target_seq)
            if other.state in _IN_DOUBT and same and (kind is not IntentKind.ORDER or other.terms == terms):
                raise StillCheckingError(
                    "the same reservation request is still being checked with KIS: do not send it again"
                )
        now = self._now()
        draft = ReservationIntent(
            new_intent_id(now),
            kind,
            self.env,
            self.account,
            terms,
            now,
            target_sequence=target_seq,
            target_order_date=None if target is None else target.order_day,
            request=json.dumps(body),
            resend_of=resend_of,
        )
        return draft.moved(_S.CONFIRMED, now, cause=Cause.USER)

    async def _answered(self, sending: ReservationIntent, output: object) -> ReservationIntent:
        sequence = _sequence_of(output) if sending.kind is IntentKind.ORDER else sending.target_sequence
        if not sequence or not _processed(output):
            # Row 16: never report success without a sequence number; the list tells what happened.
            text = "KIS answered without a reservation sequence number"
            moved = await self._write(sending, _S.UNKNOWN, detail=text, message=text)
            self._reconcile_in_background(moved)
            return moved
        return await self._write(sending, _S.ACKED, detail=f"reservation {sequence}", sequence=sequence)

    async def _reconcile(self, intent: ReservationIntent) -> ReservationIntent:
        return await self.reconciler.reconcile(intent)


def _sequence_of(output: object) -> str:
    return str(getattr(output, "sequence", "")).strip()


def _processed(output: object) -> bool:
    """NRML_PRCS_YN: "Y" (or absent, as on order-resv). Anything else is not a clear success."""
    flag = str(getattr(output, "processed", "")).strip().upper()
    return flag in ("", "Y")


class ReservationReconciler(ScanReconciler[ReservationIntent, builtins.list[ReservationRow]]):
    """Resolves UNKNOWN reservation intents of one env/account by reading order-resv-ccnl.

    Only the GET is ever repeated, never the POST (G3). NOT_FOUND needs the grace window after the
    send and then `scans_after_grace` complete scans that started after it; a failed scan or a partial
    list counts for nothing.
    """

    def __init__(
        self,
        wire: ReservationService,
        store: ReservationJournal,
        *,
        clock: Clock | None = None,
        settings: ReconcileSettings | None = None,
        on_change: Callable[[ReservationIntent], None] | None = None,
    ) -> None:
        super().__init__(store, clock=clock, settings=settings, on_change=on_change)
        self._wire = wire
        self._journal: ReservationJournal = store

    async def query(self, intent: ReservationIntent) -> builtins.list[ReservationRow]:
        """One complete scan: every page of order-resv-ccnl, cancelled rows included, for the symbol."""
        sent = intent.matches_at.astimezone(KST).date()
        first = min(sent, intent.target_order_date or sent) - timedelta(days=1)
        return await self._wire.list(
            first, sent + _LIST_AHEAD, include_cancelled=True, symbol=intent.terms.symbol
        )

    async def _decided(self, intent: ReservationIntent) -> ReservationIntent | None:
        # Unlike the overseas Reconciler, a row missing here keeps the search going (the next
        # scan's `_decide` raises KeyError): kept as the reservation search always did.
        current = await self._journal.get(intent.intent_id)
        return None if current is None or current.state is _S.UNKNOWN else current

    async def _decide(
        self,
        intent: ReservationIntent,
        rows: builtins.list[ReservationRow],
        *,
        counts: bool,
        progress: ScanProgress,
    ) -> ReservationIntent | None:
        """Apply one complete scan: the intent when decided, None to keep polling."""
        # Every complete scan after the grace counts, also one that waits for a twin below (the
        # overseas Reconciler counts a scan only once it got past that wait).
        progress.after_grace += counts
        async with self._claim:
            current = await self._journal.get(intent.intent_id)
            if current is None:
                raise KeyError(f"{intent.intent_id} is not in the journal")
            if current.state is not _S.UNKNOWN:
                return current
            unresolved = await self._journal.unresolved(current.env, current.account)
            if any(_twin(current, other) and other.state is _S.SENDING for other in unresolved):
                return None  # a twin is on the wire: its reservation may be in these rows, unclaimed yet
            known = {seq_key(s) for s in await self._journal.placed_sequences(current.env, current.account)}
            margin = timedelta(seconds=self.settings.skew_s)
            if current.kind is IntentKind.ORDER:
                matches = placement_candidates(current, rows, known=known, margin=margin)
            else:
                matches = change_candidates(current, rows, known=known, margin=margin)
            if len(matches) == 1:
                text = f"matched reservation {matches[0]}"
                return await self._move(current, _S.ACKED, detail=text, sequence=matches[0], message="")
            if matches:
                text = f"{len(matches)} reservations match: {', '.join(matches)}"
                return await self._move(
                    current, _S.AMBIGUOUS, detail=text, candidates=tuple(matches), message=text
                )
            if progress.after_grace >= self.settings.scans_after_grace:
                scans, after_grace = progress.scans, progress.after_grace
                text = f"not found in {scans} complete scans ({after_grace} after the grace window)"
                return await self._move(current, _S.NOT_FOUND, detail=text, message=text)
            return None

    async def decide_ambiguous(self, intent: ReservationIntent, sequence: str | None) -> ReservationIntent:
        """The user's decision on an AMBIGUOUS intent: a candidate (ACKED) or None (NOT_FOUND)."""
        async with self._claim:
            current = await self._journal.get(intent.intent_id)
            if current is None or current.state is not _S.AMBIGUOUS:
                raise ValueError("only an AMBIGUOUS intent can be resolved by choosing a candidate")
            if sequence is None:
                text = "the user found none of the candidates to be this reservation"
                return await self._move(current, _S.NOT_FOUND, detail=text, cause=Cause.USER, message=text)
            key = seq_key(sequence)
            if key not in {seq_key(c) for c in current.candidates}:
                raise ValueError(f"{sequence} is not one of the candidates")
            owned = {seq_key(s) for s in await self._journal.placed_sequences(current.env, current.account)}
            if current.kind is not IntentKind.CANCEL and key in owned - {seq_key(current.target_sequence)}:
                raise ValueError(f"{sequence} already belongs to another intent")
            text = f"the user chose reservation {sequence}"
            return await self._move(
                current, _S.ACKED, detail=text, cause=Cause.USER, sequence=key, message=text
            )


def _twin(a: ReservationIntent, b: ReservationIntent) -> bool:
    return (
        a.intent_id != b.intent_id
        and a.kind is b.kind
        and a.terms == b.terms
        and seq_key(a.target_sequence) == seq_key(b.target_sequence)
    )
