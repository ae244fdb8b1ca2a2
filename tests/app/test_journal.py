"""The order journal: durable, WAL + synchronous=FULL, off the event loop, no secrets, checked writes."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.app.journal import Journal, StaleIntentError, default_journal_path
from kisdesk.domain.intents import Cause, Fingerprint, IllegalTransitionError, Intent, IntentKind, IntentState
from kisdesk.domain.pending import KST

S = IntentState
T0 = datetime(2026, 11, 18, 10, 40, tzinfo=KST)
FP = Fingerprint(Exchange.NASD, "AAPL", Side.BUY, 2, Decimal("150.25"), OrderDivision.LIMIT)


def _intent(n: int = 1, state: IntentState = S.SENDING, env: Env = Env.REAL) -> Intent:
    at = T0 + timedelta(seconds=n)
    return Intent(f"20261118-{n:032x}", IntentKind.ORDER, env, "50123456-01", FP, at, state, sent_at=at)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def all_bytes(folder: Path) -> bytes:
    """Every byte of every file the journal left (the db, its -wal and -shm files)."""
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[Journal]:
    j = Journal(tmp_path / "j.sqlite3", now=lambda: T0)
    yield j
    await j.aclose()


async def test_rows_and_events_survive_reopening(tmp_path: Path) -> None:
    first = Journal(tmp_path / "j.sqlite3")
    sending = await first.record_new(_intent(), detail="order")
    acked = await first.transition(sending, S.ACKED, order_no="0030135001", branch_no="01790", at=T0)
    first.close()
    again = Journal(tmp_path / "j.sqlite3")
    try:
        assert await again.get(acked.intent_id) == acked
        events = await again.events(acked.intent_id)
        assert [(e[1], e[2], e[3]) for e in events] == [
            ("", "SENDING", "user"),
            ("SENDING", "ACKED", "request"),
        ]
    finally:
        await again.aclose()


async def test_wal_and_synchronous_full_are_set(journal: Journal) -> None:
    assert await journal.pragma("journal_mode") == "wal"
    assert await journal.pragma("synchronous") == 2  # FULL


async def test_sqlite_runs_on_its_own_thread(journal: Journal) -> None:
    await journal.open()
    connection = journal._db
    assert connection is not None
    with pytest.raises(sqlite3.ProgrammingError):  # made on the worker thread: unusable from the loop's
        connection.execute("SELECT 1")


async def test_illegal_transition_writes_nothing(journal: Journal) -> None:
    sending = await journal.record_new(_intent())
    unknown = await journal.transition(sending, S.UNKNOWN)
    with pytest.raises(IllegalTransitionError):
        await journal.transition(unknown, S.ACKED, cause=Cause.REQUEST, order_no="1")
    assert await journal.get(unknown.intent_id) == unknown
    assert len(await journal.events(unknown.intent_id)) == 2


async def test_a_stale_copy_cannot_overwrite_a_newer_state(journal: Journal) -> None:
    sending = await journal.record_new(_intent())
    await journal.transition(sending, S.UNKNOWN)
    with pytest.raises(StaleIntentError):
        await journal.transition(sending, S.ACKED, order_no="0030135001")
    stored = await journal.get(sending.intent_id)
    assert stored is not None
    assert stored.state is S.UNKNOWN


async def test_unresolved_history_and_known_numbers(journal: Journal) -> None:
    one = await journal.record_new(_intent(1))
    await journal.transition(one, S.ACKED, order_no="0030135001")
    two = await journal.transition(await journal.record_new(_intent(2)), S.UNKNOWN)
    three = await journal.record_new(_intent(3))
    await journal.record_new(_intent(4, env=Env.PAPER))
    assert [i.intent_id for i in await journal.unresolved(Env.REAL)] == [two.intent_id, three.intent_id]
    assert [i.intent_id for i in await journal.history(2, env=Env.REAL)] == [three.intent_id, two.intent_id]
    assert await journal.known_order_numbers(Env.REAL, "50123456-01") == {"0030135001"}
    assert await journal.known_order_numbers(Env.PAPER, "50123456-01") == set()


async def test_export_csv_lists_the_history(journal: Journal, tmp_path: Path) -> None:
    sending = await journal.record_new(_intent())
    ambiguous = replace(sending, state=S.UNKNOWN)
    await journal.transition(sending, S.UNKNOWN)
    await journal.transition(ambiguous, S.AMBIGUOUS, cause=Cause.QUERY, candidates=("1", "2"))
    count = await journal.export_csv(tmp_path / "out.csv")
    rows = _csv_rows(tmp_path / "out.csv")
    assert count == 1
    assert rows[0]["state"] == "AMBIGUOUS"
    assert rows[0]["price"] == "150.25"
    assert rows[0]["candidates"] == '["1", "2"]'


async def test_messages_are_redacted_before_they_are_written(journal: Journal, tmp_path: Path) -> None:
    sending = await journal.record_new(_intent())
    leaked = 'HTTP 500: {"appsecret": "CANARY-SECRET", "authorization": "Bearer CANARY-TOKEN"}'
    await journal.transition(sending, S.UNKNOWN, message=leaked, detail=leaked)
    journal.close()
    assert b"CANARY" not in all_bytes(tmp_path)


def test_default_path_is_in_the_per_user_data_directory() -> None:
    path = default_journal_path()
    assert path.name == "journal.sqlite3"
    assert "kisdesk" in path.parts
