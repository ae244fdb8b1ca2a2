"""Open and past overseas orders as the pending-orders grid shows them.

Owns: `OrderStatus`, `PendingOrder` (frozen, built from inquire-nccs `PendingRow` or inquire-ccnl
`HistoryRow`), the folding of revise/cancel rows onto the orders they target, and `PendingBook`, which
turns each new snapshot into a `BookDiff` so the grid can update row by row (at once, or in bounded
steps driven by the caller: `replace_steps`, `finish`). Status rules follow
overseas-pending-and-fills.md §2 "Order-status derivation" (facts + ASSUMPTIONS noted inline).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from kisdesk.api.enums import Env, Exchange, ReviseCancel, Side
from kisdesk.api.models.inquiry import HistoryRow, PendingRow
from kisdesk.domain.capabilities import Capability, Reason, ReviseCancelCapability, revise_cancel_capability

KST: Final = ZoneInfo("Asia/Seoul")
_REJECTED_TEXT: Final = "거부"  # prcs_stat_name of a rejected row (§2.2)


class OrderStatus(StrEnum):
    WORKING = "WORKING"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    REVISED = "REVISED"

    @property
    def is_open(self) -> bool:
        """Something is still working at the exchange (can be revised/cancelled)."""
        return self in (OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED)


@dataclass(frozen=True, slots=True)
class PendingOrder:
    """One order (original or revise) with its derived status.

    `price` is None for a market-type order (KIS shows price 0; PYKIS reads it the same way);
    `avg_fill_price` is None until something fills; `algo_window` is the TWAP/VWAP window text
    (`splt_buy_attr_name`), "" for ordinary orders; `order_date` is the local exchange date (`ord_dt`).
    """

    order_no: str
    original_order_no: str
    exchange: Exchange
    symbol: str
    name: str
    side: Side
    quantity: int
    filled: int
    remaining: int
    price: Decimal | None
    avg_fill_price: Decimal | None
    order_date: date | None
    order_time: datetime | None
    status: OrderStatus
    currency: str
    algo_window: str
    reject_reason: str = ""

    @property
    def key(self) -> str:
        return order_key(self.order_no)

    @property
    def is_algo(self) -> bool:
        return bool(self.algo_window.strip())


def order_key(order_no: str) -> str:
    """Order numbers compared numerically: KIS pads to 10 digits in some APIs and 8 in others (§6)."""
    return order_no.strip().lstrip("0") or "0"


# Parsed values are cached by their text: every refresh converts every open order again, on the GUI
# thread (uncached ~25 µs a row: a quarter of a second per 10,000 orders, P2 benchmark), and the
# texts repeat: a handful of dates, at most 86,400 times of day.
@lru_cache(maxsize=1024)
def _yyyymmdd(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


@lru_cache(maxsize=1 << 17)
def _hhmmss(text: str) -> time | None:
    text = text.strip()
    if len(text) != 6 or not text.isdigit():
        return None
    try:
        return time(int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


@lru_cache(maxsize=1 << 17)
def _kst_from_local_date(
    local_day: date | None, kst_time: time | None, exchange: Exchange
) -> datetime | None:
    """KST datetime of a row whose date is the exchange-local `ord_dt` and whose `ord_tmd` is KST.

    ASSUMPTION (§2 "Time fields"): `ord_tmd` is KST as PYKIS reads it. The KST date is the one
    (of the day before, the day, the day after) at which that KST time falls on `ord_dt` locally.
    """
    if local_day is None or kst_time is None:
        return None
    zone = ZoneInfo(exchange.info.timezone)
    for offset in (0, 1, -1):
        candidate = datetime.combine(local_day + timedelta(days=offset), kst_time, KST)
        if candidate.astimezone(zone).date() == local_day:
            return candidate
    return None


def _derive_status(quantity: int, filled: int, remaining: int, rejected: bool) -> OrderStatus:
    """§2 table for a single row; a row left with nothing unfilled and not fully filled ended
    without a fill of the rest: cancelled (overseas orders are day orders) unless folding says revised."""
    if rejected:
        return OrderStatus.REJECTED
    if quantity > 0 and filled >= quantity:
        return OrderStatus.FILLED
    if remaining > 0:
        return OrderStatus.PARTIALLY_FILLED if filled > 0 else OrderStatus.WORKING
    return OrderStatus.CANCELLED


_EXCHANGES: Final = {e.value: e for e in Exchange}
_SIDES: Final = {s.value: s for s in Side}


def _exchange(code: str, default: Exchange | None) -> Exchange:
    exchange = _EXCHANGES.get(code) or _EXCHANGES.get(code.strip()) or default
    if exchange is None:
        raise ValueError(f"unknown exchange {code!r} in an inquiry row")
    return exchange


def _side(code: str) -> Side:
    side = _SIDES.get(code)
    return side if side is not None else Side(code.strip())


def _rejected(row: PendingRow | HistoryRow) -> bool:
    """§2: `rjct_rson` non-empty or `prcs_stat_name` = 거부."""
    return bool(row.reject_reason.strip()) or row.status_name.strip() == _REJECTED_TEXT


def _order(row: PendingRow | HistoryRow, exchange: Exchange, order_time: datetime | None) -> PendingOrder:
    return PendingOrder(
        order_no=row.order_no.strip(),
        original_order_no=row.original_order_no.strip(),
        exchange=exchange,
        symbol=row.symbol.strip(),
        name=row.name.strip(),
        side=_side(row.side_code),
        quantity=row.quantity,
        filled=row.filled_quantity,
        remaining=row.unfilled_quantity,
        price=row.price or None,
        avg_fill_price=row.avg_fill_price if row.filled_quantity > 0 else None,
        order_date=_yyyymmdd(row.order_date),
        order_time=order_time,
        status=_derive_status(row.quantity, row.filled_quantity, row.unfilled_quantity, _rejected(row)),
        currency=row.currency.strip(),
        algo_window=row.algo_window.strip(),
        reject_reason=(row.reject_reason_name or row.reject_reason).strip(),
    )


def from_pending_row(row: PendingRow, default_exchange: Exchange | None = None) -> PendingOrder:
    """One inquire-nccs row. `default_exchange` is used only when the row's venue is blank."""
    exchange = _exchange(row.exchange, default_exchange)
    order_time = _kst_from_local_date(_yyyymmdd(row.order_date), _hhmmss(row.order_time), exchange)
    return _order(row, exchange, order_time)


