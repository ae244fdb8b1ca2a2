"""Order intents and their state machine (order-safety.md §3), as an explicit transition table.

An intent is one thing the trader asked for: a new order, a revise or a cancel. It is journaled
before its request is sent and only ever moves along `TRANSITIONS`. The rule that matters most:
nothing leaves UNKNOWN without a query result, nor AMBIGUOUS without a query or the user (`EVIDENCE`),
and an intent is never sent twice — sending again means a new intent with a new id.

Also owns `outcome_of` (which state a failed order request leaves its intent in: errors-and-limits.md
§5, the RETRY_TABLE of kisdesk.api.transport) and the fingerprint matching reconciliation uses:
`order_candidates` (new orders) and `change_candidates` (revise/cancel rows aimed at a target), and
`ticket_of`, which rebuilds the ticket of a journaled order so the user can send it again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from enum import StrEnum
from typing import Final, Self
from zoneinfo import ZoneInfo

from kisdesk.api.enums import US_EXCHANGES, Env, Exchange, OrderDivision, ReviseCancel, Side
from kisdesk.api.errors import (
    IsolationError,
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisRateLimitError,
    KisUncertainApiError,
    NotAvailableError,
)
from kisdesk.api.models import HistoryRow, OverseasOrderRequest, PendingRow
from kisdesk.domain.pending import OrderStatus, PendingOrder, from_history_rows, from_pending_row, order_key
from kisdesk.domain.ticket import OverseasTicket

KST: Final = ZoneInfo("Asia/Seoul")


class IntentKind(StrEnum):
    ORDER = "order"
    REVISE = "revise"
    CANCEL = "cancel"


class IntentState(StrEnum):
    DRAFT = "DRAFT"
    CONFIRMED = "CONFIRMED"  # the user confirmed; not yet journaled as sending
    SENDING = "SENDING"  # journaled durably; the request may be on the wire
    ACKED = "ACKED"  # KIS gave an order number
    REJECTED = "REJECTED"  # KIS (or validation) refused it: final, nothing at the exchange
    NOT_SENT = "NOT_SENT"  # failed before the request left (connect phase): final
    UNKNOWN = "UNKNOWN"  # may or may not have reached KIS: reconcile, never resend
    NOT_FOUND = "NOT_FOUND"  # complete scans over the grace window found nothing
    AMBIGUOUS = "AMBIGUOUS"  # several orders match: the user decides
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    PENDING_CANCEL = "PENDING_CANCEL"
    PENDING_REPLACE = "PENDING_REPLACE"
    CANCELED = "CANCELED"
    REPLACED = "REPLACED"

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self]

    @property
    def unresolved(self) -> bool:
        """The app warns before closing, and reconciles before new orders, while any intent is here."""
        return self in UNRESOLVED

    @property
    def working(self) -> bool:
        """At the exchange and still open."""
        return self in _WORKING


class Cause(StrEnum):
    """What justifies a state change; recorded with every journal event."""

    USER = "user"  # an explicit decision (confirm, pick a candidate, give up)
    REQUEST = "request"  # the answer (or failure) of the intent's own request
    QUERY = "query"  # a reconciliation scan of inquire-nccs / inquire-ccnl
    STARTUP = "startup"  # crash recovery: a SENDING row found when the app starts


_S = IntentState
UNRESOLVED: Final = frozenset({_S.SENDING, _S.UNKNOWN, _S.AMBIGUOUS})
_WORKING: Final = frozenset({_S.ACKED, _S.PARTIALLY_FILLED, _S.PENDING_CANCEL, _S.PENDING_REPLACE})
_FILL_PATHS: Final = frozenset({_S.PARTIALLY_FILLED, _S.FILLED})

# order-safety.md §3. Fills are accepted in any pending state; a cancel or replace is only final once a
# query confirms it; a rejected cancel/replace returns the order to its working state.
TRANSITIONS: Final[dict[IntentState, frozenset[IntentState]]] = {
    _S.DRAFT: frozenset({_S.CONFIRMED}),
    _S.CONFIRMED: frozenset({_S.SENDING, _S.REJECTED}),
    _S.SENDING: frozenset({_S.ACKED, _S.REJECTED, _S.NOT_SENT, _S.UNKNOWN}),
    _S.UNKNOWN: frozenset({_S.ACKED, _S.NOT_FOUND, _S.AMBIGUOUS, _S.REJECTED}) | _FILL_PATHS,
    _S.AMBIGUOUS: frozenset({_S.ACKED, _S.NOT_FOUND}) | _FILL_PATHS,
    _S.ACKED: frozenset({_S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.CANCELED, _S.REPLACED}) | _FILL_PATHS,
    _S.PARTIALLY_FILLED: frozenset({_S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.CANCELED, _S.REPLACED})
    | _FILL_PATHS,
    _S.PENDING_CANCEL: frozenset({_S.CANCELED, _S.ACKED}) | _FILL_PATHS,
    _S.PENDING_REPLACE: frozenset({_S.REPLACED, _S.ACKED}) | _FILL_PATHS,
    _S.REJECTED: frozenset(),
    _S.NOT_SENT: frozenset(),
    _S.NOT_FOUND: frozenset(),
    _S.FILLED: frozenset(),
    _S.CANCELED: frozenset(),
    _S.REPLACED: frozenset(),
}

# Leaving these states needs evidence: a guess here is how orders get duplicated or lost (§3 rules).
EVIDENCE: Final[dict[IntentState, frozenset[Cause]]] = {
    _S.UNKNOWN: frozenset({Cause.QUERY}),
    _S.AMBIGUOUS: frozenset({Cause.QUERY, Cause.USER}),
}


class IllegalTransitionError(ValueError):
    """A state change the table does not allow: a bug, never a user error."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What identifies an order when KIS gave no order number back (no client order id exists)."""

    exchange: Exchange
    symbol: str
    side: Side
    quantity: int
    price: Decimal  # 0 for MOO/MOC
    division: OrderDivision

    def same_venue(self, exchange: Exchange) -> bool:
        """Inquiry rows carry the real venue (NYSE…) even for an order sent as NASD: US is one group."""
        if self.exchange in US_EXCHANGES:
            return exchange in US_EXCHANGES
        return exchange is self.exchange

    @property
    def query_venue(self) -> Exchange:
        """The venue code to ask inquire-nccs/ccnl with: NASD answers for all three US venues."""
        return Exchange.NASD if self.exchange in US_EXCHANGES else self.exchange


