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
It keeps the overseas `Reconciler`'s loop and its `ReconcileSettings` (grace, skew, polling, scans
after the grace); only the reading and matching differ (kisdesk.domain.reservation_intents).

Observers: `subscribe(callback)` gets every new version of an intent on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import builtins
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from inspect import isawaitable
from typing import Any, Final
from zoneinfo import ZoneInfo

from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import KisApiError, KisError, NotAvailableError
from kisdesk.api.models import ReservationRow
from kisdesk.api.registry import ApiId
from kisdesk.app.intents import NotReadyError, SendAgainError
from kisdesk.app.journal import Journal, StaleIntentError
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.app.reservation_journal import ReservationJournal
from kisdesk.app.reservations import ReservationService
from kisdesk.domain.intents import Cause, IntentKind, IntentState, new_intent_id, outcome_of
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

_log = logging.getLogger(__name__)
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


class ReservationIntentService:
    """Journaled reservation entry for one session (one env, one account)."""

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
        self._clock: Clock = clock or SystemClock()
        self.reconciler = ReservationReconciler(
            wire, self.store, clock=self._clock, settings=settings, on_change=self._publish
        )
        self.checkpoint = checkpoint
        self.ready = False
        self._subscribers: list[ReservationCallback] = []
        self._intents: dict[str, ReservationIntent] = {}
        self._tasks: dict[str, asyncio.Task[ReservationIntent]] = {}
        self._startup: asyncio.Future[list[ReservationIntent]] | None = None
        self._resending: set[str] = set()

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

    # --- observing ------------------------------------------------------------------------------

    def subscribe(self, callback: ReservationCallback) -> Callable[[], None]:
        """Call `callback(intent)` on every change; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def intents(self) -> builtins.list[ReservationIntent]:
        """This session's intents (those reconciled at start and those made since), oldest first."""
        return sorted(self._intents.values(), key=lambda i: i.created_at)

    def get(self, intent_id: str) -> ReservationIntent | None:
        return self._intents.get(intent_id)

    @property
    def unresolved_count(self) -> int:
        """SENDING/UNKNOWN/AMBIGUOUS reservation intents: the window warns before closing."""
        return sum(1 for i in self._intents.values() if i.state.unresolved)

    def _publish(self, intent: ReservationIntent) -> None:
        self._intents[intent.intent_id] = intent
        for callback in list(self._subscribers):
            try:
                callback(intent)
            except Exception:  # an observer's bug must not break reservation handling
                _log.exception("reservation intent observer failed")

    # --- start and stop -------------------------------------------------------------------------

    async def startup(self) -> builtins.list[ReservationIntent]:
        """Reconcile every unresolved reservation intent of this env/account, then allow new ones.

        Idempotent: later calls wait for the same run (a failed run is started again). AMBIGUOUS
        intents stay for the user and do not hold new reservations back.
        """
        previous = self._startup
        if previous is None or (previous.done() and (previous.cancelled() or previous.exception())):
            self._startup = asyncio.ensure_future(self._run_startup())
        assert self._startup is not None
        return await asyncio.shield(self._startup)

    async def _run_startup(self) -> builtins.list[ReservationIntent]:
        if not self.available:  # PAPER: no reservation was ever sent, and nothing may be read
            self.ready = True
            return []
        found = await self.store.unresolved(self.env, self.account)
        waiting: list[asyncio.Task[ReservationIntent]] = []
        for intent in found:
            if intent.state is _S.SENDING:
                # The app stopped with the request possibly on the wire: its fate is unknown.
                text = "the app stopped while this request was being sent"
                intent = await self._write(intent, _S.UNKNOWN, cause=Cause.STARTUP, detail=text, message=text)
            self._publish(intent)
            if intent.state is _S.UNKNOWN:
                waiting.append(self._reconcile_in_background(intent))
        results = list(await asyncio.gather(*waiting))
        self.ready = True
        return results + [i for i in found if i.state is _S.AMBIGUOUS]

    async def close(self) -> None:
        """Stop reconciling (unresolved intents stay in the journal for the next start)."""
        tasks: list[asyncio.Future[Any]] = [*self._tasks.values()]
        if self._startup is not None:
            tasks.append(self._startup)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def settle(self, intent: ReservationIntent | str) -> ReservationIntent:
        """The intent once its reconciliation (if any) has finished."""
        intent_id = intent if isinstance(intent, str) else intent.intent_id
        task = self._tasks.get(intent_id)
        if task is not None:
            await asyncio.shield(task)
        current = self._intents.get(intent_id) or await self.store.get(intent_id)
        if current is None:
            raise KeyError(intent_id)
        return current

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
        self._require_available()
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

    async def send_again(self, intent: ReservationIntent) -> ReservationIntent:
        """Send a NOT_FOUND placement again as a NEW intent: only on an explicit user action, only once."""
        if intent.intent_id in self._resending:  # checked before any await: a double click sends once
            raise SendAgainError("this reservation is already being sent again")
        self._require_available()
        self._require_ready()
        if intent.kind is not IntentKind.ORDER:
            raise SendAgainError("revise or cancel again from the list (the reservation may have changed)")
        self._resending.add(intent.intent_id)
        try:
            current = await self.store.get(intent.intent_id)
            if current is None or current.state is not _S.NOT_FOUND:
                raise SendAgainError("only a reservation that KIS did not list can be sent again")
            if await self.store.resend_of(intent.intent_id) is not None:
                raise SendAgainError("this reservation was already sent again")
            return await self._place(placement_ticket(current), resend_of=intent.intent_id)
        except Exception:
            if await self.store.resend_of(intent.intent_id) is None:
                self._resending.discard(intent.intent_id)  # nothing was journaled: the user may retry
            raise

    async def resolve_ambiguous(self, intent: ReservationIntent, sequence: str | None) -> ReservationIntent:
        """The user's choice for an AMBIGUOUS intent: one of its candidates, or None for "none is mine"."""
        return await self.reconciler.decide_ambiguous(intent, sequence)

    # --- the send path --------------------------------------------------------------------------

    async def _place(self, ticket: ReservationTicket, *, resend_of: str) -> ReservationIntent:
        self._require_available()
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
        if not self.ready:
            raise NotReadyError("reservations are blocked until the journal's open ones are reconciled")

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), KST)

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

    async def _send(
        self, intent: ReservationIntent, call: Callable[[str], Awaitable[object]]
    ) -> ReservationIntent:
        await self._check("confirmed", intent)
        now = self._now()
        sending = intent.moved(_S.SENDING, now, cause=Cause.USER, sent_at=now)
        detail = f"{intent.kind} sent again for {intent.resend_of}" if intent.resend_of else str(intent.kind)
        await self.store.record_new(sending, detail=detail)  # durable before a byte is sent
        self._publish(sending)
        await self._check("journaled", sending)
        try:
            output = await call(sending.intent_id)
        except asyncio.CancelledError:
            text = "cancelled while the request was on its way"
            await asyncio.shield(self._write(sending, _S.UNKNOWN, detail=text, message=text))
            raise  # the next start reconciles it
        except Exception as exc:
            return await self._failed(sending, exc)
        await self._check("answered", sending)
        sequence = _sequence_of(output) if intent.kind is IntentKind.ORDER else sending.target_sequence
        if not sequence or not _processed(output):
            # Row 16: never report success without a sequence number; the list tells what happened.
            text = "KIS answered without a reservation sequence number"
            moved = await self._write(sending, _S.UNKNOWN, detail=text, message=text)
            self._reconcile_in_background(moved)
            return moved
        return await self._write(sending, _S.ACKED, detail=f"reservation {sequence}", sequence=sequence)

    async def _failed(self, intent: ReservationIntent, exc: Exception) -> ReservationIntent:
        state = outcome_of(exc)
        if isinstance(exc, KisApiError):
            text = f"[{exc.msg_cd}] {exc.msg1}"
        else:
            text = f"{type(exc).__name__}: {exc}"
        moved = await self._write(intent, state, detail=type(exc).__name__, message=text)
        if state is _S.UNKNOWN:
            self._reconcile_in_background(moved)  # never resent: the reconciler finds out what happened
        return moved

    async def _write(
        self,
        intent: ReservationIntent,
        to: IntentState,
        *,
        cause: Cause = Cause.REQUEST,
        detail: str = "",
        **changes: object,
    ) -> ReservationIntent:
        moved = await self.store.transition(intent, to, cause=cause, detail=detail, at=self._now(), **changes)
        self._publish(moved)
        return moved

    def _reconcile_in_background(self, intent: ReservationIntent) -> asyncio.Task[ReservationIntent]:
        task = asyncio.ensure_future(self.reconciler.reconcile(intent))
        self._tasks[intent.intent_id] = task
        task.add_done_callback(lambda t: self._reconciled(intent.intent_id, t))
        return task

    def _reconciled(self, intent_id: str, task: asyncio.Task[ReservationIntent]) -> None:
        self._tasks.pop(intent_id, None)
        if not task.cancelled() and task.exception() is not None:
            _log.error("reconciling reservation %s failed", intent_id, exc_info=task.exception())

    async def _check(self, point: str, intent: ReservationIntent) -> None:
        if self.checkpoint is not None:
            result = self.checkpoint(point, intent)
            if isawaitable(result):
                await result


