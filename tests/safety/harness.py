"""The safety suite's rig: simulator over loopback (optionally behind the fault proxy) + client + journal +
IntentService, and the invariants every scenario checks (order-safety.md G1–G3).

Time: the client's and the reconciler's clock is tied to the simulator's ManualClock (SimLinkedClock), so
the 10 s grace window and the 61 s token issuance wait cost milliseconds. Request deadlines stay real
(asyncio.timeout), which is why `DEADLINE_S` is short.

Invariants (`check_invariants`), asserted by every scenario and the state machine:
* G1: at most one ledger entry per intent id;
* G3: at most one POST per intent reached the order system: POSTs counted by the simulator minus the
  ones the gateway refused before processing (EGW00201/EGW00123 are retried by design);
* G2: every ledger entry carrying an intent id maps to exactly one journal row, which owns its order
  number; no journal row owns an order number the ledger lacks; nothing is left SENDING/UNKNOWN;
* every journal event chain follows TRANSITIONS (first event from "", each next from the last state).
"""

from __future__ import annotations

import functools
import socket
import ssl
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import certifi
import httpx

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side, TrFamily
from kisdesk.api.registry import family_tr_ids
from kisdesk.app.intents import Checkpoint, IntentService
from kisdesk.app.journal import Journal
from kisdesk.app.orders import OrderService
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.domain.intents import TRANSITIONS, Intent, IntentState
from kisdesk.domain.pending import order_key
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.engine import Engine, Outcome
from kisdesk.simulator.protocol import SimRequest
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings
from tests.api.contract.contract_sim import SimLinkedClock
from tests.safety.fault_proxy import FaultProxy

KST: Final = ZoneInfo("Asia/Seoul")
START: Final = datetime(2026, 11, 18, 10, 40, tzinfo=KST)  # a weekday morning in KST
DEADLINE_S: Final = 0.4  # real seconds a stalled request waits before it is UNKNOWN
CANARY_APPKEY: Final = "PSCANARYKEY" + "k" * 25  # 36 chars, greppable
CANARY_APPSECRET: Final = "CANARYSECRET" + "s" * 168  # 180 chars
CREDS: Final = Credentials(CANARY_APPKEY, CANARY_APPSECRET)
PAPER_CREDS: Final = Credentials("PSPAPERCANARY" + "p" * 23, "PAPERCANARYSECRET" + "q" * 163)
ACCOUNT: Final = Account("50123456", "01")
ORDER_KINDS: Final = frozenset({"order", "revise", "cancel"})
UNSETTLED: Final = frozenset({IntentState.SENDING, IntentState.UNKNOWN})


