"""IntentService: the one way the window places, revises and cancels orders (order-safety.md §3).

Owns the life of an intent from the user's confirmation to its answer: validate (OrderRuleError →
nothing journaled, nothing sent), journal it SENDING durably, send exactly one request tagged with
the intent id, and record the outcome — ACKED, REJECTED, NOT_SENT, or UNKNOWN, which is handed to
the Reconciler and never resent. Sending again is a user action on a NOT_FOUND intent and creates a
new intent. At start, every SENDING/UNKNOWN intent of this env/account is reconciled before new
orders are allowed (row 25).

After the answer, an ORDER intent follows its order along §3: a cancel/revise sent for it moves it to
PENDING_CANCEL/PENDING_REPLACE (back to its working state when that request is rejected, never sent
or not found), and `pending()` (plus every reconciliation scan) feeds inquiry rows to `observe`,
which moves working intents to PARTIALLY_FILLED/FILLED and, confirmed by inquire-ccnl rows only, to
CANCELED/REPLACED. An accepted REVISE is followed the same way on its new order number.

Observers: `subscribe(callback)` gets every new version of an intent, on the event loop's thread,
whatever changed it (the request, the reconciler or the user). No Qt here; the UI adapts callbacks.

From a script::

    service = IntentService(OrderService(client), Journal(path), clock=clock)
    await service.startup()                 # reconciles what an earlier run left open
    intent = await service.submit(ticket)   # ACKED, REJECTED, NOT_SENT or UNKNOWN
    final = await service.settle(intent)    # UNKNOWN resolved: ACKED/filled, AMBIGUOUS or NOT_FOUND
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from kisdesk.api.clock import Clock
from kisdesk.api.enums import Env, OrderDivision
from kisdesk.api.errors import KisError
from kisdesk.api.models import HistoryRow, OrderOutput, PendingRow
from kisdesk.app.journal import Journal, StaleIntentError
from kisdesk.app.journaled import JournaledService, SendAgainTexts
from kisdesk.app.journaled import NotReadyError as NotReadyError  # where the window imports them from
from kisdesk.app.journaled import SendAgainError as SendAgainError
from kisdesk.app.orders import OrderService, cancel_each
from kisdesk.app.reconcile import Reconciler, ReconcileSettings
from kisdesk.domain.intents import (
    TRANSITIONS,
    Cause,
    Fingerprint,
    Intent,
    IntentKind,
    IntentState,
    new_intent_id,
    ticket_of,
)
from kisdesk.domain.pending import (
    OrderStatus,
    PendingOrder,
    from_history_rows,
    from_pending_row,
    order_key,
)
from kisdesk.domain.ticket import IncompleteTicketError, OverseasTicket, order_price

_log = logging.getLogger(__name__)
_S = IntentState

# How many recent journal rows the start looks through for orders still working from an earlier run.
WORKING_LOOKBACK: Final = 500
# A cancel/revise in one of these states may still act on its target: the target stays PENDING_*.
_CHANGE_LIVE: Final = frozenset({_S.CONFIRMED, _S.SENDING, _S.UNKNOWN, _S.AMBIGUOUS, _S.ACKED})
# ... and once it ends in one of these, it never reached the order: the target goes back to working.
_CHANGE_FAILED: Final = frozenset({_S.REJECTED, _S.NOT_SENT, _S.NOT_FOUND})
_PENDING_OF: Final = {IntentKind.CANCEL: _S.PENDING_CANCEL, IntentKind.REVISE: _S.PENDING_REPLACE}
# Intents whose order number is a live order at KIS (a cancel's number is not an order).
_ORDER_CARRIERS: Final = frozenset({IntentKind.ORDER, IntentKind.REVISE})
# What an observed order status makes of a working ORDER intent (WORKING and REJECTED change nothing).
_OBSERVED: Final = {
    OrderStatus.PARTIALLY_FILLED: _S.PARTIALLY_FILLED,
    OrderStatus.FILLED: _S.FILLED,
    OrderStatus.CANCELLED: _S.CANCELED,
    OrderStatus.REVISED: _S.REPLACED,
}

IntentCallback = Callable[[Intent], None]
# Test and crash-suite hook: called with "confirmed" (nothing written yet), "journaled" (SENDING is
# durable, nothing sent) and "answered" (the answer is in, not journaled yet).
Checkpoint = Callable[[str, Intent], Awaitable[None] | None]
CancelResult = Intent | BaseException


class IntentService(JournaledService[Intent, OrderOutput]):
    """Journaled order entry for one session (one env, one account)."""

    _SEND_AGAIN = SendAgainTexts(
        busy="this order is already being sent again",
        not_new="revise or cancel again from the pending-orders list (the order may have changed)",
        not_lost="only an order that reconciliation did not find can be sent again",
        done="this order was already sent again",
    )
    _NOT_READY = "orders are blocked until the journal's open intents are reconciled"

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
        super().__init__(journal, clock=clock, checkpoint=checkpoint)
        self.orders = orders
        self.journal = journal
        self.reconciler = reconciler or Reconciler(
            orders.client, journal, clock=self._clock, settings=settings
        )
        self.reconciler.on_change = self._publish
        self.reconciler.on_scan = self._observe_scan
        # ORDER intents at the exchange and still open (ACKED, PARTIALLY_FILLED, PENDING_*), by id:
        # what `observe` advances. Filled from the journal at start and kept by `_publish`.
        self._working: dict[str, Intent] = {}

    @property
    def env(self) -> Env:
        return self.orders.env

    @property
    def account(self) -> str:
        return self.orders.account_text

    # --- observing ------------------------------------------------------------------------------

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

    def _published(self, intent: Intent) -> None:
        self._track_working(intent)

    # --- start and stop -------------------------------------------------------------------------

    async def _run_startup(self) -> list[Intent]:
        recovered = await self._recover()
        # Orders an earlier run left working: followed from the next `pending()` (no request here:
        # the start must not spend a token or a ccnl read before the user asks for anything).
        for intent in await self.journal.history(WORKING_LOOKBACK, self.env):
            if intent.account == self.account and intent.intent_id not in self._intents:
                self._track_working(intent)
        self.ready = True
        return recovered

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

        return await cancel_each(orders, self.cancel, on_result)

    async def _resend(self, lost: Intent) -> Intent:
        return await self._submit(ticket_of(lost), resend_of=lost.intent_id)

    async def resolve_ambiguous(self, intent: Intent, order_no: str | None) -> Intent:
        """The user's choice for an AMBIGUOUS intent: one of its candidates, or None for "none is mine"."""
        return await self.reconciler.decide_ambiguous(intent, order_no)

    # --- following orders (order-safety.md §3) ---------------------------------------------------

    async def pending(self) -> list[PendingOrder]:
        """`OrderService.pending()`, and the working ORDER intents advanced from what it shows.

        While any ORDER intent is working this costs one inquire-ccnl read (every page) on top: open
        orders vanish from inquire-nccs when they end, so only ccnl rows can confirm FILLED, CANCELED
        or REPLACED. A failed ccnl read is logged; the open orders are returned all the same.
        """
        orders = await self.orders.pending()
        await self._refresh_working(orders)
        return orders

    async def observe(self, orders: Iterable[PendingOrder]) -> list[Intent]:
        """Advance working ORDER intents from observed orders (a later entry for the same order number
        wins: pass inquire-nccs orders before inquire-ccnl ones). Returns the intents it moved.

        Only positive evidence counts: an order missing from the rows changes nothing. FILLED,
        CANCELED and REPLACED are final. A partial fill moves ACKED to PARTIALLY_FILLED and leaves a
        PENDING_CANCEL/PENDING_REPLACE as it is (the cancel or revise is still the news).
        """
        seen = {o.key: o for o in orders}
        moved: list[Intent] = []
        for intent in list(self._working.values()):
            order = seen.get(order_key(intent.order_no))
            if order is None:
                continue
            to = _OBSERVED.get(order.status)
            if to is None or to is intent.state:
                continue
            if to is _S.PARTIALLY_FILLED and intent.state is not _S.ACKED:
                continue
            text = f"order {order.order_no}: {order.filled}/{order.quantity} filled, {order.status.lower()}"
            done = await self._advance(intent, to, text)
            if done is not None:
                moved.append(done)
        return moved

    def _track_working(self, intent: Intent) -> None:
        # An accepted revise is a new KIS order number that carries the rest of the order (the original
        # ends REPLACED), so its fills, cancel or next revise are followed on the revise intent.
        if intent.kind in _ORDER_CARRIERS and intent.state.working and intent.order_no.strip():
            self._working[intent.intent_id] = intent
        else:
            self._working.pop(intent.intent_id, None)

    async def _refresh_working(self, orders: Sequence[PendingOrder] = ()) -> None:
        """Observe `orders` plus one inquire-ccnl read covering every working ORDER intent (if any)."""
        if not self._working:
            return
        zones = [
            (i.matches_at, ZoneInfo(i.fingerprint.exchange.info.timezone)) for i in self._working.values()
        ]
        start = min(at.astimezone(zone).date() for at, zone in zones) - timedelta(days=1)
        end = max(self._now().astimezone(zone).date() for _, zone in zones) + timedelta(days=1)
        try:
            rows = await self.orders.client.history_all(start, end)
            history = from_history_rows(rows)
        except (KisError, ValueError) as exc:  # a failed read proves nothing; the next refresh retries
            _log.info("reading fills for working orders failed: %s", type(exc).__name__)
            history = []
        await self.observe([*orders, *history])

    async def _observe_scan(self, pending: list[PendingRow], history: list[HistoryRow]) -> None:
        """The reconciler's scans (filtered by symbol/side/venue: fine, absence proves nothing)."""
        if not self._working:
            return
        try:
            orders = [from_pending_row(r) for r in pending] + from_history_rows(history)
        except ValueError as exc:
            _log.info("a reconciliation scan could not be observed: %s", exc)
            return
        await self.observe(orders)

    async def _follow_change(self, change: Intent) -> None:
        """Move the ORDER intent a cancel/revise acts on: PENDING_* while it may act, back when it failed."""
        pending = _PENDING_OF.get(change.kind)
        if pending is None or not change.target_order_no.strip():
            return
        target = await self._owner_of(change.target_order_no)
        if target is None:
            return
        key = order_key(change.target_order_no)
        if change.state in _CHANGE_LIVE - {_S.CONFIRMED, _S.SENDING}:
            if target.state in (_S.ACKED, _S.PARTIALLY_FILLED):
                text = f"{change.kind} {change.intent_id} is {change.state}"
                await self._advance(target, pending, text, Cause.REQUEST)
        elif change.state in _CHANGE_FAILED and target.state is pending:
            if any(
                i.kind is change.kind and i.state in _CHANGE_LIVE and order_key(i.target_order_no) == key
                for i in self._intents.values()
                if i.intent_id != change.intent_id
            ):
                return  # another cancel/revise of this order may still act on it
            back = await self._state_before(target, pending)
            text = f"{change.kind} {change.intent_id} is {change.state}"
            await self._advance(target, back, text, Cause.REQUEST)

    async def _owner_of(self, order_no: str) -> Intent | None:
        key = order_key(order_no)
        for intent in self._working.values():
            if order_key(intent.order_no) == key:
                return intent
        return None

    async def _state_before(self, intent: Intent, pending: IntentState) -> IntentState:
        """The working state `intent` had before it last entered `pending` (ACKED if unclear)."""
        for _, before, after, _, _ in reversed(await self.journal.events(intent.intent_id)):
            if after == pending.value and before in (_S.ACKED.value, _S.PARTIALLY_FILLED.value):
                return IntentState(before)
        return _S.ACKED

    async def _advance(
        self, intent: Intent, to: IntentState, detail: str, cause: Cause = Cause.QUERY
    ) -> Intent | None:
        """One move of a working ORDER intent; None when the table does not allow it from the state
        it is in (e.g. CANCELED while a revise is pending) or the journal moved it meanwhile."""
        if to not in TRANSITIONS[intent.state]:
            return None
        try:
            return await self._write(intent, to, cause=cause, detail=detail)
        except StaleIntentError:
            current = await self.journal.get(intent.intent_id)
            if current is not None:
                self._publish(current)  # the next observation starts from what is stored
            return None

    # --- the send path --------------------------------------------------------------------------

    async def _submit(self, ticket: OverseasTicket, *, resend_of: str) -> Intent:
        self._require_ready()
        request = self.orders.prepare_order(ticket)  # OrderRuleError: nothing journaled, nothing sent
        fp = Fingerprint(
            request.exchange, request.symbol, ticket.side, request.quantity, request.price, ticket.division
        )
        intent = self._new(IntentKind.ORDER, fp, json.dumps(request.to_wire()), resend_of=resend_of)
        return await self._send(intent, lambda iid: self.orders.place(request, ticket.side, intent=iid))

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

    async def _answered(self, sending: Intent, output: OrderOutput) -> Intent:
        return await self._write(
            sending,
            _S.ACKED,
            detail=f"order {output.order_no}",
            order_no=output.order_no,
            branch_no=output.branch_no,
        )

    async def _sent(self, intent: Intent) -> None:
        await self._follow_change(intent)

    async def _reconcile(self, intent: Intent) -> Intent:
        done = await self.reconciler.reconcile(intent)
        if done.order_no:
            await self.reconciler.narrow_ambiguous(self.env, self.account)
        await self._follow_change(done)
        return done
