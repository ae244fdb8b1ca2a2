from __future__ import annotations

import asyncio
import hashlib
import json

import httpx
import pytest

from kisdesk.api.auth import AccessToken, MemoryTokenStore, TokenManager, token_store_key
from kisdesk.api.client import DEFAULT_TIMEOUT
from kisdesk.api.enums import Env, Exchange
from kisdesk.api.errors import KisAuthError, KisTokenThrottledError
from kisdesk.api.transport import Link
from tests.api.kis_fakes import APPKEY, APPSECRET, FakeKis, body_of, kis_error, ok

PRICE = "/uapi/overseas-price/v1/quotations/price"
AAPL = (Exchange.NASD, "AAPL")
QUOTE = {"last": "190.5", "base": "189.0", "zdiv": "4"}


BASE = httpx.URL("https://openapi.koreainvestment.com:9443")


@pytest.fixture
async def link_for(kis: FakeKis):
    links: list[Link] = []

    def make() -> Link:
        links.append(Link(BASE, timeout=DEFAULT_TIMEOUT, transport=httpx.MockTransport(kis)))
        return links[-1]

    yield make
    for link in links:
        await link.aclose()


def _manager(creds, kis: FakeKis, link_for, store=None, **kwargs) -> TokenManager:
    return TokenManager(
        Env.REAL,
        BASE,
        creds,
        store if store is not None else MemoryTokenStore(),
        link_for(),
        kis.clock,
        **kwargs,
    )


async def test_ten_concurrent_callers_share_one_issuance(creds, kis, link_for) -> None:
    manager = _manager(creds, kis, link_for)
    tokens = await asyncio.gather(*(manager.token() for _ in range(10)))
    assert kis.token_calls == 1
    assert len(set(tokens)) == 1


