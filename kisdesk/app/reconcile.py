"""Reconciliation: finding out what became of an order request whose answer was lost.

Owns the `Reconciler`, which takes an UNKNOWN intent to ACKED (with KIS's order number and the fill
state the rows show), REJECTED, AMBIGUOUS (several matches: the user decides) or NOT_FOUND, and the
pure matching functions it uses. KIS has no client order id for individuals, so a new order is found
by its fingerprint (order-safety.md §1.5): venue group, symbol, side, quantity, price, order time no
earlier than the send minus a clock-skew margin, and an order number no intent in the journal owns.
A revise/cancel is found by its own row whose `orgn_odno` is the target.

Only GET inquiries are ever repeated here, never the POST (G3). NOT_FOUND needs a grace window after
the send (KIS reflects orders with a delay, row 14) and then at least two complete scans that started
after it; a scan that failed or read a partial list does not count.

The search loop itself (scan, retry, back off, let a concurrent writer win) is `ScanReconciler`, which
the domestic `ReservationReconciler` runs too with its own reading and matching.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Generic, TypeVar
from zoneinfo import ZoneInfo

from kisdesk.api.client import KisClient
from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.enums import Env
from kisdesk.api.errors import KisError
from kisdesk.api.models import HistoryRow, PendingRow
from kisdesk.app.journal import IntentStore, Journal, StaleIntentError
from kisdesk.domain.intents import (
    Cause,
    Intent,
    IntentKind,
    IntentState,
    JournaledIntent,
    Match,
    change_candidates,
    order_candidates,
)
from kisdesk.domain.pending import order_key

_log = logging.getLogger(__name__)
KST: Final = ZoneInfo("Asia/Seoul")
MAX_GRACE_S: Final = 30.0  # order-safety.md G2: no intent stays UNKNOWN longer than this for lack of rows
_S = IntentState
IntentT = TypeVar("IntentT", bound=JournaledIntent)
RowsT = TypeVar("RowsT")


@dataclass(frozen=True, slots=True)
class ReconcileSettings:
    """Timing of the search: `grace_s` counts from the send; polls back off from `poll_s` to `max_poll_s`."""

    grace_s: float = 10.0
    skew_s: float = 60.0  # PC clock vs KIS clock, plus HHMMSS truncation of the order time
    poll_s: float = 0.5
    max_poll_s: float = 2.0
    scans_after_grace: int = 2
    max_error_wait_s: float = 5.0

    def __post_init__(self) -> None:
        if not 0 <= self.grace_s <= MAX_GRACE_S:
            raise ValueError(f"grace_s must be within 0..{MAX_GRACE_S:g} s")
        if self.poll_s <= 0 or self.max_poll_s < self.poll_s or self.scans_after_grace < 1:
            raise ValueError("poll_s > 0, max_poll_s >= poll_s and scans_after_grace >= 1 are required")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Measured figures of one reconciliation (the chaos benchmark reads these)."""

    intent_id: str
    outcome: IntentState
    scans: int  # complete scans
    failed_scans: int  # scans that failed or read a partial list
    elapsed_s: float  # on the reconciler's clock (simulated time in tests)
    wall_s: float  # real time spent
    since_send_s: float  # clock time from the send to the decision


@dataclass
class ScanProgress:
    """Counts of one search: complete scans, failed ones, complete ones started after the grace window."""

    scans: int = 0
    failed: int = 0
    after_grace: int = 0
    interval: float = 0.0
    started: float = field(default_factory=time.monotonic)


