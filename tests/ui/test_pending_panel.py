"""PendingOrdersPanel against a fake OrderService, plus one run against the embedded simulator.

Coroutines here only `await`; dialogs are answered from inside the scenario once they are open
(never qtbot.wait* inside a coroutine: stack-notes Pitfall #2).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator, Iterable, Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QStyledItemDelegate

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import KisApiError
from kisdesk.api.models import OrderOutput
from kisdesk.app.orders import CancelResult, ProgressCallback
from kisdesk.app.session import Session
from kisdesk.domain.pending import DIFF_CHUNK, BookDiff, PendingOrder
from kisdesk.domain.rules import Problem
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui.cancel_confirm import CancelConfirmDialog
from kisdesk.ui.grid_delegate import CellDelegate
from kisdesk.ui.pending_panel import PendingOrders, PendingOrdersPanel
from kisdesk.ui.pending_table import APPLY_CHUNK, Column
from kisdesk.ui.revise_dialog import ReviseDialog
from tests.domain.pending_samples import numbered


def ack(order_no: str) -> OrderOutput:
    return OrderOutput.model_validate({"ODNO": order_no})


class FakeOrders:
    """OrderService's surface the panel uses; records what was sent."""

    def __init__(self, orders: Iterable[PendingOrder], env: Env = Env.REAL) -> None:
        self.env = env
        self.orders = list(orders)
        self.pending_calls = 0
        self.gate: asyncio.Event | None = None  # when set, pending() waits for it
        self.error: BaseException | None = None
        self.cancelled: list[str] = []
        self.revised: list[tuple[str, int, Decimal]] = []
        self.failures: dict[str, BaseException] = {}
        self.progress_seen: list[int] = []
        self.on_cancel: Callable[[], None] = lambda: None

    async def pending(self) -> list[PendingOrder]:
        self.pending_calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return list(self.orders)

    def revise_problems(self, order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]:
        return [] if price > 0 else [Problem("price", "PRICE_NOT_POSITIVE", "the price must be above 0")]

    async def revise(self, order: PendingOrder, quantity: int, price: Decimal) -> OrderOutput:
        self.revised.append((order.order_no, quantity, price))
        new = numbered(
            99, price=price, quantity=quantity, remaining=quantity, original_order_no=order.order_no
        )
        self.orders = [new if o.order_no == order.order_no else o for o in self.orders]
        return ack(new.order_no)

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: ProgressCallback | None = None
    ) -> list[tuple[PendingOrder, CancelResult]]:
        results: list[tuple[PendingOrder, CancelResult]] = []
        for order in orders:
            await asyncio.sleep(0)
            self.on_cancel()
            result: CancelResult = self.failures.get(order.order_no) or ack("9" + order.order_no[1:])
            if not isinstance(result, BaseException):
                self.cancelled.append(order.order_no)
                self.orders = [o for o in self.orders if o.order_no != order.order_no]
            if on_result is not None:
                on_result(order, result)
            results.append((order, result))
        return results


async def until(predicate: Callable[[], object], seconds: float = 3.0) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110  (polls widget state; no event to wait on)
            await asyncio.sleep(0.005)


def make_panel(qtbot, orders: PendingOrders, refresh_interval_ms: int = 5000) -> PendingOrdersPanel:
    panel = PendingOrdersPanel(orders, refresh_interval_ms=refresh_interval_ms)
    qtbot.addWidget(panel)
    return panel


def loaded(
    qtbot, qloop, orders: Iterable[PendingOrder], env: Env = Env.REAL
) -> tuple[PendingOrdersPanel, FakeOrders]:
    fake = FakeOrders(orders, env)
    panel = make_panel(qtbot, fake)
    qloop.run_until_complete(panel.refresh())
    return panel, fake


def select(panel: PendingOrdersPanel, *order_nos: str) -> None:
    panel.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for order_no in order_nos:
        row = panel.model.row_of(order_no)
        assert row is not None
        index = panel.proxy.mapFromSource(panel.model.index(row, 0))
        panel.table.selectionModel().select(index, flags)


async def answer_cancel(panel: PendingOrdersPanel, confirm: bool) -> str:
    await until(lambda: isinstance(panel.active_dialog, CancelConfirmDialog))
    dialog = panel.active_dialog
    assert isinstance(dialog, CancelConfirmDialog)
    text = dialog.text()
    (dialog.confirm_button if confirm else dialog.keep_button).click()
    return text


