"""Journaled reservations against the simulator over loopback: SENDING before the POST, one POST per
journal row, lost answers reconciled from order-resv-ccnl, restarts reconciled before new ones.

Times are simulated seconds: the reconciler sleeps on the simulator's ManualClock (tests/app/intent_rig.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import NotAvailableError
from kisdesk.api.models import ReservationRow
from kisdesk.app.intents import NotReadyError, SendAgainError
from kisdesk.app.journal import Journal
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.app.reservation_intents import Checkpoint, ReservationIntentService, StillCheckingError
from kisdesk.app.reservation_journal import ReservationJournal
from kisdesk.app.reservations import ReservationService
from kisdesk.app.session import Profile, Session
from kisdesk.domain.intents import Cause, IntentKind, IntentState
from kisdesk.domain.reservation_intents import KST, ReservationIntent, ResvTerms
from kisdesk.domain.ticket import ReservationTicket
from kisdesk.simulator.faults import Fault, FaultKind
from tests.api.contract.contract_sim import ACCOUNT, CREDS, SimLinkedClock
from tests.app.intent_rig import Rig, make_rig
from tests.app.test_journal import all_bytes

S = IntentState
PLACE_TR, CANCEL_TR, REVISE_TR = "CTSC0008U", "CTSC0009U", "CTSC0013U"
AFTER_COMMIT = [FaultKind.DROP_AFTER, FaultKind.HTML_500_AFTER, FaultKind.ACCEPT_THEN_STALL]
BEFORE_COMMIT = [FaultKind.DROP_BEFORE, FaultKind.HTML_500_BEFORE]
GRACE_S = ReconcileSettings().grace_s

Factory = Callable[..., ReservationIntentService]


def resv(quantity: int = 2, price: str = "70000", env: Env = Env.REAL) -> ReservationTicket:
    return ReservationTicket(env, "005930", Side.BUY, ResvOrderDivision.LIMIT, quantity, Decimal(price))


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = make_rig(Env.REAL, tmp_path)
    yield r
    await r.close()


@pytest.fixture
async def make(rig: Rig) -> AsyncIterator[Factory]:
    """Services on the rig's journal file, each with its own client (a restart builds a second one)."""
    made: list[ReservationIntentService] = []

    def factory(*, checkpoint: Checkpoint | None = None) -> ReservationIntentService:
        journal = Journal(rig.journal_path, now=rig.clock.now)
        rig.journals.append(journal)
        wire = ReservationService(rig.client(), clock=rig.clock.now)
        service = ReservationIntentService(
            wire, journal, clock=SimLinkedClock(rig.clock), checkpoint=checkpoint
        )
        made.append(service)
        return service

    yield factory
    for service in made:
        await service.close()


@pytest.fixture
async def service(make: Factory) -> ReservationIntentService:
    started = make()
    await started.startup()
    return started


def fault(rig: Rig, kind: FaultKind, tr: str = PLACE_TR) -> None:
    """The next POST with TR `tr` meets `kind` (a stall outlasts the client's 0.5 s deadline)."""
    seconds = 2.0 if kind is FaultKind.ACCEPT_THEN_STALL else None
    rig.engine.faults.add(Fault(kind, match=tr, count=1, seconds=seconds))


def posts(rig: Rig, intent: ReservationIntent) -> int:
    return rig.engine.intent_posts().get(intent.intent_id, 0)


def ledger(rig: Rig, intent: ReservationIntent) -> list[Any]:
    return [e for e in rig.engine.ledger() if e.intent == intent.intent_id]


async def row_of(service: ReservationIntentService, sequence: str) -> ReservationRow:
    rows = await service.wire.client.reservations_all(
        service.reconciler._now().date() - timedelta(days=1),
        service.reconciler._now().date() + timedelta(days=14),
        include_cancelled=True,
    )
    return next(r for r in rows if r.sequence == sequence)


