"""The clock the API layer reads and sleeps on: wall time, monotonic time and an async sleep.

Token expiry and the one-issuance-per-minute rule are wall-clock facts (they survive restarts);
rate-limit windows are monotonic. Both, plus sleeping, go through one injectable object so tests can
run minutes of KIS time without waiting.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Wall-clock seconds since the epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Suspend the calling task (never the loop) for `seconds`."""
        ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