def test_refresh_fills_the_grid_and_reports_the_count(qtbot, qloop) -> None:
    fake = FakeOrders([numbered(1), numbered(2), numbered(3)])
    panel = make_panel(qtbot, fake)
    with qtbot.waitSignal(panel.refreshed) as blocker:
        qloop.run_until_complete(panel.refresh())
    assert blocker.args == [3]
    assert panel.proxy.rowCount() == 3
    assert panel.summary_label.text().startswith("3 shown of 3")
    assert panel.cancel_all_button.isEnabled()


def test_refresh_failure_is_shown_and_the_grid_kept(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1)])
    fake.error = KisApiError(tr_id="TTTS3018R", rt_cd="1", msg_cd="EGW00201", msg1="too many requests")
    with qtbot.waitSignal(panel.message) as blocker:
        qloop.run_until_complete(panel.refresh())
    assert "[EGW00201] too many requests" in blocker.args[0]
    assert "Refresh failed" in panel.status_label.text()
    assert panel.proxy.rowCount() == 1
    fake.error = None
    qloop.run_until_complete(panel.refresh())
    assert panel.status_label.text() == ""


def test_selection_and_scroll_survive_a_refresh_that_changes_other_rows(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(n) for n in range(1, 201)])
    panel.table.sortByColumn(Column.ORDER_NO, Qt.SortOrder.AscendingOrder)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    select(panel, numbered(50).order_no)
    panel.table.verticalScrollBar().setValue(40)
    fake.orders = [o for o in fake.orders if o.order_no != numbered(180).order_no]  # removed below
    fake.orders[9] = numbered(10, filled=3, remaining=7)  # changed above the viewport
    fake.orders[69] = numbered(70, price=Decimal("99.5"))  # changed below
    fake.orders.append(numbered(201))  # added at the end
    qloop.run_until_complete(panel.refresh())
    assert panel.proxy.rowCount() == 200
    assert [o.order_no for o in panel.selected_orders()] == [numbered(50).order_no]
    assert panel.table.verticalScrollBar().value() == 40
    assert panel.proxy.index(9, Column.FILLED).data() == "3"


def test_the_grid_paints_exactly_as_with_qt_s_own_delegate(qtbot, qloop) -> None:
    orders = [
        numbered(n, side=Side.SELL if n % 3 == 0 else Side.BUY, quantity=n * 1000, price=Decimal(n) / 7)
        for n in range(1, 40)
    ]
    panel, _ = loaded(qtbot, qloop, orders)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    select(panel, numbered(3).order_no, numbered(4).order_no)
    fast = panel.table.itemDelegate()
    assert isinstance(fast, CellDelegate)
    for side in (None, Side.SELL):
        panel.proxy.set_side(side)
        panel.table.setItemDelegate(fast)
        painted = panel.table.viewport().grab().toImage()
        panel.table.setItemDelegate(QStyledItemDelegate(panel.table))
        assert painted == panel.table.viewport().grab().toImage(), side


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (
            numbered(1, exchange=Exchange.SHAA, symbol="600519"),
            "China/Vietnam orders can be cancelled, not revised",
        ),
        (
            numbered(1, exchange=Exchange.VNSE, symbol="VNM"),
            "China/Vietnam orders can be cancelled, not revised",
        ),
        (numbered(1, algo_window="23:30~04:00"), "TWAP/VWAP orders cannot be revised"),
    ],
)
def test_revise_is_disabled_with_the_reason(qtbot, qloop, order: PendingOrder, reason: str) -> None:
    panel, _ = loaded(qtbot, qloop, [order])
    select(panel, order.order_no)
    assert not panel.revise_button.isEnabled()
    assert not panel.revise_action.isEnabled()
    assert panel.revise_button.toolTip() == reason
    assert panel.cancel_button.isEnabled()  # cancel-only venues and TWAP/VWAP can still be cancelled


def test_revise_needs_exactly_one_revisable_selection(qtbot, qloop) -> None:
    panel, _ = loaded(qtbot, qloop, [numbered(1), numbered(2)])
    assert not panel.revise_button.isEnabled()
    select(panel, numbered(1).order_no)
    assert panel.revise_button.isEnabled()
    select(panel, numbered(1).order_no, numbered(2).order_no)
    assert not panel.revise_button.isEnabled()
    assert panel.revise_button.toolTip() == "Select exactly one order to revise"
    assert panel.cancel_button.isEnabled()


