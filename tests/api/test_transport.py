"""`Link`: the HTTP link a client drives at httpx's transport level, and what it keeps of httpx."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kisdesk import __version__
from kisdesk.api import transport
from kisdesk.api.client import DEFAULT_TIMEOUT
from kisdesk.api.errors import KisConnectError, KisHttpError, KisOutcomeUnknownError
from kisdesk.api.transport import BASE_HEADERS, Link, WireTrace, proxy_for, unwrap

OFFICIAL = httpx.URL("https://openapi.koreainvestment.com:9443")
ENVELOPE = {"rt_cd": "0", "msg_cd": "APBK0013", "msg1": "ok", "output": {"ODNO": "0000004336"}}


class LoopbackHost:
    """A loopback HTTP/1.1 host: answers ENVELOPE (keeping the connection), or misbehaves on cue."""

    def __init__(self) -> None:
        self.behaviour = "answer"  # or "close" (read the request, then hang up) or "stall" (half a body)
        self.requests = 0
        self.url = httpx.URL("http://127.0.0.1:9/")
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = httpx.URL(f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/")

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = json.dumps(ENVELOPE).encode()
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
        try:
            while True:
                headers = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in headers.lower().split(b"\r\n")
                        if line.startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.requests += 1
                if self.behaviour == "close":
                    return
                if self.behaviour == "stall":
                    writer.write(head + body[:5])
                    await writer.drain()
                    await asyncio.sleep(30)
                    return
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def host() -> AsyncIterator[LoopbackHost]:
    served = LoopbackHost()
    await served.start()
    yield served
    await served.stop()


async def test_requests_carry_the_base_headers_and_the_timeouts() -> None:
    link = Link(
        OFFICIAL, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    request = link.request("POST", OFFICIAL.join("/x"), {"tr_id": "TTTT1002U"}, content=b"{}")
    assert {k: request.headers[k] for k in BASE_HEADERS} == dict(BASE_HEADERS)
    assert request.headers["user-agent"] == f"kisdesk/{__version__}"
    assert request.headers["tr_id"] == "TTTT1002U"
    assert request.extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    await link.aclose()


async def test_a_compressed_answer_is_decoded() -> None:
    def gzipped(request: httpx.Request) -> httpx.Response:
        content = gzip.compress(json.dumps(ENVELOPE).encode())
        return httpx.Response(200, content=content, headers={"content-encoding": "gzip"})

    link = Link(OFFICIAL, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(gzipped))
    response = await link.send(link.request("GET", OFFICIAL.join("/x"), {}), 1.0, "T")
    assert await unwrap(response, "T", ()) == ENVELOPE
    await link.aclose()


async def test_a_redirect_is_an_answer_not_followed() -> None:
    calls: list[httpx.Request] = []

    def redirect(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(302, headers={"location": "https://elsewhere.example.com/"})

    link = Link(OFFICIAL, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(redirect))
    response = await link.send(link.request("POST", OFFICIAL.join("/x"), {}), 1.0, "T")
    with pytest.raises(KisHttpError):
        await unwrap(response, "T", ())
    assert len(calls) == 1
    await link.aclose()


async def test_a_closed_link_sends_nothing() -> None:
    calls: list[httpx.Request] = []
    link = Link(OFFICIAL, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(calls.append))  # type: ignore[arg-type]
    await link.aclose()
    assert link.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        await link.send(link.request("GET", OFFICIAL.join("/x"), {}), 1.0, "T")
    assert calls == []


# --- the trace: where a request got to -------------------------------------------------------------


async def test_the_trace_leaves_once_the_headers_are_being_sent() -> None:
    extensions: dict[str, Any] = {}
    wire = extensions["trace"] = WireTrace(None, extensions)
    await wire("connection.connect_tcp.started", {})
    assert extensions["trace"] is wire
    assert wire.nothing_sent
    await wire("http11.send_request_headers.started", {})
    assert "trace" not in extensions
    assert wire.sending
    assert not wire.nothing_sent


async def test_a_callers_trace_keeps_the_wire_trace_in_place() -> None:
    seen: list[str] = []

    async def mine(name: str, info: dict[str, Any]) -> None:
        seen.append(name)

    extensions: dict[str, Any] = {}
    wire = extensions["trace"] = WireTrace(mine, extensions)
    await wire("http11.send_request_headers.started", {})
    await wire("http11.receive_response_headers.started", {})
    assert extensions["trace"] is wire
    assert seen == ["http11.send_request_headers.started", "http11.receive_response_headers.started"]


async def test_over_a_real_socket_the_trace_stops_once_sending(
    host: LoopbackHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpcore must read the very dict the request carries, or the trace would run every phase."""
    events: list[list[str]] = []

    class Counting(WireTrace):
        __slots__ = ()

        async def __call__(self, name: str, info: dict[str, Any]) -> None:
            events[-1].append(name)
            await super().__call__(name, info)

    monkeypatch.setattr(transport, "WireTrace", Counting)
    link = Link(host.url, timeout=DEFAULT_TIMEOUT)
    for _ in range(3):  # a new connection, then the pooled one
        events.append([])
        request = link.request("POST", host.url.join("/order"), {"tr_id": "T"}, content=b"{}")
        response = await link.send(request, 5.0, "T")
        assert await unwrap(response, "T", ()) == ENVELOPE
    await link.aclose()
    # The headers phase that was under way still reports its end; no later phase reports at all.
    assert events[0][-2:] == ["http11.send_request_headers.started", "http11.send_request_headers.complete"]
    assert events[0][0] == "connection.connect_tcp.started"
    assert events[1] == events[2] == events[0][-2:]


