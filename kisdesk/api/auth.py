"""Access tokens: where they are kept (`TokenStore`), what one is (`AccessToken`) and who gets them
(`TokenManager`).

KIS issues at most one token per minute per app key (EGW00133) and texts the user on every real
issuance, so a token is cached per (environment, app key) in the store and reused across restarts,
concurrent callers share one issuance, and the time of the last issuance is persisted so a restart
inside the minute waits instead of being refused (auth.md §1, order-safety.md row 11).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import httpx
from pydantic import ValidationError

from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.credentials import Credentials, appkey_fingerprint
from kisdesk.api.enums import Env
from kisdesk.api.errors import (
    KisAuthError,
    KisConnectError,
    KisError,
    KisHttpError,
    KisProtocolError,
    KisTokenThrottledError,
)
from kisdesk.api.models.auth import (
    RevokeRequest,
    TokenErrorBody,
    TokenRequest,
    TokenResponse,
)
from kisdesk.api.ratelimit import Priority, RateLimiter
from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.api.transport import Kind, Link, json_object, scrub, with_retries

_log = logging.getLogger("kisdesk.api")

TOKEN_THROTTLED: Final = "EGW00133"
# auth.md §1/§2: the token endpoints take only a content-type header (no authorization, no tr_id).
TOKEN_HEADERS: Final[dict[str, str]] = {"content-type": "application/json"}


class TokenStore(Protocol):
    """Where tokens outlive the process (the app: the OS keychain). Calls are made off the loop."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryTokenStore:
    """A dict: for tests and the demo mode."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        self._data[key] = value

    def delete(self, key: str) -> None:
        self._data.pop(key, None)


def token_store_key(env: Env, appkey: str) -> str:
    """One store entry per environment and app key; the key itself never appears in the name."""
    return f"token:{env.value}:{appkey_fingerprint(appkey)}"


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token. `expires_at` is receipt time + expires_in, not KIS's KST text (clock skew)."""

    token: str = field(repr=False)
    expires_at: float  # wall-clock epoch seconds
    issued_at: float

    def remaining(self, now: float) -> float:
        return self.expires_at - now


@dataclass(frozen=True, slots=True)
class _Record:
    """What the store holds: the token (if any) and when a token was last requested from KIS."""

    token: AccessToken | None
    last_issuance: float | None

    def to_json(self) -> str:
        data: dict[str, Any] = {"last_issuance": self.last_issuance}
        if self.token is not None:
            t = self.token
            data |= {"token": t.token, "expires_at": t.expires_at, "issued_at": t.issued_at}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | None) -> _Record:
        try:
            data = json.loads(text) if text else {}
            token = None
            if isinstance(data.get("token"), str):
                token = AccessToken(data["token"], float(data["expires_at"]), float(data["issued_at"]))
            last = data.get("last_issuance")
            return cls(token, float(last) if last is not None else None)
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(None, None)  # an unreadable record is no record


