"""PendingOrdersModel and PendingOrdersProxy: row-by-row updates, typed sorting, filters, formatting."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from kisdesk.api.enums import Exchange, Side
from kisdesk.domain.pending import KST, BookDiff, PendingBook, PendingOrder
from kisdesk.ui.grid_delegate import CellDelegate
from kisdesk.ui.pending_table import (
    _SORT_KEYS,
    ORDER_ROLE,
    SORT_ROLE,
    Column,
    PendingOrdersModel,
    PendingOrdersProxy,
)
from kisdesk.ui.theme import BUY_COLOR, SELL_COLOR
from tests.domain.pending_samples import BASE as SAMPLE

BASE = replace(SAMPLE, price=Decimal("114.87000000"))


def numbered(n: int) -> PendingOrder:
    return replace(BASE, order_no=f"{30135000 + n:010d}")


def filled_model(orders: list[PendingOrder]) -> tuple[PendingOrdersModel, PendingOrdersProxy]:
    model = PendingOrdersModel()
    model.reset(orders)
    proxy = PendingOrdersProxy()
    proxy.setSourceModel(model)
    return model, proxy


def column(proxy: PendingOrdersProxy, col: Column) -> list[str]:
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def test_model_passes_the_model_tester_through_every_mutation(qtmodeltester) -> None:
    model = PendingOrdersModel()
    book = PendingBook()
    model.apply(book.replace([numbered(1), numbered(2), numbered(3)]))
    qtmodeltester.check(model)  # keeps checking every later change
    model.apply(book.replace([numbered(1), numbered(2), numbered(3), numbered(4)]))  # added
    model.apply(book.replace([numbered(1), replace(numbered(2), filled=4, remaining=6), numbered(3)]))
    model.sort(Column.QTY, Qt.SortOrder.DescendingOrder)
    model.apply(
        book.replace([numbered(3), replace(numbered(5), quantity=99), replace(numbered(1), quantity=1)])
    )
    model.set_note(numbered(3).order_no, "cancel failed")
    model.reset([numbered(7)])
    assert model.rowCount() == 1


def test_apply_updates_row_by_row_and_never_resets(qtbot) -> None:
    model = PendingOrdersModel()
    book = PendingBook()
    model.apply(book.replace([numbered(n) for n in range(1, 7)]))
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda tl, br, _roles: changed.append((tl.row(), br.row())))
    later = [numbered(1), replace(numbered(4), filled=1, remaining=9), numbered(5), numbered(8), numbered(9)]
    with qtbot.assertNotEmitted(model.modelReset):
        model.apply(book.replace(later))
    assert removed == [(5, 5), (1, 2)]  # orders 2 and 3 in one run; from the bottom up
    assert changed == [(1, 1)]
    assert inserted == [(3, 4)]  # the two new orders in one batch
    assert [model.order_at(r).order_no[-1] for r in range(model.rowCount())] == ["1", "4", "5", "8", "9"]
    assert model.row_of("30135004") == 1  # zero padding does not matter


def test_removing_contiguous_rows_is_one_signal(qtbot) -> None:
    model = PendingOrdersModel()
    model.reset([numbered(n) for n in range(1, 6)])
    diff = BookDiff(removed=(numbered(2), numbered(3), numbered(4)))
    with qtbot.waitSignal(model.rowsRemoved) as blocker:
        model.apply(diff)
    assert blocker.args[1:] == [1, 3]
    assert model.rowCount() == 2


def test_scattered_removals_go_as_one_block_and_keep_the_rest(qtbot, qtmodeltester) -> None:
    model = PendingOrdersModel()
    book = PendingBook()
    model.apply(book.replace([numbered(n) for n in range(60)]))
    qtmodeltester.check(model)
    kept = QPersistentModelIndex(model.index(41, Column.SYMBOL))  # a selection would hold one of these
    with qtbot.waitSignal(model.rowsRemoved) as blocker:
        model.apply(book.replace([numbered(n) for n in range(1, 60, 2)]))  # 30 separate runs
    assert blocker.args[1:] == [30, 59]
    assert [model.order_at(r) for r in range(model.rowCount())] == [numbered(n) for n in range(1, 60, 2)]
    assert kept.row() == 20
    assert model.order_at(kept.row()) == numbered(41)


def test_display_text_is_formatted_for_traders() -> None:
    jp = replace(numbered(2), exchange=Exchange.TKSE, price=Decimal("2500.00000000"), quantity=1200)
    algo = replace(numbered(3), algo_window="23:30~04:00", price=None)
    model, _ = filled_model([numbered(1), jp, algo])
    text = {r: [model.index(r, c).data() for c in Column] for r in range(3)}
    assert text[0][Column.TIME] == "01:06:17"
    assert text[0][Column.PRICE] == "114.87"  # USD: 2 decimals, not KIS's 8
    assert text[0][Column.TYPE] == "—"
    assert text[1][Column.PRICE] == "2,500"  # JPY: no decimals
    assert text[1][Column.QTY] == "1,200"
    assert text[2][Column.TYPE] == "TWAP/VWAP"
    assert text[2][Column.PRICE] == "Market"
    assert model.headerData(Column.ORDER_NO, Qt.Orientation.Horizontal) == "Order no."


def test_side_is_coloured_and_numbers_right_aligned() -> None:
    model, _ = filled_model([numbered(1), replace(numbered(2), side=Side.SELL)])
    assert model.index(0, Column.SIDE).data(Qt.ItemDataRole.ForegroundRole) == BUY_COLOR
    assert model.index(1, Column.SIDE).data(Qt.ItemDataRole.ForegroundRole) == SELL_COLOR
    assert model.index(1, Column.SIDE).data() == "Sell"
    align = model.index(0, Column.QTY).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    assert model.index(0, Column.SYMBOL).data(ORDER_ROLE) == numbered(1)


@pytest.mark.parametrize(
    ("col", "orders", "expected"),
    [
        (
            Column.QTY,
            [replace(numbered(n), quantity=q) for n, q in enumerate([1000, 900, 25])],
            ["25", "900", "1,000"],  # as text, "1,000" < "25" < "900"
        ),
        (
            Column.PRICE,
            [replace(numbered(n), price=Decimal(p)) for n, p in enumerate(["9.50", "10.25", "100"])],
            ["9.50", "10.25", "100.00"],
        ),
    ],
)
def test_sort_is_on_typed_values_not_text(
    col: Column, orders: list[PendingOrder], expected: list[str]
) -> None:
    model, proxy = filled_model(orders)
    proxy.sort(col, Qt.SortOrder.AscendingOrder)
    assert column(proxy, col) == expected
    proxy.sort(col, Qt.SortOrder.DescendingOrder)
    assert column(proxy, col) == expected[::-1]
    assert isinstance(model.index(0, col).data(SORT_ROLE), int | Decimal)


def test_sort_by_time_and_order_number() -> None:
    times = [datetime(2026, 11, 22, h, 0, 0, tzinfo=KST) for h in (9, 1, 23)]
    orders = [
        replace(numbered(n), order_no=no, order_time=t)
        for n, (no, t) in enumerate(zip(["900", "1000", "95"], times, strict=True))
    ]
    _, proxy = filled_model(orders)
    proxy.sort(Column.TIME, Qt.SortOrder.DescendingOrder)
    assert column(proxy, Column.TIME) == ["23:00:00", "09:00:00", "01:00:00"]
    proxy.sort(Column.ORDER_NO, Qt.SortOrder.AscendingOrder)
    assert column(proxy, Column.ORDER_NO) == ["95", "900", "1000"]


def test_updates_keep_the_sort_order() -> None:
    model, proxy = filled_model([replace(numbered(n), quantity=n * 10) for n in (1, 2, 3)])
    proxy.sort(Column.QTY, Qt.SortOrder.AscendingOrder)
    book = PendingBook()
    book.replace(model.orders())
    model.apply(
        book.replace(
            [*model.orders()[:2], replace(numbered(3), quantity=5), replace(numbered(4), quantity=15)]
        )
    )
    assert column(proxy, Column.QTY) == ["5", "10", "15", "20"]


def test_proxy_filters_by_venue_side_and_text() -> None:
    orders = [
        replace(numbered(1), exchange=Exchange.NASD, symbol="AAPL", name="Apple"),
        replace(numbered(2), exchange=Exchange.NYSE, symbol="KO", name="Coca-Cola", side=Side.SELL),
        replace(numbered(3), exchange=Exchange.AMEX, symbol="SPY", name="SPDR"),
        replace(numbered(4), exchange=Exchange.SHAA, symbol="600519", name="Moutai", side=Side.SELL),
    ]
    _, proxy = filled_model(orders)
    proxy.set_venue(Exchange.NYSE)
    assert column(proxy, Column.SYMBOL) == ["KO"]
    proxy.set_venue(None)
    proxy.set_side(Side.SELL)
    assert column(proxy, Column.SYMBOL) == ["KO", "600519"]
    proxy.set_side(None)
    proxy.set_text("  coca ")  # name, case-insensitive
    assert column(proxy, Column.SYMBOL) == ["KO"]
    proxy.set_text("spy")
    assert column(proxy, Column.SYMBOL) == ["SPY"]
    proxy.set_text("135004")  # order number
    assert [o.symbol for o in proxy.shown_orders()] == ["600519"]
    proxy.set_text("")
    assert proxy.rowCount() == 4


def test_note_becomes_the_row_tooltip_until_the_order_goes() -> None:
    model, _ = filled_model([numbered(1), numbered(2)])
    model.set_note("30135002", "Cancel failed: [APBK0919] already filled")
    assert (
        model.index(1, Column.SYMBOL).data(Qt.ItemDataRole.ToolTipRole)
        == "Cancel failed: [APBK0919] already filled"
    )
    assert model.index(0, Column.SYMBOL).data(Qt.ItemDataRole.ToolTipRole) is None
    model.apply(BookDiff(removed=(numbered(2),)))
    model.apply(BookDiff(added=(numbered(2),)))
    assert model.index(1, Column.SYMBOL).data(Qt.ItemDataRole.ToolTipRole) is None


def test_proxy_accepts_only_the_pending_model() -> None:
    with pytest.raises(TypeError):
        PendingOrdersProxy().setSourceModel(QStringListModel(["x"]))


# --- applying in steps ----------------------------------------------------------------------------


def stepped(model: PendingOrdersModel, diff: BookDiff, chunk: int) -> int:
    """Run apply_steps to the end; the number of steps it took."""
    return 1 + sum(1 for _ in model.apply_steps(diff, chunk))


def expected_after(
    shown: list[PendingOrder], diff: BookDiff, col: Column | None, order: Qt.SortOrder
) -> list[PendingOrder]:
    """What the grid must show: kept rows updated in place, new ones after them, stably re-sorted."""
    gone = {o.key for o in diff.removed}
    latest = {o.key: o for o in (*diff.changed, *diff.added)}
    rows = [latest.pop(o.key, o) for o in shown if o.key not in gone]
    rows += latest.values()
    if col is None:
        return rows
    key = _SORT_KEYS[col]
    return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)


SNAPSHOTS = [
    [replace(numbered(n), quantity=(n * 7) % 5 + 1) for n in range(20)],
    # removed (scattered and a run), changed (some moving in a Qty sort), added (scattered and tied)
    [replace(numbered(n), quantity=(n * 7) % 5 + 1) for n in range(20) if n % 3 and n not in (10, 11)]
    + [replace(numbered(4), quantity=9), replace(numbered(5), filled=1, remaining=9)]
    + [replace(numbered(n), quantity=n % 4 + 1) for n in range(30, 45)],
    [replace(numbered(n), quantity=n % 4 + 1) for n in range(30, 45)] + [numbered(n) for n in range(50, 53)],
]


@pytest.mark.parametrize(
    ("col", "order"),
    [
        (None, Qt.SortOrder.AscendingOrder),
        (Column.QTY, Qt.SortOrder.DescendingOrder),
        (Column.TIME, Qt.SortOrder.AscendingOrder),
    ],
)
def test_steps_end_with_exactly_the_rows_a_full_re_sort_gives(
    qtmodeltester, col: Column | None, order: Qt.SortOrder
) -> None:
    model = PendingOrdersModel()
    if col is not None:
        model.sort(col, order)
    qtmodeltester.check(model)
    book = PendingBook()
    for snapshot in SNAPSHOTS:
        shown = model.orders()
        diff = book.replace(snapshot)
        assert stepped(model, diff, chunk=3) > 3
        assert model.orders() == expected_after(shown, diff, col, order)
        assert sorted(o.key for o in model.orders()) == sorted(o.key for o in book.orders())
        assert all(model.row_of(o.order_no) == r for r, o in enumerate(model.orders()))


def test_a_few_new_orders_are_inserted_in_place_without_a_re_sort(qtbot) -> None:
    model = PendingOrdersModel()
    model.sort(Column.QTY, Qt.SortOrder.AscendingOrder)
    book = PendingBook()
    old = [replace(numbered(n), quantity=q) for n, q in ((1, 10), (2, 20), (3, 30), (4, 40))]
    model.apply(book.replace(old))
    kept = QPersistentModelIndex(model.index(2, Column.SYMBOL))  # quantity 30, as a selection would
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    new = [
        replace(numbered(5), quantity=35),
        replace(numbered(6), quantity=5),
        replace(numbered(7), quantity=20),
    ]
    with qtbot.assertNotEmitted(model.layoutChanged):
        model.apply(book.replace([*old, *new]))
    assert column(filled_proxy(model), Column.QTY) == ["5", "10", "20", "20", "30", "35", "40"]
    assert model.order_at(3) == new[2]  # after the row it ties with, as a stable re-sort would put it
    assert inserted == [(3, 3), (2, 2), (0, 0)]  # one signal per place, from the bottom up
    assert model.order_at(kept.row()) == old[2]


def test_many_scattered_new_orders_still_end_in_sort_order() -> None:
    model = PendingOrdersModel()
    model.sort(Column.ORDER_NO, Qt.SortOrder.DescendingOrder)
    book = PendingBook()
    model.apply(book.replace([numbered(n) for n in range(0, 200, 2)]))
    model.apply(book.replace([numbered(n) for n in range(200)]))  # 100 places: appended, then sorted
    assert [o.order_no for o in model.orders()] == [numbered(n).order_no for n in range(199, -1, -1)]


def test_a_re_sort_between_steps_is_kept_by_the_rest_of_the_steps() -> None:
    model = PendingOrdersModel()
    model.sort(Column.QTY, Qt.SortOrder.AscendingOrder)
    book = PendingBook()
    orders = [replace(numbered(n), quantity=n % 7 + 1, price=Decimal(100 - n)) for n in range(30)]
    steps = model.apply_steps(book.replace(orders), chunk=4)
    while model.rowCount() == 0:
        next(steps)
    assert model.rowCount() < 30  # part of the snapshot shown, in Qty order
    model.sort(Column.PRICE, Qt.SortOrder.DescendingOrder)  # the user clicks a header meanwhile
    for _ in steps:
        pass
    assert model.orders() == sorted(orders, key=lambda o: o.price or 0, reverse=True)


def test_a_reset_between_steps_ends_them() -> None:
    model = PendingOrdersModel()
    steps = model.apply_steps(PendingBook().replace([numbered(n) for n in range(10)]), chunk=2)
    next(steps)
    next(steps)
    model.reset([numbered(99)])  # a new session: the old snapshot's remaining rows must not arrive
    for _ in steps:
        pass
    assert model.orders() == [numbered(99)]


# --- filtering ----------------------------------------------------------------------------------------


def filled_proxy(model: PendingOrdersModel) -> PendingOrdersProxy:
    proxy = PendingOrdersProxy()
    proxy.setSourceModel(model)
    return proxy


def test_filters_apply_to_rows_that_arrive_or_change_later() -> None:
    model = PendingOrdersModel()
    proxy = filled_proxy(model)
    book = PendingBook()
    model.apply(book.replace([numbered(1), replace(numbered(2), name="Kiwi Corp", symbol="KIWI")]))
    proxy.set_venue(Exchange.NASD)
    proxy.set_text("apple")
    assert column(proxy, Column.ORDER_NO) == [numbered(1).order_no]
    model.apply(
        book.replace(
            [
                numbered(1),
                replace(numbered(2), name="Apple Kiwi", symbol="KIWI"),  # now matches the text
                replace(numbered(3), exchange=Exchange.NYSE),  # another venue
                replace(numbered(4), side=Side.SELL),
            ]
        )
    )
    assert column(proxy, Column.ORDER_NO) == [numbered(n).order_no for n in (1, 2, 4)]
    proxy.set_side(Side.SELL)
    assert column(proxy, Column.ORDER_NO) == [numbered(4).order_no]


@pytest.mark.parametrize(("text", "shown"), [("a.p", []), ("(", ["S(P)"]), ("p)", ["S(P)"]), ("S\x1fP", [])])
def test_filter_text_is_matched_literally(text: str, shown: list[str]) -> None:
    model = PendingOrdersModel()
    model.reset(
        [replace(numbered(1), symbol="S(P)", name="x"), replace(numbered(2), symbol="AAPL", name="y")]
    )
    proxy = filled_proxy(model)
    proxy.set_text(text)
    assert column(proxy, Column.SYMBOL) == shown


def _style(delegate: QStyledItemDelegate, index: QModelIndex) -> tuple[object, ...]:
    """What a delegate would paint a cell with: the style option fields its roles decide."""
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, index)
    palette = QPalette(option.palette)
    return (
        option.text,
        option.displayAlignment,
        option.features,
        QBrush(palette.brush(QPalette.ColorRole.Text)),
        QBrush(option.backgroundBrush),
        QFont(option.font),
        option.checkState,
        option.icon.isNull(),
        QPersistentModelIndex(option.index),
        option.styleObject,
    )


MIXED = [
    numbered(1),
    replace(numbered(2), side=Side.SELL, exchange=Exchange.TKSE, symbol="7203", name="トヨタ自動車"),
    replace(numbered(3), price=None, algo_window="23:30~04:00", quantity=1234, filled=34, remaining=1200),
    replace(numbered(4), side=Side.SELL, name="Two\nlines", price=Decimal("0.00012300")),
    replace(numbered(5), exchange=Exchange.SEHK, symbol="00700", name="騰訊控股", order_time=None),
]


@pytest.mark.parametrize("view", ["unfiltered", "sold only", "text filter", "sorted by qty"])
def test_cell_delegate_styles_every_cell_as_qt_does_from_the_roles(qapp, view: str) -> None:
    """The grid's fast delegate must paint what Qt's own would, which asks data() role by role."""
    model, proxy = filled_model(MIXED)
    model.set_note(numbered(2).order_no, "cancel failed")
    if view == "sold only":
        proxy.set_side(Side.SELL)
    elif view == "text filter":
        proxy.set_text("e")  # Apple, Apple and Two lines: proxy rows are not model rows
    elif view == "sorted by qty":
        proxy.sort(Column.QTY, Qt.SortOrder.DescendingOrder)
    assert proxy.rowCount() > 1
    fast, qt = CellDelegate(proxy.cell), QStyledItemDelegate()
    for row in range(proxy.rowCount()):
        for col in Column:
            index = proxy.index(row, col)
            assert _style(fast, index) == _style(qt, index), (view, row, col.name)


def test_cell_is_what_data_answers_for_painting(qapp) -> None:
    model, proxy = filled_model(MIXED)
    proxy.set_venue(Exchange.TKSE)
    for row in range(model.rowCount()):
        for col in Column:
            index = model.index(row, col)
            text, alignment, foreground, background = model.cell(row, col)
            assert text == index.data()
            assert alignment == index.data(Qt.ItemDataRole.TextAlignmentRole)
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
            assert (foreground and foreground.color()) == colour
            tint = index.data(Qt.ItemDataRole.BackgroundRole)
            assert (background and background.color()) == tint
    shown = proxy.index(0, Column.SYMBOL)
    source = model.cell(proxy.mapToSource(shown).row(), Column.SYMBOL)
    assert proxy.cell(shown) == source
    assert source[0] == "7203"
    assert proxy.cell(QModelIndex()) is None


def test_cell_delegate_falls_back_to_the_roles_without_a_cell(qapp) -> None:
    model = QStringListModel(["x"])
    fast = CellDelegate(lambda index: None)
    assert _style(fast, model.index(0, 0)) == _style(QStyledItemDelegate(), model.index(0, 0))
