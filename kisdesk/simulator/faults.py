"""Fault injection (order-safety.md §2 and §4): rules that make the gateway misbehave on purpose.

A `Fault` names a kind, which requests it strikes (`match`) and how often (`count`, `probability`).
Request faults are consulted by the engine on every request; the first action fault that fires wins,
while every firing `latency` fault adds its delay. Setting faults (`reflection_delay`, `page_size`)
change the book or the settings once, when added, and are undone by `clear()`.

Text form, for `--fault` and the control endpoint: ``KIND[,key=value...]``, e.g.
``accept_then_stall,match=orders,count=1`` or ``latency,seconds=0.5,probability=0.2``.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Final

from kisdesk.api.registry import ENDPOINTS


class FaultKind(StrEnum):
    LATENCY = "latency"  # answer `seconds` later (the handler has already run)
    ACCEPT_THEN_STALL = "accept_then_stall"  # handler runs; no answer for `seconds` (None: until stop)
    HTML_500_BEFORE = "html_500_before"  # not recorded; HTML page with `status` (default 502)
    HTML_500_AFTER = "html_500_after"  # recorded, then the HTML page
    DROP_BEFORE = "drop_before"  # connection closed without an answer, nothing recorded
    DROP_AFTER = "drop_after"  # recorded, then closed without an answer
    MALFORMED_JSON = "malformed_json"  # recorded, then HTTP 200 with a truncated JSON body
    EGW = "egw"  # gateway envelope with `code` before the handler runs (nothing recorded)
    REFLECTION_DELAY = "reflection_delay"  # setting: new orders show in inquiries `seconds` later
    PAGE_SIZE = "page_size"  # setting: nccs/ccnl/resv pages hold `size` rows


BEFORE_KINDS: Final = frozenset({FaultKind.HTML_500_BEFORE, FaultKind.DROP_BEFORE, FaultKind.EGW})
AFTER_KINDS: Final = frozenset(
    {FaultKind.ACCEPT_THEN_STALL, FaultKind.HTML_500_AFTER, FaultKind.DROP_AFTER, FaultKind.MALFORMED_JSON}
)
SETTING_KINDS: Final = frozenset({FaultKind.REFLECTION_DELAY, FaultKind.PAGE_SIZE})

# "orders" = every POST that changes the book: order, revise/cancel, reservation order and revise/cancel.
ORDER_PATHS: Final = frozenset(e.path for e in ENDPOINTS.values() if e.method == "POST" and e.authorized)


@dataclass
class Fault:
    """One fault rule.

    match: "all" (every request, token calls included), "orders" (book-changing POSTs), "inquiries"
    (authorised GETs), a path ("/uapi/..."), or a TR ID. count: how many times it may fire (None:
    always). probability: chance it fires on a matching request (None: every time), drawn from the
    engine's seeded RNG. seconds: latency / stall / reflection delay. status: HTTP status of the HTML
    kinds (default 502). code: the EGW code of `egw`. size: rows per page for `page_size`.
    """

    kind: FaultKind
    match: str = "all"
    count: int | None = None
    probability: float | None = None
    seconds: float | None = None
    status: int = 502
    code: str = "EGW00201"
    size: int | None = None

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        if self.count is not None and self.count < 0:
            raise ValueError("count must be >= 0")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        if self.kind is FaultKind.LATENCY and (self.seconds is None or self.seconds < 0):
            raise ValueError("a latency fault needs seconds >= 0")
        if self.kind is FaultKind.REFLECTION_DELAY and (self.seconds is None or self.seconds < 0):
            raise ValueError("a reflection_delay fault needs seconds >= 0")
        if self.kind is FaultKind.PAGE_SIZE and (self.size is None or self.size < 1):
            raise ValueError("a page_size fault needs size >= 1")
        if not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Fault:
        """Build from JSON (control endpoint); unknown keys are an error, not silently ignored."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        if "kind" not in data:
            raise ValueError("a fault needs a kind")
        return cls(**dict(data))

    @classmethod
    def parse(cls, text: str) -> Fault:
        """Build from ``KIND[,key=value...]`` (the --fault option)."""
        kind, *pairs = (part.strip() for part in text.split(","))
        values: dict[str, Any] = {"kind": kind}
        converters: dict[str, Callable[[str], Any]] = {
            "match": str,
            "code": str,
            "count": int,
            "status": int,
            "size": int,
            "probability": float,
            "seconds": float,
        }
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            if not sep or name not in converters:
                raise ValueError(f"bad fault option {pair!r} (known: {', '.join(converters)})")
            values[name] = converters[name](raw)
        return cls.from_mapping(values)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    def matches(self, method: str, path: str, tr_id: str) -> bool:
        if self.match == "all":
            return True
        if self.match == "orders":
            return method == "POST" and path in ORDER_PATHS
        if self.match == "inquiries":
            return method == "GET" and not path.startswith("/oauth2/")
        if self.match.startswith("/"):
            return path == self.match
        return tr_id == self.match


@dataclass(frozen=True, slots=True)
class Decision:
    """What the faults say about one request: extra latency plus at most one action fault."""

    latency_s: float = 0.0
    before: Fault | None = None
    after: Fault | None = None


class Faults:
    """The active fault rules of one engine. Thread-safe (tests add faults while requests run)."""

    def __init__(
        self,
        seed: int,
        apply_setting: Callable[[Fault], None] | None = None,
        undo_settings: Callable[[], None] | None = None,
    ) -> None:
        self._rules: list[Fault] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._apply_setting = apply_setting
        self._undo_settings = undo_settings

    def add(self, fault: Fault) -> Fault:
        """Activate a fault; setting kinds take effect at once and are not kept as request rules."""
        if fault.kind in SETTING_KINDS:
            if self._apply_setting is not None:
                self._apply_setting(fault)
            return fault
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every rule and undo setting faults."""
        with self._lock:
            self._rules.clear()
        if self._undo_settings is not None:
            self._undo_settings()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._rng.seed(seed)

    def decide(self, method: str, path: str, tr_id: str) -> Decision:
        """Consume the faults that fire on this request (in the order they were added)."""
        latency = 0.0
        action: Fault | None = None
        with self._lock:
            for rule in self._rules:
                if rule.count == 0 or not rule.matches(method, path, tr_id):
                    continue
                if rule.kind is not FaultKind.LATENCY and action is not None:
                    continue  # only one action per request; later rules keep their budget
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                if rule.kind is FaultKind.LATENCY:
                    latency += rule.seconds or 0.0
                else:
                    action = rule
            self._rules = [r for r in self._rules if r.count != 0]
        if action is None:
            return Decision(latency)
        if action.kind in BEFORE_KINDS:
            return Decision(latency, before=action)
        return Decision(latency, after=action)
