"""A real simulator over loopback plus the intent stack on top: client, OrderService, Journal, IntentService.

The client's clock and the reconciler's clock are tied to the simulator's ManualClock (as in
tests/api/contract/contract_sim.py), so a 10 s grace window costs milliseconds, while request deadlines
stay real (asyncio.timeout), which is why `DEADLINE_S` is short. Every rig gets a fresh engine and a
journal file under the test's tmp_path; `restart()` builds a second service on the same journal, as
the app does after a crash.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side, TrFamily
from kisdesk.app.intents import Checkpoint, IntentService
from kisdesk.app.journal import Journal
from kisdesk.app.orders import OrderService
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.domain.intents import Intent
from kisdesk.domain.pending import PendingOrder
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings
from tests.api.contract.contract_sim import ACCOUNT, CREDS, START, SimLinkedClock

DEADLINE_S: Final = 0.5  # real seconds: how long a stalled order POST waits before it is UNKNOWN


def ticket(env: Env = Env.REAL, quantity: int = 1, price: str = "150.00") -> OverseasTicket:
    """A limit buy far below the simulated AAPL price (228.50): it rests, unfilled."""
    return OverseasTicket(env, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.LIMIT, quantity, Decimal(price))


def closed_port_url() -> str:
    """A loopback URL nobody listens on (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class Rig:
    env: Env
    tmp: Path
    clock: ManualClock
    engine: Engine
    server: SimServer
    url: str
    tokens: MemoryTokenStore = field(default_factory=MemoryTokenStore)
    services: list[IntentService] = field(default_factory=list)
    clients: list[KisClient] = field(default_factory=list)
    journals: list[Journal] = field(default_factory=list)
    closed: bool = False

    @property
    def journal_path(self) -> Path:
        return self.tmp / "journal.sqlite3"

    def client(self, url: str | None = None) -> KisClient:
        client = KisClient(
            self.env,
            CREDS,
            ACCOUNT,
            token_store=self.tokens,
            base_url=url or self.url,
            rate_per_s=150,
            clock=SimLinkedClock(self.clock),
            deadline_s=DEADLINE_S,
        )
        self.clients.append(client)
        return client

    def service(
        self,
        *,
        url: str | None = None,
        settings: ReconcileSettings | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> IntentService:
        """A fresh client + OrderService + IntentService on the rig's journal file (not started)."""
        client = self.client(url)
        journal = Journal(self.journal_path, now=self.clock.now)
        self.journals.append(journal)
        orders = OrderService(client, clock=self.clock.now)
        service = IntentService(
            orders, journal, clock=SimLinkedClock(self.clock), settings=settings, checkpoint=checkpoint
        )
        self.services.append(service)
        return service

    async def started(self, **options: Any) -> IntentService:
        service = self.service(**options)
        await service.startup()
        return service

    def ledger_of(self, intent: Intent) -> list[Any]:
        return [e for e in self.engine.ledger() if e.intent == intent.intent_id]

    def posts_of(self, intent: Intent) -> int:
        return self.engine.intent_posts().get(intent.intent_id, 0)

    async def pending_order(self, service: IntentService, order_no: str) -> PendingOrder:
        return next(o for o in await service.orders.pending() if o.order_no == order_no)

    async def close(self) -> None:
        """Stop everything (idempotent: a test may close early to inspect the files)."""
        if self.closed:
            return
        self.closed = True
        for service in self.services:
            await service.close()
        for client in self.clients:
            await client.aclose()
        for journal in self.journals:
            await journal.aclose()
        self.server.stop()


def make_rig(env: Env, tmp: Path, start: datetime = START) -> Rig:
    settings = SimSettings()
    settings.update(real_rate_per_s=200, paper_rate_per_s=200)  # the wire, not pacing, is under test
    clock = ManualClock(start)
    engine = Engine(TrFamily.PAPER if env is Env.PAPER else TrFamily.REAL, settings, clock)
    server = SimServer(engine)
    url = server.start()
    return Rig(env, tmp, clock, engine, server, url)