def test_cancel_all_shown_cancels_exactly_the_filtered_set(qtbot, qloop) -> None:
    orders = [
        numbered(1, exchange=Exchange.NASD),
        numbered(2, exchange=Exchange.NYSE, symbol="KO"),
        numbered(3, exchange=Exchange.NYSE, symbol="KO", side=Side.SELL),
        numbered(4, exchange=Exchange.NYSE, symbol="IBM", side=Side.SELL),
        numbered(5, exchange=Exchange.AMEX, symbol="SPY", side=Side.SELL),
    ]
    panel, fake = loaded(qtbot, qloop, orders)
    panel.venue_filter.setCurrentIndex(panel.venue_filter.findData("NYSE"))
    panel.side_filter.setCurrentIndex(panel.side_filter.findData(Side.SELL.value))
    assert panel.proxy.rowCount() == 2

    async def scenario() -> str:
        task = asyncio.ensure_future(panel.cancel_all_shown())
        text = await answer_cancel(panel, confirm=True)
        await task
        return text

    text = qloop.run_until_complete(scenario())
    assert "Cancel 2 order(s)?" in text
    assert sorted(fake.cancelled) == [numbered(3).order_no, numbered(4).order_no]
    assert panel.model.rowCount() == 3  # refreshed afterwards


def test_keeping_the_orders_sends_nothing(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1), numbered(2), numbered(3)])
    select(panel, numbered(1).order_no, numbered(3).order_no)

    async def scenario() -> str:
        task = asyncio.ensure_future(panel.cancel_selected())
        await until(lambda: isinstance(panel.active_dialog, CancelConfirmDialog))
        assert not panel.cancel_button.isEnabled()  # no second question while this one is open
        text = await answer_cancel(panel, confirm=False)
        await task
        return text

    assert "Cancel 2 order(s)?" in qloop.run_until_complete(scenario())
    assert fake.cancelled == []
    assert panel.status_label.text() == "Nothing was cancelled"
    assert panel.cancel_button.isEnabled()


def test_bulk_cancel_reports_progress_and_each_result(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1), numbered(2), numbered(3), numbered(4)])
    fake.failures[numbered(2).order_no] = KisApiError(
        tr_id="TTTT1004U", rt_cd="1", msg_cd="APBK0919", msg1="already filled"
    )
    fake.on_cancel = lambda: fake.progress_seen.append(panel.progress.value())
    busy: list[bool] = []
    panel.busy_changed.connect(busy.append)

    async def scenario() -> None:
        task = asyncio.ensure_future(panel.cancel_all_shown())
        await answer_cancel(panel, confirm=True)
        await until(lambda: panel.progress.isVisible() or task.done())
        assert panel.progress.maximum() == 4
        await task

    qloop.run_until_complete(scenario())
    assert fake.progress_seen == [0, 1, 2, 3]  # advanced once per result
    assert not panel.progress.isVisible()
    status = panel.status_label.text()
    assert status.startswith(
        "3 cancel request(s) accepted, 1 failed: 0030135002 AAPL [APBK0919] already filled"
    )
    assert len(panel.status_label.toolTip().splitlines()) == 4  # one line per order
    row = panel.model.row_of(numbered(2).order_no)
    assert row is not None
    assert "APBK0919" in panel.model.index(row, Column.SYMBOL).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.model.rowCount() == 1
    assert busy[0] is True
    assert busy[-1] is False


def test_revise_selected_sends_the_dialog_values_and_refreshes(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1), numbered(2)])
    select(panel, numbered(2).order_no)

    async def scenario() -> None:
        task = asyncio.ensure_future(panel.revise_selected())
        await until(lambda: isinstance(panel.active_dialog, ReviseDialog))
        dialog = panel.active_dialog
        assert isinstance(dialog, ReviseDialog)
        dialog.quantity_spin.setValue(4)
        dialog.price_edit.setText("95.25")
        dialog.ok_button.click()
        await task

    qloop.run_until_complete(scenario())
    assert fake.revised == [(numbered(2).order_no, 4, Decimal("95.25"))]
    assert "new order no. 0030135099" in panel.status_label.text()
    row = panel.model.row_of("0030135099")
    assert row is not None
    assert panel.model.index(row, Column.PRICE).data() == "95.25"


def test_double_click_opens_the_revise_dialog(qtbot, qloop) -> None:
    panel, _ = loaded(qtbot, qloop, [numbered(1)])
    panel.show()
    qtbot.waitExposed(panel)

    async def scenario() -> None:
        rect = panel.table.visualRect(panel.proxy.index(0, Column.SYMBOL))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        await until(lambda: isinstance(panel.active_dialog, ReviseDialog))
        panel.active_dialog.reject()  # type: ignore[union-attr]
        await until(lambda: panel.active_dialog is None)

    qloop.run_until_complete(scenario())


