"""Pre-trade precautions: the HTS 착오방지 safeguards and TWS precautionary settings in one check.

Owns `PrecautionSettings` (per-rule thresholds in three tiers, with hard bounds), `RecentOrder` (what
the duplicate rule compares) and `check_precautions`, which returns every `PrecautionHit` at once
(order-safety.md §2 rows 8 and 9, §1.3; product.md §3 item 3). No I/O: the caller passes the last
price, the KRW exchange rate, its recent submissions and the clock.

Tiers (FSS 2007 model: warn / approve / block; IBKR: confirm-to-override):
    WARN     shown in the ticket and in the normal confirmation; the order may go.
    CONFIRM  the trader must type the symbol (or quantity) in a separate dialog first.
    BLOCK    nothing is sent.
A tier fires when the measured value reaches its threshold (≥); each rule reports only its highest
tier. Warn and confirm tiers may be switched off per rule (None); the block tier may not: it can only
be raised, up to a hard ceiling (`BOUNDS`), so there is no global bypass (the anti-pattern of
"Bypass Order Precautions for API orders", §1.3).

Default thresholds (ASSUMPTIONS, chosen for a retail account; every one can be changed within BOUNDS):
- Notional in KRW: warn ₩20m, confirm ₩50m, block ₩200m. A retail overseas order above ₩20m is
  rare; ₩200m is far beyond a typical account, yet well under KRX's own ₩100bn per-order reject.
  The limit price is used (worst case for a buy); MOO/MOC use the last price.
- % from the last price: warn 5 %, confirm 10 % (IBKR hard-rejects stocks >10 % through the NBBO),
  block 20 %. Only an aggressive price (buy above / sell below the last) can reach CONFIRM or BLOCK:
  a passive price far away only fails to fill, so it is at most a WARN (it may still be a typo).
- Ticks from the last price and quantity: per market (the "per-venue presets"), because tick sizes
  and board lots differ by two orders of magnitude between, say, NASD and HOSE.
- Duplicate: an identical order (env, venue, symbol, side, quantity, price, type) sent within 60 s
  asks for a typed confirmation (FIX App. F.1.b; SEC 15c3-5 duplicative-order controls).
Missing data never passes silently: no quote → a NO_QUOTE warning, no FX rate → a NO_FX_RATE warning.

`krw_rate` is KRW per ONE unit of the venue currency, as the simulator's `exrt` gives it. UNCERTAIN:
KIS may quote JPY (and VND) per 100 units; then the notional is overstated 100×, the safe direction
(more confirmations, never fewer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, localcontext
from enum import IntEnum, StrEnum
from typing import Final

from kisdesk.api import venue_rules as venue
from kisdesk.api.enums import Env, Exchange, Market, OrderDivision, Side
from kisdesk.domain.ticket import OverseasTicket

_D = Decimal
_Reached = Callable[[Decimal], bool]


class Tier(IntEnum):
    """Ordered: max() of tiers is the strictest."""

    WARN = 1
    CONFIRM = 2
    BLOCK = 3


class Rule(StrEnum):
    """Stable codes of the precaution rules (the UI maps them to translated text)."""

    QUANTITY = "QUANTITY"
    NOTIONAL = "NOTIONAL"
    PRICE_PERCENT = "PRICE_PERCENT"
    PRICE_TICKS = "PRICE_TICKS"
    DUPLICATE = "DUPLICATE"
    NO_QUOTE = "NO_QUOTE"
    NO_FX_RATE = "NO_FX_RATE"


class Kind(StrEnum):
    """The unit a threshold is measured in; each has its own hard bounds."""

    QUANTITY = "quantity"  # shares
    NOTIONAL = "notional"  # KRW
    PERCENT = "percent"  # % of the last price
    TICKS = "ticks"  # ticks of the venue at the last price


@dataclass(frozen=True, slots=True)
class Bounds:
    low: Decimal
    high: Decimal

    def contains(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


BOUNDS: Final[dict[Kind, Bounds]] = {
    Kind.QUANTITY: Bounds(_D(1), _D(100_000_000)),
    Kind.NOTIONAL: Bounds(_D(100_000), _D(100_000_000_000)),  # ceiling: KRX's ₩100bn per-order cap
    Kind.PERCENT: Bounds(_D("0.5"), _D(50)),
    Kind.TICKS: Bounds(_D(1), _D(100_000)),
}
DUPLICATE_BOUNDS: Final = (10, 3600)  # seconds; the rule cannot be switched off (minimum 10 s)


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds of one rule. `warn`/`confirm` None: that tier is off; `block` is always on."""

    warn: Decimal | None
    confirm: Decimal | None
    block: Decimal

    def tier(self, value: Decimal) -> Tier | None:
        """The highest tier whose threshold `value` reaches, or None."""
        for tier, threshold in (
            (Tier.BLOCK, self.block),
            (Tier.CONFIRM, self.confirm),
            (Tier.WARN, self.warn),
        ):
            if threshold is not None and value >= threshold:
                return tier
        return None

    def threshold(self, tier: Tier) -> Decimal | None:
        return {Tier.WARN: self.warn, Tier.CONFIRM: self.confirm, Tier.BLOCK: self.block}[tier]

    def problems(self, kind: Kind) -> list[str]:
        """Every reason these limits are not allowed (empty: fine)."""
        bounds = BOUNDS[kind]
        found = [
            f"{kind.value} {tier.name.lower()} threshold {value} is outside {bounds.low}–{bounds.high}"
            for tier in Tier
            if (value := self.threshold(tier)) is not None and not bounds.contains(value)
        ]
        on = [v for v in (self.warn, self.confirm, self.block) if v is not None]
        if on != sorted(on):
            found.append(f"{kind.value} thresholds must rise from warn to confirm to block")
        return found


