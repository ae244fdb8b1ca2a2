"""Pre-send checks of an order ticket: every problem at once, so the form can mark every bad field.

Owns: `Problem`/`Severity` and `validate_overseas` / `validate_reservation`. An "error" blocks sending;
a "warning" is only shown (e.g. the market is closed: KIS rejects the order itself, and the trader
may be preparing a ticket in advance). `code` values are stable (the UI maps them to Korean);
`field` names the ticket attribute to highlight ("ticket" for the ticket as a whole); `message` is the
English text and `params` its variable parts, so the UI can render a translated template
(`kisdesk.ui.problem_text`) with the same values. Venue facts
(ticks, lots, hours) come from `kisdesk.api.venue_rules`; which order types exist comes from
`kisdesk.domain.capabilities`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from kisdesk.api import venue_rules as venue
from kisdesk.api.enums import AlgoTiming, BalanceKind, Exchange, Market, OrderDivision, Side
from kisdesk.domain.capabilities import order_type, reservation_capability
from kisdesk.domain.ticket import OverseasTicket, ReservationTicket


class Severity(StrEnum):
    ERROR = "error"  # blocks sending
    WARNING = "warning"  # shown only


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str
    severity: Severity = Severity.ERROR
    # Not part of equality: two problems with the same code and text are the same problem.
    params: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.ERROR


def blocking(problems: list[Problem]) -> list[Problem]:
    """The problems that stop the order from being sent."""
    return [p for p in problems if p.blocks]


def _err(field: str, code: str, message: str, **params: str) -> Problem:
    return Problem(field, code, message, Severity.ERROR, params)


def _warn(field: str, code: str, message: str, **params: str) -> Problem:
    return Problem(field, code, message, Severity.WARNING, params)


_MAX_QTY: Final = 10**10  # ORD_QTY is at most 10 characters (overseas-order.md §2, reservation §1.1)
_ALGO_CUTOFF: Final = timedelta(minutes=5)  # §4: times up to 5 minutes before the regular close
_RESV_MAX_DAYS: Final = 30  # domestic-reservation.md §0: end date ≤ 30 calendar days

# PDNO formats per market (overseas-order.md §2 PDNO). JP: TSE codes are 4 characters; since 2024 new
# listings may carry letters in positions 2 and 4 (e.g. 130A), so those are accepted. VN: tickers
# are letters, ETFs add digits (E1VFVN30).
_SYMBOL_RULES: Final[dict[Market, tuple[re.Pattern[str], str]]] = {
    Market.US: (
        re.compile(r"(?=.{1,12}$)[A-Z]+(?:\.[A-Z]+)*"),
        "US tickers are letters (dots allowed), up to 12 characters, e.g. AAPL or BRK.B",
    ),
    Market.HK: (re.compile(r"[0-9]{5}"), "HK codes are 5 digits, e.g. 00700"),
    Market.JP: (re.compile(r"[0-9][0-9A-Z][0-9][0-9A-Z]"), "Tokyo codes are 4 characters, e.g. 7203"),
    Market.SH: (re.compile(r"[0-9]{6}"), "Shanghai codes are 6 digits, e.g. 600519"),
    Market.SZ: (re.compile(r"[0-9]{6}"), "Shenzhen codes are 6 digits, e.g. 000001"),
    Market.VN: (re.compile(r"[A-Z][A-Z0-9]{0,11}"), "Vietnam tickers are letters, e.g. VNM"),
}
_KRX_SYMBOL: Final = re.compile(r"Q?[0-9]{6}")  # 6 digits; ETNs start with Q (domestic-reservation §1.1)


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _hm(value: datetime | time) -> str:
    return value.strftime("%H:%M")


# --- shared field checks ------------------------------------------------------------------------


def _symbol_problems(symbol: str, pattern: re.Pattern[str], hint: str, market: str) -> Iterator[Problem]:
    if not symbol:
        yield _err("symbol", "SYMBOL_REQUIRED", "enter a symbol")
    elif pattern.fullmatch(symbol) is None:
        yield _err(
            "symbol", "SYMBOL_FORMAT", f"{symbol!r} is not a valid code: {hint}", symbol=symbol, market=market
        )


def _quantity_basics(quantity: int | None) -> Iterator[Problem]:
    if quantity is None:
        yield _err("quantity", "QTY_REQUIRED", "enter a quantity")
    elif quantity <= 0:
        yield _err("quantity", "QTY_NOT_POSITIVE", "quantity must be at least 1 share")
    elif quantity >= _MAX_QTY:
        yield _err("quantity", "QTY_TOO_LARGE", "quantity has more than 10 digits")


def _price_basics(price: Decimal | None) -> Iterator[Problem]:
    if price is None:
        yield _err("price", "PRICE_REQUIRED", "enter a price")
    elif not price.is_finite() or price <= 0:
        yield _err("price", "PRICE_NOT_POSITIVE", "price must be above 0")


def _price_ignored(price: Decimal | None, what: str) -> Iterator[Problem]:
    """`what` is "MOO"/"MOC", or "RESV" for the domestic market and pre-market reservation types."""
    if price is not None and price != 0:
        words = "market and pre-market" if what == "RESV" else what
        message = f"{words} orders are sent with price 0; the price is ignored"
        yield _warn("price", "PRICE_IGNORED", message, order_type=what)


def _tick_problems(price: Decimal, tick: Decimal, max_decimals: int, where: str) -> Iterator[Problem]:
    """Decimals first (the cause traders recognise), then the tick (KIS rejects both, e.g. APBK0506)."""
    if _decimals(price) > max_decimals:
        yield _err(
            "price",
            "PRICE_DECIMALS",
            f"{where} prices at this level take at most {max_decimals} decimals",
            venue=where,
            decimals=str(max_decimals),
        )
    elif price % tick != 0:
        below = price - price % tick
        yield _err(
            "price",
            "PRICE_TICK",
            f"{price} is off the {tick} tick of {where}; nearest valid prices are {below} and {below + tick}",
            price=str(price),
            tick=str(tick),
            venue=where,
            below=str(below),
            above=str(below + tick),
        )


# --- overseas -----------------------------------------------------------------------------------


def _overseas_symbol(ticket: OverseasTicket) -> Iterator[Problem]:
    pattern, hint = _SYMBOL_RULES[ticket.exchange.market]
    yield from _symbol_problems(ticket.clean_symbol, pattern, hint, ticket.exchange.market.value)


def _overseas_division(ticket: OverseasTicket) -> Iterator[Problem]:
    choice = order_type(ticket.env, ticket.exchange, ticket.side, ticket.division)
    if not choice.allowed and choice.reason is not None:
        # The capability Reason is the code, so the UI shows the same words as in the type list.
        name = ticket.division.name.replace("_", "-")
        yield _err(
            "division", choice.reason.value, f"{name} not available: {choice.explanation}", order_type=name
        )


def _overseas_quantity(ticket: OverseasTicket, symbol_ok: bool) -> Iterator[Problem]:
    basics = list(_quantity_basics(ticket.quantity))
    yield from basics
    if basics or ticket.quantity is None or not symbol_ok:
        return  # the lot depends on the symbol (HK) — no lot check for a malformed one
    qty, ex = ticket.quantity, ticket.exchange
    lot = venue.board_lot(ex, ticket.side, ticket.clean_symbol)
    if ticket.division is OrderDivision.ODD_LOT:
        # ORD_DVSN 50 exists for the part of a holding below one board lot (§7.2 HK odd lots).
        if qty >= lot:
            yield _err(
                "quantity",
                "QTY_ODD_LOT_TOO_LARGE",
                f"an odd-lot order is for fewer than {lot} shares",
                lot=str(lot),
            )
    elif qty % lot != 0:
        odd_lot = ex.market is Market.HK and ticket.side is Side.SELL
        hint = "; sell the remainder as an odd-lot order" if odd_lot else ""
        yield _err(
            "quantity",
            "QTY_LOT",
            f"{ex.value} trades in lots of {lot} shares{hint}",
            venue=ex.value,
            lot=str(lot),
            odd_lot="yes" if odd_lot else "",
        )


def _overseas_price(ticket: OverseasTicket) -> Iterator[Problem]:
    if ticket.division.is_market_type:  # §2/§3: MOO/MOC carry "0"
        yield from _price_ignored(ticket.price, ticket.division.name)
        return
    basics = list(_price_basics(ticket.price))
    yield from basics
    if basics or ticket.price is None:
        return
    ex, price = ticket.exchange, ticket.price
    yield from _tick_problems(price, venue.tick_size(ex, price), venue.max_decimals(ex, price), ex.value)


Windows = list[tuple[datetime, datetime]]


def _session(exchange: Exchange, now: datetime) -> tuple[date, Windows] | None:
    """The exchange-local trading day whose order windows are running at `now` or come next."""
    local_day = now.astimezone(venue.KST).date()
    for offset in range(-1, 9):
        day = local_day + timedelta(days=offset)
        windows = venue.order_windows_kst(exchange, day)
        if windows and windows[-1][1] > now:
            return day, windows
    return None


def _place(value: time, windows: Windows) -> datetime | None:
    """The earliest KST moment with wall-clock `value` inside one of the session's windows."""
    hits = [
        moment
        for start, end in windows
        for k in (0, 1)
        if start <= (moment := datetime.combine(start.date() + timedelta(days=k), value, venue.KST)) <= end
    ]
    return min(hits, default=None)


