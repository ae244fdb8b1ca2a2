"""Order, revise and cancel (v1_해외주식-001/-003): client and simulator over real loopback HTTP.

Expected TR IDs and ORD_DVSN rules are typed here from shared/kis-api/overseas-order.md §1/§3 and
overseas-revise-cancel.md §1, independently of kisdesk's own tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kisdesk.api.client import KisClient
from kisdesk.api.enums import AlgoTiming, Env, Exchange, OrderDivision, ReviseCancel, Side
from kisdesk.api.errors import KisApiError, NotAvailableError
from kisdesk.api.models import OverseasOrderRequest, ReviseCancelRequest
from kisdesk.api.venue_rules import board_lot
from tests.api.contract.contract_sim import Sim, raw_post

SYMBOL = {
    Exchange.NASD: "AAPL",
    Exchange.NYSE: "KO",
    Exchange.AMEX: None,
    Exchange.SEHK: "00700",
    Exchange.SHAA: "600519",
    Exchange.SZAA: "000858",
    Exchange.TKSE: "7203",
    Exchange.HASE: None,
    Exchange.VNSE: "VNM",
}
# overseas-order.md §1, typed from the spec.
SPEC_ORDER_TR = {
    ("real", "US", "buy"): "TTTT1002U", ("real", "US", "sell"): "TTTT1006U",
    ("paper", "US", "buy"): "VTTT1002U", ("paper", "US", "sell"): "VTTT1001U",
    ("real", "JP", "buy"): "TTTS0308U", ("real", "JP", "sell"): "TTTS0307U",
    ("paper", "JP", "buy"): "VTTS0308U", ("paper", "JP", "sell"): "VTTS0307U",
    ("real", "SH", "buy"): "TTTS0202U", ("real", "SH", "sell"): "TTTS1005U",
    ("paper", "SH", "buy"): "VTTS0202U", ("paper", "SH", "sell"): "VTTS1005U",
    ("real", "SZ", "buy"): "TTTS0305U", ("real", "SZ", "sell"): "TTTS0304U",
    ("paper", "SZ", "buy"): "VTTS0305U", ("paper", "SZ", "sell"): "VTTS0304U",
    ("real", "HK", "buy"): "TTTS1002U", ("real", "HK", "sell"): "TTTS1001U",
    ("paper", "HK", "buy"): "VTTS1002U", ("paper", "HK", "sell"): "VTTS1001U",
    ("real", "VN", "buy"): "TTTS0311U", ("real", "VN", "sell"): "TTTS0310U",
    ("paper", "VN", "buy"): "VTTS0311U", ("paper", "VN", "sell"): "VTTS0310U",
}  # fmt: skip
# overseas-order.md §3: ORD_DVSN accepted per (host, venue group, side); paper is limit only.
SPEC_DIVISIONS = {
    ("real", "US", "buy"): {"00", "32", "34", "35", "36"},
    ("real", "US", "sell"): {"00", "31", "32", "33", "34", "35", "36"},
    ("real", "HK", "sell"): {"00", "50"},
}
SIDE_NAME = {Side.BUY: "buy", Side.SELL: "sell"}


def _symbol(exchange: Exchange, sim: Sim) -> str:
    from kisdesk.simulator.catalog import all_instruments

    if SYMBOL[exchange]:
        return str(SYMBOL[exchange])
    return next(i.symbol for i in all_instruments() if i.venue == exchange.value)


async def _last(client: KisClient, exchange: Exchange, symbol: str) -> Decimal:
    quote = await client.quote(exchange, symbol)
    assert quote.last is not None
    return quote.last


def _request(
    exchange: Exchange, symbol: str, side: Side, qty: int, price: Decimal, division: OrderDivision, **kw: Any
) -> OverseasOrderRequest:
    return OverseasOrderRequest(
        account="50123456",
        product_code="01",
        exchange=exchange,
        symbol=symbol,
        quantity=qty,
        price=Decimal(0) if division.is_market_type else price,
        division=division,
        sell_type="00" if side is Side.SELL else None,
        **kw,
    )


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
@pytest.mark.parametrize("exchange", list(Exchange))
async def test_limit_order_on_every_venue_uses_the_spec_tr(
    sim: Sim, client: KisClient, exchange: Exchange, side: Side
) -> None:
    symbol = _symbol(exchange, sim)
    last = await _last(client, exchange, symbol)
    out = await client.place_order(
        _request(exchange, symbol, side, board_lot(exchange, side, symbol), last, OrderDivision.LIMIT), side
    )
    assert len(out.order_no) == 10
    assert out.order_no.isdigit()
    entry = sim.engine.ledger()[-1]
    assert entry.order_no == out.order_no
    assert entry.tr_id == SPEC_ORDER_TR[(sim.env.value, exchange.market.value, SIDE_NAME[side])]
    assert entry.fields["OVRS_EXCG_CD"] == exchange.value


@pytest.mark.parametrize("division", list(OrderDivision))
@pytest.mark.parametrize(
    ("exchange", "side"),
    [
        (Exchange.NASD, Side.BUY),
        (Exchange.NYSE, Side.SELL),
        (Exchange.SEHK, Side.SELL),
        (Exchange.TKSE, Side.BUY),
    ],
)
async def test_order_types_accepted_exactly_as_the_spec_allows(
    sim: Sim, client: KisClient, exchange: Exchange, side: Side, division: OrderDivision
) -> None:
    symbol = _symbol(exchange, sim)
    last = await _last(client, exchange, symbol)
    lot = board_lot(exchange, side, symbol)
    qty = max(1, lot - 1) if division is OrderDivision.ODD_LOT else lot  # odd lot: below a board lot
    algo = {"algo_timing": AlgoTiming.UNTIL_CLOSE} if division.is_algo else {}
    allowed = SPEC_DIVISIONS.get((sim.env.value, exchange.market.value, SIDE_NAME[side]), {"00"})
    if sim.env is Env.PAPER:
        allowed = {"00"}
    request = _request(exchange, symbol, side, qty, last, division, **algo)
    before = len(sim.engine.ledger())
    if division.value in allowed:
        await client.place_order(request, side)
        assert len(sim.engine.ledger()) == before + 1
    else:
        with pytest.raises(KisApiError) as info:
            await client.place_order(request, side)
        assert info.value.rt_cd != "0"
        assert info.value.msg1
        assert len(sim.engine.ledger()) == before


async def test_market_type_orders_travel_with_price_zero(sim: Sim, client: KisClient) -> None:
    if sim.env is Env.PAPER:
        pytest.skip("paper accepts limit orders only")
    await client.place_order(
        _request(Exchange.NYSE, "KO", Side.SELL, 1, Decimal(0), OrderDivision.MOO), Side.SELL
    )
    assert sim.engine.ledger()[-1].fields["OVRS_ORD_UNPR"] == "0"


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [("000000", "040000", True), ("040000", "030000", False), ("050000", "055800", False)],
)
async def test_twap_window_is_checked_by_the_host(
    sim: Sim, client: KisClient, start: str, end: str, ok: bool
) -> None:
    if sim.env is Env.PAPER:
        pytest.skip("paper accepts limit orders only")
    last = await _last(client, Exchange.NASD, "AAPL")
    request = _request(
        Exchange.NASD, "AAPL", Side.BUY, 1, last, OrderDivision.TWAP,
        algo_timing=AlgoTiming.WINDOW, start_time=start, end_time=end,
    )  # fmt: skip
    if ok:
        await client.place_order(request, Side.BUY)
        assert sim.engine.ledger()[-1].fields["START_TIME"] == start
    else:
        with pytest.raises(KisApiError):
            await client.place_order(request, Side.BUY)


async def test_sell_type_on_a_buy_is_rejected(sim: Sim, client: KisClient) -> None:
    last = await _last(client, Exchange.NASD, "AAPL")
    request = _request(Exchange.NASD, "AAPL", Side.BUY, 1, last, OrderDivision.LIMIT).model_copy(
        update={"sell_type": "00"}
    )
    with pytest.raises(KisApiError):
        await client.place_order(request, Side.BUY)


async def test_wrong_venue_for_the_tr_is_rejected_on_the_wire(sim: Sim, client: KisClient) -> None:
    last = await _last(client, Exchange.SEHK, "00700")
    body = _request(Exchange.SEHK, "00700", Side.BUY, 100, last, OrderDivision.LIMIT).to_wire()
    us_buy = SPEC_ORDER_TR[(sim.env.value, "US", "buy")]
    answer = await raw_post(sim, client, "/uapi/overseas-stock/v1/trading/order", us_buy, body)
    assert answer.json()["rt_cd"] == "1"


async def _resting_buy(client: KisClient, exchange: Exchange, symbol: str, qty: int | None = None) -> str:
    last = await _last(client, exchange, symbol)
    lot = board_lot(exchange, Side.BUY, symbol)
    from kisdesk.api.venue_rules import tick_size

    tick = tick_size(exchange, last)
    far = (last * Decimal("0.8") / tick).to_integral_value() * tick  # rests: far below the market
    request = _request(exchange, symbol, Side.BUY, qty or lot * 3, far, OrderDivision.LIMIT)
    return (await client.place_order(request, Side.BUY)).order_no


def _rc(exchange: Exchange, symbol: str, odno: str, action: ReviseCancel, qty: int, price: Decimal) -> Any:
    return ReviseCancelRequest(
        account="50123456", product_code="01", exchange=exchange, symbol=symbol,
        original_order_no=odno, action=action, quantity=qty, price=price,
    )  # fmt: skip


async def test_revise_then_cancel_then_cancel_again(sim: Sim, client: KisClient) -> None:
    odno = await _resting_buy(client, Exchange.NASD, "AAPL", 3)
    pending = {r.order_no: r for r in await client.pending_all(Exchange.NASD)}
    price = pending[odno].price + Decimal("0.01")
    revised = await client.revise_cancel(_rc(Exchange.NASD, "AAPL", odno, ReviseCancel.REVISE, 2, price))
    assert revised.order_no != odno
    pending = {r.order_no: r for r in await client.pending_all(Exchange.NASD)}
    assert odno not in pending
    assert pending[revised.order_no].price == price
    assert pending[revised.order_no].unfilled_quantity == 2
    await client.revise_cancel(
        _rc(Exchange.NASD, "AAPL", revised.order_no, ReviseCancel.CANCEL, 0, Decimal(0))
    )
    assert revised.order_no not in {r.order_no for r in await client.pending_all(Exchange.NASD)}
    with pytest.raises(KisApiError):  # already cancelled
        await client.revise_cancel(
            _rc(Exchange.NASD, "AAPL", revised.order_no, ReviseCancel.CANCEL, 0, Decimal(0))
        )


async def test_unknown_original_order_is_rejected(sim: Sim, client: KisClient) -> None:
    with pytest.raises(KisApiError):
        await client.revise_cancel(
            _rc(Exchange.NASD, "AAPL", "0099999999", ReviseCancel.CANCEL, 0, Decimal(0))
        )


async def test_filled_order_cannot_be_cancelled(sim: Sim, client: KisClient) -> None:
    last = await _last(client, Exchange.NASD, "AAPL")
    sim.settings.update(fill_probability=1.0)
    odno = (
        await client.place_order(
            _request(Exchange.NASD, "AAPL", Side.BUY, 1, last * 2, OrderDivision.LIMIT), Side.BUY
        )
    ).order_no
    sim.clock.advance(30)  # price steps pass: a marketable 1-share buy fills
    assert odno not in {r.order_no for r in await client.pending_all(Exchange.NASD)}
    with pytest.raises(KisApiError):
        await client.revise_cancel(_rc(Exchange.NASD, "AAPL", odno, ReviseCancel.CANCEL, 0, Decimal(0)))


@pytest.mark.parametrize("exchange", [Exchange.SHAA, Exchange.SZAA, Exchange.VNSE])
async def test_cancel_only_venues(sim: Sim, client: KisClient, exchange: Exchange) -> None:
    symbol = _symbol(exchange, sim)
    odno = await _resting_buy(client, exchange, symbol)
    before = len(sim.engine.ledger())
    with pytest.raises(NotAvailableError):  # refused before anything is sent
        await client.revise_cancel(_rc(exchange, symbol, odno, ReviseCancel.REVISE, 100, Decimal("1")))
    assert len(sim.engine.ledger()) == before
    await client.revise_cancel(_rc(exchange, symbol, odno, ReviseCancel.CANCEL, 0, Decimal(0)))
    assert sim.engine.ledger()[-1].kind == "cancel"


async def test_algo_orders_cannot_be_revised(sim: Sim, client: KisClient) -> None:
    if sim.env is Env.PAPER:
        pytest.skip("paper accepts limit orders only")
    last = await _last(client, Exchange.NASD, "AAPL")
    twap = _request(
        Exchange.NASD, "AAPL", Side.BUY, 10, last * Decimal("0.8"), OrderDivision.TWAP,
        algo_timing=AlgoTiming.UNTIL_CLOSE,
    )  # fmt: skip
    twap = twap.model_copy(update={"price": (last * Decimal("0.8")).quantize(Decimal("0.01"))})
    odno = (await client.place_order(twap, Side.BUY)).order_no
    with pytest.raises(KisApiError):
        await client.revise_cancel(_rc(Exchange.NASD, "AAPL", odno, ReviseCancel.REVISE, 10, twap.price))
