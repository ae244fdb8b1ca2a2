"""The capability table the order ticket renders: which order types, revises, cancels and
reservations each environment and venue offers, and why not when it does not.

Owns: `Reason` (stable machine codes + English explanations), `OrderTypeChoice` rows per
(Env, Exchange, Side), revise/cancel capability per (Env, Exchange, order type) and reservation
capability per Env. "Allowed" follows the wire table `kisdesk.api.registry.ALLOWED_DIVISIONS`
(overseas-order.md §3), which the simulator enforces; the reasons are derived here from the spec text
so that the UI can tell a trader *why* a choice is greyed out. Env.DEMO behaves like Env.REAL because
it uses the real TR family.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kisdesk.api.enums import Env, Exchange, Market, OrderDivision, Side, TrFamily
from kisdesk.api.registry import CANCEL_ONLY_MARKETS, ApiId, allowed_divisions, is_available


class Reason(StrEnum):
    """Why a choice is unavailable (or, for an allowed action, why it is flagged UNCERTAIN).

    Values are stable: the UI maps them to Korean labels.
    """

    PAPER_LIMIT_ONLY = "PAPER_LIMIT_ONLY"
    US_SELL_ONLY = "US_SELL_ONLY"
    US_ONLY = "US_ONLY"
    HK_SELL_ONLY = "HK_SELL_ONLY"
    NOT_OFFERED = "NOT_OFFERED"
    CANCEL_ONLY_MARKET = "CANCEL_ONLY_MARKET"
    ALGO_NOT_REVISABLE = "ALGO_NOT_REVISABLE"
    ALGO_CANCEL_UNCERTAIN = "ALGO_CANCEL_UNCERTAIN"
    ORDER_TYPE_UNKNOWN = "ORDER_TYPE_UNKNOWN"
    ORDER_NOT_OPEN = "ORDER_NOT_OPEN"
    PAPER_NO_RESERVATION = "PAPER_NO_RESERVATION"

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


_EXPLANATIONS: Final[dict[Reason, str]] = {
    Reason.PAPER_LIMIT_ONLY: "paper: limit only",
    Reason.US_SELL_ONLY: "MOO/MOC: US sell only",
    Reason.US_ONLY: "US only",
    Reason.HK_SELL_ONLY: "odd-lot: HK sell only",
    Reason.NOT_OFFERED: "not offered for this venue",
    Reason.CANCEL_ONLY_MARKET: "China/Vietnam orders can be cancelled, not revised",
    Reason.ALGO_NOT_REVISABLE: "TWAP/VWAP orders cannot be revised",
    Reason.ALGO_CANCEL_UNCERTAIN: "cancelling TWAP/VWAP is not forbidden by the spec, but unconfirmed",
    Reason.ORDER_TYPE_UNKNOWN: "order type unknown: KIS may refuse a revise if it is TWAP/VWAP",
    Reason.ORDER_NOT_OPEN: "the order has nothing left to revise or cancel",
    Reason.PAPER_NO_RESERVATION: "paper: reservation orders are real-trading only",
}

# Stable display order of the order-type list: wire-code order, limit first.
DISPLAY_ORDER: Final[tuple[OrderDivision, ...]] = (
    OrderDivision.LIMIT,
    OrderDivision.MOO,
    OrderDivision.LOO,
    OrderDivision.MOC,
    OrderDivision.LOC,
    OrderDivision.TWAP,
    OrderDivision.VWAP,
    OrderDivision.ODD_LOT,
)


@dataclass(frozen=True, slots=True)
class OrderTypeChoice:
    """One entry of the order-type list for an (Env, Exchange, Side).

    `needs_price` is False for MOO/MOC (price goes out as "0", §2); `needs_algo_window` marks the
    TWAP/VWAP §4 fields; `revisable` is False for TWAP/VWAP (§3 note) and on cancel-only markets
    (overseas-revise-cancel.md §1). The needs_* flags describe the type itself, allowed or not.
    """

    division: OrderDivision
    allowed: bool
    reason: Reason | None
    needs_price: bool
    needs_algo_window: bool
    revisable: bool

    @property
    def explanation(self) -> str:
        return "" if self.reason is None else self.reason.explanation


@dataclass(frozen=True, slots=True)
class Capability:
    """Whether one action is possible. `reason` explains a refusal, or flags an allowed action as
    UNCERTAIN (then `uncertain` is True)."""

    allowed: bool
    reason: Reason | None = None
    uncertain: bool = False

    @property
    def explanation(self) -> str:
        return "" if self.reason is None else self.reason.explanation


@dataclass(frozen=True, slots=True)
class ReviseCancelCapability:
    revise: Capability
    cancel: Capability

    @property
    def can_revise(self) -> bool:
        return self.revise.allowed

    @property
    def can_cancel(self) -> bool:
        return self.cancel.allowed


def _venue_reason(division: OrderDivision, exchange: Exchange, side: Side) -> Reason | None:
    """Why the real TR of (exchange, side) lacks `division`, from the columns of overseas-order.md §3.

    None means the real TR offers it.
    """
    market = exchange.market
    if division is OrderDivision.LIMIT:
        return None  # every TR takes 00 (for HK buy/JP/CN/VN the field is "removed" but 00 is sent)
    if division in (OrderDivision.MOO, OrderDivision.MOC):
        # §3: "US buy has no MOO/MOC"; only the US sell column ticks 31/33.
        return None if (market is Market.US and side is Side.SELL) else Reason.US_SELL_ONLY
    if division is OrderDivision.ODD_LOT:
        return None if (market is Market.HK and side is Side.SELL) else Reason.HK_SELL_ONLY
    # LOO, LOC, TWAP, VWAP: both US columns tick them, no other column does.
    return None if market is Market.US else Reason.US_ONLY


def _choice(env: Env, exchange: Exchange, side: Side, division: OrderDivision) -> OrderTypeChoice:
    allowed = division in allowed_divisions(env, exchange, side)
    reason: Reason | None = None
    if not allowed:
        # A type the venue never offers is explained by the venue rule (switching to real would not
        # help); only a type the real TR offers gets the paper reason (§3: "any paper TR: 00 only").
        reason = _venue_reason(division, exchange, side)
        if reason is None:
            reason = Reason.PAPER_LIMIT_ONLY if env.family is TrFamily.PAPER else Reason.NOT_OFFERED
    return OrderTypeChoice(
        division=division,
        allowed=allowed,
        reason=reason,
        needs_price=not division.is_market_type,
        needs_algo_window=division.is_algo,
        revisable=not division.is_algo and exchange.market not in CANCEL_ONLY_MARKETS,
    )


ORDER_TYPE_TABLE: Final[dict[tuple[Env, Exchange, Side], tuple[OrderTypeChoice, ...]]] = {
    (env, exchange, side): tuple(_choice(env, exchange, side, d) for d in DISPLAY_ORDER)
    for env in Env
    for exchange in Exchange
    for side in Side
}


def order_types(env: Env, exchange: Exchange, side: Side) -> list[OrderTypeChoice]:
    """All eight order types in display order, each with allowed/reason/needs_*."""
    return list(ORDER_TYPE_TABLE[(env, exchange, side)])


def order_type(env: Env, exchange: Exchange, side: Side, division: OrderDivision) -> OrderTypeChoice:
    """The table entry of one order type."""
    return ORDER_TYPE_TABLE[(env, exchange, side)][DISPLAY_ORDER.index(division)]


def default_division(
    env: Env, exchange: Exchange, side: Side, current: OrderDivision | None = None
) -> OrderDivision:
    """The type the ticket should show: `current` while it stays allowed, else limit (offered by every TR)."""
    if current is not None and order_type(env, exchange, side, current).allowed:
        return current
    return OrderDivision.LIMIT


_ALLOWED: Final = Capability(allowed=True)


def revise_cancel_capability(
    env: Env, exchange: Exchange, division: OrderDivision | None = None, *, algo: bool | None = None
) -> ReviseCancelCapability:
    """What v1_해외주식-003 allows on an open order.

    `division` is the order's type when known; inquiries do not return it
    (overseas-pending-and-fills.md §1 notes), so `algo` may say whether it is TWAP/VWAP instead
    (a non-blank `splt_buy_attr_name`). Both unknown: revise is allowed but flagged UNCERTAIN.
    Every environment has a revise/cancel TR for every market (overseas-revise-cancel.md §1).
    """
    is_algo = division.is_algo if division is not None else algo
    if exchange.market in CANCEL_ONLY_MARKETS:  # §1: SH/SZ/VN TRs are "취소 주문"
        revise = Capability(allowed=False, reason=Reason.CANCEL_ONLY_MARKET)
    elif is_algo:  # overseas-order.md §3: "TWAP, VWAP 주문은 정정 불가"
        revise = Capability(allowed=False, reason=Reason.ALGO_NOT_REVISABLE)
    elif is_algo is None:
        revise = Capability(allowed=True, reason=Reason.ORDER_TYPE_UNKNOWN, uncertain=True)
    else:
        revise = _ALLOWED
    # §3: cancelling TWAP/VWAP is not stated as forbidden (UNCERTAIN); the simulator allows it.
    cancel = (
        Capability(allowed=True, reason=Reason.ALGO_CANCEL_UNCERTAIN, uncertain=True) if is_algo else _ALLOWED
    )
    return ReviseCancelCapability(revise=revise, cancel=cancel)


def reservation_capability(env: Env) -> Capability:
    """Domestic reservations are real-trading only (domestic-reservation.md header: "모의투자 사용 불가")."""
    if is_available(ApiId.DOMESTIC_RESV_ORDER, env):
        return _ALLOWED
    return Capability(allowed=False, reason=Reason.PAPER_NO_RESERVATION)
