"""One scripted scenario per fault of order-safety.md §4: "simulator/proxy does X → kisdesk must end in Y".

Each runs the real KisClient + OrderService + IntentService + SQLite journal against the simulator over
127.0.0.1 (through the fault proxy where the fault lives on the wire), and each asserts the invariants of
tests/safety/harness.py (G1 ≤1 ledger order per intent, G3 ≤1 POST per intent past the gateway, G2 every
ledger order ↔ exactly one journal row, legal transitions only) on top of its own expectations.

Times: the reconciler and the client sleep on the simulator's ManualClock, so the 10 s grace window and
the 61 s token wait take milliseconds; request deadlines are real (`DEADLINE_S`).

§4 fault → scenario:
  accept_then_stall ............................ TABLE accept_then_stall
  reject_before_commit (500 HTML) .............. TABLE html_502_before, html_500_before, drop_before
  commit_then_500_html ......................... TABLE html_500_after, html_502_after, drop_after
  500 + EGW00201 above rate .................... TABLE egw00201_retried, egw00201_exhausted; test_rate_burst
  500 + EGW00123 (expired) ..................... TABLE egw00123_expired_token
  EGW00133 on token re-issue <60 s ............. test_token_reissue_inside_the_minute_*
  EGW02004-style key/host mismatch ............. test_wrong_host_for_the_key_is_rejected_never_unknown
  200 + rt_cd=1 business reject ................ TABLE business_reject_buying_power
  malformed/truncated JSON ..................... TABLE malformed_json
  reflection delay on inquiries 0–N s .......... TABLE reflection_delay_{0,4,9}s
  tiny page size (+ data changed: not modelled)  test_tiny_page_size_finds_the_order_across_pages
  fill-during-cancel race ...................... test_fill_during_cancel_race
  reservation window enforcement ............... test_reservation_window_*
  real/paper separate ports, keys, TR-ID ....... test_real_and_paper_hosts_stay_apart
  TLS with untrusted cert ...................... not here (tests/api owns TLS; no TLS in the simulator)
  network toxics (toxiproxy) ................... TABLE proxy_* (reset_up/reset_down/drip/stall);
                                                 test_connection_refused_*; latency = accept_then_stall
  clock offset in token expiry ................. TABLE egw00123_expired_token (server says expired)
  per-intent POST counter + ledger export ...... every scenario (harness.check_invariants)
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import IsolationError, KisApiError
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.app.reservations import ReservationService
from kisdesk.domain.intents import Intent, IntentState
from kisdesk.domain.ticket import ReservationTicket
from kisdesk.simulator.faults import Fault, FaultKind
from tests.safety.fault_proxy import WireFault
from tests.safety.harness import (
    DEADLINE_S,
    KST,
    PAPER_CREDS,
    Rig,
    closed_port_url,
    make_rig,
    ticket,
)

S = IntentState
GRACE_S = ReconcileSettings().grace_s
ORDER_PATH = "/uapi/overseas-stock/v1/trading/order"


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = make_rig(Env.REAL, tmp_path)
    yield r
    await r.close()


def _sim(kind: FaultKind, **options: Any) -> Callable[[Rig], Awaitable[None]]:
    async def arrange(rig: Rig) -> None:
        options.setdefault("count", 1)
        rig.engine.faults.add(Fault(kind, match="orders", **options))

    return arrange


def _wire(fault: WireFault, **options: Any) -> Callable[[Rig], Awaitable[None]]:
    async def arrange(rig: Rig) -> None:
        assert rig.proxy is not None
        rig.proxy.arm(fault, **options)

    return arrange


def _reflection(seconds: float) -> Callable[[Rig], Awaitable[None]]:
    async def arrange(rig: Rig) -> None:
        rig.engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=seconds))
        rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))

    return arrange


@dataclass(frozen=True)
class Row:
    """The simulator/proxy does `arrange` → the order's first state is `first`, its final state `final`."""

    id: str
    arrange: Callable[[Rig], Awaitable[None]]
    first: IntentState
    final: IntentState
    ledger: int  # ledger orders of this intent at the end
    posts: int = 1  # POSTs of this intent the simulator saw (gateway refusals included)
    proxy: bool = False
    quantity: int = 1
    token_issues: int = 1
    min_resolution_s: float = 0.0  # simulated seconds from send to the reconciler's decision
    extra: dict[str, Any] = field(default_factory=dict)


