"""Price paths: reproducible from the seed, independent of query order, always on the venue's tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from kisdesk.api.enums import Exchange
from kisdesk.api.venue_rules import KST, krx_tick_size, tick_size
from kisdesk.simulator.catalog import DOMESTIC, OVERSEAS, all_instruments
from kisdesk.simulator.prices import PricePaths

T0 = datetime(2026, 11, 24, 0, 30, tzinfo=KST)
AAPL = OVERSEAS[(Exchange.NASD, "AAPL")]


def test_same_seed_same_time_same_price_whatever_the_query_order() -> None:
    later = T0 + timedelta(hours=3)
    first, second = PricePaths(7, 1.0), PricePaths(7, 1.0)
    forward = [first.price(AAPL, T0), first.price(AAPL, later)]
    backward = [second.price(AAPL, later), second.price(AAPL, T0)]
    assert forward == backward[::-1]


def test_different_seeds_give_different_paths() -> None:
    moments = [T0 + timedelta(minutes=m) for m in range(0, 120, 10)]
    a = [PricePaths(1, 1.0).price(AAPL, t) for t in moments]
    b = [PricePaths(2, 1.0).price(AAPL, t) for t in moments]
    assert a != b


def test_price_moves_within_a_day() -> None:
    paths = PricePaths(11, 1.0)
    seen = {paths.price(AAPL, T0 + timedelta(minutes=m)) for m in range(60)}
    assert len(seen) > 5


def test_price_is_constant_within_a_step() -> None:
    paths = PricePaths(3, 10.0)
    step_start = T0.replace(second=0)
    assert paths.price(AAPL, step_start) == paths.price(AAPL, step_start + timedelta(seconds=9.9))


@pytest.mark.parametrize("instrument", all_instruments(), ids=lambda i: i.key)
def test_every_price_is_on_the_venue_tick(instrument) -> None:
    paths = PricePaths(5, 60.0)
    for minutes in range(0, 24 * 60, 37):
        price = paths.price(instrument, T0 + timedelta(minutes=minutes))
        exchange = instrument.exchange
        tick = krx_tick_size(price) if exchange is None else tick_size(exchange, price)
        assert price > 0
        assert price % tick == 0, (instrument.key, price, tick)


def test_previous_close_is_the_first_point_of_the_day() -> None:
    paths = PricePaths(9, 1.0)
    midnight = T0.replace(hour=0, minute=0)
    assert paths.previous_close(AAPL, T0) == paths.price(AAPL, midnight)


def test_base_prices_anchor_the_paths() -> None:
    paths = PricePaths(9, 1.0)
    for inst in (AAPL, DOMESTIC["005930"]):
        ratio = paths.previous_close(inst, T0) / inst.base_price
        assert Decimal("0.9") < ratio < Decimal("1.1")


def test_steps_between_cross_midnight() -> None:
    paths = PricePaths(1, 60.0)
    start = datetime(2026, 11, 24, 23, 58, 30, tzinfo=KST)
    steps = list(paths.steps_between(start, start + timedelta(minutes=4)))
    times = [paths.step_time(d, i).strftime("%d %H:%M") for d, i in steps]
    assert times == ["24 23:59", "25 00:00", "25 00:01", "25 00:02"]


def test_steps_between_excludes_the_current_step() -> None:
    paths = PricePaths(1, 1.0)
    assert list(paths.steps_between(T0, T0)) == []
    assert len(list(paths.steps_between(T0, T0 + timedelta(seconds=5)))) == 5


def test_volume_grows_through_the_day() -> None:
    paths = PricePaths(1, 1.0)
    assert paths.volume(AAPL, T0 + timedelta(hours=1)) > paths.volume(AAPL, T0) > 0


def test_non_positive_step_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        PricePaths(1, 0)
