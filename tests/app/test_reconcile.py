"""Reconciliation against the simulator: every outcome-unknown fault ends in the true state, never resent.

Times below are simulated seconds (the reconciler sleeps on the simulator's ManualClock); each
Resolution also records the real time spent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.app.intents import IntentService
from kisdesk.app.reconcile import MAX_GRACE_S, ReconcileSettings, Resolution
from kisdesk.domain.intents import Cause, Fingerprint, Intent, IntentKind, IntentState, new_intent_id
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.simulator.faults import Fault, FaultKind
from tests.app.intent_rig import Rig, make_rig, ticket

S = IntentState
AFTER_COMMIT = [
    FaultKind.ACCEPT_THEN_STALL,
    FaultKind.HTML_500_AFTER,
    FaultKind.DROP_AFTER,
    FaultKind.MALFORMED_JSON,
]
BEFORE_COMMIT = [FaultKind.HTML_500_BEFORE, FaultKind.DROP_BEFORE]
GRACE_S = ReconcileSettings().grace_s


@pytest.fixture(params=[Env.REAL, Env.PAPER], ids=["real", "paper"])
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    r = make_rig(Env(request.param), tmp_path)
    yield r
    await r.close()


@pytest.fixture
async def service(rig: Rig) -> IntentService:
    return await rig.started()


def _fault(rig: Rig, kind: FaultKind) -> None:
    """The next order/revise/cancel POST meets `kind`."""
    rig.engine.faults.add(Fault(kind, match="orders", count=1))


def _resolution(service: IntentService, intent_id: str) -> Resolution:
    return next(r for r in service.reconciler.resolutions if r.intent_id == intent_id)


@pytest.mark.parametrize("kind", AFTER_COMMIT)
async def test_order_accepted_then_answer_lost_is_acked_without_resending(
    rig: Rig, service: IntentService, kind: FaultKind
) -> None:
    _fault(rig, kind)
    unknown = await service.submit(ticket())
    assert unknown.state is S.UNKNOWN
    acked = await service.settle(unknown)
    (entry,) = rig.ledger_of(unknown)
    assert (acked.state, acked.order_no) == (S.ACKED, entry.order_no)
    assert rig.posts_of(unknown) == 1
    assert _resolution(service, unknown.intent_id).since_send_s < GRACE_S


@pytest.mark.parametrize("kind", BEFORE_COMMIT)
async def test_order_lost_before_the_ledger_is_not_found_after_the_grace_window(
    rig: Rig, service: IntentService, kind: FaultKind
) -> None:
    await service.submit(ticket())  # an identical order the journal knows must not be taken for it
    _fault(rig, kind)
    lost = await service.settle(await service.submit(ticket()))
    assert lost.state is S.NOT_FOUND
    assert rig.ledger_of(lost) == []
    assert rig.posts_of(lost) == 1
    figures = _resolution(service, lost.intent_id)
    assert GRACE_S <= figures.since_send_s <= MAX_GRACE_S
    assert figures.scans >= 2


async def test_reflection_delay_still_resolves_acked(rig: Rig, service: IntentService) -> None:
    rig.engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=3))
    _fault(rig, FaultKind.DROP_AFTER)
    intent = await service.submit(ticket())
    acked = await service.settle(intent)
    assert (acked.state, acked.order_no) == (S.ACKED, rig.ledger_of(intent)[0].order_no)
    figures = _resolution(service, intent.intent_id)
    assert 3 <= figures.since_send_s < GRACE_S
    assert figures.scans > 1  # the first scans saw nothing, and that decided nothing


async def test_failing_inquiries_decide_nothing(rig: Rig, service: IntentService) -> None:
    rig.engine.faults.add(Fault(FaultKind.HTML_500_BEFORE, match="inquiries", count=12))
    _fault(rig, FaultKind.DROP_BEFORE)
    lost = await service.settle(await service.submit(ticket()))
    figures = _resolution(service, lost.intent_id)
    assert lost.state is S.NOT_FOUND
    assert figures.failed_scans >= 3
    assert figures.scans >= 2


async def test_the_known_twin_is_excluded_via_the_journal(rig: Rig, service: IntentService) -> None:
    known = await service.submit(ticket())
    _fault(rig, FaultKind.DROP_AFTER)
    twin = await service.settle(await service.submit(ticket()))
    assert twin.state is S.ACKED
    assert twin.order_no == rig.ledger_of(twin)[0].order_no != known.order_no


async def test_an_identical_order_from_elsewhere_makes_it_ambiguous(rig: Rig, service: IntentService) -> None:
    foreign = await service.orders.submit(ticket())  # sent outside the journal (another app, say)
    _fault(rig, FaultKind.DROP_AFTER)
    intent = await service.settle(await service.submit(ticket()))
    ours = rig.ledger_of(intent)[0].order_no
    assert intent.state is S.AMBIGUOUS
    assert set(intent.candidates) == {foreign.order_no, ours}
    assert service.unresolved_count == 1
    chosen = await service.resolve_ambiguous(intent, ours)
    assert (chosen.state, chosen.order_no) == (S.ACKED, ours)
    assert service.unresolved_count == 0
    assert (await service.journal.events(intent.intent_id))[-1][3] == Cause.USER


async def test_the_user_may_say_no_candidate_is_theirs(rig: Rig, service: IntentService) -> None:
    await service.orders.submit(ticket())
    await service.orders.submit(ticket())
    _fault(rig, FaultKind.DROP_BEFORE)
    intent = await service.settle(await service.submit(ticket()))
    assert intent.state is S.AMBIGUOUS
    with pytest.raises(ValueError, match="not one of the candidates"):
        await service.resolve_ambiguous(intent, "0099999999")
    assert (await service.resolve_ambiguous(intent, None)).state is S.NOT_FOUND


async def test_a_twin_still_on_the_wire_holds_the_decision(rig: Rig, service: IntentService) -> None:
    twin = await service.journal.record_new(_sending_twin(rig, service))
    _fault(rig, FaultKind.DROP_AFTER)
    intent = await service.submit(ticket())
    await asyncio.sleep(0.3)  # real time: many scans, none may claim an order the twin might own
    current = service.get(intent.intent_id)
    assert current is not None
    assert current.state is S.UNKNOWN
    await service.journal.transition(twin, S.NOT_SENT)
    assert (await service.settle(intent)).state is S.ACKED


@pytest.mark.parametrize("kind", [FaultKind.DROP_AFTER, FaultKind.ACCEPT_THEN_STALL])
async def test_revise_with_a_lost_answer_reconciles(
    rig: Rig, service: IntentService, kind: FaultKind
) -> None:
    placed = await service.submit(ticket(quantity=3))
    order = await rig.pending_order(service, placed.order_no)
    _fault(rig, kind)
    revise = await service.revise(order, 2, Decimal("149.00"))
    assert revise.state is S.UNKNOWN
    done = await service.settle(revise)
    (entry,) = rig.ledger_of(revise)
    assert (entry.kind, done.state, done.order_no) == ("revise", S.ACKED, entry.order_no)
    assert rig.posts_of(revise) == 1


async def test_cancel_with_a_lost_answer_reconciles(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket())
    order = await rig.pending_order(service, placed.order_no)
    _fault(rig, FaultKind.HTML_500_AFTER)
    cancel = await service.settle(await service.cancel(order))
    (entry,) = rig.ledger_of(cancel)
    assert (entry.kind, cancel.state, cancel.order_no) == ("cancel", S.ACKED, entry.order_no)
    assert await service.orders.pending() == []


async def test_a_cancel_lost_before_the_ledger_is_not_found(rig: Rig, service: IntentService) -> None:
    placed = await service.submit(ticket())
    order = await rig.pending_order(service, placed.order_no)
    _fault(rig, FaultKind.DROP_BEFORE)
    cancel = await service.settle(await service.cancel(order))
    assert cancel.state is S.NOT_FOUND
    assert [o.order_no for o in await service.orders.pending()] == [placed.order_no]


async def test_an_order_filled_meanwhile_is_reconciled_to_filled(rig: Rig, service: IntentService) -> None:
    rig.engine.settings.update(fill_probability=1.0)  # a marketable order trades at the next price step
    rig.engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=3))  # it fills while still hidden
    _fault(rig, FaultKind.DROP_AFTER)
    toyota = OverseasTicket(rig.env, Exchange.TKSE, "7203", Side.BUY, OrderDivision.LIMIT, 100, Decimal(2900))
    done = await service.settle(await service.submit(toyota))  # 2,900 is above the simulated 2,710
    assert done.state is S.FILLED
    steps = [e[2] for e in await service.journal.events(done.intent_id)]
    assert steps == ["SENDING", "UNKNOWN", "ACKED", "FILLED"]


def test_the_grace_window_is_capped() -> None:
    with pytest.raises(ValueError, match="grace_s"):
        ReconcileSettings(grace_s=MAX_GRACE_S + 1)


def _sending_twin(rig: Rig, service: IntentService) -> Intent:
    """An intent identical to ticket() left SENDING, as if its POST were still under way."""
    now, t = rig.clock.now(), ticket()
    assert t.quantity is not None
    assert t.price is not None
    fp = Fingerprint(t.exchange, t.symbol, t.side, t.quantity, t.price, t.division)
    return Intent(
        new_intent_id(now), IntentKind.ORDER, service.env, service.account, fp, now, S.SENDING, sent_at=now
    )


async def test_a_write_that_loses_a_race_ends_with_what_the_journal_holds(
    rig: Rig, service: IntentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (observe() from a grid refresh) moves the intent between the reconciler's read
    and write: the reconciliation must end with the stored state, not die and leave it UNKNOWN."""
    _fault(rig, FaultKind.DROP_AFTER)
    journal = service.reconciler._journal
    real_transition = journal.transition
    raced: list[str] = []

    async def racing_transition(intent: Intent, to: IntentState, **kw: Any) -> Intent:
        if intent.state is S.UNKNOWN and not raced:
            raced.append(intent.intent_id)
            (entry,) = rig.ledger_of(intent)
            await real_transition(intent, S.ACKED, cause=Cause.QUERY, detail="the other writer",
                                  order_no=entry.order_no)  # fmt: skip
        return await real_transition(intent, to, **kw)  # stale now: the stored row is ACKED

    monkeypatch.setattr(journal, "transition", racing_transition)
    unknown = await service.submit(ticket())
    assert unknown.state is S.UNKNOWN
    settled = await service.settle(unknown)
    assert raced == [unknown.intent_id]
    assert settled.state is S.ACKED
    stored = await journal.get(unknown.intent_id)
    assert stored is not None
    assert stored.state is S.ACKED
