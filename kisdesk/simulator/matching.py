"""How time moves the book: resting overseas orders trade against the price paths, and domestic
reservations are sent on their processing day. Called only from `Book.advance`.

Rules (simulator ASSUMPTIONS, deterministic for a given seed):
- an order can trade from the first price step after it was accepted, once per step; with
  settings.enforce_market_hours only inside the venue's order windows, otherwise around the clock
  (so the demo lives at any hour);
- limit, odd-lot, LOO and LOC orders trade when marketable (buy: step price ≤ limit; sell: ≥), with
  chance settings.fill_probability per step, a random chunk of at most half the remaining lots at
  the step price — so large orders fill partially over several steps;
- MOO/MOC trade completely at the first eligible step's price;
- TWAP/VWAP trade evenly across their window (whole lots, catching up when the price allows) and
  whatever is left when the window ends expires;
- each order draws from its own RNG, so how often `advance` is called never changes the outcome;
- a reservation is sent at 09:00 KST of its processing day (08:30 for pre-market `05`), on every
  business day up to its end date for a period reservation. Market and pre-market ones fill at the
  step price (pre-market at the previous close); limit ones fill then if marketable, else stay
  unfilled. Off-tick prices and missing cash or shares reject it that day (rjct_rson2).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from kisdesk.api.enums import OrderDivision, ResvOrderDivision, Side
from kisdesk.api.venue_rules import (
    KST,
    board_lot,
    krx_tick_size,
    next_business_day,
    order_windows_kst,
    tick_size,
)
from kisdesk.simulator.records import OverseasOrder, Reservation

if TYPE_CHECKING:
    from kisdesk.simulator.book import Book


def match_order(book: Book, order: OverseasOrder, upto: datetime) -> None:
    """Process every price step in (last processed, upto] for one open order."""
    start = order.processed_until or order.accepted_at
    gate = _Gate(book, order, start, upto) if book.settings.enforce_market_hours else None
    margin = _margin(order)
    for day, index in book.prices.steps_between(start, upto):
        if order.open_qty <= 0:
            break
        is_open = gate is None or gate.is_open(day, index)
        if order.algo is not None:
            _algo_step(book, order, day, index, is_open)
        elif is_open:
            _limit_step(book, order, day, index, margin)
    order.processed_until = max(start, upto)


class _Gate:
    """The venue's order windows as step-index ranges per KST day (cheap to test per step)."""

    def __init__(self, book: Book, order: OverseasOrder, start: datetime, upto: datetime) -> None:
        self._prices = book.prices
        day, last = start.astimezone(KST).date() - timedelta(days=1), upto.astimezone(KST).date()
        self._windows: list[tuple[datetime, datetime]] = []
        while day <= last:
            self._windows += order_windows_kst(order.exchange, day)
            day += timedelta(days=1)
        self._ranges: dict[date, list[tuple[int, int]]] = {}

    def is_open(self, day: date, index: int) -> bool:
        if day not in self._ranges:
            midnight, ts = self._prices.step_time(day, 0), self._prices.tick_seconds
            self._ranges[day] = [
                (
                    math.ceil((a - midnight).total_seconds() / ts),
                    math.ceil((b - midnight).total_seconds() / ts),
                )
                for a, b in self._windows
            ]
        return any(lo <= index < hi for lo, hi in self._ranges[day])


def _margin(order: OverseasOrder) -> float:
    """How far a raw (unrounded) price may sit beyond the limit and still round onto it: at most half
    a tick of any price up to twice the limit. Beyond it a step cannot be marketable."""
    return float(tick_size(order.exchange, order.price * 2))


def _marketable(order: OverseasOrder, price: Decimal) -> bool:
    if order.division.is_market_type:
        return True
    return price <= order.price if order.side is Side.BUY else price >= order.price


