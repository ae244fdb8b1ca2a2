"""Reservation intents: journaled domestic reservation requests (예약주문 place, revise, cancel) and
the matching that reconciles one whose answer was lost (order-safety.md §3, G1–G3).

A separate dataclass, not the overseas `Intent`: that one's `Fingerprint` is a venue plus an overseas
order division, and its order number is an ODNO found in inquire-nccs/ccnl. A reservation has no
venue and no ODNO at request time; it has an end date, and KIS's key for it is the RSVN_ORD_SEQ read
back from order-resv-ccnl (domestic-reservation.md §1.2, §2). Sharing one type would give half its
fields two meanings. What carries over unchanged is reused from kisdesk.domain.intents: the states,
TRANSITIONS/EVIDENCE and the move along them (`JournaledIntent`), `outcome_of` and `new_intent_id`.

Matching (KIS has no client order id for reservations either): a placement is found by its terms —
symbol, side, quantity, price, division, end date — received no earlier than the send minus a skew
margin, under a sequence no other journal row owns. A cancel is found when its target row shows a
cancel date; a revise when its target row shows the new terms (or, on a server that gives a revised
reservation a new sequence, an unowned row with the new terms next to a cancelled target).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.models.reservation import ReservationOrderRequest, ReservationRow
from kisdesk.domain.intents import IntentKind, IntentState, JournaledIntent, kis_day
from kisdesk.domain.ticket import ReservationTicket

KST: Final = ZoneInfo("Asia/Seoul")

# ord_dvsn_name as the servers spell it. The inquiry's ord_dvsn_cd is not the request's code domain
# (the spec's one example pairs "01" with "현금매수"), so only the name tells the division.
DIVISION_BY_NAME: Final = {
    "지정가": ResvOrderDivision.LIMIT,
    "시장가": ResvOrderDivision.MARKET,
    "조건부지정가": ResvOrderDivision.CONDITIONAL_LIMIT,
    "장전시간외": ResvOrderDivision.PRE_MARKET,
}


@dataclass(frozen=True, slots=True)
class ResvTerms:
    """What a reservation asks for: its fingerprint, and the new terms of a revise."""

    symbol: str
    side: Side
    quantity: int
    price: Decimal  # 0 for market and pre-market
    division: ResvOrderDivision
    end_date: date | None = None  # set: period reservation


@dataclass(frozen=True, slots=True)
class ReservationIntent(JournaledIntent):
    """One journaled reservation request. `sequence` is KIS's RSVN_ORD_SEQ once known (for a revise or
    cancel: the reservation it acted on); `target_sequence` is what a revise/cancel aims at; `request`
    is the body as JSON (reservation bodies hold account numbers and terms, no secret)."""

    intent_id: str
    kind: IntentKind
    env: Env
    account: str  # "12345678-01"
    terms: ResvTerms
    created_at: datetime
    state: IntentState = IntentState.DRAFT
    sequence: str = ""
    target_sequence: str = ""
    target_order_date: date | None = None  # rsvn_ord_ord_dt of the target row
    message: str = ""
    updated_at: datetime | None = None
    candidates: tuple[str, ...] = ()  # sequences that matched an AMBIGUOUS intent
    sent_at: datetime | None = None
    request: str = ""
    resend_of: str = ""  # the NOT_FOUND placement this one sends again, if any


def shows_terms(row: ReservationRow, terms: ResvTerms) -> bool:
    """Whether the row carries `terms`. A division the row does not name is not held against it:
    excluding on an uncertain field would declare NOT_FOUND for an order KIS has (a duplicate later)."""
    if row.symbol.strip().upper() != terms.symbol.upper() or row.side_code.strip() != terms.side.value:
        return False
    if row.quantity != terms.quantity or row.price != terms.price:
        return False
    if kis_day(row.end_date) != terms.end_date:
        return False
    division = DIVISION_BY_NAME.get(row.division_name.replace(" ", ""))
    return division is None or division is terms.division


def received_at(row: ReservationRow) -> datetime | None:
    """KST time KIS received the reservation (rsvn_ord_rcit_dt + rsvn_ord_rcit_tmd), if the row says."""
    day, text = kis_day(row.receipt_date), row.receipt_time.strip()
    if day is None or len(text) != 6 or not text.isdigit():
        return None
    return datetime.combine(day, datetime.strptime(text, "%H%M%S").time(), KST)


def placement_candidates(
    intent: ReservationIntent,
    rows: Iterable[ReservationRow],
    *,
    known: AbstractSet[str],
    margin: timedelta,
) -> list[str]:
    """Sequences of rows that fit a placement and that no journal row owns, in sequence order."""
    earliest = intent.matches_at - margin
    found = {
        key
        for row in rows
        if (key := seq_key(row.sequence)) not in known
        and shows_terms(row, intent.terms)
        and _since(row, earliest)
    }
    return sorted(found, key=_seq_order)


def change_candidates(
    intent: ReservationIntent,
    rows: Sequence[ReservationRow],
    *,
    known: AbstractSet[str],
    margin: timedelta,
) -> list[str]:
    """Evidence that a revise/cancel took effect: the sequences it now lives under (empty: none yet)."""
    target_key = seq_key(intent.target_sequence)
    target = next((r for r in rows if seq_key(r.sequence) == target_key), None)
    if intent.kind is IntentKind.CANCEL:
        return [target_key] if target is not None and target.cancelled else []
    if target is not None and not target.cancelled:
        return [target_key] if shows_terms(target, intent.terms) else []
    if target is None or not target.cancelled:
        return []
    # A server that numbers a revised reservation anew cancels the old row: look for the new one.
    earliest = intent.matches_at - margin
    found = {
        key
        for row in rows
        if (key := seq_key(row.sequence)) not in known | {target_key}
        and not row.cancelled
        and shows_terms(row, intent.terms)
        and _since(row, earliest)
    }
    return sorted(found, key=_seq_order)


def seq_key(sequence: str) -> str:
    """A sequence as compared: KIS pads some numbers with zeros or spaces."""
    return sequence.strip().lstrip("0") or "0"


def _seq_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)


def _since(row: ReservationRow, earliest: datetime) -> bool:
    when = received_at(row)
    return when is None or when >= earliest


def placement_ticket(intent: ReservationIntent) -> ReservationTicket:
    """The ticket a placement was sent from (its journaled body, else its terms): sending it again."""
    t = intent.terms
    price = None if t.division.is_market_type else t.price
    if not intent.request:
        return ReservationTicket(intent.env, t.symbol, t.side, t.division, t.quantity, price, t.end_date)
    body = ReservationOrderRequest.model_validate(json.loads(intent.request))
    return ReservationTicket(
        intent.env, body.symbol, body.side, body.division, body.quantity, price, body.end_date, body.balance
    )