async def test_token_request_is_the_spec_body(creds, kis, link_for) -> None:
    await _manager(creds, kis, link_for).token()
    (request,) = kis.requests
    assert request.method == "POST"
    assert str(request.url) == "https://openapi.koreainvestment.com:9443/oauth2/tokenP"
    assert body_of(request) == {"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers


async def test_token_is_reused_from_the_store_across_client_instances(kis, make_client) -> None:
    store = MemoryTokenStore()
    kis.on(PRICE, ok(QUOTE))
    first = await make_client(kis, token_store=store).quote(*AAPL)
    second = await make_client(kis, token_store=store).quote(*AAPL)
    assert first == second
    assert kis.token_calls == 1
    assert len({r.headers["authorization"] for r in kis.business}) == 1


async def test_store_key_names_env_and_key_hash_not_the_key(creds, kis, link_for) -> None:
    store = MemoryTokenStore()
    await _manager(creds, kis, link_for, store).token()
    key = token_store_key(Env.REAL, APPKEY)
    assert key == f"token:real:{hashlib.sha256(APPKEY.encode()).hexdigest()[:16]}"
    record = store.get(key)
    assert record is not None
    assert APPSECRET not in record
    assert APPKEY not in record
    assert set(json.loads(record)) == {"token", "expires_at", "issued_at", "last_issuance"}


async def test_at_most_one_issuance_per_minute(creds, kis, link_for) -> None:
    manager = _manager(creds, kis, link_for)
    first = await manager.token()
    await manager.invalidate()
    second = await manager.token()  # needed at once, but allowed only a minute later
    assert first != second
    assert kis.token_times[1] - kis.token_times[0] >= 60


async def test_a_restart_respects_the_persisted_issuance_time(creds, kis, link_for) -> None:
    store = MemoryTokenStore()
    earlier = _manager(creds, kis, link_for, store)
    await earlier.token()
    await earlier.invalidate()
    await _manager(creds, kis, link_for, store).token()  # a new process, same store
    assert kis.token_times[1] - kis.token_times[0] >= 60


async def test_refresh_when_less_than_the_margin_remains(creds, kis, link_for) -> None:
    kis.expires_in = 3600
    manager = _manager(creds, kis, link_for, refresh_margin_s=600)
    first = await manager.get()
    kis.clock.now += 2999
    assert (await manager.get()) == first
    kis.clock.now += 2
    assert (await manager.get()) != first
    assert kis.token_calls == 2


async def test_expiry_is_receipt_time_plus_expires_in(creds, kis, link_for) -> None:
    kis.expires_in = 86_400
    token = await _manager(creds, kis, link_for).get()
    assert token.expires_at == kis.clock.time() + 86_400
    assert token.token not in repr(token)


async def test_expired_token_answer_gets_one_reissue_and_one_retry(kis, make_client) -> None:
    kis.on(PRICE, kis_error("EGW00123", "기간이 만료된 token 입니다."), ok(QUOTE))
    quote = await make_client(kis).quote(*AAPL)
    assert quote.last_text == "190.5"
    assert kis.token_calls == 2
    first, second = kis.business
    assert first.headers["authorization"] != second.headers["authorization"]


async def test_a_second_expired_answer_is_final(kis, make_client) -> None:
    kis.on(PRICE, kis_error("EGW00121"))
    with pytest.raises(KisAuthError) as info:
        await make_client(kis).quote(*AAPL)
    assert info.value.msg_cd == "EGW00121"
    assert (len(kis.business), kis.token_calls) == (2, 2)


async def test_throttled_issuance_raises_and_is_remembered(creds, kis, link_for) -> None:
    throttled = {
        "error_code": "EGW00133",
        "error_description": "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)",
    }
    kis.on(FakeKis.TOKEN_PATH, httpx.Response(403, json=throttled))
    store = MemoryTokenStore()
    with pytest.raises(KisTokenThrottledError) as info:
        await _manager(creds, kis, link_for, store).token()
    assert (info.value.msg_cd, info.value.status) == ("EGW00133", 403)
    record = json.loads(store.get(token_store_key(Env.REAL, APPKEY)) or "{}")
    assert record["last_issuance"] == kis.clock.time()


async def test_token_endpoint_error_never_shows_secrets(creds, kis, link_for) -> None:
    echo = {"error_code": "EGW00105", "error_description": f"bad appsecret {APPSECRET} for {APPKEY}"}
    kis.on(FakeKis.TOKEN_PATH, httpx.Response(403, json=echo))
    with pytest.raises(KisAuthError) as info:
        await _manager(creds, kis, link_for).token()
    assert type(info.value) is KisAuthError
    assert APPSECRET not in str(info.value)
    assert APPKEY not in str(info.value)


async def test_revoke_sends_the_token_and_clears_the_store(creds, kis, link_for) -> None:
    kis.on("/oauth2/revokeP", httpx.Response(200, json={"code": "200", "message": "ok"}))
    store = MemoryTokenStore()
    manager = _manager(creds, kis, link_for, store)
    token = await manager.token()
    await manager.revoke()
    revoke = kis.requests[-1]
    assert body_of(revoke) == {"appkey": APPKEY, "appsecret": APPSECRET, "token": token}
    assert store.get(manager.key) is None


async def test_invalidate_ignores_a_token_that_was_already_replaced(creds, kis, link_for) -> None:
    manager = _manager(creds, kis, link_for)
    current = await manager.token()
    await manager.invalidate("an-older-token")
    assert await manager.token() == current
    assert kis.token_calls == 1


async def test_a_cancelled_caller_does_not_cancel_the_shared_issuance(creds, kis, link_for) -> None:
    manager = _manager(creds, kis, link_for)
    impatient = asyncio.create_task(manager.token())
    patient = asyncio.create_task(manager.token())
    await asyncio.sleep(0)
    impatient.cancel()
    assert await patient
    assert kis.token_calls == 1


def test_access_token_repr_hides_the_token() -> None:
    assert "secret-bearer" not in repr(AccessToken("secret-bearer", 2.0, 1.0))
