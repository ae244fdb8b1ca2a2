"""Overseas business handlers called directly with a CallContext: order, revise/cancel, inquiries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from kisdesk.api.enums import Exchange, Market, OrderDivision, Side, TrFamily
from kisdesk.api.models import (
    BuyingPowerOutput,
    Envelope,
    HistoryRow,
    OrderOutput,
    PagedEnvelope,
    PendingRow,
    PriceOutput,
)
from kisdesk.api.registry import ALLOWED_DIVISIONS, ENDPOINTS, ORDER_TR, REVISE_CANCEL_TR, ApiId
from kisdesk.api.venue_rules import KST
from kisdesk.simulator.book import Book
from kisdesk.simulator.catalog import OVERSEAS
from kisdesk.simulator.protocol import AccountKey, CallContext, SimReply
from kisdesk.simulator.routes import routes
from kisdesk.simulator.settings import SimSettings

T0 = datetime(2026, 11, 24, 0, 30, tzinfo=KST)  # Tuesday; Monday 10:30 in New York (regular session)
ACCT = {"CANO": "50123456", "ACNT_PRDT_CD": "01"}
KEY = AccountKey("50123456", "01")

# A valid (exchange, symbol, qty, price) per market: lots and ticks respected.
SAMPLE = {
    Market.US: ("NASD", "AAPL", "10", "200.00"),
    Market.HK: ("SEHK", "00700", "100", "400.00"),
    Market.JP: ("TKSE", "7203", "100", "2700"),
    Market.SH: ("SHAA", "601318", "100", "48.00"),
    Market.SZ: ("SZAA", "000858", "100", "140.00"),
    Market.VN: ("VNSE", "VNM", "100", "64000"),
}


class Desk:
    """A book plus its routes, a movable clock and request helpers."""

    def __init__(self, family: TrFamily = TrFamily.REAL, **settings: Any) -> None:
        self.family = family
        self.settings = SimSettings(**settings)
        self.book = Book(family, self.settings)
        self.routes = routes(self.book)
        self.now = T0

    def call(
        self, api: ApiId, tr_id: str, data: dict[str, Any], tr_cont: str = "", intent: str | None = None
    ) -> SimReply:
        endpoint = ENDPOINTS[api]
        ctx = CallContext(self.family, tr_id, tr_cont, "appkey", self.now, intent)
        return self.routes[(endpoint.method, endpoint.path)](ctx, data)

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.book.advance(self.now)

    def order_tr(self, market: Market, side: Side) -> str:
        return ORDER_TR[(self.family, market, side)]

    def order(self, market: Market = Market.US, side: Side = Side.BUY, **fields: Any) -> SimReply:
        return self.call(
            ApiId.OVERSEAS_ORDER, self.order_tr(market, side), order_body(market, side, **fields)
        )

    def odno(self, market: Market = Market.US, side: Side = Side.BUY, **fields: Any) -> str:
        reply = self.order(market, side, **fields)
        assert reply.body["rt_cd"] == "0", reply.body
        return str(reply.body["output"]["ODNO"])

    def revise_cancel(
        self, market: Market, odno: str, action: str, qty: str, price: str = "0", **fields: Any
    ):
        exchange, symbol, _, _ = SAMPLE[market]
        body = {
            **ACCT,
            "OVRS_EXCG_CD": exchange,
            "PDNO": symbol,
            "ORGN_ODNO": odno,
            "RVSE_CNCL_DVSN_CD": action,
            "ORD_QTY": qty,
            "OVRS_ORD_UNPR": price,
            "MGCO_APTM_ODNO": "",
            "ORD_SVR_DVSN_CD": "0",
            **fields,
        }
        tr = fields.pop("tr_id", None) or REVISE_CANCEL_TR[(self.family, market)]
        body.pop("tr_id", None)
        return self.call(ApiId.OVERSEAS_REVISE_CANCEL, tr, body)

    def nccs(
        self, exchange: str = "NASD", sort: str = "DS", fk: str = "", nk: str = "", tr_cont: str = ""
    ) -> SimReply:
        query = {
            **ACCT,
            "OVRS_EXCG_CD": exchange,
            "SORT_SQN": sort,
            "CTX_AREA_FK200": fk,
            "CTX_AREA_NK200": nk,
        }
        tr = "TTTS3018R" if self.family is TrFamily.REAL else "VTTS3018R"
        return self.call(ApiId.OVERSEAS_PENDING, tr, query, tr_cont)

    def ccnl(self, tr_cont: str = "", **over: str) -> SimReply:
        query = {
            **ACCT,
            "PDNO": "%",
            "ORD_STRT_DT": "20261120",
            "ORD_END_DT": "20261130",
            "SLL_BUY_DVSN": "00",
            "CCLD_NCCS_DVSN": "00",
            "OVRS_EXCG_CD": "%",
            "SORT_SQN": "DS",
            "ORD_DT": "",
            "ORD_GNO_BRNO": "",
            "ODNO": "",
            "CTX_AREA_NK200": "",
            "CTX_AREA_FK200": "",
            **over,
        }
        tr = "TTTS3035R" if self.family is TrFamily.REAL else "VTTS3035R"
        return self.call(ApiId.OVERSEAS_HISTORY, tr, query, tr_cont)


def order_body(market: Market = Market.US, side: Side = Side.BUY, **fields: Any) -> dict[str, Any]:
    exchange, symbol, qty, price = SAMPLE[market]
    body: dict[str, Any] = {
        **ACCT,
        "OVRS_EXCG_CD": exchange,
        "PDNO": symbol,
        "ORD_QTY": qty,
        "OVRS_ORD_UNPR": price,
        "CTAC_TLNO": "",
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
        "ORD_DVSN": "00",
    }
    if side is Side.SELL:
        body["SLL_TYPE"] = "00"
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def rejected(reply: SimReply, msg_cd: str) -> bool:
    body = reply.body
    assert body["rt_cd"] == "1", body
    assert body["msg1"], body
    assert reply.status == 200
    return bool(body["msg_cd"] == msg_cd)


def pending(reply: SimReply) -> PagedEnvelope[PendingRow]:
    return PagedEnvelope[PendingRow].model_validate(reply.body)


def history(reply: SimReply) -> PagedEnvelope[HistoryRow]:
    return PagedEnvelope[HistoryRow].model_validate(reply.body)


# --- new orders: every ORD_DVSN against every TR --------------------------------------------------


def _division_fields(division: OrderDivision, market: Market) -> dict[str, Any]:
    fields: dict[str, Any] = {"ORD_DVSN": division.value}
    if division.is_market_type:
        fields["OVRS_ORD_UNPR"] = "0"
    if division.is_algo:
        fields["ALGO_ORD_TMD_DVSN_CD"] = "02"
    if division is OrderDivision.ODD_LOT:
        fields["ORD_QTY"] = "50"  # an odd lot is below the HK board lot
    return fields


CASES = [
    (family, market, side, division)
    for family in TrFamily
    for market in Market
    for side in Side
    for division in OrderDivision
]


@pytest.mark.parametrize(("family", "market", "side", "division"), CASES)
def test_division_allowed_exactly_where_the_spec_says(family, market, side, division) -> None:
    desk = Desk(family, check_buying_power=False)
    reply = desk.order(market, side, **_division_fields(division, market))
    if division in ALLOWED_DIVISIONS[(family, market, side)]:
        assert reply.body["rt_cd"] == "0", reply.body
    else:
        assert rejected(reply, "APBK0918")


@pytest.mark.parametrize("market", [Market.HK, Market.JP, Market.SH, Market.SZ, Market.VN])
def test_blank_division_is_limit_where_the_spec_removed_it(market) -> None:
    desk = Desk()
    assert desk.order(market, Side.BUY, ORD_DVSN="").body["rt_cd"] == "0"
    assert desk.order(market, Side.BUY, ORD_DVSN=None).body["rt_cd"] == "0"
    if market is not Market.HK:
        assert desk.order(market, Side.SELL, ORD_DVSN="").body["rt_cd"] == "0"


def test_blank_division_is_refused_for_us_and_hk_sell_and_when_the_setting_is_off() -> None:
    desk = Desk()
    assert rejected(desk.order(Market.US, Side.BUY, ORD_DVSN=""), "OPSQ2002")
    assert rejected(desk.order(Market.HK, Side.SELL, ORD_DVSN=""), "OPSQ2002")
    strict = Desk(accept_blank_division_outside_us_hk=False)
    assert rejected(strict.order(Market.JP, Side.BUY, ORD_DVSN=""), "OPSQ2002")


def test_unknown_division_code_is_refused() -> None:
    assert rejected(Desk().order(ORD_DVSN="99"), "APBK0918")


def test_paper_limit_only_message() -> None:
    reply = Desk(TrFamily.PAPER).order(ORD_DVSN="32")
    assert rejected(reply, "APBK0918")
    assert "모의투자" in reply.body["msg1"]


def test_tr_of_another_market_is_a_business_error() -> None:
    desk = Desk()
    reply = desk.call(ApiId.OVERSEAS_ORDER, "TTTT1002U", order_body(Market.HK))
    assert rejected(reply, "OPSQ2001")
    assert desk.book.ledger() == []


def test_tr_of_another_family_or_not_an_order_tr_is_refused() -> None:
    desk = Desk()
    assert rejected(desk.call(ApiId.OVERSEAS_ORDER, "VTTT1002U", order_body()), "OPSQ2001")
    assert rejected(desk.call(ApiId.OVERSEAS_ORDER, "TTTT1004U", order_body()), "OPSQ2001")


def test_paper_us_sell_uses_vttt1001u() -> None:
    desk = Desk(TrFamily.PAPER)
    assert desk.call(ApiId.OVERSEAS_ORDER, "VTTT1001U", order_body(side=Side.SELL)).body["rt_cd"] == "0"
    assert rejected(desk.call(ApiId.OVERSEAS_ORDER, "VTTT1006U", order_body(side=Side.SELL)), "OPSQ2001")


def test_success_answer_shape_and_ledger() -> None:
    desk = Desk()
    reply = desk.call(ApiId.OVERSEAS_ORDER, "TTTT1002U", order_body(), intent="intent-1")
    assert reply.status == 200
    assert reply.committed
    assert reply.body["msg_cd"] == "APBK0013"
    assert set(reply.body["output"]) == {"KRX_FWDG_ORD_ORGNO", "ODNO", "ORD_TMD"}
    out = Envelope[OrderOutput].model_validate(reply.body).output
    assert out is not None
    assert len(out.order_no) == 10
    assert out.order_no.isdigit()
    assert out.order_time == "003000"
    assert out.branch_no == "01790"
    (entry,) = desk.book.ledger()
    assert (entry.kind, entry.tr_id, entry.order_no, entry.intent) == (
        "order",
        "TTTT1002U",
        out.order_no,
        "intent-1",
    )
    assert entry.fields["PDNO"] == "AAPL"
    assert entry.account.cano == "50123456"
    assert entry.time == T0


def test_order_numbers_increase() -> None:
    desk = Desk()
    numbers = [int(desk.odno()) for _ in range(3)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ORD_QTY": None}, "OPSQ2002"),
        ({"ORD_QTY": "ten"}, "OPSQ2002"),
        ({"ORD_QTY": 10}, "OPSQ2002"),  # KIS values are JSON strings
        ({"ORD_QTY": "0"}, "APBK0918"),
        ({"OVRS_ORD_UNPR": ""}, "OPSQ2002"),
        ({"OVRS_ORD_UNPR": "1e2"}, "OPSQ2002"),
        ({"OVRS_ORD_UNPR": "0"}, "APBK0918"),
        ({"PDNO": "A" * 13}, "OPSQ2002"),
        ({"PDNO": ""}, "OPSQ2002"),
        ({"CANO": "1234"}, "OPSQ2002"),
        ({"ACNT_PRDT_CD": None}, "OPSQ2002"),
        ({"OVRS_EXCG_CD": "NASX"}, "OPSQ2001"),
        ({"ORD_SVR_DVSN_CD": None}, "OPSQ2002"),
        ({"ORD_SVR_DVSN_CD": "1"}, "OPSQ2002"),
        ({"CTAC_TLNO": "0" * 21}, "OPSQ2002"),
        ({"SLL_TYPE": "00"}, "OPSQ2002"),  # SLL_TYPE is for sells only
        ({"PDNO": "ZZZZ"}, "APBK0656"),
        ({"PDNO": "AAPL", "OVRS_EXCG_CD": "NYSE"}, "APBK0656"),  # AAPL is not an NYSE listing
        ({"OVRS_ORD_UNPR": "200.005"}, "APBK0918"),  # off the 0.01 tick
        ({"ORD_QTY": "100000"}, "APBK0918"),  # 20 M USD: more than the account's cash
    ],
)
def test_malformed_or_invalid_buy_is_refused(fields, code) -> None:
    desk = Desk()
    assert rejected(desk.order(**fields), code)
    assert desk.book.ledger() == []


def test_sell_needs_sll_type_00() -> None:
    desk = Desk()
    assert rejected(desk.order(side=Side.SELL, SLL_TYPE=None), "OPSQ2002")
    assert rejected(desk.order(side=Side.SELL, SLL_TYPE="01"), "OPSQ2002")
    assert desk.order(side=Side.SELL).body["rt_cd"] == "0"


def test_market_type_orders_need_price_zero() -> None:
    desk = Desk()
    assert rejected(desk.order(side=Side.SELL, ORD_DVSN="31", OVRS_ORD_UNPR="200.00"), "APBK0918")
    assert desk.order(side=Side.SELL, ORD_DVSN="33", OVRS_ORD_UNPR="0").body["rt_cd"] == "0"


def test_unknown_symbol_accepted_when_the_setting_allows() -> None:
    desk = Desk(accept_unknown_symbols=True)
    assert desk.order(PDNO="ZZZZ", OVRS_ORD_UNPR="10.00").body["rt_cd"] == "0"


# --- lots, ticks, funds, hours --------------------------------------------------------------------


def test_lots() -> None:
    desk = Desk()
    assert rejected(desk.order(Market.JP, ORD_QTY="150"), "APBK0918")
    assert rejected(desk.order(Market.SH, ORD_QTY="150"), "APBK0918")
    assert desk.order(Market.SH, Side.SELL, ORD_QTY="150").body["rt_cd"] == "0"  # odd remainder sells
    assert rejected(desk.order(Market.HK, PDNO="00005", ORD_QTY="100", OVRS_ORD_UNPR="68.20"), "APBK0918")
    assert desk.order(Market.HK, PDNO="00005", ORD_QTY="400", OVRS_ORD_UNPR="68.20").body["rt_cd"] == "0"
    assert Desk(enforce_lots=False).order(Market.JP, ORD_QTY="150").body["rt_cd"] == "0"


def test_hk_odd_lot_sell_must_be_below_one_board_lot() -> None:
    desk = Desk()
    odd = {"PDNO": "00005", "OVRS_ORD_UNPR": "68.20", "ORD_DVSN": "50"}
    assert desk.order(Market.HK, Side.SELL, ORD_QTY="100", **odd).body["rt_cd"] == "0"
    assert rejected(desk.order(Market.HK, Side.SELL, ORD_QTY="400", **odd), "APBK0918")


@pytest.mark.parametrize(
    ("market", "fields", "ok"),
    [
        (Market.US, {"PDNO": "SIRI", "OVRS_ORD_UNPR": "0.8512"}, True),  # sub-dollar: 0.0001 tick
        (Market.US, {"PDNO": "SIRI", "OVRS_ORD_UNPR": "0.85125"}, False),
        (Market.HK, {"OVRS_ORD_UNPR": "412.40"}, True),
        (Market.HK, {"OVRS_ORD_UNPR": "412.30"}, False),  # 0.20 steps above HKD 200
        (Market.JP, {"OVRS_ORD_UNPR": "2710.5"}, False),
        (Market.JP, {"OVRS_ORD_UNPR": "3005"}, True),
        (Market.JP, {"OVRS_ORD_UNPR": "3001"}, False),  # 5-yen steps above 3,000
        (Market.VN, {"OVRS_ORD_UNPR": "64850"}, False),
        (Market.SZ, {"OVRS_ORD_UNPR": "140.005"}, False),
    ],
)
def test_ticks(market, fields, ok) -> None:
    reply = Desk().order(market, **fields)
    assert (reply.body["rt_cd"] == "0") is ok, reply.body
    if not ok:
        assert Desk(enforce_ticks=False).order(market, **fields).body["rt_cd"] == "0"


def test_buying_power_is_reserved_by_open_buys() -> None:
    desk = Desk()
    assert desk.order(ORD_QTY="400", OVRS_ORD_UNPR="200.00").body["rt_cd"] == "0"  # 80,000 of 100,000 USD
    reply = desk.order(ORD_QTY="101", OVRS_ORD_UNPR="200.00")
    assert rejected(reply, "APBK0918")
    assert "주문가능금액" in reply.body["msg1"]
    assert desk.order(ORD_QTY="100", OVRS_ORD_UNPR="200.00").body["rt_cd"] == "0"
    assert Desk(check_buying_power=False).order(ORD_QTY="100000").body["rt_cd"] == "0"


def test_sells_need_holdings_minus_pending_sells() -> None:
    desk = Desk(starting_position=1000)
    assert desk.order(side=Side.SELL, ORD_QTY="600", OVRS_ORD_UNPR="900.00").body["rt_cd"] == "0"
    reply = desk.order(side=Side.SELL, ORD_QTY="600", OVRS_ORD_UNPR="900.00")
    assert rejected(reply, "APBK0918")
    assert "매도가능수량" in reply.body["msg1"]
    assert desk.order(side=Side.SELL, ORD_QTY="400", OVRS_ORD_UNPR="900.00").body["rt_cd"] == "0"


def test_market_hours_when_enforced() -> None:
    desk = Desk(enforce_market_hours=True)
    assert desk.order().body["rt_cd"] == "0"  # US regular session
    desk.now = datetime(2026, 11, 24, 13, 0, tzinfo=KST)
    assert rejected(desk.order(), "APBK1664")
    assert desk.order(Market.JP).body["rt_cd"] == "0"
    desk.now = datetime(2026, 11, 24, 11, 45, tzinfo=KST)
    assert rejected(desk.order(Market.JP), "APBK1664")
    assert Desk().order(Market.JP).body["rt_cd"] == "0"  # not enforced by default


# --- TWAP / VWAP ----------------------------------------------------------------------------------


def _algo(**fields: Any) -> dict[str, Any]:
    return {"ORD_DVSN": "35", **fields}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "OPSQ2002"),  # ALGO_ORD_TMD_DVSN_CD missing
        ({"ALGO_ORD_TMD_DVSN_CD": "01"}, "APBK0918"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00"}, "OPSQ2002"),  # window times missing
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "010000"}, "OPSQ2002"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "016000", "END_TIME": "020000"}, "OPSQ2002"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "0100", "END_TIME": "020000"}, "OPSQ2002"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "030000", "END_TIME": "020000"}, "APBK0918"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "010000", "END_TIME": "055600"}, "APBK0918"),
        ({"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "000000", "END_TIME": "002000"}, "APBK0918"),  # past
        ({"ALGO_ORD_TMD_DVSN_CD": "02", "START_TIME": "010000", "END_TIME": "020000"}, "APBK0918"),
    ],
)
def test_algo_field_rules(fields, code) -> None:
    assert rejected(Desk().order(**_algo(**fields)), code)


def test_algo_fields_are_only_for_twap_vwap() -> None:
    assert rejected(Desk().order(ALGO_ORD_TMD_DVSN_CD="02"), "APBK0918")
    assert rejected(Desk().order(START_TIME="010000"), "APBK0918")


def test_algo_window_up_to_the_cutoff_is_accepted_and_shown() -> None:
    desk = Desk()
    window = {"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "010000", "END_TIME": "055500"}
    odno = desk.odno(**_algo(**window))
    until_close = desk.odno(**_algo(ORD_DVSN="36", ALGO_ORD_TMD_DVSN_CD="02"))
    rows = {r.order_no: r for r in history(desk.ccnl()).output}
    assert rows[odno].algo_window == "01:00~05:55"
    assert rows[until_close].algo_window == "정규장 종료"
    # a window crossing KST midnight on the same US session
    desk.now = datetime(2026, 11, 24, 23, 0, tzinfo=KST)
    assert (
        desk.order(**_algo(ALGO_ORD_TMD_DVSN_CD="00", START_TIME="233000", END_TIME="013000")).body["rt_cd"]
        == "0"
    )


def test_algo_cutoff_setting() -> None:
    window = {"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "010000", "END_TIME": "054000"}
    assert Desk().order(**_algo(**window)).body["rt_cd"] == "0"
    assert rejected(Desk(algo_close_cutoff_min=30).order(**_algo(**window)), "APBK0918")


# --- revise / cancel ------------------------------------------------------------------------------


def test_revise_creates_a_new_working_row_and_retires_the_original() -> None:
    desk = Desk()
    odno = desk.odno(ORD_QTY="10", OVRS_ORD_UNPR="150.00")  # far below the market: stays open
    reply = desk.revise_cancel(Market.US, odno, "01", "8", "151.00")
    assert reply.body["rt_cd"] == "0", reply.body
    assert reply.body["msg_cd"] == "APBK0013"
    assert reply.committed
    new_no = reply.body["output"]["ODNO"]
    assert new_no != odno
    rows = {r.order_no: r for r in pending(desk.nccs()).output}
    assert set(rows) == {new_no}
    assert rows[new_no].original_order_no == odno
    assert rows[new_no].revise_cancel_code == "01"
    assert (rows[new_no].unfilled_quantity, rows[new_no].price) == (8, Decimal("151.00"))
    by_no = {r.order_no: r for r in history(desk.ccnl()).output}
    assert by_no[odno].unfilled_quantity == 0
    assert by_no[odno].revise_cancel_code == "00"
    assert by_no[new_no].revise_cancel_code == "01"
    assert by_no[new_no].revise_cancel_name == "정정"
    assert [e.kind for e in desk.book.ledger()] == ["order", "revise"]


def test_revise_rules() -> None:
    desk = Desk()
    odno = desk.odno(ORD_QTY="10", OVRS_ORD_UNPR="150.00")
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "11", "150.00"), "APBK0918")  # more than open
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "0", "150.00"), "APBK0918")
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "5", "0"), "APBK0918")  # limit needs a price
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "5", "150.001"), "APBK0918")  # off tick
    assert rejected(desk.revise_cancel(Market.US, odno, "03", "5", "150.00"), "OPSQ2002")
    grown = Desk(revise_may_increase_qty=True)
    odno2 = grown.odno(ORD_QTY="10", OVRS_ORD_UNPR="150.00")
    assert grown.revise_cancel(Market.US, odno2, "01", "20", "150.00").body["rt_cd"] == "0"


def test_revise_of_a_revised_original_points_to_the_new_row() -> None:
    desk = Desk()
    odno = desk.odno(OVRS_ORD_UNPR="150.00")
    assert desk.revise_cancel(Market.US, odno, "01", "10", "151.00").body["rt_cd"] == "0"
    reply = desk.revise_cancel(Market.US, odno, "01", "10", "152.00")
    assert rejected(reply, "APBK0918")
    assert "정정" in reply.body["msg1"]


def test_revise_that_needs_more_cash_than_available_keeps_the_original() -> None:
    desk = Desk()
    odno = desk.odno(ORD_QTY="400", OVRS_ORD_UNPR="150.00")
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "400", "260.00"), "APBK0918")  # 104,000 USD
    assert pending(desk.nccs()).output[0].order_no == odno
    assert desk.revise_cancel(Market.US, odno, "02", "0").body["rt_cd"] == "0"
    assert desk.book.account(KEY).available_cash("USD") == Decimal(100000)


@pytest.mark.parametrize("market", [Market.SH, Market.SZ, Market.VN])
def test_cancel_only_markets(market) -> None:
    desk = Desk()
    odno = desk.odno(market, OVRS_ORD_UNPR=_far_price(market))
    assert rejected(desk.revise_cancel(market, odno, "01", "100", _far_price(market)), "APBK0918")
    assert desk.revise_cancel(market, odno, "02", "100").body["rt_cd"] == "0"


def _far_price(market: Market) -> str:
    return {Market.SH: "30.00", Market.SZ: "100.00", Market.VN: "50000"}[market]


def test_revise_cancel_tr_must_match_the_market() -> None:
    desk = Desk()
    odno = desk.odno(Market.HK, OVRS_ORD_UNPR="300.00")
    assert rejected(desk.revise_cancel(Market.HK, odno, "02", "0", tr_id="TTTT1004U"), "OPSQ2001")
    assert rejected(desk.revise_cancel(Market.HK, odno, "02", "0", tr_id="TTTT1002U"), "OPSQ2001")
    lenient = Desk(us_revise_tr_for_other_markets=True)
    odno = lenient.odno(Market.HK, OVRS_ORD_UNPR="300.00")
    assert lenient.revise_cancel(Market.HK, odno, "02", "0", tr_id="TTTT1004U").body["rt_cd"] == "0"


def test_cancel_rows_and_partial_cancel() -> None:
    desk = Desk()
    odno = desk.odno(ORD_QTY="10", OVRS_ORD_UNPR="150.00")
    reply = desk.revise_cancel(Market.US, odno, "02", "4")
    cancel_no = reply.body["output"]["ODNO"]
    rows = {r.order_no: r for r in history(desk.ccnl()).output}
    assert (rows[cancel_no].quantity, rows[cancel_no].unfilled_quantity) == (4, 0)
    assert (rows[cancel_no].revise_cancel_code, rows[cancel_no].original_order_no) == ("02", odno)
    assert rows[odno].unfilled_quantity == 6
    assert desk.revise_cancel(Market.US, odno, "02", "0").body["rt_cd"] == "0"  # 0 = all the rest
    assert history(desk.ccnl()).output[-1].quantity == 6
    assert pending(desk.nccs()).output == []
    reply = desk.revise_cancel(Market.US, odno, "02", "0")
    assert rejected(reply, "APBK0918")
    assert "취소" in reply.body["msg1"]
    assert rejected(desk.revise_cancel(Market.US, cancel_no, "02", "0"), "APBK0918")


def test_partial_cancel_off_cancels_everything() -> None:
    desk = Desk(partial_cancel=False)
    odno = desk.odno(ORD_QTY="10", OVRS_ORD_UNPR="150.00")
    cancel_no = desk.revise_cancel(Market.US, odno, "02", "4").body["output"]["ODNO"]
    rows = {r.order_no: r for r in history(desk.ccnl()).output}
    assert rows[cancel_no].quantity == 10
    assert rows[odno].unfilled_quantity == 0


def test_revise_cancel_of_unknown_or_foreign_orders() -> None:
    desk = Desk()
    odno = desk.odno(OVRS_ORD_UNPR="150.00")
    assert rejected(desk.revise_cancel(Market.US, "9999999999", "02", "0"), "APBK0918")
    assert rejected(desk.revise_cancel(Market.US, odno, "02", "0", PDNO="MSFT"), "APBK0918")
    assert rejected(desk.revise_cancel(Market.US, odno, "02", "0", CANO="50999999"), "APBK0918")
    assert desk.revise_cancel(Market.US, odno.lstrip("0"), "02", "0").body["rt_cd"] == "0"  # numeric match


def test_filled_order_cannot_be_cancelled() -> None:
    desk = Desk(fill_probability=1.0)
    odno = desk.odno(ORD_QTY="1", OVRS_ORD_UNPR="400.00")  # far above the market: fills at once
    desk.tick(2)
    reply = desk.revise_cancel(Market.US, odno, "02", "0")
    assert rejected(reply, "APBK0918")
    assert "체결" in reply.body["msg1"]


def test_algo_orders_cannot_be_revised_but_can_be_cancelled() -> None:
    desk = Desk()
    odno = desk.odno(ORD_DVSN="35", ALGO_ORD_TMD_DVSN_CD="02", OVRS_ORD_UNPR="150.00")
    assert rejected(desk.revise_cancel(Market.US, odno, "01", "10", "151.00"), "APBK0918")
    assert desk.revise_cancel(Market.US, odno, "02", "0").body["rt_cd"] == "0"
    strict = Desk(algo_cancel_allowed=False)
    odno = strict.odno(ORD_DVSN="35", ALGO_ORD_TMD_DVSN_CD="02", OVRS_ORD_UNPR="150.00")
    assert rejected(strict.revise_cancel(Market.US, odno, "02", "0"), "APBK0918")


# --- inquire-nccs ---------------------------------------------------------------------------------


def _many(desk: Desk, n: int) -> list[str]:
    return [desk.odno(OVRS_ORD_UNPR=f"{150 + i}.00") for i in range(n)]


def test_nccs_pages_with_continuation_keys() -> None:
    desk = Desk(nccs_page_size=2)
    numbers = _many(desk, 5)
    first = desk.nccs(sort="DS")
    assert first.headers["tr_cont"] == "M"
    page = pending(first)
    assert [r.order_no for r in page.output] == numbers[:2]
    assert len(first.body["ctx_area_fk200"]) == len(first.body["ctx_area_nk200"]) == 200
    assert first.body["ctx_area_fk200"].startswith("50123456^01^NASD^DS^")
    seen = [r.order_no for r in page.output]
    reply = first
    while reply.headers["tr_cont"] in ("M", "F"):
        reply = desk.nccs(
            sort="DS", fk=reply.body["ctx_area_fk200"], nk=reply.body["ctx_area_nk200"], tr_cont="N"
        )
        seen += [r.order_no for r in pending(reply).output]
    assert seen == numbers
    assert reply.headers["tr_cont"] == "D"


def test_nccs_default_sort_is_reverse_and_more_flags_follow_settings() -> None:
    desk = Desk(nccs_page_size=2, more_flag="F", last_flag="E")
    numbers = _many(desk, 3)
    first = desk.nccs(sort="")
    assert first.headers["tr_cont"] == "F"
    assert [r.order_no for r in pending(first).output] == numbers[::-1][:2]
    second = desk.nccs(sort="", fk=first.body["ctx_area_fk200"], nk=first.body["ctx_area_nk200"], tr_cont="N")
    assert [r.order_no for r in pending(second).output] == [numbers[0]]
    assert second.headers["tr_cont"] == "E"


def test_nccs_paging_is_stable_when_orders_change_between_pages() -> None:
    desk = Desk(nccs_page_size=2)
    numbers = _many(desk, 4)
    first = desk.nccs()
    desk.revise_cancel(Market.US, numbers[0], "02", "0")  # a row of page 1 disappears
    late = desk.odno(OVRS_ORD_UNPR="149.00")
    second = desk.nccs(fk=first.body["ctx_area_fk200"], nk=first.body["ctx_area_nk200"], tr_cont="N")
    assert [r.order_no for r in pending(second).output] == numbers[2:]
    third = desk.nccs(fk=second.body["ctx_area_fk200"], nk=second.body["ctx_area_nk200"], tr_cont="N")
    assert [r.order_no for r in pending(third).output] == [late]
    assert third.headers["tr_cont"] == "D"


def test_keys_without_tr_cont_n_restart_at_the_first_page() -> None:
    desk = Desk(nccs_page_size=2)
    numbers = _many(desk, 3)
    first = desk.nccs()
    again = desk.nccs(fk=first.body["ctx_area_fk200"], nk=first.body["ctx_area_nk200"], tr_cont="")
    assert [r.order_no for r in pending(again).output] == numbers[:2]


def test_nccs_nasd_means_all_us_venues() -> None:
    desk = Desk()
    desk.odno(OVRS_ORD_UNPR="150.00")
    desk.odno(OVRS_EXCG_CD="NYSE", PDNO="KO", OVRS_ORD_UNPR="50.00")
    desk.odno(OVRS_EXCG_CD="AMEX", PDNO="GLD", OVRS_ORD_UNPR="200.00")
    desk.odno(Market.HK, OVRS_ORD_UNPR="300.00")
    assert {r.exchange for r in pending(desk.nccs("NASD")).output} == {"NASD", "NYSE", "AMEX"}
    assert [r.symbol for r in pending(desk.nccs("NYSE")).output] == ["KO"]
    assert [r.symbol for r in pending(desk.nccs("SEHK")).output] == ["00700"]


def test_nccs_rows_carry_every_spec_field() -> None:
    desk = Desk()
    desk.odno(OVRS_ORD_UNPR="150.00")
    (row,) = desk.nccs().body["output"]
    expected = [
        "ord_dt",
        "ord_gno_brno",
        "odno",
        "orgn_odno",
        "pdno",
        "prdt_name",
        "sll_buy_dvsn_cd",
        "sll_buy_dvsn_cd_name",
        "rvse_cncl_dvsn_cd",
        "rvse_cncl_dvsn_cd_name",
        "rjct_rson",
        "rjct_rson_name",
        "ord_tmd",
        "tr_mket_name",
        "tr_crcy_cd",
        "natn_cd",
        "natn_kor_name",
        "ft_ord_qty",
        "ft_ccld_qty",
        "nccs_qty",
        "ft_ord_unpr3",
        "ft_ccld_unpr3",
        "ft_ccld_amt3",
        "ovrs_excg_cd",
        "prcs_stat_name",
        "loan_type_cd",
        "loan_dt",
        "usa_amk_exts_rqst_yn",
        "splt_buy_attr_name",
    ]
    assert set(row) == set(expected)
    assert row["ft_ord_unpr3"] == "150.00000000"
    assert row["ord_dt"] == "20261123"  # local New York date
    assert (row["natn_cd"], row["natn_kor_name"], row["tr_crcy_cd"]) == ("840", "미국", "USD")
    assert row["rvse_cncl_dvsn_cd"] == "00"
    assert row["sll_buy_dvsn_cd_name"] == "매수"


def test_filled_orders_leave_nccs() -> None:
    desk = Desk(fill_probability=1.0)
    desk.odno(ORD_QTY="1", OVRS_ORD_UNPR="400.00")
    desk.odno(ORD_QTY="1", OVRS_ORD_UNPR="150.00")
    desk.tick(3)
    assert [r.price for r in pending(desk.nccs()).output] == [Decimal("150.00")]


def test_paper_nccs_switch() -> None:
    assert Desk(TrFamily.PAPER).nccs().body["rt_cd"] == "0"
    reply = Desk(TrFamily.PAPER, paper_supports_nccs=False, paper_unsupported_code="IGW00009").nccs()
    assert reply.status == 500
    assert reply.body["msg_cd"] == "IGW00009"
    assert reply.body["rt_cd"] == "1"


def test_visibility_delay_hides_new_rows() -> None:
    desk = Desk()
    desk.book.visibility_delay_s = 5.0
    odno = desk.odno(OVRS_ORD_UNPR="150.00")
    desk.tick(3)
    assert pending(desk.nccs()).output == []
    assert history(desk.ccnl()).output == []
    desk.tick(2)
    assert [r.order_no for r in pending(desk.nccs()).output] == [odno]
    assert [r.order_no for r in history(desk.ccnl()).output] == [odno]


# --- inquire-ccnl ---------------------------------------------------------------------------------


def test_ccnl_rows_and_status() -> None:
    desk = Desk()
    odno = desk.odno(OVRS_ORD_UNPR="150.00")
    reply = desk.ccnl()
    assert reply.body["msg_cd"] == "KIOK0510"
    (raw,) = reply.body["output"]
    assert raw["prcs_stat_name"] == "전송"  # not yet seen by the exchange
    assert (raw["dmst_ord_dt"], raw["thco_ord_tmd"], raw["ord_dt"]) == ("20261124", "003000", "20261123")
    assert raw["mdia_dvsn_name"] == "OpenAPI"
    assert raw["tr_natn"] == "840"
    desk.tick(1)
    (row,) = history(desk.ccnl()).output
    assert (row.order_no, row.status_name) == (odno, "완료")


def test_ccnl_pages_20_real_15_paper() -> None:
    real, paper = Desk(), Desk(TrFamily.PAPER)
    for desk in (real, paper):
        _many(desk, 21)
    assert len(real.ccnl().body["output"]) == 20
    assert len(paper.ccnl(PDNO="", OVRS_EXCG_CD="").body["output"]) == 15


def test_ccnl_paging_with_small_pages() -> None:
    desk = Desk(ccnl_page_size_real=3)
    numbers = _many(desk, 7)
    reply, seen = desk.ccnl(), []
    seen += [r.order_no for r in history(reply).output]
    while reply.headers["tr_cont"] == "M":
        reply = desk.ccnl(
            tr_cont="N",
            CTX_AREA_FK200=reply.body["ctx_area_fk200"],
            CTX_AREA_NK200=reply.body["ctx_area_nk200"],
        )
        seen += [r.order_no for r in history(reply).output]
    assert seen == numbers
    as_reversed = desk.ccnl(SORT_SQN="AS")
    assert [r.order_no for r in history(as_reversed).output] == numbers[::-1][:3]


def test_ccnl_filters() -> None:
    desk = Desk(fill_probability=1.0)
    buy = desk.odno(ORD_QTY="1", OVRS_ORD_UNPR="400.00")  # fills
    sell = desk.odno(side=Side.SELL, OVRS_ORD_UNPR="900.00")  # rests
    hk = desk.odno(Market.HK, OVRS_ORD_UNPR="300.00")
    desk.tick(3)

    def numbers(**over: str) -> list[str]:
        return [r.order_no for r in history(desk.ccnl(**over)).output]

    assert numbers() == [buy, sell, hk]
    assert numbers(SLL_BUY_DVSN="01") == [sell]
    assert numbers(SLL_BUY_DVSN="02") == [buy, hk]
    assert numbers(CCLD_NCCS_DVSN="01") == [buy]
    assert numbers(CCLD_NCCS_DVSN="02") == [sell, hk]
    assert numbers(OVRS_EXCG_CD="NASD") == [buy, sell]
    assert numbers(OVRS_EXCG_CD="SEHK") == [hk]
    assert numbers(PDNO="00700") == [hk]
    assert numbers(ORD_STRT_DT="20261125", ORD_END_DT="20261130") == []
    # ord_dt is the exchange's local date: 23rd in New York and Hong Kong while it is the 24th in Seoul
    assert numbers(ORD_STRT_DT="20261124", ORD_END_DT="20261124") == []
    assert numbers(ORD_STRT_DT="20261123", ORD_END_DT="20261123") == [buy, sell, hk]


@pytest.mark.parametrize(
    "over",
    [{"ODNO": "0030135001"}, {"ORD_DT": "20261124"}, {"ORD_GNO_BRNO": "01790"}, {"SLL_BUY_DVSN": "03"}],
)
def test_ccnl_refuses_fields_that_must_be_blank(over) -> None:
    assert rejected(Desk().ccnl(**over), "OPSQ2002")


def test_ccnl_empty_answers_kiok0560_with_one_blank_object() -> None:
    reply = Desk().ccnl()
    assert reply.body["rt_cd"] == "0"
    assert reply.body["msg_cd"] == "KIOK0560"
    assert isinstance(reply.body["output"], dict)
    assert set(reply.body["output"].values()) == {""}
    assert history(reply).output == []
    assert Desk(empty_ccnl_as_blank_object=False).ccnl().body["output"] == []


@pytest.mark.parametrize(
    "over",
    [{"PDNO": "%"}, {"OVRS_EXCG_CD": "NASD"}, {"SLL_BUY_DVSN": "02"}, {"CCLD_NCCS_DVSN": "01"}],
)
def test_paper_ccnl_accepts_only_the_all_filters(over) -> None:
    desk = Desk(TrFamily.PAPER)
    assert desk.ccnl(**{"PDNO": "", "OVRS_EXCG_CD": "", **over}).body["rt_cd"] == "1"
    assert desk.ccnl(PDNO="", OVRS_EXCG_CD="").body["rt_cd"] == "0"


# --- psamount and price ---------------------------------------------------------------------------


def _psamount(desk: Desk, exchange: str = "NASD", symbol: str = "AAPL", price: str = "200") -> SimReply:
    query = {**ACCT, "OVRS_EXCG_CD": exchange, "OVRS_ORD_UNPR": price, "ITEM_CD": symbol}
    return desk.call(ApiId.OVERSEAS_BUYING_POWER, "TTTS3007R", query)


def test_psamount_reflects_reserved_cash_and_lots() -> None:
    desk = Desk()
    out = Envelope[BuyingPowerOutput].model_validate(_psamount(desk).body).output
    assert out is not None
    assert (out.orderable_amount, out.max_quantity, out.currency) == (Decimal("100000.00"), 500, "USD")
    assert out.exchange_rate == Decimal("1380.5")
    assert out.integrated_amount > out.orderable_amount
    assert out.integrated_max_quantity > out.max_quantity
    desk.odno(ORD_QTY="100", OVRS_ORD_UNPR="150.00")
    out = Envelope[BuyingPowerOutput].model_validate(_psamount(desk).body).output
    assert out is not None
    assert out.orderable_amount == Decimal("85000.00")
    hk = Envelope[BuyingPowerOutput].model_validate(_psamount(desk, "SEHK", "00005", "68.20").body).output
    assert hk is not None
    assert hk.max_quantity % 400 == 0  # truncated to the board lot
    assert rejected(_psamount(desk, symbol="ZZZZ"), "APBK0656")


def _price(desk: Desk, excd: str, symbol: str) -> SimReply:
    return desk.call(ApiId.OVERSEAS_PRICE, "HHDFS00000300", {"AUTH": "", "EXCD": excd, "SYMB": symbol})


def test_price_quote() -> None:
    desk = Desk()
    reply = _price(desk, "NAS", "AAPL")
    assert reply.body["msg_cd"] == "MCA00000"
    out = Envelope[PriceOutput].model_validate(reply.body).output
    assert out is not None
    assert out.found
    assert out.last == desk.book.prices.price(OVERSEAS[(Exchange.NASD, "AAPL")], T0)
    assert out.realtime_key == "DNASAAPL"
    assert out.decimals == 2
    assert reply.body["output"]["sign"] in {"2", "3", "5"}
    assert _price(desk, "BAQ", "AAPL").body["output"]["last"] == reply.body["output"]["last"]


def test_price_of_unknown_symbol_is_blank_or_an_error() -> None:
    reply = _price(Desk(), "NAS", "ZZZZ")
    assert reply.body["rt_cd"] == "0"
    assert not Envelope[PriceOutput].model_validate(reply.body).output.found  # type: ignore[union-attr]
    assert rejected(_price(Desk(price_unknown_symbol_blank=False), "NAS", "ZZZZ"), "APBK0656")
    assert rejected(_price(Desk(), "XXX", "AAPL"), "OPSQ2001")