class ScanReconciler(ABC, Generic[IntentT, RowsT]):
    """The search every reconciler runs: scan (GETs only, never the POST: G3), decide, wait, again.

    A scan that fails proves nothing and is retried with a back-off. Polls back off over the grace
    window and run at `poll_s` after it, until `_decide` returns the decided intent. When another
    writer moves the intent first (StaleIntentError), what the journal holds wins. Subclasses read
    (`query`) and match (`_decide`) their own kind of rows, under `_claim`.
    """

    def __init__(
        self,
        journal: IntentStore[IntentT],
        *,
        clock: Clock | None = None,
        settings: ReconcileSettings | None = None,
        on_change: Callable[[IntentT], None] | None = None,
    ) -> None:
        self._journal = journal
        self._clock: Clock = clock or SystemClock()
        self.settings = settings or ReconcileSettings()
        self.on_change = on_change
        # Claiming a number (read the known ones, then write) must not interleave between two
        # intents, or both could claim the same order.
        self._claim = asyncio.Lock()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), KST)

    async def reconcile(self, intent: IntentT) -> IntentT:
        """Search until `intent` (UNKNOWN) is ACKED (or further), REJECTED, AMBIGUOUS or NOT_FOUND;
        returns it.

        Returns at once if the journal shows the intent already moved on. Cancelling the task leaves
        the intent UNKNOWN in the journal, to be picked up at the next start.
        """
        if intent.state is not _S.UNKNOWN:
            raise ValueError(f"only UNKNOWN intents are reconciled, not {intent.state}")
        progress = ScanProgress(interval=self.settings.poll_s)
        start = self._clock.time()
        done = await self._search(intent, progress)
        self._resolved(intent, done, progress, start)
        return done

    @abstractmethod
    async def query(self, intent: IntentT) -> RowsT:
        """One complete scan (every page) of the rows that may show `intent`."""

    @abstractmethod
    async def _decide(
        self, intent: IntentT, rows: RowsT, *, counts: bool, progress: ScanProgress
    ) -> IntentT | None:
        """Apply one complete scan (`counts`: it started after the grace window); the decided intent,
        or None to keep polling."""

    @abstractmethod
    async def _decided(self, intent: IntentT) -> IntentT | None:
        """The stored intent if it has left UNKNOWN, else None (keep polling)."""

    async def _scanned(self, rows: RowsT) -> None:
        """Called with every complete scan before it is applied."""

    def _resolved(self, intent: IntentT, done: IntentT, progress: ScanProgress, start: float) -> None:
        """Called once with the decision."""

    async def _search(self, intent: IntentT, progress: ScanProgress) -> IntentT:
        log = logging.getLogger(type(self).__module__)
        s = self.settings
        deadline = intent.matches_at.timestamp() + s.grace_s
        while True:
            began = self._clock.time()
            try:
                rows = await self.query(intent)
            except (
                KisError,
                ValueError,
            ) as exc:  # an incomplete scan proves nothing; GETs are safe to repeat
                progress.failed += 1
                log.info("reconcile %s: scan failed (%s); retrying", intent.intent_id, type(exc).__name__)
                await self._clock.sleep(min(s.poll_s * 2**progress.failed, s.max_error_wait_s))
                continue
            progress.scans += 1
            await self._scanned(rows)
            try:
                done = await self._decide(intent, rows, counts=began >= deadline, progress=progress)
            except StaleIntentError:
                # Another writer moved it between our read and write (IntentService.observe advancing a
                # just-ACKED order from a grid refresh, or a second reconciliation): what is stored wins.
                done = await self._decided(intent)
                if done is not None and self.on_change is not None:
                    self.on_change(done)  # the service's view follows the journal
            if done is not None:
                return done
            now = self._clock.time()
            if now < deadline:
                wait = min(progress.interval, deadline - now)
                progress.interval = min(progress.interval * 1.5, s.max_poll_s)
            else:
                wait = s.poll_s  # past the grace window: finish the closing scans promptly
            await self._clock.sleep(wait)

    async def _move(
        self, intent: IntentT, to: IntentState, *, detail: str, cause: Cause = Cause.QUERY, **changes: object
    ) -> IntentT:
        moved = await self._journal.transition(
            intent, to, cause=cause, detail=detail, at=self._now(), **changes
        )
        if self.on_change is not None:
            self.on_change(moved)
        return moved


_Rows = tuple[list[PendingRow], list[HistoryRow]]


