"""G5 as the app meets it: chaos attempts from a qasync loop, against hosts in another process.

    .venv/bin/python tests/bench/chaos_gui.py --per-fault 30 [--workers 16] [--paper-share 0.25]
                                              [--faults a,b,...] [--deadline 15] [--trace-stalls 40]
                                              [--json out.json]

tests/bench/chaos.py measures G5 with its simulators and proxies inside the measuring process, on a
simulated clock: its loop competes for the GIL with them, so its stall figure is the harness's. This
pass keeps the measuring process what kisdesk is: a QApplication (offscreen) running the app's own
loop set-up (qasync QEventLoop, the GUI-thread garbage collector of kisdesk.ui.gc_guard), a 10 ms
precise QTimer heartbeat, and the real KisClient + IntentService + SQLite journal on the real clock
with the default ReconcileSettings (10 s grace window) and the client's default budgets and request
deadline. The KIS hosts are simulators behind wire-fault proxies in a child process
(tests/bench/_chaoshost.py), so nothing of theirs runs on this loop or holds this process's GIL.

Fault kinds run one after another (a phase each), so a stall belongs to exactly one kind: in a
phase, `--workers` workers (the first `--paper-share` of them on paper hosts) each place their share
of the kind's `--per-fault` attempts one after another (submit, then settle), each worker on a host
of its own, fresh for the phase, through one session (client, journal, IntentService) that starts
with a token as after a long-ago login (`SESSION_PER_ATTEMPT` kinds: a session per attempt).
Heartbeat lateness is counted per phase from the first attempt to the last settled one; set-up (new
hosts and sessions) and counting fall between phases and are reported apart. Many sessions on one
loop are a harsher load than the app's one, on purpose.

Figures per kind and overall: max stall and p99 lateness of the heartbeat, attempts, duplicates
(ledger orders per intent > 1, or order POSTs past the gateway per intent > 1), rows left
SENDING/UNKNOWN, ledger orders no row owns, wall time; plus the worst stalls with the main thread's
and the process's CPU time inside them (little CPU in a long stall = this process was not running:
the machine is busy) and, with `--trace-stalls MS`, the main thread's Python stack sampled while the
heartbeat was overdue by more than MS.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Final, Self

ROOT: Final = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `tests.bench...` must import

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the first QApplication exists

import qasync  # noqa: E402, TID251  (the benchmark drives the app's loop set-up itself)
from PySide6.QtCore import Qt, QTimer  # noqa: E402, TID251
from PySide6.QtWidgets import QApplication  # noqa: E402, TID251

from kisdesk.api.auth import MemoryTokenStore, token_store_key  # noqa: E402
from kisdesk.api.client import DEFAULT_DEADLINE_S, KisClient  # noqa: E402
from kisdesk.api.enums import Env  # noqa: E402
from kisdesk.app.intents import IntentService  # noqa: E402
from kisdesk.app.journal import Journal  # noqa: E402
from kisdesk.app.logs import FORMAT, RedactingFilter, RedactingFormatter  # noqa: E402
from kisdesk.app.orders import OrderService  # noqa: E402
from kisdesk.app.reconcile import ReconcileSettings  # noqa: E402
from kisdesk.domain.intents import IntentState  # noqa: E402
from kisdesk.ui.gc_guard import GuiThreadCollector  # noqa: E402
from tests.bench.chaos import CATALOGUE, add_counts, ledger_counts, pct  # noqa: E402
from tests.safety.harness import (  # noqa: E402
    ACCOUNT,
    CREDS,
    PAPER_CREDS,
    CountingTransport,
    all_rows,
    illegal_transitions,
    ticket,
)

BEAT_MS: Final = 10
GOAL_STALL_MS: Final = 100.0
GOAL_P99_MS: Final = 20.0
HOST_START_S: Final = 60.0  # imports and N hosts; a loaded 2-CPU machine needs seconds
WORST: Final = 8  # worst stalls reported in detail
S = IntentState


# --- the heartbeat ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """Between two heartbeats: how late the second came, and what CPU was spent meanwhile."""

    end: float  # perf_counter of the later beat
    late_ms: float
    main_cpu_ms: float  # the loop thread's CPU time inside the gap
    process_cpu_ms: float  # every thread of this process


class Heartbeat:
    """A precise 10 ms QTimer on the GUI thread; a beat later than 10 ms after the previous one is a stall
    of the loop (no input handled, nothing painted) for that long."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._beat)
        self.wall: list[float] = []
        self._main_cpu: list[float] = []
        self._process_cpu: list[float] = []

    def _beat(self) -> None:
        self.wall.append(time.perf_counter())
        self._main_cpu.append(time.thread_time())
        self._process_cpu.append(time.process_time())

    def start(self) -> None:
        self._beat()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        # No connection left, so no reference cycle: the timer dies by refcount, on this thread.
        self._timer.timeout.disconnect(self._beat)

    def gaps(self) -> list[Gap]:
        w, m, p = self.wall, self._main_cpu, self._process_cpu
        return [
            Gap(
                w[i],
                max(0.0, (w[i] - w[i - 1]) * 1000 - BEAT_MS),
                (m[i] - m[i - 1]) * 1000,
                (p[i] - p[i - 1]) * 1000,
            )
            for i in range(1, len(w))
        ]


