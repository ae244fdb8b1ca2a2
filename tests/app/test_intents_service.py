"""IntentService against the simulator over loopback: journal first, one POST, the right outcome state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from kisdesk.api.enums import Env
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.intents import Checkpoint, IntentService, NotReadyError, SendAgainError
from kisdesk.app.journal import MEMORY
from kisdesk.app.session import Session
from kisdesk.domain.intents import Cause, Intent, IntentKind, IntentState
from kisdesk.simulator.faults import Fault, FaultKind
from tests.api.contract.contract_sim import CREDS
from tests.app.intent_rig import Rig, closed_port_url, make_rig, ticket
from tests.app.test_journal import all_bytes

S = IntentState


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = make_rig(Env.REAL, tmp_path)
    yield r
    await r.close()


@pytest.fixture
async def service(rig: Rig) -> IntentService:
    return await rig.started()


async def test_submit_sends_once_and_acks_with_the_ledger_odno(rig: Rig, service: IntentService) -> None:
    seen: list[IntentState] = []
    service.subscribe(lambda i: seen.append(i.state))
    intent = await service.submit(ticket())
    (entry,) = rig.ledger_of(intent)
    assert intent.state is S.ACKED
    assert intent.order_no == entry.order_no
    assert intent.branch_no == "01790"
    assert rig.posts_of(intent) == 1
    assert seen == [S.SENDING, S.ACKED]
    assert await service.journal.get(intent.intent_id) == intent


async def test_journal_says_sending_before_the_request_leaves(rig: Rig) -> None:
    states: list[tuple[str, IntentState | None, int]] = []

    async def checkpoint(point: str, intent: Intent) -> None:
        stored = await rig.journals[-1].get(intent.intent_id)
        states.append((point, None if stored is None else stored.state, rig.posts_of(intent)))

    service = await rig.started(checkpoint=checkpoint)
    await service.submit(ticket())
    assert states == [("confirmed", None, 0), ("journaled", S.SENDING, 0), ("answered", S.SENDING, 1)]


async def test_business_reject_is_final_with_no_ledger_entry(rig: Rig, service: IntentService) -> None:
    intent = await service.submit(ticket(quantity=1_000_000))  # more than the buying power
    assert intent.state is S.REJECTED
    assert intent.message.startswith("[APBK0918]")
    assert rig.ledger_of(intent) == []
    assert rig.posts_of(intent) == 1


async def test_a_blocked_ticket_is_neither_journaled_nor_sent(rig: Rig, service: IntentService) -> None:
    with pytest.raises(OrderRuleError):
        await service.submit(ticket(price="150.001"))  # 3 decimals on a US stock above $1
    assert await service.journal.history() == []
    assert rig.engine.intent_posts() == {}


async def test_no_token_because_the_host_is_unreachable_is_not_sent(rig: Rig) -> None:
    service = await rig.started(url=closed_port_url())
    intent = await service.submit(ticket())
    assert intent.state is S.NOT_SENT
    assert rig.engine.ledger() == []


async def test_connection_refused_on_the_order_post_is_not_sent(rig: Rig) -> None:
    await rig.client().issue_token()  # the token is cached; only the order POST meets the closed port
    service = await rig.started(url=closed_port_url())
    intent = await service.submit(ticket())
    assert intent.state is S.NOT_SENT
    assert "KisConnectError" in intent.message
    assert rig.engine.ledger() == []


async def test_rate_limit_after_the_clients_retries_is_not_sent(rig: Rig, service: IntentService) -> None:
    rig.engine.faults.add(Fault(FaultKind.EGW, match="orders", code="EGW00201"))
    intent = await service.submit(ticket())
    assert intent.state is S.NOT_SENT
    assert rig.ledger_of(intent) == []


async def test_orders_wait_for_startup(rig: Rig) -> None:
    service = rig.service()
    with pytest.raises(NotReadyError):
        await service.submit(ticket())
    assert await service.journal.history() == []
    await service.startup()
    assert (await service.submit(ticket())).state is S.ACKED


async def test_startup_reconciles_a_sending_row_that_was_never_sent(rig: Rig) -> None:
    crashed = rig.service(checkpoint=_crash_at("journaled"))
    await crashed.startup()
    with pytest.raises(SystemExit):
        await crashed.submit(ticket())
    restarted = rig.service()
    startup = asyncio.ensure_future(restarted.startup())
    await asyncio.sleep(0)
    with pytest.raises(NotReadyError):
        await restarted.submit(ticket())
    (found,) = await startup
    assert found.state is S.NOT_FOUND
    assert restarted.ready
    assert rig.engine.ledger() == []


async def test_startup_finds_an_order_sent_just_before_a_crash(rig: Rig) -> None:
    crashed = await rig.started(checkpoint=_crash_at("answered"))
    with pytest.raises(SystemExit):
        await crashed.submit(ticket())
    (entry,) = rig.engine.ledger()
    restarted = rig.service()
    (found,) = await restarted.startup()
    assert (found.state, found.order_no) == (S.ACKED, entry.order_no)
    assert rig.engine.intent_posts() == {found.intent_id: 1}
    events = await restarted.journal.events(found.intent_id)
    assert [e[3] for e in events] == [Cause.USER, Cause.STARTUP, Cause.QUERY]


async def test_send_again_makes_a_new_intent_once(rig: Rig, service: IntentService) -> None:
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", count=1))
    lost = await service.settle(await service.submit(ticket()))
    assert lost.state is S.NOT_FOUND
    again = await service.send_again(lost)
    assert again.intent_id != lost.intent_id
    assert again.resend_of == lost.intent_id
    assert again.state is S.ACKED
    with pytest.raises(SendAgainError):
        await service.send_again(lost)
    with pytest.raises(SendAgainError):
        await service.send_again(again)
    assert rig.posts_of(lost) == 1


async def test_cancel_many_reports_one_cancel_intent_per_order(rig: Rig, service: IntentService) -> None:
    placed = [await service.submit(ticket(price=p)) for p in ("150.00", "151.00")]
    orders = [await rig.pending_order(service, i.order_no) for i in placed]
    reported: list[object] = []
    results = await service.cancel_many(orders, lambda order, result: reported.append(result))
    assert len(reported) == 2
    for order, result in results:
        assert isinstance(result, Intent)
        assert (result.kind, result.state, result.target_order_no) == (
            IntentKind.CANCEL,
            S.ACKED,
            order.order_no,
        )
    assert await service.orders.pending() == []


async def test_a_revise_is_acked_with_the_new_order_number(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket(quantity=3))
    order = await rig.pending_order(service, placed.order_no)
    revise = await service.revise(order, 2, Decimal("149.00"))
    (entry,) = rig.ledger_of(revise)
    assert (entry.kind, revise.state, revise.order_no) == ("revise", S.ACKED, entry.order_no)


async def test_nothing_secret_is_written_to_the_journal(rig: Rig, service: IntentService) -> None:
    rig.engine.faults.add(Fault(FaultKind.HTML_500_AFTER, match="orders", count=1))
    await service.settle(await service.submit(ticket()))
    await service.submit(ticket(quantity=1_000_000))
    token = (await rig.clients[-1].issue_token()).token
    await rig.close()
    data = all_bytes(rig.tmp)
    for secret in (CREDS.appkey, CREDS.appsecret, token):
        assert secret.encode() not in data


def _crash_at(where: str) -> Checkpoint:
    """A checkpoint that stops the send at `where`, as a kill -9 would (nothing after it runs)."""

    def checkpoint(point: str, intent: Intent) -> None:
        if point == where:
            raise SystemExit(f"crash at {point}")

    return checkpoint


async def test_a_demo_session_orders_through_its_intent_service() -> None:
    session = await Session.open_demo(seed=7)
    try:
        assert session.journal.path == MEMORY  # the embedded simulator forgets its orders on stop
        await session.intents.startup()
        intent = await session.intents.submit(ticket(Env.DEMO))
        assert intent.state is S.ACKED
        assert session.unresolved_count == 0
    finally:
        await session.close()


async def test_similar_lists_a_recent_identical_order(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket())
    assert service.similar(ticket()) == [placed]
    assert service.similar(ticket(quantity=2)) == []


# --- the ORDER intent follows its cancel, revise and fills (order-safety.md §3) --------------------


async def test_a_cancel_moves_its_order_to_pending_cancel_then_canceled(
    rig: Rig, service: IntentService
) -> None:
    placed = await service.submit(ticket(price="150.00"))
    order = await rig.pending_order(service, placed.order_no)
    cancel = await service.cancel(order)
    assert cancel.state is S.ACKED
    assert (await service.journal.get(placed.intent_id)).state is S.PENDING_CANCEL  # type: ignore[union-attr]
    assert await service.pending() == []  # the ccnl read confirms the cancel
    stored = await service.journal.get(placed.intent_id)
    assert stored is not None
    assert stored.state is S.CANCELED
    assert service.get(placed.intent_id) == stored


async def test_a_revise_moves_its_order_to_pending_replace_then_replaced(
    rig: Rig, service: IntentService
) -> None:
    placed = await service.submit(ticket(quantity=3))
    order = await rig.pending_order(service, placed.order_no)
    revise = await service.revise(order, 2, Decimal("149.00"))
    assert revise.state is S.ACKED
    assert service.get(placed.intent_id).state is S.PENDING_REPLACE  # type: ignore[union-attr]
    await service.pending()
    assert service.get(placed.intent_id).state is S.REPLACED  # type: ignore[union-attr]


async def test_a_rejected_cancel_leaves_the_order_working(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket(price="150.00"))
    order = await rig.pending_order(service, placed.order_no)
    rig.engine.faults.add(Fault(FaultKind.EGW, match="orders", code="APBK0918", count=1))
    cancel = await service.cancel(order)
    assert cancel.state is S.REJECTED
    assert service.get(placed.intent_id).state is S.ACKED  # type: ignore[union-attr]


async def test_an_unresolved_cancel_that_was_not_found_puts_the_order_back(
    rig: Rig, service: IntentService
) -> None:
    placed = await service.submit(ticket(price="150.00"))
    order = await rig.pending_order(service, placed.order_no)
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", count=1))
    cancel = await service.cancel(order)
    assert cancel.state is S.UNKNOWN
    assert service.get(placed.intent_id).state is S.PENDING_CANCEL  # type: ignore[union-attr]
    rig.clock.advance(60)
    assert (await service.settle(cancel)).state is S.NOT_FOUND
    back = await service.journal.get(placed.intent_id)
    assert back is not None
    assert back.state is S.ACKED
    events = await service.journal.events(placed.intent_id)
    assert [(f, t) for _, f, t, _, _ in events][-2:] == [
        ("ACKED", "PENDING_CANCEL"),
        ("PENDING_CANCEL", "ACKED"),
    ]


async def test_observe_moves_fills_and_keeps_a_pending_cancel(rig: Rig, service: IntentService) -> None:
    from dataclasses import replace

    from kisdesk.domain.pending import OrderStatus

    a = await service.submit(ticket(quantity=4, price="150.00"))
    b = await service.submit(ticket(quantity=4, price="151.00"))
    order_a = await rig.pending_order(service, a.order_no)
    order_b = await rig.pending_order(service, b.order_no)
    part = OrderStatus.PARTIALLY_FILLED
    await service.observe([replace(order_a, filled=1, remaining=3, status=part)])
    assert service.get(a.intent_id).state is S.PARTIALLY_FILLED  # type: ignore[union-attr]
    await service.cancel(order_b)
    await service.observe([replace(order_b, filled=1, remaining=3, status=part)])
    assert service.get(b.intent_id).state is S.PENDING_CANCEL  # type: ignore[union-attr]
    await service.observe([replace(order_a, filled=4, remaining=0, status=OrderStatus.FILLED)])
    assert service.get(a.intent_id).state is S.FILLED  # type: ignore[union-attr]
    assert await service.observe([order_a]) == []  # final: nothing moves it again
    events = await service.journal.events(a.intent_id)
    assert [t for _, _, t, _, _ in events][-2:] == ["PARTIALLY_FILLED", "FILLED"]


async def test_pending_reads_no_history_while_no_order_is_working(rig: Rig, service: IntentService) -> None:
    calls: list[object] = []
    history_all = service.orders.client.history_all

    async def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return await history_all(*args, **kwargs)  # type: ignore[arg-type]

    service.orders.client.history_all = counting  # type: ignore[method-assign,assignment]
    await service.pending()
    assert calls == []
    await service.submit(ticket(price="150.00"))
    await service.pending()
    assert len(calls) == 1


async def test_a_restart_follows_orders_an_earlier_run_left_working(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket(price="150.00"))
    order = await rig.pending_order(service, placed.order_no)
    await service.orders.cancel(order)  # cancelled elsewhere (another app), not through an intent
    later = await rig.started()
    await later.pending()
    stored = await later.journal.get(placed.intent_id)
    assert stored is not None
    assert stored.state is S.CANCELED


async def test_a_revise_follows_its_new_order_number_to_filled(rig: Rig, service: IntentService) -> None:
    from dataclasses import replace

    from kisdesk.domain.pending import OrderStatus

    placed = await service.submit(ticket(quantity=3))
    order = await rig.pending_order(service, placed.order_no)
    revise = await service.revise(order, 2, Decimal("149.00"))
    new_order = await rig.pending_order(service, revise.order_no)
    await service.observe([replace(new_order, filled=1, remaining=1, status=OrderStatus.PARTIALLY_FILLED)])
    assert service.get(revise.intent_id).state is S.PARTIALLY_FILLED  # type: ignore[union-attr]
    await service.observe([replace(new_order, filled=2, remaining=0, status=OrderStatus.FILLED)])
    stored = await service.journal.get(revise.intent_id)
    assert stored is not None
    assert stored.state is S.FILLED
    assert service.get(placed.intent_id).state is S.PENDING_REPLACE  # type: ignore[union-attr]


async def test_cancelling_a_revised_order_moves_the_revise_intent(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket(quantity=3, price="150.00"))
    order = await rig.pending_order(service, placed.order_no)
    revise = await service.revise(order, 2, Decimal("149.00"))
    cancel = await service.cancel(await rig.pending_order(service, revise.order_no))
    assert cancel.state is S.ACKED
    assert service.get(revise.intent_id).state is S.PENDING_CANCEL  # type: ignore[union-attr]
    await service.pending()  # the ccnl read confirms both the revise and the cancel
    assert service.get(placed.intent_id).state is S.REPLACED  # type: ignore[union-attr]
    assert service.get(revise.intent_id).state is S.CANCELED  # type: ignore[union-attr]
