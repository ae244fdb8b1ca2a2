"""The rows the simulated book keeps: accounts, overseas order rows, reservations and ledger entries.

Plain mutable dataclasses owned by `Book`; money is Decimal, quantities int. An overseas revise or
cancel is a row of its own (as inquire-ccnl shows it), linked to its target by `original_no`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kisdesk.api.enums import Exchange, OrderDivision, ResvOrderDivision, ReviseCancel, Side
from kisdesk.simulator.catalog import Instrument
from kisdesk.simulator.protocol import AccountKey


@dataclass
class Account:
    """Cash per currency and shares per instrument key; reservations hold what open orders need."""

    key: AccountKey
    cash: dict[str, Decimal]
    positions: dict[str, int]
    reserved_cash: dict[str, Decimal] = field(default_factory=dict)
    reserved_shares: dict[str, int] = field(default_factory=dict)

    def available_cash(self, currency: str) -> Decimal:
        return self.cash.get(currency, Decimal(0)) - self.reserved_cash.get(currency, Decimal(0))

    def available_shares(self, instrument_key: str) -> int:
        return self.positions.get(instrument_key, 0) - self.reserved_shares.get(instrument_key, 0)


@dataclass
class AlgoWindow:
    start: datetime
    end: datetime
    label: str  # splt_buy_attr_name: "정규장 종료" or "HH:MM~HH:MM"


@dataclass
class OverseasOrder:
    """One row of the overseas book: an original order, a revise (working) or a cancel (record)."""

    order_no: str
    account: AccountKey
    tr_id: str
    instrument: Instrument
    side: Side
    division: OrderDivision  # effective order type; a blank ORD_DVSN behaves as limit
    division_sent: str  # ORD_DVSN as sent ("" when blank), for the ledger and revise rows
    qty: int
    price: Decimal
    accepted_at: datetime
    local_date: date  # ord_dt: the exchange's local date at acceptance
    rng: random.Random  # fill decisions of this row only, seeded from the book seed and order no.
    kind: ReviseCancel | None = None  # None: an original order
    original_no: str = ""
    algo: AlgoWindow | None = None
    filled_qty: int = 0
    filled_amount: Decimal = Decimal(0)
    closed_qty: int = 0  # cancelled, revised away or expired: no longer working
    closed_by: str = ""  # "cancel", "revise", "expire"
    processed_until: datetime | None = None  # last price step this row has been matched against

    @property
    def exchange(self) -> Exchange:
        exchange = self.instrument.exchange
        assert exchange is not None, "overseas rows always carry an overseas instrument"
        return exchange

    @property
    def open_qty(self) -> int:
        """nccs_qty: what can still fill, be revised or cancelled."""
        return self.qty - self.filled_qty - self.closed_qty

    @property
    def avg_fill_price(self) -> Decimal:
        return self.filled_amount / self.filled_qty if self.filled_qty else Decimal(0)


@dataclass
class Reservation:
    """A domestic reservation order (order-resv) and what became of it on its processing day."""

    seq: str
    account: AccountKey
    instrument: Instrument
    side: Side
    division: ResvOrderDivision
    balance: str  # ORD_OBJT_CBLC_DVSN_CD
    qty: int
    price: Decimal
    order_date: date  # rsvn_ord_ord_dt: the first KRX business day it is sent on
    end_date: date | None  # period reservation when set
    received_at: datetime
    phone: str = ""
    loan_date: str = ""
    filled_qty: int = 0
    filled_amount: Decimal = Decimal(0)
    order_no: str = ""
    ordered_at: datetime | None = None  # first transmission as a normal order
    last_run: date | None = None  # last business day it was sent on
    cancelled_at: datetime | None = None
    reject_reason: str = ""

    @property
    def remaining(self) -> int:
        return self.qty - self.filled_qty

    @property
    def processed(self) -> bool:
        return self.last_run is not None


@dataclass(frozen=True)
class LedgerEntry:
    """One request the book accepted: what the tests and the control endpoint count."""

    kind: str  # "order", "revise", "cancel", "resv", "resv-revise", "resv-cancel"
    tr_id: str
    account: AccountKey
    order_no: str  # ODNO of the new row, or RSVN_ORD_SEQ for reservation kinds
    fields: dict[str, Any]  # the request body as received
    intent: str | None  # ctx.intent (test-only x-kisdesk-intent header)
    time: datetime
