"""ReservationService: domestic reservation orders (주식예약주문) — place, list, revise, cancel.

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
    def __init__(self, client: KisClient, clock: Callable[[], datetime] | None = None) -> None:
        self._client = client
        self._now = clock or (lambda: datetime.now(KST))

    @property
    def available(self) -> bool:
        return is_available(ApiId.DOMESTIC_RESV_ORDER, self._client.env)

    def check(self, ticket: ReservationTicket) -> list[Problem]:
        return validate_reservation(ticket, self._now())

    async def place(self, ticket: ReservationTicket) -> ReservationOrderOutput:
        problems = blocking(self.check(ticket))
        if problems:
            raise OrderRuleError(problems)
        account = AccountNo(self._client.account.cano, self._client.account.product_code)
        return await self._client.place_reservation(to_reservation_request(ticket, account))

    async def list(self, start: date, end: date, *, include_cancelled: bool = False) -> list[ReservationRow]:
        return await self._client.reservations_all(start, end, include_cancelled=include_cancelled)

    async def revise(
        self,
        row: ReservationRow,
        *,
        quantity: int,
        price: Decimal,
        division: ResvOrderDivision,
        end_date: date | None = None,
    ) -> ReservationReviseCancelOutput:
        ticket = ReservationTicket(
            self._client.env, row.symbol, Side(row.side_code), division, quantity, price, end_date
        )
        problems = [p for p in blocking(self.check(ticket)) if p.field != "end_date" or end_date]
        if problems:
            raise OrderRuleError(problems)
        account = self._client.account
        request = ReservationReviseRequest(
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
        return await self._client.revise_reservation(request)

    async def cancel(self, row: ReservationRow) -> ReservationReviseCancelOutput:
        account = self._client.account
        request = ReservationCancelRequest(
            account=account.cano,
            product_code=account.product_code,
            sequence=row.sequence,
            order_date=row.order_day,
        )
        return await self._client.cancel_reservation(request)
