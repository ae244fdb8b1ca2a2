"""One HTTP exchange with KIS and what may be retried after it.

This module owns the HTTP link to one host (`Link`) and three decisions that must be made in exactly
one place:

* `Link.send`: which httpx failures mean "nothing was sent" (connect phase, including the overall deadline
  or any failure before httpcore started writing the request headers) and which mean "KIS may have
  acted on it" (timeout after sending, reset, the deadline once sending began);
* `unwrap`: how any answer becomes either the JSON object of a success or a `KisError`
  (errors-and-limits.md §1: parse the body whatever the status, classify by msg_cd/error_code);
* `RETRY_TABLE` + `with_retries`: the bounded, jittered retries per kind of request. An order POST
  whose fate is unknown is never resent (errors-and-limits.md §5, order-safety.md G3).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar

import httpx

from kisdesk import __version__
from kisdesk.api import stepwise
from kisdesk.api.clock import Clock
from kisdesk.api.errors import (
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisError,
    KisHttpError,
    KisOutcomeUnknownError,
    KisProtocolError,
    KisRateLimitError,
    KisUncertainApiError,
)
from kisdesk.api.isolation import LOOPBACK_HOSTS

_log = logging.getLogger("kisdesk.api")
_rng = random.Random()
T = TypeVar("T")

RATE_LIMITED_CODES: Final = frozenset({"EGW00201", "EGW00215"})
TOKEN_INVALID_CODES: Final = frozenset({"EGW00121", "EGW00122", "EGW00123"})
# KIS's own words for these: the previous transaction must be checked (errors-and-limits.md §2, §3).
UNCERTAIN_CODES: Final = frozenset(
    {"EGW00002", "EGW00301", "EGW00302", "OPSQ0004", "OPSQ0005", "OPSQ0006", "OPSQ0008", "OPSQ0009"}
)
# Gateway hiccups that are safe to retry for an idempotent GET (never retried for orders).
TRANSIENT_CODES: Final = frozenset({"EGW00001", "EGW00202", "EGW00203", "EGW00204", "EGW00300"})
# Exceptions raised before a single byte of the request left this machine.
CONNECT_PHASE: Final = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


class Kind(StrEnum):
    """What a request is, as far as retrying goes."""

    QUERY = "query"  # GET inquiries and quotes: idempotent
    ORDER = "order"  # order, revise/cancel and reservation POSTs: not idempotent
    TOKEN = "token"  # tokenP/revokeP: not idempotent and limited to one issuance a minute


class Failure(StrEnum):
    CONNECT = "connect"  # nothing was sent
    RATE_LIMITED = "rate_limited"  # gateway refused the request before processing it
    TOKEN_INVALID = "token_invalid"  # gateway refused the token before processing the request
    AMBIGUOUS = "ambiguous"  # the request may have been processed


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    connect_retries: int
    rate_limit_retries: int
    rate_limit_codes: frozenset[str]
    token_retries: int
    ambiguous_retries: int

    def allowance(self, failure: Failure) -> int:
        return {
            Failure.CONNECT: self.connect_retries,
            Failure.RATE_LIMITED: self.rate_limit_retries,
            Failure.TOKEN_INVALID: self.token_retries,
            Failure.AMBIGUOUS: self.ambiguous_retries,
        }[failure]


# Retries are extra attempts: connect_retries=2 means 3 attempts in all.
# EGW00201 on an order is retried because the gateway rejects it before the order system sees it
# (ASSUMPTION, errors-and-limits.md §5). EGW00215 is a ledger-side limit with no such statement,
# so orders surface it. Ambiguous outcomes (timeout after sending, reset, 5xx without a KIS code,
# unreadable body, EGW00301/00302 …) are retried for GETs only.
RETRY_TABLE: Final[dict[Kind, RetryPolicy]] = {
    Kind.QUERY: RetryPolicy(2, 3, RATE_LIMITED_CODES, 1, 2),
    Kind.ORDER: RetryPolicy(2, 3, frozenset({"EGW00201"}), 1, 0),
    Kind.TOKEN: RetryPolicy(2, 0, frozenset(), 0, 0),
}


def classify_failure(exc: KisError, policy: RetryPolicy) -> Failure | None:
    """The retry category of `exc`, or None when it is final whatever the kind."""
    if isinstance(exc, KisConnectError):
        return Failure.CONNECT
    if isinstance(exc, KisRateLimitError):
        return Failure.RATE_LIMITED if exc.msg_cd in policy.rate_limit_codes else None
    if isinstance(exc, KisAuthError):
        return Failure.TOKEN_INVALID if exc.msg_cd in TOKEN_INVALID_CODES else None
    if isinstance(exc, KisOutcomeUnknownError | KisProtocolError | KisUncertainApiError):
        return Failure.AMBIGUOUS
    if isinstance(exc, KisHttpError):
        return Failure.AMBIGUOUS if exc.status >= 500 else None
    if isinstance(exc, KisApiError) and exc.msg_cd in TRANSIENT_CODES:
        return Failure.AMBIGUOUS
    return None


def backoff(failure: Failure, nth: int, rng: random.Random = _rng) -> float:
    """Seconds to wait before the `nth` retry of this kind of failure (full jitter on top)."""
    if failure is Failure.RATE_LIMITED:
        return 0.1 + 0.1 * rng.random()  # 100-200 ms: the per-second window is nearly over
    if failure is Failure.TOKEN_INVALID:
        return 0.0  # the token manager already waits for the issuance slot
    base = 0.2 if failure is Failure.CONNECT else 0.25
    return float(base * 2 ** (nth - 1) * (1.0 + rng.random()))


async def with_retries(kind: Kind, attempt: Callable[[], Awaitable[T]], clock: Clock) -> T:
    """Run `attempt` until it succeeds, fails finally, or its kind's retry allowance is spent."""
    policy = RETRY_TABLE[kind]
    used: dict[Failure, int] = {}
    while True:
        try:
            return await attempt()
        except KisError as exc:
            failure = classify_failure(exc, policy)
            if failure is None:
                raise
            used[failure] = used.get(failure, 0) + 1
            if used[failure] > policy.allowance(failure):
                raise
            _log.debug("retrying %s request after %s (%d)", kind.value, failure.value, used[failure])
            await clock.sleep(backoff(failure, used[failure]))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove known secret values (a server may echo them) from text bound for an error or log."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class WireTrace:
    """How far one request got, from httpcore's `trace` extension events.

    `sending` turns true at "<http11|http2>.send_request_headers.started": from then on KIS may have
    bytes of the request. Until then only connecting (TCP, TLS) has happened and nothing was sent.
    `seen` is false when no event arrived at all (a transport that does not emit them, or a wait for
    a pool slot): then there is no evidence of where the request was, and nothing is assumed.

    Once sending, nothing later can change the verdict, so the trace takes itself out of the
    request's extensions (httpcore reads them afresh for each phase): the eight events of the
    remaining phases cost ~20 µs a request (P1). A caller's own trace keeps every event.
    """

    __slots__ = ("_chained", "_extensions", "seen", "sending")

    def __init__(
        self,
        chained: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        self._chained = chained
        self._extensions = extensions
        self.seen = False
        self.sending = False

    @property
    def nothing_sent(self) -> bool:
        """True only with positive evidence that the request had not started being written."""
        return self.seen and not self.sending

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        self.seen = True
        if name.endswith(".send_request_headers.started") and not _is_tunnel(info):
            self.sending = True
            if self._chained is None and self._extensions is not None:
                self._extensions.pop("trace", None)
        if self._chained is not None:
            await self._chained(name, info)


def _is_tunnel(info: dict[str, Any]) -> bool:
    """A proxy's CONNECT: its headers going out carry nothing of the request to KIS."""
    request = info.get("request")
    return getattr(request, "method", None) == b"CONNECT"


# What httpx.AsyncClient would add to every request; `Link` sends these itself.
BASE_HEADERS: Final[Mapping[str, str]] = {
    "accept": "*/*",
    "accept-encoding": "gzip, deflate",
    "user-agent": f"kisdesk/{__version__}",
}


def proxy_for(url: httpx.URL) -> str | None:
    """The proxy the environment names for `url` (HTTPS_PROXY, NO_PROXY …), as httpx would use it.

    The simulator on loopback is never proxied: a proxy there could only break the demo. NO_PROXY
    is read from the environment only: `urllib.request.proxy_bypass` may resolve the host (Windows,
    macOS), a blocking DNS lookup where clients are built, on the GUI's loop.
    """
    if url.host in LOOPBACK_HOSTS:
        return None
    # In CPython's urllib since Python 2, but not in typeshed's stubs.
    if urllib.request.proxy_bypass_environment(url.host):  # type: ignore[attr-defined]
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy:
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


class Link:
    """The HTTP connection to one KIS host: httpx's transport, driven without `httpx.AsyncClient`.

    Why not AsyncClient.send: per request it extracts cookies through urllib and email.message and
    runs its auth and redirect generators, ~150 µs a request on loopback (P1) for features KIS does
    not use (no cookies, no redirects, no auth flows). Kept from httpx: the connection pool, TLS
    with verification always on, per-operation timeouts, a proxy from the environment, exception
    mapping and content decoding. Redirects are not followed: a 3xx is an answer like any other.
    """

    def __init__(
        self,
        base_url: httpx.URL,
        *,
        timeout: httpx.Timeout,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._transport = (
            transport if transport is not None else httpx.AsyncHTTPTransport(proxy=proxy_for(base_url))
        )
        self._timeout = timeout.as_dict()
        self._closed = False

    @property
    def is_closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        await self._transport.aclose()

    def request(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str],
        *,
        content: bytes | None = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """A request with the base headers and this link's timeouts; not sent."""
        return httpx.Request(
            method,
            url,
            params=params,
            headers={**BASE_HEADERS, **headers},
            content=content,
            extensions={"timeout": self._timeout},
        )

    async def send(self, request: httpx.Request, deadline_s: float, tr_id: str) -> httpx.Response:
        """One exchange under an overall deadline, with httpx failures mapped to connect/unknown.

        A failure, or the deadline, while still connecting (no request headers started on the wire,
        per httpcore's trace events) is KisConnectError: nothing was sent (order-safety.md §2 row 2).
        Once the request started being written, or with no trace evidence, it is
        KisOutcomeUnknownError. The whole body is read before this returns.
        """
        if self._closed:
            raise RuntimeError("this KIS link is closed")
        started = time.monotonic()
        extensions = {**request.extensions}
        extensions.setdefault("timeout", self._timeout)  # a request not built by `request()`
        wire = extensions["trace"] = WireTrace(extensions.get("trace"), extensions)
        request.extensions = extensions
        try:
            async with asyncio.timeout(deadline_s):
                response = await self._transport.handle_async_request(request)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
        except CONNECT_PHASE as exc:
            where = _where(request)
            _log.debug("%s tr_id=%s connect failed: %s", where, tr_id, type(exc).__name__)
            raise KisConnectError(
                f"{where}: could not connect ({type(exc).__name__}); nothing was sent"
            ) from exc
        except TimeoutError as exc:
            where = _where(request)
            if wire.nothing_sent:
                _log.debug("%s tr_id=%s still connecting after %.1f s", where, tr_id, deadline_s)
                raise KisConnectError(
                    f"{where}: could not connect within {deadline_s:g} s; nothing was sent"
                ) from exc
            _log.debug("%s tr_id=%s no answer within %.1f s", where, tr_id, deadline_s)
            raise KisOutcomeUnknownError(f"{where}: no answer within {deadline_s:g} s") from exc
        except httpx.TransportError as exc:
            where, name = _where(request), type(exc).__name__
            if wire.nothing_sent:
                _log.debug("%s tr_id=%s failed before sending: %s", where, tr_id, name)
                raise KisConnectError(f"{where}: {name} while connecting; nothing was sent") from exc
            _log.debug("%s tr_id=%s failed after sending: %s", where, tr_id, name)
            raise KisOutcomeUnknownError(f"{where}: {name} after the request was sent") from exc
        response.request = request
        if _log.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.monotonic() - started) * 1000
            _log.debug(
                "%s tr_id=%s status=%d %.0f ms", _where(request), tr_id, response.status_code, elapsed_ms
            )
        return response


def _where(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


async def unwrap(response: httpx.Response, tr_id: str, secrets: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object of a successful KIS answer; any other answer raises the matching KisError.

    A large body is decoded a step at a time (`read_json_object`), the loop turning in between.
    """
    status = response.status_code
    data = await read_json_object(response)
    if data is not None and ("rt_cd" in data or "error_code" in data):
        rt_cd = str(data.get("rt_cd", ""))
        if response.is_success and rt_cd == "0":
            return data
        code = str(data.get("msg_cd") or data.get("error_code") or "")
        msg1 = scrub(str(data.get("msg1") or data.get("error_description") or ""), secrets)
        raise _api_error(code)(tr_id=tr_id, rt_cd=rt_cd, msg_cd=code, msg1=msg1, status=status)
    if not response.is_success:
        raise KisHttpError(status, scrub(response.text, secrets), tr_id)
    raise KisProtocolError("the answer is not a KIS JSON envelope", tr_id, status)


def _api_error(code: str) -> type[KisApiError]:
    if code in RATE_LIMITED_CODES:
        return KisRateLimitError
    if code in TOKEN_INVALID_CODES:
        return KisAuthError
    if code in UNCERTAIN_CODES:
        return KisUncertainApiError
    return KisApiError


async def read_json_object(response: httpx.Response) -> dict[str, Any] | None:
    """`json_object`, decoding a large body a step at a time (kisdesk/api/stepwise.py)."""
    if len(response.content) < stepwise.LARGE_BODY:
        return json_object(response)
    try:
        data = await stepwise.loads(await stepwise.decode(response.content, response.encoding or "utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (HTML, truncated JSON, a list)."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
