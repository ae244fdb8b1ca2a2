"""Order-status derivation (overseas-pending-and-fills.md §2) and PendingBook diffs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kisdesk.api.enums import Env, Exchange, Side
from kisdesk.api.models.inquiry import HistoryRow, PendingRow
from kisdesk.domain.capabilities import Reason
from kisdesk.domain.pending import (
    OrderStatus,
    PendingBook,
    from_history_rows,
    from_pending_row,
    order_key,
    revise_capability,
)

KST = ZoneInfo("Asia/Seoul")


def nccs(**kw: str) -> PendingRow:
    row = {
        "ord_dt": "20260106",
        "odno": "0000004336",
        "orgn_odno": "",
        "pdno": "AAPL",
        "prdt_name": "애플",
        "sll_buy_dvsn_cd": "02",
        "rvse_cncl_dvsn_cd": "00",
        "rjct_rson": "",
        "ord_tmd": "233512",
        "tr_crcy_cd": "USD",
        "ft_ord_qty": "10",
        "ft_ccld_qty": "0",
        "nccs_qty": "10",
        "ft_ord_unpr3": "145.00000000",
        "ft_ccld_unpr3": "0.00000000",
        "ovrs_excg_cd": "NASD",
        "splt_buy_attr_name": "",
    }
    return PendingRow.model_validate({**row, **kw})


def ccnl(**kw: str) -> HistoryRow:
    row = {
        "ord_dt": "20260106",
        "odno": "0000004336",
        "orgn_odno": "",
        "sll_buy_dvsn_cd": "02",
        "rvse_cncl_dvsn": "",
        "pdno": "AAPL",
        "ft_ord_qty": "10",
        "ft_ord_unpr3": "145.00000000",
        "ft_ccld_qty": "0",
        "ft_ccld_unpr3": "0",
        "nccs_qty": "10",
        "prcs_stat_name": "완료",
        "rjct_rson": "",
        "ord_tmd": "093512",
        "ovrs_excg_cd": "NASD",
        "tr_crcy_cd": "USD",
        "dmst_ord_dt": "20260106",
        "thco_ord_tmd": "233512",
        "splt_buy_attr_name": "",
    }
    return HistoryRow.model_validate({**row, **kw})


@pytest.mark.parametrize(
    ("kw", "status"),
    [
        ({}, OrderStatus.WORKING),
        ({"ft_ccld_qty": "4", "nccs_qty": "6", "ft_ccld_unpr3": "144.9"}, OrderStatus.PARTIALLY_FILLED),
        ({"ft_ccld_qty": "10", "nccs_qty": "0"}, OrderStatus.FILLED),
        ({"rjct_rson": "X1", "nccs_qty": "0"}, OrderStatus.REJECTED),
        ({"nccs_qty": "0"}, OrderStatus.CANCELLED),
    ],
)
def test_status_from_pending_row(kw, status):
    assert from_pending_row(nccs(**kw)).status is status


@pytest.mark.parametrize(
    ("kw", "status"),
    [
        ({}, OrderStatus.WORKING),
        ({"prcs_stat_name": "거부", "nccs_qty": "0"}, OrderStatus.REJECTED),
        ({"ft_ccld_qty": "10", "nccs_qty": "0"}, OrderStatus.FILLED),
        ({"ft_ccld_qty": "3", "nccs_qty": "7"}, OrderStatus.PARTIALLY_FILLED),
    ],
)
def test_status_from_history_row(kw, status):
    (order,) = from_history_rows([ccnl(**kw)])
    assert order.status is status


def test_pending_row_fields():
    order = from_pending_row(nccs(ft_ccld_qty="4", nccs_qty="6", ft_ccld_unpr3="144.90000000"))
    assert order.order_no == "0000004336"
    assert order.exchange is Exchange.NASD
    assert order.side is Side.BUY
    assert (order.quantity, order.filled, order.remaining) == (10, 4, 6)
    assert order.price == Decimal("145")
    assert order.avg_fill_price == Decimal("144.9")
    assert order.order_date == date(2026, 1, 6)
    assert order.currency == "USD"
    assert order.status.is_open


def test_market_type_price_and_no_fill_are_none():
    order = from_pending_row(nccs(ft_ord_unpr3="0"))
    assert order.price is None
    assert order.avg_fill_price is None


@pytest.mark.parametrize(
    ("exchange", "ord_dt", "ord_tmd", "expected"),
    [
        # US: 23:35 KST on local 01-06 is the same date; 02:00 KST belongs to local 01-06 => KST 01-07.
        ("NASD", "20260106", "233512", datetime(2026, 1, 6, 23, 35, 12, tzinfo=KST)),
        ("NYSE", "20260106", "020000", datetime(2026, 1, 7, 2, 0, tzinfo=KST)),
        ("SEHK", "20260106", "103000", datetime(2026, 1, 6, 10, 30, tzinfo=KST)),
        ("TKSE", "20260106", "", None),
    ],
)
def test_pending_row_kst_time(exchange, ord_dt, ord_tmd, expected):
    order = from_pending_row(nccs(ovrs_excg_cd=exchange, ord_dt=ord_dt, ord_tmd=ord_tmd))
    assert order.order_time == expected


def test_history_row_time_comes_from_korean_fields():
    (order,) = from_history_rows([ccnl(dmst_ord_dt="20260107", thco_ord_tmd="013000")])
    assert order.order_time == datetime(2026, 1, 7, 1, 30, tzinfo=KST)


def test_blank_exchange_uses_default_or_fails():
    assert from_pending_row(nccs(ovrs_excg_cd=""), Exchange.NYSE).exchange is Exchange.NYSE
    with pytest.raises(ValueError, match="exchange"):
        from_pending_row(nccs(ovrs_excg_cd=""))


def test_cancel_row_folds_onto_original():
    rows = [
        ccnl(nccs_qty="0"),
        ccnl(odno="0000004340", orgn_odno="4336", rvse_cncl_dvsn="02", ft_ord_qty="10", ft_ord_unpr3="0"),
    ]
    (order,) = from_history_rows(rows)
    assert order.order_no == "0000004336"
    assert order.status is OrderStatus.CANCELLED


def test_partial_fill_then_cancel():
    rows = [
        ccnl(ft_ccld_qty="4", nccs_qty="0"),
        ccnl(odno="4340", orgn_odno="0000004336", rvse_cncl_dvsn="02"),
    ]
    (order,) = from_history_rows(rows)
    assert (order.status, order.filled) == (OrderStatus.CANCELLED, 4)


def test_partial_cancel_keeps_order_working():
    rows = [ccnl(nccs_qty="6"), ccnl(odno="4340", orgn_odno="4336", rvse_cncl_dvsn="02", ft_ord_qty="4")]
    (order,) = from_history_rows(rows)
    assert order.status is OrderStatus.WORKING


def test_rejected_cancel_changes_nothing():
    rows = [
        ccnl(ft_ccld_qty="10", nccs_qty="0"),
        ccnl(odno="4340", orgn_odno="4336", rvse_cncl_dvsn="02", prcs_stat_name="거부", rjct_rson="filled"),
    ]
    (order,) = from_history_rows(rows)
    assert order.status is OrderStatus.FILLED


def test_revise_marks_original_and_stays_as_live_order():
    rows = [
        ccnl(nccs_qty="0"),
        ccnl(odno="0000004338", orgn_odno="0000004336", rvse_cncl_dvsn="01", ft_ord_unpr3="146.00"),
    ]
    original, revise = from_history_rows(rows)
    assert original.status is OrderStatus.REVISED
    assert (revise.order_no, revise.original_order_no) == ("0000004338", "0000004336")
    assert revise.status is OrderStatus.WORKING
    assert revise.price == Decimal("146")


def test_revise_then_cancel_the_revision():
    rows = [
        ccnl(nccs_qty="0"),
        ccnl(odno="4338", orgn_odno="4336", rvse_cncl_dvsn="01", nccs_qty="0"),
        ccnl(odno="4339", orgn_odno="4338", rvse_cncl_dvsn="02"),
    ]
    statuses = {o.order_no: o.status for o in from_history_rows(rows)}
    assert statuses == {"0000004336": OrderStatus.REVISED, "4338": OrderStatus.CANCELLED}


def test_repeated_rows_across_pages_are_deduplicated():
    rows = [ccnl(), ccnl(), ccnl(ft_ccld_qty="2", nccs_qty="8")]
    (order,) = from_history_rows(rows)
    assert order.filled == 2


def test_order_key_ignores_padding():
    assert order_key("0000004336") == order_key("4336") == "4336"
    assert order_key("0000000000") == "0"


# --- PendingBook ---------------------------------------------------------------------------------


def test_book_diffs_added_changed_removed():
    book = PendingBook()
    first = book.apply([nccs(), nccs(odno="0000004337", pdno="MSFT")])
    assert [o.symbol for o in first.added] == ["AAPL", "MSFT"]
    assert first.changed == first.removed == ()

    same = book.apply([nccs(), nccs(odno="0000004337", pdno="MSFT")])
    assert same.empty

    second = book.apply([nccs(ft_ccld_qty="4", nccs_qty="6"), nccs(odno="0000004339", pdno="TSLA")])
    assert [o.symbol for o in second.added] == ["TSLA"]
    assert [(o.symbol, o.status) for o in second.changed] == [("AAPL", OrderStatus.PARTIALLY_FILLED)]
    assert [o.symbol for o in second.removed] == ["MSFT"]
    assert len(book) == 2
    assert "4339" in book
    got = book.get("4336")
    assert got is not None
    assert got.filled == 4


def test_book_from_history_snapshot():
    book = PendingBook()
    book.apply([ccnl()])
    diff = book.apply([ccnl(nccs_qty="0"), ccnl(odno="4340", orgn_odno="4336", rvse_cncl_dvsn="02")])
    assert [(o.order_no, o.status) for o in diff.changed] == [("0000004336", OrderStatus.CANCELLED)]
    assert diff.added == diff.removed == ()


def test_book_dedupes_repeated_nccs_rows():
    book = PendingBook()
    diff = book.apply([nccs(), nccs()])
    assert len(diff.added) == 1


# --- revise capability of a listed order -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "can_revise", "can_cancel", "reason"),
    [
        ({}, True, True, None),
        ({"ovrs_excg_cd": "SHAA", "pdno": "600519"}, False, True, Reason.CANCEL_ONLY_MARKET),
        ({"ovrs_excg_cd": "HASE", "pdno": "SHS"}, False, True, Reason.CANCEL_ONLY_MARKET),
        ({"splt_buy_attr_name": "00:00~04:00"}, False, True, Reason.ALGO_NOT_REVISABLE),
        ({"ft_ccld_qty": "10", "nccs_qty": "0"}, False, False, Reason.ORDER_NOT_OPEN),
    ],
)
def test_revise_capability(kw, can_revise, can_cancel, reason):
    cap = revise_capability(from_pending_row(nccs(**kw)), Env.REAL)
    assert (cap.can_revise, cap.can_cancel) == (can_revise, can_cancel)
    assert cap.revise.reason is reason


def test_algo_cancel_is_flagged_uncertain():
    cap = revise_capability(from_pending_row(nccs(splt_buy_attr_name="정규장 종료")), Env.PAPER)
    assert cap.cancel.uncertain