TABLE = [
    Row("accept_then_stall", _sim(FaultKind.ACCEPT_THEN_STALL), S.UNKNOWN, S.ACKED, 1),
    Row(
        "html_502_before",
        _sim(FaultKind.HTML_500_BEFORE),
        S.UNKNOWN,
        S.NOT_FOUND,
        0,
        min_resolution_s=GRACE_S,
    ),
    Row(
        "html_500_before",
        _sim(FaultKind.HTML_500_BEFORE, status=500),
        S.UNKNOWN,
        S.NOT_FOUND,
        0,
        min_resolution_s=GRACE_S,
    ),
    Row("drop_before", _sim(FaultKind.DROP_BEFORE), S.UNKNOWN, S.NOT_FOUND, 0, min_resolution_s=GRACE_S),
    Row("html_500_after", _sim(FaultKind.HTML_500_AFTER, status=500), S.UNKNOWN, S.ACKED, 1),
    Row("html_502_after", _sim(FaultKind.HTML_500_AFTER), S.UNKNOWN, S.ACKED, 1),
    Row("drop_after", _sim(FaultKind.DROP_AFTER), S.UNKNOWN, S.ACKED, 1),
    Row("egw00201_retried", _sim(FaultKind.EGW, code="EGW00201", count=2), S.ACKED, S.ACKED, 1, posts=3),
    Row(
        "egw00201_exhausted",
        _sim(FaultKind.EGW, code="EGW00201", count=9),
        S.NOT_SENT,
        S.NOT_SENT,
        0,
        posts=4,
    ),
    Row(
        "egw00123_expired_token",
        _sim(FaultKind.EGW, code="EGW00123"),
        S.ACKED,
        S.ACKED,
        1,
        posts=2,
        token_issues=2,
    ),
    Row(
        "business_reject_buying_power",
        _sim(FaultKind.LATENCY, seconds=0),
        S.REJECTED,
        S.REJECTED,
        0,
        quantity=10**6,
    ),
    Row("malformed_json", _sim(FaultKind.MALFORMED_JSON), S.UNKNOWN, S.ACKED, 1),
    Row("reflection_delay_0s", _reflection(0), S.UNKNOWN, S.ACKED, 1),
    Row("reflection_delay_4s", _reflection(4), S.UNKNOWN, S.ACKED, 1, min_resolution_s=4),
    Row("reflection_delay_9s", _reflection(9), S.UNKNOWN, S.ACKED, 1, min_resolution_s=9),
    Row("proxy_reset_down_at_0", _wire(WireFault.RESET_DOWN, nbytes=0), S.UNKNOWN, S.ACKED, 1, proxy=True),
    Row(
        "proxy_reset_down_mid_headers",
        _wire(WireFault.RESET_DOWN, nbytes=40),
        S.UNKNOWN,
        S.ACKED,
        1,
        proxy=True,
    ),
    Row(
        "proxy_reset_down_mid_body",
        _wire(WireFault.RESET_DOWN, nbytes=320),
        S.UNKNOWN,
        S.ACKED,
        1,
        proxy=True,
    ),
    Row(
        "proxy_reset_up_mid_headers",
        _wire(WireFault.RESET_UP, nbytes=60),
        S.UNKNOWN,
        S.NOT_FOUND,
        0,
        posts=0,
        proxy=True,
        min_resolution_s=GRACE_S,
    ),
    Row(
        "proxy_drip_past_deadline",
        _wire(WireFault.DRIP, interval_s=0.05),
        S.UNKNOWN,
        S.ACKED,
        1,
        proxy=True,
        extra={"deadline": True},
    ),
    Row(
        "proxy_stall",
        _wire(WireFault.STALL),
        S.UNKNOWN,
        S.NOT_FOUND,
        0,
        posts=0,
        proxy=True,
        min_resolution_s=GRACE_S,
        extra={"deadline": True},
    ),
]


