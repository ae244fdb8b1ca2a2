"""kill -9 at the four points around a send, then restart on the same journal (order-safety.md row 25, G4).

A simulator runs in its own process; `crash_driver` places one order and SIGKILLs itself at the point,
then a second driver run starts up on the same journal file and reconciles. After that: every ledger
order of the run maps to exactly one journal row, no row is SENDING/UNKNOWN, NOT_FOUND only when the
ledger has nothing, no duplicates. Each point runs `RUNS` times here; `python tests/bench/chaos.py
--crash-runs 500` runs the 500-kill version.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kisdesk.domain.intents import IntentState
from tests.safety.crash_rig import (
    KILL_POINTS,
    CrashJob,
    CrashResult,
    crash_forked,
    crash_once,
    drive,
    driver_argv,
    simulator_process,
)

RUNS = 3
# What the one intent must end as after the restart, per kill point.
EXPECTED = {
    "in_commit": set(),  # the SENDING transaction never committed: no row, nothing sent
    "after_commit": {IntentState.NOT_FOUND.value},  # SENDING → UNKNOWN at startup → nothing in the ledger
    "after_post": {IntentState.ACKED.value},  # the order is in the ledger; reconciliation finds it
    "after_response": {IntentState.ACKED.value},
}


@pytest.fixture(scope="module")
def sim_url() -> Iterator[str]:
    with simulator_process() as url:
        yield url


@pytest.fixture(scope="module")
def tokens(sim_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The token file every run shares; one clean run issues the token first (runs go in parallel)."""
    folder = tmp_path_factory.mktemp("crash-warmup")
    path = folder / "tokens.json"
    assert drive(driver_argv(sim_url, folder, "99.25", None, tokens=path)) == 0
    return path


@pytest.fixture(scope="module")
def results(
    sim_url: str, tokens: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[CrashResult]]:
    """Every (point, run). Run 0 of each point starts `python -m tests.safety.crash_driver` (the script
    exactly as the chaos benchmark runs it); the other runs fork this interpreter to skip ~1 s of imports
    each. Each job has a price of its own, so jobs sharing the simulator never match each other's orders.
    """
    base = tmp_path_factory.mktemp("crash")
    jobs = {
        (point, run): CrashJob(point, base / f"{point}-{run}", f"1{i}{run}.25")
        for i, point in enumerate(KILL_POINTS)
        for run in range(RUNS)
    }
    with ThreadPoolExecutor(len(KILL_POINTS)) as pool:
        spawned = {
            key: pool.submit(crash_once, sim_url, job, tokens=tokens)
            for key, job in jobs.items()
            if key[1] == 0
        }
        done = {key: future.result() for key, future in spawned.items()}
    forked = [key for key in jobs if key not in done]
    done.update(zip(forked, crash_forked(sim_url, [jobs[k] for k in forked], tokens=tokens), strict=True))
    return {p: [done[(p, r)] for r in range(RUNS)] for p in KILL_POINTS}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_9_then_restart_loses_and_duplicates_nothing(
    results: dict[str, list[CrashResult]], point: str
) -> None:
    for result in results[point]:
        assert result.killed
        assert set(result.states.values()) == EXPECTED[point]
        assert result.ledger_orders == (1 if point in ("after_post", "after_response") else 0)
        assert result.duplicates == 0
        assert result.lost == 0
        assert result.unresolved == 0
        assert result.false_not_found == 0
