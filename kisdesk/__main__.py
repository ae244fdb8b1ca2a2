"""Command line entry point (`kisdesk`, `python -m kisdesk`): parse arguments, then start the GUI.

Argument parsing stays free of Qt so `--version` and `--help` answer instantly; the Qt start-up
itself lives in `kisdesk.ui.app`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kisdesk import __version__
from kisdesk.api.enums import Env


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kisdesk", description="Desktop order ticket for the KIS Open API.")
    parser.add_argument("--version", action="version", version=f"kisdesk {__version__}")
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
        help="close the app after this many seconds (tests, screenshots)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from kisdesk.ui.app import run  # Qt loads only once the arguments are known to be good

    return run(env=Env(args.env), quit_after=args.quit_after)


if __name__ == "__main__":
    sys.exit(main())
