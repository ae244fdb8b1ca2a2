"""The per-second transaction limit of one simulated KIS host (errors-and-limits.md §6).

A sliding-window log per key: a request is admitted while fewer than `rate × window` requests were
admitted in the last `rate_window_s` seconds. Above that the gateway answers EGW00201. The key is the
account or the app key (`SimSettings.rate_limit_key`); rates and window are read from the settings on
every call, so a test can change them on a running simulator. Token endpoints never reach this.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Final

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.clock import Clock
from kisdesk.simulator.settings import SimSettings

RATE_LIMIT_CODE: Final = "EGW00201"
RATE_LIMIT_TEXT: Final = "초당 거래건수를 초과하였습니다."


class RateLimiter:
    """Not thread-safe by itself: the engine calls it under its lock."""

    def __init__(self, family: TrFamily, settings: SimSettings, clock: Clock) -> None:
        self._family = family
        self._settings = settings
        self._clock = clock
        self._log: dict[str, deque[float]] = {}

    @property
    def budget(self) -> int:
        """Requests admitted per window for this host."""
        s = self._settings
        rate = s.real_rate_per_s if self._family is TrFamily.REAL else s.paper_rate_per_s
        return max(1, math.floor(rate * s.rate_window_s + 1e-9))

    def key(self, appkey: str, account: str | None) -> str:
        """The bucket a request counts against. Without an account (quotes) the app key stands in."""
        if self._settings.rate_limit_key == "appkey" or account is None:
            return f"appkey:{appkey}"
        return f"account:{account}"

    def admit(self, key: str) -> bool:
        """Record one request against `key`; False means "answer EGW00201"."""
        now = self._clock.monotonic()
        log = self._log.setdefault(key, deque())
        horizon = now - self._settings.rate_window_s
        while log and log[0] <= horizon:
            log.popleft()
        if len(log) < self.budget:
            log.append(now)
            return True
        if self._settings.throttled_requests_count:
            log.append(now)
        return False

    def reset(self) -> None:
        self._log.clear()
