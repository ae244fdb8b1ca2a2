"""Pre-trade precautions: parametrised tiers, every hit at once, duplicates, FX conversion, settings
bounds, and property tests of each rule against an independent oracle (order-safety.md §2 rows 8/9, G7).

The oracles use `fractions.Fraction` (exact rationals, no Decimal contexts) and their own tick tables,
so they share no arithmetic with `kisdesk.domain.precautions`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kisdesk.api.enums import Env, Exchange, Market, OrderDivision, Side
from kisdesk.domain.precautions import (
    DEFAULT_NOTIONAL,
    DEFAULT_QUANTITY,
    Limits,
    PrecautionHit,
    PrecautionSettings,
    PrecautionSettingsError,
    RecentOrder,
    Rule,
    Tier,
    check_precautions,
    strictest,
)
from kisdesk.domain.ticket import OverseasTicket
from tests.domain.oracle import oracle

KST = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 3, 23, 30, tzinfo=KST)
D = Decimal
USD = D("1380")
LAST = D("228.50")
BASE = OverseasTicket(Env.REAL, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.LIMIT, 10, D("228.50"))
DEFAULTS = PrecautionSettings()
PROPERTY = oracle(1000)


def check(
    ticket: OverseasTicket = BASE,
    *,
    last: Decimal | None = LAST,
    rate: Decimal | None = USD,
    recent: tuple[RecentOrder, ...] = (),
    now: datetime = NOW,
    prefs: PrecautionSettings = DEFAULTS,
) -> list[PrecautionHit]:
    return check_precautions(ticket, last=last, krw_rate=rate, recent=recent, now=now, settings=prefs)


def tiers(hits: list[PrecautionHit]) -> dict[Rule, Tier]:
    return {h.rule: h.tier for h in hits}


def lim(warn: str | None, confirm: str | None, block: str) -> Limits:
    return Limits(None if warn is None else D(warn), None if confirm is None else D(confirm), D(block))


# --- parametrised tiers --------------------------------------------------------------------------


def test_an_ordinary_order_trips_nothing() -> None:
    assert check() == []


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(999, None), (1_000, Tier.WARN), (4_999, Tier.WARN), (5_000, Tier.CONFIRM), (50_000, Tier.BLOCK)],
)
def test_us_quantity_tiers(quantity: int, expected: Tier | None) -> None:
    ticket = dataclasses.replace(BASE, quantity=quantity, price=D("1.00"))
    assert tiers(check(ticket, last=D("1.00"))).get(Rule.QUANTITY) is expected


@pytest.mark.parametrize(
    ("price", "side", "expected"),
    [
        ("239.92", Side.BUY, None),  # +4.99 %
        ("239.93", Side.BUY, Tier.WARN),  # +5.0002 %
        ("251.35", Side.BUY, Tier.CONFIRM),  # +10 % exactly: thresholds are inclusive
        ("274.20", Side.BUY, Tier.BLOCK),  # +20 %
        ("182.80", Side.SELL, Tier.BLOCK),  # sell 20 % below: through the market
        ("182.80", Side.BUY, Tier.WARN),  # buy 20 % below: passive, at most a warning
        ("274.20", Side.SELL, Tier.WARN),  # sell 20 % above: passive
    ],
)
def test_percent_tiers_and_passive_prices(price: str, side: Side, expected: Tier | None) -> None:
    ticket = dataclasses.replace(BASE, side=side, price=D(price))
    assert tiers(check(ticket)).get(Rule.PRICE_PERCENT) is expected


@pytest.mark.parametrize(
    ("price", "expected"),
    [("2619", None), ("2650", Tier.WARN), ("2800", Tier.CONFIRM), ("3600", Tier.BLOCK)],
)
def test_tokyo_tick_tiers(price: str, expected: Tier | None) -> None:
    # Tick 1 yen below 3,000; defaults for JP: 50 / 200 / 1,000 ticks. Percent off to isolate ticks.
    prefs = dataclasses.replace(DEFAULTS, percent=lim(None, None, "50"))
    ticket = OverseasTicket(Env.REAL, Exchange.TKSE, "7203", Side.BUY, OrderDivision.LIMIT, 100, D(price))
    assert tiers(check(ticket, last=D("2600"), rate=D("9.2"), prefs=prefs)).get(Rule.PRICE_TICKS) is expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(63, None), (64, Tier.WARN), (158, Tier.WARN), (159, Tier.CONFIRM), (635, Tier.BLOCK)],
)
def test_notional_tiers_in_krw(quantity: int, expected: Tier | None) -> None:
    # 228.50 USD × 1,380 = ₩315,330 a share: ₩20m from 64 shares, ₩50m from 159, ₩200m from 635.
    ticket = dataclasses.replace(BASE, quantity=quantity)
    assert tiers(check(ticket)).get(Rule.NOTIONAL) is expected


def test_fx_conversion_uses_krw_per_unit_of_the_venue_currency() -> None:
    ticket = OverseasTicket(Env.REAL, Exchange.TKSE, "7203", Side.BUY, OrderDivision.LIMIT, 100, D("2600"))
    exact = D(100) * D(2600) * D("9.2150")  # ₩2,395,900
    prefs = dataclasses.replace(DEFAULTS, notional_krw=Limits(exact, None, D(200_000_000)))
    (hit,) = [
        h for h in check(ticket, last=D("2600"), rate=D("9.2150"), prefs=prefs) if h.rule is Rule.NOTIONAL
    ]
    assert (hit.tier, hit.params["krw"], hit.params["currency"]) == (Tier.WARN, "2,395,900", "JPY")
    above = dataclasses.replace(DEFAULTS, notional_krw=Limits(exact + 1, None, D(200_000_000)))
    assert Rule.NOTIONAL not in tiers(check(ticket, last=D("2600"), rate=D("9.2150"), prefs=above))


@pytest.mark.parametrize("rate", [None, D(0), D(-1)])
def test_missing_fx_rate_is_a_warning_not_a_pass(rate: Decimal | None) -> None:
    ticket = dataclasses.replace(BASE, quantity=10_000)
    found = tiers(check(ticket, rate=rate))
    assert found[Rule.NO_FX_RATE] is Tier.WARN
    assert Rule.NOTIONAL not in found
    assert found[Rule.QUANTITY] is Tier.CONFIRM  # other rules still run


def test_missing_quote_warns_and_skips_only_the_market_checks() -> None:
    ticket = dataclasses.replace(BASE, quantity=200)  # limit price known: notional still checked
    found = tiers(check(ticket, last=None))
    assert found == {Rule.NOTIONAL: Tier.CONFIRM, Rule.NO_QUOTE: Tier.WARN}


def test_market_on_close_uses_the_last_price_for_the_notional() -> None:
    moc = dataclasses.replace(BASE, side=Side.SELL, division=OrderDivision.MOC, price=None, quantity=300)
    assert tiers(check(moc)) == {Rule.NOTIONAL: Tier.CONFIRM}  # ≈ ₩94.6m, no price rules for MOC
    assert tiers(check(moc, last=None)) == {Rule.NO_QUOTE: Tier.WARN}


def test_every_hit_at_once_in_rule_order() -> None:
    ticket = dataclasses.replace(BASE, quantity=5_000, price=D("240.00"))  # qty, value, +5 %, dup
    recent = (RecentOrder.of(ticket, NOW - timedelta(seconds=5)),)
    hits = check(ticket, recent=recent)
    assert [(h.rule, h.tier) for h in hits] == [
        (Rule.QUANTITY, Tier.CONFIRM),
        (Rule.NOTIONAL, Tier.BLOCK),
        (Rule.PRICE_PERCENT, Tier.WARN),
        (Rule.PRICE_TICKS, Tier.WARN),  # 1,150 cents
        (Rule.DUPLICATE, Tier.CONFIRM),
    ]
    assert strictest(hits) is Tier.BLOCK
    assert hits[2].params == {"price": "240.00", "last": "228.50", "percent": "+5.0", "limit": "5"}


def test_messages_carry_their_params() -> None:
    (hit,) = [h for h in check(dataclasses.replace(BASE, price=D("251.35"))) if h.rule is Rule.PRICE_PERCENT]
    assert hit.message == "price 251.35 is +10.0% from the last price 228.50 (limit 10%)"
    assert strictest([]) is None


# --- duplicates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "age", "expected"),
    [
        ({}, 0, True),
        ({}, 60, True),  # "within 60 s" includes 60
        ({}, 61, False),
        ({}, -5, True),  # the clock stepped back: still recent
        ({"symbol": " aapl "}, 10, True),  # the same symbol as KIS would see it
        ({"price": D("228.5")}, 10, True),  # the same price, written differently
        ({"quantity": 11}, 10, False),
        ({"side": Side.SELL}, 10, False),
        ({"env": Env.PAPER}, 10, False),
        ({"exchange": Exchange.NYSE}, 10, False),
        ({"price": D("228.51")}, 10, False),
        ({"division": OrderDivision.LOC}, 10, False),
    ],
)
def test_duplicate_window(change: dict[str, object], age: int, expected: bool) -> None:
    sent = RecentOrder.of(dataclasses.replace(BASE, **change), NOW - timedelta(seconds=age))  # type: ignore[arg-type]
    found = tiers(check(recent=(sent,)))
    assert (found.get(Rule.DUPLICATE) is Tier.CONFIRM) is expected


def test_duplicate_window_follows_the_setting() -> None:
    sent = RecentOrder.of(BASE, NOW - timedelta(seconds=100))
    prefs = dataclasses.replace(DEFAULTS, duplicate_seconds=120)
    (hit,) = check(recent=(sent,), prefs=prefs)
    assert (hit.rule, hit.params["seconds"]) == (Rule.DUPLICATE, "100")


# --- settings ------------------------------------------------------------------------------------


def test_defaults_are_the_documented_presets() -> None:
    assert DEFAULTS.notional_krw == lim("20000000", "50000000", "200000000")
    assert DEFAULTS.percent == lim("5", "10", "20")
    assert DEFAULTS.duplicate_seconds == 60
    assert set(DEFAULTS.quantity) == set(Market) == set(DEFAULTS.ticks)


def test_settings_report_every_problem_at_once() -> None:
    with pytest.raises(PrecautionSettingsError) as caught:
        PrecautionSettings(
            notional_krw=lim("1", None, "200000000000"),  # warn below, block above the bounds
            percent=lim("10", "5", "20"),  # out of order
            quantity={Market.US: DEFAULT_QUANTITY[Market.US]},
            duplicate_seconds=0,
        )
    text = " | ".join(caught.value.problems)
    for part in (
        "notional warn",
        "notional block",
        "percent thresholds",
        "missing for HK",
        "duplicate window",
    ):
        assert part in text


def test_tiers_may_be_switched_off_except_block() -> None:
    prefs = dataclasses.replace(DEFAULTS, notional_krw=lim(None, None, "200000000"))
    assert tiers(check(dataclasses.replace(BASE, quantity=634), prefs=prefs)).get(Rule.NOTIONAL) is None
    assert tiers(check(dataclasses.replace(BASE, quantity=635), prefs=prefs))[Rule.NOTIONAL] is Tier.BLOCK
    assert DEFAULT_NOTIONAL.block == D(200_000_000)


# --- property tests against independent oracles ---------------------------------------------------


def oracle_tier(
    value: Fraction, limits: tuple[Fraction | None, Fraction | None, Fraction], passive: bool
) -> Tier | None:
    warn, confirm, block = limits
    ladder = (
        [(Tier.WARN, warn)] if passive else [(Tier.BLOCK, block), (Tier.CONFIRM, confirm), (Tier.WARN, warn)]
    )
    for tier, threshold in ladder:
        if threshold is not None and value >= threshold:
            return tier
    return None


@st.composite
def limits(draw: st.DrawFn, low: int, high: int, scale: int = 1) -> Limits:
    """Ordered thresholds in [low, high] / scale, warn and confirm sometimes off."""
    values = sorted(draw(st.lists(st.integers(low, high), min_size=3, max_size=3)))
    warn, confirm, block = (D(v) / scale for v in values)
    return Limits(draw(st.sampled_from([warn, None])), draw(st.sampled_from([confirm, None])), block)


def as_fractions(limits_: Limits) -> tuple[Fraction | None, Fraction | None, Fraction]:
    def f(v: Decimal | None) -> Fraction | None:
        return None if v is None else Fraction(v)

    return f(limits_.warn), f(limits_.confirm), Fraction(limits_.block)


cents = st.integers(1, 10_000_000).map(lambda c: D(c) / 100)  # 0.01 … 100,000.00
sides = st.sampled_from(list(Side))


@st.composite
def near(draw: st.DrawFn, last: Decimal, spread_bp: int) -> Decimal:
    """A positive 2-decimal price within ±spread_bp basis points of `last` (so every tier occurs)."""
    bp = draw(st.integers(-spread_bp, spread_bp))
    return max(D("0.01"), (last * (10_000 + bp) / 10_000).quantize(D("0.01")))


@st.composite
def price_and_last(draw: st.DrawFn, high_cents: int, spread_bp: int) -> tuple[Decimal, Decimal]:
    last = D(draw(st.integers(1, high_cents))) / 100
    return draw(st.one_of(near(last, spread_bp), st.integers(1, high_cents).map(lambda c: D(c) / 100))), last


@PROPERTY
@given(prices=price_and_last(10_000_000, 6_000), side=sides, percent=limits(5, 500, scale=10))
def test_percent_rule_matches_the_oracle(
    prices: tuple[Decimal, Decimal], side: Side, percent: Limits
) -> None:
    price, last = prices
    prefs = dataclasses.replace(DEFAULTS, percent=percent)
    ticket = dataclasses.replace(BASE, side=side, price=price, quantity=1)
    deviation = abs(Fraction(price) - Fraction(last)) * 100 / Fraction(last)
    passive = (price <= last) if side is Side.BUY else (price >= last)
    expected = oracle_tier(deviation, as_fractions(percent), passive)
    assert tiers(check(ticket, last=last, prefs=prefs)).get(Rule.PRICE_PERCENT) is expected


@PROPERTY
@given(
    quantity=st.integers(1, 10**9),
    price=cents,
    rate=st.integers(1, 20_000_000).map(lambda r: D(r) / 10_000),  # 0.0001 … 2,000 KRW per unit
    market_order=st.booleans(),
    notional=limits(100_000, 100_000_000_000),
)
def test_notional_rule_matches_the_oracle(
    quantity: int, price: Decimal, rate: Decimal, market_order: bool, notional: Limits
) -> None:
    prefs = dataclasses.replace(DEFAULTS, notional_krw=notional)
    division = OrderDivision.MOO if market_order else OrderDivision.LIMIT
    ticket = dataclasses.replace(
        BASE, side=Side.SELL, division=division, quantity=quantity, price=None if market_order else price
    )
    krw = Fraction(quantity) * Fraction(price) * Fraction(rate)  # MOO: the last price is `price`
    expected = oracle_tier(krw, as_fractions(notional), passive=False)
    assert tiers(check(ticket, last=price, rate=rate, prefs=prefs)).get(Rule.NOTIONAL) is expected


def oracle_tick(exchange: Exchange, price: Fraction) -> Fraction:
    """Written out here: US 1 cent from $1 (else 1/100 cent); Tokyo's standard table up to ¥50,000."""
    if exchange is not Exchange.TKSE:
        return Fraction(1, 100) if price >= 1 else Fraction(1, 10_000)
    for bound, tick in ((3_000, 1), (5_000, 5), (30_000, 10), (50_000, 50)):
        if price <= bound:
            return Fraction(tick)
    raise AssertionError("outside the oracle's table")