class StallTracer:
    """Samples the loop thread's Python stack every 2 ms while the heartbeat is overdue (diagnosis only:
    the sampling thread takes the GIL too, so figures of a traced run are not the pass's figures)."""

    def __init__(self, beat: Heartbeat, threshold_ms: float) -> None:
        self._beat = beat
        self._threshold_s = threshold_ms / 1000
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chaos-gui-stall-tracer", daemon=True)
        self.samples: dict[float, list[tuple[float, str]]] = {}  # gap start -> (overdue ms, stack)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            if not self._beat.wall:
                continue
            last = self._beat.wall[-1]
            overdue = time.perf_counter() - last - BEAT_MS / 1000
            if overdue < self._threshold_s:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            if frame is not None:
                self.samples.setdefault(last, []).append((overdue * 1000, _stack(frame)))

    def stacks_for(self, gap_end: float, wall: Sequence[float]) -> list[tuple[int, float, str]]:
        """(samples, max overdue ms, stack) for the gap ending at `gap_end`, most sampled first."""
        try:
            start = wall[wall.index(gap_end) - 1]
        except ValueError:
            return []
        counts: Counter[str] = Counter()
        worst: dict[str, float] = {}
        for overdue, stack in self.samples.get(start, []):
            counts[stack] += 1
            worst[stack] = max(worst.get(stack, 0.0), overdue)
        return [(n, worst[s], s) for s, n in counts.most_common(3)]


def _stack(frame: FrameType | None, depth: int = 14) -> str:
    parts: list[str] = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        name = Path(code.co_filename)
        short = "/".join(name.parts[-2:])
        parts.append(f"{short}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return " < ".join(parts)


# --- the host process -------------------------------------------------------------------------------


class ChaosHost:
    """tests/bench/_chaoshost.py as a child process, spoken to one JSON line at a time.

    `call` blocks, so the loop awaits `ask`, which runs it on one dedicated thread (which also keeps
    the commands of concurrent workers in order). The child stops on "quit" or when its stdin closes,
    so it cannot outlive this process; `__exit__` still escalates to terminate/kill.
    """

    def __init__(self, workers: int, paper: int, seed: int) -> None:
        self._args = [
            sys.executable,
            "-m",
            "tests.bench._chaoshost",
            "--workers",
            str(workers),
            "--paper",
            str(paper),
            "--seed",
            str(seed),
        ]
        self._proc: subprocess.Popen[str] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self.hosts: list[dict[str, Any]] = []

    def __enter__(self) -> Self:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self._proc = subprocess.Popen(
            self._args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chaos-gui-host")
        try:
            hello = self._executor.submit(self._read).result(timeout=HOST_START_S)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.hosts = list(hello["hosts"])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        proc, self._proc = self._proc, None
        try:
            self._stop(proc)
        finally:
            # After the child is gone: a call still waiting for its answer then reads EOF and ends.
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    @staticmethod
    def _stop(proc: subprocess.Popen[str] | None) -> None:
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write('{"cmd": "quit"}\n')
                proc.stdin.close()  # EOF stops it too, should "quit" get lost
            proc.wait(timeout=15)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.terminate()  # our own child, by its handle
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        finally:
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None and not pipe.closed:
                    pipe.close()

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the chaos host exited (status {proc.poll()})")
        data: dict[str, Any] = json.loads(line)
        if "error" in data:
            raise RuntimeError(f"chaos host: {data['error']}")
        return data

    async def ask(self, **message: Any) -> dict[str, Any]:
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.call, message)


# --- one worker's client side -----------------------------------------------------------------------


@dataclass
class Tally:
    attempts: int = 0
    first_states: Counter[str] = field(default_factory=Counter)
    final_states: Counter[str] = field(default_factory=Counter)
    ledger_orders: int = 0
    duplicate_ledger: int = 0  # intents with >1 ledger order (G1)
    duplicate_posts: int = 0  # intents whose POST got past the gateway >1 times (G3)
    lost_ledger: int = 0  # ledger orders no journal row owns (G2)
    unresolved_rows: int = 0  # rows left SENDING/UNKNOWN (G2)
    ambiguous_rows: int = 0
    false_not_found: int = 0
    illegal_transitions: int = 0
    egw00201_limiter: int = 0  # from the hosts' own limiters at the default budgets (G6)
    egw00133: int = 0
    token_issues: int = 0
    requests: int = 0
    tr_family_mismatches: int = 0
    stale_wire_faults: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, Counter):
                mine.update(value)
            elif isinstance(value, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)

    @property
    def duplicates(self) -> int:
        return self.duplicate_ledger + self.duplicate_posts