class Reconciler(ScanReconciler[Intent, _Rows]):
    """Resolves UNKNOWN intents of one client's env/account by reading inquire-nccs and inquire-ccnl.

    `on_change` is called with every new version of an intent it writes to the journal; `on_scan`
    (if set) is awaited with the rows of every complete scan, so other intents can follow their
    orders from them (IntentService.observe). A failing `on_scan` is logged and never stops the search.
    """

    def __init__(
        self,
        client: KisClient,
        journal: Journal,
        *,
        clock: Clock | None = None,
        settings: ReconcileSettings | None = None,
        on_change: Callable[[Intent], None] | None = None,
    ) -> None:
        super().__init__(journal, clock=clock, settings=settings, on_change=on_change)
        self._client = client
        self._journal: Journal = journal
        self.on_scan: Callable[[list[PendingRow], list[HistoryRow]], Awaitable[None]] | None = None
        self.resolutions: list[Resolution] = []

    @property
    def env(self) -> Env:
        return self._client.env

    async def query(self, intent: Intent) -> _Rows:
        """One complete scan: every page of inquire-nccs (not on paper) and inquire-ccnl.

        ccnl dates are the exchange-local date of the send ±1 day (§2.1: local dates). Paper reads no
        nccs: KIS documents it as unsupported there and ccnl lists open orders too.
        """
        fp = intent.fingerprint
        local = intent.matches_at.astimezone(ZoneInfo(fp.exchange.info.timezone)).date()
        history = await self._client.history_all(
            local - timedelta(days=1),
            local + timedelta(days=1),
            symbol=fp.symbol,
            exchange=fp.query_venue,
            side=fp.side,
        )
        pending = [] if self.env is Env.PAPER else await self._client.pending_all(fp.query_venue)
        return pending, history

    async def _decide(
        self, intent: Intent, rows: _Rows, *, counts: bool, progress: ScanProgress
    ) -> Intent | None:
        """Apply one complete scan; the new intent when decided, None to keep polling."""
        async with self._claim:
            current = await self._journal.get(intent.intent_id)
            if current is None:
                raise KeyError(f"{intent.intent_id} is not in the journal")
            if current.state is not _S.UNKNOWN:
                return current  # decided meanwhile (another task reconciled the same intent)
            unresolved = await self._journal.unresolved(current.env, current.account)
            if any(_same_request(current, other) and other.state is _S.SENDING for other in unresolved):
                # A twin is on the wire: its order may already be in these rows under a number the
                # journal does not know yet. Wait for its answer rather than claim its order.
                return None
            known = {
                order_key(n) for n in await self._journal.known_order_numbers(current.env, current.account)
            }
            margin = timedelta(seconds=self.settings.skew_s)
            if current.kind is IntentKind.ORDER:
                matches = order_candidates(current, *rows, known=known, margin=margin)
            else:
                matches = change_candidates(current, [*rows[0], *rows[1]], known=known, margin=margin)
            if len(matches) == 1:
                return await self._claim_match(current, matches[0])
            if matches:
                numbers = tuple(m.order_no for m in matches)
                text = f"{len(matches)} orders match: {', '.join(numbers)}"
                return await self._move(current, _S.AMBIGUOUS, detail=text, candidates=numbers, message=text)
            progress.after_grace += counts
            if progress.after_grace >= self.settings.scans_after_grace:
                after = progress.after_grace
                text = f"not found in {progress.scans} complete scans ({after} after the grace window)"
                return await self._move(current, _S.NOT_FOUND, detail=text, message=text)
            return None

    async def decide_ambiguous(self, intent: Intent, order_no: str | None) -> Intent:
        """The user's decision on an AMBIGUOUS intent: one of its candidates (ACKED), or None (NOT_FOUND)."""
        async with self._claim:
            current = await self._journal.get(intent.intent_id)
            if current is None or current.state is not _S.AMBIGUOUS:
                raise ValueError("only an AMBIGUOUS intent can be resolved by choosing a candidate")
            if order_no is None:
                text = "the user found none of the candidates to be this order"
                moved = await self._move(current, _S.NOT_FOUND, detail=text, cause=Cause.USER, message=text)
            else:
                key = order_key(order_no)
                if key not in {order_key(c) for c in current.candidates}:
                    raise ValueError(f"{order_no} is not one of the candidates")
                known = {
                    order_key(n)
                    for n in await self._journal.known_order_numbers(current.env, current.account)
                }
                if key in known:
                    raise ValueError(f"{order_no} already belongs to another intent")
                text = f"the user chose order {order_no}"
                moved = await self._move(
                    current, _S.ACKED, detail=text, cause=Cause.USER, order_no=order_no.strip(), message=text
                )
        await self.narrow_ambiguous(current.env, current.account)
        return moved

    async def narrow_ambiguous(self, env: Env, account: str) -> list[Intent]:
        """After an order number was claimed: an AMBIGUOUS intent left with one unowned candidate takes it."""
        changed: list[Intent] = []
        async with self._claim:
            known = {order_key(n) for n in await self._journal.known_order_numbers(env, account)}
            for intent in await self._journal.unresolved(env, account):
                if intent.state is not _S.AMBIGUOUS:
                    continue
                left = [c for c in intent.candidates if order_key(c) not in known]
                if len(left) == 1:
                    text = f"the other candidates belong to other intents: order {left[0]}"
                    moved = await self._move(intent, _S.ACKED, detail=text, order_no=left[0], message=text)
                    known.add(order_key(left[0]))
                    changed.append(moved)
        return changed

    async def _claim_match(self, intent: Intent, match: Match) -> Intent:
        detail = f"matched order {match.order_no}"
        if match.state is _S.REJECTED:
            return await self._move(
                intent, _S.REJECTED, detail=detail, order_no=match.order_no, message=match.reason
            )
        acked = await self._move(
            intent, _S.ACKED, detail=detail, order_no=match.order_no, branch_no=match.branch_no, message=""
        )
        if match.state is _S.ACKED:
            return acked
        return await self._move(acked, match.state, detail=f"order {match.order_no} is {match.state}")

    async def _decided(self, intent: Intent) -> Intent | None:
        """The stored intent if it has left UNKNOWN, else None (keep polling)."""
        current = await self._journal.get(intent.intent_id)
        if current is None:
            raise KeyError(f"{intent.intent_id} is not in the journal")
        return None if current.state is _S.UNKNOWN else current

    async def _scanned(self, rows: _Rows) -> None:
        if self.on_scan is None:
            return
        try:
            await self.on_scan(*rows)
        except Exception:  # an observer's bug must not stop reconciliation
            _log.exception("observing a reconciliation scan failed")

    def _resolved(self, intent: Intent, done: Intent, progress: ScanProgress, start: float) -> None:
        now = self._clock.time()
        self.resolutions.append(
            Resolution(
                intent.intent_id,
                done.state,
                progress.scans,
                progress.failed,
                now - start,
                time.monotonic() - progress.started,
                now - intent.matches_at.timestamp(),
            )
        )


def _same_request(a: Intent, b: Intent) -> bool:
    return (
        a.intent_id != b.intent_id
        and a.kind is b.kind
        and a.fingerprint == b.fingerprint
        and a.target_order_no == b.target_order_no
    )