class JournaledIntent:
    """What every journaled intent has (overseas orders, domestic reservations): its state, the move
    along the shared table and the time reconciliation counts from. The dataclasses declare the
    fields; `__slots__ = ()` keeps theirs slotted."""

    __slots__ = ()
    intent_id: str
    kind: IntentKind
    env: Env
    account: str
    created_at: datetime
    state: IntentState
    message: str
    updated_at: datetime | None
    candidates: tuple[str, ...]
    sent_at: datetime | None
    request: str
    resend_of: str

    def moved(
        self, to: IntentState, now: datetime, *, cause: Cause = Cause.REQUEST, **changes: object
    ) -> Self:
        """This intent in state `to`; raises IllegalTransitionError unless the table allows it.

        Staying in a non-final state (to update fields) is allowed; a final state never changes.
        """
        check_transition(self.state, to, cause, self.intent_id)
        return replace(self, state=to, updated_at=now, **changes)  # type: ignore[type-var]

    @property
    def matches_at(self) -> datetime:
        """When the request may have reached KIS at the earliest (reconciliation's time bound)."""
        return self.sent_at or self.created_at


@dataclass(frozen=True, slots=True)
class Intent(JournaledIntent):
    """One journaled request. `order_no` is KIS's ODNO once known; `target_order_no` is what a
    revise/cancel acts on; `sent_at` is when it was journaled SENDING (the grace window counts from it);
    `request` is the request body as JSON (KIS order bodies hold no secret), kept to send again."""

    intent_id: str
    kind: IntentKind
    env: Env
    account: str  # "12345678-01"
    fingerprint: Fingerprint
    created_at: datetime
    state: IntentState = IntentState.DRAFT
    order_no: str = ""
    branch_no: str = ""
    target_order_no: str = ""
    message: str = ""  # KIS msg_cd/msg1 or what went wrong, for the user
    updated_at: datetime | None = None
    candidates: tuple[str, ...] = ()  # order numbers that matched an AMBIGUOUS intent
    sent_at: datetime | None = None
    request: str = ""
    resend_of: str = ""  # the NOT_FOUND intent this one sends again, if any