def test_delete_key_asks_to_cancel_the_selection(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1), numbered(2)])
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    select(panel, numbered(2).order_no)
    panel.table.setFocus()
    assert panel.refresh_action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    assert panel.revise_action.shortcuts()[0] == QKeySequence(Qt.Key.Key_Return)
    assert panel.cancel_action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut

    async def scenario() -> str:
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
        text = await answer_cancel(panel, confirm=True)
        await until(lambda: panel.model.rowCount() == 1)
        return text

    assert "Cancel 1 order(s)?" in qloop.run_until_complete(scenario())
    assert fake.cancelled == [numbered(2).order_no]


def test_auto_refresh_timer_triggers_refresh(qtbot, qloop) -> None:
    fake = FakeOrders([numbered(1)])
    panel = make_panel(qtbot, fake, refresh_interval_ms=20)
    counts: list[int] = []
    panel.refreshed.connect(counts.append)

    async def scenario() -> None:
        panel.start_auto_refresh()
        await until(lambda: len(counts) >= 2)
        panel.stop_auto_refresh()

    qloop.run_until_complete(scenario())
    assert counts[:2] == [1, 1]
    assert not panel.auto_refresh_active


def test_timer_never_stacks_refreshes(qtbot, qloop) -> None:
    fake = FakeOrders([numbered(1)])
    fake.gate = asyncio.Event()
    panel = make_panel(qtbot, fake, refresh_interval_ms=5)

    async def scenario() -> None:
        panel.start_auto_refresh()
        await asyncio.sleep(0.1)  # about 20 ticks while the first refresh hangs
        assert fake.pending_calls == 1
        assert panel.busy
        assert fake.gate is not None
        fake.gate.set()
        await until(lambda: panel.model.rowCount() == 1)
        panel.stop_auto_refresh()

    qloop.run_until_complete(scenario())


def test_against_the_embedded_simulator(qtbot, qloop) -> None:
    async def scenario() -> None:
        session = await Session.open_demo()
        try:
            quote = await session.market.quote(Exchange.NASD, "AAPL")
            assert quote.last is not None
            far_below = (quote.last / 2).quantize(Decimal("0.01"))
            for quantity in (1, 2, 3):
                await session.orders.submit(
                    OverseasTicket(
                        Env.DEMO, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.LIMIT, quantity, far_below
                    )
                )
            panel = make_panel(qtbot, session.orders)
            await panel.refresh()
            assert panel.model.rowCount() == 3

            panel.table.selectRow(0)
            target = panel.selected_orders()[0]
            revise = asyncio.ensure_future(panel.revise_selected())
            await until(lambda: isinstance(panel.active_dialog, ReviseDialog))
            dialog = panel.active_dialog
            assert isinstance(dialog, ReviseDialog)
            new_price = far_below - Decimal("1.00")
            dialog.price_edit.setText(str(new_price))
            dialog.ok_button.click()
            await revise
            assert "accepted" in panel.status_label.text()
            prices = sorted(o.price for o in await session.orders.pending() if o.price is not None)
            assert new_price in prices
            assert panel.model.rowCount() == 3
            assert target.order_no not in [o.order_no for o in panel.model.orders()]

            cancel = asyncio.ensure_future(panel.cancel_all_shown())
            assert "Cancel 3 order(s)?" in await answer_cancel(panel, confirm=True)
            await cancel
            assert panel.model.rowCount() == 0
            assert await session.orders.pending() == []
        finally:
            await session.close()

    qloop.run_until_complete(scenario())


def test_enter_on_the_question_keeps_the_orders(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(1)])
    select(panel, numbered(1).order_no)

    async def scenario() -> None:
        task = asyncio.ensure_future(panel.cancel_selected())
        await until(lambda: isinstance(panel.active_dialog, CancelConfirmDialog))
        dialog = panel.active_dialog
        assert isinstance(dialog, CancelConfirmDialog)
        assert dialog.defaultButton() is dialog.keep_button
        assert "cannot be undone" in dialog.informativeText()
        assert "0030135001  NASD AAPL  Buy 10 @ 100.00" in dialog.detailedText()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        await task

    qloop.run_until_complete(scenario())
    assert fake.cancelled == []