def _limit_step(book: Book, order: OverseasOrder, day: date, index: int, margin: float) -> None:
    prices, inst = book.prices, order.instrument
    if order.division.is_market_type:
        book.fill(order, order.open_qty, prices.price_at_step(inst, day, index))
        return
    raw, limit = prices.raw(inst, day, index), float(order.price)
    if (raw > limit + margin) if order.side is Side.BUY else (raw < limit - margin):
        return  # clearly not marketable: skip the exact Decimal price (same outcome, far cheaper)
    price = prices.price_at_step(inst, day, index)
    if _marketable(order, price) and order.rng.random() < book.settings.fill_probability:
        book.fill(order, _chunk(order), price)


def _chunk(order: OverseasOrder) -> int:
    lot = board_lot(order.exchange, order.side, order.instrument.symbol)
    if order.division is OrderDivision.ODD_LOT:
        return order.open_qty  # an odd lot is less than one board lot: it trades in one piece
    lots = order.open_qty // lot
    if lots <= 1:
        return order.open_qty
    return order.rng.randint(1, (lots + 1) // 2) * lot


def _algo_step(book: Book, order: OverseasOrder, day: date, index: int, is_open: bool) -> None:
    window = order.algo
    assert window is not None
    t = book.prices.step_time(day, index)
    if t < window.start:
        return
    total = order.qty - order.closed_qty  # a partial cancel shrinks the schedule
    span = (window.end - window.start).total_seconds()
    done = t >= window.end or span <= 0
    if done:
        target = total
    else:
        lot = board_lot(order.exchange, order.side, order.instrument.symbol)
        target = int(total * (t - window.start).total_seconds() / span) // lot * lot
    gap = min(target - order.filled_qty, order.open_qty)
    if gap > 0 and is_open:
        price = book.prices.price_at_step(order.instrument, day, index)
        if _marketable(order, price):
            book.fill(order, gap, price)
    if done and order.open_qty > 0:
        book.expire(order)


# --- domestic reservations ---------------------------------------------------------------------

_SEND_AT = {ResvOrderDivision.PRE_MARKET: time(8, 30)}  # others at the 09:00 open (ASSUMPTION)
_OPEN = time(9)


def run_reservation(book: Book, resv: Reservation, upto: datetime) -> None:
    """Send the reservation on each due business day up to `upto`."""
    if resv.cancelled_at is not None or resv.reject_reason:
        return
    last_day = resv.end_date or resv.order_date
    day = resv.order_date if resv.last_run is None else next_business_day(resv.last_run)
    while day <= last_day and resv.remaining > 0:
        at = datetime.combine(day, _SEND_AT.get(resv.division, _OPEN), KST)
        if at > upto:
            return
        if not _send(book, resv, at):
            return
        day = next_business_day(day)


def _send(book: Book, resv: Reservation, at: datetime) -> bool:
    """Send the reservation as a normal order at `at`; False when it was rejected."""
    resv.last_run = at.date()
    inst = resv.instrument
    if resv.division is ResvOrderDivision.PRE_MARKET:
        market = book.prices.previous_close(inst, at)  # the pre-open session trades at the last close
    else:
        market = book.prices.price(inst, at)
    reason = _reject_reason(book, resv, market)
    if reason:
        resv.reject_reason = reason
        return False
    if not resv.order_no:
        resv.order_no, resv.ordered_at = book.new_order_no(), at
    limit_ok = market <= resv.price if resv.side is Side.BUY else market >= resv.price
    if resv.division.is_market_type or limit_ok:
        book.fill_reservation(resv, resv.remaining, market)
    return True


def _reject_reason(book: Book, resv: Reservation, market: Decimal) -> str:
    settings = book.settings
    limit_type = not resv.division.is_market_type
    if settings.enforce_ticks and limit_type and resv.price % krx_tick_size(resv.price) != 0:
        return "호가단위 오류입니다."
    if not settings.check_buying_power:
        return ""
    acct = book.account(resv.account)
    if resv.side is Side.BUY:
        unit = market if resv.division.is_market_type else resv.price
        if resv.remaining * unit > acct.available_cash(resv.instrument.currency):
            return "주문가능금액을 초과하였습니다."
    elif resv.remaining > acct.available_shares(resv.instrument.key):
        return "매도가능수량이 부족합니다."
    return ""
