"""Run every kisdesk benchmark (P1-P5) in one go and print one table: goal, measured, pass.

    python tests/bench/run_all.py [--only P1,P3] [--quick]

Each bench runs in a process of its own, one after the other, so no bench inherits another's heap,
threads or Qt state; its own table streams to the console as it finishes, and the combined table
comes last. `--quick` uses small sizes (a check that the scripts work; the figures mean little).
The figures are measurements on whatever machine runs this; nothing here asserts on them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT, Figure, load_figures, machine, table

HERE = Path(__file__).resolve().parent
BENCHES: dict[str, tuple[str, list[str]]] = {
    # name: (script, extra arguments for --quick)
    "P1": ("bench_p1_client.py", ["--calls", "40", "--round", "10", "--warmup", "5"]),
    "P2": ("bench_p2_responsiveness.py", ["--orders", "400", "--inflight", "10"]),
    "P3": ("bench_p3_grid.py", ["--rows", "500", "--repeat", "1"]),
    "P4": ("bench_p4_cancel.py", ["--orders", "20"]),
    "P5": ("bench_p5_startup.py", ["--rows", "300", "--cold", "0", "--warm", "1"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches (default: all)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the scripts, not the app")
    args = parser.parse_args()
    names = [n.strip().upper() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)} (known: {', '.join(BENCHES)})")

    figures: list[Figure] = []
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kisdesk-bench-") as scratch:
        for name in names:
            script, quick = BENCHES[name]
            out = Path(scratch) / f"{name}.json"
            command = [sys.executable, str(HERE / script), "--json", str(out), *(quick if args.quick else [])]
            print(f"==> {name}: {' '.join(command[1:])}", flush=True)
            bench_start = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, check=False)
            print(f"    {name} took {time.perf_counter() - bench_start:.0f} s", flush=True)
            if done.returncode != 0 or not out.exists():
                failed.append(name)
                figures.append(Figure(name, "bench failed", f"exit status {done.returncode}", passed=False))
                continue
            figures += load_figures(out)

    command_line = "python tests/bench/run_all.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    print(f"\n## kisdesk benchmarks ({machine()}; {time.perf_counter() - started:.0f} s)\n")
    print(f"Command: `{command_line}`\n")
    print(table(figures))
    misses = [f for f in figures if f.passed is False]
    print(f"\n{sum(f.passed is True for f in figures)} goals met, {len(misses)} missed", end="")
    print(f"; failed benches: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
