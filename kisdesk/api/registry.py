"""The API registry: method, path and TR ID of every KIS endpoint kisdesk uses, keyed by official API ID.

TR IDs come from explicit tables transcribed from `shared/kis-api/` (overseas-order.md §1,
overseas-revise-cancel.md §1, overseas-pending-and-fills.md, domestic-reservation.md). There is
deliberately no "prefix a V" rule: paper US sell is VTTT1001U, not VTTT1006U, and the reservation
APIs have no paper TR at all. A lookup that has no entry raises `NotAvailableError` before any
request is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kisdesk.api.enums import Env, Exchange, Market, OrderDivision, ReviseCancel, Side, TrFamily
from kisdesk.api.errors import NotAvailableError


class ApiId(StrEnum):
    """Official KIS API identifiers (the portal's bracketed IDs)."""

    TOKEN = "인증-001"
    REVOKE = "인증-002"
    OVERSEAS_ORDER = "v1_해외주식-001"
    OVERSEAS_REVISE_CANCEL = "v1_해외주식-003"
    OVERSEAS_PENDING = "v1_해외주식-005"  # 미체결내역 inquire-nccs
    OVERSEAS_HISTORY = "v1_해외주식-007"  # 주문체결내역 inquire-ccnl
    OVERSEAS_PRICE = "v1_해외주식-009"  # 현재체결가
    OVERSEAS_BUYING_POWER = "v1_해외주식-014"  # 매수가능금액조회 inquire-psamount
    DOMESTIC_RESV_ORDER = "v1_국내주식-017"  # 주식예약주문
    DOMESTIC_RESV_REVISE_CANCEL = "v1_국내주식-018,019"  # 주식예약주문정정취소
    DOMESTIC_RESV_LIST = "v1_국내주식-020"  # 주식예약주문조회


@dataclass(frozen=True, slots=True)
class Endpoint:
    api_id: ApiId
    method: str
    path: str
    paged: bool
    authorized: bool = True  # token endpoints take no authorization header


ENDPOINTS: Final[dict[ApiId, Endpoint]] = {
    e.api_id: e
    for e in (
        Endpoint(ApiId.TOKEN, "POST", "/oauth2/tokenP", paged=False, authorized=False),
        Endpoint(ApiId.REVOKE, "POST", "/oauth2/revokeP", paged=False, authorized=False),
        Endpoint(ApiId.OVERSEAS_ORDER, "POST", "/uapi/overseas-stock/v1/trading/order", paged=False),
        Endpoint(
            ApiId.OVERSEAS_REVISE_CANCEL,
            "POST",
            "/uapi/overseas-stock/v1/trading/order-rvsecncl",
            paged=False,
        ),
        Endpoint(
            ApiId.OVERSEAS_PENDING,
            "GET",
            "/uapi/overseas-stock/v1/trading/inquire-nccs",
            paged=True,
        ),
        Endpoint(
            ApiId.OVERSEAS_HISTORY,
            "GET",
            "/uapi/overseas-stock/v1/trading/inquire-ccnl",
            paged=True,
        ),
        Endpoint(ApiId.OVERSEAS_PRICE, "GET", "/uapi/overseas-price/v1/quotations/price", paged=False),
        Endpoint(
            ApiId.OVERSEAS_BUYING_POWER,
            "GET",
            "/uapi/overseas-stock/v1/trading/inquire-psamount",
            paged=False,
        ),
        Endpoint(
            ApiId.DOMESTIC_RESV_ORDER,
            "POST",
            "/uapi/domestic-stock/v1/trading/order-resv",
            paged=False,
        ),
        Endpoint(
            ApiId.DOMESTIC_RESV_REVISE_CANCEL,
            "POST",
            "/uapi/domestic-stock/v1/trading/order-resv-rvsecncl",
            paged=False,
        ),
        Endpoint(
            ApiId.DOMESTIC_RESV_LIST,
            "GET",
            "/uapi/domestic-stock/v1/trading/order-resv-ccnl",
            paged=True,
        ),
    )
}

ENDPOINT_BY_PATH: Final[dict[str, Endpoint]] = {e.path: e for e in ENDPOINTS.values()}

# The official hosts (README.md § Domains). DEMO has no fixed host: the embedded simulator picks a port.
OFFICIAL_BASE_URLS: Final[dict[Env, str]] = {
    Env.REAL: "https://openapi.koreainvestment.com:9443",
    Env.PAPER: "https://openapivts.koreainvestment.com:29443",
}

# v1_해외주식-001 §1: (family, market, side) -> tr_id. Paper US sell is VTTT1001U (SEED-001, OTA-LLM).
ORDER_TR: Final[dict[tuple[TrFamily, Market, Side], str]] = {
    (TrFamily.REAL, Market.US, Side.BUY): "TTTT1002U",
    (TrFamily.REAL, Market.US, Side.SELL): "TTTT1006U",
    (TrFamily.REAL, Market.JP, Side.BUY): "TTTS0308U",
    (TrFamily.REAL, Market.JP, Side.SELL): "TTTS0307U",
    (TrFamily.REAL, Market.SH, Side.BUY): "TTTS0202U",
    (TrFamily.REAL, Market.SH, Side.SELL): "TTTS1005U",
    (TrFamily.REAL, Market.SZ, Side.BUY): "TTTS0305U",
    (TrFamily.REAL, Market.SZ, Side.SELL): "TTTS0304U",
    (TrFamily.REAL, Market.HK, Side.BUY): "TTTS1002U",
    (TrFamily.REAL, Market.HK, Side.SELL): "TTTS1001U",
    (TrFamily.REAL, Market.VN, Side.BUY): "TTTS0311U",
    (TrFamily.REAL, Market.VN, Side.SELL): "TTTS0310U",
    (TrFamily.PAPER, Market.US, Side.BUY): "VTTT1002U",
    (TrFamily.PAPER, Market.US, Side.SELL): "VTTT1001U",
    (TrFamily.PAPER, Market.JP, Side.BUY): "VTTS0308U",
    (TrFamily.PAPER, Market.JP, Side.SELL): "VTTS0307U",
    (TrFamily.PAPER, Market.SH, Side.BUY): "VTTS0202U",
    (TrFamily.PAPER, Market.SH, Side.SELL): "VTTS1005U",
    (TrFamily.PAPER, Market.SZ, Side.BUY): "VTTS0305U",
    (TrFamily.PAPER, Market.SZ, Side.SELL): "VTTS0304U",
    (TrFamily.PAPER, Market.HK, Side.BUY): "VTTS1002U",
    (TrFamily.PAPER, Market.HK, Side.SELL): "VTTS1001U",
    (TrFamily.PAPER, Market.VN, Side.BUY): "VTTS0311U",
    (TrFamily.PAPER, Market.VN, Side.SELL): "VTTS0310U",
}

# v1_해외주식-003 §1: (family, market) -> tr_id; the same TR serves revise (01) and cancel (02).
REVISE_CANCEL_TR: Final[dict[tuple[TrFamily, Market], str]] = {
    (TrFamily.REAL, Market.US): "TTTT1004U",
    (TrFamily.REAL, Market.HK): "TTTS1003U",
    (TrFamily.REAL, Market.JP): "TTTS0309U",
    (TrFamily.REAL, Market.SH): "TTTS0302U",
    (TrFamily.REAL, Market.SZ): "TTTS0306U",
    (TrFamily.REAL, Market.VN): "TTTS0312U",
    (TrFamily.PAPER, Market.US): "VTTT1004U",
    (TrFamily.PAPER, Market.HK): "VTTS1003U",
    (TrFamily.PAPER, Market.JP): "VTTS0309U",
    (TrFamily.PAPER, Market.SH): "VTTS0302U",
    (TrFamily.PAPER, Market.SZ): "VTTS0306U",
    (TrFamily.PAPER, Market.VN): "VTTS0312U",
}

# China and Vietnam TRs are "취소 주문" only: a revise (01) is not offered there.
CANCEL_ONLY_MARKETS: Final[frozenset[Market]] = frozenset({Market.SH, Market.SZ, Market.VN})

# Inquiry/quote TRs per family. A missing family means "not available" in that family.
SIMPLE_TR: Final[dict[ApiId, dict[TrFamily, str]]] = {
    # nccs on paper is UNCERTAIN (portal: unsupported; samples use VTTS3018R); the simulator has a switch.
    ApiId.OVERSEAS_PENDING: {TrFamily.REAL: "TTTS3018R", TrFamily.PAPER: "VTTS3018R"},
    ApiId.OVERSEAS_HISTORY: {TrFamily.REAL: "TTTS3035R", TrFamily.PAPER: "VTTS3035R"},
    ApiId.OVERSEAS_BUYING_POWER: {TrFamily.REAL: "TTTS3007R", TrFamily.PAPER: "VTTS3007R"},
    # The quote TR is identical on both hosts (no prefix change).
    ApiId.OVERSEAS_PRICE: {TrFamily.REAL: "HHDFS00000300", TrFamily.PAPER: "HHDFS00000300"},
    # Reservation orders are real-trading only ("모의투자 사용 불가").
    ApiId.DOMESTIC_RESV_ORDER: {TrFamily.REAL: "CTSC0008U"},
    ApiId.DOMESTIC_RESV_LIST: {TrFamily.REAL: "CTSC0004R"},
}

# v1_국내주식-018,019: the TR alone selects cancel vs revise.
RESV_REVISE_CANCEL_TR: Final[dict[tuple[TrFamily, ReviseCancel], str]] = {
    (TrFamily.REAL, ReviseCancel.CANCEL): "CTSC0009U",
    (TrFamily.REAL, ReviseCancel.REVISE): "CTSC0013U",
}


def order_tr_id(env: Env, exchange: Exchange, side: Side) -> str:
    """TR ID of a v1_해외주식-001 order."""
    return ORDER_TR[(env.family, exchange.market, side)]


def revise_cancel_tr_id(env: Env, exchange: Exchange, action: ReviseCancel) -> str:
    """TR ID of a v1_해외주식-003 revise or cancel; raises for a revise on a cancel-only market."""
    if action is ReviseCancel.REVISE and exchange.market in CANCEL_ONLY_MARKETS:
        raise NotAvailableError(
            ApiId.OVERSEAS_REVISE_CANCEL,
            env,
            f"{exchange.value} orders can only be cancelled, not revised",
        )
    return REVISE_CANCEL_TR[(env.family, exchange.market)]


def simple_tr_id(api_id: ApiId, env: Env) -> str:
    """TR ID of an API whose TR depends only on the environment."""
    tr = SIMPLE_TR[api_id].get(env.family)
    if tr is None:
        raise NotAvailableError(api_id, env, "KIS offers this API in real trading only")
    return tr


def resv_revise_cancel_tr_id(env: Env, action: ReviseCancel) -> str:
    tr = RESV_REVISE_CANCEL_TR.get((env.family, action))
    if tr is None:
        raise NotAvailableError(
            ApiId.DOMESTIC_RESV_REVISE_CANCEL, env, "KIS offers this API in real trading only"
        )
    return tr


def is_available(api_id: ApiId, env: Env) -> bool:
    """Whether `env` offers the API at all (the UI disables what paper lacks)."""
    if api_id in SIMPLE_TR:
        return env.family in SIMPLE_TR[api_id]
    if api_id is ApiId.DOMESTIC_RESV_REVISE_CANCEL:
        return any(fam is env.family for fam, _ in RESV_REVISE_CANCEL_TR)
    return True


def family_tr_ids(family: TrFamily) -> frozenset[str]:
    """Every TR ID of one family: the isolation check refuses a request carrying another family's ID."""
    ids = {tr for (fam, *_), tr in ORDER_TR.items() if fam is family}
    ids |= {tr for (fam, _), tr in REVISE_CANCEL_TR.items() if fam is family}
    ids |= {tr for per_fam in SIMPLE_TR.values() for fam, tr in per_fam.items() if fam is family}
    ids |= {tr for (fam, _), tr in RESV_REVISE_CANCEL_TR.items() if fam is family}
    return frozenset(ids)


_D = OrderDivision
_US_BUY: Final = frozenset({_D.LIMIT, _D.LOO, _D.LOC, _D.TWAP, _D.VWAP})
_US_SELL: Final = frozenset({_D.LIMIT, _D.MOO, _D.LOO, _D.MOC, _D.LOC, _D.TWAP, _D.VWAP})
_LIMIT_ONLY: Final = frozenset({_D.LIMIT})

# overseas-order.md §3: ORD_DVSN each TR accepts. Paper accepts limit only. For HK buy, JP, SH, SZ and
# VN the spec calls the field "removed" while every sample sends "00": limit is the only order type.
ALLOWED_DIVISIONS: Final[dict[tuple[TrFamily, Market, Side], frozenset[OrderDivision]]] = {
    **{(TrFamily.PAPER, m, s): _LIMIT_ONLY for m in Market for s in Side},
    **{(TrFamily.REAL, m, s): _LIMIT_ONLY for m in Market for s in Side},
    (TrFamily.REAL, Market.US, Side.BUY): _US_BUY,
    (TrFamily.REAL, Market.US, Side.SELL): _US_SELL,
    (TrFamily.REAL, Market.HK, Side.SELL): frozenset({_D.LIMIT, _D.ODD_LOT}),
}


def allowed_divisions(env: Env, exchange: Exchange, side: Side) -> frozenset[OrderDivision]:
    """ORD_DVSN values the order TR of (env, exchange, side) accepts."""
    return ALLOWED_DIVISIONS[(env.family, exchange.market, side)]