def _window_problems(
    ticket: OverseasTicket, start: time, end: time, now: datetime | None
) -> Iterator[Problem]:
    """§4 explicit window (00). Times are KST (see OverseasTicket); without a clock the window cannot
    be placed on a trading day, so only the day-independent check runs."""
    if start == end:
        yield _err("end_time", "ALGO_WINDOW_EMPTY", "the window must end after it starts")
        return
    session = _session(ticket.exchange, now) if now is not None else None
    if now is not None and session is not None:
        yield from _session_window_problems(ticket.exchange, start, end, now, session)


def _session_window_problems(
    exchange: Exchange, start: time, end: time, now: datetime, session: tuple[date, Windows]
) -> Iterator[Problem]:
    """The window on the KST timeline of the coming session: inside its order windows, in order, and
    ending at least 5 minutes before the regular close (§4)."""
    day, windows = session
    spans = ", ".join(f"{_hm(a)}–{_hm(b)}" for a, b in windows)
    begin, finish = _place(start, windows), _place(end, windows)
    for field, moment in (("start_time", begin), ("end_time", finish)):
        if moment is None:
            yield _err(
                field,
                "ALGO_TIME_OUTSIDE_SESSION",
                f"{exchange.value} takes orders {spans} KST",
                venue=exchange.value,
                windows=spans,
            )
    if begin is not None and finish is not None and begin >= finish:
        yield _err("end_time", "ALGO_WINDOW_ORDER", "the window must end after it starts")
    cutoff = venue.regular_close_kst(exchange, day) - _ALGO_CUTOFF
    if finish is not None and finish > cutoff:
        yield _err(
            "end_time",
            "ALGO_END_TOO_LATE",
            f"the window must end by {_hm(cutoff)} KST (5 min before close)",
            cutoff=_hm(cutoff),
        )
    if begin is not None and begin < now:
        yield _warn("start_time", "ALGO_START_PASSED", "the start time has already passed")