def logged_in_long_ago(env: Env, appkey: str, token: str, expires_in: float) -> MemoryTokenStore:
    """A token store holding the host's token, issued (so the client believes) an hour ago.

    A client remembers its last issuance and waits out KIS's one-per-minute rule before the next one;
    with a token a second old, every EGW00123 attempt would idle for a minute, which a session
    hours old never does. The record's layout is kisdesk.api.auth's `_Record`: should it change,
    the client ignores the record and issues a token itself (slower EGW00123 phases, same counts).
    """
    now = time.time()
    record = {
        "token": token,
        "expires_at": now + expires_in,
        "issued_at": now - 3600,
        "last_issuance": now - 3600,
    }
    store = MemoryTokenStore()
    store.set(token_store_key(env, appkey), json.dumps(record))
    return store


@dataclass
class Seat:
    """One worker's session for one phase: a client, a journal and an IntentService on its host."""

    worker: int
    env: Env
    client: KisClient
    journal: Journal
    service: IntentService

    @classmethod
    async def open(
        cls, worker: int, host: dict[str, Any], folder: Path, deadline_s: float, settings: ReconcileSettings
    ) -> Seat:
        env = Env(host["env"])
        creds = PAPER_CREDS if env is Env.PAPER else CREDS
        client = KisClient(
            env,
            creds,
            ACCOUNT,
            token_store=logged_in_long_ago(env, creds.appkey, host["token"], float(host["expires_in"])),
            base_url=host["url"],
            rate_per_s=None,  # the client's default budget for env (real 18/s, paper 1/s)
            deadline_s=deadline_s,
            transport=CountingTransport(),
        )
        journal = Journal(folder / "journal.sqlite3")  # it makes its folder, on its own thread
        seat = cls(
            worker, env, client, journal, IntentService(OrderService(client), journal, settings=settings)
        )
        try:
            await seat.service.startup()
            await client.issue_token()  # from the store: no request
        except BaseException:
            await seat.close()
            raise
        return seat

    async def attempt(self, host: ChaosHost, kind: str, attempt: int, t: Tally) -> None:
        armed = await host.ask(cmd="arm", worker=self.worker, fault=kind, attempt=attempt)
        quantity = int(armed["options"].get("quantity", 1))
        first = await self.service.submit(ticket(self.env, quantity=quantity))
        t.first_states[first.state.value] += 1
        final = await self.service.settle(first)
        t.final_states[final.state.value] += 1
        t.attempts += 1

    async def close(self) -> None:
        await self.service.close()
        await self.client.aclose()
        await self.journal.aclose()


