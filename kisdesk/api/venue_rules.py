"""Venue rules that KIS does not publish: tick sizes, board lots, order windows and the reservation window.

Pure functions over tables, no I/O; the simulator and the domain layer share them. KIS only says to
"check each exchange's unit" (overseas-order.md §7.2) and gives the KST order windows of §7.1; the
tick and lot tables below are general market knowledge, i.e. ASSUMPTIONS to verify against the
real-only price-detail quote (`e_hogau`, `vnit`). Exchange holidays are not modelled: every weekday
is a trading day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from kisdesk.api.enums import Exchange, Market, Side

KST: Final = ZoneInfo("Asia/Seoul")
_D = Decimal

# (upper bound, tick): the first band whose bound is >= the price (<= for "inclusive" venues) applies.
_Bands = tuple[tuple[Decimal, Decimal], ...]
_INF: Final = _D("Infinity")

# HKEX spread table: bands run "over X up to Y", so the upper bound belongs to the band (ASSUMPTION).
_HK_BANDS: Final[_Bands] = (
    (_D("0.25"), _D("0.001")),
    (_D("0.50"), _D("0.005")),
    (_D("10"), _D("0.01")),
    (_D("20"), _D("0.02")),
    (_D("100"), _D("0.05")),
    (_D("200"), _D("0.10")),
    (_D("500"), _D("0.20")),
    (_D("1000"), _D("0.50")),
    (_D("2000"), _D("1")),
    (_D("5000"), _D("2")),
    (_INF, _D("5")),
)
# TSE standard table (not the finer TOPIX100 one): "X yen or less" bands (ASSUMPTION).
_JP_BANDS: Final[_Bands] = (
    (_D("3000"), _D("1")),
    (_D("5000"), _D("5")),
    (_D("30000"), _D("10")),
    (_D("50000"), _D("50")),
    (_D("300000"), _D("100")),
    (_D("500000"), _D("500")),
    (_D("3000000"), _D("1000")),
    (_D("5000000"), _D("5000")),
    (_D("30000000"), _D("10000")),
    (_D("50000000"), _D("50000")),
    (_INF, _D("100000")),
)
# HOSE bands, used for HNX too as overseas-order.md §7.2 lists one table for both (ASSUMPTION).
_VN_BANDS: Final[_Bands] = ((_D("10000"), _D("10")), (_D("50000"), _D("50")), (_INF, _D("100")))
# KRX (domestic reservations), tick table in force since 2023: "below X" bands.
_KRX_BANDS: Final[_Bands] = (
    (_D("2000"), _D("1")),
    (_D("5000"), _D("5")),
    (_D("20000"), _D("10")),
    (_D("50000"), _D("50")),
    (_D("200000"), _D("100")),
    (_D("500000"), _D("500")),
    (_INF, _D("1000")),
)


def _band_tick(bands: _Bands, price: Decimal, *, upper_inclusive: bool) -> Decimal:
    for bound, tick in bands:
        if price < bound or (upper_inclusive and price == bound):
            return tick
    return bands[-1][1]


def tick_size(exchange: Exchange, price: Decimal) -> Decimal:
    """Minimum price step at `price` (US: 0.01 from USD 1, 0.0001 below — Reg NMS sub-penny rule)."""
    market = exchange.market
    if market is Market.US:
        return _D("0.01") if price >= 1 else _D("0.0001")
    if market is Market.HK:
        return _band_tick(_HK_BANDS, price, upper_inclusive=True)
    if market is Market.JP:
        return _band_tick(_JP_BANDS, price, upper_inclusive=True)
    if market is Market.VN:
        return _band_tick(_VN_BANDS, price, upper_inclusive=False)
    return _D("0.01")  # Shanghai / Shenzhen A-shares


def krx_tick_size(price: Decimal) -> Decimal:
    """Minimum price step of a KRX stock (domestic reservation orders)."""
    return _band_tick(_KRX_BANDS, price, upper_inclusive=False)


def max_decimals(exchange: Exchange, price: Decimal) -> int:
    """Decimals a price may carry at `price`: those of its tick."""
    exponent = tick_size(exchange, price).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def is_on_tick(tick: Decimal, price: Decimal) -> bool:
    return price % tick == 0


# HKEX board lots differ per stock (price-detail `vnit` is authoritative); these are the catalogue's.
HK_BOARD_LOTS: Final[dict[str, int]] = {
    "00700": 100,  # Tencent
    "09988": 100,  # Alibaba
    "00005": 400,  # HSBC
    "00941": 500,  # China Mobile
    "01299": 200,  # AIA
}
HK_DEFAULT_LOT: Final = 100


def board_lot(exchange: Exchange, side: Side, symbol: str) -> int:
    """Shares per lot. China A-shares buy in 100s but may sell any remainder (ASSUMPTION per §7.2)."""
    market = exchange.market
    if market is Market.US:
        return 1
    if market is Market.HK:
        return HK_BOARD_LOTS.get(symbol, HK_DEFAULT_LOT)
    if market in (Market.SH, Market.SZ):
        return 100 if side is Side.BUY else 1
    return 100  # JP, VN


# Order-accepting sessions in exchange-local time; True marks the regular session. The Asian rows
# are §7.1's KST windows converted to local time. VN hours are UNCERTAIN (not in the spec): HOSE's
# 09:00–11:30 and 13:00–14:45 are assumed for both Vietnamese venues.
_Session = tuple[time, time, bool]
_SESSIONS: Final[dict[Market, tuple[_Session, ...]]] = {
    # US pre-market 04:00–09:30, regular 09:30–16:00 and after-market from 16:00 New York time; the
    # after-market end is fixed at 07:00 KST in both seasons (§7.1), handled in `_us_windows`.
    Market.US: ((time(4), time(9, 30), False), (time(9, 30), time(16), True)),
    Market.JP: ((time(9), time(11, 30), True), (time(12, 30), time(15), True)),
    Market.HK: ((time(9, 30), time(12), True), (time(13), time(16), True)),
    Market.SH: ((time(9, 30), time(15), True),),
    Market.SZ: ((time(9, 30), time(15), True),),  # not stated: assumed as Shanghai (§7.1)
    Market.VN: ((time(9), time(11, 30), True), (time(13), time(14, 45), True)),
}
_US_AFTER_END_KST: Final = time(7)


def _local_sessions(exchange: Exchange, day: date) -> list[tuple[datetime, datetime, bool]]:
    if day.weekday() >= 5:
        return []
    tz = ZoneInfo(exchange.info.timezone)
    out = [
        (datetime.combine(day, a, tz).astimezone(KST), datetime.combine(day, b, tz).astimezone(KST), reg)
        for a, b, reg in _SESSIONS[exchange.market]
    ]
    if exchange.market is Market.US:
        # America/New_York decides DST, so the KST windows move by an hour on the transition days.
        close = out[-1][1]
        out.append((close, datetime.combine(close.date(), _US_AFTER_END_KST, KST), False))
    return out


def order_windows_kst(exchange: Exchange, day: date) -> list[tuple[datetime, datetime]]:
    """KST windows in which orders for the exchange's trading day `day` (a local date) are accepted."""
    return [(a, b) for a, b, _ in _local_sessions(exchange, day)]


