"""Chaos benchmark (order-safety.md G1–G9): N fault-injected order attempts, then the figures.

    .venv/bin/python tests/bench/chaos.py --n 10000 [--workers 8] [--seed 1] [--segment 25]
                                          [--crash-runs 500] [--gui-per-fault 30] [--json out.json]
                                          [--keep DIR]

A SCRIPT, not a test (tests/safety/test_chaos_smoke.py runs it with N=50). Every attempt places one order
through the real KisClient + IntentService + SQLite journal against an in-process simulator over
127.0.0.1, behind the wire-fault proxy, with one fault drawn from the catalogue (seeded, every kind equally
often). The client and the reconciler sleep on the simulator's ManualClock, so grace windows and token
waits cost no wall time; request deadlines are real. Workers run concurrently on one plain asyncio loop,
each on its own simulator, recycled every `--segment` attempts so the book (and every scan) stays small.
A heartbeat task on the same loop measures its stalls (every 10 ms), but that loop shares the GIL
with the in-process simulators and proxies: G5 as the app meets it comes from `--gui-per-fault N`,
which runs tests/bench/chaos_gui.py (real clock, the app's qasync loop, hosts in another process).

The run uses canary app keys/secrets; afterwards every file it wrote (journals, WAL files, the DEBUG log)
is scanned for them and for every token the simulators issued. `--crash-runs N` adds N kill -9 runs
(random point of the four) against a simulator process (tests/safety/crash_rig.py).

Figures: duplicates (ledger orders per intent > 1, POSTs processed per intent > 1), lost (ledger orders
no journal row owns, rows left SENDING/UNKNOWN, NOT_FOUND rows the ledger has), UNKNOWN resolution time
(simulated seconds; p50/p95/max), EGW00201 from the simulators' own rate limit at the default budgets
(real 18/s, paper 1/s, client and host alike), event-loop stall, canary hits, real/paper mismatches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `tests.safety...` must import

from kisdesk.api.enums import Env  # noqa: E402
from kisdesk.app.logs import FORMAT, RedactingFilter, RedactingFormatter  # noqa: E402
from kisdesk.app.reconcile import ReconcileSettings  # noqa: E402
from kisdesk.domain.intents import Intent, IntentState  # noqa: E402
from kisdesk.domain.pending import order_key  # noqa: E402
from kisdesk.simulator.faults import Fault, FaultKind  # noqa: E402
from tests.safety.fault_proxy import WireFault  # noqa: E402
from tests.safety.harness import (  # noqa: E402
    CANARY_APPKEY,
    CANARY_APPSECRET,
    CREDS,
    PAPER_CREDS,
    Rig,
    all_rows,
    illegal_transitions,
    make_rig,
    ticket,
)

S = IntentState
HEARTBEAT_S: Final = 0.010
# Orders per simulator book. Row 14 defines the tiny-page fault on a book of 25 orders; a fuller book at
# paper's 1 request/s and 2-row pages costs a second per 2 orders per scan, which measures KIS's pacing,
# not reconciliation.
SEGMENT: Final = 25
Arrange = Callable[[Rig, random.Random], dict[str, Any]]


def _sim(kind: FaultKind, **options: Any) -> Arrange:
    def arrange(rig: Rig, rng: random.Random) -> dict[str, Any]:
        spec = {"count": 1, **options}
        rig.engine.faults.add(Fault(kind, match="orders", **spec))
        return {}

    return arrange


def _wire(fault: WireFault, **options: Any) -> Arrange:
    def arrange(rig: Rig, rng: random.Random) -> dict[str, Any]:
        assert rig.proxy is not None
        nbytes = options.get("nbytes", 0)
        if fault is WireFault.RESET_DOWN:
            nbytes = rng.randrange(0, 370)  # anywhere in the answer (~377 bytes)
        if fault is WireFault.RESET_UP:
            nbytes = rng.randrange(1, 1100)  # anywhere before the request's last byte (~1160 bytes)
        rig.proxy.arm(fault, nbytes=nbytes, interval_s=options.get("interval_s", 0.0))
        return {}

    return arrange


def _none(rig: Rig, rng: random.Random) -> dict[str, Any]:
    return {}


def _business_reject(rig: Rig, rng: random.Random) -> dict[str, Any]:
    return {"quantity": 10**6}  # above the buying power: 200 + rt_cd=1


def _reflection(rig: Rig, rng: random.Random) -> dict[str, Any]:
    rig.engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=round(rng.uniform(0, 5), 1)))
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    return {}


def _tiny_pages(rig: Rig, rng: random.Random) -> dict[str, Any]:
    rig.engine.faults.add(Fault(FaultKind.PAGE_SIZE, size=2))
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    return {}


# §4 catalogue (what a single order attempt can meet); every kind is drawn equally often.
CATALOGUE: Final[dict[str, Arrange]] = {
    "none": _none,
    "accept_then_stall": _sim(FaultKind.ACCEPT_THEN_STALL),
    "html_502_before": _sim(FaultKind.HTML_500_BEFORE),
    "html_500_before": _sim(FaultKind.HTML_500_BEFORE, status=500),
    "html_500_after": _sim(FaultKind.HTML_500_AFTER, status=500),
    "drop_before": _sim(FaultKind.DROP_BEFORE),
    "drop_after": _sim(FaultKind.DROP_AFTER),
    "malformed_json": _sim(FaultKind.MALFORMED_JSON),
    "egw00201": _sim(FaultKind.EGW, code="EGW00201", count=2),
    "egw00123": _sim(FaultKind.EGW, code="EGW00123"),
    "business_reject": _business_reject,
    "reflection_delay": _reflection,
    "tiny_pages": _tiny_pages,
    "wire_reset_down": _wire(WireFault.RESET_DOWN),
    "wire_reset_up": _wire(WireFault.RESET_UP),
    "wire_drip": _wire(WireFault.DRIP, interval_s=0.05),
    "wire_stall": _wire(WireFault.STALL),
}


@dataclass
class Totals:
    attempts: int = 0
    per_fault: Counter[str] = field(default_factory=Counter)
    first_states: Counter[str] = field(default_factory=Counter)
    final_states: Counter[str] = field(default_factory=Counter)
    ledger_orders: int = 0
    duplicate_ledger: int = 0  # intents with >1 ledger order (G1)
    duplicate_posts: int = 0  # intents whose POST reached the order system >1 times (G3)
    lost_ledger: int = 0  # ledger orders no journal row owns (G2)
    unresolved_rows: int = 0  # rows still SENDING/UNKNOWN at the end (G2)
    ambiguous_rows: int = 0
    false_not_found: int = 0
    illegal_transitions: int = 0
    resolution_s: list[float] = field(default_factory=list)  # simulated s, UNKNOWN -> decided
    resolution_by_outcome: dict[str, list[float]] = field(default_factory=dict)
    resolution_wall_s: list[float] = field(default_factory=list)
    not_found_since_send_s: list[float] = field(default_factory=list)  # row 14: never before the grace
    egw00201_rate_limit: int = 0  # from the hosts' own limiter (steady state, default budgets)
    egw00201_injected: int = 0
    egw00133: int = 0
    token_issues: int = 0
    segments: int = 0
    requests: int = 0
    tr_family_mismatches: int = 0
    appkey_mismatches: int = 0
    tokens: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class Heartbeat:
    """A 10 ms tick on the loop; lateness = how much later than planned each tick ran."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        planned = loop.time() + HEARTBEAT_S
        while True:
            await asyncio.sleep(max(0.0, planned - loop.time()))
            now = loop.time()
            self.lateness.append(max(0.0, now - planned))
            planned = max(planned + HEARTBEAT_S, now)  # no catch-up burst after a stall

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


