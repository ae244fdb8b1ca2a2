"""Token endpoints and gateway token checks: client and simulator agree over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.enums import Exchange
from kisdesk.api.errors import KisTokenThrottledError
from tests.api.contract.contract_sim import ClientFactory, Sim


def count_issuances(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = sim.engine.tokens.issue

    def counting(body: Any) -> Any:
        reply = original(body)
        calls.append(reply.status)
        return reply

    monkeypatch.setattr(sim.engine.tokens, "issue", counting)
    return calls


async def test_one_issuance_serves_concurrent_calls_and_later_clients(
    sim: Sim, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_issuances(sim, monkeypatch)
    store = MemoryTokenStore()
    first = make_client(token_store=store)
    quotes = [first.quote(Exchange.NASD, "AAPL") for _ in range(5)]
    for q in quotes:
        assert (await q).found
    # A second client (a restart) finds the cached token in the store: no new issuance.
    second = make_client(token_store=store)
    assert (await second.quote(Exchange.NASD, "MSFT")).found
    assert calls == [200]


async def test_reissue_inside_a_minute_is_refused_with_egw00133(sim: Sim, make_client: ClientFactory) -> None:
    await make_client().issue_token()
    with pytest.raises(KisTokenThrottledError) as info:
        await make_client(token_store=MemoryTokenStore()).issue_token()  # a store that lost the token
    assert info.value.msg_cd == "EGW00133"


async def test_reissue_within_six_hours_returns_the_same_token(sim: Sim, make_client: ClientFactory) -> None:
    first = await make_client().issue_token()
    sim.clock.advance(3600)
    again = await make_client(token_store=MemoryTokenStore()).issue_token()
    assert again.token == first.token


async def test_expired_token_is_replaced_once_and_the_call_succeeds(
    sim: Sim, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    await client.issue_token()
    calls = count_issuances(sim, monkeypatch)
    # The simulator's clock passes the 24 h lifetime; the client still believes its token is valid.
    sim.clock.advance(sim.settings.token_lifetime_s + 120)
    assert (await client.quote(Exchange.NASD, "AAPL")).found
    assert calls == [200]  # EGW00123 answered, one re-issue, one retry


async def test_revoked_token_is_answered_egw00121_and_replaced(
    sim: Sim, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    token = (await client.issue_token()).token
    sim.engine.tokens.token(token).revoked = True  # type: ignore[union-attr]  # revoked server-side
    sim.clock.advance(61)  # outside the once-a-minute issuance limit
    calls = count_issuances(sim, monkeypatch)
    assert (await client.quote(Exchange.NASD, "AAPL")).found
    assert calls == [200]


async def test_revoke_ends_the_token(sim: Sim, make_client: ClientFactory) -> None:
    client = make_client()
    token = (await client.issue_token()).token
    await client.revoke_token()
    assert sim.engine.tokens.token(token).revoked  # type: ignore[union-attr]


async def test_gateway_answers_invalid_and_expired_tokens_as_kis_does(
    sim: Sim, make_client: ClientFactory
) -> None:
    import httpx

    client = make_client()
    token = (await client.issue_token()).token
    from tests.api.contract.contract_sim import CREDS

    headers = {
        "content-type": "application/json; charset=utf-8",
        "appkey": CREDS.appkey,
        "appsecret": CREDS.appsecret,
        "tr_id": "HHDFS00000300",
        "custtype": "P",
    }
    params = {"AUTH": "", "EXCD": "NAS", "SYMB": "AAPL"}
    url = sim.url + "/uapi/overseas-price/v1/quotations/price"
    async with httpx.AsyncClient() as http:
        bad = await http.get(url, params=params, headers={**headers, "authorization": "Bearer nope"})
        sim.clock.advance(sim.settings.token_lifetime_s + 1)
        old = await http.get(url, params=params, headers={**headers, "authorization": f"Bearer {token}"})
    assert (bad.status_code, bad.json()["msg_cd"], bad.json()["rt_cd"]) == (500, "EGW00121", "1")
    assert (old.status_code, old.json()["msg_cd"]) == (500, "EGW00123")