async def count_worker(worker: int, seats: Sequence[Seat], host: ChaosHost, t: Tally) -> None:
    """The G1-G3 counts of chaos.py's `_count`, from one host's ledger and its sessions' journals."""
    await host.ask(cmd="clear", worker=worker)
    seen = await host.ask(cmd="ledger", worker=worker)
    rows = [(row, seat.journal) for seat in seats for row in await all_rows(seat.journal)]
    ledger = [(str(i), str(n)) for i, n in seen["orders"]]
    add_counts(t, ledger_counts([r for r, _ in rows], ledger, seen["posts"], seen["refused"]))
    for row, journal in rows:
        t.illegal_transitions += len(await illegal_transitions(journal, row.intent_id))
    t.egw00201_limiter += int(seen["egw00201_limiter"])
    t.egw00133 += int(seen["codes"].get("EGW00133", 0))
    t.token_issues += int(seen["token_issues"])
    t.requests += int(seen["requests"])
    t.tr_family_mismatches += int(seen["mismatches"])
    t.stale_wire_faults += int(seen["stale_wire_faults"])


# --- phases -----------------------------------------------------------------------------------------

# Kinds whose attempts each get a session of their own. A token expires once in its 24 h life, so a
# session meets EGW00123 once: a second one in the same session would make the client wait out KIS's
# one-issuance-per-minute rule (61 s of idle loop), which no real session does.
SESSION_PER_ATTEMPT: Final = frozenset({"egw00123"})
NEW_SESSION_PAUSE_S: Final = 1.1  # the hosts' rate window (1 s) and a margin


@dataclass
class Phase:
    kind: str
    start: float = 0.0  # perf_counter: first attempt begins
    end: float = 0.0  # ... last attempt settled
    tally: Tally = field(default_factory=Tally)


