"""Crash driver (order-safety.md row 25): place ONE order through IntentService, and SIGKILL ourselves at a
named point around the send; or, with --restart, run startup reconciliation on the same journal.

    python -m tests.safety.crash_driver --url URL --journal PATH --tokens PATH --price 101.23 \
        [--kill-at in_commit|after_commit|after_post|after_response] [--restart]

The kill points are hooked here, in the driver, never in production code:
  in_commit       inside the journal's SENDING transaction, after the INSERT, before COMMIT;
  after_commit    IntentService's "journaled" checkpoint: SENDING is durable, nothing sent;
  after_post      the order POST's answer arrived at the transport, before the client read it;
  after_response  IntentService's "answered" checkpoint: the answer is in, not yet journaled.

The simulator runs in another process (python -m kisdesk.simulator --test-endpoints). Tokens are kept in a
small JSON file so the restarted run reuses the token instead of hitting the once-a-minute rule.
Prints one JSON line on a normal exit: {"states": {intent_id: state}, "ready": bool}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

import kisdesk.app.journal as journal_module
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.transport import Link
from kisdesk.app.intents import IntentService
from kisdesk.app.journal import Journal
from kisdesk.app.orders import OrderService
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.domain.intents import Intent, IntentState
from kisdesk.domain.ticket import OverseasTicket

KILL_POINTS = ("in_commit", "after_commit", "after_post", "after_response")
CREDS = Credentials("PSCRASHDRIVER" + "c" * 23, "CRASHSECRET" + "d" * 169)
ACCOUNT = Account("50123456", "01")
ORDER_PATH = "/uapi/overseas-stock/v1/trading/order"
# Loopback, no reflection delay: a short grace window is enough and keeps each restart ~1 s.
SETTINGS = ReconcileSettings(grace_s=1.0, poll_s=0.1, max_poll_s=0.3, max_error_wait_s=0.5)


class FileTokenStore:
    """The app keeps tokens in the keychain; across the driver's two processes a JSON file does."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self._path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> str | None:
        return self._load().get(key)

    def set(self, key: str, value: str) -> None:
        data = self._load()
        data[key] = value
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, self._path)

    def delete(self, key: str) -> None:
        data = self._load()
        data.pop(key, None)
        self._path.write_text(json.dumps(data), "utf-8")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install_kill_hooks(point: str) -> None:
    """Monkeypatch the one place `point` names; the checkpoint points go through IntentService's hook."""
    if point == "in_commit":
        real_event = journal_module._event

        def event(db: Any, intent_id: str, at: datetime, frm: str, to: str, *rest: Any) -> None:
            real_event(db, intent_id, at, frm, to, *rest)
            if to == IntentState.SENDING:
                die()  # the INSERT and the event are written, the COMMIT is not

        journal_module._event = event  # type: ignore[assignment]
    elif point == "after_post":
        real_send = Link.send

        async def send(link: Link, request: httpx.Request, deadline_s: float, tr_id: str) -> httpx.Response:
            response = await real_send(link, request, deadline_s, tr_id)
            if request.method == "POST" and request.url.path == ORDER_PATH:
                die()
            return response

        Link.send = send  # type: ignore[method-assign,assignment]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    client = KisClient(
        Env.REAL,
        CREDS,
        ACCOUNT,
        token_store=FileTokenStore(Path(args.tokens)),
        base_url=args.url,
        rate_per_s=100,
        deadline_s=5.0,
    )
    journal = Journal(Path(args.journal))

    async def checkpoint(point: str, intent: Intent) -> None:
        if (args.kill_at, point) in (("after_commit", "journaled"), ("after_response", "answered")):
            die()

    service = IntentService(OrderService(client), journal, settings=SETTINGS, checkpoint=checkpoint)
    try:
        results = await asyncio.wait_for(service.startup(), 30)
        states = {i.intent_id: i.state.value for i in results}
        if not args.restart:
            ticket = OverseasTicket(
                Env.REAL, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.LIMIT, 1, Decimal(args.price)
            )
            intent = await service.submit(ticket)
            intent = await asyncio.wait_for(service.settle(intent), 30)
            states[intent.intent_id] = intent.state.value
        return {"states": states, "ready": service.ready}
    finally:
        await service.close()
        await client.aclose()
        await journal.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.safety.crash_driver")
    parser.add_argument("--url", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--price", default="150.00")
    parser.add_argument("--kill-at", choices=KILL_POINTS, default=None)
    parser.add_argument("--restart", action="store_true", help="only run startup reconciliation")
    args = parser.parse_args(argv)
    if args.kill_at:
        install_kill_hooks(args.kill_at)
    result = asyncio.run(run(args))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
