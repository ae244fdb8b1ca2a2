"""ScanReconciler: the search loop both reconcilers share, driven by a scripted subclass."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import KisError
from kisdesk.app.journal import MEMORY, Journal, StaleIntentError
from kisdesk.app.reconcile import ReconcileSettings, ScanProgress, ScanReconciler
from kisdesk.domain.intents import Cause, Fingerprint, Intent, IntentKind, IntentState
from kisdesk.domain.pending import KST

S = IntentState
T0 = datetime(2026, 11, 18, 10, 40, tzinfo=KST)
FP = Fingerprint(Exchange.NASD, "AAPL", Side.BUY, 2, Decimal("150.25"), OrderDivision.LIMIT)


class _Clock:
    def __init__(self) -> None:
        self.now = T0.timestamp()
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class _Scripted(ScanReconciler[Intent, str]):
    """Scans come from `scans` (an exception is raised); `_decide` moves to the state each names."""

    def __init__(self, journal: Journal, scans: list[str | Exception], clock: _Clock) -> None:
        super().__init__(journal, clock=clock, settings=ReconcileSettings(grace_s=1.0, poll_s=0.5))
        self._scans = scans
        self.store = journal
        self.resolved: list[ScanProgress] = []

    async def query(self, intent: Intent) -> str:
        scan = self._scans.pop(0)
        if isinstance(scan, Exception):
            raise scan
        return scan

    async def _decide(
        self, intent: Intent, rows: str, *, counts: bool, progress: ScanProgress
    ) -> Intent | None:
        if rows == "stale":
            raise StaleIntentError("moved meanwhile")
        if rows == "nothing":
            return None
        return await self._move(intent, S(rows), detail=rows)

    async def _decided(self, intent: Intent) -> Intent | None:
        current = await self.store.get(intent.intent_id)
        return None if current is None or current.state is S.UNKNOWN else current

    def _resolved(self, intent: Intent, done: Intent, progress: ScanProgress, start: float) -> None:
        self.resolved.append(progress)


@pytest.fixture
async def journal() -> AsyncIterator[Journal]:
    j = Journal(MEMORY, now=lambda: T0)
    yield j
    await j.aclose()


async def _unknown(journal: Journal) -> Intent:
    iid = "20261118-" + "1" * 32
    sending = Intent(iid, IntentKind.ORDER, Env.REAL, "50123456-01", FP, T0, S.SENDING, sent_at=T0)
    await journal.record_new(sending)
    return await journal.transition(sending, S.UNKNOWN, at=T0)


async def test_failed_scans_back_off_and_only_complete_scans_count(journal: Journal) -> None:
    clock = _Clock()
    scans: list[str | Exception] = [KisError("down"), ValueError("half a page"), "nothing", "AMBIGUOUS"]
    reconciler = _Scripted(journal, scans, clock)
    changes: list[Intent] = []
    reconciler.on_change = changes.append

    done = await reconciler.reconcile(await _unknown(journal))

    assert done.state is S.AMBIGUOUS
    assert [c.state for c in changes] == [S.AMBIGUOUS]
    assert clock.slept[:2] == [1.0, 2.0]  # poll_s * 2**failed
    [progress] = reconciler.resolved
    assert (progress.scans, progress.failed) == (2, 2)


async def test_a_stale_write_leaves_what_the_journal_holds(journal: Journal) -> None:
    intent = await _unknown(journal)
    reconciler = _Scripted(journal, ["stale"], _Clock())
    changes: list[Intent] = []
    reconciler.on_change = changes.append
    other = await journal.transition(intent, S.NOT_FOUND, cause=Cause.QUERY, at=T0)  # another writer

    done = await reconciler.reconcile(intent)

    assert done == other
    assert changes == [other]


async def test_only_unknown_intents_are_reconciled(journal: Journal) -> None:
    intent = await _unknown(journal)
    with pytest.raises(ValueError, match="only UNKNOWN"):
        await _Scripted(journal, [], _Clock()).reconcile(replace(intent, state=S.NOT_FOUND))
