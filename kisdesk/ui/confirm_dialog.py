"""The order confirmation: `OrderSummary`, `OrderConfirmDialog` and the awaitable `ask()`.

Owns the last look before an order leaves (order-safety.md §2 row 26, §1.8): the side in its colour,
symbol, venue, quantity, price (or "market" / the algorithm window), notional with currency, and the
environment, REAL in red bold, and any precaution warnings (orange, above the buttons). Cancel is
the default button and has the focus, so Enter or Esc never confirms; the confirming button names
the action ("Send buy order …") and sits on the right, and `ask()` moves the dialog when needed so
that button never lies over the ticket's own submit button (a double click cannot confirm). `ask()`
opens the dialog with `open()` and awaits a future: a nested `exec()` loop inside a coroutine stalls
qasync (stack-notes Pitfalls #2).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kisdesk.api.enums import AlgoTiming, Env, Side
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui import theme
from kisdesk.ui.async_bridge import accepted, run_dialog
from kisdesk.ui.labels import division_label, exchange_label, side_label

_GAP = 12  # px between the moved dialog and the widget it must keep clear of


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """What the confirmation shows. `reference_price` (the last quote) estimates a MOO/MOC notional;
    `warnings` are precaution warnings, already in the UI language."""

    ticket: OverseasTicket
    reference_price: Decimal | None = None
    warnings: tuple[str, ...] = ()

    @property
    def notional(self) -> Decimal | None:
        price = self.reference_price if self.ticket.division.is_market_type else self.ticket.price
        if price is None or self.ticket.quantity is None:
            return None
        return price * self.ticket.quantity

    @property
    def notional_is_estimate(self) -> bool:
        return self.ticket.division.is_market_type


class OrderConfirmDialog(QDialog):
    """Asks to confirm one order.

    Signals: only QDialog's own — `accepted()`, `rejected()`, `finished(int)`.
    Children: `env_label`, `headline_label`, `price_label`, `notional_label`, `warnings_label`
    (hidden without warnings), `confirm_button`, `cancel_button` (default, initial focus).
    """

    def __init__(self, summary: OrderSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary
        self._avoid: QWidget | None = None
        t = summary.ticket
        self.setWindowTitle(self.tr("Confirm order"))
        self.env_label = QLabel(self._env_text(t.env))
        self.env_label.setStyleSheet(self._env_style(t.env))
        self.headline_label = QLabel(self._headline(t))
        self.price_label = QLabel(self._price_text(t))
        self.notional_label = QLabel(self._notional_text())
        self.warnings_label = QLabel("\n".join(f"⚠ {w}" for w in summary.warnings))
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(f"color: {theme.WARNING_TEXT.name()};")
        self.warnings_label.setVisible(bool(summary.warnings))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.confirm_button = QPushButton(self._confirm_text(t))
        self._setup_buttons(t.side)
        self._setup_layout(t)

    # --- public ----------------------------------------------------------------------------------

    def keep_clear_of(self, widget: QWidget | None) -> None:
        """When shown, move so that `confirm_button` does not overlap `widget` (the ticket's submit)."""
        self._avoid = widget

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.cancel_button.setFocus()
        if self._avoid is not None:
            self._move_clear_of(self._avoid)

    # --- building --------------------------------------------------------------------------------

    def _setup_buttons(self, side: Side) -> None:
        # Enter presses the default button; only an explicit click (or Space on it) confirms.
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.setDefault(False)
        color = theme.side_color(side).name()
        self.confirm_button.setStyleSheet(
            f"QPushButton {{ background: {color}; color: white; font-weight: bold; padding: 6px 12px; }}"
        )
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.accept)

    def _setup_layout(self, t: OverseasTicket) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Side"), self._side_label(t.side))
        form.addRow(self.tr("Symbol"), QLabel(t.clean_symbol))
        form.addRow(self.tr("Venue"), QLabel(exchange_label(t.exchange)))
        form.addRow(self.tr("Quantity"), QLabel(f"{t.quantity or 0:,}"))
        form.addRow(self.tr("Order type"), QLabel(division_label(t.division)))
        form.addRow(self.tr("Price"), self.price_label)
        form.addRow(self.tr("Notional"), self.notional_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)  # confirm on the right, away from the default
        layout = QVBoxLayout(self)
        layout.addWidget(self.env_label)
        layout.addWidget(self.headline_label)
        layout.addLayout(form)
        layout.addWidget(self.warnings_label)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.cancel_button, self.confirm_button)

    def _side_label(self, side: Side) -> QLabel:
        label = QLabel(side_label(side))
        label.setStyleSheet(f"color: {theme.side_color(side).name()}; font-weight: bold;")
        return label

    def _env_text(self, env: Env) -> str:
        if env is Env.REAL:
            return self.tr("실전 REAL — this order uses real money")
        if env is Env.PAPER:
            return self.tr("모의 PAPER — paper trading")
        return self.tr("DEMO — built-in simulator")

    @staticmethod
    def _env_style(env: Env) -> str:
        color = theme.env_color(env).name()
        weight = "font-weight: bold; font-size: 16px;" if env is Env.REAL else "font-weight: bold;"
        return f"color: {color}; {weight}"

    def _headline(self, t: OverseasTicket) -> str:
        color = theme.side_color(t.side).name()
        text = self.tr("{side} {qty} {symbol} on {venue}").format(
            side=f'<b style="color:{color}">{side_label(t.side)}</b>',
            qty=f"{t.quantity or 0:,}",
            symbol=f"<b>{html.escape(t.clean_symbol)}</b>",
            venue=t.exchange.value,
        )
        return text

    def _price_text(self, t: OverseasTicket) -> str:
        if t.division.is_market_type:
            return self.tr("market (sent as 0)")
        price = f"{t.price} {t.exchange.info.currency}" if t.price is not None else "—"
        if not t.division.is_algo:
            return price
        if t.algo_timing is AlgoTiming.UNTIL_CLOSE:
            window = self.tr("until the regular close")
        else:
            start = t.start_time.strftime("%H:%M:%S") if t.start_time else "?"
            end = t.end_time.strftime("%H:%M:%S") if t.end_time else "?"
            window = self.tr("{start}–{end} KST").format(start=start, end=end)
        return self.tr("{price}, window {window}").format(price=price, window=window)

    def _notional_text(self) -> str:
        notional = self.summary.notional
        currency = self.summary.ticket.exchange.info.currency
        if notional is None:
            return self.tr("unknown (no price yet)")
        amount = f"{notional:,} {currency}"  # keeps the price's decimals: 2,285.00 USD, 271,000 JPY
        if self.summary.notional_is_estimate:
            return self.tr("≈ {amount} at the last price").format(amount=amount)
        return amount

    def _confirm_text(self, t: OverseasTicket) -> str:
        qty, symbol = f"{t.quantity or 0:,}", t.clean_symbol
        if t.side is Side.BUY:
            return self.tr("Send buy order: {qty} {symbol}").format(qty=qty, symbol=symbol)
        return self.tr("Send sell order: {qty} {symbol}").format(qty=qty, symbol=symbol)

    # --- placement -------------------------------------------------------------------------------

    def _move_clear_of(self, widget: QWidget) -> None:
        layout = self.layout()
        if layout is not None:
            layout.activate()  # child geometry is final before we measure it
        avoid = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        if not self._confirm_rect().intersects(avoid):
            return
        confirm = self._confirm_rect()
        up = confirm.bottom() - avoid.top() + _GAP
        if self.y() - up >= 0:
            self.move(self.x(), self.y() - up)
        else:
            self.move(self.x(), self.y() + avoid.bottom() - confirm.top() + _GAP)

    def _confirm_rect(self) -> QRect:
        return QRect(self.confirm_button.mapToGlobal(QPoint(0, 0)), self.confirm_button.size())


async def ask(parent: QWidget | None, summary: OrderSummary, *, avoid: QWidget | None = None) -> bool:
    """Show the confirmation without a nested event loop; True only if the user confirmed.

    Cancelling the awaiting task closes the dialog (as Cancel). `avoid` is the ticket's submit button.
    """
    dialog = OrderConfirmDialog(summary, parent)
    dialog.keep_clear_of(avoid)
    return await run_dialog(dialog, accepted)
