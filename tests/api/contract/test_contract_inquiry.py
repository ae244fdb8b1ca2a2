"""Pending orders, history, buying power and quotes: every page read, both hosts, over loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side, TrFamily
from kisdesk.api.errors import KisRateLimitError
from kisdesk.api.models import BuyingPowerQuery, OverseasOrderRequest
from kisdesk.api.venue_rules import tick_size
from kisdesk.simulator.clock import SystemClock
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.server import serve
from kisdesk.simulator.settings import SimSettings
from tests.api.contract.contract_sim import ACCOUNT, CREDS, START, ClientFactory, Sim

US_SYMBOLS = ("AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL", "META")


async def _rest(client: KisClient, exchange: Exchange, symbol: str, qty: int = 1) -> str:
    quote = await client.quote(exchange, symbol)
    assert quote.last is not None
    tick = tick_size(exchange, quote.last)
    price = (quote.last * Decimal("0.7") / tick).to_integral_value() * tick
    request = OverseasOrderRequest(
        account="50123456", product_code="01", exchange=exchange, symbol=symbol,
        quantity=qty, price=price, division=OrderDivision.LIMIT,
    )  # fmt: skip
    return (await client.place_order(request, Side.BUY)).order_no


async def test_pending_reads_every_page_and_nasd_means_all_us(sim: Sim, client: KisClient) -> None:
    sim.settings.update(nccs_page_size=2)
    placed = {await _rest(client, Exchange.NASD, s) for s in US_SYMBOLS}
    placed.add(await _rest(client, Exchange.NYSE, "KO"))
    rows = await client.pending_all(Exchange.NASD)
    assert {r.order_no for r in rows} == placed  # 8 orders over 4 pages, NYSE included
    assert {r.exchange for r in rows} == {"NASD", "NYSE"}
    assert len(rows) == len({r.order_no for r in rows})


async def test_history_reads_every_page_with_revise_and_cancel_rows(sim: Sim, client: KisClient) -> None:
    sim.settings.update(ccnl_page_size_real=3, ccnl_page_size_paper=3)
    placed = [await _rest(client, Exchange.NASD, s) for s in US_SYMBOLS]
    day = START.date()
    rows = await client.history_all(day - timedelta(days=2), day + timedelta(days=1))
    assert set(placed) <= {r.order_no for r in rows}
    assert all(r.unfilled_quantity == 1 for r in rows if r.order_no in placed)


async def test_empty_history_is_an_empty_list(sim: Sim, client: KisClient) -> None:
    day = START.date()
    assert await client.history_all(day - timedelta(days=2), day) == []


async def test_history_filters_on_paper_are_applied_locally(sim: Sim, client: KisClient) -> None:
    await _rest(client, Exchange.NASD, "AAPL")
    await _rest(client, Exchange.SEHK, "00700", qty=100)
    day = START.date()
    rows = await client.history_all(day - timedelta(days=2), day + timedelta(days=1), exchange=Exchange.SEHK)
    assert {r.exchange for r in rows} == {"SEHK"}


async def test_buying_power_and_quote(sim: Sim, client: KisClient) -> None:
    quote = await client.quote(Exchange.NASD, "AAPL")
    assert quote.found
    assert quote.last is not None
    power = await client.buying_power(
        BuyingPowerQuery(account="50123456", product_code="01", exchange=Exchange.NASD, price=quote.last,
                         symbol="AAPL")
    )  # fmt: skip
    assert power.currency == "USD"
    assert power.max_quantity == int(power.orderable_amount // quote.last)
    assert power.exchange_rate > 0


async def test_unknown_symbol_quote_is_blank_not_an_error(sim: Sim, client: KisClient) -> None:
    assert not (await client.quote(Exchange.NASD, "NOSUCH")).found


async def test_client_pacing_keeps_the_host_from_throttling(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real time on both sides: pacing is about wall-clock arrival at the host."""
    settings = SimSettings()
    settings.update(real_rate_per_s=10, paper_rate_per_s=10)
    engine = Engine(TrFamily.PAPER if env is Env.PAPER else TrFamily.REAL, settings, SystemClock())
    refused: list[str] = []
    admit = engine.limiter.admit

    def counting_admit(key: str) -> bool:
        ok = admit(key)
        if not ok:
            refused.append(key)
        return ok

    monkeypatch.setattr(engine.limiter, "admit", counting_admit)
    store = MemoryTokenStore()
    with serve(engine) as url:
        async with KisClient(env, CREDS, ACCOUNT, token_store=store, base_url=url, rate_per_s=10) as paced:
            await asyncio.gather(*(paced.quote(Exchange.NASD, "AAPL") for _ in range(25)))
        assert refused == []  # 25 concurrent calls paced at the host's own rate: not one EGW00201
        # A misconfigured client (500/s against a 10/s host) meets EGW00201 and gives up, bounded.
        async with KisClient(env, CREDS, ACCOUNT, token_store=store, base_url=url, rate_per_s=500) as fast:
            results = await asyncio.gather(
                *(fast.quote(Exchange.NASD, "AAPL") for _ in range(60)), return_exceptions=True
            )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert refused
    assert failures
    assert {(f.msg_cd, f.status) for f in failures if isinstance(f, KisRateLimitError)} == {("EGW00201", 500)}
    assert all(isinstance(f, KisRateLimitError) for f in failures)


async def test_paper_and_real_hosts_do_not_mix(sim: Sim, make_client: ClientFactory) -> None:
    """A client of the other environment pointed at this host is refused by the TR-ID family check."""
    from kisdesk.api.errors import KisApiError
    from tests.api.contract.contract_sim import SimLinkedClock

    other = Env.REAL if sim.env is Env.PAPER else Env.PAPER
    async with KisClient(
        other,
        CREDS,
        ACCOUNT,
        token_store=MemoryTokenStore(),
        base_url=sim.url,
        clock=SimLinkedClock(sim.clock),
    ) as wrong:
        with pytest.raises(KisApiError) as info:
            await wrong.pending_all(Exchange.NASD)
    assert info.value.msg_cd == sim.settings.wrong_family_code