@pytest.mark.parametrize("row", TABLE, ids=[r.id for r in TABLE])
async def test_fault_table(rig: Rig, row: Row) -> None:
    if row.proxy:
        await rig.with_proxy()
    service = await rig.started()
    await service.submit(ticket())  # an identical, known order: reconciliation must not take it
    await row.arrange(rig)
    began = time.monotonic()
    first = await service.submit(ticket(quantity=row.quantity))
    took = time.monotonic() - began
    assert first.state is row.first, first.message
    final = await service.settle(first)
    assert final.state is row.final, final.message
    ledger = rig.ledger_of(first)
    assert len(ledger) == row.ledger
    if row.ledger:
        assert final.order_no == ledger[0].order_no
    assert rig.posts_of(first) == row.posts
    assert rig.wiretap.token_issues == row.token_issues
    resolved = [r for r in service.reconciler.resolutions if r.intent_id == first.intent_id]
    if first.state is S.UNKNOWN:
        (figures,) = resolved
        assert figures.since_send_s >= row.min_resolution_s
        if row.final is S.NOT_FOUND:
            assert figures.scans >= 2
    else:
        assert resolved == []  # a final answer needs no reconciliation
    if row.extra.get("deadline"):
        assert rig.proxy is not None
        (firing,) = rig.proxy.firings
        assert firing.ended is not None
        assert DEADLINE_S * 0.9 <= firing.ended - firing.started <= DEADLINE_S * 1.1 + 0.05
        assert took >= DEADLINE_S * 0.9
    if rig.proxy is not None:
        assert rig.proxy.pending_faults == 0
    await rig.check()


async def test_rate_burst_gets_egw00201_and_the_order_still_lands_once(tmp_path: Path) -> None:
    """The simulator enforces 5/s; 12 quotes and one order burst at once from a client paced at 150/s.

    The deadline is 3 s here: 13 new connections at once overflow the simulator's listen backlog (5), and a
    dropped SYN is retried after 1 s (see test_a_connect_that_outlasts_the_deadline_is_not_sent).
    """
    rig = make_rig(Env.REAL, tmp_path)
    try:
        rig.engine.settings.update(real_rate_per_s=5)
        service = await rig.started(rig.client(deadline_s=3.0))
        quotes = [service.orders.client.quote(ticket().exchange, "AAPL") for _ in range(12)]
        *_, order = await asyncio.gather(*quotes, service.submit(ticket()), return_exceptions=True)
        assert isinstance(order, Intent)
        assert rig.wiretap.codes["EGW00201"] > 0
        assert order.state in (S.ACKED, S.NOT_SENT)  # never UNKNOWN: the gateway refused before processing
        assert len(rig.ledger_of(order)) == (1 if order.state is S.ACKED else 0)
        assert rig.posts_of(order) <= 4  # one try plus at most three retries
        await rig.check()
    finally:
        await rig.close()


async def test_a_connect_that_outlasts_the_deadline_is_not_sent(rig: Rig) -> None:
    """A host whose accept queue is full drops the SYN: the connect outlasts the deadline, nothing sent."""
    await (await rig.started()).orders.client.issue_token()  # the token store now holds a valid token
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = [socket.socket() for _ in range(3)]
        try:
            for sock in queued:
                sock.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    sock.connect(("127.0.0.1", port))
            await asyncio.sleep(0.05)
            service = await rig.started(rig.client(url=f"http://127.0.0.1:{port}"))
            intent = await service.submit(ticket())
            await service.close()
        finally:
            for sock in queued:
                sock.close()
    assert rig.transports[-1].attempts[("POST", ORDER_PATH)] >= 1
    assert intent.state is S.NOT_SENT, intent.message


async def test_token_reissue_inside_the_minute_waits_instead_of_egw00133(rig: Rig) -> None:
    """An EGW00123 forces a new token seconds after the first: the client waits for the slot (no EGW00133)."""
    service = await rig.started()
    await service.submit(ticket())
    rig.engine.faults.add(Fault(FaultKind.EGW, match="orders", code="EGW00123", count=1))
    intent = await service.submit(ticket())
    assert intent.state is S.ACKED
    assert rig.wiretap.token_issues == 2
    assert rig.wiretap.codes["EGW00133"] == 0
    await rig.check()


