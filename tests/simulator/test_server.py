"""The HTTP front over real loopback sockets: keep-alive, faults on the wire, stop(), control endpoints."""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from kisdesk.simulator.faults import Fault, FaultKind
from kisdesk.simulator.server import SimServer, _Handler, serve


@pytest.fixture
def client(live):
    _, url = live
    with httpx.Client(base_url=url, timeout=5.0) as c:
        yield c


@pytest.fixture
def token(live, client):
    rig, _ = live
    resp = client.post(rig.TOKEN_PATH, json=rig.token_body())
    assert resp.status_code == 200
    return resp.json()["access_token"]


def _connect(port: int | None) -> http.client.HTTPConnection:
    assert port is not None
    return http.client.HTTPConnection("127.0.0.1", port, timeout=5)


def _order(client, rig, token, **headers):
    return client.post(
        rig.ORDER_PATH, json=rig.order_body(), headers=rig.headers(token, "TTTT1002U", **headers)
    )


def test_base_url_is_loopback_with_a_real_port(live):
    _, url = live
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.hostname == "127.0.0.1"
    assert (parts.port or 0) > 0


def test_refuses_non_loopback_bind(rig):
    with pytest.raises(ValueError, match="loopback"):
        SimServer(rig.engine, host="0.0.0.0")


def test_handler_is_http11_without_nagle():
    # stack-notes pitfall #4: without this each request costs ~44 ms (Nagle + delayed ACK).
    assert _Handler.disable_nagle_algorithm is True
    assert _Handler.protocol_version == "HTTP/1.1"


def test_order_over_http(live, client, token):
    rig, _ = live
    resp = _order(client, rig, token)
    assert resp.status_code == 200
    assert resp.json()["output"]["ODNO"] == "0000000001"
    assert resp.headers["content-type"] == "application/json; charset=utf-8"
    assert resp.headers["tr_id"] == "TTTT1002U"
    assert len(resp.headers["gt_uid"]) == 32
    assert any(name == b"tr_id" for name, _ in resp.headers.raw)  # sent lower-case


def test_query_string_reaches_the_handler(live, client, token):
    rig, _ = live
    resp = client.get(
        rig.NCCS_PATH,
        params={"CANO": rig.CANO, "ACNT_PRDT_CD": "01", "CTX_AREA_FK200": ""},
        headers=rig.headers(token, "TTTS3018R"),
    )
    assert resp.json()["rt_cd"] == "0"
    assert resp.headers["tr_cont"] == "D"


def test_keep_alive_reuses_one_connection(live):
    rig, url = live
    parts = urlsplit(url)
    conn = _connect(parts.port)
    try:
        sockets = set()
        for _ in range(20):
            conn.request(
                "POST", rig.TOKEN_PATH, body=json.dumps({}), headers={"content-type": "application/json"}
            )
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 403  # grant_type missing; any answer will do
            sockets.add(id(conn.sock))
        assert len(sockets) == 1
    finally:
        conn.close()


def test_chunked_request_body(live, token):
    rig, url = live
    parts = urlsplit(url)
    body = json.dumps(rig.order_body()).encode()
    conn = _connect(parts.port)
    try:
        headers = {**rig.headers(token, "TTTT1002U"), "content-type": "application/json"}
        conn.request(
            "POST", rig.ORDER_PATH, body=iter([body[:10], body[10:]]), headers=headers, encode_chunked=True
        )
        resp = conn.getresponse()
        assert json.loads(resp.read())["rt_cd"] == "0"
    finally:
        conn.close()


def test_drop_before_closes_without_response(live, client, token):
    rig, _ = live
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", count=1))
    with pytest.raises(httpx.RemoteProtocolError):
        _order(client, rig, token)
    assert rig.book.orders == []
    assert _order(client, rig, token).json()["rt_cd"] == "0"


def test_html_after_commit(live, client, token):
    rig, _ = live
    rig.engine.faults.add(Fault(FaultKind.HTML_500_AFTER, match="orders", count=1))
    resp = _order(client, rig, token)
    assert resp.status_code == 502
    assert resp.headers["content-type"] == "text/html"
    assert len(rig.book.orders) == 1


def test_malformed_json_on_the_wire(live, client, token):
    rig, _ = live
    rig.engine.faults.add(Fault(FaultKind.MALFORMED_JSON, match="orders", count=1))
    resp = _order(client, rig, token)
    assert resp.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        resp.json()
    assert _order(client, rig, token).json()["rt_cd"] == "0"  # the connection is still usable


