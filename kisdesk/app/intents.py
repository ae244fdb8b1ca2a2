"""IntentService: the one way the window places, revises and cancels orders (order-safety.md §3).

Owns the life of an intent from the user's confirmation to its answer: validate (OrderRuleError →
nothing journaled, nothing sent), journal it SENDING durably, send exactly one request tagged with
the intent id, and record the outcome — ACKED, REJECTED, NOT_SENT, or UNKNOWN, which is handed to
the Reconciler and never resent. Sending again is a user action on a NOT_FOUND intent and creates a
new intent. At start, every SENDING/UNKNOWN intent of this env/account is reconciled before new
orders are allowed (row 25).

Observers: `subscribe(callback)` gets every new version of an intent, on the event loop's thread,
whatever changed it (the request, the reconciler or the user). No Qt here; the UI adapts callbacks.

From a script::

    service = IntentService(OrderService(client), Journal(path), clock=clock)
    await service.startup()                 # reconciles what an earlier run left open
    intent = await service.submit(ticket)   # ACKED, REJECTED, NOT_SENT or UNKNOWN
    final = await service.settle(intent)    # UNKNOWN resolved: ACKED/filled, AMBIGUOUS or NOT_FOUND
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from decimal import Decimal
from inspect import isawaitable
from typing import Any, Final
from zoneinfo import ZoneInfo

from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.enums import Env, OrderDivision
from kisdesk.api.errors import KisApiError
from kisdesk.api.models import OrderOutput
from kisdesk.app.journal import Journal
from kisdesk.app.orders import OrderService
from kisdesk.app.reconcile import Reconciler, ReconcileSettings
from kisdesk.domain.intents import (
    Cause,
    Fingerprint,
    Intent,
    IntentKind,
    IntentState,
    new_intent_id,
    outcome_of,
    ticket_of,
)
from kisdesk.domain.pending import PendingOrder
from kisdesk.domain.ticket import IncompleteTicketError, OverseasTicket, order_price

_log = logging.getLogger(__name__)
KST: Final = ZoneInfo("Asia/Seoul")
_S = IntentState

IntentCallback = Callable[[Intent], None]
# Test and crash-suite hook: called with "confirmed" (nothing written yet), "journaled" (SENDING is
# durable, nothing sent) and "answered" (the answer is in, not journaled yet).
Checkpoint = Callable[[str, Intent], Awaitable[None] | None]
CancelResult = Intent | BaseException


class NotReadyError(RuntimeError):
    """New orders wait until the journal's unresolved intents are reconciled (`startup()`)."""


class SendAgainError(ValueError):
    """Only a NOT_FOUND new-order intent may be sent again, and only once."""


