"""ReviseDialog: prefilled from the order, live validation, Cancel as default, ask_revise without exec()."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kisdesk.api.enums import Side
from kisdesk.domain.pending import OrderStatus, PendingOrder
from kisdesk.domain.rules import Problem
from kisdesk.ui.revise_dialog import ReviseDialog, ask_revise
from kisdesk.ui.theme import SELL_COLOR
from tests.domain.pending_samples import BASE

ORDER = replace(
    BASE,
    side=Side.SELL,
    filled=4,
    remaining=6,
    price=Decimal("114.87000000"),
    avg_fill_price=Decimal("114.87"),
    status=OrderStatus.PARTIALLY_FILLED,
)


def cents_only(order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]:
    """A stand-in for OrderService.revise_problems: US prices take 2 decimals."""
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        return [Problem("price", "PRICE_DECIMALS", "NASD prices at this level take at most 2 decimals")]
    return []


async def until(predicate: Callable[[], object], seconds: float = 2.0) -> None:
    """Let the loop run until `predicate()` is true (never a nested Qt loop: stack-notes Pitfall #2)."""
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110  (polls widget state; no event to wait on)
            await asyncio.sleep(0.005)


def make_dialog(qtbot) -> ReviseDialog:
    dialog = ReviseDialog(ORDER, cents_only)
    qtbot.addWidget(dialog)
    return dialog


def test_dialog_is_prefilled_from_the_row(qtbot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog.quantity_spin.value() == 6
    assert dialog.quantity_spin.maximum() == 6  # 1..open quantity
    assert dialog.quantity_spin.minimum() == 1
    assert dialog.price_edit.text() == "114.87"
    assert dialog.side_label.text() == "Sell"
    assert SELL_COLOR.name() in dialog.side_label.styleSheet()
    assert "NASD" in dialog.venue_label.text()
    assert "AAPL" in dialog.symbol_label.text()


def test_unchanged_values_cannot_be_sent(qtbot) -> None:
    dialog = make_dialog(qtbot)
    assert not dialog.ok_button.isEnabled()
    dialog.quantity_spin.setValue(5)
    assert dialog.ok_button.isEnabled()


def test_problems_are_shown_inline_and_block_ok(qtbot) -> None:
    dialog = make_dialog(qtbot)
    dialog.show()
    qtbot.keyClicks(dialog.price_edit, "1")  # 114.871: off the cent grid
    assert not dialog.ok_button.isEnabled()
    assert "at most 2 decimals" in dialog.problems_label.text()
    assert dialog.problems_label.isVisible()
    dialog.price_edit.setText("abc")
    assert "number" in dialog.problems_label.text()
    assert dialog.values() is None
    dialog.price_edit.setText("1,110.50")
    assert dialog.ok_button.isEnabled()
    assert not dialog.problems_label.isVisible()
    assert dialog.values() == (6, Decimal("1110.50"))


def test_cancel_is_the_default_so_enter_never_sends(qtbot) -> None:
    dialog = make_dialog(qtbot)
    dialog.quantity_spin.setValue(3)
    dialog.show()
    assert dialog.cancel_button.isDefault()
    assert not dialog.ok_button.isDefault()
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog.price_edit, Qt.Key.Key_Return)


def test_ask_revise_returns_the_new_values(qtbot, qloop) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> tuple[int, Decimal] | None:
        task = asyncio.ensure_future(ask_revise(parent, ORDER, cents_only))
        await until(lambda: parent.findChild(ReviseDialog) is not None)
        dialog = parent.findChild(ReviseDialog)
        assert dialog is not None
        dialog.quantity_spin.setValue(2)
        dialog.price_edit.setText("110.5")
        dialog.ok_button.click()
        return await task

    assert qloop.run_until_complete(scenario()) == (2, Decimal("110.5"))


def test_ask_revise_returns_none_on_escape(qtbot, qloop) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> tuple[int, Decimal] | None:
        task = asyncio.ensure_future(ask_revise(parent, replace(ORDER, side=Side.BUY), cents_only))
        await until(lambda: parent.findChild(ReviseDialog) is not None)
        dialog = parent.findChild(ReviseDialog)
        assert dialog is not None
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        return await task

    assert qloop.run_until_complete(scenario()) is None
