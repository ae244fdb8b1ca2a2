"""ReservationModel: Qt model contract, status derived from inquiry rows, typed sorting, keyed sync."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kisdesk.api.enums import ResvOrderDivision, Side
from kisdesk.api.models.reservation import ReservationRow
from kisdesk.ui.reservation_model import (
    ROW_ROLE,
    Column,
    ReservationModel,
    ReservationProxy,
    ResvStatus,
    division_of,
    is_changeable,
    status_of,
)
from kisdesk.ui.theme import BUY_COLOR, SELL_COLOR

BASE: dict[str, Any] = {
    "rsvn_ord_seq": "88001",
    "rsvn_ord_ord_dt": "20261124",
    "pdno": "005930",
    "kor_item_shtn_name": "삼성전자",
    "sll_buy_dvsn_cd": "02",
    "ord_dvsn_cd": "00",
    "ord_dvsn_name": "지정가",
    "ord_rsvn_qty": "3",
    "ord_rsvn_unpr": "55000",
    "tot_ccld_qty": "0",
    "prcs_rslt": "미처리",
}


def row(**wire: str) -> ReservationRow:
    return ReservationRow.model_validate({**BASE, **wire})


def test_model_contract_holds_through_every_mutation(qtmodeltester) -> None:
    model = ReservationModel()
    model.reset([row(), row(rsvn_ord_seq="88002")])
    qtmodeltester.check(model)
    model.upsert(row(rsvn_ord_seq="88003"))  # new
    model.upsert(row(rsvn_ord_seq="88001", ord_rsvn_qty="9"))  # existing, changed
    model.remove("88002")
    model.sync([row(rsvn_ord_seq="88003"), row(rsvn_ord_seq="88004")])
    assert [r.sequence for r in model.rows()] == ["88003", "88004"]


def test_sync_updates_rows_in_place_keyed_by_sequence(qtbot) -> None:
    model = ReservationModel()
    model.reset([row(), row(rsvn_ord_seq="88002")])
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        model.sync([row(ord_rsvn_qty="7"), row(rsvn_ord_seq="88002")])
    updated = model.row("88001")
    assert updated is not None
    assert updated.quantity == 7
    assert model.index(0, Column.QTY).data() == "7"


@pytest.mark.parametrize(
    ("wire", "status"),
    [
        ({}, ResvStatus.PENDING),
        ({"prcs_rslt": "처리"}, ResvStatus.PROCESSED),
        ({"odno": "0000012345"}, ResvStatus.PROCESSED),
        ({"prcs_rslt": "처리", "rjct_rson2": "주문가능금액 부족"}, ResvStatus.REJECTED),
        ({"cncl_ord_dt": "20261123"}, ResvStatus.CANCELLED),
        ({"cncl_ord_dt": "20261123", "rjct_rson2": "x"}, ResvStatus.CANCELLED),
    ],
)
def test_status_is_derived_from_the_row(wire: dict[str, str], status: ResvStatus) -> None:
    assert status_of(row(**wire)) is status
    assert is_changeable(row(**wire)) is (status is ResvStatus.PENDING)


def test_status_column_shows_words_and_side_is_coloured() -> None:
    model = ReservationModel()
    model.reset([row(), row(rsvn_ord_seq="88002", sll_buy_dvsn_cd="01", cncl_ord_dt="20261123")])
    assert model.index(0, Column.STATUS).data() == "Pending"
    assert model.index(1, Column.STATUS).data() == "Cancelled"
    assert model.index(0, Column.SIDE).data() == "Buy"
    assert model.index(0, Column.SIDE).data(Qt.ItemDataRole.ForegroundRole) == BUY_COLOR
    assert model.index(1, Column.SIDE).data(Qt.ItemDataRole.ForegroundRole) == SELL_COLOR
    assert model.index(0, Column.ORDER_DATE).data() == "2026-11-24"


def test_sorting_uses_typed_values_not_text() -> None:
    model = ReservationModel()
    model.reset(
        [
            row(rsvn_ord_seq="88010", ord_rsvn_qty="1000", ord_rsvn_unpr="9000"),
            row(rsvn_ord_seq="9001", ord_rsvn_qty="900", ord_rsvn_unpr="55000"),
        ]
    )
    proxy = ReservationProxy()
    proxy.setSourceModel(model)

    def order(column: Column) -> list[str]:
        proxy.sort(column, Qt.SortOrder.AscendingOrder)
        return [proxy.index(r, 0).data(ROW_ROLE).sequence for r in range(proxy.rowCount())]

    assert order(Column.QTY) == ["9001", "88010"]  # 900 < 1,000 although "1,000" < "900" as text
    assert order(Column.PRICE) == ["88010", "9001"]
    assert order(Column.SEQUENCE) == ["9001", "88010"]


@pytest.mark.parametrize(
    ("wire", "division"),
    [
        ({"ord_dvsn_name": "시장가", "ord_dvsn_cd": "01"}, ResvOrderDivision.MARKET),
        ({"ord_dvsn_name": "현금매수", "ord_dvsn_cd": "01"}, None),  # the spec's example: code ≠ type
        ({"ord_dvsn_name": "", "ord_dvsn_cd": "05"}, ResvOrderDivision.PRE_MARKET),
    ],
)
def test_order_type_comes_from_the_name_first(
    wire: dict[str, str], division: ResvOrderDivision | None
) -> None:
    assert division_of(row(**wire)) is division


def test_pending_duplicate_finds_same_terms_only_while_pending() -> None:
    model = ReservationModel()
    model.reset([row(), row(rsvn_ord_seq="88002", ord_rsvn_qty="5", cncl_ord_dt="20261123")])
    assert model.pending_duplicate("005930", Side.BUY, 3, Decimal(55000)) == "88001"
    assert model.pending_duplicate("005930", Side.BUY, 5, Decimal(55000)) is None
    assert model.pending_duplicate("005930", Side.SELL, 3, Decimal(55000)) is None