def shares(total: int, workers: int) -> list[int]:
    """`total` attempts dealt round-robin over `workers`."""
    return [total // workers + (1 if w < total % workers else 0) for w in range(workers)]


async def run_phase(
    phase: Phase, host: ChaosHost, per_fault: int, out: Path, deadline_s: float, settings: ReconcileSettings
) -> None:
    hosts = (await host.ask(cmd="reset"))["hosts"]  # fresh hosts: empty books keep every scan short
    counts = shares(per_fault, len(hosts))
    per_attempt = phase.kind in SESSION_PER_ATTEMPT
    seats: dict[int, list[Seat]] = {w: [] for w in range(len(hosts)) if counts[w]}
    t = phase.tally

    async def open_all(w: int) -> None:
        for session in range(counts[w] if per_attempt else 1):
            folder = out / phase.kind / f"w{w:02d}-s{session:02d}"
            seats[w].append(await Seat.open(w, hosts[w], folder, deadline_s, settings))

    async def run_all(w: int) -> None:
        try:
            for attempt in range(counts[w]):
                if per_attempt and attempt:
                    # A new session's limiter knows nothing of the last one's requests, which the host
                    # still counts for a second: starting at once would earn EGW00201 on paper (1/s).
                    await asyncio.sleep(NEW_SESSION_PAUSE_S)
                await seats[w][attempt if per_attempt else 0].attempt(host, phase.kind, attempt, t)
        except Exception as exc:  # a failed worker is a finding, not the end of the run
            t.errors.append(f"{phase.kind} worker {w}: {type(exc).__name__}: {exc}")

    try:
        opened = await asyncio.gather(*(open_all(w) for w in seats), return_exceptions=True)
        t.errors += [
            f"{phase.kind} set-up: {type(e).__name__}: {e}" for e in opened if isinstance(e, BaseException)
        ]
        ready = [w for w in seats if len(seats[w]) == (counts[w] if per_attempt else 1)]
        phase.start = time.perf_counter()
        await asyncio.gather(*(run_all(w) for w in ready))
        phase.end = time.perf_counter()
        for w in ready:
            try:
                await count_worker(w, seats[w], host, t)
            except Exception as exc:
                t.errors.append(f"{phase.kind} count {w}: {type(exc).__name__}: {exc}")
    finally:
        for session in seats.values():
            for seat in session:
                await seat.close()


def _lateness(gaps: Sequence[Gap]) -> dict[str, Any]:
    late = [g.late_ms for g in gaps]
    return {
        "heartbeats": len(late),
        "stall_max_ms": max(late, default=0.0),
        "lateness_p99_ms": pct(late, 99),
        "lateness_p50_ms": pct(late, 50),
    }


def _in(gaps: Sequence[Gap], start: float, end: float) -> list[Gap]:
    return [g for g in gaps if start < g.end <= end]


async def _drive(
    host: ChaosHost,
    kinds: Sequence[str],
    per_fault: int,
    out: Path,
    deadline_s: float,
    settings: ReconcileSettings,
    phases: list[Phase],
    loads: list[tuple[float, float, float]],
) -> None:
    await asyncio.sleep(0.3)  # the collector's start-up freeze and the first beats happen first
    for kind in kinds:
        phase = Phase(kind)
        phases.append(phase)
        await run_phase(phase, host, per_fault, out, deadline_s, settings)
        loads.append(os.getloadavg())


@contextmanager
def _interrupt_cancels(task: asyncio.Task[None]) -> Iterator[None]:
    """Ctrl+C cancels `task` (so every session and host closes), then raises KeyboardInterrupt.

    Under a Qt loop a KeyboardInterrupt raised inside a slot is printed and dropped, so the default
    handler would not stop the run at all.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted = False

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        task.get_loop().call_soon_threadsafe(task.cancel)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    except asyncio.CancelledError:
        if not interrupted:
            raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt


def run_gui_pass(
    per_fault: int,
    workers: int = 16,
    *,
    kinds: Sequence[str] | None = None,
    paper_share: float = 0.25,
    seed: int = 1,
    deadline_s: float = DEFAULT_DEADLINE_S,
    settings: ReconcileSettings | None = None,
    gc_guard: bool = True,
    trace_stalls_ms: float | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """Run the pass (module docstring) on a qasync loop of its own; return the figures (see `render`).

    Must be called on the main thread with no event loop running. `kinds`: fault names of
    chaos.CATALOGUE (default: all, in catalogue order). `settings`: the reconciler's (default:
    ReconcileSettings(), the app's). `gc_guard=False` leaves Python's automatic collection on
    instead of the app's collector. `out`: keep the journals and the log there.
    """
    kinds = list(kinds or CATALOGUE)
    unknown = [k for k in kinds if k not in CATALOGUE]
    if unknown or per_fault < 1 or workers < 1:
        raise ValueError(f"per_fault >= 1, workers >= 1 and known kinds required (unknown: {unknown})")
    workers = min(workers, per_fault)
    paper = round(workers * paper_share) if workers > 1 else 0
    settings = settings or ReconcileSettings()
    own_out = out is None
    out = Path(tempfile.mkdtemp(prefix="kisdesk-chaos-gui-")) if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if isinstance(app, QApplication):
        app.setQuitOnLastWindowClosed(False)  # as kisdesk.ui.app: the coroutine ends the loop
    log_handler = logging.FileHandler(out / "kisdesk.log", encoding="utf-8")
    log_handler.setFormatter(RedactingFormatter(FORMAT))
    log_handler.addFilter(RedactingFilter())
    kis_log = logging.getLogger("kisdesk")
    old_level = kis_log.level
    kis_log.addHandler(log_handler)
    kis_log.setLevel(logging.INFO)  # the app's default level
    phases: list[Phase] = []
    loads = [os.getloadavg()]
    began = time.perf_counter()
    beat: Heartbeat | None = None
    tracer: StallTracer | None = None
    try:
        with ChaosHost(workers, paper, seed) as host:
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            collector = GuiThreadCollector(app) if gc_guard else None
            beat = Heartbeat()
            tracer = StallTracer(beat, trace_stalls_ms) if trace_stalls_ms is not None else None
            try:
                with loop:
                    beat.start()
                    if tracer is not None:
                        tracer.start()
                    task = loop.create_task(
                        _drive(host, kinds, per_fault, out, deadline_s, settings, phases, loads)
                    )
                    with _interrupt_cancels(task):
                        loop.run_until_complete(task)
            finally:
                beat.stop()
                if tracer is not None:
                    tracer.stop()
                if collector is not None:
                    collector.stop()
                    collector.deleteLater()
                asyncio.set_event_loop(None)
                # The pass's Qt objects die here, on the GUI thread: left to automatic collection, a
                # later run's worker thread could destroy them ("Timers cannot be stopped from
                # another thread").
                gc.collect()
    finally:
        kis_log.removeHandler(log_handler)
        kis_log.setLevel(old_level)
        log_handler.close()
        if own_out:
            shutil.rmtree(out, ignore_errors=True)
    wall = time.perf_counter() - began
    figures = _figures(phases, beat, tracer, wall, loads)
    figures.update(
        per_fault_target=per_fault,
        workers=workers,
        paper_workers=paper,
        deadline_s=deadline_s,
        reconcile=asdict(settings),
        gc_guard=gc_guard,
        traced=tracer is not None,
        cpus=os.cpu_count(),
    )
    if not own_out:
        figures["out"] = str(out)
    return figures


def _figures(
    phases: Sequence[Phase],
    beat: Heartbeat | None,
    tracer: StallTracer | None,
    wall: float,
    loads: Sequence[tuple[float, float, float]],
) -> dict[str, Any]:
    gaps = beat.gaps() if beat is not None else []
    total = Tally()
    per_fault: dict[str, dict[str, Any]] = {}
    measured: list[Gap] = []
    for phase in phases:
        t = phase.tally
        total.add(t)
        inside = _in(gaps, phase.start, phase.end)
        measured += inside
        per_fault[phase.kind] = {
            **_lateness(inside),
            "attempts": t.attempts,
            "duplicates": t.duplicates,
            "unresolved_rows": t.unresolved_rows,
            "lost_ledger": t.lost_ledger,
            "false_not_found": t.false_not_found,
            "illegal_transitions": t.illegal_transitions,
            "final_states": dict(t.final_states),
            "wall_s": phase.end - phase.start,
            "errors": len(t.errors),
        }
    between = [g for g in gaps if not any(p.start < g.end <= p.end for p in phases)]
    owner = {id(g): p.kind for p in phases for g in _in(gaps, p.start, p.end)}
    worst = sorted(gaps, key=lambda g: g.late_ms, reverse=True)[:WORST]
    overall = _lateness(measured)
    g5 = overall["stall_max_ms"] < GOAL_STALL_MS and overall["lateness_p99_ms"] < GOAL_P99_MS
    return {
        **overall,
        "g5_pass": bool(measured) and g5,
        "per_fault": per_fault,
        "between_phases": _lateness(between),
        "worst_stalls": [
            {
                "late_ms": g.late_ms,
                "main_cpu_ms": g.main_cpu_ms,
                "process_cpu_ms": g.process_cpu_ms,
                "phase": owner.get(id(g), "(between phases)"),
                "stacks": tracer.stacks_for(g.end, beat.wall)
                if tracer is not None and beat is not None
                else [],
            }
            for g in worst
        ],
        "attempts": total.attempts,
        "min_per_fault": min((p.tally.attempts for p in phases), default=0),
        "first_states": dict(total.first_states),
        "final_states": dict(total.final_states),
        "ledger_orders": total.ledger_orders,
        "duplicates": total.duplicates,
        "duplicate_ledger": total.duplicate_ledger,
        "duplicate_posts": total.duplicate_posts,
        "unresolved_rows": total.unresolved_rows,
        "lost_ledger": total.lost_ledger,
        "false_not_found": total.false_not_found,
        "ambiguous_rows": total.ambiguous_rows,
        "illegal_transitions": total.illegal_transitions,
        "egw00201_limiter": total.egw00201_limiter,
        "egw00133": total.egw00133,
        "token_issues": total.token_issues,
        "requests": total.requests,
        "tr_family_mismatches": total.tr_family_mismatches,
        "stale_wire_faults": total.stale_wire_faults,
        "wall_s": wall,
        "load_avg": {"start": loads[0], "max_1min": max(x[0] for x in loads), "end": loads[-1]},
        "errors": total.errors,
    }


def render(f: dict[str, Any]) -> str:
    """The per-kind table, the overall line and the worst stalls, as text."""
    head = (
        "fault",
        "attempts",
        "max stall ms",
        "p99 ms",
        "dup",
        "unresolved",
        "lost",
        "wall s",
        "final states",
    )
    rows = [head]
    for kind, v in f["per_fault"].items():
        rows.append(
            (
                kind,
                str(v["attempts"]),
                f"{v['stall_max_ms']:.1f}",
                f"{v['lateness_p99_ms']:.1f}",
                str(v["duplicates"]),
                str(v["unresolved_rows"]),
                str(v["lost_ledger"] + v["false_not_found"]),
                f"{v['wall_s']:.1f}",
                " ".join(f"{k}={n}" for k, n in sorted(v["final_states"].items())),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    verdict = "PASS" if f["g5_pass"] else "FAIL"
    load = f["load_avg"]
    lines += [
        "",
        f"G5 overall: max stall {f['stall_max_ms']:.1f} ms (goal <{GOAL_STALL_MS:.0f}), p99 lateness "
        f"{f['lateness_p99_ms']:.1f} ms (goal <{GOAL_P99_MS:.0f}), p50 {f['lateness_p50_ms']:.2f} ms, "
        f"{f['heartbeats']} beats: {verdict}",
        f"between phases (set-up, counting): max {f['between_phases']['stall_max_ms']:.1f} ms, "
        f"p99 {f['between_phases']['lateness_p99_ms']:.1f} ms",
        f"attempts {f['attempts']} (min {f['min_per_fault']}/fault), duplicates {f['duplicates']}, "
        f"unresolved {f['unresolved_rows']}, lost {f['lost_ledger']}, false NOT_FOUND "
        f"{f['false_not_found']}, AMBIGUOUS {f['ambiguous_rows']}, illegal transitions "
        f"{f['illegal_transitions']}",
        f"EGW00201 from the hosts' limiters {f['egw00201_limiter']} in {f['requests']} requests, EGW00133 "
        f"{f['egw00133']}, tokens {f['token_issues']}, TR family mismatches {f['tr_family_mismatches']}",
        f"wall {f['wall_s']:.1f} s; {f['workers']} workers ({f['paper_workers']} paper), deadline "
        f"{f['deadline_s']:g} s, grace {f['reconcile']['grace_s']:g} s; load average start "
        f"{_load(load['start'])}, max 1-min {load['max_1min']:.2f}, end {_load(load['end'])} "
        f"({f['cpus']} CPUs){'; TRACED' if f['traced'] else ''}",
        "",
        "worst stalls (late ms, loop-thread CPU ms, process CPU ms, phase):",
    ]
    for s in f["worst_stalls"]:
        lines.append(
            f"  {s['late_ms']:7.1f} {s['main_cpu_ms']:7.1f} {s['process_cpu_ms']:7.1f}  {s['phase']}"
        )
        for n, overdue, stack in s["stacks"]:
            lines.append(f"      {n} samples, to {overdue:.0f} ms overdue: {stack}")
    if f["errors"]:
        lines.append(f"ERRORS ({len(f['errors'])}): " + "; ".join(f["errors"][:5]))
    return "\n".join(lines)


def _load(values: Sequence[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/bench/chaos_gui.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-fault", type=int, default=30, help="attempts per fault kind")
    parser.add_argument("--workers", type=int, default=16, help="concurrent clients (one host each)")
    parser.add_argument("--paper-share", type=float, default=0.25)
    parser.add_argument("--faults", default="", help="comma-separated kinds (default: the whole catalogue)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--deadline", type=float, default=DEFAULT_DEADLINE_S, help="client request deadline, s"
    )
    parser.add_argument(
        "--no-gc-guard", action="store_true", help="automatic gc instead of the app's collector"
    )
    parser.add_argument(
        "--trace-stalls",
        type=float,
        default=None,
        metavar="MS",
        help="sample the loop's stack past MS overdue",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep journals and the log in this folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.faults.split(",") if k.strip()] or None
    figures = run_gui_pass(
        args.per_fault,
        args.workers,
        kinds=kinds,
        paper_share=args.paper_share,
        seed=args.seed,
        deadline_s=args.deadline,
        gc_guard=not args.no_gc_guard,
        trace_stalls_ms=args.trace_stalls,
        out=args.keep,
    )
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), "utf-8")
    bad = figures["errors"] or figures["duplicates"] or figures["unresolved_rows"] or figures["lost_ledger"]
    return 1 if bad or math.isnan(figures["lateness_p99_ms"]) else 0


if __name__ == "__main__":
    sys.exit(main())
