"""The pending-orders panel: filters, the grid, revise, cancel, cancel-all-shown and auto-refresh.

Owns: the `PendingOrders` protocol (what the panel needs from `OrderService`) and
`PendingOrdersPanel`. The panel keeps a `PendingBook`, turns each `pending()` snapshot into a
`BookDiff` and applies it row by row, so selection and scroll position survive refreshes; both run in
steps of a few ms, one per event-loop iteration, so that a 10,000-order refresh never freezes the UI. Buttons
follow the venue capabilities (product.md §3 item 10): revise is disabled, with the reason as tooltip,
for SH/SZ/VN and TWAP/VWAP orders. Every cancel asks first, without a nested event loop, and reports
each order's result; a cancel is only a request, so the grid is refreshed afterwards to show the final
state (order-safety.md §2 row 15).
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Final, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Env, Exchange, Side
from kisdesk.api.errors import KisError
from kisdesk.api.models import OrderOutput
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.intents import NotReadyError
from kisdesk.domain.intents import Intent, IntentState
from kisdesk.domain.pending import KST, BookDiff, PendingBook, PendingOrder, revise_capability
from kisdesk.domain.rules import Problem
from kisdesk.ui.async_bridge import latest_wins, slot
from kisdesk.ui.cancel_confirm import CancelReport, ask_cancel, error_text
from kisdesk.ui.grid_delegate import CellDelegate
from kisdesk.ui.labels import exchange_label, reason_label, side_label
from kisdesk.ui.messages import intent_message
from kisdesk.ui.pending_table import Column, PendingOrdersModel, PendingOrdersProxy
from kisdesk.ui.revise_dialog import ask_revise

_PANEL_IDS: Final = itertools.count(1)
T = TypeVar("T")

ActionResult = OrderOutput | Intent | BaseException
"""One order's answer: an accepted `OrderOutput`, the journaled `Intent`, or the failure."""
ResultCallback = Callable[[PendingOrder, ActionResult], None]


class IntentOutcomeError(Exception):
    """A cancel intent that did not end ACKED (rejected, not sent or outcome unknown), as a failure."""


def _as_cancel_result(result: ActionResult) -> OrderOutput | BaseException:
    """What `CancelReport` understands: only an ACKED intent counts as accepted."""
    if isinstance(result, Intent):
        if result.state is IntentState.ACKED:
            return OrderOutput.model_validate({"ODNO": result.order_no})
        return IntentOutcomeError(intent_message(result))
    return result


class PendingOrders(Protocol):
    """What the panel needs: reads from `OrderService`, revise/cancel through `IntentService`
    (the window's adapter), whose answers are journaled `Intent`s; `OrderOutput` is understood too."""

    @property
    def env(self) -> Env: ...

    async def pending(self) -> list[PendingOrder]: ...

    def revise_problems(self, order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]: ...

    async def revise(self, order: PendingOrder, quantity: int, price: Decimal) -> OrderOutput | Intent: ...

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: ResultCallback | None = None
    ) -> Sequence[tuple[PendingOrder, ActionResult]]: ...