def _limits(warn: int | str, confirm: int | str, block: int | str) -> Limits:
    return Limits(_D(warn), _D(confirm), _D(block))


DEFAULT_NOTIONAL: Final = _limits(20_000_000, 50_000_000, 200_000_000)
DEFAULT_PERCENT: Final = _limits(5, 10, 20)
# Shares. JP/CN/VN trade in 100-share lots and HK lots reach 2,000 shares of low-priced stocks.
DEFAULT_QUANTITY: Final[Mapping[Market, Limits]] = {
    Market.US: _limits(1_000, 5_000, 50_000),
    Market.HK: _limits(20_000, 100_000, 1_000_000),
    Market.SH: _limits(10_000, 50_000, 500_000),
    Market.SZ: _limits(10_000, 50_000, 500_000),
    Market.JP: _limits(5_000, 20_000, 200_000),
    Market.VN: _limits(20_000, 100_000, 1_000_000),
}
# Ticks at the last price. US ticks are a cent on a ~$100 stock (0.01 %), so the % rule dominates
# there; HK/VN ticks are ~0.1–0.5 % of the price and their daily bands are narrow (VN ±7 %).
DEFAULT_TICKS: Final[Mapping[Market, Limits]] = {
    Market.US: _limits(500, 2_000, 20_000),
    Market.HK: _limits(20, 50, 200),
    Market.SH: _limits(50, 200, 1_000),
    Market.SZ: _limits(50, 200, 1_000),
    Market.JP: _limits(50, 200, 1_000),
    Market.VN: _limits(20, 50, 200),
}
DEFAULT_DUPLICATE_SECONDS: Final = 60


