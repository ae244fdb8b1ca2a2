"""Fakes for the API-layer unit tests: a virtual clock, canary credentials and a scripted KIS.

No network: `FakeKis` is an `httpx.MockTransport` handler (a plain function Request -> Response).
Imported as tests.api.kis_fakes; the fixtures are in conftest.py.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from kisdesk.api.credentials import Account

# Canary secrets: any test may grep errors and logs for them.
APPKEY = "PSCANARYAPPKEY" + "k" * 22
APPSECRET = "SECRETCANARY" + "s" * 168
ACCOUNT = Account("12345678", "01")


class FakeClock:
    """Virtual time. `auto=True`: every sleep returns at once and moves time on by its length.

    `auto=False`: sleepers wait until `advance()` (or `run()`) moves time past their deadline.
    """

    def __init__(self, *, auto: bool = True, wall: float = 1_800_000_000.0) -> None:
        self.auto = auto
        self.now = 0.0
        self.wall0 = wall
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.wall0 + self.now

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if self.auto:
            self.now += max(0.0, seconds)
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._seq), fut))
        await fut

    def wake_due(self) -> None:
        """Resolve the sleepers whose deadline has passed, without running the loop."""
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)

    async def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            self.now = max(self.now, self._sleepers[0][0])
            self.wake_due()
            await settle()
        self.now = target
        await settle()

    async def run(self, tasks: list[asyncio.Task[Any]]) -> None:
        """Drive virtual time until every task is done (jumping to the next sleeper each time)."""
        while True:
            await settle()
            if all(t.done() for t in tasks):
                return
            live = [s for s in self._sleepers if not s[2].done()]
            if not live:
                raise AssertionError("deadlock: tasks wait but nobody sleeps")
            await self.advance(max(0.0, min(s[0] for s in live) - self.now))


async def settle(rounds: int = 30) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


Reply = httpx.Response | Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def envelope(
    output: Any = None, *, rt_cd: str = "0", msg_cd: str = "APBK0013", msg1: str = "ok"
) -> dict[str, Any]:
    body: dict[str, Any] = {"rt_cd": rt_cd, "msg_cd": msg_cd, "msg1": msg1}
    if output is not None:
        body["output"] = output
    return body


def ok(output: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=envelope(output), headers=headers)


def kis_error(code: str, msg1: str = "거부", status: int = 500) -> httpx.Response:
    return httpx.Response(status, json=envelope(rt_cd="1", msg_cd=code, msg1=msg1))


def html(status: int = 502) -> httpx.Response:
    return httpx.Response(status, text="<html><body>Bad Gateway</body></html>")


def raises(exc_type: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("injected", request=request)

    return handler


class FakeKis:
    """Scripted KIS: answers tokenP by itself, replies per path from a queue (the last reply repeats)."""

    TOKEN_PATH = "/oauth2/tokenP"

    def __init__(self, clock: FakeClock | None = None, expires_in: int = 86_400) -> None:
        self.clock = clock
        self.expires_in = expires_in
        self.requests: list[httpx.Request] = []
        self.token_times: list[float] = []
        self._replies: dict[str, list[Reply]] = {}

    def on(self, path: str, *replies: Reply) -> FakeKis:
        self._replies.setdefault(path, []).extend(replies)
        return self

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == self.TOKEN_PATH and path not in self._replies:
            return self._token()
        queue = self._replies.get(path)
        if not queue:
            return httpx.Response(404, text="no such path")
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if not callable(reply):
            return reply
        answer = reply(request)
        return answer if isinstance(answer, httpx.Response) else await answer

    def _token(self) -> httpx.Response:
        self.token_times.append(self.clock.time() if self.clock else 0.0)
        n = len(self.token_times)
        body = {
            "access_token": f"tok{n}-eyJhbGciOiJSUzI1NiJ9.canary",
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "access_token_token_expired": "2030-01-01 00:00:00",
        }
        return httpx.Response(200, json=body)

    @property
    def business(self) -> list[httpx.Request]:
        return [r for r in self.requests if not r.url.path.startswith("/oauth2/")]

    @property
    def token_calls(self) -> int:
        return sum(1 for r in self.requests if r.url.path == self.TOKEN_PATH)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)