async def test_token_reissue_inside_the_minute_from_another_install_is_not_sent(rig: Rig) -> None:
    """A second install (no shared token store) asks for a token inside the minute: EGW00133 → NOT_SENT."""
    from kisdesk.api.auth import MemoryTokenStore

    first = await rig.started()
    await first.submit(ticket())
    other = await rig.started(rig.client(tokens=MemoryTokenStore()))
    intent = await other.submit(ticket())
    assert intent.state is S.NOT_SENT
    assert "EGW00133" in intent.message
    assert rig.wiretap.codes["EGW00133"] == 1
    assert rig.posts_of(intent) == 0
    assert rig.ledger_of(intent) == []
    await rig.check()


@pytest.mark.parametrize(("client_env", "host_env"), [(Env.PAPER, Env.REAL), (Env.REAL, Env.PAPER)])
async def test_wrong_host_for_the_key_is_rejected_never_unknown(
    tmp_path: Path, client_env: Env, host_env: Env
) -> None:
    """EGW2004-style: a paper client talking to the real host (and vice versa) → REJECTED, zero ledger."""
    rig = make_rig(host_env, tmp_path)
    try:
        service = await rig.started(rig.client(env=client_env))
        intent = await service.submit(ticket(env=client_env))
        assert intent.state in (S.REJECTED, S.NOT_SENT)
        assert intent.state is S.REJECTED
        assert "EGW2004" in intent.message
        assert rig.engine.ledger() == []
        assert rig.wiretap.mismatches == rig.posts_of(intent) == 1  # the simulator saw it and refused it
        await rig.check()
    finally:
        await rig.close()


async def test_real_and_paper_hosts_stay_apart(tmp_path: Path) -> None:
    """Two hosts on two ports, two key sets: each client's orders land on its own host with its own TRs."""
    real = make_rig(Env.REAL, tmp_path / "real")
    paper = make_rig(Env.PAPER, tmp_path / "paper")
    try:
        real_service = await real.started()
        paper_service = await paper.started()
        acked = [await real_service.submit(ticket(Env.REAL)), await paper_service.submit(ticket(Env.PAPER))]
        assert [i.state for i in acked] == [S.ACKED, S.ACKED]
        assert [e.tr_id for e in real.engine.ledger()] == ["TTTT1002U"]
        assert [e.tr_id for e in paper.engine.ledger()] == ["VTTT1002U"]
        assert real.wiretap.mismatches == paper.wiretap.mismatches == 0
        assert real.engine.account_of(PAPER_CREDS.appkey) is None  # the paper key never reached the real host
        with pytest.raises(IsolationError):
            paper.client(url="https://openapi.koreainvestment.com:9443")  # the official real host
        await real.check()
        await paper.check()
    finally:
        await real.close()
        await paper.close()


async def test_connection_refused_from_the_start_is_not_sent(rig: Rig) -> None:
    """A closed port: no token can be had, so the order is NOT_SENT; ≤3 connect attempts; zero ledger."""
    client = rig.client(url=closed_port_url())
    service = await rig.started(client)
    intent = await service.submit(ticket())
    assert intent.state is S.NOT_SENT
    (transport,) = rig.transports
    assert sum(transport.attempts.values()) <= 3
    assert transport.attempts[("POST", ORDER_PATH)] == 0
    assert rig.engine.ledger() == []
    await rig.check()


async def test_connection_refused_on_the_order_post_is_retried_at_most_three_times(rig: Rig) -> None:
    """The port closes after the token was issued: the order POST fails to connect 3 times → NOT_SENT."""
    proxy = await rig.with_proxy()
    service = await rig.started()
    await service.orders.client.issue_token()
    await proxy.close_port()
    intent = await service.submit(ticket())
    assert intent.state is S.NOT_SENT
    assert "nothing was sent" in intent.message
    assert rig.transports[-1].attempts[("POST", ORDER_PATH)] == 3
    assert rig.posts_of(intent) == 0
    assert rig.engine.ledger() == []
    await rig.check()


