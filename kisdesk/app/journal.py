"""The order journal: a durable SQLite record of every intent and each of its state changes.

Owns the database file (platformdirs' per-user data directory unless a path is given) and the two
tables: `intents` (one row per intent, its current state) and `events` (append-only history of state
changes). Order-safety rests on two properties (order-safety.md §1.9, row 25):

* a write is durable when its `await` returns: WAL with `synchronous=FULL`, one transaction per call;
* the row says SENDING before the request leaves, so a crash at any point leaves evidence to reconcile.

The SQL both intent tables share (insert, checked update + event, reads) is `IntentTable` and
`IntentRows`; the reservation journal uses them for its own tables in this file. Every sqlite call
runs on one dedicated worker thread (a single-thread executor owns the connection), so the event
loop never blocks on an fsync. Nothing secret is written: intents hold account numbers,
order fields and KIS messages (already redacted by the API layer), never keys or tokens.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

import platformdirs

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import redact
from kisdesk.domain.intents import (
    UNRESOLVED,
    Cause,
    Fingerprint,
    Intent,
    IntentKind,
    IntentState,
    JournaledIntent,
)

KST: Final = ZoneInfo("Asia/Seoul")
T = TypeVar("T")
IntentT = TypeVar("IntentT", bound=JournaledIntent)
Event = tuple[str, str, str, str, str]  # at, from_state, to_state, cause, detail
MEMORY: Final = ":memory:"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS intents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    env TEXT NOT NULL,
    account TEXT NOT NULL,
    exchange TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price TEXT NOT NULL,
    division TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL,
    order_no TEXT NOT NULL DEFAULT '',
    branch_no TEXT NOT NULL DEFAULT '',
    target_order_no TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    updated_at TEXT,
    candidates TEXT NOT NULL DEFAULT '[]',
    sent_at TEXT,
    request TEXT NOT NULL DEFAULT '',
    resend_of TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS intents_state ON intents (state);
CREATE INDEX IF NOT EXISTS intents_env_account ON intents (env, account);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id TEXT NOT NULL REFERENCES intents (id),
    at TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_intent ON events (intent_id);
"""
_COLUMNS: Final = (
    "id, kind, env, account, exchange, symbol, side, quantity, price, division, created_at, state, "
    "order_no, branch_no, target_order_no, message, updated_at, candidates, sent_at, request, resend_of"
)
CSV_HEADER: Final = tuple(c.strip() for c in _COLUMNS.split(","))


class StaleIntentError(RuntimeError):
    """The journal row is no longer in the state the caller moved from: a lost update was prevented."""


def default_journal_path() -> Path:
    """The journal in the per-user data directory (created on first use)."""
    return Path(platformdirs.user_data_dir("kisdesk", appauthor=False)) / "journal.sqlite3"


@dataclass(frozen=True, slots=True)
class IntentTable(Generic[IntentT]):
    """One table of intents and its append-only event table: the SQL every kind of intent shares.

    Each method runs on the journal's worker thread; every write is one transaction.
    """

    name: str
    events: str
    columns: tuple[str, ...]  # "id" first
    to_row: Callable[[IntentT], tuple[object, ...]]
    from_row: Callable[[tuple[Any, ...]], IntentT]

    def insert(self, db: sqlite3.Connection, intent: IntentT, detail: str) -> None:
        at = intent.updated_at or intent.created_at
        row = self.to_row(intent)
        with _transaction(db):
            marks = ", ".join("?" * len(row))
            db.execute(f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})", row)
            _event(db, intent.intent_id, at, "", intent.state, Cause.USER, detail, self.events)

    def update(self, db: sqlite3.Connection, was: IntentT, moved: IntentT, cause: Cause, detail: str) -> None:
        """Write `moved` over `was`, only if the stored row is still in `was.state` (else
        StaleIntentError: someone else moved it first, and a lost update is prevented)."""
        row = self.to_row(moved)
        with _transaction(db):
            assignments = ", ".join(f"{c} = ?" for c in self.columns[1:])
            cursor = db.execute(
                f"UPDATE {self.name} SET {assignments} WHERE id = ? AND state = ?",
                (*row[1:], was.intent_id, was.state.value),
            )
            if cursor.rowcount != 1:
                raise StaleIntentError(f"{was.intent_id} is no longer {was.state}")
            assert moved.updated_at is not None
            _event(db, was.intent_id, moved.updated_at, was.state, moved.state, cause, detail, self.events)

    def select(self, db: sqlite3.Connection, where: str, params: tuple[object, ...]) -> list[IntentT]:
        query = f"SELECT {', '.join(self.columns)} FROM {self.name} {where}"
        return [self.from_row(r) for r in db.execute(query, params)]

    def events_of(self, db: sqlite3.Connection, intent_id: str) -> list[Event]:
        cursor = db.execute(
            f"SELECT at, from_state, to_state, cause, detail FROM {self.events} "
            "WHERE intent_id = ? ORDER BY seq",
            (intent_id,),
        )
        return [(str(a), str(f), str(t), str(c), str(d)) for a, f, t, c, d in cursor]