def crash_at(where: str) -> Checkpoint:
    """Stops the send at `where`, as a kill -9 would (nothing after it runs)."""

    def checkpoint(point: str, intent: ReservationIntent) -> None:
        if point == where:
            raise SystemExit(f"crash at {point}")

    return checkpoint


# --- the send path --------------------------------------------------------------------------------


async def test_place_is_acked_with_the_simulators_sequence(
    rig: Rig, service: ReservationIntentService
) -> None:
    seen: list[IntentState] = []
    service.subscribe(lambda i: seen.append(i.state))
    intent = await service.place(resv())
    (entry,) = ledger(rig, intent)
    assert (entry.kind, intent.state, intent.sequence) == ("resv", S.ACKED, entry.order_no)
    assert rig.posts_of(intent) == 1  # type: ignore[arg-type]
    assert seen == [S.SENDING, S.ACKED]
    assert await service.store.get(intent.intent_id) == intent


async def test_journal_says_sending_before_the_request_leaves(rig: Rig, make: Factory) -> None:
    states: list[tuple[str, IntentState | None, int]] = []
    reader = ReservationJournal(Journal(rig.journal_path))  # another connection: only what is committed
    rig.journals.append(reader.journal)

    async def checkpoint(point: str, intent: ReservationIntent) -> None:
        stored = await reader.get(intent.intent_id)
        states.append((point, None if stored is None else stored.state, posts(rig, intent)))

    service = make(checkpoint=checkpoint)
    await service.startup()
    await service.place(resv())
    assert states == [("confirmed", None, 0), ("journaled", S.SENDING, 0), ("answered", S.SENDING, 1)]


async def test_a_business_reject_is_final_with_kis_message(
    rig: Rig, service: ReservationIntentService
) -> None:
    rig.engine.faults.add(Fault(FaultKind.EGW, match=PLACE_TR, code="APBK0918", count=1))
    intent = await service.place(resv())
    assert intent.state is S.REJECTED
    assert intent.message.startswith("[APBK0918]")
    assert ledger(rig, intent) == []


@pytest.mark.parametrize("kind", AFTER_COMMIT)
async def test_an_accepted_reservation_whose_answer_was_lost_is_acked_never_resent(
    rig: Rig, service: ReservationIntentService, kind: FaultKind
) -> None:
    fault(rig, kind)
    intent = await service.place(resv())
    assert intent.state is S.UNKNOWN
    done = await service.settle(intent)
    (entry,) = ledger(rig, intent)
    assert (done.state, done.sequence) == (S.ACKED, entry.order_no)
    assert rig.engine.intent_posts() == {intent.intent_id: 1}
    causes = [e[3] for e in await service.store.events(intent.intent_id)]
    assert causes == [Cause.USER, Cause.REQUEST, Cause.QUERY]


@pytest.mark.parametrize("kind", BEFORE_COMMIT)
async def test_a_reservation_lost_before_processing_is_not_found_only_after_the_grace(
    rig: Rig, service: ReservationIntentService, kind: FaultKind
) -> None:
    fault(rig, kind)
    intent = await service.place(resv())
    assert intent.state is S.UNKNOWN
    done = await service.settle(intent)
    assert done.state is S.NOT_FOUND
    assert done.updated_at is not None
    assert done.sent_at is not None
    assert done.updated_at - done.sent_at >= timedelta(seconds=GRACE_S)
    assert rig.engine.ledger() == []
    assert rig.engine.intent_posts() == {intent.intent_id: 1}


async def test_a_late_reflection_inside_the_grace_is_still_found(
    rig: Rig, service: ReservationIntentService
) -> None:
    rig.engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=GRACE_S - 2))
    fault(rig, FaultKind.DROP_AFTER)
    done = await service.settle(await service.place(resv()))
    (entry,) = rig.engine.ledger()
    assert (done.state, done.sequence) == (S.ACKED, entry.order_no)


