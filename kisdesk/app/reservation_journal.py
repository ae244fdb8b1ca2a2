"""The reservation journal: durable rows for domestic reservation intents, in the order journal's file.

Owns two tables beside the order journal's (`reservation_intents`, one row per intent with its
current state; `reservation_events`, the append-only history), and nothing else: the connection,
the worker thread, WAL + synchronous=FULL and the one-transaction-per-write rule are the order
journal's (`Journal.run`, `transaction`), so a reservation write is durable when its `await` returns,
exactly like an order's. The tables are separate because a reservation intent has other fields than
an overseas one (kisdesk.domain.reservation_intents says why); the states and their rules are shared.

Nothing secret is written: account numbers, reservation terms and KIS messages (redacted again here).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import redact
from kisdesk.app.journal import Journal, StaleIntentError, transaction
from kisdesk.domain.intents import UNRESOLVED, Cause, IntentKind, IntentState
from kisdesk.domain.reservation_intents import ReservationIntent, ResvTerms

T = TypeVar("T")

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS reservation_intents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    env TEXT NOT NULL,
    account TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price TEXT NOT NULL,
    division TEXT NOT NULL,
    end_date TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    state TEXT NOT NULL,
    sequence TEXT NOT NULL DEFAULT '',
    target_sequence TEXT NOT NULL DEFAULT '',
    target_order_date TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    updated_at TEXT,
    candidates TEXT NOT NULL DEFAULT '[]',
    sent_at TEXT,
    request TEXT NOT NULL DEFAULT '',
    resend_of TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS reservation_intents_state ON reservation_intents (state);
CREATE INDEX IF NOT EXISTS reservation_intents_env_account ON reservation_intents (env, account);
CREATE TABLE IF NOT EXISTS reservation_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id TEXT NOT NULL REFERENCES reservation_intents (id),
    at TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS reservation_events_intent ON reservation_events (intent_id);
"""
_COLUMNS: Final = (
    "id, kind, env, account, symbol, side, quantity, price, division, end_date, created_at, state, "
    "sequence, target_sequence, target_order_date, message, updated_at, candidates, sent_at, request, "
    "resend_of"
)
COLUMNS: Final = tuple(c.strip() for c in _COLUMNS.split(","))

Event = tuple[str, str, str, str, str]  # at, from_state, to_state, cause, detail


