"""Domestic reservation orders (order-resv, -ccnl, -rvsecncl): real host works, paper host refuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import NotAvailableError
from kisdesk.api.models import (
    ReservationCancelRequest,
    ReservationOrderRequest,
    ReservationReviseRequest,
)
from tests.api.contract.contract_sim import START, Sim, raw_post

ORDER = ReservationOrderRequest(
    account="50123456", product_code="01", symbol="005930", quantity=1, price=Decimal("55000"),
    side=Side.BUY, division=ResvOrderDivision.LIMIT,
)  # fmt: skip


async def test_place_list_revise_cancel_on_the_real_host(sim: Sim, client: KisClient) -> None:
    if sim.env is Env.PAPER:
        pytest.skip("reservations are real-trading only; see the paper test")
    sim.settings.update(resv_page_size=2)
    seqs = [(await client.place_reservation(ORDER)).sequence for _ in range(3)]
    day = START.date()
    rows = {r.sequence: r for r in await client.reservations_all(day, day + timedelta(days=10))}
    assert set(seqs) <= set(rows)  # three reservations over two pages
    row = rows[seqs[0]]
    revise = ReservationReviseRequest(
        account="50123456", product_code="01", symbol="005930", quantity=4, price=Decimal("56000"),
        side=Side.BUY, division=ResvOrderDivision.LIMIT, sequence=row.sequence, order_date=row.order_day,
    )  # fmt: skip
    assert (await client.revise_reservation(revise)).processed == "Y"
    await client.cancel_reservation(
        ReservationCancelRequest(account="50123456", product_code="01", sequence=seqs[1])
    )
    after = {r.sequence: r for r in await client.reservations_all(day, day + timedelta(days=10))}
    assert after[seqs[0]].quantity == 4
    assert after[seqs[0]].price == Decimal("56000")
    assert seqs[1] not in after  # CNCL_YN=Y lists valid reservations only
    with_cancelled = await client.reservations_all(day, day + timedelta(days=10), include_cancelled=True)
    assert any(r.sequence == seqs[1] and r.cancelled for r in with_cancelled)


async def test_paper_refuses_before_sending_and_the_paper_host_refuses_too(
    sim: Sim, client: KisClient
) -> None:
    if sim.env is Env.REAL:
        pytest.skip("paper only")
    before = len(sim.engine.ledger())
    with pytest.raises(NotAvailableError):
        await client.place_reservation(ORDER)
    with pytest.raises(NotAvailableError):
        await client.reservations_all(START.date(), START.date())
    assert len(sim.engine.ledger()) == before
    answer = await raw_post(
        sim, client, "/uapi/domestic-stock/v1/trading/order-resv", "CTSC0008U", ORDER.to_wire()
    )
    assert answer.status_code == sim.settings.paper_unsupported_status
    assert answer.json()["msg_cd"] == sim.settings.paper_unsupported_code
