"""Fixtures of the gateway tests: a stub book with trivial handlers, a manual clock, request helpers.

The gateway is tested against these stubs so its checks are visible without the business rules of
the real `Book`; `test_engine.py` has one integration test with the real book. Test modules reach the
constants through the fixtures (`rig.APPKEY`, `rig.ORDER_PATH`): importing a conftest by name breaks
as soon as another conftest.py exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.engine import Engine, Outcome
from kisdesk.simulator.protocol import CallContext, Handler, SimReply, SimRequest, ok
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings

APPKEY = "PSsimAPPKEY0000000000000000000000001"
APPSECRET = "s" * 179 + "1"
OTHER_APPKEY = "PSsimAPPKEY0000000000000000000000002"
CANO = "50123456"

ORDER_PATH = ENDPOINTS[ApiId.OVERSEAS_ORDER].path
NCCS_PATH = ENDPOINTS[ApiId.OVERSEAS_PENDING].path
PRICE_PATH = ENDPOINTS[ApiId.OVERSEAS_PRICE].path
RESV_PATH = ENDPOINTS[ApiId.DOMESTIC_RESV_ORDER].path
TOKEN_PATH = ENDPOINTS[ApiId.TOKEN].path
REVOKE_PATH = ENDPOINTS[ApiId.REVOKE].path

assert len(APPKEY) == len(OTHER_APPKEY) == 36
assert len(APPSECRET) == 180


@dataclass
class StubBook:
    """Records what the gateway lets through; answers every request with a plain success."""

    visibility_delay_s: float = 0.0
    advanced_to: list[datetime] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)

    def advance(self, now: datetime) -> None:
        self.advanced_to.append(now)

    def ledger(self) -> list[dict[str, Any]]:
        return list(self.orders)


def stub_routes(book: StubBook) -> dict[tuple[str, str], Handler]:
    def order(ctx: CallContext, body: Mapping[str, Any]) -> SimReply:
        odno = f"{len(book.orders) + 1:010d}"
        book.orders.append({"odno": odno, "tr_id": ctx.tr_id, "intent": ctx.intent, "body": dict(body)})
        out = {"KRX_FWDG_ORD_ORGNO": "01790", "ODNO": odno, "ORD_TMD": ctx.now.strftime("%H%M%S")}
        return SimReply(200, ok("APBK0013", "주문 전송 완료 되었습니다.", output=out), committed=True)

    def inquiry(ctx: CallContext, query: Mapping[str, Any]) -> SimReply:
        return SimReply(200, ok("KIOK0510", "조회가 완료되었습니다", output=[]), headers={"tr_cont": "D"})

    def quote(ctx: CallContext, query: Mapping[str, Any]) -> SimReply:
        return SimReply(200, ok("MCA00000", "정상처리 되었습니다.", output={"last": "100.00"}))

    routes: dict[tuple[str, str], Handler] = {}
    for endpoint in ENDPOINTS.values():
        if not endpoint.authorized:
            continue
        if endpoint.method == "POST":
            routes[("POST", endpoint.path)] = order
        elif endpoint.api_id is ApiId.OVERSEAS_PRICE:
            routes[("GET", endpoint.path)] = quote
        else:
            routes[("GET", endpoint.path)] = inquiry
    return routes


@dataclass
class Rig:
    """An engine over a stub book, with a manual clock and request helpers."""

    engine: Engine
    book: StubBook
    clock: ManualClock

    APPKEY: ClassVar[str] = APPKEY
    APPSECRET: ClassVar[str] = APPSECRET
    OTHER_APPKEY: ClassVar[str] = OTHER_APPKEY
    CANO: ClassVar[str] = CANO
    ORDER_PATH: ClassVar[str] = ORDER_PATH
    NCCS_PATH: ClassVar[str] = NCCS_PATH
    PRICE_PATH: ClassVar[str] = PRICE_PATH
    RESV_PATH: ClassVar[str] = RESV_PATH
    TOKEN_PATH: ClassVar[str] = TOKEN_PATH
    REVOKE_PATH: ClassVar[str] = REVOKE_PATH

    @staticmethod
    def order_body(cano: str = CANO) -> dict[str, str]:
        return order_body(cano)

    def token_body(self, appkey: str = APPKEY, appsecret: str = APPSECRET) -> dict[str, str]:
        return {"grant_type": "client_credentials", "appkey": appkey, "appsecret": appsecret}

    def post(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Outcome:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs = {"content-type": "application/json; charset=utf-8", **(headers or {})}
        return self.engine.handle(SimRequest("POST", path, hdrs, {}, raw))

    def get(self, path: str, query: Mapping[str, str], headers: Mapping[str, str] | None = None) -> Outcome:
        return self.engine.handle(SimRequest("GET", path, dict(headers or {}), dict(query)))

    def token(self, appkey: str = APPKEY, appsecret: str = APPSECRET) -> str:
        out = self.post(TOKEN_PATH, self.token_body(appkey, appsecret))
        assert out.status == 200, out.body
        return str(out.json()["access_token"])

    def headers(self, token: str, tr_id: str, appkey: str = APPKEY, **extra: str) -> dict[str, str]:
        return {
            "authorization": f"Bearer {token}",
            "appkey": appkey,
            "appsecret": APPSECRET,
            "tr_id": tr_id,
            "custtype": "P",
            **extra,
        }

    def order(self, token: str, cano: str = CANO, tr_id: str | None = None, **extra: str) -> Outcome:
        if tr_id is None:
            tr_id = "TTTT1002U" if self.engine.family is TrFamily.REAL else "VTTT1002U"
        return self.post(ORDER_PATH, order_body(cano), self.headers(token, tr_id, **extra))

    def nccs(self, token: str, cano: str = CANO) -> Outcome:
        tr_id = "TTTS3018R" if self.engine.family is TrFamily.REAL else "VTTS3018R"
        query = {"CANO": cano, "ACNT_PRDT_CD": "01", "OVRS_EXCG_CD": "NASD", "SORT_SQN": ""}
        return self.get(NCCS_PATH, query, self.headers(token, tr_id))


def order_body(cano: str = CANO) -> dict[str, str]:
    return {
        "CANO": cano,
        "ACNT_PRDT_CD": "01",
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": "1",
        "OVRS_ORD_UNPR": "145.00",
        "ORD_SVR_DVSN_CD": "0",
        "ORD_DVSN": "00",
    }


RigFactory = Callable[..., Rig]


@pytest.fixture
def make_rig() -> RigFactory:
    def _make(family: TrFamily = TrFamily.REAL, **settings: Any) -> Rig:
        sim_settings = SimSettings()
        sim_settings.update(**settings)
        book = StubBook()
        clock = ManualClock()
        engine = Engine(family, sim_settings, clock, book=book, routes=stub_routes(book))
        return Rig(engine, book, clock)

    return _make


@pytest.fixture
def rig(make_rig: RigFactory) -> Rig:
    """A real-host engine with a rate limit high enough to stay out of the way."""
    return make_rig(real_rate_per_s=1000)


@pytest.fixture
def live(rig: Rig) -> Iterator[tuple[Rig, str]]:
    """The `rig` engine behind a loopback HTTP server; yields (rig, base URL)."""
    with SimServer(rig.engine) as server:
        yield rig, server.base_url