async def _segment(
    worker: int, index: int, plan: list[str], env: Env, folder: Path, seed: int, deadline_s: float, t: Totals
) -> None:
    """`plan` attempts on one fresh simulator + proxy + client + journal; then settle and count."""
    rig = make_rig(env, folder, real_rate_per_s=18, paper_rate_per_s=1)  # KIS's budgets (G6)
    rng = random.Random(f"{seed}-{worker}-{index}")
    limited = Counter[str]()
    admit = rig.engine.limiter.admit

    def counting_admit(key: Any) -> bool:
        ok = admit(key)
        if not ok:
            limited["EGW00201"] += 1
        return ok

    rig.engine.limiter.admit = counting_admit  # type: ignore[method-assign]
    try:
        await rig.with_proxy(max_lifetime_s=3600)
        service = await rig.started(rig.client(rate_per_s=None, deadline_s=deadline_s))
        for name in plan:
            rig.engine.faults.clear()
            options = CATALOGUE[name](rig, rng)
            first = await service.submit(ticket(env, quantity=options.get("quantity", 1)))
            t.first_states[first.state.value] += 1
            final = await service.settle(first)
            t.final_states[final.state.value] += 1
            t.per_fault[name] += 1
            t.attempts += 1
        rig.engine.faults.clear()
        for res in service.reconciler.resolutions:
            t.resolution_s.append(res.elapsed_s)
            t.resolution_by_outcome.setdefault(res.outcome.value, []).append(res.elapsed_s)
            t.resolution_wall_s.append(res.wall_s)
            if res.outcome is S.NOT_FOUND:
                t.not_found_since_send_s.append(res.since_send_s)
        await _count(rig, t)
        t.egw00201_rate_limit += limited["EGW00201"]
    finally:
        await rig.close()
        t.segments += 1