async def test_tiny_page_size_finds_the_order_across_pages(rig: Rig) -> None:
    """Page size 2 with 25 identical-looking orders before it: the lost answer's order is still found."""
    service = await rig.started()
    for _ in range(25):
        assert (await service.submit(ticket())).state is S.ACKED
    rig.engine.faults.add(Fault(FaultKind.PAGE_SIZE, size=2))
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    intent = await service.settle(await service.submit(ticket()))
    assert intent.state is S.ACKED
    assert intent.order_no == rig.ledger_of(intent)[0].order_no
    await rig.check()


async def test_fill_during_cancel_race(rig: Rig) -> None:
    """The order trades while the cancel is in flight and the cancel's answer is lost: the cancel is
    reconciled (never resent), and filled + cancelled = ordered."""
    rig.engine.settings.update(fill_probability=1.0)
    service = await rig.started()
    order = await service.submit(ticket(quantity=40, price="300.00"))  # marketable: trades from the next step
    assert order.state is S.ACKED
    (pending,) = [o for o in await service.orders.pending() if o.order_no == order.order_no]
    rig.clock.advance(2)  # two price steps pass before the cancel is processed: part of it fills first
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    cancel = await service.cancel(pending)
    assert cancel.state is S.UNKNOWN
    cancel = await service.settle(cancel)
    assert cancel.state is S.ACKED, cancel.message
    assert rig.posts_of(cancel) == 1
    with rig.engine.lock:
        row = rig.engine.book.find_order(_account_key(rig), order.order_no)  # type: ignore[attr-defined]
    assert row is not None
    assert row.filled_qty > 0
    assert row.closed_qty > 0
    assert row.filled_qty + row.closed_qty == row.qty == 40
    (cancel_entry,) = rig.ledger_of(cancel)
    assert cancel.order_no == cancel_entry.order_no
    await rig.check()


async def test_the_order_intent_follows_its_cancel_and_fills(rig: Rig) -> None:
    rig.engine.settings.update(fill_probability=1.0)
    service = await rig.started()
    order = await service.submit(ticket(quantity=40, price="300.00"))
    (pending,) = [o for o in await service.orders.pending() if o.order_no == order.order_no]
    rig.clock.advance(2)
    await service.settle(await service.cancel(pending))
    await (await rig.started()).startup()  # a restart reconciles too
    stored = await rig.journal.get(order.intent_id)
    assert stored is not None
    assert stored.state in (S.PENDING_CANCEL, S.CANCELED, S.PARTIALLY_FILLED, S.FILLED)


def _account_key(rig: Rig) -> Any:
    from kisdesk.simulator.protocol import AccountKey

    return AccountKey("50123456", "01")


@pytest.mark.parametrize(
    ("when", "accepted"),
    [(datetime(2026, 11, 18, 10, 40, tzinfo=KST), False), (datetime(2026, 11, 18, 16, 5, tzinfo=KST), True)],
    ids=["outside_window", "inside_window"],
)
async def test_reservation_window_enforcement(tmp_path: Path, when: datetime, accepted: bool) -> None:
    """enforce_reservation_window: outside 15:40–07:30 the host rejects with a message (no 'success'
    without a sequence number); inside it, success always carries RSVN_ORD_SEQ."""
    rig = make_rig(Env.REAL, tmp_path, start=when, enforce_reservation_window=True)
    try:
        service = ReservationService(rig.client(), clock=rig.clock.now)
        resv = ReservationTicket(Env.REAL, "005930", Side.BUY, ResvOrderDivision.LIMIT, 1, Decimal("70000"))
        if accepted:
            out = await service.send_place(service.prepare_place(resv))
            assert out.sequence.strip()
            assert [e.order_no for e in rig.engine.ledger()] == [out.sequence]
        else:
            with pytest.raises(KisApiError) as caught:
                await service.send_place(service.prepare_place(resv))
            assert caught.value.msg1
            assert rig.engine.ledger() == []
        # The host's window rule on the wire (no journal here): the journaled path is
        # tests/app/test_reservations_journal.py.
        assert rig.wiretap.mismatches == 0
    finally:
        await rig.close()