class ReservationJournal:
    """Reservation intents in `journal`'s database. Closing the order journal closes this too."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._schema_ready = False  # read and set on the journal's one worker thread only

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def call(db: sqlite3.Connection) -> T:
            if not self._schema_ready:
                db.executescript(_SCHEMA)
                self._schema_ready = True
            return fn(db)

        return await self.journal.run(call)

    # --- writes ---------------------------------------------------------------------------------

    async def record_new(self, intent: ReservationIntent, *, detail: str = "") -> ReservationIntent:
        """Insert a new intent (normally SENDING) and its first event in one durable transaction."""
        at = intent.updated_at or intent.created_at
        row = _to_row(intent)

        def write(db: sqlite3.Connection) -> None:
            with transaction(db):
                marks = ", ".join("?" * len(row))
                db.execute(f"INSERT INTO reservation_intents ({_COLUMNS}) VALUES ({marks})", row)
                _event(db, intent.intent_id, at, "", intent.state, Cause.USER, detail)

        await self._run(write)
        return intent

    async def transition(
        self,
        intent: ReservationIntent,
        to: IntentState,
        *,
        at: datetime,
        cause: Cause = Cause.REQUEST,
        detail: str = "",
        **changes: object,
    ) -> ReservationIntent:
        """Move `intent` to `to` along the shared table; row and event in one transaction.

        IllegalTransitionError before writing; StaleIntentError when the stored row has moved on.
        """
        if "message" in changes:
            changes["message"] = redact(str(changes["message"]))
        moved = intent.moved(to, at, cause=cause, **changes)
        row = _to_row(moved)

        def write(db: sqlite3.Connection) -> None:
            with transaction(db):
                assignments = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
                cursor = db.execute(
                    f"UPDATE reservation_intents SET {assignments} WHERE id = ? AND state = ?",
                    (*row[1:], intent.intent_id, intent.state.value),
                )
                if cursor.rowcount != 1:
                    raise StaleIntentError(f"{intent.intent_id} is no longer {intent.state}")
                _event(db, intent.intent_id, at, intent.state, to, cause, detail)

        await self._run(write)
        return moved

    # --- reads ----------------------------------------------------------------------------------

    async def get(self, intent_id: str) -> ReservationIntent | None:
        rows = await self._select("WHERE id = ?", (intent_id,))
        return rows[0] if rows else None

    async def unresolved(self, env: Env, account: str) -> list[ReservationIntent]:
        """SENDING, UNKNOWN and AMBIGUOUS intents of one env/account, oldest first."""
        states = sorted(s.value for s in UNRESOLVED)
        where = f"WHERE state IN ({', '.join('?' * len(states))}) AND env = ? AND account = ?"
        return await self._select(where + " ORDER BY created_at, rowid", [*states, env.value, account])

    async def history(self, limit: int = 200, env: Env | None = None) -> list[ReservationIntent]:
        """The newest `limit` intents, newest first."""
        where, args = ("WHERE env = ?", [env.value]) if env is not None else ("", [])
        return await self._select(f"{where} ORDER BY created_at DESC, rowid DESC LIMIT ?", [*args, limit])

    async def placed_sequences(self, env: Env, account: str) -> set[str]:
        """Sequences a placement (or a revise that was given a new one) of this env/account owns."""

        def read(db: sqlite3.Connection) -> set[str]:
            cursor = db.execute(
                "SELECT sequence FROM reservation_intents "
                "WHERE env = ? AND account = ? AND sequence != '' AND kind != ?",
                (env.value, account, IntentKind.CANCEL.value),
            )
            return {str(r[0]) for r in cursor}

        return await self._run(read)

    async def resend_of(self, intent_id: str) -> ReservationIntent | None:
        """The intent that already sent `intent_id` again, if any."""
        rows = await self._select("WHERE resend_of = ?", (intent_id,))
        return rows[0] if rows else None

    async def events(self, intent_id: str) -> list[Event]:
        """(at, from_state, to_state, cause, detail) of one intent, oldest first."""

        def read(db: sqlite3.Connection) -> list[Event]:
            cursor = db.execute(
                "SELECT at, from_state, to_state, cause, detail FROM reservation_events "
                "WHERE intent_id = ? ORDER BY seq",
                (intent_id,),
            )
            return [(str(a), str(f), str(t), str(c), str(d)) for a, f, t, c, d in cursor]

        return await self._run(read)

    async def _select(self, where: str, args: Iterable[object]) -> list[ReservationIntent]:
        params = tuple(args)

        def read(db: sqlite3.Connection) -> list[ReservationIntent]:
            query = f"SELECT {_COLUMNS} FROM reservation_intents {where}"
            return [_from_row(r) for r in db.execute(query, params)]

        return await self._run(read)


def _event(
    db: sqlite3.Connection, intent_id: str, at: datetime, frm: str, to: str, cause: Cause, detail: str
) -> None:
    db.execute(
        "INSERT INTO reservation_events (intent_id, at, from_state, to_state, cause, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (intent_id, at.isoformat(), str(frm), str(to), cause.value, redact(detail)),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _day_text(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _to_row(i: ReservationIntent) -> tuple[object, ...]:
    t = i.terms
    return (
        i.intent_id,
        i.kind.value,
        i.env.value,
        i.account,
        t.symbol,
        t.side.value,
        t.quantity,
        str(t.price),
        t.division.value,
        _day_text(t.end_date),
        i.created_at.isoformat(),
        i.state.value,
        i.sequence,
        i.target_sequence,
        _day_text(i.target_order_date),
        i.message,
        _iso(i.updated_at),
        json.dumps(list(i.candidates)),
        _iso(i.sent_at),
        i.request,
        i.resend_of,
    )


def _from_row(r: tuple[Any, ...]) -> ReservationIntent:
    (iid, kind, env, account, symbol, side, qty, price, division, end, created, state) = r[:12]
    (sequence, target, target_day, message, updated, candidates, sent, request, resend_of) = r[12:]
    terms = ResvTerms(symbol, Side(side), int(qty), Decimal(price), ResvOrderDivision(division), _date(end))
    return ReservationIntent(
        intent_id=iid,
        kind=IntentKind(kind),
        env=Env(env),
        account=account,
        terms=terms,
        created_at=datetime.fromisoformat(created),
        state=IntentState(state),
        sequence=sequence,
        target_sequence=target,
        target_order_date=_date(target_day),
        message=message,
        updated_at=None if updated is None else datetime.fromisoformat(updated),
        candidates=tuple(json.loads(candidates)),
        sent_at=None if sent is None else datetime.fromisoformat(sent),
        request=request,
        resend_of=resend_of,
    )


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
