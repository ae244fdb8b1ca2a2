"""KisClient against scripted answers (httpx.MockTransport): wire shape, retry table, isolation."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

import kisdesk
from kisdesk.api.enums import Env, Exchange, OrderDivision, ResvOrderDivision, ReviseCancel, Side
from kisdesk.api.errors import (
    IsolationError,
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisError,
    KisHttpError,
    KisOutcomeUnknownError,
    KisProtocolError,
    KisRateLimitError,
    KisUncertainApiError,
    NotAvailableError,
)
from kisdesk.api.isolation import check_request
from kisdesk.api.models import (
    OverseasOrderRequest,
    ReservationCancelRequest,
    ReservationListQuery,
    ReservationOrderRequest,
    ReservationReviseRequest,
    ReviseCancelRequest,
)
from tests.api.kis_fakes import APPKEY, APPSECRET, FakeKis, body_of, envelope, html, kis_error, ok, raises

ORDER = "/uapi/overseas-stock/v1/trading/order"
RVSECNCL = "/uapi/overseas-stock/v1/trading/order-rvsecncl"
RESV = "/uapi/domestic-stock/v1/trading/order-resv"
RESV_RC = "/uapi/domestic-stock/v1/trading/order-resv-rvsecncl"
CCNL = "/uapi/overseas-stock/v1/trading/inquire-ccnl"
PRICE = "/uapi/overseas-price/v1/quotations/price"
ACK = {"KRX_FWDG_ORD_ORGNO": "01790", "ODNO": "0000004336", "ORD_TMD": "160524"}
QUOTE = {"last": "190.5"}
# Headers httpx adds by itself; everything else on the wire is ours.
HTTPX_OWN = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}

BUY_AAPL = OverseasOrderRequest(
    account="12345678",
    product_code="01",
    exchange=Exchange.NASD,
    symbol="AAPL",
    quantity=10,
    price=Decimal("145.00"),
    division=OrderDivision.LIMIT,
)
CANCEL_HK = ReviseCancelRequest(
    account="12345678",
    product_code="01",
    exchange=Exchange.SEHK,
    symbol="00700",
    original_order_no="0000001234",
    action=ReviseCancel.CANCEL,
    quantity=0,
    price=Decimal(0),
)


def _ours(request: httpx.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k not in HTTPX_OWN}


def _kis_headers(tr_id: str, request: httpx.Request) -> dict[str, str]:
    return {
        "content-type": "application/json; charset=utf-8",
        "authorization": request.headers["authorization"],  # checked separately: "Bearer <token>"
        "appkey": APPKEY,
        "appsecret": APPSECRET,
        "tr_id": tr_id,
        "custtype": "P",
    }


# --- golden wire shapes ---------------------------------------------------------------------------


async def test_order_wire_shape(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, ok(ACK))
    ack = await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert ack.order_no == "0000004336"
    (request,) = kis.business
    assert (request.method, str(request.url)) == (
        "POST",
        "https://openapi.koreainvestment.com:9443/uapi/overseas-stock/v1/trading/order",
    )
    assert _ours(request) == _kis_headers("TTTT1002U", request)
    assert request.headers["authorization"] == "Bearer tok1-eyJhbGciOiJSUzI1NiJ9.canary"
    assert body_of(request) == {
        "CANO": "12345678",
        "ACNT_PRDT_CD": "01",
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": "10",
        "OVRS_ORD_UNPR": "145.00",
        "CTAC_TLNO": "",
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
        "ORD_DVSN": "00",
    }


async def test_paper_us_sell_uses_the_exception_tr(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, ok(ACK))
    client = make_client(kis, Env.PAPER)
    await client.place_order(BUY_AAPL.model_copy(update={"sell_type": "00"}), Side.SELL)
    (request,) = kis.business
    assert request.url.host == "openapivts.koreainvestment.com"
    assert request.headers["tr_id"] == "VTTT1001U"
    assert body_of(request)["SLL_TYPE"] == "00"


async def test_revise_wire_shape(kis: FakeKis, make_client) -> None:
    kis.on(RVSECNCL, ok(ACK))
    revise = ReviseCancelRequest(
        account="12345678",
        product_code="01",
        exchange=Exchange.NYSE,
        symbol="IBM",
        original_order_no="0000001234",
        action=ReviseCancel.REVISE,
        quantity=5,
        price=Decimal("101.25"),
    )
    await make_client(kis).revise_cancel(revise)
    (request,) = kis.business
    assert _ours(request) == _kis_headers("TTTT1004U", request)
    assert body_of(request) == {
        "CANO": "12345678",
        "ACNT_PRDT_CD": "01",
        "OVRS_EXCG_CD": "NYSE",
        "PDNO": "IBM",
        "ORGN_ODNO": "0000001234",
        "RVSE_CNCL_DVSN_CD": "01",
        "ORD_QTY": "5",
        "OVRS_ORD_UNPR": "101.25",
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
    }


async def test_cancel_wire_shape(kis: FakeKis, make_client) -> None:
    kis.on(RVSECNCL, ok(ACK))
    await make_client(kis).revise_cancel(CANCEL_HK)
    (request,) = kis.business
    assert _ours(request) == _kis_headers("TTTS1003U", request)
    assert body_of(request) == {
        "CANO": "12345678",
        "ACNT_PRDT_CD": "01",
        "OVRS_EXCG_CD": "SEHK",
        "PDNO": "00700",
        "ORGN_ODNO": "0000001234",
        "RVSE_CNCL_DVSN_CD": "02",
        "ORD_QTY": "0",
        "OVRS_ORD_UNPR": "0",
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
    }


async def test_reservation_wire_shape(kis: FakeKis, make_client) -> None:
    kis.on(RESV, ok({"RSVN_ORD_SEQ": "88"}))
    req = ReservationOrderRequest(
        account="12345678",
        product_code="01",
        symbol="005930",
        quantity=1,
        price=Decimal(55000),
        side=Side.BUY,
        division=ResvOrderDivision.LIMIT,
    )
    out = await make_client(kis).place_reservation(req)
    assert out.sequence == "88"
    (request,) = kis.business
    assert _ours(request) == _kis_headers("CTSC0008U", request)
    assert body_of(request) == {
        "CANO": "12345678",
        "ACNT_PRDT_CD": "01",
        "PDNO": "005930",
        "ORD_QTY": "1",
        "ORD_UNPR": "55000",
        "SLL_BUY_DVSN_CD": "02",
        "ORD_DVSN_CD": "00",
        "ORD_OBJT_CBLC_DVSN_CD": "10",
    }


async def test_reservation_cancel_and_revise_pick_their_trs(kis: FakeKis, make_client) -> None:
    kis.on(RESV_RC, ok({"NRML_PRCS_YN": "Y"}))
    client = make_client(kis)
    await client.cancel_reservation(
        ReservationCancelRequest(account="12345678", product_code="01", sequence="88")
    )
    revise = ReservationReviseRequest(
        account="12345678",
        product_code="01",
        symbol="005930",
        quantity=2,
        price=Decimal(54000),
        side=Side.BUY,
        division=ResvOrderDivision.LIMIT,
        sequence="88",
    )
    assert (await client.revise_reservation(revise)).processed == "Y"
    cancel, rev = kis.business
    assert (cancel.headers["tr_id"], rev.headers["tr_id"]) == ("CTSC0009U", "CTSC0013U")
    assert body_of(cancel) == {"CANO": "12345678", "ACNT_PRDT_CD": "01", "RSVN_ORD_SEQ": "88"}


async def test_token_request_wire_shape(kis: FakeKis, make_client) -> None:
    token = await make_client(kis).issue_token()
    (request,) = kis.requests
    assert (request.method, request.url.path) == ("POST", "/oauth2/tokenP")
    assert _ours(request) == {"content-type": "application/json"}
    assert body_of(request) == {"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}
    assert token.token == "tok1-eyJhbGciOiJSUzI1NiJ9.canary"


async def test_paged_get_sends_tr_cont_and_query(kis: FakeKis, make_client) -> None:
    kis.on(CCNL, httpx.Response(200, json=envelope([], msg_cd="KIOK0560"), headers={"tr_cont": "D"}))
    await make_client(kis).history_all(date(2026, 1, 5), date(2026, 1, 6))
    (request,) = kis.business
    assert request.method == "GET"
    assert request.content == b""
    assert _ours(request) == _kis_headers("TTTS3035R", request) | {"tr_cont": ""}
    assert dict(parse_qs(request.url.query.decode(), keep_blank_values=True)) == {
        "CANO": ["12345678"],
        "ACNT_PRDT_CD": ["01"],
        "PDNO": ["%"],
        "ORD_STRT_DT": ["20260105"],
        "ORD_END_DT": ["20260106"],
        "SLL_BUY_DVSN": ["00"],
        "CCLD_NCCS_DVSN": ["00"],
        "OVRS_EXCG_CD": ["%"],
        "SORT_SQN": ["DS"],
        "ORD_DT": [""],
        "ORD_GNO_BRNO": [""],
        "ODNO": [""],
        "CTX_AREA_NK200": [""],
        "CTX_AREA_FK200": [""],
    }


async def test_paper_history_sends_the_all_filters_and_filters_locally(kis: FakeKis, make_client) -> None:
    rows = [
        {"odno": "1", "pdno": "AAPL", "sll_buy_dvsn_cd": "02", "ovrs_excg_cd": "NASD"},
        {"odno": "2", "pdno": "TSLA", "sll_buy_dvsn_cd": "02", "ovrs_excg_cd": "NASD"},
    ]
    kis.on(CCNL, httpx.Response(200, json=envelope(rows, msg_cd="KIOK0510"), headers={"tr_cont": "E"}))
    got = await make_client(kis, Env.PAPER).history_all(date(2026, 1, 5), date(2026, 1, 5), symbol="AAPL")
    assert [r.order_no for r in got] == ["1"]
    query = parse_qs(kis.business[0].url.query.decode(), keep_blank_values=True)
    assert (query["PDNO"], query["OVRS_EXCG_CD"], query["SLL_BUY_DVSN"], query["CCLD_NCCS_DVSN"]) == (
        [""],
        [""],
        ["00"],
        ["00"],
    )


async def test_quote_uses_the_quote_exchange_code(kis: FakeKis, make_client) -> None:
    kis.on(PRICE, ok(QUOTE))
    assert (await make_client(kis).quote(Exchange.NASD, "AAPL")).last == Decimal("190.5")
    query = parse_qs(kis.business[0].url.query.decode(), keep_blank_values=True)
    assert query == {"AUTH": [""], "EXCD": ["NAS"], "SYMB": ["AAPL"]}
    assert "tr_cont" not in kis.business[0].headers


# --- retry table ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (raises(httpx.ReadTimeout), KisOutcomeUnknownError),
        (raises(httpx.WriteTimeout), KisOutcomeUnknownError),
        (raises(httpx.RemoteProtocolError), KisOutcomeUnknownError),
        (raises(httpx.ReadError), KisOutcomeUnknownError),
        (html(502), KisHttpError),
        (html(500), KisHttpError),
        (httpx.Response(200, text='{"rt_cd": "0", "output": {"ODN'), KisProtocolError),
        (httpx.Response(200, json=envelope({"no": "odno"})), KisProtocolError),
        (kis_error("EGW00301"), KisUncertainApiError),
        (kis_error("APBK0918", "주문가능금액이 부족합니다", status=200), KisApiError),
    ],
)
async def test_an_order_with_an_unclear_or_final_answer_is_sent_once(
    kis: FakeKis, make_client, reply, error
) -> None:
    kis.on(ORDER, reply)
    with pytest.raises(error):
        await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == 1


async def test_an_order_past_the_deadline_is_outcome_unknown(kis: FakeKis, make_client) -> None:
    async def stall(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        raise AssertionError("the deadline should have struck")

    kis.on(ORDER, stall)
    with pytest.raises(KisOutcomeUnknownError, match="no answer within"):
        await make_client(kis, deadline_s=0.05).place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == 1


async def test_an_order_that_could_not_connect_is_retried(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, raises(httpx.ConnectError), raises(httpx.ConnectTimeout), ok(ACK))
    assert (await make_client(kis).place_order(BUY_AAPL, Side.BUY)).order_no == "0000004336"
    assert len(kis.business) == 3


async def test_connect_failures_stop_after_three_attempts(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, raises(httpx.ConnectError))
    with pytest.raises(KisConnectError, match="nothing was sent"):
        await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == 3


async def test_an_order_refused_for_rate_is_retried(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, kis_error("EGW00201"), kis_error("EGW00201"), ok(ACK))
    await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == 3


async def test_rate_refusals_stop_after_three_retries(kis: FakeKis, make_client) -> None:
    kis.on(ORDER, kis_error("EGW00201", "초당 거래건수를 초과하였습니다."))
    with pytest.raises(KisRateLimitError) as info:
        await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert (info.value.msg_cd, info.value.status) == ("EGW00201", 500)
    assert len(kis.business) == 4


async def test_rate_refusal_in_http_200_is_recognised(kis: FakeKis, make_client) -> None:
    kis.on(PRICE, kis_error("EGW00201", status=200), ok(QUOTE))
    await make_client(kis).quote(Exchange.NASD, "AAPL")
    assert len(kis.business) == 2


@pytest.mark.parametrize(
    "reply",
    [
        html(502),
        raises(httpx.ReadTimeout),
        raises(httpx.RemoteProtocolError),
        httpx.Response(200, text="<html>"),
    ],
)
async def test_a_get_with_an_unclear_answer_is_retried(kis: FakeKis, make_client, reply) -> None:
    kis.on(PRICE, reply, ok(QUOTE))
    assert (await make_client(kis).quote(Exchange.NASD, "AAPL")).found
    assert len(kis.business) == 2


async def test_get_retries_are_bounded(kis: FakeKis, make_client) -> None:
    kis.on(PRICE, html(503))
    with pytest.raises(KisHttpError) as info:
        await make_client(kis).quote(Exchange.NASD, "AAPL")
    assert info.value.status == 503
    assert len(kis.business) == 3


async def test_a_business_rejection_is_final_and_verbatim(kis: FakeKis, make_client) -> None:
    kis.on(PRICE, kis_error("APBK0656", "해당 종목이 존재하지 않습니다", status=200))
    with pytest.raises(KisApiError) as info:
        await make_client(kis).quote(Exchange.NASD, "NOPE")
    assert (info.value.tr_id, info.value.msg1, info.value.status) == (
        "HHDFS00000300",
        "해당 종목이 존재하지 않습니다",
        200,
    )
    assert len(kis.business) == 1


async def test_a_token_failure_is_final_and_leaves_the_order_unsent(kis: FakeKis, make_client) -> None:
    kis.on(FakeKis.TOKEN_PATH, raises(httpx.ReadTimeout))
    with pytest.raises(KisAuthError, match="request not sent"):
        await make_client(kis).place_order(BUY_AAPL, Side.BUY)
    assert (kis.token_calls, kis.business) == (1, [])


# --- isolation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        (Env.PAPER, "https://openapi.koreainvestment.com:9443"),
        (Env.REAL, "https://openapivts.koreainvestment.com:29443"),
        (Env.PAPER, "https://kis-proxy.example.com"),
        (Env.REAL, "http://10.0.0.5:8080"),
        (Env.DEMO, None),
        (Env.DEMO, "https://openapi.koreainvestment.com:9443"),
        (Env.REAL, "http://127.0.0.1:8080/uapi"),
        (Env.REAL, "ftp://127.0.0.1"),
    ],
)
def test_a_client_cannot_target_another_environment(creds, env: Env, base_url: str | None) -> None:
    from kisdesk.api.auth import MemoryTokenStore
    from kisdesk.api.client import KisClient
    from tests.api.kis_fakes import ACCOUNT

    with pytest.raises(IsolationError):
        KisClient(env, creds, ACCOUNT, token_store=MemoryTokenStore(), base_url=base_url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
async def test_loopback_override_is_allowed(kis: FakeKis, make_client, host: str) -> None:
    kis.on(PRICE, ok(QUOTE))
    client = make_client(kis, Env.PAPER, base_url=f"http://{host}:8123")
    await client.quote(Exchange.NASD, "AAPL")
    assert kis.business[0].url.port == 8123


def test_every_request_is_checked_for_host_and_tr_family() -> None:
    real = httpx.URL("https://openapi.koreainvestment.com:9443")
    paper = httpx.URL("https://openapivts.koreainvestment.com:29443")
    check_request(Env.REAL, real, real.join("/x"), "TTTT1002U")
    with pytest.raises(IsolationError, match="not a real-family TR"):
        check_request(Env.REAL, real, real.join("/x"), "VTTT1002U")
    with pytest.raises(IsolationError, match="not a paper-family TR"):
        check_request(Env.PAPER, paper, paper.join("/x"), "CTSC0008U")
    with pytest.raises(IsolationError):
        check_request(Env.PAPER, paper, real.join("/x"), "VTTT1002U")


async def test_a_client_refuses_a_tr_of_the_other_family_unsent_every_time(kis: FakeKis, make_client) -> None:
    from kisdesk.api.client import _Call
    from kisdesk.api.registry import ApiId
    from kisdesk.api.transport import Kind

    kis.on(ORDER, ok(ACK))
    client = make_client(kis)  # real
    paper_buy = _Call(ApiId.OVERSEAS_ORDER, "VTTT1002U", Kind.ORDER, body=BUY_AAPL.to_wire())
    for _ in range(2):  # a refusal is not remembered as a pass
        with pytest.raises(IsolationError, match="not a real-family TR"):
            await client._fetch_json(paper_buy)
    assert kis.requests == []
    await client.place_order(BUY_AAPL, Side.BUY)
    await client.place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == 2


def test_a_clients_environment_and_host_cannot_be_changed(creds) -> None:
    from kisdesk.api.auth import MemoryTokenStore
    from kisdesk.api.client import KisClient
    from tests.api.kis_fakes import ACCOUNT

    client = KisClient(Env.REAL, creds, ACCOUNT, token_store=MemoryTokenStore())
    with pytest.raises(AttributeError):
        client.env = Env.PAPER  # type: ignore[misc]
    with pytest.raises(AttributeError):
        client.base_url = httpx.URL("https://openapivts.koreainvestment.com:29443")  # type: ignore[misc]


async def test_an_order_for_another_account_is_refused_unsent(kis: FakeKis, make_client) -> None:
    with pytest.raises(IsolationError):
        await make_client(kis).place_order(BUY_AAPL.model_copy(update={"account": "87654321"}), Side.BUY)
    assert kis.requests == []


async def test_reservations_on_paper_are_refused_unsent(kis: FakeKis, make_client) -> None:
    client = make_client(kis, Env.PAPER)
    resv = ReservationOrderRequest(
        account="12345678",
        product_code="01",
        symbol="005930",
        quantity=1,
        price=Decimal(0),
        side=Side.BUY,
        division=ResvOrderDivision.MARKET,
    )
    cancel = ReservationCancelRequest(account="12345678", product_code="01", sequence="1")
    listing = ReservationListQuery(
        start_date=date(2026, 1, 5), end_date=date(2026, 1, 6), account="12345678", product_code="01"
    )
    calls = [
        client.place_reservation(resv),
        client.cancel_reservation(cancel),
        client.reservations_page(listing),
        client.reservations_all(date(2026, 1, 5), date(2026, 1, 6)),
    ]
    for call in calls:
        with pytest.raises(NotAvailableError):
            await call
    assert kis.requests == []


async def test_a_revise_on_a_cancel_only_market_is_refused_unsent(kis: FakeKis, make_client) -> None:
    revise = CANCEL_HK.model_copy(
        update={
            "exchange": Exchange.SHAA,
            "action": ReviseCancel.REVISE,
            "quantity": 100,
            "price": Decimal(9),
        }
    )
    with pytest.raises(NotAvailableError):
        await make_client(kis).revise_cancel(revise)
    assert kis.requests == []


# --- secrets --------------------------------------------------------------------------------------


def _echo(status: int, shape: str):
    """A server that quotes the request's own secret headers back in its answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        h = request.headers
        text = (
            f"appkey {h['appkey']} appsecret={h['appsecret']} {h['authorization']} {h['authorization'][7:]}"
        )
        if shape == "html":
            return httpx.Response(status, text=text)
        if shape == "detail":
            return httpx.Response(status, json={"detail": text})
        if shape == "output":
            return httpx.Response(status, json={"rt_cd": "0", "output": {"echo": text}})
        return kis_error(shape, text, status=status)

    return handler