async def test_an_identical_send_is_refused_while_the_first_is_unknown(
    rig: Rig, service: ReservationIntentService
) -> None:
    fault(rig, FaultKind.DROP_AFTER)
    first = await service.place(resv())
    assert first.state is S.UNKNOWN
    assert service.unresolved_count == 1
    with pytest.raises(StillCheckingError):
        await service.place(resv())
    assert (await service.settle(first)).state is S.ACKED
    assert len(rig.engine.ledger()) == 1
    assert (await service.place(resv(quantity=3))).state is S.ACKED  # other terms were never held back


async def test_two_matching_reservations_are_ambiguous_until_the_user_picks(
    rig: Rig, service: ReservationIntentService
) -> None:
    for _ in range(2):  # the same terms placed elsewhere (another app), within the skew margin
        await service.wire.send_place(service.wire.prepare_place(resv()))
    fault(rig, FaultKind.DROP_BEFORE)
    intent = await service.place(resv())
    done = await service.settle(intent)
    assert done.state is S.AMBIGUOUS
    assert len(done.candidates) == 2
    chosen = await service.resolve_ambiguous(done, done.candidates[1])
    assert (chosen.state, chosen.sequence) == (S.ACKED, done.candidates[1])


async def test_paper_raises_not_available_before_any_journal_row_or_request(tmp_path: Path) -> None:
    rig = make_rig(Env.PAPER, tmp_path)
    try:
        journal = Journal(rig.journal_path, now=rig.clock.now)
        rig.journals.append(journal)
        service = ReservationIntentService(ReservationService(rig.client()), journal)
        await service.startup()
        with pytest.raises(NotAvailableError):
            await service.place(resv(env=Env.PAPER))
        assert await service.store.history() == []
        assert rig.engine.intent_posts() == {}
    finally:
        await rig.close()


# --- restarts -------------------------------------------------------------------------------------


async def test_a_restart_reconciles_a_sending_row_before_new_reservations(rig: Rig, make: Factory) -> None:
    crashed = make(checkpoint=crash_at("journaled"))
    await crashed.startup()
    with pytest.raises(SystemExit):
        await crashed.place(resv())
    restarted = make()
    startup = asyncio.ensure_future(restarted.startup())
    await asyncio.sleep(0)
    with pytest.raises(NotReadyError):
        await restarted.place(resv(quantity=5))
    (found,) = await startup
    assert found.state is S.NOT_FOUND
    assert rig.engine.ledger() == []
    assert (await restarted.place(resv(quantity=5))).state is S.ACKED


async def test_a_restart_finds_a_reservation_sent_just_before_a_crash(rig: Rig, make: Factory) -> None:
    crashed = make(checkpoint=crash_at("answered"))
    await crashed.startup()
    with pytest.raises(SystemExit):
        await crashed.place(resv())
    (entry,) = rig.engine.ledger()
    restarted = make()
    (found,) = await restarted.startup()
    assert (found.state, found.sequence) == (S.ACKED, entry.order_no)
    assert rig.engine.intent_posts() == {found.intent_id: 1}
    causes = [e[3] for e in await restarted.store.events(found.intent_id)]
    assert causes == [Cause.USER, Cause.STARTUP, Cause.QUERY]


async def test_send_again_makes_one_new_row_only_after_not_found(
    rig: Rig, service: ReservationIntentService
) -> None:
    fault(rig, FaultKind.DROP_BEFORE)
    lost = await service.settle(await service.place(resv()))
    assert lost.state is S.NOT_FOUND
    again = await service.send_again(lost)
    assert (again.state, again.resend_of) == (S.ACKED, lost.intent_id)
    assert again.intent_id != lost.intent_id
    with pytest.raises(SendAgainError):
        await service.send_again(lost)
    with pytest.raises(SendAgainError):
        await service.send_again(again)
    assert rig.engine.intent_posts() == {lost.intent_id: 1, again.intent_id: 1}
    assert len(rig.engine.ledger()) == 1


# --- revise and cancel ----------------------------------------------------------------------------