def _overseas_algo(ticket: OverseasTicket, now: datetime | None) -> Iterator[Problem]:
    timing, start, end = ticket.algo_timing, ticket.start_time, ticket.end_time
    if not ticket.division.is_algo:  # §4: other ORD_DVSN omit all three fields
        for field, value in (("algo_timing", timing), ("start_time", start), ("end_time", end)):
            if value is not None:
                yield _err(field, "ALGO_NOT_APPLICABLE", "only TWAP/VWAP orders take an algorithm window")
        return
    if timing is None:
        yield _err("algo_timing", "ALGO_TIMING_REQUIRED", "choose an explicit window or 'until the close'")
    elif timing is AlgoTiming.UNTIL_CLOSE:  # 02: runs to the regular close; START/END_TIME unused
        for field, value in (("start_time", start), ("end_time", end)):
            if value is not None:
                yield _err(field, "ALGO_TIME_NOT_USED", "'until the close' takes no start or end time")
    else:
        if start is None:
            yield _err("start_time", "START_TIME_REQUIRED", "enter the window's start time (KST)")
        if end is None:
            yield _err("end_time", "END_TIME_REQUIRED", "enter the window's end time (KST)")
        if start is not None and end is not None:
            yield from _window_problems(ticket, start, end, now)


def _market_hours(ticket: OverseasTicket, now: datetime) -> Iterator[Problem]:
    """§7.1: orders outside the windows are rejected by KIS; warn so a ticket can be prepared early."""
    if venue.is_order_window_open(ticket.exchange, now):
        return
    session = _session(ticket.exchange, now)
    upcoming = [a for a, _ in session[1] if a > now] if session else []
    when = f"; next window opens {upcoming[0]:%a %H:%M} KST" if upcoming else ""
    # The weekday goes out as an ISO number (1 = Monday): "%a" is English, the UI names the day.
    weekday, at = (str(upcoming[0].isoweekday()), _hm(upcoming[0])) if upcoming else ("", "")
    yield _warn(
        "ticket",
        "MARKET_CLOSED",
        f"{ticket.exchange.value} is not accepting orders now{when}",
        venue=ticket.exchange.value,
        weekday=weekday,
        time=at,
    )


