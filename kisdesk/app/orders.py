"""OrderService: place, revise and cancel overseas orders, and read the pending-order book.

Every ticket is validated by the domain rules before a request is built: a ticket with a blocking
problem raises OrderRuleError and nothing is sent. Outcome-unknown failures (KisOutcomeUnknownError,
KisHttpError, KisProtocolError on a POST) are passed up untouched: the client never resends them.

Each action also comes in two halves, `prepare_*` (validate and build the request; raises
OrderRuleError) and `place`/`send_revise_cancel` (one request), so IntentService can journal the
intent durably between the two (order-safety.md row 25).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import aclosing, asynccontextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, ReviseCancel, Side
from kisdesk.api.models import (
    OrderOutput,
    OverseasOrderRequest,
    PendingQuery,
    PendingRow,
    ReviseCancelRequest,
)
from kisdesk.api.paging import Page, iter_pages
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

CONVERT_CHUNK: Final = 500  # rows turned into PendingOrders between yields to the loop (~3 ms of CPU)

T = TypeVar("T")
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

    @property
    def client(self) -> KisClient:
        return self._client

    @property
    def account_text(self) -> str:
        """The account as the journal stores it: "12345678-01"."""
        return str(self._account())

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

    def prepare_order(self, ticket: OverseasTicket) -> OverseasOrderRequest:
        """The request for a valid ticket; OrderRuleError (nothing sent) for a blocked one."""
        problems = blocking(self.check(ticket))
        if problems:
            raise OrderRuleError(problems)
        return to_order_request(ticket, self._account())

    async def place(
        self, request: OverseasOrderRequest, side: Side, *, intent: str | None = None
    ) -> OrderOutput:
        """Send exactly one prepared order request."""
        async with self._track():
            return await self._client.place_order(request, side, intent=intent)

    async def submit(self, ticket: OverseasTicket, *, intent: str | None = None) -> OrderOutput:
        """Validate, then send exactly one order request."""
        return await self.place(self.prepare_order(ticket), ticket.side, intent=intent)

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

    def prepare_revise(self, order: PendingOrder, quantity: int, price: Decimal) -> ReviseCancelRequest:
        problems = self.revise_problems(order, quantity, price)
        if problems:
            raise OrderRuleError(problems)
        return self._revise_cancel_request(order, ReviseCancel.REVISE, quantity, price)

    def prepare_cancel(self, order: PendingOrder) -> ReviseCancelRequest:
        capability = revise_capability(order, self.env)
        if not capability.can_cancel:
            reason = capability.cancel.reason
            text = reason.explanation if reason is not None else "this order cannot be cancelled"
            raise OrderRuleError([Problem("ticket", str(reason or "NOT_CANCELLABLE"), text)])
        # Quantity 0 cancels the whole unfilled remainder (overseas-revise-cancel.md §2).
        return self._revise_cancel_request(order, ReviseCancel.CANCEL, 0, Decimal(0))

    async def send_revise_cancel(
        self, request: ReviseCancelRequest, *, intent: str | None = None
    ) -> OrderOutput:
        """Send exactly one prepared revise/cancel request."""
        async with self._track():
            return await self._client.revise_cancel(request, intent=intent)

    async def revise(
        self, order: PendingOrder, quantity: int, price: Decimal, *, intent: str | None = None
    ) -> OrderOutput:
        return await self.send_revise_cancel(self.prepare_revise(order, quantity, price), intent=intent)

    async def cancel(self, order: PendingOrder, *, intent: str | None = None) -> OrderOutput:
        return await self.send_revise_cancel(self.prepare_cancel(order), intent=intent)

    def _revise_cancel_request(
        self, order: PendingOrder, action: ReviseCancel, quantity: int, price: Decimal
    ) -> ReviseCancelRequest:
        account = self._client.account
        return ReviseCancelRequest(
            account=account.cano,
            product_code=account.product_code,
            exchange=order.exchange,
            symbol=order.symbol,
            original_order_no=order.order_no,
            action=action,
            quantity=quantity,
            price=price,
        )

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: ProgressCallback | None = None
    ) -> list[tuple[PendingOrder, CancelResult]]:
        """Cancel several orders at the rate limit; each result is reported as it arrives.

        All requests are queued at once: the client's limiter paces them, so the batch runs at the
        configured rate instead of one round trip at a time.
        """

        return await cancel_each(orders, self.cancel, on_result)

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
                await self._read_pending(venue, orders)
            return orders

    async def _read_pending(self, venue: Exchange, into: list[PendingOrder]) -> None:
        """Append the open orders of one inquire-nccs venue to `into`, page by page.

        Each page's rows become PendingOrders as soon as it arrives and are dropped: holding every
        page's rows until the last one cost ~50 MB at 10,000 orders (P5). `into` is only complete if
        this returns; on an exception the caller must not use it (the book keeps the last snapshot).
        """
        client = self._client
        query = PendingQuery(
            account=client.account.cano, product_code=client.account.product_code, exchange=venue.value
        )

        def fetch(tr_cont: str, fk: str, nk: str) -> Awaitable[Page[PendingRow]]:
            return client.pending_page(query.model_copy(update={"ctx_fk": fk, "ctx_nk": nk}), tr_cont=tr_cont)

        async with aclosing(iter_pages(fetch, key=_pending_row_name)) as pages:
            async for rows in pages:
                for start in range(0, len(rows), CONVERT_CHUNK):
                    if start:
                        # A page may hold thousands of rows (KIS pages 40 rows, a simulator or a future
                        # API more): converting 10,000 in one go held the GUI thread ~60 ms (bench P2).
                        await asyncio.sleep(0)
                    chunk = rows[start : start + CONVERT_CHUNK]
                    into += [o for o in map(from_pending_row, chunk, repeat(venue)) if o.status.is_open]


def _pending_row_name(row: PendingRow) -> tuple[str, str, str]:
    """What names an inquire-nccs row across pages (the same key as `KisClient.pending_all`)."""
    return (row.order_date, row.branch_no, row.order_no)


async def cancel_each(
    orders: Iterable[PendingOrder],
    cancel: Callable[[PendingOrder], Awaitable[T]],
    on_result: Callable[[PendingOrder, T | BaseException], None] | None = None,
) -> list[tuple[PendingOrder, T | BaseException]]:
    """Run `cancel` for every order at once, reporting each result (or its exception) as it arrives.

    All requests are queued together and the client's limiter paces them, so a batch runs at the
    configured rate instead of one round trip at a time; one failure never stops the others.
    """

    async def one(order: PendingOrder) -> tuple[PendingOrder, T | BaseException]:
        result: T | BaseException
        try:
            result = await cancel(order)
        except Exception as exc:  # reported per order
            result = exc
        if on_result is not None:
            on_result(order, result)
        return order, result

    tasks: list[asyncio.Task[tuple[PendingOrder, T | BaseException]]] = []
    try:
        for order in orders:
            tasks.append(asyncio.ensure_future(one(order)))
            # Each cancel's first step (journal row, request model) in a loop pass of its own: started
            # all at once, 200 of them held the window for one long pass.
            await asyncio.sleep(0)
        return list(await asyncio.gather(*tasks))
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        raise
