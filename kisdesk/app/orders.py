"""OrderService: place, revise and cancel overseas orders, and read the pending-order book.

Every ticket is validated by the domain rules before a request is built: a ticket with a blocking
problem raises OrderRuleError and nothing is sent. Outcome-unknown failures (KisOutcomeUnknownError,
KisHttpError, KisProtocolError on a POST) are passed up untouched: the client never resends them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, ReviseCancel
from kisdesk.api.models import OrderOutput, ReviseCancelRequest
from kisdesk.app.errors import OrderRuleError
from kisdesk.domain.pending import PendingOrder, from_history_rows, from_pending_row, revise_capability
from kisdesk.domain.rules import Problem, blocking, validate_overseas
from kisdesk.domain.ticket import AccountNo, OverseasTicket, to_order_request

KST: Final = ZoneInfo("Asia/Seoul")

# inquire-nccs answers one venue per call, except NASD which covers all three US venues.
PENDING_VENUES: Final[tuple[Exchange, ...]] = (
    Exchange.NASD,
    Exchange.SEHK,
    Exchange.SHAA,
    Exchange.SZAA,
    Exchange.TKSE,
    Exchange.HASE,
    Exchange.VNSE,
)

CancelResult = OrderOutput | BaseException
ProgressCallback = Callable[[PendingOrder, CancelResult], None]


class OrderService:
    """Order entry and the pending book for one session's client."""

    def __init__(self, client: KisClient, clock: Callable[[], datetime] | None = None) -> None:
        self._client = client
        self._now = clock or (lambda: datetime.now(KST))
        self.in_flight = 0

    @property
    def env(self) -> Env:
        return self._client.env

    @asynccontextmanager
    async def _track(self) -> AsyncIterator[None]:
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    def _account(self) -> AccountNo:
        return AccountNo(self._client.account.cano, self._client.account.product_code)

    def check(self, ticket: OverseasTicket) -> list[Problem]:
        """Every problem of the ticket now (errors and warnings); the ticket widget shows them."""
        return validate_overseas(ticket, self._now())

    async def submit(self, ticket: OverseasTicket, *, intent: str | None = None) -> OrderOutput:
        """Validate, then send exactly one order request."""
        problems = blocking(self.check(ticket))
        if problems:
            raise OrderRuleError(problems)
        request = to_order_request(ticket, self._account())
        async with self._track():
            return await self._client.place_order(request, ticket.side, intent=intent)

    def revise_problems(self, order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]:
        """What is wrong with revising `order` to quantity @ price (empty list: fine to send)."""
        capability = revise_capability(order, self.env)
        problems: list[Problem] = []
        if not capability.can_revise:
            reason = capability.revise.reason
            explanation = reason.explanation if reason is not None else "this order cannot be revised"
            problems.append(Problem("ticket", str(reason or "NOT_REVISABLE"), explanation))
        if quantity > order.remaining:
            problems.append(
                Problem("quantity", "REVISE_QTY_ABOVE_REMAINING", f"at most {order.remaining} remain open")
            )
        # The price/lot rules are the same as for a new limit order on that venue.
        ticket = OverseasTicket(
            self.env, order.exchange, order.symbol, order.side, OrderDivision.LIMIT, quantity, price
        )
        problems += [p for p in validate_overseas(ticket) if p.field in ("quantity", "price") and p.blocks]
        return problems

    async def revise(
        self, order: PendingOrder, quantity: int, price: Decimal, *, intent: str | None = None
    ) -> OrderOutput:
        problems = self.revise_problems(order, quantity, price)
        if problems:
            raise OrderRuleError(problems)
        return await self._revise_cancel(order, ReviseCancel.REVISE, quantity, price, intent)

    async def cancel(self, order: PendingOrder, *, intent: str | None = None) -> OrderOutput:
        capability = revise_capability(order, self.env)
        if not capability.can_cancel:
            reason = capability.cancel.reason
            text = reason.explanation if reason is not None else "this order cannot be cancelled"
            raise OrderRuleError([Problem("ticket", str(reason or "NOT_CANCELLABLE"), text)])
        # Quantity 0 cancels the whole unfilled remainder (overseas-revise-cancel.md §2).
        return await self._revise_cancel(order, ReviseCancel.CANCEL, 0, Decimal(0), intent)

    async def _revise_cancel(
        self, order: PendingOrder, action: ReviseCancel, quantity: int, price: Decimal, intent: str | None
    ) -> OrderOutput:
        account = self._client.account
        request = ReviseCancelRequest(
            account=account.cano,
            product_code=account.product_code,
            exchange=order.exchange,
            symbol=order.symbol,
            original_order_no=order.order_no,
            action=action,
            quantity=quantity,
            price=price,
        )
        async with self._track():
            return await self._client.revise_cancel(request, intent=intent)

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: ProgressCallback | None = None
    ) -> list[tuple[PendingOrder, CancelResult]]:
        """Cancel several orders at the rate limit; each result is reported as it arrives.

        All requests are queued at once: the client's limiter paces them, so the batch runs at the
        configured rate instead of one round trip at a time.
        """

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

    async def pending(self) -> list[PendingOrder]:
        """Every open order on every venue, all pages read.

        Paper: KIS tells paper users to derive open orders from inquire-ccnl, which also answers every
        venue in one paged call (overseas-pending-and-fills.md §1).
        """
        async with self._track():
            if self.env is Env.PAPER:
                today = self._now().date()
                rows = await self._client.history_all(today - timedelta(days=1), today)
                return [o for o in from_history_rows(rows) if o.status.is_open]
            orders: list[PendingOrder] = []
            for venue in PENDING_VENUES:
                rows_p = await self._client.pending_all(venue)
                orders += [from_pending_row(r, venue) for r in rows_p]
            return [o for o in orders if o.status.is_open]
