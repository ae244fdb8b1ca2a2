"""The benchmark scripts still run: each bench's `run()` with tiny sizes must produce its figures.

Only that figures come out is checked, never a timing: machines are shared and noisy, and the real
numbers come from `python tests/bench/run_all.py` (README, Benchmarks).
"""

from __future__ import annotations

import importlib
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench._common import Figure, table


def _check(figures: list[Figure], bench: str) -> None:
    assert figures
    assert {f.bench for f in figures} == {bench}
    for figure in figures:
        if isinstance(figure.value, float):
            assert not math.isnan(figure.value), figure
    assert table(figures).count("\n") == len(figures) + 1


def test_p1_client_overhead_runs() -> None:
    bench = importlib.import_module("tests.bench.bench_p1_client")
    figures = bench.run(calls=20, round_size=10, warmup=2)
    _check(figures, "P1")
    assert any(f.goal for f in figures)


def test_p2_responsiveness_runs(qapp) -> None:
    bench = importlib.import_module("tests.bench.bench_p2_responsiveness")
    _check(bench.run(orders=120, inflight=5, one_page=False), "P2")


def test_p3_grid_runs(qapp) -> None:
    bench = importlib.import_module("tests.bench.bench_p3_grid")
    _check(bench.run(rows=200, repeat=1), "P3")


def test_p4_bulk_cancel_runs() -> None:
    bench = importlib.import_module("tests.bench.bench_p4_cancel")
    figures = bench.run(orders=6, rate=50)
    _check(figures, "P4")
    assert figures[0].value == "6 ok, 0 failed"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_p5_startup_runs_without_timing_the_bundles() -> None:
    bench = importlib.import_module("tests.bench.bench_p5_startup")
    figures = bench.run(rows=50, cold=0, warm=0)
    _check(figures, "P5")
    assert any("RSS" in f.name and isinstance(f.value, float) for f in figures)


def test_the_bare_window_paints_before_it_quits() -> None:
    """P5's baseline must paint, as kisdesk does, before `--quit-after 0` closes it."""
    bench = importlib.import_module("tests.bench.bench_p5_startup")
    script = Path(str(bench.__file__)).with_name("bare_window.py")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(script), "--quit-after", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert bench.BARE_PAINTED_LINE in done.stderr


def test_run_all_knows_every_bench() -> None:
    run_all = importlib.import_module("tests.bench.run_all")
    assert list(run_all.BENCHES) == ["P1", "P2", "P3", "P4", "P5"]