@pytest.mark.parametrize(
    "reply",
    [
        _echo(200, "APBK0918"),
        _echo(500, "EGW00201"),
        _echo(500, "EGW00123"),
        _echo(500, "EGW00302"),
        _echo(502, "html"),
        _echo(404, "detail"),
        _echo(200, "output"),
        raises(httpx.ConnectError),
        raises(httpx.ReadTimeout),
    ],
)
async def test_secrets_never_appear_in_errors_or_logs(kis: FakeKis, make_client, caplog, reply) -> None:
    caplog.set_level(logging.DEBUG, logger="kisdesk.api")
    kis.on(ORDER, reply)
    client = make_client(kis)
    with pytest.raises(KisError) as info:
        await client.place_order(BUY_AAPL, Side.BUY)
    shown = [str(info.value), repr(info.value), repr(client), caplog.text]
    tokens = [r.headers["authorization"][7:] for r in kis.business]
    for secret in (APPKEY, APPSECRET, *tokens):
        assert not any(secret in text for text in shown)


def test_no_code_path_disables_tls_verification() -> None:
    package = Path(kisdesk.__file__).parent
    offenders = [
        str(path)
        for path in package.rglob("*.py")
        if "verify=False" in path.read_text(encoding="utf-8").replace(" ", "")
    ]
    assert offenders == []