@PROPERTY
@given(
    exchange=st.sampled_from([Exchange.NASD, Exchange.TKSE]),
    prices=price_and_last(4_000_000, 3_000),
    side=sides,
    ticks=st.one_of(limits(1, 300), limits(1, 100_000)),
)
def test_tick_rule_matches_the_oracle(
    exchange: Exchange, prices: tuple[Decimal, Decimal], side: Side, ticks: Limits
) -> None:
    price, last = prices
    market = exchange.market
    prefs = dataclasses.replace(DEFAULTS, ticks={**DEFAULTS.ticks, market: ticks})
    ticket = dataclasses.replace(BASE, exchange=exchange, side=side, price=price, quantity=1)
    count = abs(Fraction(price) - Fraction(last)) / oracle_tick(exchange, Fraction(last))
    passive = (price <= last) if side is Side.BUY else (price >= last)
    expected = oracle_tier(count, as_fractions(ticks), passive)
    assert tiers(check(ticket, last=last, prefs=prefs)).get(Rule.PRICE_TICKS) is expected


@PROPERTY
@given(
    exchange=st.sampled_from(list(Exchange)),
    quantity=st.integers(1, 10**9),
    qty_limits=limits(1, 100_000_000),
)
def test_quantity_rule_matches_the_oracle(exchange: Exchange, quantity: int, qty_limits: Limits) -> None:
    prefs = dataclasses.replace(DEFAULTS, quantity={**DEFAULTS.quantity, exchange.market: qty_limits})
    ticket = dataclasses.replace(BASE, exchange=exchange, quantity=quantity)
    expected = oracle_tier(Fraction(quantity), as_fractions(qty_limits), passive=False)
    assert tiers(check(ticket, last=None, rate=None, prefs=prefs)).get(Rule.QUANTITY) is expected


