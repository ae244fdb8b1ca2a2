"""What the order form produces, and how a checked ticket becomes a KIS request body.

Owns: `AccountNo`, `OverseasTicket`, `ReservationTicket` (frozen; fields may be None while the form
is incomplete) and the builders `to_order_request` (v1_해외주식-001, overseas-order.md §2/§4) and
`to_reservation_request` (order-resv, domestic-reservation.md §1). Builders assume the ticket passed
`kisdesk.domain.rules`; they raise `IncompleteTicketError` for missing fields and let the pydantic
model reject anything that breaks a wire rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Final

from kisdesk.api.enums import (
    AlgoTiming,
    BalanceKind,
    Env,
    Exchange,
    OrderDivision,
    ResvOrderDivision,
    Side,
)
from kisdesk.api.models.orders import OverseasOrderRequest
from kisdesk.api.models.reservation import ReservationOrderRequest

_ACCOUNT_RE: Final = re.compile(r"^(\d{8})-?(\d{2})$")


class IncompleteTicketError(ValueError):
    """A builder met a ticket that lacks a field the request needs (validate it first)."""


@dataclass(frozen=True, slots=True)
class AccountNo:
    """A KIS account number: 8-digit CANO plus 2-digit product code (ACNT_PRDT_CD)."""

    cano: str
    product_code: str = "01"

    def __post_init__(self) -> None:
        if not (len(self.cano) == 8 and self.cano.isdigit()):
            raise ValueError("CANO is 8 digits")
        if not (len(self.product_code) == 2 and self.product_code.isdigit()):
            raise ValueError("ACNT_PRDT_CD is 2 digits")

    @classmethod
    def parse(cls, text: str) -> AccountNo:
        """'12345678-01' or '1234567801'."""
        match = _ACCOUNT_RE.match(text.strip())
        if match is None:
            raise ValueError(f"not an account number: {text!r} (expected 12345678-01)")
        return cls(match.group(1), match.group(2))

    def __str__(self) -> str:
        return f"{self.cano}-{self.product_code}"


@dataclass(frozen=True, slots=True)
class OverseasTicket:
    """An overseas order as typed into the ticket.

    `start_time`/`end_time` are KST wall-clock times: whether KIS reads START_TIME/END_TIME as KST or
    exchange-local time is UNCERTAIN (overseas-order.md §4; the "00:00~04:00" inquiry example for a
    US order suggests KST, and the simulator's `algo_time_zone` defaults to "KST").
    """

    env: Env
    exchange: Exchange
    symbol: str
    side: Side
    division: OrderDivision
    quantity: int | None = None
    price: Decimal | None = None
    algo_timing: AlgoTiming | None = None
    start_time: time | None = None
    end_time: time | None = None
    account: AccountNo | None = None

    @property
    def clean_symbol(self) -> str:
        """The symbol as KIS wants it: trimmed, upper case (US/VN tickers)."""
        return self.symbol.strip().upper()


@dataclass(frozen=True, slots=True)
class ReservationTicket:
    """A domestic (KRX) reservation order. Real trading only; `env` lets the rules say so."""

    env: Env
    symbol: str
    side: Side
    division: ResvOrderDivision
    quantity: int | None = None
    price: Decimal | None = None
    end_date: date | None = None  # set: period reservation (기간예약주문), §0
    balance: BalanceKind = BalanceKind.CASH
    account: AccountNo | None = None

    @property
    def clean_symbol(self) -> str:
        return self.symbol.strip().upper()


def hhmmss(value: time) -> str:
    """START_TIME/END_TIME format: HHMMSS (§4 assumes HHMMSS despite the spec's "YYMMDD" typo)."""
    return value.strftime("%H%M%S")


def _account(ticket_account: AccountNo | None, account: AccountNo | None) -> AccountNo:
    chosen = account or ticket_account
    if chosen is None:
        raise IncompleteTicketError("no account for the order")
    return chosen


def _quantity(quantity: int | None) -> int:
    if quantity is None:
        raise IncompleteTicketError("quantity is missing")
    return quantity


def _algo_fields(ticket: OverseasTicket) -> dict[str, object]:
    """The three §4 fields: only for TWAP/VWAP; times only for an explicit window (00)."""
    if not ticket.division.is_algo:
        return {}
    if ticket.algo_timing is None:
        raise IncompleteTicketError("TWAP/VWAP need ALGO_ORD_TMD_DVSN_CD")
    fields: dict[str, object] = {"algo_timing": ticket.algo_timing}
    if ticket.algo_timing is AlgoTiming.WINDOW:
        if ticket.start_time is None or ticket.end_time is None:
            raise IncompleteTicketError("an explicit TWAP/VWAP window needs start and end times")
        fields["start_time"] = hhmmss(ticket.start_time)  # KST (see OverseasTicket)
        fields["end_time"] = hhmmss(ticket.end_time)
    return fields


def order_price(ticket: OverseasTicket) -> Decimal:
    """OVRS_ORD_UNPR: "0" for MOO/MOC, never empty (§2); the typed price otherwise."""
    if ticket.division.is_market_type:
        return Decimal(0)
    if ticket.price is None:
        raise IncompleteTicketError("price is missing")
    return ticket.price


def to_order_request(ticket: OverseasTicket, account: AccountNo | None = None) -> OverseasOrderRequest:
    """The v1_해외주식-001 body for a checked ticket (`account` overrides the ticket's own)."""
    acct = _account(ticket.account, account)
    return OverseasOrderRequest.model_validate(
        {
            "account": acct.cano,
            "product_code": acct.product_code,
            "exchange": ticket.exchange,
            "symbol": ticket.clean_symbol,
            "quantity": _quantity(ticket.quantity),
            "price": order_price(ticket),
            # §2 SLL_TYPE: sell "00"; buy omits it ("제거 : 매수").
            "sell_type": "00" if ticket.side is Side.SELL else None,
            # §3: HK buy/JP/CN/VN call ORD_DVSN "removed", yet every sample sends "00"; we always send it.
            "division": ticket.division,
            **_algo_fields(ticket),
        }
    )


def reservation_price(ticket: ReservationTicket) -> Decimal:
    """ORD_UNPR: "0" for market (01) and pre-market (05) reservations (§1.1)."""
    if ticket.division.is_market_type:
        return Decimal(0)
    if ticket.price is None:
        raise IncompleteTicketError("price is missing")
    return ticket.price


def to_reservation_request(
    ticket: ReservationTicket, account: AccountNo | None = None
) -> ReservationOrderRequest:
    """The order-resv (CTSC0008U) body for a checked ticket."""
    acct = _account(ticket.account, account)
    return ReservationOrderRequest.model_validate(
        {
            "account": acct.cano,
            "product_code": acct.product_code,
            "symbol": ticket.clean_symbol,
            "quantity": _quantity(ticket.quantity),
            "price": reservation_price(ticket),
            "side": ticket.side,
            "division": ticket.division,
            "balance": ticket.balance,
            "end_date": ticket.end_date,
        }
    )