def check_transition(frm: IntentState, to: IntentState, cause: Cause, intent_id: str = "") -> None:
    """Raise IllegalTransitionError unless `frm -> to` is in the table and `cause` is evidence enough."""
    if to is frm:
        if frm.is_final:
            raise IllegalTransitionError(f"{intent_id}: {frm} is final")
        return
    if to not in TRANSITIONS[frm]:
        raise IllegalTransitionError(f"{intent_id}: {frm} -> {to} is not allowed")
    needed = EVIDENCE.get(frm)
    if needed is not None and cause not in needed:
        raise IllegalTransitionError(f"{intent_id}: leaving {frm} needs {'/'.join(needed)}, not {cause}")


def outcome_of(exc: BaseException) -> IntentState:
    """The state a failed order request leaves its intent in.

    NOT_SENT: the request never reached the order system (connect phase, gateway rate limit after the
    client's retries, no usable token, refused before sending). REJECTED: KIS answered with a business
    error. UNKNOWN: everything else — timeouts after sending, resets, 5xx/HTML, unreadable bodies,
    "check the previous transaction" codes, and any unexpected exception (never assume "not sent").
    """
    if isinstance(exc, KisUncertainApiError):
        return IntentState.UNKNOWN
    if isinstance(
        exc, KisConnectError | KisRateLimitError | KisAuthError | NotAvailableError | IsolationError
    ):
        return IntentState.NOT_SENT
    if isinstance(exc, KisApiError):
        return IntentState.REJECTED
    return IntentState.UNKNOWN


def new_intent_id(now: datetime) -> str:
    """A date-prefixed random id (FIX ClOrdID practice): unique across days and restarts."""
    return f"{now:%Y%m%d}-{uuid.uuid4().hex}"


# What a matched row says about the order, as the intent's next state after ACKED.
_AFTER_ACK: Final[dict[OrderStatus, IntentState]] = {
    OrderStatus.WORKING: _S.ACKED,
    OrderStatus.PARTIALLY_FILLED: _S.PARTIALLY_FILLED,
    OrderStatus.FILLED: _S.FILLED,
    OrderStatus.CANCELLED: _S.CANCELED,
    OrderStatus.REVISED: _S.REPLACED,
    OrderStatus.REJECTED: _S.REJECTED,
}
_CHANGE_CODE: Final = {
    IntentKind.REVISE: ReviseCancel.REVISE.value,
    IntentKind.CANCEL: ReviseCancel.CANCEL.value,
}


@dataclass(frozen=True, slots=True)
class Match:
    """An inquiry row that fits an intent: its order number and what state it shows."""

    order_no: str
    branch_no: str
    state: IntentState  # ACKED, or the fill/cancel/reject state the row already shows
    reason: str = ""  # reject reason, if any


# --- reconciliation matching --------------------------------------------------------------------


def order_candidates(
    intent: Intent,
    pending: Sequence[PendingRow],
    history: Sequence[HistoryRow],
    *,
    known: AbstractSet[str],
    margin: timedelta,
) -> list[Match]:
    """Orders in the rows that fit a new-order intent and no journal intent owns, by order number."""
    fp = intent.fingerprint
    earliest = intent.matches_at - margin
    every: list[PendingRow | HistoryRow] = [*pending, *history]
    times = {order_key(r.order_no): _row_time(r, fp.query_venue) for r in every}
    orders: dict[str, PendingOrder] = {o.key: o for o in from_history_rows(history, fp.query_venue)}
    for row in pending:  # ccnl (folded) is the fuller picture; nccs fills in rows ccnl lacks
        order = from_pending_row(row, fp.query_venue)
        orders.setdefault(order.key, order)
    found: list[Match] = []
    for key, o in orders.items():
        if key in known or o.original_order_no.strip():
            continue  # someone's order, or a revise row (a new order has no original)
        if not (fp.same_venue(o.exchange) and o.symbol.upper() == fp.symbol.upper() and o.side is fp.side):
            continue
        if o.quantity != fp.quantity or (o.price or 0) != fp.price:
            continue
        when = times.get(key)
        if when is not None and when < earliest:
            continue
        found.append(Match(o.order_no, _branch(key, history, pending), _AFTER_ACK[o.status], o.reject_reason))
    return sorted(found, key=lambda m: order_key(m.order_no))