class PendingOrdersPanel(QWidget):
    """Open orders of one session, with revise and cancel.

    Signals:
        message(str): a result or error worth showing in the status bar.
        refreshed(int): a refresh finished; the number of open orders in the grid.
        busy_changed(bool): a refresh or an order action started (True) or all ended (False).

    Children: `venue_filter`, `side_filter`, `text_filter`, `table`, `refresh_button`,
    `revise_button`, `cancel_button`, `cancel_all_button`, `progress`, `status_label`, `summary_label`;
    actions `refresh_action` (F5), `cancel_action` (Delete), `revise_action` (Enter).
    """

    message = Signal(str)
    refreshed = Signal(int)
    busy_changed = Signal(bool)

    def __init__(
        self, orders: PendingOrders, parent: QWidget | None = None, *, refresh_interval_ms: int = 5000
    ) -> None:
        super().__init__(parent)
        self._orders = orders
        self._book = PendingBook()
        self._refresh_name = f"pending-orders-{next(_PANEL_IDS)}"  # latest_wins key, one per panel
        self._refresh_task: asyncio.Task[None] | None = None
        self._busy_count = 0
        self._acting = False  # a revise or cancel is in progress (from its question to its answer)
        self._updated: datetime | None = None
        self._refresh_failed = False
        self._applying = asyncio.Lock()  # held from diffing a snapshot until the grid shows it
        self.model = PendingOrdersModel(self)
        self.proxy = PendingOrdersProxy(self)
        self.proxy.setSourceModel(self.model)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._build_widgets()
        self._build_actions()
        self._update_actions()

    # --- construction ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.venue_filter = QComboBox()
        self.venue_filter.addItem(self.tr("All venues"), "")
        for exchange in Exchange:
            self.venue_filter.addItem(exchange.value, exchange.value)
            self.venue_filter.setItemData(
                self.venue_filter.count() - 1, exchange_label(exchange), Qt.ItemDataRole.ToolTipRole
            )
        self.side_filter = QComboBox()
        self.side_filter.addItem(self.tr("Buy and sell"), "")
        for side in (Side.BUY, Side.SELL):
            self.side_filter.addItem(side_label(side), side.value)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("Filter: symbol, name or order no."))
        self.text_filter.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))

        self.table = QTableView()
        self.table.setModel(self.proxy)
        # Qt's delegate would ask the model seven roles per painted cell; this one asks once (bench P2).
        self.table.setItemDelegate(CellDelegate(self.proxy.cell, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        # A visible row-number header costs tens of ms per re-sort at 10,000 rows; rows are fixed height.
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.TIME, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.revise_button = QPushButton(self.tr("Revise…"))
        self.cancel_button = QPushButton(self.tr("Cancel selected"))
        self.cancel_all_button = QPushButton(self.tr("Cancel all shown"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel()

        filters = QHBoxLayout()
        filters.addWidget(self.venue_filter)
        filters.addWidget(self.side_filter)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.summary_label)
        filters.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        actions.addWidget(self.revise_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.cancel_all_button)
        actions.addWidget(self.progress)
        actions.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.venue_filter.currentIndexChanged.connect(self._on_venue_filter_changed)
        self.side_filter.currentIndexChanged.connect(self._on_side_filter_changed)
        self.text_filter.textChanged.connect(self._on_text_filter_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

    def _action(self, text: str, keys: Sequence[QKeySequence]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(list(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence
        self.refresh_action = self._action(self.tr("Refresh pending orders"), [key(Qt.Key.Key_F5)])
        self.revise_action = self._action(
            self.tr("Revise order…"), [key(Qt.Key.Key_Return), key(Qt.Key.Key_Enter)]
        )
        self.cancel_action = self._action(self.tr("Cancel selected orders"), [key(Qt.Key.Key_Delete)])
        self.table.addActions([self.revise_action, self.cancel_action, self.refresh_action])
        self.refresh_action.triggered.connect(slot(self.refresh, self._on_unexpected))
        self.revise_action.triggered.connect(slot(self.revise_selected, self._on_unexpected))
        self.cancel_action.triggered.connect(slot(self.cancel_selected, self._on_unexpected))
        self.refresh_button.clicked.connect(self.refresh_action.trigger)
        self.revise_button.clicked.connect(self.revise_action.trigger)
        self.cancel_button.clicked.connect(self.cancel_action.trigger)
        self.cancel_all_button.clicked.connect(slot(self.cancel_all_shown, self._on_unexpected))

    # --- reading the grid -----------------------------------------------------------------------

    def selected_orders(self) -> list[PendingOrder]:
        """The selected orders, top to bottom as shown."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.order_at(row) for row in rows]

    @property
    def active_dialog(self) -> QDialog | None:
        """The revise dialog or cancel question now open, if any."""
        return next((d for d in self.findChildren(QDialog) if d.isVisible()), None)

    @property
    def busy(self) -> bool:
        return self._busy_count > 0

    # --- refresh --------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Read every open order and apply the difference; a newer refresh supersedes this one."""
        await asyncio.wait([self._start_refresh()])

    def start_auto_refresh(self) -> None:
        self._timer.start()

    def stop_auto_refresh(self) -> None:
        self._timer.stop()
        if self._refresh_task is not None:
            self._refresh_task.cancel()

    @property
    def auto_refresh_active(self) -> bool:
        return self._timer.isActive()

    def _start_refresh(self) -> asyncio.Task[None]:
        self._refresh_task = latest_wins(self._refresh_name, self._load(), self._on_unexpected)
        return self._refresh_task

    def _on_timer_timeout(self) -> None:
        if self._refresh_task is not None and not self._refresh_task.done():
            return  # the previous refresh is still running: never stack them up
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop running (a synchronous test pumping Qt events): skip this tick
        self._start_refresh()

    async def _load(self) -> None:
        with self._busy():
            try:
                orders = await self._orders.pending()
            except KisError as exc:
                self._refresh_failed = True  # the grid is stale until a refresh succeeds
                self._show(self.tr("Refresh failed: {0}").format(error_text(exc)))
                return
        if self._refresh_failed:
            self._refresh_failed = False
            self.status_label.clear()
        # Diffing and updating the grid are each 10-15 ms of CPU at 10,000 orders: both run in steps of
        # a few ms with the loop free to paint and take input in between (bench P2). One snapshot at a
        # time: a newer refresh diffs against the book only once this one's diff is in the grid.
        async with self._applying:
            diff = await _run_steps(self._book.replace_steps(orders))  # the book changes in its last step
            await self._apply(diff)
        self._updated = datetime.now(KST)
        self._update_actions()
        self.refreshed.emit(self.model.rowCount())

    async def _apply(self, diff: BookDiff) -> None:
        """Bring the grid to the book's new snapshot, a step per loop iteration."""
        steps = self.model.apply_steps(diff)
        for _ in steps:
            try:
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                # A newer refresh (or stop) cancelled this one, but the book already holds this snapshot:
                # the grid must follow it, or the next diff would be applied to rows it never got.
                if shiboken6.isValid(self.model):  # not if the panel was deleted meanwhile
                    for _ in steps:
                        pass
                raise

    # --- revise ---------------------------------------------------------------------------------

    async def revise_selected(self) -> None:
        """Ask for the new quantity and price of the one selected order, send the revise, refresh."""
        selected = self.selected_orders()
        if self._acting or len(selected) != 1:
            return
        order = selected[0]
        capability = revise_capability(order, self._orders.env)
        if not capability.can_revise:
            reason = capability.revise.reason
            self._show(reason_label(reason) if reason else self.tr("This order cannot be revised"))
            return
        with self._acting_on():
            answer = await ask_revise(self, order, self._orders.revise_problems)
            if answer is None:
                return
            # The order may have filled while the dialog was open: revise what is open now.
            current = self._book.get(order.order_no)
            if current is None or not current.status.is_open:
                self._show(self.tr("Order {0} is no longer open").format(order.order_no))
                return
            quantity, price = answer
            try:
                ack = await self._orders.revise(current, quantity, price)
            except (KisError, OrderRuleError, NotReadyError) as exc:
                self._show(self.tr("Revise of {0} failed: {1}").format(order.order_no, error_text(exc)))
            else:
                if isinstance(ack, Intent):
                    self._show(intent_message(ack))
                else:
                    self._show(
                        self.tr("Revise of {0} accepted: new order no. {1}").format(
                            order.order_no, ack.order_no
                        )
                    )
        await self._refresh_after_action()

    # --- cancel ---------------------------------------------------------------------------------

    async def cancel_selected(self) -> None:
        """Confirm, then cancel every selected order that can be cancelled."""
        await self._cancel(self.selected_orders())

    async def cancel_all_shown(self) -> None:
        """Confirm, then cancel every order the current filter shows (venue, side and text)."""
        await self._cancel(self.proxy.shown_orders())

    async def _cancel(self, orders: Sequence[PendingOrder]) -> None:
        if self._acting:
            return
        env = self._orders.env
        targets = [o for o in orders if revise_capability(o, env).can_cancel]
        if not targets:
            self._show(self.tr("No order to cancel"))
            return
        with self._acting_on():  # set before the first await: a second Delete cannot ask twice
            if not await ask_cancel(self, targets):
                self._show(self.tr("Nothing was cancelled"))
                return
            await self._send_cancels(targets)
        await self._refresh_after_action()

    async def _send_cancels(self, targets: Sequence[PendingOrder]) -> None:
        report = CancelReport()
        self.model.clear_notes()
        self.progress.setRange(0, len(targets))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Cancelling %v of %m"))
        self.progress.setVisible(True)

        def on_result(order: PendingOrder, result: ActionResult) -> None:
            self.progress.setValue(self.progress.value() + 1)
            self.model.set_note(order.order_no, report.add(order, _as_cancel_result(result)))

        try:
            await self._orders.cancel_many(targets, on_result)
        finally:
            self.progress.setVisible(False)
        self._show(report.summary(), report.details())

    # --- state ----------------------------------------------------------------------------------

    async def _refresh_after_action(self) -> None:
        if self._timer.isActive():
            self._timer.start()  # the next automatic refresh counts from this one
        await self.refresh()

    @contextmanager
    def _busy(self) -> Iterator[None]:
        self._busy_count += 1
        if self._busy_count == 1:
            self.busy_changed.emit(True)
        try:
            yield
        finally:
            self._busy_count -= 1
            if self._busy_count == 0:
                self.busy_changed.emit(False)

    @contextmanager
    def _acting_on(self) -> Iterator[None]:
        self._acting = True
        self._update_actions()
        try:
            with self._busy():
                yield
        finally:
            self._acting = False
            self._update_actions()

    def _update_actions(self) -> None:
        selected = self.selected_orders()
        env = self._orders.env
        busy_tip = self.tr("Wait for the order action in progress")
        if self._acting:
            revise_tip = cancel_tip = busy_tip
            can_revise = can_cancel = False
        else:
            can_revise, revise_tip = self._revise_state(selected, env)
            cancellable = sum(1 for o in selected if revise_capability(o, env).can_cancel)
            can_cancel = cancellable > 0
            cancel_tip = (
                self.tr("Cancel %n selected order(s) (Delete)", "", cancellable)
                if can_cancel
                else self.tr("Select open orders to cancel")
            )
        shown = self.proxy.rowCount()
        self._set_enabled(self.revise_action, self.revise_button, can_revise, revise_tip)
        self._set_enabled(self.cancel_action, self.cancel_button, can_cancel, cancel_tip)
        self.cancel_all_button.setEnabled(shown > 0 and not self._acting)
        self.cancel_all_button.setToolTip(
            busy_tip if self._acting else self.tr("Cancel the %n order(s) the filter shows", "", shown)
        )
        updated = self._updated.strftime("%H:%M:%S") if self._updated else "—"
        self.summary_label.setText(
            self.tr("{0} shown of {1} · updated {2}").format(shown, self.model.rowCount(), updated)
        )

    def _revise_state(self, selected: Sequence[PendingOrder], env: Env) -> tuple[bool, str]:
        if len(selected) != 1:
            return False, self.tr("Select exactly one order to revise")
        capability = revise_capability(selected[0], env)
        if capability.can_revise:
            return True, self.tr("Revise the selected order (Enter or double-click)")
        reason = capability.revise.reason
        return False, reason_label(reason) if reason else self.tr("This order cannot be revised")

    @staticmethod
    def _set_enabled(action: QAction, button: QPushButton, enabled: bool, tip: str) -> None:
        action.setEnabled(enabled)
        button.setEnabled(enabled)
        button.setToolTip(tip)
        action.setToolTip(tip)

    def _show(self, text: str, details: str = "") -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(details or text)
        self.message.emit(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        # Expected failures are shown inline; anything else is a bug for the application's excepthook.
        self._show(self.tr("Unexpected error: {0}").format(error_text(exc)))
        sys.excepthook(type(exc), exc, exc.__traceback__)

    # --- signal handlers ------------------------------------------------------------------------

    def _on_venue_filter_changed(self, _index: int) -> None:
        code = self.venue_filter.currentData()
        self.proxy.set_venue(Exchange(code) if code else None)  # PySide hands StrEnums back as str
        self._update_actions()

    def _on_side_filter_changed(self, _index: int) -> None:
        code = self.side_filter.currentData()
        self.proxy.set_side(Side(code) if code else None)
        self._update_actions()

    def _on_text_filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_actions()

    def _on_table_double_clicked(self, _index: object) -> None:
        if self.revise_action.isEnabled():
            self.revise_action.trigger()


async def _run_steps(steps: Generator[None, None, T]) -> T:
    """Run a step generator with one loop iteration between steps; its result at the end."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result
        await asyncio.sleep(0)