class TokenManager:
    """Hands out a valid token, issuing one through tokenP only when needed and allowed."""

    def __init__(
        self,
        env: Env,
        base_url: str | httpx.URL,
        credentials: Credentials,
        store: TokenStore,
        link: Link,
        clock: Clock | None = None,
        *,
        limiter: RateLimiter | None = None,
        refresh_margin_s: float = 600.0,
        min_interval_s: float = 61.0,
        deadline_s: float = 15.0,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self._env = env
        # Told every token value before anything could log it: the app's log redaction registers it.
        self._on_token = on_token
        self._base = httpx.URL(str(base_url))
        self._credentials = credentials
        self._store = store
        self._link = link
        self._clock: Clock = clock or SystemClock()
        self._limiter = limiter
        self.refresh_margin_s = refresh_margin_s
        # 60 s is KIS's rule; the extra second covers the gap between KIS's clock and ours.
        self.min_interval_s = min_interval_s
        self._deadline_s = deadline_s
        self.key = token_store_key(env, credentials.appkey)
        self._cached: AccessToken | None = None
        self._last_issuance: float | None = None
        self._flight: asyncio.Task[AccessToken] | None = None

    async def get(self) -> AccessToken:
        """A token with more than `refresh_margin_s` left; concurrent callers share one issuance."""
        cached = self._cached
        if cached is not None and self._fresh(cached):
            return cached
        if self._flight is None or self._flight.done():
            self._flight = asyncio.get_running_loop().create_task(self._obtain())
            self._flight.add_done_callback(_retrieve)
        # shield: one impatient caller must not cancel the issuance the others are waiting for.
        return await asyncio.shield(self._flight)

    async def token(self) -> str:
        return (await self.get()).token

    async def invalidate(self, token: str | None = None) -> None:
        """Drop the token after EGW00121/00123. With `token`, only if it is still the current one."""
        if token is not None and self._cached is not None and self._cached.token != token:
            return  # another caller already replaced it
        self._cached = None
        record = _Record(None, self._last_issuance)
        await asyncio.to_thread(self._store.set, self.key, record.to_json())

    async def revoke(self) -> None:
        """revokeP the current token (if there is one) and clear it from the store."""
        record = _Record.from_json(await asyncio.to_thread(self._store.get, self.key))
        token = self._cached or record.token
        self._cached = None
        if token is not None:
            body = RevokeRequest(
                appkey=self._credentials.appkey, appsecret=self._credentials.appsecret, token=token.token
            )
            await self._post(ApiId.REVOKE, body.to_wire())
        await asyncio.to_thread(self._store.delete, self.key)

    # --- issuance -------------------------------------------------------------------------------

    def _fresh(self, token: AccessToken) -> bool:
        return token.remaining(self._clock.time()) > self.refresh_margin_s

    async def _obtain(self) -> AccessToken:
        record = _Record.from_json(await asyncio.to_thread(self._store.get, self.key))
        if record.last_issuance is not None:
            self._last_issuance = max(record.last_issuance, self._last_issuance or 0.0)
        if record.token is not None and self._fresh(record.token):
            self._announce(record.token)
            self._cached = record.token  # issued by an earlier run or another client
            return record.token
        await self._wait_for_issuance_slot()
        token = await self._issue()
        self._cached = token
        return token

    async def _wait_for_issuance_slot(self) -> None:
        if self._last_issuance is None:
            return
        wait = self._last_issuance + self.min_interval_s - self._clock.time()
        # Clamp: a wall clock that jumped back must not park us for longer than one interval.
        wait = min(wait, self.min_interval_s)
        if wait > 0:
            _log.debug("token issuance allowed in %.1f s; waiting", wait)
            await self._clock.sleep(wait)

    async def _issue(self) -> AccessToken:
        previous = self._last_issuance
        # Persist the attempt before sending: a crash or lost answer still counts against the minute.
        await self._remember_issuance(self._clock.time())
        body = TokenRequest(appkey=self._credentials.appkey, appsecret=self._credentials.appsecret)
        try:
            data = await self._post(ApiId.TOKEN, body.to_wire())
        except KisConnectError:
            await self._remember_issuance(previous)  # nothing reached KIS
            raise
        except KisTokenThrottledError:
            await self._remember_issuance(self._clock.time())
            raise
        now = self._clock.time()
        try:
            parsed = TokenResponse.model_validate(data)
        except ValidationError as exc:
            raise KisProtocolError(f"token answer: {exc.error_count()} invalid fields") from None
        token = AccessToken(parsed.access_token, now + parsed.expires_in, now)
        self._announce(token)
        self._last_issuance = now
        await asyncio.to_thread(self._store.set, self.key, _Record(token, now).to_json())
        return token

    def _announce(self, token: AccessToken) -> None:
        if self._on_token is not None:
            self._on_token(token.token)

    async def _remember_issuance(self, when: float | None) -> None:
        self._last_issuance = when
        await asyncio.to_thread(self._store.set, self.key, _Record(None, when).to_json())

    async def _post(self, api_id: ApiId, body: dict[str, str]) -> dict[str, Any]:
        endpoint = ENDPOINTS[api_id]
        url = self._base.join(endpoint.path)
        content = json.dumps(body).encode("utf-8")

        async def attempt() -> dict[str, Any]:
            request = self._link.request("POST", url, TOKEN_HEADERS, content=content)
            async with self._limiter.slot(Priority.ORDER) if self._limiter else nullcontext():
                response = await self._link.send(request, self._deadline_s, "")
            return self._decode(response)

        return await with_retries(Kind.TOKEN, attempt, self._clock)

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        """tokenP/revokeP answer {"error_code", "error_description"} on failure, not the envelope."""
        data = json_object(response)
        status = response.status_code
        if data is not None and "error_code" in data:
            err = TokenErrorBody.model_validate(data)
            cls = KisTokenThrottledError if err.error_code == TOKEN_THROTTLED else KisAuthError
            text = scrub(err.error_description, self._credentials.secrets())
            raise cls(tr_id="", rt_cd="", msg_cd=err.error_code, msg1=text, status=status)
        if not response.is_success:
            raise KisHttpError(status, scrub(response.text[:200], self._credentials.secrets()))
        if data is None:
            raise KisProtocolError("token endpoint answered without a JSON object", status=status)
        return data


def _retrieve(task: asyncio.Task[AccessToken]) -> None:
    # Every waiter re-raises the failure; this only stops "exception never retrieved" if all left.
    if not task.cancelled():
        exc = task.exception()
        if exc is not None and not isinstance(exc, KisError):
            _log.debug("token issuance failed: %s", type(exc).__name__)
