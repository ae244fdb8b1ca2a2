"""Cancelling one or many orders: the question before, the report after.

Owns: `CancelConfirmDialog` (a QMessageBox stating how many orders, that it cannot be undone, and the
orders themselves in the details), `ask_cancel()`, which opens it with `open()` and awaits a future
(stack-notes Pitfall #2: `exec()` inside a coroutine stalls every other task), `CancelReport` (the
per-order results of a bulk cancel) and `error_text()` (the short wording of a failure).

The safe answer is the default: Enter and Esc both keep the orders (order-safety.md §2 row 26).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from kisdesk.api.errors import KisApiError
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.orders import CancelResult
from kisdesk.domain.pending import PendingOrder
from kisdesk.ui.async_bridge import run_dialog
from kisdesk.ui.labels import side_label
from kisdesk.ui.pending_table import format_price
from kisdesk.ui.problem_text import problem_text

_DETAIL_LINES: Final = 200  # the details box lists at most this many orders


def error_text(exc: BaseException) -> str:
    """Short wording of a failure: KIS's own code and message when there is one."""
    if isinstance(exc, KisApiError):
        return f"[{exc.msg_cd}] {exc.msg1}"
    if isinstance(exc, OrderRuleError):
        return "; ".join(problem_text(p) for p in exc.problems) or str(exc)
    return str(exc) or type(exc).__name__


def describe(order: PendingOrder) -> str:
    """One line per order: number, venue, symbol, side, open quantity @ price."""
    price = format_price(order) or QCoreApplication.translate("CancelConfirmDialog", "market")
    return (
        f"{order.order_no}  {order.exchange.value} {order.symbol}  {side_label(order.side)} "
        f"{order.remaining:,} @ {price}"
    )


class CancelConfirmDialog(QMessageBox):
    """The "Cancel N orders?" question, with `confirm_button` (destructive) and `keep_button` (default, Esc).

    Signals: those of QMessageBox; `finished(int)` ends the question.
    """

    def __init__(self, orders: Sequence[PendingOrder], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        count = len(orders)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Cancel orders"))
        self.setText(self.tr("Cancel %n order(s)?", "", count))
        self.setInformativeText(
            self.tr(
                "This cannot be undone. Shares that fill before KIS processes a cancel stay filled; "
                "the grid is refreshed afterwards to show the final state."
            )
        )
        lines = [describe(o) for o in orders[:_DETAIL_LINES]]
        if count > _DETAIL_LINES:
            lines.append(self.tr("… and %n more", "", count - _DETAIL_LINES))
        self.setDetailedText("\n".join(lines))
        self.confirm_button = self.addButton(
            self.tr("Cancel %n order(s)", "", count), QMessageBox.ButtonRole.DestructiveRole
        )
        self.keep_button = self.addButton(self.tr("Keep orders"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)

    @property
    def confirmed(self) -> bool:
        return self.clickedButton() is self.confirm_button


async def ask_cancel(parent: QWidget | None, orders: Sequence[PendingOrder]) -> bool:
    """Ask whether to cancel `orders`; True only when the user pressed the confirm button."""
    dialog = CancelConfirmDialog(orders, parent)
    return await run_dialog(dialog, lambda _result: dialog.confirmed)


class CancelReport:
    """The results of one bulk cancel as they arrive. A result is a request ack, not the final state."""

    def __init__(self) -> None:
        self.accepted: list[PendingOrder] = []
        self.failed: list[tuple[PendingOrder, BaseException]] = []
        self._lines: list[str] = []

    def add(self, order: PendingOrder, result: CancelResult) -> str | None:
        """Record one result; returns the note to show on a failed order's row (None when accepted)."""
        if isinstance(result, BaseException):
            self.failed.append((order, result))
            note = QCoreApplication.translate("CancelReport", "Cancel failed: {0}").format(error_text(result))
        else:
            self.accepted.append(order)
            note = None
        text = note or QCoreApplication.translate("CancelReport", "cancel accepted")
        self._lines.append(f"{order.order_no} {order.symbol}: {text}")
        return note

    def summary(self) -> str:
        """E.g. "3 cancel request(s) accepted, 1 failed: 0030135002 AAPL [APBK0919] already filled"."""
        text = QCoreApplication.translate(
            "CancelReport", "%n cancel request(s) accepted", "", len(self.accepted)
        )
        if self.failed:
            order, exc = self.failed[0]
            text += QCoreApplication.translate("CancelReport", ", {0} failed: {1} {2} {3}").format(
                len(self.failed), order.order_no, order.symbol, error_text(exc)
            )
        return text

    def details(self) -> str:
        """One line per order, in the order the results arrived."""
        return "\n".join(self._lines)
