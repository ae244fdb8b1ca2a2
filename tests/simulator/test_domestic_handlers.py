"""Domestic reservation handlers (order-resv, order-resv-ccnl, order-resv-rvsecncl) and their processing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.api.models import (
    Envelope,
    PagedEnvelope,
    ReservationOrderOutput,
    ReservationReviseCancelOutput,
    ReservationRow,
)
from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.api.venue_rules import KST
from kisdesk.simulator.book import Book
from kisdesk.simulator.catalog import DOMESTIC
from kisdesk.simulator.protocol import AccountKey, CallContext, SimReply
from kisdesk.simulator.routes import routes
from kisdesk.simulator.settings import SimSettings

T0 = datetime(2026, 11, 24, 16, 0, tzinfo=KST)  # Tuesday after the close: processed Wednesday 25th
KEY = AccountKey("50123456", "01")
ACCT = {"CANO": KEY.cano, "ACNT_PRDT_CD": KEY.product}
SAMSUNG = DOMESTIC["005930"]


class Desk:
    def __init__(self, family: TrFamily = TrFamily.REAL, **settings: Any) -> None:
        self.family = family
        self.book = Book(family, SimSettings(**settings))
        self.routes = routes(self.book)
        self.now = T0

    def call(self, api: ApiId, tr_id: str, data: dict[str, Any], tr_cont: str = "") -> SimReply:
        endpoint = ENDPOINTS[api]
        ctx = CallContext(self.family, tr_id, tr_cont, "appkey", self.now)
        return self.routes[(endpoint.method, endpoint.path)](ctx, data)

    def reserve(self, **fields: Any) -> SimReply:
        body = {
            **ACCT,
            "PDNO": "005930",
            "ORD_QTY": "10",
            "ORD_UNPR": "0",
            "SLL_BUY_DVSN_CD": "02",
            "ORD_DVSN_CD": "01",
            "ORD_OBJT_CBLC_DVSN_CD": "10",
            **fields,
        }
        return self.call(
            ApiId.DOMESTIC_RESV_ORDER, "CTSC0008U", {k: v for k, v in body.items() if v is not None}
        )

    def seq(self, **fields: Any) -> str:
        reply = self.reserve(**fields)
        assert reply.body["rt_cd"] == "0", reply.body
        out = Envelope[ReservationOrderOutput].model_validate(reply.body).output
        assert out is not None
        return out.sequence

    def cancel(self, seq: str, **fields: Any) -> SimReply:
        body = {**ACCT, "RSVN_ORD_SEQ": seq, **fields}
        return self.call(ApiId.DOMESTIC_RESV_REVISE_CANCEL, "CTSC0009U", body)

    def revise(self, seq: str, **fields: Any) -> SimReply:
        body = {
            **ACCT,
            "RSVN_ORD_SEQ": seq,
            "PDNO": "005930",
            "ORD_QTY": "5",
            "ORD_UNPR": "55000",
            "SLL_BUY_DVSN_CD": "02",
            "ORD_DVSN_CD": "00",
            "ORD_OBJT_CBLC_DVSN_CD": "10",
            **fields,
        }
        body = {k: v for k, v in body.items() if v is not None}
        return self.call(ApiId.DOMESTIC_RESV_REVISE_CANCEL, "CTSC0013U", body)

    def listing(self, tr_cont: str = "", **over: str) -> SimReply:
        query = {
            "RSVN_ORD_ORD_DT": "20261101",
            "RSVN_ORD_END_DT": "20261231",
            "RSVN_ORD_SEQ": "",
            "TMNL_MDIA_KIND_CD": "00",
            **ACCT,
            "PRCS_DVSN_CD": "0",
            "CNCL_YN": "Y",
            "PDNO": "",
            "SLL_BUY_DVSN_CD": "",
            "CTX_AREA_FK200": "",
            "CTX_AREA_NK200": "",
            **over,
        }
        return self.call(ApiId.DOMESTIC_RESV_LIST, "CTSC0004R", query, tr_cont)

    def rows(self, **over: str) -> list[ReservationRow]:
        reply = self.listing(**over)
        assert reply.body["rt_cd"] == "0", reply.body
        return PagedEnvelope[ReservationRow].model_validate(reply.body).output

    def row(self, seq: str) -> ReservationRow:
        (found,) = [r for r in self.rows(CNCL_YN="N") if r.sequence == seq]
        return found

    def advance_to(self, moment: datetime) -> None:
        self.now = moment
        self.book.advance(moment)


def rejected(reply: SimReply, msg_cd: str) -> bool:
    assert reply.body["rt_cd"] == "1", reply.body
    assert reply.body["msg1"]
    return bool(reply.body["msg_cd"] == msg_cd)


def kst(d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(2026, 11, d, h, mi, s, tzinfo=KST)


# --- order-resv -----------------------------------------------------------------------------------


def test_paper_host_does_not_offer_reservations() -> None:
    desk = Desk(TrFamily.PAPER, paper_unsupported_code="IGW00009", paper_unsupported_status=500)
    for reply in (desk.reserve(), desk.listing(), desk.cancel("1")):
        assert reply.status == 500
        assert (reply.body["rt_cd"], reply.body["msg_cd"]) == ("1", "IGW00009")


def test_reservation_is_accepted_and_listed_as_unprocessed() -> None:
    desk = Desk()
    reply = desk.reserve()
    assert reply.body["msg_cd"] == "APBK0013"
    assert reply.committed
    assert set(reply.body["output"]) == {"RSVN_ORD_SEQ"}
    seq = reply.body["output"]["RSVN_ORD_SEQ"]
    (row,) = desk.rows()
    assert (row.sequence, row.order_date, row.receipt_date, row.receipt_time) == (
        seq,
        "20261125",
        "20261124",
        "160000",
    )
    assert (row.result, row.order_no, row.filled_quantity, row.cancel_date) == ("미처리", "", 0, "")
    assert (row.quantity, row.side_code, row.division_code, row.name) == (10, "02", "01", "삼성전자")
    assert "rsvn_ord_orgno" not in desk.listing().body["output"][0]
    (entry,) = desk.book.ledger()
    assert (entry.kind, entry.tr_id, entry.order_no) == ("resv", "CTSC0008U", seq)


def test_output_key_case_and_orgno_follow_settings() -> None:
    desk = Desk(resv_output_uppercase=False, resv_emit_orgno=True)
    assert set(desk.reserve().body["output"]) == {"rsvn_ord_seq"}
    assert desk.listing().body["output"][0]["rsvn_ord_orgno"] == "01790"
    seq = desk.rows()[0].sequence
    assert set(desk.cancel(seq).body["output"]) == {"nrml_prcs_yn"}


@pytest.mark.parametrize(
    ("moment", "order_day"),
    [(kst(24, 3), "20261124"), (kst(27, 16), "20261130"), (kst(28, 12), "20261130")],
)
def test_processing_date_is_the_next_business_day(moment: datetime, order_day: str) -> None:
    desk = Desk()
    desk.now = moment
    desk.seq()
    assert desk.rows()[0].order_date == order_day


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (kst(24, 14), False),
        (kst(24, 16), True),
        (kst(24, 23, 50), False),
        (kst(25, 0, 5), False),
        (kst(28, 12), True),
    ],
)
def test_intake_window_when_enforced(moment: datetime, accepted: bool) -> None:
    desk = Desk(enforce_reservation_window=True)
    desk.now = moment
    reply = desk.reserve()
    if accepted:
        assert reply.body["rt_cd"] == "0"
    else:
        assert rejected(reply, "APBK0919")
        desk.book.settings.enforce_reservation_window = False
        assert desk.reserve().body["rt_cd"] == "0"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ORD_UNPR": "55000"}, "APBK0918"),  # market orders carry "0"
        ({"ORD_DVSN_CD": "00", "ORD_UNPR": "0"}, "APBK0918"),
        ({"ORD_DVSN_CD": "05", "ORD_UNPR": "100"}, "APBK0918"),
        ({"ORD_DVSN_CD": "03"}, "OPSQ2002"),
        ({"ORD_OBJT_CBLC_DVSN_CD": "12"}, "APBK0918"),  # buys draw on cash only
        ({"ORD_OBJT_CBLC_DVSN_CD": "99"}, "OPSQ2002"),
        ({"SLL_BUY_DVSN_CD": "03"}, "OPSQ2002"),
        ({"PDNO": "5930"}, "OPSQ2002"),
        ({"PDNO": "999999"}, "APBK0656"),
        ({"ORD_QTY": "0"}, "APBK0918"),
        ({"ORD_QTY": None}, "OPSQ2002"),
        ({"CANO": "5012345"}, "OPSQ2002"),
        ({"RSVN_ORD_END_DT": "2026-12-01"}, "OPSQ2002"),
        ({"RSVN_ORD_END_DT": "20261124"}, "APBK0918"),  # not after today
        ({"RSVN_ORD_END_DT": "20261226"}, "APBK0918"),  # 31 days after the first processing day
    ],
)
def test_invalid_reservations(fields: dict[str, Any], code: str) -> None:
    desk = Desk()
    assert rejected(desk.reserve(**fields), code)
    assert desk.book.ledger() == []


def test_period_reservation_limits() -> None:
    desk = Desk(resv_max_period_orders=2)
    assert desk.reserve(RSVN_ORD_END_DT="20261225").body["rt_cd"] == "0"  # 30 days: the maximum
    assert desk.reserve(RSVN_ORD_END_DT="20261201").body["rt_cd"] == "0"
    assert rejected(desk.reserve(RSVN_ORD_END_DT="20261202"), "APBK0918")
    assert desk.reserve().body["rt_cd"] == "0"  # ordinary reservations do not count


def test_sell_reservation_with_a_loan_balance() -> None:
    desk = Desk()
    reply = desk.reserve(SLL_BUY_DVSN_CD="01", ORD_OBJT_CBLC_DVSN_CD="12", LOAN_DT="20261101")
    assert reply.body["rt_cd"] == "0"
    assert desk.rows()[0].loan_date == "20261101"


# --- order-resv-ccnl ------------------------------------------------------------------------------


def test_list_pages_with_domestic_keys() -> None:
    desk = Desk(resv_page_size=2)
    seqs = [desk.seq() for _ in range(5)]
    reply = desk.listing()
    assert reply.headers["tr_cont"] == "M"
    assert reply.body["msg_cd"] == "KIOK0510"
    assert reply.body["ctx_area_fk200"].startswith("20261101!^20261231!^0!^Y!^")
    assert len(reply.body["ctx_area_nk200"]) == 200
    seen = [r["rsvn_ord_seq"] for r in reply.body["output"]]
    while reply.headers["tr_cont"] == "M":
        keys = {
            "CTX_AREA_FK200": reply.body["ctx_area_fk200"],
            "CTX_AREA_NK200": reply.body["ctx_area_nk200"],
        }
        reply = desk.listing(tr_cont="N", **keys)
        seen += [r["rsvn_ord_seq"] for r in reply.body["output"]]
    assert seen == seqs
    assert (reply.headers["tr_cont"], reply.body["msg_cd"]) == ("D", "KIOK0460")


def test_list_filters() -> None:
    desk = Desk()
    buy = desk.seq()
    sell = desk.seq(SLL_BUY_DVSN_CD="01", PDNO="000660")
    gone = desk.seq()
    assert desk.cancel(gone).body["rt_cd"] == "0"

    def seqs(**over: str) -> list[str]:
        return [r.sequence for r in desk.rows(**over)]

    assert seqs() == [buy, sell]  # CNCL_YN Y: valid reservations only
    assert seqs(CNCL_YN="N") == [buy, sell, gone]
    assert seqs(SLL_BUY_DVSN_CD="01") == [sell]
    assert seqs(PDNO="000660") == [sell]
    assert seqs(RSVN_ORD_SEQ=buy) == [buy]
    assert seqs(RSVN_ORD_ORD_DT="20261126") == []
    assert seqs(PRCS_DVSN_CD="2") == [buy, sell]
    assert seqs(PRCS_DVSN_CD="1") == []
    desk.advance_to(kst(25, 9, 0, 1))
    assert seqs(PRCS_DVSN_CD="01") == [buy, sell]
    assert seqs(PRCS_DVSN_CD="02") == []
    assert rejected(desk.listing(PRCS_DVSN_CD="3"), "OPSQ2002")


def test_list_hides_rows_inside_the_visibility_delay() -> None:
    desk = Desk()
    desk.book.visibility_delay_s = 4.0
    desk.seq()
    desk.now += timedelta(seconds=3)
    assert desk.rows() == []
    desk.now += timedelta(seconds=1)
    assert len(desk.rows()) == 1


# --- order-resv-rvsecncl --------------------------------------------------------------------------


def test_cancel_needs_only_the_account_and_sequence() -> None:
    desk = Desk()
    seq = desk.seq()
    reply = desk.cancel(seq)
    assert (reply.body["rt_cd"], reply.body["msg_cd"]) == ("0", "KIOK0430")
    out = Envelope[ReservationReviseCancelOutput].model_validate(reply.body).output
    assert out is not None
    assert out.processed == "Y"
    row = desk.row(seq)
    assert (row.cancel_date, row.cancel_time) == ("20261124", "160000")
    assert row.cancelled
    reply = desk.cancel(seq)
    assert rejected(reply, "APBK0918")
    assert "취소" in reply.body["msg1"]
    assert rejected(desk.cancel("77777"), "APBK0918")
    assert rejected(desk.cancel(""), "OPSQ2002")
    assert [e.kind for e in desk.book.ledger()] == ["resv", "resv-cancel"]


def test_cancel_checks_a_given_order_date() -> None:
    desk = Desk()
    seq = desk.seq()
    assert rejected(desk.cancel(seq, RSVN_ORD_ORD_DT="20261126"), "APBK0918")
    assert desk.cancel(seq, RSVN_ORD_ORD_DT="20261125", RSVN_ORD_ORGNO="").body["rt_cd"] == "0"
    lenient = Desk(resv_check_order_date=False)
    seq = lenient.seq()
    assert lenient.cancel(seq, RSVN_ORD_ORD_DT="20261126").body["rt_cd"] == "0"


def test_revise_changes_terms_and_keeps_the_sequence() -> None:
    desk = Desk()
    seq = desk.seq()
    reply = desk.revise(seq, CTAL_TLNO="01012345678")
    assert (reply.body["rt_cd"], reply.body["msg_cd"]) == ("0", "KIOK0430")
    assert reply.body["output"] == {"NRML_PRCS_YN": "Y"}
    (row,) = desk.rows()
    assert (row.sequence, row.quantity, row.price, row.division_code) == (seq, 5, Decimal("55000"), "00")
    assert row.contact_phone == "01012345678"
    assert desk.revise(seq, CTAC_TLNO="01099998888").body["rt_cd"] == "0"  # the other spelling
    assert desk.rows()[0].contact_phone == "01099998888"
    assert [e.kind for e in desk.book.ledger()] == ["resv", "resv-revise", "resv-revise"]


def test_revise_with_a_new_sequence_when_settings_say_so() -> None:
    desk = Desk(resv_revise_keeps_sequence=False)
    seq = desk.seq()
    assert desk.revise(seq).body["rt_cd"] == "0"
    rows = desk.rows(CNCL_YN="N")
    assert [r.sequence for r in rows if r.cancelled] == [seq]
    (new,) = [r for r in rows if not r.cancelled]
    assert new.sequence != seq
    assert new.quantity == 5


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"PDNO": None}, "OPSQ2002"),  # revise needs the order fields
        ({"ORD_QTY": None}, "OPSQ2002"),
        ({"PDNO": "000660"}, "APBK0918"),  # symbol cannot change
        ({"SLL_BUY_DVSN_CD": "01"}, "APBK0918"),
        ({"RSVN_ORD_ORD_DT": "20261127"}, "APBK0918"),
        ({"ORD_DVSN_CD": "01"}, "APBK0918"),  # market with a price
        ({"RSVN_ORD_END_DT": "20261231"}, "APBK0918"),
    ],
)
def test_revise_rejections(fields: dict[str, Any], code: str) -> None:
    desk = Desk()
    seq = desk.seq()
    assert rejected(desk.revise(seq, **fields), code)


def test_wrong_tr_on_the_revise_cancel_path() -> None:
    desk = Desk()
    seq = desk.seq()
    body = {**ACCT, "RSVN_ORD_SEQ": seq}
    assert rejected(desk.call(ApiId.DOMESTIC_RESV_REVISE_CANCEL, "CTSC0008U", body), "OPSQ2001")


# --- processing -----------------------------------------------------------------------------------


def test_reservation_is_processed_at_the_open_of_its_day() -> None:
    desk = Desk()
    seq = desk.seq(ORD_QTY="10")
    desk.advance_to(kst(25, 8, 59, 59))
    assert desk.row(seq).result == "미처리"
    desk.advance_to(kst(25, 9, 0, 30))
    row = desk.row(seq)
    price = desk.book.prices.price(SAMSUNG, kst(25, 9))
    assert row.result == "처리"
    assert len(row.order_no) == 10
    assert row.order_no.isdigit()
    assert (row.filled_quantity, row.filled_amount, row.order_time) == (10, 10 * price, "090000")
    acct = desk.book.account(KEY)
    assert acct.cash["KRW"] == Decimal("100000000") - 10 * price
    assert acct.positions[SAMSUNG.key] == 1010
    assert rejected(desk.cancel(seq), "APBK0918")
    assert rejected(desk.revise(seq), "APBK0918")


def test_pre_market_reservation_trades_at_the_previous_close_at_0830() -> None:
    desk = Desk()
    seq = desk.seq(ORD_DVSN_CD="05", SLL_BUY_DVSN_CD="01")
    desk.advance_to(kst(25, 8, 30, 1))
    row = desk.row(seq)
    close = desk.book.prices.previous_close(SAMSUNG, kst(25, 8, 30))
    assert (row.result, row.filled_quantity, row.filled_amount) == ("처리", 10, 10 * close)
    assert desk.book.account(KEY).positions[SAMSUNG.key] == 990


def test_unmarketable_limit_is_processed_but_not_filled() -> None:
    desk = Desk()
    seq = desk.seq(ORD_DVSN_CD="00", ORD_UNPR="30000")
    desk.advance_to(kst(25, 10))
    row = desk.row(seq)
    assert (row.result, row.filled_quantity, row.reject_reason) == ("처리", 0, "")
    assert row.order_no


def test_processing_day_rejections() -> None:
    desk = Desk()
    rich = desk.seq(PDNO="373220", ORD_QTY="10000")  # ~3.9 billion KRW
    off_tick = desk.seq(ORD_DVSN_CD="00", ORD_UNPR="56010")  # KRX tick is 100 at this price
    too_many = desk.seq(SLL_BUY_DVSN_CD="01", ORD_QTY="5000")
    desk.advance_to(kst(25, 9, 1))
    for seq in (rich, off_tick, too_many):
        row = desk.row(seq)
        assert row.reject_reason, seq
        assert (row.result, row.filled_quantity, row.order_no) == ("처리", 0, "")


def test_period_reservation_runs_each_business_day_until_cancelled() -> None:
    desk = Desk()
    seq = desk.seq(ORD_DVSN_CD="00", ORD_UNPR="30000", RSVN_ORD_END_DT="20261210")
    desk.advance_to(kst(25, 9, 1))
    first_no = desk.row(seq).order_no
    assert first_no
    desk.advance_to(kst(30, 9, 1))  # Thursday, Friday, Monday
    assert desk.book.find_reservation(KEY, seq).last_run == date(2026, 11, 30)  # type: ignore[union-attr]
    assert desk.row(seq).order_no == first_no
    assert desk.cancel(seq).body["rt_cd"] == "0"  # stops the future days
    desk.advance_to(kst(30, 9, 1) + timedelta(days=2))
    assert desk.book.find_reservation(KEY, seq).last_run == date(2026, 11, 30)  # type: ignore[union-attr]


def test_cancelled_reservation_is_never_sent() -> None:
    desk = Desk()
    seq = desk.seq()
    desk.cancel(seq)
    desk.advance_to(kst(25, 10))
    row = desk.row(seq)
    assert (row.result, row.order_no, row.filled_quantity) == ("미처리", "", 0)
    assert desk.book.account(KEY).cash["KRW"] == Decimal("100000000")