class IntentStore(Protocol[IntentT]):
    """A journal table of one kind of intent, as the services and reconcilers use it."""

    async def get(self, intent_id: str) -> IntentT | None: ...

    async def unresolved(self, env: Env | None = ..., account: str | None = ...) -> list[IntentT]: ...

    async def resend_of(self, intent_id: str) -> IntentT | None: ...

    async def record_new(self, intent: IntentT, *, detail: str = ...) -> IntentT: ...

    async def transition(
        self,
        intent: IntentT,
        to: IntentState,
        *,
        at: datetime,
        cause: Cause = ...,
        detail: str = ...,
        **changes: object,
    ) -> IntentT: ...


class IntentRows(ABC, Generic[IntentT]):
    """The reads and writes the order journal and the reservation journal share, over one table.

    Subclasses give the table and `_run` (how a call reaches the worker thread).
    """

    _table: IntentTable[IntentT]

    @abstractmethod
    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...

    async def record_new(self, intent: IntentT, *, detail: str = "") -> IntentT:
        """Insert a new intent (normally already SENDING) and its first event, durably."""
        await self._run(lambda db: self._table.insert(db, intent, detail))
        return intent

    async def _transition(
        self,
        intent: IntentT,
        to: IntentState,
        *,
        at: datetime,
        cause: Cause,
        detail: str,
        changes: dict[str, object],
    ) -> IntentT:
        if "message" in changes:
            changes["message"] = redact(str(changes["message"]))
        moved = intent.moved(to, at, cause=cause, **changes)  # IllegalTransitionError: nothing written
        await self._run(lambda db: self._table.update(db, intent, moved, cause, detail))
        return moved

    async def get(self, intent_id: str) -> IntentT | None:
        rows = await self._select("WHERE id = ?", (intent_id,))
        return rows[0] if rows else None

    async def unresolved(self, env: Env | None = None, account: str | None = None) -> list[IntentT]:
        """SENDING, UNKNOWN and AMBIGUOUS intents, oldest first (optionally of one env/account)."""
        states = sorted(s.value for s in UNRESOLVED)
        where = f"WHERE state IN ({', '.join('?' * len(states))})"
        args: list[str] = list(states)
        if env is not None:
            where += " AND env = ?"
            args.append(env.value)
        if account is not None:
            where += " AND account = ?"
            args.append(account)
        return await self._select(where + " ORDER BY created_at, rowid", args)

    async def history(self, limit: int = 200, env: Env | None = None) -> list[IntentT]:
        """The newest `limit` intents, newest first."""
        where, args = ("WHERE env = ?", [env.value]) if env is not None else ("", [])
        return await self._select(f"{where} ORDER BY created_at DESC, rowid DESC LIMIT ?", [*args, limit])

    async def resend_of(self, intent_id: str) -> IntentT | None:
        """The intent that already sent `intent_id` again, if any."""
        rows = await self._select("WHERE resend_of = ?", (intent_id,))
        return rows[0] if rows else None

    async def events(self, intent_id: str) -> list[Event]:
        """(at, from_state, to_state, cause, detail) of one intent, oldest first."""
        return await self._run(lambda db: self._table.events_of(db, intent_id))

    async def _select(self, where: str, args: Iterable[object]) -> list[IntentT]:
        params = tuple(args)
        return await self._run(lambda db: self._table.select(db, where, params))