def test_accept_then_stall_times_out_the_client_and_records_the_order(live, client, token):
    rig, _ = live
    rig.engine.faults.add(Fault(FaultKind.ACCEPT_THEN_STALL, match="orders", count=1))
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            rig.ORDER_PATH,
            json=rig.order_body(),
            headers=rig.headers(token, "TTTT1002U"),
            timeout=0.3,
        )
    assert len(rig.book.orders) == 1


def test_stop_releases_stalled_requests(make_rig):
    rig = make_rig()
    server = SimServer(rig.engine)
    url = server.start()
    errors: list[BaseException] = []

    def stalled_call():
        with httpx.Client(base_url=url, timeout=30.0) as c:
            try:
                c.post(rig.TOKEN_PATH, json=rig.token_body())
            except httpx.HTTPError as exc:
                errors.append(exc)

    rig.engine.faults.add(Fault(FaultKind.ACCEPT_THEN_STALL))
    caller = threading.Thread(target=stalled_call)
    try:
        caller.start()
        for _ in range(500):  # until the handler has run (the app is registered), at most ~5 s
            if rig.engine.tokens._apps:
                break
            threading.Event().wait(0.01)
    finally:
        server.stop()
    caller.join(10)
    assert not caller.is_alive()
    assert isinstance(errors[0], httpx.RemoteProtocolError)


def test_stop_closes_idle_keep_alive_connections(make_rig):
    rig = make_rig()
    server = SimServer(rig.engine)
    parts = urlsplit(server.start())
    conn = _connect(parts.port)
    try:
        conn.request("POST", rig.TOKEN_PATH, body=b"{}", headers={"content-type": "application/json"})
        conn.getresponse().read()
        assert any(t.name.startswith("kisdesk-sim-") for t in threading.enumerate())
        server.stop()  # the idle keep-alive reader must not keep stop() waiting
        assert not any(t.name.startswith("kisdesk-sim") for t in threading.enumerate())
    finally:
        conn.close()
        server.stop()


def test_serve_context_manager(rig):
    with serve(rig.engine) as url, httpx.Client(base_url=url, timeout=5) as c:
        assert c.post(rig.TOKEN_PATH, json=rig.token_body()).status_code == 200
    with pytest.raises(httpx.ConnectError), httpx.Client(base_url=url, timeout=1) as c:
        c.post(rig.TOKEN_PATH, json=rig.token_body())


# --- control endpoints ------------------------------------------------------------------------------


def test_control_endpoints_are_off_by_default(live, client):
    resp = client.get("/__sim__/ledger")
    assert resp.status_code == 404
    assert resp.json()["msg_cd"] == "OPSQ0002"


@pytest.fixture
def control(live, client):
    rig, _ = live
    rig.engine.settings.control_endpoints = True
    return client


def test_control_ledger_and_intents(live, control, token):
    rig, _ = live
    _order(control, rig, token, **{"x-kisdesk-intent": "I-1"})
    ledger = control.get("/__sim__/ledger").json()
    assert [row["odno"] for row in ledger] == ["0000000001"]
    assert control.get("/__sim__/intents").json() == {"I-1": 1}


def test_control_faults(live, control, token):
    rig, _ = live
    resp = control.post("/__sim__/faults", json={"kind": "html_500_before", "match": "orders", "status": 503})
    assert resp.status_code == 200
    assert control.get("/__sim__/faults").json()[0]["kind"] == "html_500_before"
    assert _order(control, rig, token).status_code == 503
    assert control.delete("/__sim__/faults").json() == []
    assert _order(control, rig, token).status_code == 200
    bad = control.post("/__sim__/faults", json={"kind": "teleport"})
    assert bad.status_code == 400


def test_control_clock(live, control, token):
    rig, _ = live
    before = rig.clock.now()
    resp = control.post("/__sim__/clock", json={"advance_s": 86_400})
    assert resp.status_code == 200
    assert (rig.clock.now() - before).total_seconds() == 86_400
    assert _order(control, rig, token).json()["msg_cd"] == "EGW00123"
    assert control.post("/__sim__/clock", json={"advance_s": "soon"}).status_code == 400


def test_control_settings(live, control):
    rig, _ = live
    settings = control.get("/__sim__/settings").json()
    assert settings["starting_cash"]["USD"] == "100000"
    resp = control.post("/__sim__/settings", json={"paper_rate_per_s": 5, "gateway_error_status": "200"})
    assert resp.status_code == 200
    assert (rig.engine.settings.paper_rate_per_s, rig.engine.settings.gateway_error_status) == (5, 200)
    assert control.post("/__sim__/settings", json={"no_such": 1}).status_code == 400
    assert control.post("/__sim__/settings", json={"enforce_ticks": 1}).status_code == 400
    assert control.post("/__sim__/settings", json={"rate_window_s": 2}).status_code == 200
    assert rig.engine.settings.rate_window_s == 2.0
