"""Shared by tests/safety/test_crash.py and tests/bench/chaos.py: a simulator in its own process, the crash
driver run as a subprocess that SIGKILLs itself, and the checks after the restart (order-safety.md row 25).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx

from kisdesk.app.journal import Journal
from kisdesk.domain.intents import IntentState
from kisdesk.domain.pending import order_key

ROOT: Final = Path(__file__).resolve().parents[2]
KILL_POINTS: Final = ("in_commit", "after_commit", "after_post", "after_response")
RUN_TIMEOUT_S: Final = 60.0


@contextmanager
def simulator_process() -> Iterator[str]:
    """`python -m kisdesk.simulator --env real --port 0 --test-endpoints` on 127.0.0.1; yields its URL."""
    cmd = [sys.executable, "-m", "kisdesk.simulator", "--env", "real", "--port", "0", "--test-endpoints"]
    proc = subprocess.Popen(
        [*cmd, "--set", "real_rate_per_s=1000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the simulator did not start: {url!r}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()


def driver_argv(
    url: str, folder: Path, price: str, kill_at: str | None, *, tokens: Path, restart: bool = False
) -> list[str]:
    argv = ["--url", url, "--price", price, "--journal", str(folder / "journal.sqlite3")]
    argv += ["--tokens", str(tokens)]
    if kill_at:
        argv += ["--kill-at", kill_at]
    if restart:
        argv.append("--restart")
    return argv


def drive(argv: list[str]) -> int:
    """`python -m tests.safety.crash_driver ARGV`; returns its exit status (-SIGKILL when it killed itself).

    Every run against one simulator shares one token file: a token per run would hit EGW00133.
    """
    cmd = [sys.executable, "-m", "tests.safety.crash_driver", *argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if done.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"driver failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.returncode


def _quiet_driver(argv: list[str]) -> int:
    """The driver's main() with its one-line summary sent to /dev/null (the parent reads the journal)."""
    from tests.safety import crash_driver

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        return crash_driver.main(argv)


def drive_forked(argvs: list[list[str]]) -> list[int]:
    """The same driver, forked from this (already imported) interpreter, all at once; their exit statuses.

    Saves ~1 s of imports per run. Call it from the main thread with no event loop running and no
    other threads busy (a fork copies only the calling thread).
    """
    ctx = multiprocessing.get_context("fork")
    children = [ctx.Process(target=_quiet_driver, args=(argv,)) for argv in argvs]
    for child in children:
        child.start()
    codes: list[int] = []
    for child in children:
        child.join(RUN_TIMEOUT_S)
        if child.exitcode is None:
            child.kill()
            child.join(5)
        code = child.exitcode
        child.close()
        if code not in (0, -signal.SIGKILL):
            raise RuntimeError(f"forked driver failed ({code})")
        codes.append(code)
    return codes


def sim_json(url: str, name: str) -> Any:
    return httpx.get(f"{url}/__sim__/{name}", timeout=10).json()


@dataclass
class CrashResult:
    point: str
    killed: bool
    states: dict[str, str]
    ledger_orders: int
    duplicates: int
    lost: int  # ledger orders of this run's journal with no row owning them
    unresolved: int  # rows still SENDING/UNKNOWN after the restart
    false_not_found: int  # NOT_FOUND rows whose order the ledger has


async def _rows(path: Path) -> list[Any]:
    journal = Journal(path)
    try:
        return await journal.history(limit=100_000)
    finally:
        await journal.aclose()


@dataclass(frozen=True)
class CrashJob:
    point: str
    folder: Path
    price: str  # unique per job: jobs sharing a simulator never match each other's orders

    def argv(self, url: str, tokens: Path, *, restart: bool) -> list[str]:
        kill_at = None if restart else self.point
        return driver_argv(url, self.folder, self.price, kill_at, tokens=tokens, restart=restart)


def crash_once(url: str, job: CrashJob, *, tokens: Path) -> CrashResult:
    """Kill at the job's point, restart on the same journal (two `python -m` runs), then compare."""
    job.folder.mkdir(parents=True, exist_ok=True)
    status = drive(job.argv(url, tokens, restart=False))
    drive(job.argv(url, tokens, restart=True))
    return evaluate(url, job, status)


def crash_forked(url: str, jobs: list[CrashJob], *, tokens: Path) -> list[CrashResult]:
    """Every job's killed run at once (forked), then every restart at once, then compare each."""
    for job in jobs:
        job.folder.mkdir(parents=True, exist_ok=True)
    statuses = drive_forked([j.argv(url, tokens, restart=False) for j in jobs])
    drive_forked([j.argv(url, tokens, restart=True) for j in jobs])
    return [evaluate(url, job, status) for job, status in zip(jobs, statuses, strict=True)]


def evaluate(url: str, job: CrashJob, status: int) -> CrashResult:
    """Compare the job's journal (after its restart) with the simulator's ledger and POST counts."""
    point, folder, price = job.point, job.folder, job.price
    rows = asyncio.run(_rows(folder / "journal.sqlite3"))
    ids = {r.intent_id for r in rows}
    ledger = [e for e in sim_json(url, "ledger") if e["kind"] == "order"]
    # The run's orders: those tagged with one of its intents, or (untagged) at its unique price.
    ours = [e for e in ledger if e["intent"] in ids or e["fields"].get("OVRS_ORD_UNPR") == price]
    per_intent = Counter(e["intent"] for e in ours)
    owned = Counter(order_key(r.order_no) for r in rows if r.order_no)
    lost = sum(1 for e in ours if owned.get(order_key(e["order_no"]), 0) != 1)
    posts = sim_json(url, "intents")
    duplicates = sum(1 for n in per_intent.values() if n > 1) + sum(1 for i in ids if posts.get(i, 0) > 1)
    unresolved = sum(1 for r in rows if r.state in (IntentState.SENDING, IntentState.UNKNOWN))
    false_nf = sum(1 for r in rows if r.state is IntentState.NOT_FOUND and per_intent.get(r.intent_id))
    return CrashResult(
        point,
        status == -signal.SIGKILL,
        {r.intent_id: r.state.value for r in rows},
        len(ours),
        duplicates,
        lost,
        unresolved,
        false_nf,
    )