class PrecautionSettingsError(ValueError):
    """Thresholds outside their hard bounds or out of order; `.problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PrecautionSettings:
    """Every threshold of the precaution rules; the defaults are the documented retail presets.

    Construction checks BOUNDS and the tier order and raises PrecautionSettingsError otherwise, so a
    settings object that exists is always a valid one.
    """

    notional_krw: Limits = DEFAULT_NOTIONAL
    percent: Limits = DEFAULT_PERCENT
    quantity: Mapping[Market, Limits] = field(default_factory=lambda: dict(DEFAULT_QUANTITY))
    ticks: Mapping[Market, Limits] = field(default_factory=lambda: dict(DEFAULT_TICKS))
    duplicate_seconds: int = DEFAULT_DUPLICATE_SECONDS

    def __post_init__(self) -> None:
        problems = [*self.notional_krw.problems(Kind.NOTIONAL), *self.percent.problems(Kind.PERCENT)]
        for kind, table in ((Kind.QUANTITY, self.quantity), (Kind.TICKS, self.ticks)):
            missing = [m.value for m in Market if m not in table]
            if missing:
                problems.append(f"{kind.value} limits missing for {', '.join(missing)}")
            for market in Market:
                if market in table:
                    problems += [f"{market.value}: {p}" for p in table[market].problems(kind)]
        low, high = DUPLICATE_BOUNDS
        if not low <= self.duplicate_seconds <= high:
            problems.append(f"duplicate window {self.duplicate_seconds} s is outside {low}–{high} s")
        if problems:
            raise PrecautionSettingsError(problems)


@dataclass(frozen=True, slots=True)
class RecentOrder:
    """An order this ticket sent, for the duplicate rule. `price` is None for MOO/MOC."""

    env: Env
    exchange: Exchange
    symbol: str
    side: Side
    division: OrderDivision
    quantity: int | None
    price: Decimal | None
    sent_at: datetime

    @classmethod
    def of(cls, ticket: OverseasTicket, sent_at: datetime) -> RecentOrder:
        price = None if ticket.division.is_market_type else ticket.price
        return cls(
            ticket.env,
            ticket.exchange,
            ticket.clean_symbol,
            ticket.side,
            ticket.division,
            ticket.quantity,
            price,
            sent_at,
        )

    def same_order(self, other: RecentOrder) -> bool:
        """Identical fingerprint; prices compare by value (228.5 == 228.50)."""
        return (self.env, self.exchange, self.symbol, self.side, self.division, self.quantity) == (
            other.env,
            other.exchange,
            other.symbol,
            other.side,
            other.division,
            other.quantity,
        ) and self.price == other.price


@dataclass(frozen=True, slots=True)
class PrecautionHit:
    """One rule that fired. `message` is the English text; `params` its variable parts, for the UI."""

    rule: Rule
    tier: Tier
    message: str
    params: Mapping[str, str] = field(default_factory=dict)


def strictest(hits: Sequence[PrecautionHit]) -> Tier | None:
    return max((h.tier for h in hits), default=None)


def _fmt(value: Decimal) -> str:
    return f"{value:,f}"  # as typed (228.50 stays 228.50), never 2.285E+2


def _krw(value: Decimal) -> str:
    return f"{value.quantize(_D(1)):,}"


def _reference_price(ticket: OverseasTicket, last: Decimal | None) -> Decimal | None:
    """The price the notional is computed at: the limit price, or the last price for MOO/MOC."""
    price = last if ticket.division.is_market_type else ticket.price
    return price if price is not None and price.is_finite() and price > 0 else None


def _quantity_hit(ticket: OverseasTicket, settings: PrecautionSettings) -> PrecautionHit | None:
    qty = ticket.quantity
    if qty is None or qty <= 0:
        return None  # the ticket rules already complain
    market = ticket.exchange.market
    limits = settings.quantity[market]
    found = _reached(limits, lambda t: qty >= t)
    if found is None:
        return None
    tier, limit = found
    params = {"quantity": f"{qty:,}", "limit": _fmt(limit), "market": market.value}
    text = f"quantity {params['quantity']} reaches the {market.value} limit of {params['limit']} shares"
    return PrecautionHit(Rule.QUANTITY, tier, text, params)


def _notional_hits(
    ticket: OverseasTicket, last: Decimal | None, krw_rate: Decimal | None, settings: PrecautionSettings
) -> list[PrecautionHit]:
    price = _reference_price(ticket, last)
    if ticket.quantity is None or ticket.quantity <= 0 or price is None:
        return []  # MOO/MOC without a quote is covered by NO_QUOTE; others by the ticket rules
    currency = ticket.exchange.info.currency
    if krw_rate is None or not krw_rate.is_finite() or krw_rate <= 0:
        text = f"no KRW exchange rate for {currency}: the order value check was skipped"
        return [PrecautionHit(Rule.NO_FX_RATE, Tier.WARN, text, {"currency": currency})]
    amount = price * ticket.quantity
    krw = amount * krw_rate
    found = _reached(settings.notional_krw, lambda t: krw >= t)
    if found is None:
        return []
    tier, limit = found
    params = {
        "krw": _krw(krw),
        "amount": _fmt(amount),
        "currency": currency,
        "rate": _fmt(krw_rate),
        "limit": _krw(limit),
    }
    text = "order value ≈ ₩{krw} ({amount} {currency} at {rate}) reaches the limit of ₩{limit}"
    return [PrecautionHit(Rule.NOTIONAL, tier, text.format(**params), params)]


def _aggressive(side: Side, price: Decimal, last: Decimal) -> bool:
    """A buy above or a sell below the last price trades through the market."""
    return price > last if side is Side.BUY else price < last


def _price_hits(ticket: OverseasTicket, last: Decimal, settings: PrecautionSettings) -> list[PrecautionHit]:
    price = ticket.price
    if ticket.division.is_market_type or price is None or not price.is_finite() or price <= 0:
        return []
    diff = abs(price - last)
    # A passive price far away only fails to fill: it is checked against the warn threshold only.
    tiers = _ALL_TIERS if _aggressive(ticket.side, price, last) else (Tier.WARN,)
    common = {"price": _fmt(price), "last": _fmt(last)}
    hits: list[PrecautionHit] = []
    # diff × 100 ≥ threshold × last rather than a division: exact, so the boundary is exact too.
    found = _reached(settings.percent, lambda t: diff * 100 >= t * last, tiers)
    if found is not None:
        percent = ((price - last) * 100 / last).quantize(_D("0.1"))
        params = {**common, "percent": f"{percent:+}", "limit": _fmt(found[1])}
        text = "price {price} is {percent}% from the last price {last} (limit {limit}%)"
        hits.append(PrecautionHit(Rule.PRICE_PERCENT, found[0], text.format(**params), params))
    tick = venue.tick_size(ticket.exchange, last)
    found = _reached(settings.ticks[ticket.exchange.market], lambda t: diff >= t * tick, tiers)
    if found is not None:
        ticks = f"{math.ceil(diff / tick):,}"
        params = {**common, "ticks": ticks, "tick": _fmt(tick), "limit": _fmt(found[1])}
        text = "price {price} is {ticks} ticks of {tick} from the last price {last} (limit {limit})"
        hits.append(PrecautionHit(Rule.PRICE_TICKS, found[0], text.format(**params), params))
    return hits


_ALL_TIERS: Final = (Tier.BLOCK, Tier.CONFIRM, Tier.WARN)


def _reached(
    limits: Limits, reached: _Reached, tiers: Sequence[Tier] = _ALL_TIERS
) -> tuple[Tier, Decimal] | None:
    """The highest of `tiers` whose threshold is reached, with that threshold."""
    for tier in tiers:
        threshold = limits.threshold(tier)
        if threshold is not None and reached(threshold):
            return tier, threshold
    return None


def _duplicate_hit(
    ticket: OverseasTicket, recent: Sequence[RecentOrder], now: datetime, window: int
) -> PrecautionHit | None:
    this = RecentOrder.of(ticket, now)
    ages = [(now - r.sent_at).total_seconds() for r in recent if r.same_order(this)]
    ages = [age for age in ages if age <= window]  # negative (clock stepped back) counts as recent
    if not ages:
        return None
    seconds = str(max(0, math.floor(min(ages))))
    text = f"an identical order was sent {seconds} s ago"
    return PrecautionHit(Rule.DUPLICATE, Tier.CONFIRM, text, {"seconds": seconds, "window": str(window)})


def check_precautions(
    ticket: OverseasTicket,
    *,
    last: Decimal | None,
    krw_rate: Decimal | None,
    recent: Sequence[RecentOrder],
    now: datetime,
    settings: PrecautionSettings,
) -> list[PrecautionHit]:
    """Every precaution the ticket trips, in Rule order. `last` is the last traded price of the
    ticket's symbol, `krw_rate` KRW per one unit of the venue's currency (KIS `exrt`)."""
    if last is not None and (not last.is_finite() or last <= 0):
        last = None
    # 10-digit quantity × 16-digit price × rate exceeds the default 28 digits: keep products exact.
    with localcontext(prec=80):
        hits = _hits(ticket, last, krw_rate, recent, now, settings)
    order = list(Rule)
    return sorted(hits, key=lambda h: order.index(h.rule))


def _hits(
    ticket: OverseasTicket,
    last: Decimal | None,
    krw_rate: Decimal | None,
    recent: Sequence[RecentOrder],
    now: datetime,
    settings: PrecautionSettings,
) -> list[PrecautionHit]:
    hits: list[PrecautionHit] = []
    if (hit := _quantity_hit(ticket, settings)) is not None:
        hits.append(hit)
    hits += _notional_hits(ticket, last, krw_rate, settings)
    if last is not None:
        hits += _price_hits(ticket, last, settings)
    if (hit := _duplicate_hit(ticket, recent, now, settings.duplicate_seconds)) is not None:
        hits.append(hit)
    if last is None:
        text = "no quote: the checks against the market price were skipped"
        hits.append(PrecautionHit(Rule.NO_QUOTE, Tier.WARN, text, {}))
    return hits