Fingerprint = tuple[Env, Exchange, str, Side, OrderDivision, int, Decimal]
fingerprints = st.tuples(
    st.sampled_from([Env.REAL, Env.PAPER]),
    st.sampled_from([Exchange.NASD, Exchange.NYSE]),
    st.sampled_from(["AAPL", "MSFT"]),
    sides,
    st.sampled_from([OrderDivision.LIMIT, OrderDivision.LOC]),
    st.integers(1, 3),
    st.sampled_from([D("10.00"), D("10.0"), D("10.01")]),
)


@PROPERTY
@given(
    mine=fingerprints,
    sent=st.lists(st.tuples(fingerprints, st.integers(-30, 400)), max_size=6),
    window=st.integers(10, 3600),
)
def test_duplicate_rule_matches_the_oracle(
    mine: Fingerprint, sent: list[tuple[Fingerprint, int]], window: int
) -> None:
    def ticket_of(fp: Fingerprint) -> OverseasTicket:
        env, exchange, symbol, side, division, quantity, price = fp
        return OverseasTicket(env, exchange, symbol, side, division, quantity, price)

    def key(fp: Fingerprint) -> tuple[object, ...]:
        return (*fp[:6], Fraction(fp[6]))

    recent = tuple(RecentOrder.of(ticket_of(fp), NOW - timedelta(seconds=age)) for fp, age in sent)
    expected = any(key(fp) == key(mine) and age <= window for fp, age in sent)
    prefs = dataclasses.replace(DEFAULTS, duplicate_seconds=window)
    found = tiers(check(ticket_of(mine), last=None, rate=None, recent=recent, prefs=prefs))
    assert (found.get(Rule.DUPLICATE) is Tier.CONFIRM) is expected
