"""Input widgets of the reservation tab: the non-blocking `confirm()`, NewReservationForm,
ReviseReservationDialog, and the order-terms fields (type, quantity, price, period end) they share.

Dialogs are shown with `open()` and awaited through a future: never `exec()` inside a coroutine, which
would start a nested Qt loop and stall every asyncio task (stack-notes, Pitfalls #2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.models.reservation import ReservationRow
from kisdesk.api.venue_rules import reservation_order_date
from kisdesk.domain.rules import Problem
from kisdesk.domain.ticket import ReservationTicket
from kisdesk.ui.async_bridge import accepted, run_dialog
from kisdesk.ui.labels import resv_division_label, side_label
from kisdesk.ui.problem_text import problem_text
from kisdesk.ui.reservation_model import division_of, side_of
from kisdesk.ui.theme import ERROR_TEXT, WARNING_TEXT, side_color

PERIOD_MAX_DAYS: Final = 30  # domestic-reservation.md §0: ≤ 30 calendar days from the first send day
MAX_QTY: Final = 2_000_000_000  # QSpinBox is 32-bit; far above any real order
FIELDS: Final = ("symbol", "quantity", "price", "end_date")  # problems shown next to their field
Check = Callable[[ReservationTicket], Sequence[Problem]]


# --- helpers -------------------------------------------------------------------------------------


def parse_price(text: str) -> Decimal | None:
    """The typed price: None when empty; ValueError when it is not a number ("55,000" is fine)."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(cleaned) from exc


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def period_bounds(now_kst: datetime) -> tuple[date, date]:
    """First and last end date a period reservation made at `now_kst` may carry (§0)."""
    first = reservation_order_date(now_kst)
    return max(first, now_kst.date() + timedelta(days=1)), first + timedelta(days=PERIOD_MAX_DAYS)


def problems_html(problems: Sequence[Problem]) -> str:
    """Problems as coloured lines: errors red, warnings orange."""
    lines = (
        f'<span style="color:{(ERROR_TEXT if p.blocks else WARNING_TEXT).name()}">'
        f"{escape(problem_text(p))}</span>"
        for p in problems
    )
    return "<br>".join(lines)


def side_html(side: Side) -> str:
    return f'<b style="color:{side_color(side).name()}">{escape(side_label(side))}</b>'


def _price_format_problem() -> Problem:
    return Problem(
        "price", "PRICE_FORMAT", QCoreApplication.translate("TermsFields", "the price is not a number")
    )


# --- confirm -------------------------------------------------------------------------------------


