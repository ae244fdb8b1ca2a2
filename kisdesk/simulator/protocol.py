"""The simulator's internal contract: what the HTTP front hands the engine and what comes back.

The front (`server.py`) turns bytes into a `SimRequest`. The gateway (`engine.py`) checks headers,
token, TR ID and rate, then calls the business handler registered for the path with a
`CallContext`. Handlers return a `SimReply`; `committed=True` tells the fault layer that the request
changed the book, so "fail after commit" faults can strike after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kisdesk.api.enums import TrFamily


@dataclass(frozen=True, slots=True)
class SimRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased; HTTP header names are case-insensitive
    query: Mapping[str, str]
    body: bytes = b""


@dataclass(slots=True)
class SimReply:
    status: int
    body: Any = None  # a JSON-able object, or raw bytes (HTML error pages, broken JSON)
    headers: dict[str, str] = field(default_factory=dict)
    committed: bool = False  # the request changed the book (an order recorded, a cancel applied)
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True, slots=True)
class AccountKey:
    cano: str  # 8 digits
    product: str  # 2 digits, "01"


@dataclass(frozen=True, slots=True)
class CallContext:
    """What the gateway established about an authorised business call."""

    family: TrFamily  # which host this instance imitates
    tr_id: str
    tr_cont: str  # request header: "" first page, "N" next page
    appkey: str
    now: datetime  # simulator clock, timezone-aware (Asia/Seoul)
    intent: str | None = None  # test-only `x-kisdesk-intent` header, counted in the ledger


Handler = Callable[[CallContext, Mapping[str, Any]], SimReply]
"""What the gateway calls: the parsed JSON body (POST) or the query (GET) of an authorised call."""

Business = Callable[[Any, CallContext, Mapping[str, Any]], SimReply]
"""A business handler before it is bound to its book (the first argument; `Any` keeps protocol.py
free of the book's import)."""


def envelope(rt_cd: str, msg_cd: str, msg1: str, **rest: Any) -> dict[str, Any]:
    """The KIS `rt_cd/msg_cd/msg1/…` envelope."""
    return {"rt_cd": rt_cd, "msg_cd": msg_cd, "msg1": msg1, **rest}


def ok(msg_cd: str, msg1: str, **rest: Any) -> dict[str, Any]:
    return envelope("0", msg_cd, msg1, **rest)


def business_error(msg_cd: str, msg1: str, status: int = 200) -> SimReply:
    """A deterministic business rejection: rt_cd "1", HTTP 200 by default."""
    return SimReply(status, envelope("1", msg_cd, msg1))


def pad200(text: str) -> str:
    """Continuation keys come back space-padded to their full width of 200."""
    return text.ljust(200)
