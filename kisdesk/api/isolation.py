"""Environment isolation: a client of one environment can only ever reach that environment.

order-safety.md row 10 / G9: host, keys and TR-ID family must agree on every request. The base URL
is checked once when a client is built (`resolve_base_url`) and every request again before it is
sent (`check_request`), so a wrong combination raises `IsolationError` with nothing sent.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import httpx

from kisdesk.api.enums import Env, TrFamily
from kisdesk.api.errors import IsolationError
from kisdesk.api.registry import OFFICIAL_BASE_URLS, family_tr_ids

LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
OFFICIAL_URLS: Final[dict[Env, httpx.URL]] = {env: httpx.URL(url) for env, url in OFFICIAL_BASE_URLS.items()}


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port if url.port is not None else {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host, port)


def _official_env(url: httpx.URL) -> Env | None:
    return next((env for env, off in OFFICIAL_URLS.items() if off.host == url.host), None)


def resolve_base_url(env: Env, base_url: str | None) -> httpx.URL:
    """The base URL a client of `env` may use.

    REAL and PAPER default to their official host; an override must be a loopback host (the
    simulator). DEMO has no official host and must be given a loopback base URL.
    """
    if base_url is None:
        if env not in OFFICIAL_URLS:
            raise IsolationError(f"{env.value} needs the simulator's base_url")
        return OFFICIAL_URLS[env]
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise IsolationError("base_url must be an http(s) URL with a host")
    if url.userinfo or url.query or url.path not in ("", "/"):
        raise IsolationError("base_url must be scheme://host:port only")
    official = OFFICIAL_URLS.get(env)
    if official is not None and _origin(url) == _origin(official):
        return official
    owner = _official_env(url)
    if owner is not None:
        raise IsolationError(f"a {env.value} client may not use the {owner.value} host")
    if url.host not in LOOPBACK_HOSTS:
        raise IsolationError(f"a {env.value} client may override its host only with a loopback address")
    return url.copy_with(path="/")


@cache
def _family_ids(family: TrFamily) -> frozenset[str]:
    return family_tr_ids(family)


def check_request(env: Env, base: httpx.URL, url: httpx.URL, tr_id: str | None) -> None:
    """Refuse a request whose host is not the client's or whose TR belongs to the other family."""
    if _origin(url) != _origin(base):
        raise IsolationError(f"request host {url.host} is not this {env.value} client's host")
    owner = _official_env(url)
    if owner is not None and owner is not env:
        raise IsolationError(f"a {env.value} client may not use the {owner.value} host")
    if tr_id is not None and tr_id not in _family_ids(env.family):
        raise IsolationError(f"TR {tr_id} is not a {env.family.value}-family TR ({env.value} client)")