# --- large refreshes: diffed and applied in steps ---------------------------------------------------

MANY = 5_000  # more than one step's worth of rows (APPLY_CHUNK, DIFF_CHUNK)


def spy_on_steps(panel: PendingOrdersPanel) -> asyncio.Event:
    """An event set once the grid's update has put some rows in and yields to the loop."""
    some_rows = asyncio.Event()
    apply_steps = panel.model.apply_steps

    def spying(diff: BookDiff, chunk: int = APPLY_CHUNK) -> Iterator[None]:
        for step in apply_steps(diff, chunk):
            if panel.model.rowCount():
                some_rows.set()
            yield step

    panel.model.apply_steps = spying  # type: ignore[method-assign]
    return some_rows


def test_a_large_refresh_lets_the_loop_run_while_the_grid_fills(qtbot, qloop) -> None:
    fake = FakeOrders([numbered(n) for n in range(MANY)])
    panel = make_panel(qtbot, fake)
    seen_rows: list[int] = []

    async def watch() -> None:
        while True:
            seen_rows.append(panel.model.rowCount())
            await asyncio.sleep(0)

    async def scenario() -> None:
        watcher = asyncio.ensure_future(watch())
        await panel.refresh()
        watcher.cancel()

    qloop.run_until_complete(scenario())
    assert panel.model.rowCount() == MANY
    # Other tasks ran while the snapshot was diffed and while it went into the grid part by part.
    assert [n for n in seen_rows if 0 < n < MANY]


def test_a_newer_refresh_during_the_grid_update_still_ends_on_the_newest_snapshot(qtbot, qloop) -> None:
    first = [numbered(n) for n in range(MANY)]
    fake = FakeOrders(first)
    panel = make_panel(qtbot, fake)
    first_step = spy_on_steps(panel)

    async def scenario() -> None:
        older = asyncio.ensure_future(panel.refresh())
        await first_step.wait()
        assert 0 < panel.model.rowCount() < MANY  # the older refresh is half-way into the grid
        fake.orders = [*first[1:], numbered(MANY)]  # one order gone, one new
        await panel.refresh()  # cancels the older one (latest wins)
        await older

    qloop.run_until_complete(scenario())
    # Had the older update stopped half-way, the newer diff (one out, one in) would leave most rows out.
    assert sorted(o.key for o in panel.model.orders()) == sorted(o.key for o in fake.orders)
    assert panel.model.rowCount() == MANY


def test_a_refresh_cancelled_while_diffing_changes_nothing(qtbot, qloop) -> None:
    panel, fake = loaded(qtbot, qloop, [numbered(n) for n in range(10)])
    fake.orders = [numbered(n) for n in range(5, MANY)]
    replace_steps = panel._book.replace_steps
    diffing = asyncio.Event()

    def spying(orders: Iterable[PendingOrder], chunk: int = DIFF_CHUNK) -> Generator[None, None, BookDiff]:
        steps = replace_steps(orders, chunk)
        next(steps)
        diffing.set()
        yield
        return (yield from steps)

    panel._book.replace_steps = spying  # type: ignore[method-assign]

    async def scenario() -> None:
        refresh = asyncio.ensure_future(panel.refresh())
        await diffing.wait()
        panel.stop_auto_refresh()  # cancels the refresh task
        await refresh

    qloop.run_until_complete(scenario())
    assert [o.order_no for o in panel.model.orders()] == [numbered(n).order_no for n in range(10)]
    assert len(panel._book) == 10
    del panel._book.replace_steps
    qloop.run_until_complete(panel.refresh())
    assert panel.model.rowCount() == MANY - 5


def test_snapshots_go_into_the_grid_one_at_a_time_in_order(qtbot, qloop) -> None:
    # Two loads running at once (no refresh supersedes the other here): each snapshot is diffed
    # against the book only after the previous one is in the grid, so the last one read wins whole.
    fake = FakeOrders([numbered(n) for n in range(MANY)])
    panel = make_panel(qtbot, fake)

    async def scenario() -> None:
        first = asyncio.ensure_future(panel._load())
        await asyncio.sleep(0)  # the first has read its snapshot and started on the diff
        fake.orders = [numbered(n) for n in range(3, MANY + 3)]
        await asyncio.gather(first, panel._load())

    qloop.run_until_complete(scenario())
    assert [o.key for o in panel.model.orders()] == [o.key for o in panel._book.orders()]
    assert sorted(o.key for o in panel.model.orders()) == sorted(o.key for o in fake.orders)