def _aware(now: datetime) -> datetime:
    """A naive clock reading is taken as KST (the parameter's name), so comparisons never raise."""
    return now if now.tzinfo is not None else now.replace(tzinfo=venue.KST)


def validate_overseas(ticket: OverseasTicket, now_kst: datetime | None = None) -> list[Problem]:
    """Every problem of an overseas ticket. Give `now_kst` to check the algo window against the
    coming session and to warn when the market is closed; without it those checks are skipped."""
    now_kst = None if now_kst is None else _aware(now_kst)
    symbol = list(_overseas_symbol(ticket))
    problems = [*symbol, *_overseas_division(ticket), *_overseas_quantity(ticket, not symbol)]
    problems += [*_overseas_price(ticket), *_overseas_algo(ticket, now_kst)]
    if now_kst is not None:
        problems += _market_hours(ticket, now_kst)
    return problems


# --- domestic reservation -----------------------------------------------------------------------


def _resv_env(ticket: ReservationTicket) -> Iterator[Problem]:
    capability = reservation_capability(ticket.env)
    if not capability.allowed and capability.reason is not None:
        yield _err("env", capability.reason.value, capability.explanation)


def _resv_price(ticket: ReservationTicket) -> Iterator[Problem]:
    if ticket.division.is_market_type:  # §1.1: "0" for market (01) and pre-market (05)
        yield from _price_ignored(ticket.price, "RESV")
        return
    basics = list(_price_basics(ticket.price))
    yield from basics
    if not basics and ticket.price is not None:
        yield from _tick_problems(ticket.price, venue.krx_tick_size(ticket.price), 0, "KRX")


def _resv_balance(ticket: ReservationTicket) -> Iterator[Problem]:
    if ticket.side is Side.BUY and ticket.balance is not BalanceKind.CASH:  # §1.1: others are sell-only
        yield _err("balance", "BALANCE_BUY_CASH_ONLY", "a buy can only use the cash balance")


def _resv_end_date(ticket: ReservationTicket, now: datetime) -> Iterator[Problem]:
    """§0: later than today, at most 30 calendar days from the day the reservation is first sent."""
    end = ticket.end_date
    if end is None:
        return
    today = now.astimezone(venue.KST).date()
    first = venue.reservation_order_date(now)
    last = first + timedelta(days=_RESV_MAX_DAYS)
    if end <= today:
        yield _err("end_date", "END_DATE_NOT_AFTER_TODAY", "the end date must be after today")
    elif end < first:
        yield _err(
            "end_date",
            "END_DATE_BEFORE_FIRST_DAY",
            f"the reservation is first sent on {first}",
            date=first.isoformat(),
        )
    elif end > last:
        yield _err(
            "end_date",
            "END_DATE_TOO_FAR",
            f"the end date can be at most {last} (30 days)",
            date=last.isoformat(),
        )


def _resv_window(now: datetime) -> Iterator[Problem]:
    if not venue.reservation_window_open(now):
        yield _warn(
            "ticket",
            "RESV_WINDOW_CLOSED",
            "reservations are accepted 15:40–07:30 KST, except 23:40–00:10",
        )


_RESV_CHECKS: Final[tuple[Callable[[ReservationTicket], Iterator[Problem]], ...]] = (
    _resv_env,
    lambda t: _symbol_problems(t.clean_symbol, _KRX_SYMBOL, "KRX codes are 6 digits, e.g. 005930", "KRX"),
    lambda t: _quantity_basics(t.quantity),
    _resv_price,
    _resv_balance,
)


def validate_reservation(ticket: ReservationTicket, now_kst: datetime) -> list[Problem]:
    """Every problem of a domestic reservation ticket at `now_kst`."""
    now_kst = _aware(now_kst)
    problems = [p for check in _RESV_CHECKS for p in check(ticket)]
    return [*problems, *_resv_end_date(ticket, now_kst), *_resv_window(now_kst)]