@pytest.mark.parametrize("behaviour", ["close", "stall"])
async def test_a_request_on_a_new_connection_that_got_out_is_outcome_unknown(
    host: LoopbackHost, behaviour: str
) -> None:
    """Over a real socket, on a fresh connection (connect events first): the trace must not have
    left before the headers went out, or this would read as "nothing was sent"."""
    host.behaviour = behaviour
    link = Link(host.url, timeout=DEFAULT_TIMEOUT)
    request = link.request("POST", host.url.join("/order"), {"tr_id": "T"}, content=b"{}")
    with pytest.raises(KisOutcomeUnknownError):
        await link.send(request, 0.3, "T")
    assert host.requests == 1
    pool = link._transport._pool  # type: ignore[attr-defined]
    assert pool.connections == []  # the broken connection was dropped, not pooled
    await link.aclose()


async def test_a_host_that_refuses_the_connection_got_nothing() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nobody listens there now
    url = httpx.URL(f"http://127.0.0.1:{port}/")
    link = Link(url, timeout=DEFAULT_TIMEOUT)
    with pytest.raises(KisConnectError):
        await link.send(link.request("POST", url.join("/order"), {}, content=b"{}"), 1.0, "T")
    await link.aclose()


async def test_a_proxy_tunnel_is_not_the_request_going_out() -> None:
    class Tunnel:
        method = b"CONNECT"

    extensions: dict[str, Any] = {}
    wire = extensions["trace"] = WireTrace(None, extensions)
    await wire("http11.send_request_headers.started", {"request": Tunnel()})
    assert wire.nothing_sent  # a proxy refusing the CONNECT leaves the order unsent: retryable
    assert extensions["trace"] is wire


async def test_a_request_built_elsewhere_still_gets_the_timeouts() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions))
        return httpx.Response(200, json=ENVELOPE)

    link = Link(OFFICIAL, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(handler))
    await link.send(httpx.Request("GET", OFFICIAL.join("/x")), 1.0, "T")
    assert seen[0]["timeout"] == DEFAULT_TIMEOUT.as_dict()
    await link.aclose()


# --- proxies from the environment ------------------------------------------------------------------


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_the_environments_proxy_is_used_for_kis(no_proxy_env: pytest.MonkeyPatch) -> None:
    assert proxy_for(OFFICIAL) is None
    no_proxy_env.setenv("HTTPS_PROXY", "proxy.corp.example:3128")
    assert proxy_for(OFFICIAL) == "http://proxy.corp.example:3128"
    no_proxy_env.setenv("NO_PROXY", ".koreainvestment.com")
    assert proxy_for(OFFICIAL) is None


def test_the_simulator_is_never_proxied(no_proxy_env: pytest.MonkeyPatch) -> None:
    no_proxy_env.setenv("HTTP_PROXY", "http://proxy.corp.example:3128")
    no_proxy_env.setenv("ALL_PROXY", "http://proxy.corp.example:3128")
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert proxy_for(httpx.URL(f"http://{host}:8080/")) is None


def test_a_link_routes_through_the_proxy_it_was_given(no_proxy_env: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []

    class Recording(httpx.AsyncHTTPTransport):
        def __init__(self, **kwargs: Any) -> None:
            made.append(kwargs)
            super().__init__(**kwargs)

    no_proxy_env.setattr(httpx, "AsyncHTTPTransport", Recording)
    no_proxy_env.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    Link(OFFICIAL, timeout=DEFAULT_TIMEOUT)
    Link(httpx.URL("http://127.0.0.1:8080/"), timeout=DEFAULT_TIMEOUT)
    assert made == [{"proxy": "http://proxy.corp.example:3128"}, {"proxy": None}]
