"""The GUI-thread collector: automatic collection off while it runs, every collection on the GUI
thread, the start-up heap frozen, young generations collected when due and full ones deferred."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kisdesk.ui.gc_guard import GuiThreadCollector


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def restore_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def _make_cycles(count: int) -> None:
    for _ in range(count):
        cycle: list[object] = []
        cycle.append(cycle)  # unreachable once the loop moves on


def _make_gen2_due() -> None:
    """Every generation-1 collection counts towards generation 2."""
    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)


def test_collector_disables_automatic_gc_and_collects_cycles(qapp, restore_gc) -> None:
    collector = GuiThreadCollector(interval_ms=10_000, freeze_after_ms=None)
    try:
        assert not gc.isenabled()
        _make_cycles(gc.get_threshold()[0] * 2)
        assert collector.collect_due() > 0
    finally:
        collector.stop()
    assert gc.isenabled()


def test_no_collection_runs_off_the_gui_thread(qapp, restore_gc) -> None:
    threads: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            threads.append(threading.get_ident())

    collector = GuiThreadCollector(interval_ms=10_000, freeze_after_ms=None)
    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=_make_cycles, args=(gc.get_threshold()[0] * 20,))
        worker.start()
        worker.join()
        assert threads == []  # the worker passed every threshold, and nothing collected
        assert collector.collect_due() > 0
        assert threads
        assert set(threads) == {threading.get_ident()}
    finally:
        gc.callbacks.remove(record)
        collector.stop()


def test_startup_freeze_runs_once_the_loop_runs_and_stop_unfreezes(qapp, qtbot, restore_gc) -> None:
    gc.unfreeze()
    collector = GuiThreadCollector(interval_ms=10_000)  # default: freeze on the first loop pass
    try:
        assert gc.get_freeze_count() == 0
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=2000)
        frozen = gc.get_freeze_count()
        _make_cycles(50)
        gc.collect(2)
        assert gc.get_freeze_count() == frozen  # full collections leave the frozen heap alone
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_full_collection_waits_for_its_interval_and_a_quiet_tick(qapp, restore_gc) -> None:
    clock = FakeClock()
    collector = GuiThreadCollector(
        interval_ms=10_000, freeze_after_ms=None, full_interval_s=60, full_max_defer_s=300, clock=clock
    )
    try:
        _make_gen2_due()
        collector.collect_due()
        assert collector.full_collections == 0  # due, but the last one (start) is too recent
        assert gc.get_count()[2] > gc.get_threshold()[2]

        clock.now += 61
        _make_cycles(gc.get_threshold()[0] * 2)  # busy: a young collection is due this tick
        collector.collect_due()
        assert collector.full_collections == 0

        collector.collect_due()  # quiet tick
        assert collector.full_collections == 1
        assert gc.get_count()[2] == 0

        _make_gen2_due()
        clock.now += 61
        collector.collect_due()  # due again, quiet, and 61 s since the last one
        assert collector.full_collections == 2
    finally:
        collector.stop()


def test_full_collection_runs_when_overdue_even_if_never_quiet(qapp, restore_gc) -> None:
    clock = FakeClock()
    collector = GuiThreadCollector(
        interval_ms=10_000, freeze_after_ms=None, full_interval_s=60, full_max_defer_s=300, clock=clock
    )
    try:
        _make_gen2_due()
        for step in range(5):
            clock.now += 60
            _make_cycles(gc.get_threshold()[0] * 2)  # every tick busy
            collector.collect_due()
            assert collector.full_collections == (1 if step == 4 else 0)
    finally:
        collector.stop()