def change_candidates(
    intent: Intent, rows: Iterable[PendingRow | HistoryRow], *, known: AbstractSet[str], margin: timedelta
) -> list[Match]:
    """Revise/cancel rows aimed at the intent's target order that no journal intent owns."""
    code = _CHANGE_CODE[intent.kind]
    target = order_key(intent.target_order_no)
    earliest = intent.matches_at - margin
    found: dict[str, Match] = {}
    for row in rows:
        key = order_key(row.order_no)
        if (
            key in known
            or row.revise_cancel_code.strip() != code
            or order_key(row.original_order_no) != target
        ):
            continue
        when = _row_time(row, intent.fingerprint.query_venue)
        if when is not None and when < earliest:
            continue
        rejected = bool(row.reject_reason.strip()) or row.status_name.strip() == "거부"
        state = _S.REJECTED if rejected else _S.ACKED
        found[key] = Match(row.order_no.strip(), row.branch_no.strip(), state, row.reject_reason.strip())
    return sorted(found.values(), key=lambda m: order_key(m.order_no))


def _branch(key: str, *groups: Sequence[PendingRow | HistoryRow]) -> str:
    for rows in groups:
        for row in rows:
            if order_key(row.order_no) == key:
                return row.branch_no.strip()
    return ""


def _row_time(row: PendingRow | HistoryRow, venue: Exchange) -> datetime | None:
    """KST time KIS took the order: dmst_ord_dt + thco_ord_tmd when the row has them (ccnl), else the
    exchange-local ord_dt with ord_tmd read as KST (as PYKIS does; overseas-pending-and-fills.md §2)."""
    if isinstance(row, HistoryRow):
        day, clock = kis_day(row.kr_order_date), _clock(row.kr_receipt_time)
        if day is not None and clock is not None:
            return datetime.combine(day, clock, KST)
    local_day, clock = kis_day(row.order_date), _clock(row.order_time)
    if local_day is None or clock is None:
        return None
    try:
        zone = ZoneInfo(Exchange(row.exchange.strip()).info.timezone)
    except ValueError:
        zone = ZoneInfo(venue.info.timezone)
    for offset in (0, 1, -1):  # the KST date on which that KST time falls on the local date
        candidate = datetime.combine(local_day + timedelta(days=offset), clock, KST)
        if candidate.astimezone(zone).date() == local_day:
            return candidate
    return None


def kis_day(text: str) -> date | None:
    """A KIS YYYYMMDD field as a date; None when blank or malformed."""
    text = text.strip()
    try:
        return datetime.strptime(text, "%Y%m%d").date() if len(text) == 8 else None
    except ValueError:
        return None


def _clock(text: str) -> dtime | None:
    text = text.strip()
    try:
        return datetime.strptime(text, "%H%M%S").time() if len(text) == 6 else None
    except ValueError:
        return None


def ticket_of(intent: Intent) -> OverseasTicket:
    """The ticket a new-order intent was sent from (its journaled request body, else its fingerprint)."""
    fp = intent.fingerprint
    price = None if fp.division.is_market_type else fp.price
    if not intent.request:
        return OverseasTicket(intent.env, fp.exchange, fp.symbol, fp.side, fp.division, fp.quantity, price)
    body = OverseasOrderRequest.model_validate(json.loads(intent.request))
    return OverseasTicket(
        intent.env,
        body.exchange,
        body.symbol,
        fp.side,
        fp.division,
        body.quantity,
        price,
        body.algo_timing,
        _hhmmss_time(body.start_time),
        _hhmmss_time(body.end_time),
    )


def _hhmmss_time(text: str | None) -> dtime | None:
    return None if not text else datetime.strptime(text, "%H%M%S").time()