def _sequence_of(output: object) -> str:
    return str(getattr(output, "sequence", "")).strip()


def _processed(output: object) -> bool:
    """NRML_PRCS_YN: "Y" (or absent, as on order-resv). Anything else is not a clear success."""
    flag = str(getattr(output, "processed", "")).strip().upper()
    return flag in ("", "Y")


class ReservationReconciler:
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
        self._wire = wire
        self._store = store
        self._clock: Clock = clock or SystemClock()
        self.settings = settings or ReconcileSettings()
        self.on_change = on_change
        # Claiming a sequence (read the owned ones, then write) must not interleave between intents.
        self._claim = asyncio.Lock()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), KST)

    async def reconcile(self, intent: ReservationIntent) -> ReservationIntent:
        """Search until `intent` (UNKNOWN) is ACKED, AMBIGUOUS or NOT_FOUND; returns it. Cancelling
        leaves it UNKNOWN in the journal, for the next start."""
        if intent.state is not _S.UNKNOWN:
            raise ValueError(f"only UNKNOWN intents are reconciled, not {intent.state}")
        s = self.settings
        deadline = intent.matches_at.timestamp() + s.grace_s
        interval, failed, scans, after_grace = s.poll_s, 0, 0, 0
        while True:
            began = self._clock.time()
            try:
                rows = await self.query(intent)
            except (KisError, ValueError) as exc:  # an incomplete scan proves nothing; GETs may repeat
                failed += 1
                _log.info("reconcile %s: scan failed (%s); retrying", intent.intent_id, type(exc).__name__)
                await self._clock.sleep(min(s.poll_s * 2**failed, s.max_error_wait_s))
                continue
            scans += 1
            after_grace += began >= deadline
            try:
                done = await self._decide(intent, rows, scans=scans, after_grace=after_grace)
            except StaleIntentError:
                done = await self._store.get(intent.intent_id)  # another writer decided: what is stored wins
                if done is not None and done.state is _S.UNKNOWN:
                    done = None
                elif done is not None and self.on_change is not None:
                    self.on_change(done)
            if done is not None:
                return done
            now = self._clock.time()
            if now < deadline:
                wait = min(interval, deadline - now)
                interval = min(interval * 1.5, s.max_poll_s)
            else:
                wait = s.poll_s  # past the grace window: finish the closing scans promptly
            await self._clock.sleep(wait)

    async def query(self, intent: ReservationIntent) -> list[ReservationRow]:
        """One complete scan: every page of order-resv-ccnl, cancelled rows included, for the symbol."""
        sent = intent.matches_at.astimezone(KST).date()
        first = min(sent, intent.target_order_date or sent) - timedelta(days=1)
        return await self._wire.list(
            first, sent + _LIST_AHEAD, include_cancelled=True, symbol=intent.terms.symbol
        )

    async def _decide(
        self, intent: ReservationIntent, rows: list[ReservationRow], *, scans: int, after_grace: int
    ) -> ReservationIntent | None:
        """Apply one complete scan: the intent when decided, None to keep polling."""
        async with self._claim:
            current = await self._store.get(intent.intent_id)
            if current is None:
                raise KeyError(f"{intent.intent_id} is not in the journal")
            if current.state is not _S.UNKNOWN:
                return current
            unresolved = await self._store.unresolved(current.env, current.account)
            if any(_twin(current, other) and other.state is _S.SENDING for other in unresolved):
                return None  # a twin is on the wire: its reservation may be in these rows, unclaimed yet
            known = {seq_key(s) for s in await self._store.placed_sequences(current.env, current.account)}
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
            if after_grace >= self.settings.scans_after_grace:
                text = f"not found in {scans} complete scans ({after_grace} after the grace window)"
                return await self._move(current, _S.NOT_FOUND, detail=text, message=text)
            return None

    async def decide_ambiguous(self, intent: ReservationIntent, sequence: str | None) -> ReservationIntent:
        """The user's decision on an AMBIGUOUS intent: a candidate (ACKED) or None (NOT_FOUND)."""
        async with self._claim:
            current = await self._store.get(intent.intent_id)
            if current is None or current.state is not _S.AMBIGUOUS:
                raise ValueError("only an AMBIGUOUS intent can be resolved by choosing a candidate")
            if sequence is None:
                text = "the user found none of the candidates to be this reservation"
                return await self._move(current, _S.NOT_FOUND, detail=text, cause=Cause.USER, message=text)
            key = seq_key(sequence)
            if key not in {seq_key(c) for c in current.candidates}:
                raise ValueError(f"{sequence} is not one of the candidates")
            owned = {seq_key(s) for s in await self._store.placed_sequences(current.env, current.account)}
            if current.kind is not IntentKind.CANCEL and key in owned - {seq_key(current.target_sequence)}:
                raise ValueError(f"{sequence} already belongs to another intent")
            text = f"the user chose reservation {sequence}"
            return await self._move(
                current, _S.ACKED, detail=text, cause=Cause.USER, sequence=key, message=text
            )

    async def _move(
        self,
        intent: ReservationIntent,
        to: IntentState,
        *,
        detail: str,
        cause: Cause = Cause.QUERY,
        **changes: object,
    ) -> ReservationIntent:
        at = self._now()
        moved = await self._store.transition(intent, to, cause=cause, detail=detail, at=at, **changes)
        if self.on_change is not None:
            self.on_change(moved)
        return moved


def _twin(a: ReservationIntent, b: ReservationIntent) -> bool:
    return (
        a.intent_id != b.intent_id
        and a.kind is b.kind
        and a.terms == b.terms
        and seq_key(a.target_sequence) == seq_key(b.target_sequence)
    )
