"""The revise (정정) dialog for one open order, asked without a nested event loop.

Owns: `ReviseDialog` (prefilled from the order; quantity 1..open quantity and price editable; the
service's `revise_problems` run on every edit and are shown inline; OK is disabled while anything
blocks) and `ask_revise()`, which opens it with `open()` and awaits a future (never `exec()`:
stack-notes Pitfall #2).

Cancel is the default button, so Enter in a field never sends a revise; Esc cancels too.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kisdesk.domain.pending import PendingOrder
from kisdesk.domain.rules import Problem
from kisdesk.ui.async_bridge import accepted, run_dialog
from kisdesk.ui.labels import exchange_label, side_label
from kisdesk.ui.pending_table import format_price
from kisdesk.ui.problem_text import problem_text
from kisdesk.ui.theme import ERROR_TEXT, WARNING_TEXT, side_color

ProblemsFn = Callable[[PendingOrder, int, Decimal], list[Problem]]

_SPIN_MAX: Final = 2**31 - 1  # QSpinBox holds a C int


def parse_price(text: str) -> Decimal | None:
    """A typed price ("1,234.50" allowed); None when it is not a finite number."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class ReviseDialog(QDialog):
    """Edit the quantity and price of `order`; `values()` gives them once accepted.

    Signals: those of QDialog (`finished(int)`, `accepted()`, `rejected()`).
    Children: `quantity_spin`, `price_edit`, `problems_label`, `ok_button`, `cancel_button`.
    """

    def __init__(self, order: PendingOrder, problems_fn: ProblemsFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order = order
        self._problems_fn = problems_fn
        self.setWindowTitle(self.tr("Revise order {0}").format(order.order_no))

        self.symbol_label = QLabel(f"{order.symbol}  {order.name}".strip())
        self.side_label = QLabel(side_label(order.side))
        # Korean convention: buy red, sell blue, and the word as well, never colour alone.
        self.side_label.setStyleSheet(f"color: {side_color(order.side).name()}; font-weight: bold;")
        self.venue_label = QLabel(exchange_label(order.exchange))
        self.order_label = QLabel(
            self.tr("{open} open of {qty} at {price}").format(
                open=f"{order.remaining:,}",
                qty=f"{order.quantity:,}",
                price=format_price(order) or self.tr("market"),
            )
        )
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, max(1, min(order.remaining, _SPIN_MAX)))
        self.quantity_spin.setValue(max(1, min(order.remaining, _SPIN_MAX)))
        self.quantity_spin.setGroupSeparatorShown(True)
        self.quantity_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.price_edit = QLineEdit(format_price(order).replace(",", ""))
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.price_edit.setPlaceholderText(order.currency)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Revise"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Symbol"), self.symbol_label)
        form.addRow(self.tr("Side"), self.side_label)
        form.addRow(self.tr("Venue"), self.venue_label)
        form.addRow(self.tr("Order"), self.order_label)
        form.addRow(self.tr("New quantity"), self.quantity_spin)
        form.addRow(self.tr("New price"), self.price_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems_label)
        layout.addWidget(buttons)

        self.quantity_spin.valueChanged.connect(self._validate)
        self.price_edit.textChanged.connect(self._validate)
        self._validate()

    @property
    def order(self) -> PendingOrder:
        return self._order

    def values(self) -> tuple[int, Decimal] | None:
        """The new quantity and price, or None while the price is not a number."""
        price = parse_price(self.price_edit.text())
        return None if price is None else (self.quantity_spin.value(), price)

    def problems(self) -> list[Problem]:
        """Everything wrong with the current entries (the service's rules plus "nothing changed")."""
        values = self.values()
        if values is None:
            return [Problem("price", "PRICE_NOT_A_NUMBER", self.tr("enter the new price as a number"))]
        quantity, price = values
        if quantity == self._order.remaining and price == self._order.price:
            return [Problem("ticket", "NOTHING_CHANGED", self.tr("change the quantity or the price"))]
        return self._problems_fn(self._order, quantity, price)

    def _validate(self) -> None:
        problems = self.problems()
        blocks = any(p.blocks for p in problems)
        self.ok_button.setEnabled(not blocks)
        self.problems_label.setText("\n".join(f"• {problem_text(p)}" for p in problems))
        colour = ERROR_TEXT if blocks else WARNING_TEXT
        self.problems_label.setStyleSheet(f"color: {colour.name()};")
        self.problems_label.setVisible(bool(problems))

    def accept(self) -> None:
        # A click can race an edit: never accept entries that do not pass right now.
        if any(p.blocks for p in self.problems()):
            return
        super().accept()


async def ask_revise(
    parent: QWidget | None, order: PendingOrder, problems_fn: ProblemsFn
) -> tuple[int, Decimal] | None:
    """Show a ReviseDialog for `order`; the new (quantity, price), or None if the user cancelled."""
    dialog = ReviseDialog(order, problems_fn, parent)
    return await run_dialog(dialog, lambda result: dialog.values() if accepted(result) else None)
