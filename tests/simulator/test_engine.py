"""Gateway checks, in KIS order, through `Engine.handle` (no sockets)."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.faults import Fault, FaultKind
from kisdesk.simulator.protocol import CallContext, SimReply, SimRequest, ok
from kisdesk.simulator.settings import SimSettings


@pytest.fixture
def token(rig):
    return rig.token()


def _code(out):
    return out.json()["msg_cd"]


def test_unknown_path_is_404(rig, token):
    out = rig.get("/uapi/overseas-stock/v1/trading/no-such-thing", {}, rig.headers(token, "TTTS3018R"))
    assert out.status == 404
    assert out.json()["rt_cd"] == "1"
    assert _code(out) == "OPSQ0002"


def test_wrong_method_is_405(rig, token):
    out = rig.get(rig.ORDER_PATH, {}, rig.headers(token, "TTTT1002U"))
    assert out.status == 405
    assert _code(out) == "EGW00101"
    assert out.header("allow") == "POST"


def test_non_json_content_type_is_egw00132(rig, token):
    headers = rig.headers(token, "TTTT1002U", **{"content-type": "application/x-www-form-urlencoded"})
    out = rig.post(rig.ORDER_PATH, rig.order_body(), headers)
    assert (out.status, _code(out)) == (500, "EGW00132")


def test_missing_content_type_is_accepted(rig, token):
    req = SimRequest("POST", rig.ORDER_PATH, rig.headers(token, "TTTT1002U"), {}, b'{"CANO": "50123456"}')
    assert _code(rig.engine.handle(req)) != "EGW00132"


@pytest.mark.parametrize(
    ("raw", "code"), [(b"", "OPSQ9995"), (b"{not json", "OPSQ9997"), (b"[1, 2]", "OPSQ9997")]
)
def test_body_must_be_a_json_object(rig, token, raw, code):
    out = rig.post(rig.ORDER_PATH, raw, rig.headers(token, "TTTT1002U"))
    assert (out.status, _code(out)) == (500, code)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"appkey": None}, "EGW00102"),
        ({"appkey": "short"}, "EGW00103"),
        ({"appsecret": None}, "EGW00104"),
        ({"appsecret": "s" * 10}, "EGW00105"),
        ({"appsecret": "t" * 180}, "EGW00105"),  # well-formed but not the key's secret
        ({"appkey": None, "authorization": None, "tr_id": None}, "EGW00102"),  # appkey is checked first
        ({"tr_id": None}, "OPSQ9999"),
    ],
)
def test_header_checks(rig, token, change, code):
    headers = rig.headers(token, "TTTT1002U")
    for name, value in change.items():
        if value is None:
            del headers[name]
        else:
            headers[name] = value
    out = rig.post(rig.ORDER_PATH, rig.order_body(), headers)
    assert (out.status, _code(out)) == (500, code)
    assert rig.book.orders == []


def test_header_names_are_case_insensitive_via_the_front(rig, token):
    # The HTTP front lower-cases names; legacy OTA code sends appKey/appSecret.
    headers = {k.lower(): v for k, v in {**rig.headers(token, "TTTT1002U"), "appKey": rig.APPKEY}.items()}
    assert rig.post(rig.ORDER_PATH, rig.order_body(), headers).json()["rt_cd"] == "0"


def test_paper_host_refuses_real_tr(make_rig):
    rig = make_rig(TrFamily.PAPER, paper_rate_per_s=100)
    token = rig.token()
    out = rig.order(token, tr_id="TTTT1002U")
    assert (out.status, _code(out)) == (500, "EGW2004")
    assert rig.book.orders == []


def test_real_host_refuses_paper_tr(rig, token):
    out = rig.order(token, tr_id="VTTT1001U")
    assert (out.status, _code(out)) == (500, "EGW2004")


def test_wrong_family_code_is_a_setting(make_rig):
    rig = make_rig(wrong_family_code="EGW02004")
    token = rig.token()
    assert _code(rig.order(token, tr_id="VTTT1002U")) == "EGW02004"


def test_tr_of_another_endpoint_is_opsq0002(rig, token):
    out = rig.order(token, tr_id="TTTS3018R")
    assert (out.status, _code(out)) == (500, "OPSQ0002")


def test_reservations_are_unsupported_on_paper(make_rig):
    rig = make_rig(TrFamily.PAPER, paper_rate_per_s=100, paper_unsupported_status=200)
    token = rig.token()
    body = {"CANO": rig.CANO, "ACNT_PRDT_CD": "01", "PDNO": "005930", "ORD_QTY": "1"}
    out = rig.post(rig.RESV_PATH, body, rig.headers(token, "CTSC0008U"))
    assert (out.status, _code(out)) == (200, "IGW00009")
    assert out.json()["rt_cd"] == "1"


def test_reservations_work_on_real(rig, token):
    body = {"CANO": rig.CANO, "ACNT_PRDT_CD": "01", "PDNO": "005930", "ORD_QTY": "1"}
    assert rig.post(rig.RESV_PATH, body, rig.headers(token, "CTSC0008U")).json()["rt_cd"] == "0"


@pytest.mark.parametrize("family", [TrFamily.REAL, TrFamily.PAPER])
def test_quote_tr_is_shared_and_needs_no_account(make_rig, family):
    rig = make_rig(family, paper_rate_per_s=100)
    token = rig.token()
    out = rig.get(
        rig.PRICE_PATH, {"AUTH": "", "EXCD": "NAS", "SYMB": "AAPL"}, rig.headers(token, "HHDFS00000300")
    )
    assert _code(out) == "MCA00000"


@pytest.mark.parametrize(
    "body_change",
    [{"CANO": "5012345"}, {"CANO": "5012345X"}, {"ACNT_PRDT_CD": "02"}, {"CANO": None}, {"CANO": 50123456}],
)
def test_account_number_checks(rig, token, body_change):
    body = rig.order_body()
    for name, value in body_change.items():
        if value is None:
            del body[name]
        else:
            body[name] = value
    out = rig.post(rig.ORDER_PATH, body, rig.headers(token, "TTTT1002U"))
    assert (out.status, _code(out), out.json()["rt_cd"]) == (200, "OPSQ2000", "1")
    assert rig.book.orders == []


def test_appkey_is_bound_to_its_first_account(rig, token):
    assert rig.order(token).json()["rt_cd"] == "0"
    out = rig.order(token, cano="50999999")
    assert (out.status, _code(out)) == (200, "IGW00002")
    assert "계좌번호" in out.json()["msg1"]
    assert rig.engine.account_of(rig.APPKEY) == rig.CANO
    other = rig.token(appkey=rig.OTHER_APPKEY)
    assert rig.order(other, cano="50999999", appkey=rig.OTHER_APPKEY).json()["rt_cd"] == "0"


def test_account_on_get_comes_from_the_query(rig, token):
    assert rig.nccs(token).json()["rt_cd"] == "0"
    assert _code(rig.nccs(token, cano="50999999")) == "IGW00002"


def test_response_headers(rig, token):
    first, second = rig.order(token), rig.nccs(token)
    assert first.header("content-type") == "application/json; charset=utf-8"
    assert first.header("tr_id") == "TTTT1002U"
    assert first.header("tr_cont") is None
    assert second.header("tr_cont") == "D"  # set by the handler
    uids = {first.header("gt_uid"), second.header("gt_uid")}
    assert len(uids) == 2
    assert all(re.fullmatch(r"[0-9a-f]{32}", u or "") for u in uids)
    assert all(name == name.lower() for name, _ in first.headers)
    assert first.header("content-length") == str(len(first.body))


def _capturing_engine(family=TrFamily.REAL):
    seen: list[tuple[CallContext, dict[str, Any]]] = []

    class Book:
        visibility_delay_s = 0.0

        def __init__(self):
            self.advanced = []

        def advance(self, now):
            self.advanced.append(now)

        def ledger(self):
            return [{"n": len(seen)}]

    def handler(ctx, params):
        seen.append((ctx, dict(params)))
        return SimReply(200, ok("KIOK0510", "ok", output=[]))

    book = Book()
    path = "/uapi/overseas-stock/v1/trading/inquire-nccs"
    engine = Engine(family, None, ManualClock(), book=book, routes={("GET", path): handler})
    return engine, book, seen, path


def test_call_context_and_book_advance(rig):
    engine, book, seen, path = _capturing_engine()
    token_req = SimRequest("POST", "/oauth2/tokenP", {}, {}, json.dumps(rig.token_body()).encode())
    tok = engine.handle(token_req).json()["access_token"]
    headers = rig.headers(tok, "TTTS3018R", tr_cont="N", **{"x-kisdesk-intent": "I-9"})
    query = {"CANO": rig.CANO, "ACNT_PRDT_CD": "01", "CTX_AREA_FK200": "abc"}
    out = engine.handle(SimRequest("GET", path, headers, query))
    assert out.json()["rt_cd"] == "0"
    ctx, params = seen[0]
    assert (ctx.family, ctx.tr_id, ctx.tr_cont, ctx.appkey) == (TrFamily.REAL, "TTTS3018R", "N", rig.APPKEY)
    assert ctx.intent == "I-9"
    assert ctx.now == engine.clock.now()
    assert ctx.now.utcoffset().total_seconds() == 9 * 3600
    assert params["CTX_AREA_FK200"] == "abc"
    assert book.advanced == [ctx.now]
    assert engine.ledger() == [{"n": 1}]
    assert engine.intent_posts() == {}  # GETs are not counted


def test_handler_exception_becomes_500_and_is_kept(rig, token):
    def broken(ctx, params):
        raise RuntimeError("book bug")

    rig.engine._routes[("GET", rig.NCCS_PATH)] = broken
    out = rig.nccs(token)
    assert (out.status, _code(out)) == (500, "OPSQ3001")
    assert isinstance(rig.engine.handler_errors[0], RuntimeError)


def test_requests_reach_the_book_one_at_a_time(rig, token):
    inside = threading.Semaphore(1)
    overlaps = []

    def slow(ctx, params):
        if not inside.acquire(blocking=False):
            overlaps.append(ctx)
            return SimReply(200, ok("KIOK0510", "x"))
        try:
            threading.Event().wait(0.002)
            return SimReply(200, ok("KIOK0510", "ok", output=[]))
        finally:
            inside.release()

    rig.engine._routes[("GET", rig.NCCS_PATH)] = slow
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: rig.nccs(token).json()["rt_cd"], range(40)))
    assert results == ["0"] * 40
    assert overlaps == []


def test_token_endpoints_take_post_only(rig):
    out = rig.get(rig.TOKEN_PATH, {})
    assert (out.status, _code(out)) == (405, "EGW00101")
    assert out.header("allow") == "POST"


# --- with the real book -----------------------------------------------------------------------------


def _real_engine(family, **settings):
    sim_settings = SimSettings(real_rate_per_s=1000, paper_rate_per_s=1000)
    sim_settings.update(**settings)
    return Engine(family, sim_settings, ManualClock())  # default start: Monday 23:30 KST, US open


def _post(engine, path, body, headers):
    raw = json.dumps(body).encode()
    return engine.handle(SimRequest("POST", path, {"content-type": "application/json", **headers}, {}, raw))


def _book_token(engine, rig):
    return _post(engine, rig.TOKEN_PATH, rig.token_body(), {}).json()["access_token"]


@pytest.mark.parametrize(
    ("family", "tr_id", "nccs_tr"),
    [(TrFamily.REAL, "TTTT1002U", "TTTS3018R"), (TrFamily.PAPER, "VTTT1002U", "VTTS3018R")],
)
def test_order_reaches_the_real_book(rig, family, tr_id, nccs_tr):
    engine = _real_engine(family)
    token = _book_token(engine, rig)
    body = {**rig.order_body(), "OVRS_ORD_UNPR": "1.00"}  # far below the market: rests unfilled
    out = _post(engine, rig.ORDER_PATH, body, rig.headers(token, tr_id, **{"x-kisdesk-intent": "I-7"}))
    assert out.status == 200, out.body
    assert out.json()["rt_cd"] == "0", out.json()
    odno = out.json()["output"]["ODNO"]
    ledger = engine.ledger()
    assert [(e.order_no, e.intent) for e in ledger] == [(odno, "I-7")]
    assert engine.intent_posts() == {"I-7": 1}
    query = {
        "CANO": rig.CANO,
        "ACNT_PRDT_CD": "01",
        "OVRS_EXCG_CD": "NASD",
        "SORT_SQN": "DS",
        "CTX_AREA_FK200": "",
        "CTX_AREA_NK200": "",
    }
    pending = engine.handle(SimRequest("GET", rig.NCCS_PATH, rig.headers(token, nccs_tr), query))
    assert pending.json()["rt_cd"] == "0", pending.json()
    assert odno in {row["odno"] for row in pending.json()["output"]}


def test_reflection_delay_fault_hides_new_orders_from_the_real_book(rig):
    engine = _real_engine(TrFamily.REAL)
    engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=5))
    assert engine.book.visibility_delay_s == 5.0
    engine.faults.clear()
    assert engine.book.visibility_delay_s == 0.0


def test_real_book_reservations_on_paper_are_refused(rig):
    engine = _real_engine(TrFamily.PAPER)
    token = _book_token(engine, rig)
    body = {"CANO": rig.CANO, "ACNT_PRDT_CD": "01", "PDNO": "005930", "ORD_QTY": "1"}
    out = _post(engine, rig.RESV_PATH, body, rig.headers(token, "CTSC0008U"))
    assert (out.status, _code(out)) == (500, "IGW00009")


def test_stand_in_book_needs_routes():
    with pytest.raises(TypeError, match="explicit routes"):
        Engine(TrFamily.REAL, book=object())  # type: ignore[arg-type]