def from_history_row(row: HistoryRow, default_exchange: Exchange | None = None) -> PendingOrder:
    """One inquire-ccnl row on its own; the KST time comes from `dmst_ord_dt` + `thco_ord_tmd` (§2.2)."""
    exchange = _exchange(row.exchange, default_exchange)
    day, clock = _yyyymmdd(row.kr_order_date), _hhmmss(row.kr_receipt_time)
    order_time = datetime.combine(day, clock, KST) if day and clock else None
    return _order(row, exchange, order_time)


def _action(row: HistoryRow) -> ReviseCancel | None:
    code = row.revise_cancel_code.strip()
    return ReviseCancel(code) if code in (ReviseCancel.REVISE, ReviseCancel.CANCEL) else None


def _dedupe(rows: Iterable[HistoryRow]) -> list[HistoryRow]:
    """OTA issue #44: pages may repeat rows; keep the last copy per (ord_dt, odno)."""
    latest: dict[tuple[str, str], HistoryRow] = {}
    for row in rows:
        latest[(row.order_date.strip(), order_key(row.order_no))] = row
    return list(latest.values())


def _ended_unfilled(order: PendingOrder) -> bool:
    return order.remaining == 0 and order.filled < order.quantity and order.status is not OrderStatus.REJECTED


def from_history_rows(
    rows: Iterable[HistoryRow], default_exchange: Exchange | None = None
) -> list[PendingOrder]:
    """Orders of an inquire-ccnl snapshot with revise/cancel rows folded onto their targets.

    A revise (`rvse_cncl_dvsn` 01) is a new order number carrying the new price/quantity; it stays in
    the list (with `original_order_no`) and its target, once nothing is left on it, becomes REVISED.
    A cancel row (02) is not an order: it makes its target CANCELLED. ASSUMPTION (§2, simulator): the
    target's `nccs_qty` drops by what was cancelled, so a target still showing a remainder was only
    partly cancelled and keeps its working status. Rejected revise/cancel rows change nothing.
    """
    unique = _dedupe(rows)
    orders = {
        order_key(r.order_no): from_history_row(r, default_exchange)
        for r in unique
        if _action(r) is not ReviseCancel.CANCEL
    }
    for row in unique:
        action, target = _action(row), orders.get(order_key(row.original_order_no))
        if action is None or target is None or _rejected(row):
            continue
        if _ended_unfilled(target):
            status = OrderStatus.REVISED if action is ReviseCancel.REVISE else OrderStatus.CANCELLED
            orders[target.key] = replace(target, status=status)
    return list(orders.values())