def ledger_counts(
    rows: Sequence[Intent],
    ledger: Sequence[tuple[str, str]],
    posts: Mapping[str, int],
    refused: Mapping[str, int],
) -> Counter[str]:
    """The G1-G3 counts of one host: its ledger's (intent id, order no.) orders and per-intent POSTs
    (minus those the gateway refused before processing) against the journal rows of its sessions."""
    by_id = {r.intent_id: r for r in rows}
    per_intent = Counter(i for i, _ in ledger)
    owners = Counter(order_key(r.order_no) for r in rows if r.order_no)
    c = Counter[str]()
    c["ledger_orders"] = len(ledger)
    c["duplicate_ledger"] = sum(1 for n in per_intent.values() if n > 1)
    c["duplicate_posts"] = sum(1 for i, n in posts.items() if n - refused.get(i, 0) > 1)
    for intent_id, order_no in ledger:
        row = by_id.get(intent_id)
        key = order_key(order_no)
        if row is None or order_key(row.order_no) != key or owners[key] != 1:
            c["lost_ledger"] += 1
    c["unresolved_rows"] = sum(1 for r in rows if r.state in (S.SENDING, S.UNKNOWN))
    c["ambiguous_rows"] = sum(1 for r in rows if r.state is S.AMBIGUOUS)
    c["false_not_found"] = sum(1 for r in rows if r.state is S.NOT_FOUND and per_intent.get(r.intent_id))
    return c


def add_counts(totals: object, counts: Counter[str]) -> None:
    """Add `counts` to the like-named int fields of `totals` (Totals here, Tally in chaos_gui)."""
    for name, n in counts.items():
        setattr(totals, name, getattr(totals, name) + n)


async def _count(rig: Rig, t: Totals) -> None:
    rows = await all_rows(rig.journal)
    ledger = [(e.intent, e.order_no) for e in rig.engine.ledger() if e.kind == "order" and e.intent]
    add_counts(t, ledger_counts(rows, ledger, rig.engine.intent_posts(), rig.wiretap.gateway_refused))
    for row in rows:
        t.illegal_transitions += len(await illegal_transitions(rig.journal, row.intent_id))
    tap = rig.wiretap
    t.egw00201_injected += tap.codes["EGW00201"]
    t.egw00133 += tap.codes["EGW00133"]
    t.token_issues += tap.token_issues
    t.requests += tap.requests
    t.tr_family_mismatches += tap.mismatches
    expected = (PAPER_CREDS if rig.env is Env.PAPER else CREDS).appkey
    t.appkey_mismatches += sum(n for key, n in tap.appkeys.items() if key != expected)
    t.tokens |= tap.tokens


