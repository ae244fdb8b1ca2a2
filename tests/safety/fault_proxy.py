"""A small asyncio TCP proxy on 127.0.0.1 for the faults that live on the wire (order-safety.md rows 23–24).

The simulator decides what an answer says; this proxy decides what happens to the bytes. It sits
between a client and an upstream (the simulator) and passes everything through, except for the next
request whose first bytes contain `trigger` (by default the overseas order POST's request line),
which gets the armed fault:

* ``reset_up(n)``   forward only the first `n` bytes of that request upstream, then reset both sides;
* ``reset_down(n)`` forward the whole request, let `n` bytes of the answer through, then reset;
* ``drip(s)``       forward the request, then hand the answer over one byte every `s` seconds;
* ``stall()``       swallow the request: nothing reaches upstream, nothing comes back;
* ``close_port()``  stop listening and drop every connection (later connects are refused).

The proxy runs on the running event loop, bounds everything it does (`max_lifetime_s`, drip budget)
and closes every socket it opened when it stops, so no ResourceWarning escapes. Use it as
``async with FaultProxy(upstream_url) as proxy: ... proxy.url ...``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Final, Self
from urllib.parse import urlsplit

ORDER_REQUEST_LINE: Final = b"POST /uapi/overseas-stock/v1/trading/order "
CHUNK: Final = 65536


class WireFault(StrEnum):
    RESET_UP = "reset_up"
    RESET_DOWN = "reset_down"
    DRIP = "drip"
    STALL = "stall"


@dataclass
class Armed:
    fault: WireFault
    nbytes: int = 0
    interval_s: float = 0.0
    trigger: bytes = ORDER_REQUEST_LINE


@dataclass
class Firing:
    """What happened to one faulted request (tests assert on the timing of the deadline)."""

    fault: WireFault
    started: float  # time.monotonic() when the triggering request arrived
    forwarded_up: int = 0
    forwarded_down: int = 0
    ended: float | None = None  # when the proxy saw the client side close, or reset it


@dataclass(eq=False)  # identity-hashed: kept in a set
class _Conn:
    client_r: asyncio.StreamReader
    client_w: asyncio.StreamWriter
    up_r: asyncio.StreamReader | None = None
    up_w: asyncio.StreamWriter | None = None
    armed: Armed | None = None
    firing: Firing | None = None
    client_gone: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """Close with SO_LINGER 0, so the peer gets a TCP RST instead of an orderly FIN."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """Loopback TCP proxy with one-shot wire faults; see the module docstring."""

    def __init__(self, upstream_url: str, *, max_lifetime_s: float = 120.0, max_drip_bytes: int = 4096):
        parts = urlsplit(upstream_url)
        if parts.hostname not in ("127.0.0.1", "localhost") or parts.port is None:
            raise ValueError("the fault proxy only fronts a loopback upstream with an explicit port")
        self._upstream = (parts.hostname, parts.port)
        self._max_lifetime_s = max_lifetime_s
        self._max_drip_bytes = max_drip_bytes
        self._server: asyncio.Server | None = None
        self._conns: set[_Conn] = set()
        self._armed: list[Armed] = []
        self._watchdog: asyncio.TimerHandle | None = None
        self.port = 0
        self.connections = 0
        self.firings: list[Firing] = []
        self.stopped = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- arming ---------------------------------------------------------------------------------

    def arm(
        self, fault: WireFault, *, nbytes: int = 0, interval_s: float = 0.0, trigger: bytes | None = None
    ) -> None:
        """Apply `fault` to the next request starting with `trigger` (one shot; several queue up)."""
        self._armed.append(Armed(fault, nbytes, interval_s, trigger or ORDER_REQUEST_LINE))

    def reset_up(self, nbytes: int) -> None:
        self.arm(WireFault.RESET_UP, nbytes=nbytes)

    def reset_down(self, nbytes: int) -> None:
        self.arm(WireFault.RESET_DOWN, nbytes=nbytes)

    def drip(self, interval_s: float) -> None:
        self.arm(WireFault.DRIP, interval_s=interval_s)

    def stall(self) -> None:
        self.arm(WireFault.STALL)

    @property
    def pending_faults(self) -> int:
        return len(self._armed)

    # --- life -----------------------------------------------------------------------------------

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._watchdog = loop.call_later(self._max_lifetime_s, lambda: loop.create_task(self.stop()))
        return self.url

    async def close_port(self) -> None:
        """Stop listening and drop every open connection; the port then refuses connections."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self._drop_all()

    async def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self._watchdog is not None:
            self._watchdog.cancel()
        await self.close_port()

    async def _drop_all(self) -> None:
        conns = list(self._conns)
        tasks = [t for c in conns for t in c.tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        for conn in conns:
            self._close(conn, reset=False)
        await asyncio.gather(*tasks, return_exceptions=True)
        for conn in conns:
            await self._wait_closed(conn)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- one connection -------------------------------------------------------------------------

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        conn = _Conn(client_r, client_w)
        self._conns.add(conn)
        self.connections += 1
        try:
            conn.up_r, conn.up_w = await asyncio.open_connection(*self._upstream)
            up = asyncio.current_task()
            assert up is not None
            down = asyncio.get_running_loop().create_task(self._pump_down(conn))
            conn.tasks += [up, down]
            await self._pump_up(conn)
            await asyncio.wait_for(asyncio.shield(down), 1.0)  # let the last answer through
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # stop() cancels connection tasks. End normally: on 3.11, asyncio.start_server's done-callback
            # calls task.exception() on a cancelled task and logs "Exception in callback" for it.
            pass
        finally:
            for task in conn.tasks:
                if task is not asyncio.current_task():
                    task.cancel()
            self._close(conn, reset=False)
            self._conns.discard(conn)
            self._finish(conn)
            await self._wait_closed(conn)

    async def _pump_up(self, conn: _Conn) -> None:
        assert conn.up_w is not None
        while True:
            data = await conn.client_r.read(CHUNK)
            if not data:
                conn.client_gone = True
                self._finish(conn)
                conn.up_w.close()
                return
            if conn.firing is None and self._armed:
                rest = await self._maybe_fire(conn, data)
                if rest is None:
                    return
                data = rest
            if conn.firing is not None:
                if conn.firing.fault is WireFault.STALL:
                    continue  # swallow it all
                if conn.firing.fault is WireFault.RESET_UP:
                    room = max(0, conn.armed.nbytes - conn.firing.forwarded_up) if conn.armed else 0
                    part = data[:room]
                    if part:
                        conn.up_w.write(part)
                        await conn.up_w.drain()
                        conn.firing.forwarded_up += len(part)
                    if conn.firing.forwarded_up >= (conn.armed.nbytes if conn.armed else 0):
                        self._reset_both(conn)
                        return
                    continue
                conn.firing.forwarded_up += len(data)
            conn.up_w.write(data)
            await conn.up_w.drain()

    async def _maybe_fire(self, conn: _Conn, data: bytes) -> bytes | None:
        """Split `data` at the first armed trigger: bytes before it pass, the rest is the faulted request."""
        for armed in self._armed:
            at = data.find(armed.trigger)
            if at < 0:
                continue
            self._armed.remove(armed)
            assert conn.up_w is not None
            if at:
                conn.up_w.write(data[:at])
                await conn.up_w.drain()
            conn.armed = armed
            conn.firing = Firing(armed.fault, time.monotonic())
            self.firings.append(conn.firing)
            if armed.fault is WireFault.RESET_UP and armed.nbytes == 0:
                self._reset_both(conn)
                return None
            return data[at:]
        return data

    async def _pump_down(self, conn: _Conn) -> None:
        assert conn.up_r is not None
        while True:
            data = await conn.up_r.read(CHUNK)
            if not data:
                self._finish(conn)
                conn.client_w.close()
                return
            firing, armed = conn.firing, conn.armed
            if firing is not None and armed is not None and firing.fault is WireFault.RESET_DOWN:
                part = data[: max(0, armed.nbytes - firing.forwarded_down)]
                if part:
                    conn.client_w.write(part)
                    await conn.client_w.drain()
                    firing.forwarded_down += len(part)
                if firing.forwarded_down >= armed.nbytes:
                    self._reset_both(conn)
                    return
                continue
            if firing is not None and armed is not None and firing.fault is WireFault.DRIP:
                for i in range(min(len(data), self._max_drip_bytes - firing.forwarded_down)):
                    if conn.client_gone or conn.client_w.transport.is_closing():
                        return
                    conn.client_w.write(data[i : i + 1])
                    await conn.client_w.drain()
                    firing.forwarded_down += 1
                    await asyncio.sleep(armed.interval_s)
                if firing.forwarded_down >= self._max_drip_bytes:
                    self._reset_both(conn)
                    return
                continue
            conn.client_w.write(data)
            await conn.client_w.drain()

    # --- closing --------------------------------------------------------------------------------

    def _finish(self, conn: _Conn) -> None:
        if conn.firing is not None and conn.firing.ended is None:
            conn.firing.ended = time.monotonic()

    def _reset_both(self, conn: _Conn) -> None:
        self._finish(conn)
        self._close(conn, reset=True)

    def _close(self, conn: _Conn, *, reset: bool) -> None:
        for writer in (conn.client_w, conn.up_w):
            if writer is None or writer.transport.is_closing():
                continue
            if reset:
                _reset(writer)
            else:
                writer.transport.abort()

    async def _wait_closed(self, conn: _Conn) -> None:
        for writer in (conn.client_w, conn.up_w):
            if writer is not None:
                with contextlib.suppress(OSError, asyncio.CancelledError):
                    await asyncio.wait_for(writer.wait_closed(), 1.0)
