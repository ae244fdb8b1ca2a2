"""The simulator's sense of time: KST wall-clock time for tokens and the book, a monotonic clock for rates.

Every time-dependent rule (token expiry, the 1-per-minute issuance cap, the per-second rate limit,
fills) reads one injected `Clock`, so tests drive time with `ManualClock` instead of sleeping.
`SystemClock` can be shifted too, which is how a running simulator models client/server clock skew.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Final, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

KST: Final = ZoneInfo("Asia/Seoul")


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware, in Asia/Seoul."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (rate windows)."""
        ...


@runtime_checkable
class AdjustableClock(Clock, Protocol):
    def advance(self, seconds: float) -> None:
        """Move both clocks forward (the control endpoint's POST /__sim__/clock)."""
        ...


class SystemClock:
    """The real clock, optionally shifted by `advance()` to simulate server-side time travel."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(KST) + timedelta(seconds=self._offset)

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        with self._lock:
            self._offset += seconds


class ManualClock:
    """A clock that moves only when told to; both readings advance together."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 11, 23, 23, 30, tzinfo=KST)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(KST)
        self._mono = 1000.0  # arbitrary: only differences of monotonic readings mean anything
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds

    def set(self, dt: datetime) -> None:
        """Jump to `dt` (aware); the monotonic reading follows forward jumps and never goes back."""
        if dt.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware datetime")
        with self._lock:
            delta = (dt - self._now).total_seconds()
            self._now = dt.astimezone(KST)
            self._mono += max(0.0, delta)
