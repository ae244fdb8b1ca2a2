"""Command line entry point (`kisdesk`, `python -m kisdesk`): parse arguments, then start the GUI.

Argument parsing stays free of Qt, of the client side and of logging's set-up, so `--version` and
`--help` answer instantly; the Qt start-up itself lives in `kisdesk.ui.app`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from kisdesk import __version__
from kisdesk.api.enums import Env

LOG_LEVELS: Final = ("debug", "info", "warning", "error")


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more seconds")
    return value


def version_text() -> str:
    """`kisdesk X.Y.Z`, then Python's, Qt's and PySide6's versions; loads QtCore but makes no QApplication."""
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"Qt {qVersion()}, PySide6 {PySide6.__version__}"
    except ImportError as exc:
        qt = f"Qt not available ({exc})"
    return f"kisdesk {__version__}\nPython {sys.version.split()[0]}, {qt}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kisdesk", description="Desktop order ticket for the KIS Open API.")
    parser.add_argument(
        "--version", action="store_true", help="print kisdesk's version (and Python's, Qt's) and exit"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="headless check (no window, no Qt): place, list, revise and cancel a DEMO order, "
        "probe the keychain; prints one line, exits 0 or 1",
    )
    parser.add_argument(
        "--env",
        choices=[Env.DEMO.value],  # PAPER and REAL arrive with the order ticket
        default=Env.DEMO.value,
        help="environment to trade in; demo (the default) runs the built-in KIS simulator",
    )
    parser.add_argument(
        "--quit-after",
        type=_seconds,
        metavar="SECONDS",
        help="close the app this many seconds after its window first painted (tests, benchmarks)",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="how much to log (default info); secrets are masked at every level",
    )
    parser.add_argument(
        "--log-dir",
        type=Path,
        metavar="DIR",
        help="write the rotating log here instead of the per-user log folder",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        print(version_text())
        return 0
    if args.self_test:
        from kisdesk.app.selftest import main as self_test  # no Qt: works without a display

        return self_test()
    from kisdesk.app.logs import start_logging  # not for --help

    # stderr now, the rotating file after the first paint (kisdesk.ui.app); both behind the
    # redacting filter from the first record on (order-safety.md G8, row 18).
    start_logging(args.log_level.upper(), args.log_dir)
    from kisdesk.ui.app import run  # Qt loads only once the arguments are known to be good

    return run(env=Env(args.env), quit_after=args.quit_after)


if __name__ == "__main__":
    sys.exit(main())
