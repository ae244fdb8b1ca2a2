"""JournaledService: the life of a journaled intent, shared by overseas orders (IntentService) and
domestic reservations (ReservationIntentService), order-safety.md §3.

Owns what must work the same for both: journal SENDING durably before the one request, record the
answer (ACKED, REJECTED, NOT_SENT or UNKNOWN), hand UNKNOWN to the reconciler and never resend it;
at start, turn SENDING rows into UNKNOWN and reconcile them before new requests are allowed; send a
NOT_FOUND request again only on a user action, once, as a new intent; tell subscribers of every
change. Subclasses build their intents and requests, read an answer (`_answered`) and reconcile
(`_reconcile`). No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import datetime
from inspect import isawaitable
from typing import Any, ClassVar, Final, Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.enums import Env
from kisdesk.api.errors import KisApiError
from kisdesk.app.journal import IntentStore
from kisdesk.domain.intents import Cause, IntentKind, IntentState, JournaledIntent, outcome_of

KST: Final = ZoneInfo("Asia/Seoul")
_S = IntentState
IntentT = TypeVar("IntentT", bound=JournaledIntent)
OutputT = TypeVar("OutputT")


class NotReadyError(RuntimeError):
    """New orders wait until the journal's unresolved intents are reconciled (`startup()`)."""


class SendAgainError(ValueError):
    """Only a NOT_FOUND new-order intent may be sent again, and only once."""


class SendAgainTexts(NamedTuple):
    """Why `send_again` refused, in the words of the kind of request."""

    busy: str  # a send-again of it is under way
    not_new: str  # a revise or cancel
    not_lost: str  # not NOT_FOUND
    done: str  # already sent again


