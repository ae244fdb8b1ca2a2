"""The HTTP front of the simulator: a loopback-only stdlib server that feeds an `Engine`.

Each connection gets a daemon thread; keep-alive (HTTP/1.1) works, and Nagle is off because headers
and body leave in two writes, which with Nagle plus delayed ACK costs ~44 ms per request
(stack-notes.md pitfall #4). Latency, stalls and drops decided by the engine happen here, outside the
engine lock, and every wait ends when the server stops, so a test never hangs on a stalled request.

Control endpoints (only while `settings.control_endpoints` is true; otherwise they are unknown paths):

    GET    /__sim__/ledger     the book's ledger as a JSON list
    GET    /__sim__/intents    POSTs seen per x-kisdesk-intent header, {"intent": count}
    GET    /__sim__/faults     active fault rules
    POST   /__sim__/faults     add a fault: a Fault JSON object or a list of them
    DELETE /__sim__/faults     remove every fault (setting faults are undone)
    POST   /__sim__/clock      {"advance_s": seconds}: move the simulator clock forward
    GET    /__sim__/settings   every SimSettings field
    POST   /__sim__/settings   {"name": value, ...}: change settings on the running simulator
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qsl, urlsplit

from kisdesk.simulator.clock import AdjustableClock
from kisdesk.simulator.engine import Action, Engine, Outcome
from kisdesk.simulator.faults import Fault
from kisdesk.simulator.protocol import SimRequest

log = logging.getLogger(__name__)

CONTROL_PREFIX: Final = "/__sim__/"
MAX_BODY: Final = 1 << 20
JOIN_TIMEOUT_S: Final = 5.0


def to_json_bytes(value: Any) -> bytes:
    """JSON for control answers: dataclasses, Decimal (as text), datetimes and enums included."""
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode("utf-8")


def _json_default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a burst of new connections (100 orders in flight, a
    # grid refresh) overflowed it, and every dropped SYN cost the client a 1 s TCP retry.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], engine: Engine) -> None:
        self.engine = engine
        self.stopping = threading.Event()
        self._live: dict[socket.socket, threading.Thread] = {}
        self._live_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"kisdesk-sim-{client_address[1]}",
            daemon=True,
        )
        with self._live_lock:
            self._live[request] = thread
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._live_lock:
                self._live.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients vanish mid-request on purpose in fault tests; a traceback on stderr is noise.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_live_connections(self) -> None:
        """Wake every handler thread (idle keep-alive readers, stalls) and wait for them to finish."""
        with self._live_lock:
            live = list(self._live.items())
        for sock, _ in live:
            with contextlib.suppress(OSError):  # already closed by its handler
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in live:
            thread.join(JOIN_TIMEOUT_S)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "kisdesk-sim"
    sys_version = ""
    server: _HttpServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True  # the rest of the stream cannot be trusted
            headers = (("content-type", "text/plain"), ("content-length", "16"))
            self._send(Outcome(Action.REPLY, 400, headers, b"bad request body"))
            return
        url = urlsplit(self.path)
        request = SimRequest(
            method=self.command,
            path=url.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            body=body,
        )
        engine = self.server.engine
        if engine.settings.control_endpoints and url.path.startswith(CONTROL_PREFIX):
            outcome = control(engine, request)
        else:
            outcome = engine.handle(request)
        self._execute(outcome)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            return None
        if not 0 <= length <= MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _execute(self, outcome: Outcome) -> None:
        stopping = self.server.stopping
        if outcome.latency_s > 0 and stopping.wait(outcome.latency_s):
            self.close_connection = True
            return
        if outcome.action is Action.STALL:
            stopping.wait(outcome.stall_s)  # None: until the server stops
            self.close_connection = True
            return
        if outcome.action is Action.DROP:
            self.close_connection = True
            return
        self._send(outcome)

    def _send(self, outcome: Outcome) -> None:
        self.send_response(outcome.status)
        for name, value in outcome.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(outcome.body)


class SimServer:
    """One simulated KIS host on 127.0.0.1. Use as a context manager, or start()/stop()."""

    def __init__(self, engine: Engine, host: str = "127.0.0.1", port: int = 0) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the simulator binds loopback addresses only, not {host!r}")
        self.engine = engine
        self._address = (host, port)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the simulator server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        if self._httpd is not None:
            return self.base_url
        self._httpd = _HttpServer(self._address, self.engine)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="kisdesk-sim", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.close_live_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(JOIN_TIMEOUT_S)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextmanager
def serve(engine: Engine, port: int = 0) -> Iterator[str]:
    """Run `engine` on 127.0.0.1:`port` (0: a free port) and yield its base URL."""
    with SimServer(engine, port=port) as server:
        yield server.base_url


# --- control endpoints ------------------------------------------------------------------------------


def control(engine: Engine, req: SimRequest) -> Outcome:
    """Answer one /__sim__/ request; errors come back as 400 {"error": ...}."""
    name = req.path.removeprefix(CONTROL_PREFIX).strip("/")
    try:
        payload: Any = json.loads(req.body) if req.body.strip() else None
        result = _control(engine, req.method.upper(), name, payload)
    except (ValueError, KeyError, TypeError) as exc:
        return _control_reply(400, {"error": str(exc)})
    if result is None:
        return _control_reply(404, {"error": f"no control endpoint {req.method} {req.path}"})
    return _control_reply(200, result)


def _control(engine: Engine, method: str, name: str, payload: Any) -> Any:
    if (method, name) == ("GET", "ledger"):
        ledger = engine.ledger()
        return list(ledger) if not isinstance(ledger, Mapping) else ledger
    if (method, name) == ("GET", "intents"):
        return engine.intent_posts()
    if (method, name) == ("GET", "faults"):
        return [f.as_json() for f in engine.faults.active()]
    if (method, name) == ("POST", "faults"):
        specs = payload if isinstance(payload, list) else [payload]
        if not all(isinstance(s, dict) for s in specs):
            raise ValueError("POST faults takes a fault object or a list of them")
        return [engine.faults.add(Fault.from_mapping(s)).as_json() for s in specs]
    if (method, name) == ("DELETE", "faults"):
        engine.faults.clear()
        return []
    if (method, name) == ("POST", "clock"):
        if not isinstance(engine.clock, AdjustableClock):
            raise ValueError("this simulator's clock cannot be moved")
        if not isinstance(payload, dict) or not isinstance(payload.get("advance_s"), int | float):
            raise ValueError('POST clock takes {"advance_s": seconds}')
        with engine.lock:
            engine.clock.advance(float(payload["advance_s"]))
            return {"now": engine.clock.now().isoformat()}
    if (method, name) == ("GET", "settings"):
        return asdict(engine.settings)
    if (method, name) == ("POST", "settings"):
        if not isinstance(payload, dict):
            raise ValueError("POST settings takes an object of name: value")
        with engine.lock:
            apply_settings(engine, payload)
            return asdict(engine.settings)
    return None


def apply_settings(engine: Engine, changes: Mapping[str, Any]) -> None:
    """Set settings from JSON values (or text), checking each against the field's current type."""
    known = {f.name for f in fields(engine.settings)}
    for name, value in changes.items():
        if name not in known:
            raise KeyError(f"unknown simulator setting {name!r}")
        current = getattr(engine.settings, name)
        if isinstance(value, str) and not isinstance(current, str):
            engine.settings.set_from_text(name, value)
            continue
        if not _fits(current, value):
            raise TypeError(f"{name} cannot take {value!r}")
        engine.settings.update(**{name: float(value) if isinstance(current, float) else value})
    if "seed" in changes:
        engine.faults.reseed(engine.settings.seed)


def _fits(current: Any, value: Any) -> bool:
    """Whether a JSON value has the type of the setting it replaces (bool is not an int here)."""
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, int):
        return isinstance(value, int)
    if isinstance(current, float):
        return isinstance(value, int | float)
    return isinstance(current, str) and isinstance(value, str)


def _control_reply(status: int, value: Any) -> Outcome:
    body = to_json_bytes(value)
    headers = (("content-type", "application/json; charset=utf-8"), ("content-length", str(len(body))))
    return Outcome(Action.REPLY, status, headers, body)