class Journal(IntentRows[Intent]):
    """The order journal. All methods are coroutines except `close()`; each write commits before it returns.

    `path=None` uses `default_journal_path()`; `":memory:"` keeps the journal in memory (demo sessions).
    """

    def __init__(self, path: Path | str | None = None, *, now: Callable[[], datetime] | None = None) -> None:
        self.path: Path | str = default_journal_path() if path is None else path
        self._now = now or (lambda: datetime.now(KST))
        # One thread owns the connection: sqlite objects stay on the thread that made them, and
        # writes are serialised without a lock.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kisdesk-journal")
        self._db: sqlite3.Connection | None = None
        self._closed = False
        self._table = _ORDERS

    # --- plumbing -------------------------------------------------------------------------------

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise RuntimeError("the journal is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._connection()))

    def _connection(self) -> sqlite3.Connection:
        """Open on first use, on the worker thread."""
        if self._db is None:
            if self.path != MEMORY:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), isolation_level=None)  # explicit BEGIN/COMMIT below
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # WAL+NORMAL may lose the last commit on power loss
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(connection)` on the journal's worker thread. For tables that live in the same file
        (kisdesk.app.reservation_journal): they share its durability settings and its one writer."""
        return await self._run(fn)

    async def open(self) -> None:
        """Open (and create) the database now rather than at the first call; optional."""
        await self._run(lambda db: None)

    async def pragma(self, name: str) -> Any:
        """A PRAGMA's current value (tests check journal_mode and synchronous)."""
        if not name.isidentifier():
            raise ValueError("not a pragma name")
        return await self._run(lambda db: db.execute(f"PRAGMA {name}").fetchone()[0])

    def close(self) -> None:
        """Finish queued writes, close the connection and stop the worker thread (blocks briefly)."""
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self._close_db).result()
        self._executor.shutdown(wait=True)

    async def aclose(self) -> None:
        """`close()` without blocking the event loop."""
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_db)
        self._executor.shutdown(wait=False)

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- writes ---------------------------------------------------------------------------------

    async def transition(
        self,
        intent: Intent,
        to: IntentState,
        *,
        cause: Cause = Cause.REQUEST,
        detail: str = "",
        at: datetime | None = None,
        **changes: object,
    ) -> Intent:
        """Move `intent` to `to` (checked against TRANSITIONS) and write row + event in one transaction.

        Raises IllegalTransitionError before writing anything, and StaleIntentError when the stored
        row is no longer in `intent.state` (someone else moved it first).
        """
        return await self._transition(
            intent, to, at=at or self._now(), cause=cause, detail=detail, changes=changes
        )

    # --- reads ----------------------------------------------------------------------------------

    async def known_order_numbers(self, env: Env, account: str) -> set[str]:
        """Every order number an intent of this env/account owns, as stored (compare with order_key)."""

        def read(db: sqlite3.Connection) -> set[str]:
            cursor = db.execute(
                "SELECT order_no FROM intents WHERE env = ? AND account = ? AND order_no != ''",
                (env.value, account),
            )
            return {str(r[0]) for r in cursor}

        return await self._run(read)

    async def export_csv(self, path: Path | str, limit: int = 100_000) -> int:
        """Write the history (newest first) as CSV for the window's export; returns the row count."""
        intents = await self.history(limit)
        rows = [_to_row(i) for i in intents]

        def write(_: sqlite3.Connection) -> None:
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_HEADER)
                writer.writerows(rows)

        await self._run(write)  # file I/O off the loop too
        return len(rows)


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (the connection is in autocommit mode)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# A module function, looked up at each call, so the crash suite can stop the process between a
# SENDING row's INSERT and its COMMIT (tests/safety/crash_driver.py); the table comes last for that.
def _event(
    db: sqlite3.Connection,
    intent_id: str,
    at: datetime,
    frm: str,
    to: str,
    cause: Cause,
    detail: str,
    table: str = "events",
) -> None:
    db.execute(
        f"INSERT INTO {table} (intent_id, at, from_state, to_state, cause, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (intent_id, at.isoformat(), str(frm), str(to), cause.value, redact(detail)),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


# The columns every intent table ends with (message … resend_of), stored alike by both tables.
def tail_row(i: JournaledIntent) -> tuple[object, ...]:
    return (
        i.message,
        _iso(i.updated_at),
        json.dumps(list(i.candidates)),
        _iso(i.sent_at),
        i.request,
        i.resend_of,
    )


def tail_fields(values: tuple[Any, ...]) -> dict[str, Any]:
    """`tail_row` read back, as the intent's field values."""
    message, updated, candidates, sent, request, resend_of = values
    return {
        "message": message,
        "updated_at": _when(updated),
        "candidates": tuple(json.loads(candidates)),
        "sent_at": _when(sent),
        "request": request,
        "resend_of": resend_of,
    }


def _to_row(i: Intent) -> tuple[object, ...]:
    fp = i.fingerprint
    return (
        i.intent_id,
        i.kind.value,
        i.env.value,
        i.account,
        fp.exchange.value,
        fp.symbol,
        fp.side.value,
        fp.quantity,
        str(fp.price),
        fp.division.value,
        i.created_at.isoformat(),
        i.state.value,
        i.order_no,
        i.branch_no,
        i.target_order_no,
        *tail_row(i),
    )


def _from_row(r: tuple[Any, ...]) -> Intent:
    (iid, kind, env, account, exchange, symbol, side, qty, price, division, created, state) = r[:12]
    order_no, branch_no, target = r[12:15]
    fingerprint = Fingerprint(
        Exchange(exchange), symbol, Side(side), int(qty), Decimal(price), OrderDivision(division)
    )
    return Intent(
        intent_id=iid,
        kind=IntentKind(kind),
        env=Env(env),
        account=account,
        fingerprint=fingerprint,
        created_at=datetime.fromisoformat(created),
        state=IntentState(state),
        order_no=order_no,
        branch_no=branch_no,
        target_order_no=target,
        **tail_fields(r[15:]),
    )


_ORDERS: Final[IntentTable[Intent]] = IntentTable("intents", "events", CSV_HEADER, _to_row, _from_row)
