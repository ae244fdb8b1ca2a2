"""Garbage collection on the GUI thread only, in slices short enough not to stall the event loop.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold trips. In
kisdesk that includes the embedded simulator's server threads and qasync's workers, and a collection
there destroys unreachable Qt objects off the GUI thread ("Timers cannot be stopped from another
thread", then segfaults — seen in the UI test suite). So automatic collection is switched off for as
long as the collector lives, and a timer on the GUI thread collects instead. Nothing here ever
collects from another thread: every collection runs in `collect_due`, the timer's slot.

A full (generation 2) collection walks every tracked object, and the start-up heap alone (PySide6,
pydantic, httpx, kisdesk's modules: ~60,000 objects) costs 60-110 ms — a visible stall. Hence:
- start-up freeze: once the event loop runs (the window is open), the young generations are
  collected and `gc.freeze()` moves every live object to the permanent generation, which collections
  skip. Frozen objects are still freed by reference counting; only cycles among them are not;
- the young generations are collected together (`gc.collect(1)`) on every tick on which more than
  threshold-0 objects were allocated, every `interval_ms`: each run scans only what was allocated
  since the previous tick (survivors go straight to generation 2), so its cost follows the interval,
  not the heap — during a 10,000-order refresh a generation-1 collection that waited for its
  threshold scanned a second's worth of rows (20-35 ms);
- generation 2 is deferred: it runs when due, at most once per `full_interval_s`, and only on a quiet
  tick (one on which no young collection was due, i.e. the app allocated little since the last tick:
  no refresh or bulk update is streaming in). If the app is never quiet, it runs anyway once it is
  `full_max_defer_s` overdue, so garbage cycles cannot pile up without bound.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS: Final = 50  # young collections: short intervals keep each one small
FULL_INTERVAL_S: Final = 60.0  # at most one full collection per minute...
FULL_MAX_DEFER_S: Final = 300.0  # ...on a quiet tick, or regardless once this overdue


class GuiThreadCollector(QObject):
    """Owns the collection schedule while it lives; `stop()` restores automatic collection.

    `freeze_after_ms` schedules the start-up freeze (None: never, e.g. in tests that call `freeze`).
    `clock` is the monotonic clock the gen-2 spacing is measured on (tests pass a fake one).
    """

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        *,
        freeze_after_ms: int | None = 0,
        full_interval_s: float = FULL_INTERVAL_S,
        full_max_defer_s: float = FULL_MAX_DEFER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._full_interval_s = full_interval_s
        self._full_max_defer_s = full_max_defer_s
        self._clock = clock
        self._last_full = clock()
        self._froze = False
        self.full_collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(interval_ms)
        if freeze_after_ms is not None:
            QTimer.singleShot(freeze_after_ms, self, self.freeze)  # runs once the loop is running

    def freeze(self) -> None:
        """Move every object alive now to the permanent generation (`gc.freeze`), so that full
        collections scan only what was allocated since. Young garbage is collected first."""
        gc.collect(1)
        gc.freeze()
        self._froze = True

    def collect_due(self) -> int:
        """Collect what is due (see the module doc); return the number of objects freed."""
        counts = gc.get_count()
        freed = 0
        young_due = counts[0] > self._thresholds[0] or counts[1] > 0
        if young_due:
            freed = gc.collect(1)
        if gc.get_count()[2] > self._thresholds[2] and self._full_allowed(quiet=not young_due):
            freed += gc.collect(2)
            self.full_collections += 1
            self._last_full = self._clock()
        return freed

    def _full_allowed(self, *, quiet: bool) -> bool:
        waited = self._clock() - self._last_full
        return waited >= self._full_max_defer_s or (quiet and waited >= self._full_interval_s)

    def stop(self) -> None:
        """Stop collecting; unfreeze what `freeze` froze and switch automatic collection back on."""
        self._timer.stop()
        if self._froze:
            gc.unfreeze()
            self._froze = False
        gc.enable()