class IntentService:
    """Journaled order entry for one session (one env, one account)."""

    def __init__(
        self,
        orders: OrderService,
        journal: Journal,
        *,
        reconciler: Reconciler | None = None,
        clock: Clock | None = None,
        settings: ReconcileSettings | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.orders = orders
        self.journal = journal
        self._clock: Clock = clock or SystemClock()
        self.reconciler = reconciler or Reconciler(
            orders.client, journal, clock=self._clock, settings=settings
        )
        self.reconciler.on_change = self._publish
        self.checkpoint = checkpoint
        self.ready = False
        self._subscribers: list[IntentCallback] = []
        self._intents: dict[str, Intent] = {}
        self._tasks: dict[str, asyncio.Task[Intent]] = {}
        self._startup: asyncio.Future[list[Intent]] | None = None
        self._resending: set[str] = set()

    @property
    def env(self) -> Env:
        return self.orders.env

    @property
    def account(self) -> str:
        return self.orders.account_text

    # --- observing ------------------------------------------------------------------------------

    def subscribe(self, callback: IntentCallback) -> Callable[[], None]:
        """Call `callback(intent)` on every change; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def intents(self) -> list[Intent]:
        """This session's intents (those loaded at startup and those made since), oldest first."""
        return sorted(self._intents.values(), key=lambda i: i.created_at)

    def get(self, intent_id: str) -> Intent | None:
        return self._intents.get(intent_id)

    @property
    def unresolved_count(self) -> int:
        """SENDING/UNKNOWN/AMBIGUOUS intents: the window warns before closing while this is > 0."""
        return sum(1 for i in self._intents.values() if i.state.unresolved)

    def similar(self, ticket: OverseasTicket, within_s: float = 60.0) -> list[Intent]:
        """This session's intents with the ticket's fingerprint that are still working or unresolved,
        or were made in the last `within_s` seconds: the window asks before sending a likely duplicate
        (order-safety.md row 8)."""
        if ticket.quantity is None:
            return []
        try:
            price = order_price(ticket)
        except IncompleteTicketError:
            return []
        fp = Fingerprint(
            ticket.exchange, ticket.clean_symbol, ticket.side, ticket.quantity, price, ticket.division
        )
        since = self._now().timestamp() - within_s
        return [
            i
            for i in self.intents()
            if i.kind is IntentKind.ORDER
            and i.fingerprint == fp
            and (i.state.working or i.state.unresolved or i.created_at.timestamp() >= since)
        ]

    def _publish(self, intent: Intent) -> None:
        self._intents[intent.intent_id] = intent
        for callback in list(self._subscribers):
            try:
                callback(intent)
            except Exception:  # an observer's bug must not break order handling
                _log.exception("intent observer failed")

    # --- start and stop -------------------------------------------------------------------------

    async def startup(self) -> list[Intent]:
        """Reconcile every unresolved intent of this env/account, then allow new orders.

        Idempotent: later calls wait for the same run (a failed run is started again). Returns the
        intents as they ended up. AMBIGUOUS intents stay for the user (`resolve_ambiguous`) and do not
        hold new orders back.
        """
        previous = self._startup
        if previous is None or (previous.done() and (previous.cancelled() or previous.exception())):
            self._startup = asyncio.ensure_future(self._run_startup())
        assert self._startup is not None
        return await asyncio.shield(self._startup)

    async def _run_startup(self) -> list[Intent]:
        found = await self.journal.unresolved(self.env, self.account)
        waiting: list[asyncio.Task[Intent]] = []
        for intent in found:
            if intent.state is _S.SENDING:
                # The app stopped with the request possibly on the wire: its fate is unknown.
                text = "the app stopped while this request was being sent"
                intent = await self._write(intent, _S.UNKNOWN, cause=Cause.STARTUP, detail=text, message=text)
            self._publish(intent)
            if intent.state is _S.UNKNOWN:
                waiting.append(self._reconcile_in_background(intent))
        results = list(await asyncio.gather(*waiting))
        self.ready = True
        return results + [i for i in found if i.state is _S.AMBIGUOUS]

    async def close(self) -> None:
        """Stop reconciling (unresolved intents stay in the journal for the next start)."""
        tasks: list[asyncio.Future[Any]] = [*self._tasks.values()]
        if self._startup is not None:
            tasks.append(self._startup)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def settle(self, intent: Intent | str) -> Intent:
        """The intent once its reconciliation (if any) has finished: handy for scripts and tests."""
        intent_id = intent if isinstance(intent, str) else intent.intent_id
        task = self._tasks.get(intent_id)
        if task is not None:
            await asyncio.shield(task)
        current = self._intents.get(intent_id) or await self.journal.get(intent_id)
        if current is None:
            raise KeyError(intent_id)
        return current

    # --- actions --------------------------------------------------------------------------------

    async def submit(self, ticket: OverseasTicket) -> Intent:
        """Validate, journal, send once. Raises OrderRuleError (nothing journaled) or NotReadyError."""
        return await self._submit(ticket, resend_of="")

    async def revise(self, order: PendingOrder, quantity: int, price: Decimal) -> Intent:
        self._require_ready()
        request = self.orders.prepare_revise(order, quantity, price)
        fp = Fingerprint(order.exchange, order.symbol, order.side, quantity, price, OrderDivision.LIMIT)
        intent = self._new(IntentKind.REVISE, fp, json.dumps(request.to_wire()), target=order.order_no)
        return await self._send(intent, lambda iid: self.orders.send_revise_cancel(request, intent=iid))

    async def cancel(self, order: PendingOrder) -> Intent:
        """Cancel the unfilled rest of `order`; allowed before `startup()` ends (pulling orders is safe)."""
        request = self.orders.prepare_cancel(order)
        fp = Fingerprint(
            order.exchange, order.symbol, order.side, order.remaining, Decimal(0), OrderDivision.LIMIT
        )
        intent = self._new(IntentKind.CANCEL, fp, json.dumps(request.to_wire()), target=order.order_no)
        return await self._send(intent, lambda iid: self.orders.send_revise_cancel(request, intent=iid))

    async def cancel_many(
        self,
        orders: Iterable[PendingOrder],
        on_result: Callable[[PendingOrder, CancelResult], None] | None = None,
    ) -> list[tuple[PendingOrder, CancelResult]]:
        """One cancel intent per order, all queued at once (the client's limiter paces them)."""

        async def one(order: PendingOrder) -> tuple[PendingOrder, CancelResult]:
            result: CancelResult
            try:
                result = await self.cancel(order)
            except Exception as exc:  # reported per order; one failure must not stop the batch
                result = exc
            if on_result is not None:
                on_result(order, result)
            return order, result

        return list(await asyncio.gather(*(one(o) for o in orders)))

    async def send_again(self, intent: Intent) -> Intent:
        """Send a NOT_FOUND order again, as a NEW intent; only on an explicit user action, only once."""
        if intent.intent_id in self._resending:  # checked before any await: a double click sends once
            raise SendAgainError("this order is already being sent again")
        self._require_ready()
        if intent.kind is not IntentKind.ORDER:
            raise SendAgainError(
                "revise or cancel again from the pending-orders list (the order may have changed)"
            )
        self._resending.add(intent.intent_id)
        try:
            current = await self.journal.get(intent.intent_id)
            if current is None or current.state is not _S.NOT_FOUND:
                raise SendAgainError("only an order that reconciliation did not find can be sent again")
            if await self.journal.resend_of(intent.intent_id) is not None:
                raise SendAgainError("this order was already sent again")
            return await self._submit(ticket_of(current), resend_of=intent.intent_id)
        except Exception:
            if await self.journal.resend_of(intent.intent_id) is None:
                self._resending.discard(intent.intent_id)  # nothing was journaled: the user may try again
            raise

    async def resolve_ambiguous(self, intent: Intent, order_no: str | None) -> Intent:
        """The user's choice for an AMBIGUOUS intent: one of its candidates, or None for "none is mine"."""
        return await self.reconciler.decide_ambiguous(intent, order_no)

    # --- the send path --------------------------------------------------------------------------

    async def _submit(self, ticket: OverseasTicket, *, resend_of: str) -> Intent:
        self._require_ready()
        request = self.orders.prepare_order(ticket)  # OrderRuleError: nothing journaled, nothing sent
        fp = Fingerprint(
            request.exchange, request.symbol, ticket.side, request.quantity, request.price, ticket.division
        )
        intent = self._new(IntentKind.ORDER, fp, json.dumps(request.to_wire()), resend_of=resend_of)
        return await self._send(intent, lambda iid: self.orders.place(request, ticket.side, intent=iid))

    def _require_ready(self) -> None:
        if not self.ready:
            raise NotReadyError("orders are blocked until the journal's open intents are reconciled")

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), KST)

    def _new(
        self, kind: IntentKind, fp: Fingerprint, request: str, *, target: str = "", resend_of: str = ""
    ) -> Intent:
        now = self._now()
        draft = Intent(
            new_intent_id(now),
            kind,
            self.env,
            self.account,
            fp,
            now,
            target_order_no=target,
            request=request,
            resend_of=resend_of,
        )
        return draft.moved(_S.CONFIRMED, now, cause=Cause.USER)

    async def _send(self, intent: Intent, call: Callable[[str], Awaitable[OrderOutput]]) -> Intent:
        await self._check("confirmed", intent)
        now = self._now()
        sending = intent.moved(_S.SENDING, now, cause=Cause.USER, sent_at=now)
        detail = f"{intent.kind} sent again for {intent.resend_of}" if intent.resend_of else str(intent.kind)
        await self.journal.record_new(sending, detail=detail)  # durable before a byte is sent
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
            return await self._failed(sending, exc)
        await self._check("answered", sending)
        return await self._write(
            sending,
            _S.ACKED,
            detail=f"order {output.order_no}",
            order_no=output.order_no,
            branch_no=output.branch_no,
        )

    async def _failed(self, intent: Intent, exc: Exception) -> Intent:
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
        intent: Intent,
        to: IntentState,
        *,
        cause: Cause = Cause.REQUEST,
        detail: str = "",
        **changes: object,
    ) -> Intent:
        moved = await self.journal.transition(
            intent, to, cause=cause, detail=detail, at=self._now(), **changes
        )
        self._publish(moved)
        return moved

    def _reconcile_in_background(self, intent: Intent) -> asyncio.Task[Intent]:
        task = asyncio.ensure_future(self._reconcile(intent))
        self._tasks[intent.intent_id] = task
        task.add_done_callback(lambda t: self._reconciled(intent.intent_id, t))
        return task

    async def _reconcile(self, intent: Intent) -> Intent:
        done = await self.reconciler.reconcile(intent)
        if done.order_no:
            await self.reconciler.narrow_ambiguous(self.env, self.account)
        return done

    def _reconciled(self, intent_id: str, task: asyncio.Task[Intent]) -> None:
        self._tasks.pop(intent_id, None)
        if not task.cancelled() and task.exception() is not None:
            _log.error("reconciling %s failed", intent_id, exc_info=task.exception())

    async def _check(self, point: str, intent: Intent) -> None:
        if self.checkpoint is not None:
            result = self.checkpoint(point, intent)
            if isawaitable(result):
                await result
