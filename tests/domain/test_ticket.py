"""Golden wire bodies built from tickets (overseas-order.md §2–§4, domestic-reservation.md §1.1)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from pydantic import ValidationError

from kisdesk.api.enums import AlgoTiming, BalanceKind, Env, Exchange, OrderDivision, ResvOrderDivision, Side
from kisdesk.domain.ticket import (
    AccountNo,
    IncompleteTicketError,
    OverseasTicket,
    ReservationTicket,
    to_order_request,
    to_reservation_request,
)

ACCOUNT = AccountNo("81055689", "01")
COMMON = {
    "CANO": "81055689",
    "ACNT_PRDT_CD": "01",
    "CTAC_TLNO": "",
    "MGCO_APTM_ODNO": "",
    "ORD_SVR_DVSN_CD": "0",
}


def ticket(**kw: object) -> OverseasTicket:
    base: dict[str, object] = {
        "env": Env.REAL,
        "exchange": Exchange.NASD,
        "symbol": "AAPL",
        "side": Side.BUY,
        "division": OrderDivision.LIMIT,
        "quantity": 10,
        "price": Decimal("145.00"),
    }
    return OverseasTicket(**{**base, **kw})  # type: ignore[arg-type]


def test_us_limit_buy():
    body = to_order_request(ticket(symbol=" aapl "), ACCOUNT).to_wire()
    assert body == {
        **COMMON,
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": "10",
        "OVRS_ORD_UNPR": "145.00",
        "ORD_DVSN": "00",
    }


def test_us_moo_sell_sends_price_zero_and_sell_type():
    t = ticket(exchange=Exchange.NYSE, symbol="IBM", side=Side.SELL, division=OrderDivision.MOO, price=None)
    assert to_order_request(t, ACCOUNT).to_wire() == {
        **COMMON,
        "OVRS_EXCG_CD": "NYSE",
        "PDNO": "IBM",
        "ORD_QTY": "10",
        "OVRS_ORD_UNPR": "0",
        "SLL_TYPE": "00",
        "ORD_DVSN": "31",
    }


def test_moc_ignores_a_leftover_price():
    t = ticket(side=Side.SELL, division=OrderDivision.MOC, price=Decimal("99.5"))
    assert to_order_request(t, ACCOUNT).to_wire()["OVRS_ORD_UNPR"] == "0"


def test_twap_window_buy_sends_kst_hhmmss():
    t = ticket(
        division=OrderDivision.TWAP,
        algo_timing=AlgoTiming.WINDOW,
        start_time=time(23, 40),
        end_time=time(1, 30, 15),
    )
    assert to_order_request(t, ACCOUNT).to_wire() == {
        **COMMON,
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": "10",
        "OVRS_ORD_UNPR": "145.00",
        "ORD_DVSN": "35",
        "START_TIME": "234000",
        "END_TIME": "013015",
        "ALGO_ORD_TMD_DVSN_CD": "00",
    }


def test_vwap_until_close_sends_no_times():
    t = ticket(division=OrderDivision.VWAP, algo_timing=AlgoTiming.UNTIL_CLOSE, start_time=time(23, 40))
    body = to_order_request(t, ACCOUNT).to_wire()
    assert body["ALGO_ORD_TMD_DVSN_CD"] == "02"
    assert "START_TIME" not in body
    assert "END_TIME" not in body


def test_hk_odd_lot_sell():
    t = ticket(
        exchange=Exchange.SEHK,
        symbol="00700",
        side=Side.SELL,
        division=OrderDivision.ODD_LOT,
        quantity=37,
        price=Decimal("300.20"),
    )
    assert to_order_request(t, ACCOUNT).to_wire() == {
        **COMMON,
        "OVRS_EXCG_CD": "SEHK",
        "PDNO": "00700",
        "ORD_QTY": "37",
        "OVRS_ORD_UNPR": "300.20",
        "SLL_TYPE": "00",
        "ORD_DVSN": "50",
    }


def test_jp_buy():
    t = ticket(exchange=Exchange.TKSE, symbol="7203", quantity=100, price=Decimal("2850"))
    assert to_order_request(t, ACCOUNT).to_wire() == {
        **COMMON,
        "OVRS_EXCG_CD": "TKSE",
        "PDNO": "7203",
        "ORD_QTY": "100",
        "OVRS_ORD_UNPR": "2850",
        "ORD_DVSN": "00",
    }


def test_non_algo_ticket_never_sends_algo_fields():
    t = ticket(algo_timing=AlgoTiming.WINDOW, start_time=time(23, 40), end_time=time(1))
    body = to_order_request(t, ACCOUNT).to_wire()
    assert not {"START_TIME", "END_TIME", "ALGO_ORD_TMD_DVSN_CD"} & body.keys()


def test_account_from_ticket_and_override():
    own = AccountNo("11112222", "01")
    assert to_order_request(ticket(account=own)).to_wire()["CANO"] == "11112222"
    assert to_order_request(ticket(account=own), ACCOUNT).to_wire()["CANO"] == "81055689"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"quantity": None}, "quantity"),
        ({"price": None}, "price"),
        ({"division": OrderDivision.TWAP}, "ALGO_ORD_TMD_DVSN_CD"),
        ({"division": OrderDivision.TWAP, "algo_timing": AlgoTiming.WINDOW, "end_time": time(1)}, "start"),
    ],
)
def test_incomplete_ticket_is_refused(kw, message):
    with pytest.raises(IncompleteTicketError, match=message):
        to_order_request(ticket(**kw), ACCOUNT)


def test_missing_account_is_refused():
    with pytest.raises(IncompleteTicketError, match="account"):
        to_order_request(ticket())


def test_wire_model_still_guards_bad_values():
    with pytest.raises(ValidationError):
        to_order_request(ticket(quantity=0), ACCOUNT)


@pytest.mark.parametrize(
    ("text", "cano", "product"),
    [
        ("81055689-01", "81055689", "01"),
        ("8105568901", "81055689", "01"),
        (" 12345678-22 ", "12345678", "22"),
    ],
)
def test_account_parse(text, cano, product):
    assert AccountNo.parse(text) == AccountNo(cano, product)
    assert str(AccountNo.parse(text)) == f"{cano}-{product}"


@pytest.mark.parametrize("text", ["1234567-01", "123456789-01", "abcdefgh-01", ""])
def test_account_parse_rejects(text):
    with pytest.raises(ValueError, match="account"):
        AccountNo.parse(text)


def resv(**kw: object) -> ReservationTicket:
    base: dict[str, object] = {
        "env": Env.REAL,
        "symbol": "005930",
        "side": Side.BUY,
        "division": ResvOrderDivision.LIMIT,
        "quantity": 1,
        "price": Decimal("55000"),
    }
    return ReservationTicket(**{**base, **kw})  # type: ignore[arg-type]


def test_reservation_limit_buy_golden():
    # The OTA-PM example body of domestic-reservation.md §1.1, plus a period end date.
    body = to_reservation_request(resv(end_date=date(2026, 1, 30)), ACCOUNT).to_wire()
    assert body == {
        "CANO": "81055689",
        "ACNT_PRDT_CD": "01",
        "PDNO": "005930",
        "ORD_QTY": "1",
        "ORD_UNPR": "55000",
        "SLL_BUY_DVSN_CD": "02",
        "ORD_DVSN_CD": "00",
        "ORD_OBJT_CBLC_DVSN_CD": "10",
        "RSVN_ORD_END_DT": "20260130",
    }


@pytest.mark.parametrize("division", [ResvOrderDivision.MARKET, ResvOrderDivision.PRE_MARKET])
def test_reservation_market_types_send_price_zero(division):
    t = resv(side=Side.SELL, division=division, price=Decimal("55000"), quantity=3)
    assert to_reservation_request(t, ACCOUNT).to_wire() == {
        "CANO": "81055689",
        "ACNT_PRDT_CD": "01",
        "PDNO": "005930",
        "ORD_QTY": "3",
        "ORD_UNPR": "0",
        "SLL_BUY_DVSN_CD": "01",
        "ORD_DVSN_CD": division.value,
        "ORD_OBJT_CBLC_DVSN_CD": "10",
    }


def test_reservation_sell_from_loan_balance():
    t = resv(side=Side.SELL, balance=BalanceKind.STOCK_LOAN)
    assert to_reservation_request(t, ACCOUNT).to_wire()["ORD_OBJT_CBLC_DVSN_CD"] == "12"