@dataclass(frozen=True, slots=True)
class BookDiff:
    """What changed between two snapshots, in snapshot order; `removed` holds the last known values."""

    added: tuple[PendingOrder, ...] = ()
    changed: tuple[PendingOrder, ...] = ()
    removed: tuple[PendingOrder, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


DIFF_CHUNK: Final = 2_000  # orders handled per step of `PendingBook.replace_steps` (~1-2 ms of CPU)

T = TypeVar("T")


def finish(steps: Generator[None, None, T]) -> T:
    """Run a step generator (`PendingBook.replace_steps`) to its end at once and return its result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result


class PendingBook:
    """The grid's source of truth: orders by (normalised) order number.

    Each `apply`/`replace` is a full snapshot (all pages of one inquiry): orders missing from it are
    removed, so an nccs snapshot drops filled and cancelled orders.
    """

    def __init__(self) -> None:
        self._orders: dict[str, PendingOrder] = {}

    def __len__(self) -> int:
        return len(self._orders)

    def __contains__(self, order_no: object) -> bool:
        return isinstance(order_no, str) and order_key(order_no) in self._orders

    def get(self, order_no: str) -> PendingOrder | None:
        return self._orders.get(order_key(order_no))

    def orders(self) -> list[PendingOrder]:
        return list(self._orders.values())

    def apply(
        self, rows: Sequence[PendingRow | HistoryRow], default_exchange: Exchange | None = None
    ) -> BookDiff:
        """Replace the book with an inquiry snapshot (nccs rows one by one, ccnl rows folded)."""
        history = [r for r in rows if isinstance(r, HistoryRow)]
        pending = [r for r in rows if isinstance(r, PendingRow)]
        orders = from_history_rows(history, default_exchange)
        latest = {(r.order_date.strip(), order_key(r.order_no)): r for r in pending}  # OTA #44 repeats
        orders += [from_pending_row(r, default_exchange) for r in latest.values()]
        return self.replace(orders)

    def replace(self, orders: Iterable[PendingOrder]) -> BookDiff:
        """Replace the book with a snapshot and return what changed; see `replace_steps`."""
        return finish(self.replace_steps(orders))

    def replace_steps(
        self, orders: Iterable[PendingOrder], chunk: int = DIFF_CHUNK
    ) -> Generator[None, None, BookDiff]:
        """`replace` in steps of about `chunk` orders each: a generator that yields between steps and
        returns the BookDiff.

        Diffing 10,000 orders is 10-15 ms of CPU, too long for the GUI thread at once (bench P2), so
        a caller on an event loop can let it run between steps. The book changes only in the last
        step: a generator closed or dropped earlier leaves it as it was. Nothing else may replace the
        book between the steps (RuntimeError at the end if it did).
        """
        chunk = max(1, chunk)
        old = self._orders
        new: dict[str, PendingOrder] = {}
        for n, order in enumerate(orders, 1):
            new[order.key] = order  # a repeated order number: the last copy wins
            if n % chunk == 0:
                yield
        added: list[PendingOrder] = []
        changed: list[PendingOrder] = []
        for n, (key, order) in enumerate(new.items(), 1):
            before = old.get(key)
            if before is None:
                added.append(order)
            elif before is not order and before != order:
                changed.append(order)
            if n % chunk == 0:
                yield
        removed = tuple(o for k, o in old.items() if k not in new)
        if self._orders is not old:
            raise RuntimeError("the book was replaced while a replace_steps was running")
        self._orders = new
        return BookDiff(added=tuple(added), changed=tuple(changed), removed=removed)


_NOT_OPEN: Final = Capability(allowed=False, reason=Reason.ORDER_NOT_OPEN)


def revise_capability(order: PendingOrder, env: Env) -> ReviseCancelCapability:
    """Revise/cancel of a listed order: nothing on a closed order; otherwise the market and type rules
    (the type is unknown from inquiries, but a non-blank algo window means TWAP/VWAP)."""
    if not order.status.is_open or order.remaining <= 0:
        return ReviseCancelCapability(revise=_NOT_OPEN, cancel=_NOT_OPEN)
    return revise_cancel_capability(env, order.exchange, algo=order.is_algo)