async def _worker(
    worker: int, plan: list[str], env: Env, out: Path, seed: int, segment: int, deadline_s: float, t: Totals
) -> None:
    for index, start in enumerate(range(0, len(plan), segment)):
        folder = out / f"w{worker:02d}-s{index:04d}"
        try:
            await _segment(worker, index, plan[start : start + segment], env, folder, seed, deadline_s, t)
        except Exception as exc:  # a crashed segment is a finding, not the end of the run
            t.errors.append(f"worker {worker} segment {index}: {type(exc).__name__}: {exc}")


def scan_canaries(out: Path, canaries: set[str]) -> tuple[int, int]:
    """(files scanned, canary hits) over every file under `out`."""
    needles = [c.encode() for c in canaries if c]
    files = hits = 0
    for path in out.rglob("*"):
        if path.is_file():
            files += 1
            data = path.read_bytes()
            hits += sum(data.count(n) for n in needles)
    return files, hits


async def run_chaos(
    n: int,
    *,
    workers: int = 8,
    seed: int = 1,
    segment: int = SEGMENT,
    deadline_s: float = 0.5,
    paper_share: float = 0.25,
    out: Path | None = None,
) -> dict[str, Any]:
    """Run the attempts; return the figures (see `table`)."""
    own_out = out is None
    out = Path(tempfile.mkdtemp(prefix="kisdesk-chaos-")) if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = list(CATALOGUE)
    plan = (names * math.ceil(n / len(names)))[:n]
    rng.shuffle(plan)
    workers = max(1, min(workers, n))
    paper_workers = round(workers * paper_share) if workers > 1 else 0
    t = Totals()
    log_handler = logging.FileHandler(out / "chaos.log", encoding="utf-8")
    log_handler.setFormatter(RedactingFormatter(FORMAT))
    log_handler.addFilter(RedactingFilter())
    kis_log = logging.getLogger("kisdesk")
    old_level = kis_log.level
    kis_log.addHandler(log_handler)
    kis_log.setLevel(logging.DEBUG)
    heartbeat = Heartbeat()
    began = time.monotonic()
    try:
        heartbeat.start()
        await asyncio.gather(
            *(
                _worker(
                    w,
                    plan[w::workers],
                    Env.PAPER if w < paper_workers else Env.REAL,
                    out,
                    seed,
                    segment,
                    deadline_s,
                    t,
                )
                for w in range(workers)
            )
        )
    finally:
        await heartbeat.stop()
        kis_log.removeHandler(log_handler)
        kis_log.setLevel(old_level)
        log_handler.close()
    wall = time.monotonic() - began
    canaries = {CANARY_APPKEY, CANARY_APPSECRET, PAPER_CREDS.appkey, PAPER_CREDS.appsecret, *t.tokens}
    files, hits = scan_canaries(out, canaries)
    figures = _figures(t, heartbeat, wall, workers, paper_workers, files, hits, len(canaries))
    if own_out:
        shutil.rmtree(out, ignore_errors=True)
    else:
        figures["out"] = str(out)
    return figures


