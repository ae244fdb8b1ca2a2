"""The reservation journal: durable rows for domestic reservation intents, in the order journal's file.

Owns two tables beside the order journal's (`reservation_intents`, one row per intent with its
current state; `reservation_events`, the append-only history), and nothing else: the connection,
the worker thread, WAL + synchronous=FULL and the one-transaction-per-write rule are the order
journal's (`Journal.run`, and the SQL of `IntentTable`/`IntentRows`), so a reservation write is
durable when its `await` returns, exactly like an order's. The tables are separate because a
reservation intent has other fields than an overseas one (kisdesk.domain.reservation_intents says
why); the states and their rules are shared.

Nothing secret is written: account numbers, reservation terms and KIS messages (redacted again here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.app.journal import IntentRows, IntentTable, Journal, tail_fields, tail_row
from kisdesk.domain.intents import Cause, IntentKind, IntentState
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


class ReservationJournal(IntentRows[ReservationIntent]):
    """Reservation intents in `journal`'s database. Closing the order journal closes this too."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._table = _RESERVATIONS
        self._schema_ready = False  # read and set on the journal's one worker thread only

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def call(db: sqlite3.Connection) -> T:
            if not self._schema_ready:
                db.executescript(_SCHEMA)
                self._schema_ready = True
            return fn(db)

        return await self.journal.run(call)

    # --- writes ---------------------------------------------------------------------------------

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
        return await self._transition(intent, to, at=at, cause=cause, detail=detail, changes=changes)

    # --- reads ----------------------------------------------------------------------------------

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
        *tail_row(i),
    )


def _from_row(r: tuple[Any, ...]) -> ReservationIntent:
    (iid, kind, env, account, symbol, side, qty, price, division, end, created, state) = r[:12]
    sequence, target, target_day = r[12:15]
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
        **tail_fields(r[15:]),
    )


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


_RESERVATIONS: Final[IntentTable[ReservationIntent]] = IntentTable(
    "reservation_intents", "reservation_events", COLUMNS, _to_row, _from_row
)