class JournaledService(ABC, Generic[IntentT, OutputT]):
    """Journaled entry of one kind of request for one session (one env, one account)."""

    _SEND_AGAIN: ClassVar[SendAgainTexts]
    _NOT_READY: ClassVar[str]
    _LOG_WORD: ClassVar[str] = ""  # before "intent" in log lines: which service wrote them

    def __init__(
        self,
        store: IntentStore[IntentT],
        *,
        clock: Clock | None,
        checkpoint: Callable[[str, IntentT], Awaitable[None] | None] | None,
    ) -> None:
        self._store = store
        self._clock: Clock = clock or SystemClock()
        # Test and crash-suite hook: called with "confirmed" (nothing written yet), "journaled"
        # (SENDING is durable, nothing sent) and "answered" (the answer is in, not journaled yet).
        self.checkpoint = checkpoint
        self.ready = False
        self._subscribers: list[Callable[[IntentT], None]] = []
        self._intents: dict[str, IntentT] = {}
        self._tasks: dict[str, asyncio.Task[IntentT]] = {}
        self._startup: asyncio.Future[list[IntentT]] | None = None
        self._resending: set[str] = set()
        self._log = logging.getLogger(type(self).__module__)

    @property
    @abstractmethod
    def env(self) -> Env: ...

    @property
    @abstractmethod
    def account(self) -> str: ...

    # --- observing ------------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[IntentT], None]) -> Callable[[], None]:
        """Call `callback(intent)` on every change; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def intents(self) -> list[IntentT]:
        """This session's intents (those loaded at startup and those made since), oldest first."""
        return sorted(self._intents.values(), key=lambda i: i.created_at)

    def get(self, intent_id: str) -> IntentT | None:
        return self._intents.get(intent_id)

    @property
    def unresolved_count(self) -> int:
        """SENDING/UNKNOWN/AMBIGUOUS intents: the window warns before closing while this is > 0."""
        return sum(1 for i in self._intents.values() if i.state.unresolved)

    def _publish(self, intent: IntentT) -> None:
        self._intents[intent.intent_id] = intent
        self._published(intent)
        for callback in list(self._subscribers):
            try:
                callback(intent)
            except Exception:  # an observer's bug must not break order handling
                self._log.exception("%sintent observer failed", self._LOG_WORD)

    def _published(self, intent: IntentT) -> None:
        """Called with every new version before the subscribers are."""

    # --- start and stop -------------------------------------------------------------------------

    async def startup(self) -> list[IntentT]:
        """Reconcile every unresolved intent of this env/account, then allow new requests.

        Idempotent: later calls wait for the same run (a failed run is started again). Returns the
        intents as they ended up. AMBIGUOUS intents stay for the user (`resolve_ambiguous`) and do not
        hold new requests back.
        """
        previous = self._startup
        if previous is None or (previous.done() and (previous.cancelled() or previous.exception())):
            self._startup = asyncio.ensure_future(self._run_startup())
        assert self._startup is not None
        return await asyncio.shield(self._startup)

    @abstractmethod
    async def _run_startup(self) -> list[IntentT]:
        """`_recover()`, whatever else the start needs, then `ready`."""

    async def _recover(self) -> list[IntentT]:
        """Reconcile the journal's unresolved intents of this env/account; returns the reconciled ones
        as they ended up, then the AMBIGUOUS ones (left for the user)."""
        found = await self._store.unresolved(self.env, self.account)
        waiting: list[asyncio.Task[IntentT]] = []
        for intent in found:
            if intent.state is _S.SENDING:
                # The app stopped with the request possibly on the wire: its fate is unknown.
                text = "the app stopped while this request was being sent"
                intent = await self._write(intent, _S.UNKNOWN, cause=Cause.STARTUP, detail=text, message=text)
            self._publish(intent)
            if intent.state is _S.UNKNOWN:
                waiting.append(self._reconcile_in_background(intent))
        results = list(await asyncio.gather(*waiting))
        return results + [i for i in found if i.state is _S.AMBIGUOUS]

    async def close(self) -> None:
        """Stop reconciling (unresolved intents stay in the journal for the next start)."""
        tasks: list[asyncio.Future[Any]] = [*self._tasks.values()]
        if self._startup is not None:
            tasks.append(self._startup)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def settle(self, intent: IntentT | str) -> IntentT:
        """The intent once its reconciliation (if any) has finished: handy for scripts and tests."""
        intent_id = intent if isinstance(intent, str) else intent.intent_id
        task = self._tasks.get(intent_id)
        if task is not None:
            await asyncio.shield(task)
        current = self._intents.get(intent_id) or await self._store.get(intent_id)
        if current is None:
            raise KeyError(intent_id)
        return current

    # --- sending again --------------------------------------------------------------------------

    async def send_again(self, intent: IntentT) -> IntentT:
        """Send a NOT_FOUND new request again, as a NEW intent; only on an explicit user action, only once."""
        texts = self._SEND_AGAIN
        if intent.intent_id in self._resending:  # checked before any await: a double click sends once
            raise SendAgainError(texts.busy)
        self._require_ready()
        if intent.kind is not IntentKind.ORDER:
            raise SendAgainError(texts.not_new)
        self._resending.add(intent.intent_id)
        try:
            current = await self._store.get(intent.intent_id)
            if current is None or current.state is not _S.NOT_FOUND:
                raise SendAgainError(texts.not_lost)
            if await self._store.resend_of(intent.intent_id) is not None:
                raise SendAgainError(texts.done)
            return await self._resend(current)
        except Exception:
            if await self._store.resend_of(intent.intent_id) is None:
                self._resending.discard(intent.intent_id)  # nothing was journaled: the user may try again
            raise

    @abstractmethod
    async def _resend(self, lost: IntentT) -> IntentT:
        """Check and send `lost`'s request as a new intent whose `resend_of` is `lost`."""

    # --- the send path --------------------------------------------------------------------------

    def _require_ready(self) -> None:
        if not self.ready:
            raise NotReadyError(self._NOT_READY)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), KST)

    async def _send(self, intent: IntentT, call: Callable[[str], Awaitable[OutputT]]) -> IntentT:
        await self._check("confirmed", intent)
        now = self._now()
        sending = intent.moved(_S.SENDING, now, cause=Cause.USER, sent_at=now)
        detail = f"{intent.kind} sent again for {intent.resend_of}" if intent.resend_of else str(intent.kind)
        await self._store.record_new(sending, detail=detail)  # durable before a byte is sent
        self._publish(sending)
        await self._check("journaled", sending)
        try:
            output = await call(sending.intent_id)
        except asyncio.CancelledError:
            text = "cancelled while the request was on its way"
            moved = self._write(sending, _S.UNKNOWN, detail=text, message=text)
            await asyncio.shield(moved)  # record it; the next start reconciles it
            raise
        except Exception as exc:
            done = await self._failed(sending, exc)
        else:
            await self._check("answered", sending)
            done = await self._answered(sending, output)
        await self._sent(done)
        return done

    @abstractmethod
    async def _answered(self, sending: IntentT, output: OutputT) -> IntentT:
        """Journal what KIS's answer says (`_write`)."""

    async def _sent(self, intent: IntentT) -> None:
        """Called with the journaled outcome of every request."""

    async def _failed(self, intent: IntentT, exc: Exception) -> IntentT:
        state = outcome_of(exc)
        if isinstance(exc, KisApiError):
            text = f"[{exc.msg_cd}] {exc.msg1}"
        else:
            text = f"{type(exc).__name__}: {exc}"
        moved = await self._write(intent, state, detail=type(exc).__name__, message=text)
        if state is _S.UNKNOWN:
            self._reconcile_in_background(moved)  # never resent: the reconciler finds out what happened
        return moved

    async def _write(
        self,
        intent: IntentT,
        to: IntentState,
        *,
        cause: Cause = Cause.REQUEST,
        detail: str = "",
        **changes: object,
    ) -> IntentT:
        moved = await self._store.transition(
            intent, to, cause=cause, detail=detail, at=self._now(), **changes
        )
        self._publish(moved)
        return moved

    def _reconcile_in_background(self, intent: IntentT) -> asyncio.Task[IntentT]:
        task = asyncio.ensure_future(self._reconcile(intent))
        self._tasks[intent.intent_id] = task
        task.add_done_callback(lambda t: self._reconciled(intent.intent_id, t))
        return task

    @abstractmethod
    async def _reconcile(self, intent: IntentT) -> IntentT:
        """Find out what became of an UNKNOWN intent; returns it as it ended up."""

    def _reconciled(self, intent_id: str, task: asyncio.Task[IntentT]) -> None:
        self._tasks.pop(intent_id, None)
        if not task.cancelled() and task.exception() is not None:
            self._log.error("reconciling %s%s failed", self._LOG_WORD, intent_id, exc_info=task.exception())

    async def _check(self, point: str, intent: IntentT) -> None:
        if self.checkpoint is not None:
            result = self.checkpoint(point, intent)
            if isawaitable(result):
                await result