async def confirm(parent: QWidget | None, title: str, text: str, ok_label: str) -> bool:
    """Ask a yes/no question without a nested loop; True only when `ok_label` was clicked.

    Cancel is the default button, and Esc or closing the box also mean no. The box is named
    "confirm_dialog", its buttons "confirm_ok_button" and "confirm_cancel_button" (for tests).
    """
    box = QMessageBox(parent)
    box.setObjectName("confirm_dialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
    ok.setObjectName("confirm_ok_button")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("confirm_cancel_button")
    box.setDefaultButton(cancel)  # a stray Enter must not send an order
    box.setEscapeButton(cancel)
    return await run_dialog(box, lambda _result: box.clickedButton() is ok)


# --- order terms ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Terms:
    """Order terms as typed. `price` is None for market types, when empty or when not a number."""

    division: ResvOrderDivision
    quantity: int | None
    price: Decimal | None
    end_date: date | None
    price_bad: bool = False


class TermsFields:
    """Type, quantity, price and period-end widgets (not a widget: the owner lays them out)."""

    def __init__(self, now_kst: datetime, *, min_quantity: int) -> None:
        self.division_combo = QComboBox()
        for division in ResvOrderDivision:
            self.division_combo.addItem(resv_division_label(division), division.value)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(min_quantity, MAX_QTY)
        self.quantity_spin.setGroupSeparatorShown(True)
        if min_quantity == 0:
            self.quantity_spin.setSpecialValueText(" ")  # 0 means "not entered yet"
        self.price_edit = QLineEdit()
        self.period_check = QCheckBox(QCoreApplication.translate("TermsFields", "Period reservation until"))
        self.end_date_edit = date_edit(now_kst.date())
        self.set_period_range(now_kst)
        self.period_layout = QHBoxLayout()
        self.period_layout.addWidget(self.period_check)
        self.period_layout.addWidget(self.end_date_edit)
        self.period_layout.addStretch(1)

    def set_period_range(self, now_kst: datetime) -> None:
        first, last = period_bounds(now_kst)
        self.end_date_edit.setDateRange(to_qdate(first), to_qdate(last))

    def changed_signals(self) -> tuple[tuple[Any, str], ...]:
        """(signal, ticket field) pairs that fire when the trader edits a term."""
        return (
            (self.division_combo.currentIndexChanged, ""),
            (self.quantity_spin.valueChanged, "quantity"),
            (self.price_edit.textChanged, "price"),
            (self.period_check.toggled, "end_date"),
            (self.end_date_edit.dateChanged, "end_date"),
        )

    def read(self) -> Terms:
        # PySide6 hands item data back as a plain str: re-wrap at the edge (style.md B.6)
        division = ResvOrderDivision(self.division_combo.currentData())
        self.price_edit.setEnabled(not division.is_market_type)  # sent as "0" (§1.1)
        self.end_date_edit.setEnabled(self.period_check.isChecked())
        try:
            price, bad = (None if division.is_market_type else parse_price(self.price_edit.text())), False
        except ValueError:
            price, bad = None, True
        end = to_date(self.end_date_edit.date()) if self.period_check.isChecked() else None
        return Terms(division, self.quantity_spin.value() or None, price, end, bad)


# --- new reservation -----------------------------------------------------------------------------


class NewReservationForm(QGroupBox):
    """The "New reservation" group: symbol, side, terms, live problems next to each field.

    The owner connects `place_button` and calls `revalidate()`; `set_check(None)` turns live
    checking off (nothing may reach the service on PAPER). Problems of untouched fields stay hidden
    until `reveal_all()` (a place attempt), so an empty form does not open full of red.

    Signals: only QGroupBox's own.
    """

    def __init__(self, env: Env, now_kst: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("New reservation"))
        self.setObjectName("new_form")
        self._env = env
        self._check: Check | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self.symbol_edit = QLineEdit()
        self.symbol_edit.setMaxLength(7)  # 6 digits; ETNs carry a leading Q (§1.1)
        self.symbol_edit.setPlaceholderText(self.tr("6-digit code, e.g. 005930"))
        self.buy_radio, self.sell_radio = QRadioButton(self.tr("Buy")), QRadioButton(self.tr("Sell"))
        self.side_group = QButtonGroup(self)
        for side, radio in ((Side.BUY, self.buy_radio), (Side.SELL, self.sell_radio)):
            # 매수 red / 매도 blue, only while enabled: a coloured label would look live on PAPER
            radio.setStyleSheet(f"QRadioButton:enabled {{ color: {side_color(side).name()} }}")
            self.side_group.addButton(radio)
        self.buy_radio.setChecked(True)
        self.terms = TermsFields(now_kst, min_quantity=0)
        self.division_combo, self.quantity_spin = self.terms.division_combo, self.terms.quantity_spin
        self.price_edit, self.period_check = self.terms.price_edit, self.terms.period_check
        self.end_date_edit = self.terms.end_date_edit
        self.place_button = QPushButton()
        self.result_label, self.form_error_label = QLabel(), QLabel()
        self.field_error_labels = {name: QLabel() for name in FIELDS}
        self._lay_out()
        edits = ((self.symbol_edit.textChanged, "symbol"), (self.buy_radio.toggled, ""))
        for signal, field in (*edits, *self.terms.changed_signals()):
            signal.connect(lambda *_args, f=field: self._on_edited(f))
        self._update_side()

    def _lay_out(self) -> None:
        side = QHBoxLayout()
        side.addWidget(self.buy_radio)
        side.addWidget(self.sell_radio)
        side.addStretch(1)
        rows: list[tuple[str, QWidget | QHBoxLayout, str | None]] = [
            (self.tr("Symbol"), self.symbol_edit, "symbol"),
            (self.tr("Side"), side, None),
            (self.tr("Type"), self.division_combo, None),
            (self.tr("Quantity"), self.quantity_spin, "quantity"),
            (self.tr("Price"), self.price_edit, "price"),
            (self.tr("Period"), self.terms.period_layout, "end_date"),
        ]
        grid = QGridLayout(self)
        for at, (label, field, error) in enumerate(rows):
            grid.addWidget(QLabel(label), at, 0)
            if isinstance(field, QHBoxLayout):
                grid.addLayout(field, at, 1)
            else:
                grid.addWidget(field, at, 1)
            if error is not None:
                grid.addWidget(self.field_error_labels[error], at, 2)
        for wrapped in (self.result_label, self.form_error_label):
            wrapped.setWordWrap(True)
        grid.addWidget(self.form_error_label, len(rows), 0, 1, 3)
        grid.addWidget(self.place_button, len(rows) + 1, 0)
        grid.addWidget(self.result_label, len(rows) + 1, 1, 1, 2)
        grid.setColumnStretch(2, 1)

    def set_env(self, env: Env, check: Check | None) -> None:
        self._env, self._check = env, check
        self.revalidate()

    def side(self) -> Side:
        return Side.BUY if self.buy_radio.isChecked() else Side.SELL

    def ticket(self) -> tuple[ReservationTicket, bool]:
        """The form as a ticket, and whether the price text failed to parse (then price is None)."""
        t = self.terms.read()
        ticket = ReservationTicket(
            self._env, self.symbol_edit.text(), self.side(), t.division, t.quantity, t.price, t.end_date
        )
        return ticket, t.price_bad

    def reveal_all(self) -> None:
        self._show_all = True

    def revalidate(self) -> list[Problem]:
        """Check the form and show each problem next to its field; returns every problem."""
        ticket, price_bad = self.ticket()
        if self._check is None:
            for label in (*self.field_error_labels.values(), self.form_error_label):
                label.clear()
            return []
        problems = list(self._check(ticket))
        if price_bad:
            problems = [*(p for p in problems if p.field != "price"), _price_format_problem()]
        for name, label in self.field_error_labels.items():
            shown = self._show_all or name in self._touched
            label.setText(problems_html([p for p in problems if p.field == name]) if shown else "")
        self.form_error_label.setText(problems_html([p for p in problems if p.field not in FIELDS]))
        return problems

    def _on_edited(self, field: str) -> None:
        if field:
            self._touched.add(field)
        self._update_side()
        self.revalidate()

    def _update_side(self) -> None:
        side = self.side()
        self.place_button.setText(self.tr("Reserve buy") if side is Side.BUY else self.tr("Reserve sell"))
        self.place_button.setStyleSheet(f"QPushButton:enabled {{ color: {side_color(side).name()} }}")


# --- revise --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviseValues:
    """What the revise dialog produces: the new terms (price 0 for market and pre-market)."""

    quantity: int
    price: Decimal
    division: ResvOrderDivision
    end_date: date | None


class ReviseReservationDialog(QDialog):
    """Edit quantity, price, type and period end of one pending reservation; await `ask()`.

    Symbol and side cannot be revised (KIS refuses it), so they are shown, not edited. With a
    `check` callable (ReservationService.check) problems show live and OK needs a clean ticket.
    Children: quantity_spin, division_combo, price_edit, period_check, end_date_edit,
    problem_label, ok_button.

    Signals: only QDialog's own (`finished(int)`).
    """

    def __init__(
        self,
        row: ReservationRow,
        env: Env,
        *,
        now_kst: datetime,
        check: Check | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revise_dialog")
        self.setWindowTitle(self.tr("Revise reservation"))
        self._row, self._env, self._check = row, env, check
        self._side = side_of(row) or Side.BUY
        self.terms = TermsFields(now_kst, min_quantity=1)
        self.division_combo, self.quantity_spin = self.terms.division_combo, self.terms.quantity_spin
        self.price_edit, self.period_check = self.terms.price_edit, self.terms.period_check
        self.end_date_edit = self.terms.end_date_edit
        self._lay_out()
        self._prefill()
        for signal, _field in self.terms.changed_signals():
            signal.connect(self._revalidate)
        self._revalidate()

    def _lay_out(self) -> None:
        info = self.tr("Reservation #{seq}: {side} {symbol} {name}").format(
            seq=escape(self._row.sequence),
            side=side_html(self._side),
            symbol=escape(self._row.symbol),
            name=escape(self._row.name),
        )
        self.info_label = QLabel(info)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        self.button_box = QDialogButtonBox(buttons)
        self.ok_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Revise"))
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Quantity"), self.quantity_spin)
        form.addRow(self.tr("Type"), self.division_combo)
        form.addRow(self.tr("Price"), self.price_edit)
        form.addRow(self.terms.period_layout)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info_label)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.button_box)

    def _prefill(self) -> None:
        row = self._row
        self.quantity_spin.setValue(max(1, min(row.quantity, MAX_QTY)))
        division = division_of(row) or ResvOrderDivision.LIMIT
        self.division_combo.setCurrentIndex(self.division_combo.findData(division.value))
        self.price_edit.setText("" if row.price == 0 else f"{row.price:,}")
        end = row.end_date.strip()
        if len(end) == 8 and end.isdigit():
            self.period_check.setChecked(True)
            self.end_date_edit.setDate(QDate(int(end[:4]), int(end[4:6]), int(end[6:])))

    def values(self) -> ReviseValues | None:
        """The edited terms, or None while the price is not a number."""
        t = self.terms.read()
        if t.price_bad:
            return None
        return ReviseValues(t.quantity or 1, t.price or Decimal(0), t.division, t.end_date)

    def _revalidate(self, *_args: object) -> None:
        t = self.terms.read()
        problems: list[Problem] = [_price_format_problem()] if t.price_bad else []
        if not t.price_bad and self._check is not None:
            symbol, side = self._row.symbol, self._side
            ticket = ReservationTicket(self._env, symbol, side, t.division, t.quantity, t.price, t.end_date)
            problems.extend(self._check(ticket))
        self.problem_label.setText(problems_html(problems))
        self.ok_button.setEnabled(not any(p.blocks for p in problems))

    async def ask(self) -> ReviseValues | None:
        """Show the dialog (non-blocking) and wait: the new terms, or None when cancelled."""
        return await run_dialog(
            self, lambda result: self.values() if accepted(result) else None, delete=False
        )
