"""Ticket validation: parametrised problem cases, all problems at once, and property tests of the price
rule against independent oracles (order-safety.md §2 row 9)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kisdesk.api.enums import AlgoTiming, BalanceKind, Env, Exchange, OrderDivision, ResvOrderDivision, Side
from kisdesk.domain.rules import Problem, Severity, blocking, validate_overseas, validate_reservation
from kisdesk.domain.ticket import OverseasTicket, ReservationTicket
from tests.domain.oracle import oracle

KST = ZoneInfo("Asia/Seoul")
US_WINTER = datetime(2026, 1, 6, 20, 0, tzinfo=KST)  # Tue; NASD takes orders 18:00–07:00, close 06:00
US_SUMMER = datetime(2026, 7, 7, 20, 0, tzinfo=KST)  # Tue; DST: close 05:00 KST
ASIA_OPEN = datetime(2026, 1, 6, 11, 0, tzinfo=KST)  # Tue 11:00: HK, JP, SH open
D = Decimal


def ot(**kw: object) -> OverseasTicket:
    base: dict[str, object] = {
        "env": Env.REAL,
        "exchange": Exchange.NASD,
        "symbol": "AAPL",
        "side": Side.BUY,
        "division": OrderDivision.LIMIT,
        "quantity": 10,
        "price": D("145.00"),
    }
    return OverseasTicket(**{**base, **kw})  # type: ignore[arg-type]


def found(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


HK: dict[str, object] = {"exchange": Exchange.SEHK, "symbol": "00700", "price": D("300.20"), "quantity": 100}
JP: dict[str, object] = {"exchange": Exchange.TKSE, "symbol": "7203", "price": D("2850"), "quantity": 100}
VN: dict[str, object] = {"exchange": Exchange.VNSE, "symbol": "VNM", "price": D("10050"), "quantity": 100}
SH: dict[str, object] = {
    "exchange": Exchange.SHAA,
    "symbol": "600519",
    "price": D("1500.01"),
    "quantity": 100,
}
TWAP: dict[str, object] = {"division": OrderDivision.TWAP, "algo_timing": AlgoTiming.WINDOW}

CASES: list[tuple[str, dict[str, object], datetime | None, set[tuple[str, str]]]] = [
    ("us limit ok", {}, None, set()),
    ("lower-case ticker ok", {"symbol": "brk.b"}, None, set()),
    ("blank symbol", {"symbol": "  "}, None, {("symbol", "SYMBOL_REQUIRED")}),
    ("us trailing dot", {"symbol": "BRK."}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("us digits", {"symbol": "A1"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("us too long", {"symbol": "ABCDEFGHIJKLM"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("hk ok", HK, None, set()),
    ("hk 3 digits", {**HK, "symbol": "700"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("hk non-ascii digits", {**HK, "symbol": "٠٠٧٠٠"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("jp ok", JP, None, set()),
    ("jp new alnum code", {**JP, "symbol": "130A"}, None, set()),
    ("jp 5 digits", {**JP, "symbol": "72030"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("sh ok", SH, None, set()),
    ("sh 5 digits", {**SH, "symbol": "60051"}, None, {("symbol", "SYMBOL_FORMAT")}),
    ("sz ok", {**SH, "exchange": Exchange.SZAA, "symbol": "000001"}, None, set()),
    ("vn ok", VN, None, set()),
    ("vn etf ok", {**VN, "symbol": "E1VFVN30"}, None, set()),
    ("vn digits", {**VN, "symbol": "123"}, None, {("symbol", "SYMBOL_FORMAT")}),
    # division, with the capability reason as code
    (
        "paper LOO",
        {"env": Env.PAPER, "division": OrderDivision.LOO},
        None,
        {("division", "PAPER_LIMIT_ONLY")},
    ),
    ("us buy MOO", {"division": OrderDivision.MOO, "price": None}, None, {("division", "US_SELL_ONLY")}),
    ("jp LOC", {**JP, "division": OrderDivision.LOC}, None, {("division", "US_ONLY")}),
    (
        "hk buy odd lot",
        {**HK, "division": OrderDivision.ODD_LOT, "quantity": 5},
        None,
        {("division", "HK_SELL_ONLY")},
    ),
    # quantity and lots
    ("qty missing", {"quantity": None}, None, {("quantity", "QTY_REQUIRED")}),
    ("qty zero", {"quantity": 0}, None, {("quantity", "QTY_NOT_POSITIVE")}),
    ("qty negative", {"quantity": -5}, None, {("quantity", "QTY_NOT_POSITIVE")}),
    ("qty 11 digits", {"quantity": 10**10}, None, {("quantity", "QTY_TOO_LARGE")}),
    ("us any qty", {"quantity": 7}, None, set()),
    ("jp lot", {**JP, "quantity": 150}, None, {("quantity", "QTY_LOT")}),
    ("sh buy lot", {**SH, "quantity": 150}, None, {("quantity", "QTY_LOT")}),
    ("sh sell remainder ok", {**SH, "quantity": 150, "side": Side.SELL}, None, set()),
    ("vn lot", {**VN, "quantity": 50}, None, {("quantity", "QTY_LOT")}),
    ("hk sell lot", {**HK, "side": Side.SELL, "quantity": 150}, None, {("quantity", "QTY_LOT")}),
    (
        "hk odd lot ok",
        {**HK, "side": Side.SELL, "division": OrderDivision.ODD_LOT, "quantity": 37},
        None,
        set(),
    ),
    (
        "hk odd lot is a full lot",
        {**HK, "side": Side.SELL, "division": OrderDivision.ODD_LOT, "quantity": 100},
        None,
        {("quantity", "QTY_ODD_LOT_TOO_LARGE")},
    ),
    (
        "hk odd lot of a 400-share lot",
        {
            **HK,
            "symbol": "00005",
            "price": D("60.05"),
            "side": Side.SELL,
            "division": OrderDivision.ODD_LOT,
            "quantity": 399,
        },
        None,
        set(),
    ),
    (
        "no lot check on bad symbol",
        {**JP, "symbol": "x", "quantity": 150},
        None,
        {("symbol", "SYMBOL_FORMAT")},
    ),
    # price
    ("price missing", {"price": None}, None, {("price", "PRICE_REQUIRED")}),
    ("price zero", {"price": D(0)}, None, {("price", "PRICE_NOT_POSITIVE")}),
    ("price negative", {"price": D("-1")}, None, {("price", "PRICE_NOT_POSITIVE")}),
    ("price NaN", {"price": D("NaN")}, None, {("price", "PRICE_NOT_POSITIVE")}),
    ("us sub-dollar 4 decimals", {"price": D("0.5001")}, None, set()),
    ("us sub-dollar 5 decimals", {"price": D("0.50001")}, None, {("price", "PRICE_DECIMALS")}),
    ("us 3 decimals above $1", {"price": D("1.005")}, None, {("price", "PRICE_DECIMALS")}),
    ("trailing zeros are fine", {"price": D("145.1000")}, None, set()),
    ("hk off tick", {**HK, "price": D("300.1")}, None, {("price", "PRICE_TICK")}),
    ("hk too many decimals", {**HK, "price": D("9.995")}, None, {("price", "PRICE_DECIMALS")}),
    ("jp fractional yen", {**JP, "price": D("2850.5")}, None, {("price", "PRICE_DECIMALS")}),
    ("jp 5-yen band ok", {**JP, "price": D("3005")}, None, set()),
    ("jp 5-yen band off tick", {**JP, "price": D("3001")}, None, {("price", "PRICE_TICK")}),
    ("vn off tick", {**VN, "price": D("10010")}, None, {("price", "PRICE_TICK")}),
    ("sh 3 decimals", {**SH, "price": D("1500.001")}, None, {("price", "PRICE_DECIMALS")}),
    (
        "MOO sell without price",
        {"side": Side.SELL, "division": OrderDivision.MOO, "price": None},
        None,
        set(),
    ),
    # algo fields (§4)
    ("twap ok", {**TWAP, "start_time": time(23, 40), "end_time": time(1)}, US_WINTER, set()),
    (
        "twap up to the cutoff",
        {**TWAP, "start_time": time(23, 40), "end_time": time(5, 55)},
        US_WINTER,
        set(),
    ),
    (
        "twap ends after cutoff",
        {**TWAP, "start_time": time(23, 40), "end_time": time(5, 56)},
        US_WINTER,
        {("end_time", "ALGO_END_TOO_LATE")},
    ),
    (
        "summer cutoff is an hour earlier",
        {**TWAP, "start_time": time(23), "end_time": time(5)},
        US_SUMMER,
        {("end_time", "ALGO_END_TOO_LATE")},
    ),
    ("summer window ok", {**TWAP, "start_time": time(23), "end_time": time(4, 55)}, US_SUMMER, set()),
    (
        "window reversed across midnight",
        {**TWAP, "start_time": time(1), "end_time": time(23, 40)},
        US_WINTER,
        {("end_time", "ALGO_WINDOW_ORDER")},
    ),
    (
        "window in the Korean afternoon",
        {**TWAP, "start_time": time(8), "end_time": time(9)},
        US_WINTER,
        {("start_time", "ALGO_TIME_OUTSIDE_SESSION"), ("end_time", "ALGO_TIME_OUTSIDE_SESSION")},
    ),
    (
        "empty window",
        {**TWAP, "start_time": time(23), "end_time": time(23)},
        None,
        {("end_time", "ALGO_WINDOW_EMPTY")},
    ),
    (
        "no clock: session checks skipped",
        {**TWAP, "start_time": time(1), "end_time": time(23, 40)},
        None,
        set(),
    ),
    (
        "vwap until close",
        {"division": OrderDivision.VWAP, "algo_timing": AlgoTiming.UNTIL_CLOSE},
        US_WINTER,
        set(),
    ),
    (
        "twap without timing",
        {"division": OrderDivision.TWAP},
        None,
        {("algo_timing", "ALGO_TIMING_REQUIRED")},
    ),
    (
        "window without times",
        TWAP,
        None,
        {("start_time", "START_TIME_REQUIRED"), ("end_time", "END_TIME_REQUIRED")},
    ),
    (
        "until close with times",
        {"division": OrderDivision.VWAP, "algo_timing": AlgoTiming.UNTIL_CLOSE, "end_time": time(1)},
        None,
        {("end_time", "ALGO_TIME_NOT_USED")},
    ),
    (
        "limit with algo fields",
        {"algo_timing": AlgoTiming.WINDOW, "start_time": time(23, 40)},
        None,
        {("algo_timing", "ALGO_NOT_APPLICABLE"), ("start_time", "ALGO_NOT_APPLICABLE")},
    ),
    ("hk open", HK, ASIA_OPEN, set()),
]


@pytest.mark.parametrize(("kw", "now", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_blocking_problems(kw, now, expected):
    assert found(blocking(validate_overseas(ot(**kw), now))) == expected


WARNINGS: list[tuple[str, dict[str, object], datetime | None, set[tuple[str, str]]]] = [
    (
        "MOO leftover price",
        {"side": Side.SELL, "division": OrderDivision.MOO, "price": D(10)},
        None,
        {("price", "PRICE_IGNORED")},
    ),
    ("hk lunch break", HK, datetime(2026, 1, 6, 13, 30, tzinfo=KST), {("ticket", "MARKET_CLOSED")}),
    ("saturday", JP, datetime(2026, 1, 10, 11, tzinfo=KST), {("ticket", "MARKET_CLOSED")}),
    ("us in the korean morning", {}, datetime(2026, 1, 6, 9, tzinfo=KST), {("ticket", "MARKET_CLOSED")}),
    ("us pre-market open", {}, US_WINTER, set()),
    (
        "algo start passed",
        {**TWAP, "start_time": time(19), "end_time": time(23, 50)},
        US_WINTER,
        {("start_time", "ALGO_START_PASSED")},
    ),
]


@pytest.mark.parametrize(("kw", "now", "expected"), [c[1:] for c in WARNINGS], ids=[c[0] for c in WARNINGS])
def test_warnings_never_block(kw, now, expected):
    problems = validate_overseas(ot(**kw), now)
    assert blocking(problems) == []
    assert found(problems) == expected
    assert all(p.severity is Severity.WARNING for p in problems)


def test_market_closed_names_the_next_window():
    (problem,) = validate_overseas(ot(**HK), datetime(2026, 1, 6, 13, 30, tzinfo=KST))
    assert "14:00" in problem.message


def test_off_tick_message_offers_neighbours():
    (problem,) = validate_overseas(ot(**{**HK, "price": D("300.1")}))
    assert "300.00" in problem.message
    assert "300.20" in problem.message


def test_returns_every_problem_at_once():
    t = ot(
        env=Env.PAPER,
        exchange=Exchange.TKSE,
        symbol="72",
        division=OrderDivision.LOO,
        quantity=0,
        price=None,
        start_time=time(10),
    )
    assert found(validate_overseas(t, datetime(2026, 1, 10, 11, tzinfo=KST))) == {
        ("symbol", "SYMBOL_FORMAT"),
        ("division", "US_ONLY"),
        ("quantity", "QTY_NOT_POSITIVE"),
        ("price", "PRICE_REQUIRED"),
        ("start_time", "ALGO_NOT_APPLICABLE"),
        ("ticket", "MARKET_CLOSED"),
    }


def test_every_problem_has_words():
    t = ot(symbol="", quantity=None, price=D("-1"), division=OrderDivision.TWAP)
    problems = validate_overseas(t, US_WINTER)
    assert len(problems) >= 4
    assert all(p.message and p.code.isupper() for p in problems)


def test_problem_blocks_only_on_error():
    assert Problem("price", "X", "m").blocks
    assert not Problem("price", "X", "m", Severity.WARNING).blocks


# --- property tests: price rule vs independent oracles ---------------------------------------------


def us_oracle(price: Decimal) -> bool:
    """Reg NMS sub-penny rule, written independently: cents from $1, hundredths of a cent below."""
    unit = Decimal("0.01") if price >= 1 else Decimal("0.0001")
    return (price / unit) == (price / unit).to_integral_value()


# HKEX spread table in thousandths of a dollar: (from exclusive, to inclusive, tick).
HK_SPREADS = [
    (0, 250, 1),
    (250, 500, 5),
    (500, 10_000, 10),
    (10_000, 20_000, 20),
    (20_000, 100_000, 50),
    (100_000, 200_000, 100),
    (200_000, 500_000, 200),
    (500_000, 1_000_000, 500),
    (1_000_000, 2_000_000, 1_000),
    (2_000_000, 5_000_000, 2_000),
    (5_000_000, 9_995_000, 5_000),
]


def hk_oracle(price: Decimal) -> bool:
    milli = price * 1000
    if milli != milli.to_integral_value():
        return False
    m = int(milli)
    return any(low < m <= high and m % tick == 0 for low, high, tick in HK_SPREADS)


prices = st.builds(
    lambda digits, scale: Decimal(digits).scaleb(-scale),
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=6),
)
PRICE_CODES = {"PRICE_DECIMALS", "PRICE_TICK"}


@oracle(1500)
@given(price=prices)
def test_us_price_rule_matches_oracle(price):
    problems = validate_overseas(ot(price=price))
    assert (not {p.code for p in problems} & PRICE_CODES) is us_oracle(price)


@oracle(1500)
@given(price=prices.filter(lambda p: p <= Decimal("9995")))
def test_hk_price_rule_matches_oracle(price):
    problems = validate_overseas(ot(**{**HK, "price": price}))
    assert (not {p.code for p in problems} & PRICE_CODES) is hk_oracle(price)


@oracle(1000)
@given(quantity=st.integers(min_value=1, max_value=10**6))
def test_jp_lot_rule_matches_oracle(quantity):
    problems = validate_overseas(ot(**{**JP, "quantity": quantity}))
    assert (("quantity", "QTY_LOT") in found(problems)) is (quantity % 100 != 0)


# --- reservations ----------------------------------------------------------------------------------

RESV_NOW = datetime(2026, 1, 6, 16, 0, tzinfo=KST)  # Tue 16:00: window open, first sent Wed 01-07


def rt(**kw: object) -> ReservationTicket:
    base: dict[str, object] = {
        "env": Env.REAL,
        "symbol": "005930",
        "side": Side.BUY,
        "division": ResvOrderDivision.LIMIT,
        "quantity": 1,
        "price": D("55000"),
    }
    return ReservationTicket(**{**base, **kw})  # type: ignore[arg-type]


RESV_CASES: list[tuple[str, dict[str, object], datetime, set[tuple[str, str]]]] = [
    ("ok", {}, RESV_NOW, set()),
    ("etn ok", {"symbol": "Q500001"}, RESV_NOW, set()),
    ("paper", {"env": Env.PAPER}, RESV_NOW, {("env", "PAPER_NO_RESERVATION")}),
    ("short code", {"symbol": "5930"}, RESV_NOW, {("symbol", "SYMBOL_FORMAT")}),
    ("no symbol", {"symbol": ""}, RESV_NOW, {("symbol", "SYMBOL_REQUIRED")}),
    ("no qty", {"quantity": None}, RESV_NOW, {("quantity", "QTY_REQUIRED")}),
    ("no price", {"price": None}, RESV_NOW, {("price", "PRICE_REQUIRED")}),
    ("krx off tick", {"price": D("55050")}, RESV_NOW, {("price", "PRICE_TICK")}),
    ("krx fraction", {"price": D("1999.5")}, RESV_NOW, {("price", "PRICE_DECIMALS")}),
    ("market no price", {"division": ResvOrderDivision.MARKET, "price": None}, RESV_NOW, set()),
    (
        "buy on loan balance",
        {"balance": BalanceKind.STOCK_LOAN},
        RESV_NOW,
        {("balance", "BALANCE_BUY_CASH_ONLY")},
    ),
    ("sell on loan balance", {"side": Side.SELL, "balance": BalanceKind.STOCK_LOAN}, RESV_NOW, set()),
    ("end today", {"end_date": date(2026, 1, 6)}, RESV_NOW, {("end_date", "END_DATE_NOT_AFTER_TODAY")}),
    ("end first day", {"end_date": date(2026, 1, 7)}, RESV_NOW, set()),
    ("end day 30", {"end_date": date(2026, 2, 6)}, RESV_NOW, set()),
    ("end day 31", {"end_date": date(2026, 2, 7)}, RESV_NOW, {("end_date", "END_DATE_TOO_FAR")}),
    (
        "end before first send",
        {"end_date": date(2026, 1, 10)},
        datetime(2026, 1, 9, 16, tzinfo=KST),
        {("end_date", "END_DATE_BEFORE_FIRST_DAY")},
    ),
    ("early morning ok", {"end_date": date(2026, 2, 5)}, datetime(2026, 1, 6, 7, tzinfo=KST), set()),
]


@pytest.mark.parametrize(
    ("kw", "now", "expected"), [c[1:] for c in RESV_CASES], ids=[c[0] for c in RESV_CASES]
)
def test_reservation_problems(kw, now, expected):
    assert found(validate_reservation(rt(**kw), now)) == expected


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (datetime(2026, 1, 6, 12, 0, tzinfo=KST), False),
        (datetime(2026, 1, 6, 15, 40, tzinfo=KST), True),
        (datetime(2026, 1, 6, 23, 45, tzinfo=KST), False),  # blackout 23:40–00:10
        (datetime(2026, 1, 7, 0, 5, tzinfo=KST), False),
        (datetime(2026, 1, 7, 0, 10, tzinfo=KST), True),
        (datetime(2026, 1, 7, 7, 29, tzinfo=KST), True),
        (datetime(2026, 1, 7, 7, 30, tzinfo=KST), False),
    ],
)
def test_reservation_window_is_a_warning(now, open_):
    problems = validate_reservation(rt(), now)
    assert blocking(problems) == []
    assert (("ticket", "RESV_WINDOW_CLOSED") not in found(problems)) is open_


def test_reservation_market_price_is_ignored_with_a_warning():
    problems = validate_reservation(rt(division=ResvOrderDivision.PRE_MARKET), RESV_NOW)
    assert [(p.code, p.severity) for p in problems] == [("PRICE_IGNORED", Severity.WARNING)]


def test_reservation_returns_every_problem_at_once():
    t = rt(
        env=Env.PAPER,
        symbol="abc",
        quantity=0,
        price=D("55050"),
        balance=BalanceKind.STOCK_LOAN,
        end_date=date(2026, 1, 1),
    )
    assert found(validate_reservation(t, datetime(2026, 1, 6, 12, tzinfo=KST))) == {
        ("env", "PAPER_NO_RESERVATION"),
        ("symbol", "SYMBOL_FORMAT"),
        ("quantity", "QTY_NOT_POSITIVE"),
        ("price", "PRICE_TICK"),
        ("balance", "BALANCE_BUY_CASH_ONLY"),
        ("end_date", "END_DATE_NOT_AFTER_TODAY"),
        ("ticket", "RESV_WINDOW_CLOSED"),
    }


def test_naive_clock_is_read_as_kst():
    naive = US_WINTER.replace(tzinfo=None)
    t = ot(**{**TWAP, "start_time": time(23, 40), "end_time": time(5, 56)})
    assert validate_overseas(t, naive) == validate_overseas(t, US_WINTER)
    assert validate_reservation(rt(), RESV_NOW.replace(tzinfo=None)) == []