def _figures(
    t: Totals, hb: Heartbeat, wall: float, workers: int, paper: int, files: int, hits: int, ncanaries: int
) -> dict[str, Any]:
    lateness = hb.lateness
    # UNKNOWN intents whose order was there to be found: the "lost order" risk G2 bounds.
    found = [x for k, v in t.resolution_by_outcome.items() if k != S.NOT_FOUND.value for x in v]
    return {
        "attempts": t.attempts,
        "per_fault": dict(sorted(t.per_fault.items())),
        "min_per_fault": min(t.per_fault.values()) if t.per_fault else 0,
        "first_states": dict(t.first_states),
        "final_states": dict(t.final_states),
        "ledger_orders": t.ledger_orders,
        "duplicates": t.duplicate_ledger + t.duplicate_posts,
        "duplicate_ledger": t.duplicate_ledger,
        "duplicate_posts": t.duplicate_posts,
        "lost": t.lost_ledger + t.unresolved_rows + t.false_not_found,
        "lost_ledger": t.lost_ledger,
        "unresolved_rows": t.unresolved_rows,
        "false_not_found": t.false_not_found,
        "ambiguous_rows": t.ambiguous_rows,
        "illegal_transitions": t.illegal_transitions,
        "unknown_resolved": len(t.resolution_s),
        "resolution_p50_s": pct(t.resolution_s, 50),
        "resolution_p95_s": pct(t.resolution_s, 95),
        "resolution_max_s": max(t.resolution_s, default=float("nan")),
        "resolution_by_outcome": {
            k: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95), "max": max(v)}
            for k, v in sorted(t.resolution_by_outcome.items())
        },
        "resolution_wall_p95_s": pct(t.resolution_wall_s, 95),
        "found_p95_s": pct(found, 95),
        "found_max_s": max(found, default=float("nan")),
        "found_n": len(found),
        "not_found_n": len(t.not_found_since_send_s),
        "not_found_min_since_send_s": min(t.not_found_since_send_s, default=float("nan")),
        "not_found_max_s": max(t.resolution_by_outcome.get(S.NOT_FOUND.value, []), default=float("nan")),
        "grace_s": ReconcileSettings().grace_s,
        "egw00201_rate_limit": t.egw00201_rate_limit,
        "egw00201_injected": t.egw00201_injected,
        "egw00133": t.egw00133,
        "token_issues": t.token_issues,
        "segments": t.segments,
        "requests": t.requests,
        "heartbeats": len(lateness),
        "stall_max_ms": max(lateness, default=0.0) * 1000,
        "lateness_p99_ms": pct(lateness, 99) * 1000 if lateness else float("nan"),
        "canary_files": files,
        "canary_strings": ncanaries,
        "canary_hits": hits,
        "tr_family_mismatches": t.tr_family_mismatches,
        "appkey_mismatches": t.appkey_mismatches,
        "workers": workers,
        "paper_workers": paper,
        "wall_s": wall,
        "errors": t.errors,
    }


def crash_figures(runs: int, seed: int, batch: int = 8) -> dict[str, Any]:
    """`runs` kill -9 runs at random points (G4), forked drivers in batches against a simulator process."""
    from tests.safety.crash_rig import (
        KILL_POINTS,
        CrashJob,
        crash_forked,
        drive,
        driver_argv,
        simulator_process,
    )

    rng = random.Random(seed)
    began = time.monotonic()
    out = Path(tempfile.mkdtemp(prefix="kisdesk-crash-"))
    results = []
    try:
        with simulator_process() as url:
            tokens = out / "tokens.json"
            drive(driver_argv(url, out / "warmup", "99.25", None, tokens=tokens))
            jobs = [
                CrashJob(rng.choice(KILL_POINTS), out / f"run{i:04d}", f"{100 + i // 100}.{i % 100:02d}")
                for i in range(runs)
            ]
            for start in range(0, runs, batch):
                results += crash_forked(url, jobs[start : start + batch], tokens=tokens)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "crash_runs": len(results),
        "crash_points": dict(Counter(r.point for r in results)),
        "crash_killed": sum(r.killed for r in results),
        "crash_lost": sum(r.lost for r in results),
        "crash_duplicates": sum(r.duplicates for r in results),
        "crash_unresolved": sum(r.unresolved for r in results),
        "crash_false_not_found": sum(r.false_not_found for r in results),
        "crash_wall_s": time.monotonic() - began,
    }