async def test_a_cancel_whose_answer_was_lost_is_acked_when_the_row_shows_cancelled(
    rig: Rig, service: ReservationIntentService
) -> None:
    placed = await service.place(resv())
    fault(rig, FaultKind.HTML_500_AFTER, CANCEL_TR)
    cancel = await service.cancel(await row_of(service, placed.sequence))
    assert (cancel.kind, cancel.state) == (IntentKind.CANCEL, S.UNKNOWN)
    done = await service.settle(cancel)
    assert (done.state, done.sequence) == (S.ACKED, placed.sequence)
    assert posts(rig, cancel) == 1


async def test_a_cancel_lost_before_processing_is_not_found_while_the_row_stays_live(
    rig: Rig, service: ReservationIntentService
) -> None:
    placed = await service.place(resv())
    fault(rig, FaultKind.DROP_BEFORE, CANCEL_TR)
    done = await service.settle(await service.cancel(await row_of(service, placed.sequence)))
    assert done.state is S.NOT_FOUND
    assert not (await row_of(service, placed.sequence)).cancelled


@pytest.mark.parametrize(
    ("kind", "outcome"), [(FaultKind.DROP_AFTER, S.ACKED), (FaultKind.DROP_BEFORE, S.NOT_FOUND)]
)
async def test_a_revise_whose_answer_was_lost_is_settled_by_the_rows_terms(
    rig: Rig, service: ReservationIntentService, kind: FaultKind, outcome: IntentState
) -> None:
    placed = await service.place(resv(quantity=2))
    row = await row_of(service, placed.sequence)
    fault(rig, kind, REVISE_TR)
    revise = await service.revise(row, quantity=4, price=Decimal("69000"), division=ResvOrderDivision.LIMIT)
    assert revise.state is S.UNKNOWN
    done = await service.settle(revise)
    assert done.state is outcome
    assert posts(rig, revise) == 1


# --- the session ----------------------------------------------------------------------------------


async def test_the_session_counts_unresolved_reservations_and_journals_no_secret(rig: Rig) -> None:
    profile = Profile(Env.REAL, CREDS, ACCOUNT, rig.url)
    journal = Journal(rig.journal_path, now=rig.clock.now)
    session = Session(profile, rig.client(), None, journal=journal, clock=SimLinkedClock(rig.clock))
    try:
        await session.reservations.startup()
        fault(rig, FaultKind.HTML_500_AFTER)
        intent = await session.reservations.place(resv())
        assert session.unresolved_count == 1
        assert (await session.reservations.settle(intent)).state is S.ACKED
        assert session.unresolved_count == 0
        token = (await session.client.issue_token()).token
    finally:
        await session.close(force=True)
    data = all_bytes(rig.tmp)
    assert b"reservation_intents" in data
    for secret in (CREDS.appkey, CREDS.appsecret, token):
        assert secret.encode() not in data


async def test_reservation_rows_share_the_order_journals_durable_file(tmp_path: Path) -> None:
    at = datetime(2026, 11, 18, 16, 5, tzinfo=KST)
    terms = ResvTerms("005930", Side.BUY, 2, Decimal(70000), ResvOrderDivision.LIMIT)
    first = Journal(tmp_path / "j.sqlite3")
    store = ReservationJournal(first)
    sending = ReservationIntent("20261118-1", IntentKind.ORDER, Env.REAL, "50123456-01", terms, at, S.SENDING)
    await store.record_new(sending, detail="order")
    acked = await store.transition(sending, S.ACKED, at=at, sequence="88001")
    assert (await first.pragma("journal_mode"), await first.pragma("synchronous")) == ("wal", 2)
    first.close()
    again = ReservationJournal(Journal(tmp_path / "j.sqlite3"))
    try:
        assert await again.get(acked.intent_id) == acked
        assert [e[2] for e in await again.events(acked.intent_id)] == ["SENDING", "ACKED"]
        assert await again.journal.history() == []  # the order journal's own tables are untouched
    finally:
        await again.journal.aclose()
