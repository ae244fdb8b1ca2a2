"""The simulated KIS back office: accounts, the overseas order book, domestic reservations and the ledger.

`Book(family, settings)` is the state behind the business handlers. It applies accepted requests
(handlers validate the wire format first), keeps cash and shares reserved for open orders, numbers
orders, and records every accepted order, revise, cancel and reservation in `ledger()`. Time only
moves through `advance(now)`, which matches resting orders against the seeded price paths
(`matching.py`) and sends due reservations; the book never reads the wall clock. The gateway holds
one lock around every call, so nothing here locks.

Order numbers and reservation sequences are issued increasing, so each account's rows are also kept
in a list in number order (`account_orders`, `account_reservations`): the paged inquiries bisect to
their cursor there instead of filtering and sorting the whole book for every page.

`visibility_delay_s` is a fault knob: rows accepted at t stay out of inquiries until t + delay.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from kisdesk.api.enums import OrderDivision, ReviseCancel, Side, TrFamily
from kisdesk.simulator import matching
from kisdesk.simulator.catalog import Instrument, all_instruments
from kisdesk.simulator.prices import PricePaths, stable_seed
from kisdesk.simulator.protocol import AccountKey, CallContext
from kisdesk.simulator.records import Account, AlgoWindow, LedgerEntry, OverseasOrder, Reservation
from kisdesk.simulator.replies import RULE_VIOLATION, RejectionError
from kisdesk.simulator.settings import SimSettings

BRANCH_NO: Final = "01790"  # KRX_FWDG_ORD_ORGNO / ord_gno_brno of every order (README example value)
_FIRST_ORDER_NO: Final = 30_135_001  # order numbers look like KIS's: 10 digits, zero-padded
_FIRST_RESV_SEQ: Final = 88_001  # reservation sequences are bare numbers in every example ("88793")


class Book:
    """All business state of one simulator instance (one host flavour: real or paper TRs)."""

    def __init__(self, family: TrFamily, settings: SimSettings) -> None:
        self.family = family
        self.settings = settings
        # Seed and step length are read once: a price path must not change under a running book.
        self.prices = PricePaths(settings.seed, settings.tick_seconds)
        self.visibility_delay_s: float = 0.0
        self._accounts: dict[AccountKey, Account] = {}
        self._orders: dict[int, OverseasOrder] = {}
        self._reservations: dict[int, Reservation] = {}
        # Per account, in number order (numbers are issued increasing: appending keeps the order).
        self._account_orders: dict[AccountKey, list[OverseasOrder]] = {}
        self._account_resvs: dict[AccountKey, list[Reservation]] = {}
        self._ledger: list[LedgerEntry] = []
        self._next_no = _FIRST_ORDER_NO
        self._next_seq = _FIRST_RESV_SEQ
        self._clock: datetime | None = None

    # --- time -----------------------------------------------------------------------------------

    @property
    def clock(self) -> datetime | None:
        """The latest time `advance` has processed."""
        return self._clock

    def advance(self, now: datetime) -> None:
        """Match resting orders and send due reservations for every price step up to `now`."""
        if self._clock is not None and now <= self._clock:
            return
        for order in list(self._orders.values()):
            if order.open_qty > 0:
                matching.match_order(self, order, now)
        for resv in self._reservations.values():
            matching.run_reservation(self, resv, now)
        self._clock = now

    def visible(self, accepted_at: datetime, now: datetime) -> bool:
        """Whether a row accepted at `accepted_at` may appear in an inquiry answered at `now`."""
        return accepted_at + timedelta(seconds=self.visibility_delay_s) <= now

    # --- accounts --------------------------------------------------------------------------------

    def account(self, key: AccountKey) -> Account:
        """The account, opened on first use with the settings' starting cash and positions."""
        if key not in self._accounts:
            positions = {i.key: self.settings.starting_position for i in all_instruments()}
            self._accounts[key] = Account(key, dict(self.settings.starting_cash), positions)
        return self._accounts[key]

    def _reserve(self, order: OverseasOrder, qty: int, sign: int) -> None:
        acct = self.account(order.account)
        inst = order.instrument
        if order.side is Side.BUY:
            held = acct.reserved_cash.get(inst.currency, Decimal(0))
            acct.reserved_cash[inst.currency] = held + sign * qty * order.price
        else:
            acct.reserved_shares[inst.key] = acct.reserved_shares.get(inst.key, 0) + sign * qty

    def _check_funds(self, acct: Account, inst: Instrument, side: Side, qty: int, price: Decimal) -> None:
        if not self.settings.check_buying_power:
            return
        if side is Side.BUY:
            need, have = qty * price, acct.available_cash(inst.currency)
            if need > have:
                raise RejectionError(
                    RULE_VIOLATION,
                    f"주문가능금액을 초과하였습니다(주문금액 {need:f} {inst.currency}, "
                    f"주문가능금액 {have:f} {inst.currency}).",
                )
        elif qty > acct.available_shares(inst.key):
            raise RejectionError(
                RULE_VIOLATION,
                f"매도가능수량이 부족합니다(주문수량 {qty}, 매도가능수량 {acct.available_shares(inst.key)}).",
            )

    # --- overseas orders -----------------------------------------------------------------------

    def new_order_no(self) -> str:
        number = self._next_no
        self._next_no += 1
        return f"{number:010d}"

    def find_order(self, account: AccountKey, order_no: str) -> OverseasOrder | None:
        """Look an order up by number; leading zeros do not matter (order numbers compare as numbers)."""
        text = order_no.strip()
        order = self._orders.get(int(text)) if text.isdigit() else None
        return order if order is not None and order.account == account else None

    def orders_for(self, account: AccountKey) -> list[OverseasOrder]:
        """Every overseas row of the account in order-number order."""
        return list(self.account_orders(account))

    def account_orders(self, account: AccountKey) -> Sequence[OverseasOrder]:
        """The account's overseas rows in ascending order-number order: the book's own list, not a
        copy — read it under the gateway lock and do not keep it."""
        return self._account_orders.get(account, ())

    def place_order(
        self,
        ctx: CallContext,
        account: AccountKey,
        instrument: Instrument,
        side: Side,
        division: tuple[OrderDivision, str],
        qty: int,
        price: Decimal,
        algo: AlgoWindow | None,
        fields: Mapping[str, Any],
    ) -> OverseasOrder:
        """Accept a validated new order: check and reserve funds, number it, record it."""
        acct = self.account(account)
        self._check_funds(acct, instrument, side, qty, price)
        order = self._new_row(ctx, account, instrument, side, division, qty, price)
        order.algo = algo
        self._reserve(order, qty, +1)
        self._record("order", ctx, account, order.order_no, fields)
        return order

    def revise(
        self, ctx: CallContext, target: OverseasOrder, qty: int, price: Decimal, fields: Mapping[str, Any]
    ) -> OverseasOrder:
        """A revise row takes over the target's remainder at the new price and quantity (ASSUMPTION:
        the target's nccs_qty goes to 0, the revise row becomes the working order)."""
        acct = self.account(target.account)
        remainder = target.open_qty
        self._reserve(target, remainder, -1)
        try:
            self._check_funds(acct, target.instrument, target.side, qty, price)
        except RejectionError:
            self._reserve(target, remainder, +1)
            raise
        target.closed_qty += remainder
        target.closed_by = "revise"
        division = (target.division, target.division_sent)
        row = self._new_row(ctx, target.account, target.instrument, target.side, division, qty, price)
        row.kind, row.original_no = ReviseCancel.REVISE, target.order_no
        self._reserve(row, qty, +1)
        self._record("revise", ctx, target.account, row.order_no, fields)
        return row

    def cancel(
        self, ctx: CallContext, target: OverseasOrder, qty: int, fields: Mapping[str, Any]
    ) -> OverseasOrder:
        """Cancel `qty` of the target's remainder (0 or ≥ remainder, or partial cancels off: all)."""
        remainder = target.open_qty
        partial = self.settings.partial_cancel and 0 < qty < remainder
        count = qty if partial else remainder
        self._reserve(target, count, -1)
        target.closed_qty += count
        if target.open_qty == 0:
            target.closed_by = "cancel"
        division = (target.division, target.division_sent)
        inst, side = target.instrument, target.side
        row = self._new_row(ctx, target.account, inst, side, division, count, target.price)
        row.kind, row.original_no = ReviseCancel.CANCEL, target.order_no
        row.closed_qty = count  # a cancel row is a record: it never works in the market
        self._record("cancel", ctx, target.account, row.order_no, fields)
        return row

    def _new_row(
        self,
        ctx: CallContext,
        account: AccountKey,
        instrument: Instrument,
        side: Side,
        division: tuple[OrderDivision, str],
        qty: int,
        price: Decimal,
    ) -> OverseasOrder:
        order_no = self.new_order_no()
        exchange = instrument.exchange
        assert exchange is not None
        local_day = ctx.now.astimezone(exchange_tz(instrument)).date()
        rng_seed = stable_seed(self.settings.seed, account.cano, account.product, order_no)
        order = OverseasOrder(
            order_no=order_no,
            account=account,
            tr_id=ctx.tr_id,
            instrument=instrument,
            side=side,
            division=division[0],
            division_sent=division[1],
            qty=qty,
            price=price,
            accepted_at=ctx.now,
            local_date=local_day,
            rng=random.Random(rng_seed),
            processed_until=ctx.now,
        )
        self._orders[int(order_no)] = order
        self._account_orders.setdefault(account, []).append(order)  # numbers only grow
        return order

    def fill(self, order: OverseasOrder, qty: int, price: Decimal) -> None:
        """Trade `qty` of an open order at `price`: move cash and shares, release the reservation."""
        acct = self.account(order.account)
        inst, amount = order.instrument, qty * price
        self._reserve(order, qty, -1)
        sign = 1 if order.side is Side.BUY else -1
        acct.positions[inst.key] = acct.positions.get(inst.key, 0) + sign * qty
        acct.cash[inst.currency] = acct.cash.get(inst.currency, Decimal(0)) - sign * amount
        order.filled_qty += qty
        order.filled_amount += amount

    def expire(self, order: OverseasOrder) -> None:
        """End an order's remainder without trading (a TWAP/VWAP window that ran out)."""
        self._reserve(order, order.open_qty, -1)
        order.closed_qty += order.open_qty
        order.closed_by = "expire"

    # --- domestic reservations -----------------------------------------------------------------

    def add_reservation(self, ctx: CallContext, resv: Reservation, fields: Mapping[str, Any]) -> Reservation:
        """Number and store a validated reservation (its `seq` is assigned here)."""
        resv.seq = self.new_resv_seq()
        self._reservations[int(resv.seq)] = resv
        self._account_resvs.setdefault(resv.account, []).append(resv)  # sequences only grow
        self._record("resv", ctx, resv.account, resv.seq, fields)
        return resv

    def new_resv_seq(self) -> str:
        seq = self._next_seq
        self._next_seq += 1
        return str(seq)

    def replace_reservation(
        self, ctx: CallContext, old: Reservation, new: Reservation, fields: Mapping[str, Any]
    ) -> None:
        """A revise: `new` carries the changed terms; it keeps the sequence unless settings say not."""
        if self.settings.resv_revise_keeps_sequence:
            new.seq = old.seq
        else:
            old.cancelled_at = ctx.now
            new.seq = self.new_resv_seq()
        self._reservations[int(new.seq)] = new
        rows = self._account_resvs.setdefault(new.account, [])
        at = bisect_left(rows, int(new.seq), key=lambda r: int(r.seq))
        if at < len(rows) and rows[at].seq == new.seq:
            rows[at] = new  # the same sequence: the revise takes the old row's place
        else:
            rows.insert(at, new)  # a fresh sequence: the highest, so this appends
        self._record("resv-revise", ctx, new.account, new.seq, fields)

    def cancel_reservation(self, ctx: CallContext, resv: Reservation, fields: Mapping[str, Any]) -> None:
        resv.cancelled_at = ctx.now
        self._record("resv-cancel", ctx, resv.account, resv.seq, fields)

    def find_reservation(self, account: AccountKey, seq: str) -> Reservation | None:
        text = seq.strip()
        resv = self._reservations.get(int(text)) if text.isdigit() else None
        return resv if resv is not None and resv.account == account else None

    def reservations_for(self, account: AccountKey) -> list[Reservation]:
        """Every reservation of the account in sequence order."""
        return list(self.account_reservations(account))

    def account_reservations(self, account: AccountKey) -> Sequence[Reservation]:
        """The account's reservations in ascending sequence order: the book's own list (see
        `account_orders`)."""
        return self._account_resvs.get(account, ())

    def fill_reservation(self, resv: Reservation, qty: int, price: Decimal) -> None:
        acct = self.account(resv.account)
        inst, amount = resv.instrument, qty * price
        sign = 1 if resv.side is Side.BUY else -1
        acct.positions[inst.key] = acct.positions.get(inst.key, 0) + sign * qty
        acct.cash[inst.currency] = acct.cash.get(inst.currency, Decimal(0)) - sign * amount
        resv.filled_qty += qty
        resv.filled_amount += amount

    # --- ledger ----------------------------------------------------------------------------------

    def _record(
        self, kind: str, ctx: CallContext, account: AccountKey, number: str, fields: Mapping[str, Any]
    ) -> None:
        entry = LedgerEntry(kind, ctx.tr_id, account, number, dict(fields), ctx.intent, ctx.now)
        self._ledger.append(entry)

    def ledger(self) -> list[LedgerEntry]:
        """Every accepted order, revise, cancel and reservation change, oldest first (a copy)."""
        return list(self._ledger)


def exchange_tz(instrument: Instrument) -> ZoneInfo:
    """The exchange's time zone (ord_dt is a local exchange date)."""
    exchange = instrument.exchange
    assert exchange is not None
    return ZoneInfo(exchange.info.timezone)
