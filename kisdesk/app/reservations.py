"""ReservationService: domestic reservation orders (주식예약주문) — the checked requests for place,
list, revise and cancel, without a journal.

The window does not call this directly: it goes through `ReservationIntentService`
(kisdesk.app.reservation_intents), which journals each request around the `prepare_*` / `send_*`
pair here: there is deliberately no one-call place/revise/cancel that would skip the journal.

KIS offers these in real trading only; on PAPER every call raises NotAvailableError before any
request (the registry has no paper TR).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from kisdesk.api.client import KisClient
from kisdesk.api.enums import BalanceKind, ResvOrderDivision, Side
from kisdesk.api.models import (
    ReservationCancelRequest,
    ReservationOrderOutput,
    ReservationOrderRequest,
    ReservationReviseCancelOutput,
    ReservationReviseRequest,
    ReservationRow,
)
from kisdesk.api.registry import ApiId, is_available
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.orders import KST
from kisdesk.domain.rules import Problem, blocking, validate_reservation
from kisdesk.domain.ticket import AccountNo, ReservationTicket, to_reservation_request


class ReservationService:
    """Checked reservation requests for one client (one env, one account)."""

    def __init__(self, client: KisClient, clock: Callable[[], datetime] | None = None) -> None:
        self._client = client
        self._now = clock or (lambda: datetime.now(KST))

    @property
    def client(self) -> KisClient:
        return self._client

    @property
    def available(self) -> bool:
        return is_available(ApiId.DOMESTIC_RESV_ORDER, self._client.env)

    def check(self, ticket: ReservationTicket) -> list[Problem]:
        return validate_reservation(ticket, self._now())

    def prepare_place(self, ticket: ReservationTicket) -> ReservationOrderRequest:
        """The order-resv body for `ticket`; OrderRuleError (nothing sent) when a rule blocks it."""
        problems = blocking(self.check(ticket))
        if problems:
            raise OrderRuleError(problems)
        account = AccountNo(self._client.account.cano, self._client.account.product_code)
        return to_reservation_request(ticket, account)

    async def send_place(
        self, request: ReservationOrderRequest, *, intent: str | None = None
    ) -> ReservationOrderOutput:
        return await self._client.place_reservation(request, intent=intent)

    async def list(
        self, start: date, end: date, *, include_cancelled: bool = False, symbol: str = ""
    ) -> list[ReservationRow]:
        """Every page of order-resv-ccnl for reservations to be ordered between `start` and `end`."""
        return await self._client.reservations_all(
            start, end, symbol=symbol, include_cancelled=include_cancelled
        )

    def prepare_revise(
        self,
        row: ReservationRow,
        *,
        quantity: int,
        price: Decimal,
        division: ResvOrderDivision,
        end_date: date | None = None,
    ) -> ReservationReviseRequest:
        ticket = ReservationTicket(
            self._client.env, row.symbol, Side(row.side_code), division, quantity, price, end_date
        )
        problems = [p for p in blocking(self.check(ticket)) if p.field != "end_date" or end_date]
        if problems:
            raise OrderRuleError(problems)
        account = self._client.account
        return ReservationReviseRequest(
            account=account.cano,
            product_code=account.product_code,
            symbol=row.symbol,
            quantity=quantity,
            price=price,
            side=Side(row.side_code),
            division=division,
            balance=BalanceKind.CASH,
            end_date=end_date,
            sequence=row.sequence,
            order_date=row.order_day,
        )

    def prepare_cancel(self, row: ReservationRow) -> ReservationCancelRequest:
        account = self._client.account
        return ReservationCancelRequest(
            account=account.cano,
            product_code=account.product_code,
            sequence=row.sequence,
            order_date=row.order_day,
        )

    async def send_change(
        self, request: ReservationReviseRequest | ReservationCancelRequest, *, intent: str | None = None
    ) -> ReservationReviseCancelOutput:
        if isinstance(request, ReservationReviseRequest):
            return await self._client.revise_reservation(request, intent=intent)
        return await self._client.cancel_reservation(request, intent=intent)
