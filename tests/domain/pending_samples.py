"""Sample pending orders the grid, book and batch tests share: one working NASD buy and numbered copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Final

from kisdesk.api.enums import Exchange, Side
from kisdesk.domain.pending import KST, OrderStatus, PendingOrder

BASE: Final = PendingOrder(
    order_no="0030135001",
    original_order_no="",
    exchange=Exchange.NASD,
    symbol="AAPL",
    name="Apple",
    side=Side.BUY,
    quantity=10,
    filled=0,
    remaining=10,
    price=Decimal("100.00"),
    avg_fill_price=None,
    order_date=None,
    order_time=datetime(2026, 11, 22, 1, 6, 17, tzinfo=KST),
    status=OrderStatus.WORKING,
    currency="USD",
    algo_window="",
)


def numbered(n: int, **changes: object) -> PendingOrder:
    """BASE as order number 0030135000 + n, with `changes`."""
    return replace(BASE, order_no=f"{30135000 + n:010d}", **changes)  # type: ignore[arg-type]
