"""Fixtures for contract tests: a real KisClient against a real simulator over 127.0.0.1 HTTP.

Each test gets a fresh simulator (its own engine, book and manual clock) on a free port, stopped
when the test ends, and a client of the matching environment pointed at it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env, TrFamily
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings

KST = ZoneInfo("Asia/Seoul")
# A weekday morning in KST: US after-market is over, Asian venues are about to open.
START = datetime(2026, 11, 18, 10, 40, tzinfo=KST)
CREDS = Credentials("PScontract" + "x" * 26, "y" * 180)
ACCOUNT = Account("50123456", "01")


@dataclass
class Sim:
    engine: Engine
    url: str
    clock: ManualClock
    env: Env

    @property
    def settings(self) -> SimSettings:
        return self.engine.settings


@pytest.fixture(params=[Env.REAL, Env.PAPER], ids=["real", "paper"])
def env(request: pytest.FixtureRequest) -> Env:
    return Env(request.param)


@pytest.fixture
def sim(env: Env) -> Iterator[Sim]:
    settings = SimSettings()
    # Contract tests exercise the wire, not pacing: lift the paper host's 1 req/s (its own test lowers it).
    settings.update(real_rate_per_s=200, paper_rate_per_s=200)
    clock = ManualClock(START)
    engine = Engine(TrFamily.PAPER if env is Env.PAPER else TrFamily.REAL, settings, clock)
    server = SimServer(engine)
    url = server.start()
    try:
        yield Sim(engine, url, clock, env)
    finally:
        server.stop()


ClientFactory = Callable[..., KisClient]


class SimLinkedClock:
    """The client's clock, tied to the simulator's manual clock.

    A client wait (the once-a-minute token rule, rate pacing, back-off) advances simulated time
    instead of real time, so minutes of KIS behaviour take milliseconds and both sides agree on now.
    """

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock

    def time(self) -> float:
        return self._clock.now().timestamp()

    def monotonic(self) -> float:
        return self._clock.monotonic()

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._clock.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def make_client(sim: Sim) -> AsyncIterator[ClientFactory]:
    made: list[KisClient] = []

    def factory(**options: Any) -> KisClient:
        options.setdefault("token_store", MemoryTokenStore())
        options.setdefault("rate_per_s", 150)
        options.setdefault("clock", SimLinkedClock(sim.clock))
        client = KisClient(sim.env, CREDS, ACCOUNT, base_url=sim.url, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> KisClient:
    return make_client()


async def raw_post(
    sim: Sim, client: KisClient, path: str, tr_id: str, body: dict[str, str]
) -> httpx.Response:
    """A hand-built POST with the client's valid token: for rejections our client refuses to send."""
    token = (await client.issue_token()).token
    headers = {
        "content-type": "application/json; charset=utf-8",
        "authorization": f"Bearer {token}",
        "appkey": CREDS.appkey,
        "appsecret": CREDS.appsecret,
        "tr_id": tr_id,
        "custtype": "P",
    }
    async with httpx.AsyncClient() as http:
        return await http.post(sim.url + path, headers=headers, json=body)
