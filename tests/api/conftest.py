"""Fixtures of the API-layer unit tests (the fakes themselves are in kis_fakes.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Credentials
from kisdesk.api.enums import Env
from tests.api.kis_fakes import ACCOUNT, APPKEY, APPSECRET, FakeClock, FakeKis


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def creds() -> Credentials:
    return Credentials(APPKEY, APPSECRET)


@pytest.fixture
def kis(clock: FakeClock) -> FakeKis:
    return FakeKis(clock)


@pytest.fixture
async def make_client(creds: Credentials, clock: FakeClock) -> AsyncIterator[Callable[..., KisClient]]:
    made: list[KisClient] = []

    def make(handler: FakeKis, env: Env = Env.REAL, **kwargs: Any) -> KisClient:
        kwargs.setdefault("token_store", MemoryTokenStore())
        kwargs.setdefault("clock", clock)
        client = KisClient(env, creds, ACCOUNT, transport=httpx.MockTransport(handler), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