async def test_context_manager_closes_the_http_client(kis: FakeKis, make_client) -> None:
    async with make_client(kis) as client:
        pass
    assert client._link.is_closed


# --- connect phase vs sent: httpcore's trace events -----------------------------------------------


def _traced(*events: str, then: type[httpx.TransportError] | None = None):
    """A transport handler that reports httpcore-style trace events, then fails or stalls."""

    async def handler(request: httpx.Request) -> httpx.Response:
        trace = request.extensions["trace"]
        for name in events:
            await trace(name, {})
        if then is not None:
            raise then("scripted", request=request)
        await asyncio.sleep(5)
        raise AssertionError("the deadline should have struck")

    return handler


CONNECTING = ("connection.connect_tcp.started",)
CONNECTED_TLS = (
    "connection.connect_tcp.started",
    "connection.connect_tcp.complete",
    "connection.start_tls.started",
)
SENDING = (*CONNECTED_TLS, "connection.start_tls.complete", "http11.send_request_headers.started")


@pytest.mark.parametrize(
    ("events", "then", "error", "attempts"),
    [
        (CONNECTING, None, KisConnectError, 3),  # the deadline struck while connecting
        (CONNECTED_TLS, None, KisConnectError, 3),  # ... or during the TLS handshake
        (CONNECTING, httpx.ReadTimeout, KisConnectError, 3),
        (SENDING, None, KisOutcomeUnknownError, 1),  # headers started: KIS may have the order
        (("http11.send_request_headers.started",), None, KisOutcomeUnknownError, 1),  # pooled connection
        (SENDING, httpx.WriteTimeout, KisOutcomeUnknownError, 1),
        ((), None, KisOutcomeUnknownError, 1),  # no trace evidence at all: never assume "not sent"
    ],
    ids=[
        "deadline_connecting",
        "deadline_tls",
        "timeout_connecting",
        "deadline_sending",
        "deadline_pooled",
        "timeout_sending",
        "deadline_untraced",
    ],
)
async def test_the_deadline_or_a_failure_before_the_headers_means_nothing_was_sent(
    kis: FakeKis, make_client, events, then, error, attempts
) -> None:
    kis.on(ORDER, _traced(*events, then=then))
    with pytest.raises(error):
        await make_client(kis, deadline_s=0.05).place_order(BUY_AAPL, Side.BUY)
    assert len(kis.business) == attempts  # nothing sent: retried like any connect failure


async def test_the_trace_of_a_caller_still_gets_every_event(kis: FakeKis, make_client) -> None:
    seen: list[str] = []

    async def mine(name: str, info: dict[str, object]) -> None:
        seen.append(name)

    client = make_client(kis.on(ORDER, _traced(*SENDING, then=httpx.ReadError)))
    request = httpx.Request(
        "POST", "https://openapi.koreainvestment.com:9443" + ORDER, extensions={"trace": mine}
    )
    with pytest.raises(KisOutcomeUnknownError):
        await client._link.send(request, 1.0, "TTTT1002U")
    assert seen == list(SENDING)