def ticket(
    env: Env = Env.REAL, quantity: int = 1, price: str = "150.00", side: Side = Side.BUY
) -> OverseasTicket:
    """A limit order far from the simulated AAPL price (~228): it rests, unfilled."""
    return OverseasTicket(env, Exchange.NASD, "AAPL", side, OrderDivision.LIMIT, quantity, Decimal(price))


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying context for every test client: loading the CA bundle costs ~50-80 ms per client."""
    return ssl.create_default_context(cafile=certifi.where())


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's transport, counting attempts per (method, path): connect failures are attempts too."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(verify=_tls_context())
        self.attempts: Counter[tuple[str, str]] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts[(request.method, request.url.path)] += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Wiretap:
    """What the engine answered, counted: token issuances, gateway codes, cross-family requests."""

    family: TrFamily
    token_issues: int = 0
    tokens: set[str] = field(default_factory=set)  # every token value issued (canary scans)
    appkeys: Counter[str] = field(default_factory=Counter)  # appkey header of every business request
    codes: Counter[str] = field(default_factory=Counter)
    gateway_refused: Counter[str] = field(default_factory=Counter)  # intent -> POSTs refused pre-processing
    mismatches: int = 0  # requests whose TR ID belongs to the other family (G9)
    requests: int = 0


GATEWAY_RETRIED: Final = frozenset({"EGW00201", "EGW00123", "EGW00121"})


def tap(engine: Engine) -> Wiretap:
    """Wrap `engine.handle` to count what it answered (a test double around the real engine)."""
    wiretap = Wiretap(engine.family)
    own = family_tr_ids(engine.family)
    inner = engine.handle

    def handle(req: SimRequest) -> Outcome:
        out = inner(req)
        wiretap.requests += 1
        tr = req.headers.get("tr_id", "").strip()
        if tr and tr not in own:
            wiretap.mismatches += 1
        if req.headers.get("appkey"):
            wiretap.appkeys[req.headers["appkey"]] += 1
        if req.path == "/oauth2/tokenP" and out.status == 200:
            wiretap.token_issues += 1
            wiretap.tokens.add(str(out.json().get("access_token", "")))
        code = _code_of(out)
        if code:
            wiretap.codes[code] += 1
            intent = req.headers.get("x-kisdesk-intent")
            if intent and req.method == "POST" and code in GATEWAY_RETRIED:
                wiretap.gateway_refused[intent] += 1
        return out

    engine.handle = handle  # type: ignore[method-assign]
    return wiretap


def _code_of(out: Outcome) -> str:
    if not out.body.startswith(b"{"):
        return ""
    try:
        data = out.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("msg_cd") or data.get("error_code") or "") if data.get("rt_cd") != "0" else ""


@dataclass
class Rig:
    env: Env
    tmp: Path
    clock: ManualClock
    engine: Engine
    server: SimServer
    url: str
    wiretap: Wiretap
    tokens: MemoryTokenStore = field(default_factory=MemoryTokenStore)
    proxy: FaultProxy | None = None
    services: list[IntentService] = field(default_factory=list)
    clients: list[KisClient] = field(default_factory=list)
    journals: list[Journal] = field(default_factory=list)
    transports: list[CountingTransport] = field(default_factory=list)
    closed: bool = False

    @property
    def journal_path(self) -> Path:
        return self.tmp / "journal.sqlite3"

    @property
    def journal(self) -> Journal:
        return self.journals[-1]

    async def with_proxy(self, **options: Any) -> FaultProxy:
        self.proxy = FaultProxy(self.url, **options)
        await self.proxy.start()
        return self.proxy

    def client(
        self,
        url: str | None = None,
        *,
        env: Env | None = None,
        creds: Credentials | None = None,
        tokens: MemoryTokenStore | None = None,
        deadline_s: float = DEADLINE_S,
        rate_per_s: int | None = 150,
    ) -> KisClient:
        """A client of this rig (through the proxy when there is one). rate_per_s=None: KIS's default."""
        transport = CountingTransport()
        self.transports.append(transport)
        client = KisClient(
            env or self.env,
            creds or (PAPER_CREDS if (env or self.env) is Env.PAPER else CREDS),
            ACCOUNT,
            token_store=tokens or self.tokens,
            base_url=url or (self.proxy.url if self.proxy else self.url),
            rate_per_s=rate_per_s,
            clock=SimLinkedClock(self.clock),
            deadline_s=deadline_s,
            transport=transport,
        )
        self.clients.append(client)
        return client

    def service(
        self,
        client: KisClient | None = None,
        *,
        settings: ReconcileSettings | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> IntentService:
        """A fresh OrderService + IntentService on the rig's journal file (not started)."""
        journal = Journal(self.journal_path, now=self.clock.now)
        self.journals.append(journal)
        orders = OrderService(client or self.client(), clock=self.clock.now)
        service = IntentService(
            orders, journal, clock=SimLinkedClock(self.clock), settings=settings, checkpoint=checkpoint
        )
        self.services.append(service)
        return service

    async def started(self, client: KisClient | None = None, **options: Any) -> IntentService:
        service = self.service(client, **options)
        await service.startup()
        return service

    def ledger_of(self, intent: Intent | str) -> list[Any]:
        iid = intent if isinstance(intent, str) else intent.intent_id
        return [e for e in self.engine.ledger() if e.intent == iid]

    def posts_of(self, intent: Intent | str) -> int:
        iid = intent if isinstance(intent, str) else intent.intent_id
        return self.engine.intent_posts().get(iid, 0)

    async def check(self) -> list[Intent]:
        """The invariants of the module docstring, on the rig's engine and journal; returns the rows."""
        return await check_invariants(self.engine, self.journal, self.wiretap.gateway_refused)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for service in self.services:
            await service.close()
        for client in self.clients:
            await client.aclose()
        for journal in self.journals:
            await journal.aclose()
        if self.proxy is not None:
            await self.proxy.stop()
        self.server.stop()


def make_rig(
    env: Env, tmp: Path, *, start: datetime = START, settings: SimSettings | None = None, **changes: Any
) -> Rig:
    settings = settings or SimSettings()
    settings.update(real_rate_per_s=500, paper_rate_per_s=500)  # the wire, not pacing, is under test
    settings.update(**changes)
    clock = ManualClock(start)
    engine = Engine(env.family, settings, clock)
    wiretap = tap(engine)
    server = SimServer(engine)
    url = server.start()
    return Rig(env, tmp, clock, engine, server, url, wiretap)


# --- invariants ----------------------------------------------------------------------------------------


class InvariantError(AssertionError):
    pass


async def all_rows(journal: Journal) -> list[Intent]:
    return await journal.history(limit=1_000_000)


async def check_invariants(
    engine: Engine,
    journal: Journal,
    gateway_refused: Counter[str] | None = None,
    *,
    allow_unsettled: Iterable[str] = (),
) -> list[Intent]:
    """Raise InvariantError naming every violation of G1/G2/G3 and of TRANSITIONS; return the rows.

    `allow_unsettled`: intents still being reconciled (mid-run checks); their mapping is not checked yet.
    """
    refused = gateway_refused or Counter()
    rows = await all_rows(journal)
    by_id = {r.intent_id: r for r in rows}
    problems: list[str] = []
    ledger = [e for e in engine.ledger() if e.kind in ORDER_KINDS and e.intent is not None]
    per_intent = Counter(e.intent for e in ledger)
    problems += [f"G1: intent {i} has {n} ledger orders" for i, n in per_intent.items() if n > 1]
    for iid, posts in engine.intent_posts().items():
        if posts - refused.get(iid, 0) > 1:
            problems.append(f"G3: intent {iid} reached the order system {posts - refused[iid]} times")
    owners = Counter(order_key(r.order_no) for r in rows if r.order_no)
    problems += [f"G2: order {k} is owned by {n} journal rows" for k, n in owners.items() if n > 1]
    ledger_nos = {order_key(e.order_no) for e in ledger}
    allowed = set(allow_unsettled)
    for entry in ledger:
        if entry.intent in allowed:
            continue  # still being reconciled: its row cannot own the order yet
        row = by_id.get(entry.intent)
        if row is None:
            problems.append(f"G2: ledger order {entry.order_no} (intent {entry.intent}) has no journal row")
        elif order_key(row.order_no) != order_key(entry.order_no):
            problems.append(
                f"G2: ledger order {entry.order_no} of {entry.intent} is not the row's order "
                f"({row.order_no or '-'}, {row.state})"
            )
    in_ledger = set(per_intent)
    for row in rows:
        if row.order_no and row.intent_id in in_ledger:
            continue
        if (
            row.order_no
            and order_key(row.order_no) not in ledger_nos
            and row.state is not IntentState.REJECTED
        ):
            problems.append(
                f"G2: journal row {row.intent_id} owns order {row.order_no}, unknown to the ledger"
            )
        if row.state in UNSETTLED and row.intent_id not in allowed:
            problems.append(f"G2: journal row {row.intent_id} is still {row.state}")
        if row.state is IntentState.NOT_FOUND and per_intent.get(row.intent_id):
            problems.append(f"G2: {row.intent_id} is NOT_FOUND but the ledger has it")
    for row in rows:
        problems += await illegal_transitions(journal, row.intent_id)
    if problems:
        raise InvariantError("\n".join(problems))
    return rows


async def illegal_transitions(journal: Journal, intent_id: str) -> list[str]:
    out: list[str] = []
    last = ""
    for _at, frm, to, cause, _detail in await journal.events(intent_id):
        if frm != last:
            out.append(f"events of {intent_id}: {frm or '-'} -> {to} does not follow {last or '-'}")
        if frm:
            f, t = IntentState(frm), IntentState(to)
            if t is not f and t not in TRANSITIONS[f]:
                out.append(f"events of {intent_id}: illegal {frm} -> {to} ({cause})")
            if t is f and f.is_final:
                out.append(f"events of {intent_id}: a final {frm} changed")
        last = to
    return out
