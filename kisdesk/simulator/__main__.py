"""Command line: run one simulated KIS host until SIGINT/SIGTERM.

    python -m kisdesk.simulator --env real|paper [--port N] [--seed N] [--set NAME=VALUE ...]
                                [--fault SPEC ...] [--test-endpoints]

The first line on stdout is the base URL (http://127.0.0.1:PORT), so a parent process can start the
simulator on port 0 and read where it landed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from kisdesk.api.enums import Env
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.faults import Fault
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kisdesk.simulator",
        description="Run a local imitation of one KIS Open API host on 127.0.0.1.",
    )
    parser.add_argument(
        "--env",
        required=True,
        choices=[Env.REAL.value, Env.PAPER.value],
        help="which host to imitate: real (T…/C… TR IDs) or paper (V… TR IDs)",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", type=int, default=None, help="seed of prices, fills and random faults")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change one SimSettings field, e.g. --set paper_rate_per_s=2 (repeatable)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="add a fault, e.g. --fault accept_then_stall,match=orders,count=1 (repeatable)",
    )
    parser.add_argument(
        "--test-endpoints",
        action="store_true",
        help="expose /__sim__/ control endpoints (ledger, faults, clock, settings)",
    )
    return parser


def build_engine(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Engine:
    settings = SimSettings()
    if args.seed is not None:
        settings.seed = args.seed
    for item in args.settings:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set takes NAME=VALUE, not {item!r}")
        try:
            settings.set_from_text(name.strip(), value.strip())
        except (KeyError, ValueError) as exc:
            parser.error(f"--set {item}: {exc}")
    settings.control_endpoints = bool(args.test_endpoints)
    engine = Engine(Env(args.env).family, settings)
    for spec in args.fault:
        try:
            engine.faults.add(Fault.parse(spec))
        except (KeyError, ValueError, TypeError) as exc:
            parser.error(f"--fault {spec}: {exc}")
    return engine


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    engine = build_engine(args, parser)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    with SimServer(engine, port=args.port) as server:
        print(server.base_url, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
