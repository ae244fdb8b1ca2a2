"""Client-side pacing of KIS requests: an async sliding-log rate limiter with order priority.

KIS counts requests per second and answers EGW00201 above its budget (errors-and-limits.md §6).
A sliding log (the grant times of the last window) rather than a fixed window or bucket means no
stretch of `window_s` ever holds more than `rate` grants, even across a window edge. Waiting is an
awaited future, so the Qt/asyncio loop keeps running (order-safety.md row 13), and order traffic
overtakes queued queries.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum

from kisdesk.api.clock import Clock, SystemClock


class Priority(IntEnum):
    """Lower value is served first."""

    ORDER = 0  # order, revise, cancel, reservation changes, token issuance
    QUERY = 1  # inquiries and quotes


@dataclass(frozen=True, slots=True)
class RateBudget:
    """What a status bar shows: grants in the current window against the budget, and the queue."""

    rate: int
    window_s: float
    in_use: int
    queued: int
    queued_orders: int
    in_flight: int


class RateLimiter:
    """At most `rate` requests in any window of `window_s` (+ `margin_s`) as the host counts them.

    The host counts a request when it arrives, which is somewhere between our grant and the answer.
    So a request inside `slot()` holds its place until its answer is in, and only then starts its
    window: no spread of network latency can squeeze `rate + 1` arrivals into one host window.
    """

    def __init__(self, rate: int, window_s: float = 1.0, margin_s: float = 0.03, clock: Clock | None = None):
        if rate < 1 or window_s <= 0 or margin_s < 0:
            raise ValueError("rate must be ≥ 1, window_s > 0 and margin_s ≥ 0")
        self.rate = rate
        self.window_s = window_s
        self.margin_s = margin_s
        self._clock: Clock = clock or SystemClock()
        self._log: deque[float] = deque()  # times requests finished (or were granted), oldest first
        self._in_flight = 0  # granted and not yet finished: each holds a place in the window
        self._queue: list[tuple[Priority, int, asyncio.Future[None]]] = []  # a heap
        self._seq = itertools.count()
        self._dispatcher: asyncio.Task[None] | None = None
        self._released = asyncio.Event()

    @asynccontextmanager
    async def slot(self, priority: Priority = Priority.QUERY) -> AsyncIterator[None]:
        """Wait for a grant, run the body (one request), and count it until the body has finished."""
        await self._reserve(priority)
        try:
            yield
        finally:
            self._release()

    async def acquire(self, priority: Priority = Priority.QUERY) -> None:
        """Take one grant that counts from now (for a caller with no request to wrap)."""
        await self._reserve(priority)
        self._release()

    def in_use(self) -> int:
        """Grants counted in the current window, including requests still in flight."""
        self._prune(self._clock.monotonic())
        return len(self._log) + self._in_flight

    def queued(self) -> int:
        return sum(1 for *_, fut in self._queue if not fut.done())

    def budget(self) -> RateBudget:
        orders = sum(1 for prio, _, fut in self._queue if prio is Priority.ORDER and not fut.done())
        return RateBudget(self.rate, self.window_s, self.in_use(), self.queued(), orders, self._in_flight)

    # --- internals ------------------------------------------------------------------------------

    async def _reserve(self, priority: Priority) -> None:
        if not self._live_waiters() and self.in_use() < self.rate:
            self._in_flight += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queue, (priority, next(self._seq), fut))
        self._kick()
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                # Granted, but cancelled before the request was made: nothing was sent, give it back.
                self._in_flight -= 1
                if self._live_waiters():
                    self._kick(restart=True)
            raise

    def _release(self) -> None:
        self._in_flight -= 1
        self._log.append(self._clock.monotonic())
        self._released.set()

    def _prune(self, now: float) -> None:
        horizon = self.window_s + self.margin_s
        while self._log and self._log[0] + horizon <= now:
            self._log.popleft()

    def _live_waiters(self) -> bool:
        while self._queue and self._queue[0][2].done():
            heapq.heappop(self._queue)  # cancelled waiters leave lazily
        return bool(self._queue)

    def _kick(self, restart: bool = False) -> None:
        running = self._dispatcher is not None and not self._dispatcher.done()
        if running and restart and self._dispatcher is not None:
            self._dispatcher.cancel()  # it only ever suspends while waiting, so nothing is half-done
            running = False
        if not running:
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())

    async def _dispatch(self) -> None:
        """Hand out grants, best priority first; wait for the oldest entry to age out otherwise."""
        while self._live_waiters():
            if self.in_use() < self.rate:
                _, _, fut = heapq.heappop(self._queue)
                self._in_flight += 1
                fut.set_result(None)
                continue
            if self._log:
                wait = self._log[0] + self.window_s + self.margin_s - self._clock.monotonic()
                # At least 1 ms: float rounding can leave a sub-ulp remainder that would never elapse.
                await self._clock.sleep(max(wait, 0.001))
            else:
                # Every place is held by a request in flight: its window starts when it finishes.
                self._released.clear()
                await self._released.wait()
