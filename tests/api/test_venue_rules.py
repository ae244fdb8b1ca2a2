"""Venue rules: tick and lot tables, KST order windows (with US DST) and the reservation window."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kisdesk.api.enums import Exchange, Side
from kisdesk.api.venue_rules import (
    KST,
    board_lot,
    is_on_tick,
    is_order_window_open,
    krx_tick_size,
    max_decimals,
    next_regular_session,
    order_windows_kst,
    regular_close_kst,
    reservation_order_date,
    reservation_window_open,
    tick_size,
)

D = Decimal
E = Exchange


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=KST)


@pytest.mark.parametrize(
    ("exchange", "price", "tick"),
    [
        (E.NASD, "1.00", "0.01"),
        (E.NYSE, "0.9999", "0.0001"),
        (E.AMEX, "250", "0.01"),
        (E.SEHK, "0.25", "0.001"),  # HKEX bands include their upper bound
        (E.SEHK, "0.255", "0.005"),
        (E.SEHK, "10", "0.01"),
        (E.SEHK, "10.02", "0.02"),
        (E.SEHK, "412.40", "0.20"),
        (E.SEHK, "9000", "5"),
        (E.TKSE, "3000", "1"),
        (E.TKSE, "3005", "5"),
        (E.TKSE, "8950", "10"),
        (E.TKSE, "60000000", "100000"),
        (E.SHAA, "1525.00", "0.01"),
        (E.SZAA, "3.45", "0.01"),
        (E.VNSE, "9990", "10"),
        (E.VNSE, "10000", "50"),  # HOSE bands start at their lower bound
        (E.HASE, "49950", "50"),
        (E.VNSE, "50000", "100"),
    ],
)
def test_tick_size_tables(exchange: Exchange, price: str, tick: str) -> None:
    assert tick_size(exchange, D(price)) == D(tick)


@pytest.mark.parametrize(
    ("price", "tick"), [("1999", "1"), ("2000", "5"), ("56000", "100"), ("392000", "500"), ("500000", "1000")]
)
def test_krx_tick_size(price: str, tick: str) -> None:
    assert krx_tick_size(D(price)) == D(tick)


def test_max_decimals_follow_the_tick() -> None:
    assert max_decimals(E.NASD, D("228.5")) == 2
    assert max_decimals(E.NASD, D("0.85")) == 4
    assert max_decimals(E.SEHK, D("0.2")) == 3
    assert max_decimals(E.TKSE, D("2710")) == 0
    assert max_decimals(E.VNSE, D("64800")) == 0


def test_is_on_tick() -> None:
    assert is_on_tick(D("0.01"), D("200.05"))
    assert not is_on_tick(D("0.01"), D("200.005"))
    assert is_on_tick(D("100"), D("64800"))
    assert not is_on_tick(D("100"), D("64850"))


def test_board_lots() -> None:
    assert board_lot(E.NASD, Side.BUY, "AAPL") == 1
    assert board_lot(E.TKSE, Side.SELL, "7203") == 100
    assert board_lot(E.SHAA, Side.BUY, "600519") == 100
    assert board_lot(E.SZAA, Side.SELL, "000858") == 1  # odd remainders may be sold
    assert board_lot(E.VNSE, Side.BUY, "VNM") == 100
    assert board_lot(E.SEHK, Side.BUY, "00005") == 400
    assert board_lot(E.SEHK, Side.SELL, "00700") == 100
    assert board_lot(E.SEHK, Side.BUY, "01234") == 100  # not in the table: the default


def _hm(windows: list[tuple[datetime, datetime]]) -> list[tuple[str, str]]:
    return [(a.strftime("%d %H:%M"), b.strftime("%d %H:%M")) for a, b in windows]


def test_us_windows_in_standard_time() -> None:
    assert _hm(order_windows_kst(E.NASD, date(2026, 11, 23))) == [
        ("23 18:00", "23 23:30"),
        ("23 23:30", "24 06:00"),
        ("24 06:00", "24 07:00"),
    ]


def test_us_windows_in_daylight_saving_time() -> None:
    assert _hm(order_windows_kst(E.NYSE, date(2026, 7, 15))) == [
        ("15 17:00", "15 22:30"),
        ("15 22:30", "16 05:00"),
        ("16 05:00", "16 07:00"),
    ]


def test_us_windows_move_with_new_york_dst_start() -> None:
    # DST starts on Sunday 2026-03-08 in New York: Friday before is standard, Monday after is summer.
    assert _hm(order_windows_kst(E.AMEX, date(2026, 3, 6)))[1] == ("06 23:30", "07 06:00")
    assert _hm(order_windows_kst(E.AMEX, date(2026, 3, 9)))[1] == ("09 22:30", "10 05:00")


def test_no_windows_on_weekends() -> None:
    assert order_windows_kst(E.NASD, date(2026, 11, 28)) == []
    assert order_windows_kst(E.TKSE, date(2026, 11, 29)) == []


@pytest.mark.parametrize(
    ("exchange", "moment", "is_open"),
    [
        (E.NASD, kst(2026, 11, 24, 0, 30), True),  # Monday's regular session, after KST midnight
        (E.NASD, kst(2026, 11, 24, 6, 30), True),  # after-market
        (E.NASD, kst(2026, 11, 24, 7, 0), False),
        (E.NASD, kst(2026, 11, 24, 12, 0), False),
        (E.NASD, kst(2026, 11, 24, 18, 0), True),  # pre-market
        (E.NASD, kst(2026, 11, 28, 1, 0), True),  # Saturday KST = Friday's New York session
        (E.NASD, kst(2026, 11, 29, 1, 0), False),  # Sunday KST = Saturday in New York
        (E.TKSE, kst(2026, 11, 24, 9, 0), True),
        (E.TKSE, kst(2026, 11, 24, 11, 45), False),  # lunch
        (E.TKSE, kst(2026, 11, 24, 15, 0), False),
        (E.SEHK, kst(2026, 11, 24, 10, 29), False),
        (E.SEHK, kst(2026, 11, 24, 13, 30), False),
        (E.SEHK, kst(2026, 11, 24, 16, 59), True),
        (E.SHAA, kst(2026, 11, 24, 15, 59), True),
        (E.SZAA, kst(2026, 11, 24, 16, 0), False),
        (E.VNSE, kst(2026, 11, 24, 11, 0), True),
        (E.HASE, kst(2026, 11, 24, 14, 0), False),
        (E.HASE, kst(2026, 11, 24, 16, 44), True),
    ],
)
def test_order_window_open(exchange: Exchange, moment: datetime, is_open: bool) -> None:
    assert is_order_window_open(exchange, moment) is is_open


def test_regular_close_in_kst() -> None:
    assert regular_close_kst(E.NASD, date(2026, 11, 23)) == kst(2026, 11, 24, 6)
    assert regular_close_kst(E.NASD, date(2026, 7, 15)) == kst(2026, 7, 16, 5)
    assert regular_close_kst(E.TKSE, date(2026, 11, 24)) == kst(2026, 11, 24, 15)
    assert regular_close_kst(E.SEHK, date(2026, 11, 24)) == kst(2026, 11, 24, 17)
    assert regular_close_kst(E.SHAA, date(2026, 11, 24)) == kst(2026, 11, 24, 16)
    assert regular_close_kst(E.VNSE, date(2026, 11, 24)) == kst(2026, 11, 24, 16, 45)
    with pytest.raises(ValueError, match="does not trade"):
        regular_close_kst(E.NASD, date(2026, 11, 28))


def test_next_regular_session() -> None:
    assert next_regular_session(E.NASD, kst(2026, 11, 24, 0, 30)) == (
        kst(2026, 11, 23, 23, 30),
        kst(2026, 11, 24, 6),
    )
    assert next_regular_session(E.NASD, kst(2026, 11, 24, 12)) == (
        kst(2026, 11, 24, 23, 30),
        kst(2026, 11, 25, 6),
    )
    # Friday after the close: the next session is Monday's
    assert next_regular_session(E.TKSE, kst(2026, 11, 27, 16))[0] == kst(2026, 11, 30, 9)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (kst(2026, 11, 24, 15, 39), False),
        (kst(2026, 11, 24, 15, 40), True),
        (kst(2026, 11, 24, 23, 39), True),
        (kst(2026, 11, 24, 23, 40), False),  # server initialisation blackout
        (kst(2026, 11, 25, 0, 9), False),
        (kst(2026, 11, 25, 0, 10), True),
        (kst(2026, 11, 25, 7, 29), True),
        (kst(2026, 11, 25, 7, 30), False),
        (kst(2026, 11, 25, 12, 0), False),
        (kst(2026, 11, 28, 12, 0), True),  # Saturday: Friday 15:40 runs through to Monday 07:30
        (kst(2026, 11, 28, 23, 50), False),
    ],
)
def test_reservation_window(moment: datetime, is_open: bool) -> None:
    assert reservation_window_open(moment) is is_open


def test_reservation_order_date_is_the_next_business_day() -> None:
    assert reservation_order_date(kst(2026, 11, 24, 3)) == date(2026, 11, 24)  # before 07:30: today
    assert reservation_order_date(kst(2026, 11, 24, 16)) == date(2026, 11, 25)
    assert reservation_order_date(kst(2026, 11, 27, 16)) == date(2026, 11, 30)  # Friday → Monday
    assert reservation_order_date(kst(2026, 11, 28, 5)) == date(2026, 11, 30)  # Saturday morning