def is_order_window_open(exchange: Exchange, now: datetime) -> bool:
    """Whether an overseas order sent at `now` falls inside one of the venue's windows."""
    kst_day = now.astimezone(KST).date()
    days = (kst_day - timedelta(days=1), kst_day)  # a US session that opened yesterday (KST) runs on
    return any(a <= now < b for d in days for a, b in order_windows_kst(exchange, d))


def regular_session_kst(exchange: Exchange, day: date) -> tuple[datetime, datetime] | None:
    """Open and close (KST) of the regular session of local trading day `day`; None on weekends."""
    regular = [(a, b) for a, b, reg in _local_sessions(exchange, day) if reg]
    return (regular[0][0], regular[-1][1]) if regular else None


def regular_close_kst(exchange: Exchange, day: date) -> datetime:
    """Regular-session close (KST) of local trading day `day`: the TWAP/VWAP cut-off."""
    session = regular_session_kst(exchange, day)
    if session is None:
        raise ValueError(f"{exchange.value} does not trade on {day.isoformat()}")
    return session[1]


def next_regular_session(exchange: Exchange, now: datetime) -> tuple[datetime, datetime]:
    """The regular session that is running at `now`, or else the next one to open."""
    local_day = now.astimezone(ZoneInfo(exchange.info.timezone)).date()
    for offset in range(-1, 8):
        session = regular_session_kst(exchange, local_day + timedelta(days=offset))
        if session is not None and session[1] > now:
            return session
    raise AssertionError("a weekday always follows within a week")


# Domestic reservation intake (domestic-reservation.md §0): 15:40 KST until 07:30 of the next business
# day, except the 23:40–00:10 server-initialisation blackout.
RESV_OPEN: Final = time(15, 40)
RESV_CLOSE: Final = time(7, 30)
RESV_BLACKOUT: Final = (time(23, 40), time(0, 10))


def _is_business_day(day: date) -> bool:
    return day.weekday() < 5  # KRX holidays are not modelled


def reservation_window_open(now_kst: datetime) -> bool:
    """Whether a domestic reservation order is accepted at `now_kst`."""
    now = now_kst.astimezone(KST)
    t = now.time()
    if t >= RESV_BLACKOUT[0] or t < RESV_BLACKOUT[1]:
        return False
    if not _is_business_day(now.date()):
        return True  # the window runs from Friday 15:40 through the weekend to Monday 07:30
    return t >= RESV_OPEN or t < RESV_CLOSE


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not _is_business_day(day):
        day += timedelta(days=1)
    return day


def reservation_order_date(now_kst: datetime) -> date:
    """KRX business day on which a reservation made at `now_kst` is sent (rsvn_ord_ord_dt).

    Before 07:30 on a business day that is the same day; otherwise the next business day.
    """
    now = now_kst.astimezone(KST)
    if _is_business_day(now.date()) and now.time() < RESV_CLOSE:
        return now.date()
    return next_business_day(now.date())