def table(f: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(goal, criterion, measured, pass) rows."""

    def ok(flag: bool) -> str:
        return "PASS" if flag else "FAIL"

    rows = [
        (
            "G1 duplicates",
            "0 in ≥10,000 attempts, ≥500 per fault",
            f"{f['duplicates']} in {f['attempts']} "
            f"(min {f['min_per_fault']}/fault, {len(f['per_fault'])} faults)",
            ok(f["duplicates"] == 0 and f["attempts"] >= 10_000 and f["min_per_fault"] >= 500),
        ),
        (
            "G2 lost",
            "0 ledger orders without a row; 0 rows UNKNOWN",
            f"{f['lost_ledger']} unmapped, {f['unresolved_rows']} unresolved, {f['false_not_found']} false "
            f"NOT_FOUND, {f['ambiguous_rows']} AMBIGUOUS",
            ok(f["lost"] == 0),
        ),
        (
            "G2 UNKNOWN→found",
            "p95 ≤10 s, max ≤30 s (simulated)",
            f"p95 {f['found_p95_s']:.1f} / max {f['found_max_s']:.1f} s (n={f['found_n']}; ACKED, filled, "
            "rejected…)",
            ok(f["found_p95_s"] <= 10 and f["found_max_s"] <= 30),
        ),
        (
            "G2 UNKNOWN→NOT_FOUND",
            f"not before the {f['grace_s']:g} s grace (row 14), max ≤30 s",
            f"earliest {f['not_found_min_since_send_s']:.1f} s after the send; max "
            f"{f['not_found_max_s']:.1f} s after UNKNOWN (n={f['not_found_n']})",
            ok(
                f["not_found_n"] == 0
                or (f["not_found_min_since_send_s"] >= f["grace_s"] and f["not_found_max_s"] <= 30)
            ),
        ),
        (
            "G2 UNKNOWN→resolved",
            "all outcomes: p95 ≤10 s, max ≤30 s",
            f"p50 {f['resolution_p50_s']:.1f} / p95 {f['resolution_p95_s']:.1f} / max "
            f"{f['resolution_max_s']:.1f} s (n={f['unknown_resolved']})",
            # Informational: a request that never reached KIS can only be NOT_FOUND after the grace window,
            # so this p95 passes only while fewer than 5 % of UNKNOWNs were never placed.
            ok(f["resolution_p95_s"] <= 10 and f["resolution_max_s"] <= 30),
        ),
    ]
    for outcome, v in f["resolution_by_outcome"].items():
        rows.append(
            (
                f"  … ending {outcome}",
                "",
                f"p50 {v['p50']:.1f} / p95 {v['p95']:.1f} / max {v['max']:.1f} s (n={v['n']})",
                "",
            )
        )
    rows += [
        (
            "G3 no auto-resend",
            "0 repeat POSTs past the gateway",
            f"{f['duplicate_posts']} intents; {f['illegal_transitions']} illegal transitions",
            ok(f["duplicate_posts"] == 0 and f["illegal_transitions"] == 0),
        ),
    ]
    if "crash_runs" in f:
        rows.append(
            (
                "G4 crash safety",
                "0 lost/dup over 500 kill -9",
                f"{f['crash_runs']} kills {f['crash_points']}: lost {f['crash_lost']}, dup "
                f"{f['crash_duplicates']}, unresolved {f['crash_unresolved']}",
                ok(
                    f["crash_runs"] >= 500
                    and f["crash_lost"] + f["crash_duplicates"] + f["crash_unresolved"] == 0
                    and f["crash_killed"] == f["crash_runs"]
                ),
            )
        )
    if "gui" in f:
        g = f["gui"]
        rows.append(
            (
                "G5 event loop",
                "max stall <100 ms, p99 lateness <20 ms",
                f"max {g['stall_max_ms']:.0f} ms, p99 {g['lateness_p99_ms']:.1f} ms: app loop (qasync), "
                f"hosts in another process, {g['attempts']} attempts, ≥{g['min_per_fault']} per fault "
                f"({g['duplicates']} dup, {g['unresolved_rows']} unresolved)",
                ok(g["g5_pass"] and g["duplicates"] == 0 and g["unresolved_rows"] == 0),
            )
        )
    rows += [
        (
            "G5 (harness loop)" if "gui" in f else "G5 event loop",
            "max stall <100 ms, p99 lateness <20 ms",
            f"max {f['stall_max_ms']:.0f} ms, p99 {f['lateness_p99_ms']:.1f} ms ({f['heartbeats']} ticks; "
            "in-process simulators share this loop's GIL)",
            "" if "gui" in f else ok(f["stall_max_ms"] < 100 and f["lateness_p99_ms"] < 20),
        ),
        (
            "G6 rate/token",
            "0 EGW00201 at budget; 0 EGW00133",
            f"{f['egw00201_rate_limit']} EGW00201 from the limiter ({f['requests']} requests; "
            f"{f['egw00201_injected']} injected), {f['egw00133']} EGW00133, {f['token_issues']} tokens / "
            f"{f['segments']} hosts",
            ok(f["egw00201_rate_limit"] == 0 and f["egw00133"] == 0),
        ),
        (
            "G7 validation",
            "Hypothesis oracle",
            "by hand: KISDESK_ORACLE_EXAMPLES=10000 (tests/domain)",
            "n/a",
        ),
        (
            "G8 secrets",
            "0 canary hits in written files",
            f"{f['canary_hits']} hits, {f['canary_strings']} canaries in {f['canary_files']} files",
            ok(f["canary_hits"] == 0),
        ),
        (
            "G9 real vs paper",
            "0 host/key/TR mismatches",
            f"{f['tr_family_mismatches']} TR, {f['appkey_mismatches']} key ({f['paper_workers']}/"
            f"{f['workers']} workers paper)",
            ok(f["tr_family_mismatches"] == 0 and f["appkey_mismatches"] == 0),
        ),
    ]
    return rows


def render(f: dict[str, Any]) -> str:
    rows = [("goal", "criterion", "measured", "pass"), *table(f)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"wall time {f['wall_s']:.1f} s for {f['attempts']} attempts ({f['workers']} workers)")
    lines.append(f"first states {f['first_states']}")
    lines.append(f"final states {f['final_states']}")
    if "crash_wall_s" in f:
        lines.append(f"crash runs wall time {f['crash_wall_s']:.1f} s")
    if f["errors"]:
        lines.append(f"ERRORS ({len(f['errors'])}): " + "; ".join(f["errors"][:5]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/bench/chaos.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="order attempts")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--segment",
        type=int,
        default=SEGMENT,
        help="attempts per simulator instance (its book holds at most this many orders)",
    )
    parser.add_argument("--deadline", type=float, default=0.5, help="client request deadline, real seconds")
    parser.add_argument("--paper-share", type=float, default=0.25)
    parser.add_argument("--crash-runs", type=int, default=0, help="kill -9 runs (G4), e.g. 500")
    parser.add_argument(
        "--gui-per-fault",
        type=int,
        default=0,
        help="G5 as the app meets it: this many real-time attempts per fault kind (tests/bench/chaos_gui.py)",
    )
    parser.add_argument("--gui-workers", type=int, default=16)
    parser.add_argument("--keep", type=Path, default=None, help="keep the run's files in this folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    if args.crash_runs:
        figures.update(crash_figures(args.crash_runs, args.seed))  # forks: before any event loop exists
    if args.gui_per_fault:
        from tests.bench.chaos_gui import run_gui_pass

        # Its own qasync loop on the main thread, before asyncio.run makes one.
        figures["gui"] = run_gui_pass(args.gui_per_fault, args.gui_workers, seed=args.seed)
    runner = run_chaos(
        args.n,
        workers=args.workers,
        seed=args.seed,
        segment=args.segment,
        deadline_s=args.deadline,
        paper_share=args.paper_share,
        out=args.keep,
    )
    figures.update(asyncio.run(runner))
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), "utf-8")
    failed = [r[0] for r in table(figures) if r[3] == "FAIL"]
    return 1 if figures["errors"] or any(g.startswith(("G1", "G2 lost", "G3", "G4")) for g in failed) else 0


if __name__ == "__main__":
    sys.exit(main())
