"""Layout of the order ticket: rows, buddy labels with mnemonics, and the Tab order.

Owns where each of `OrderTicketWidget`'s children sits, kept apart from its behaviour. Each field's
error label sits directly under the field so a problem is read next to what caused it; the Tab order
follows the order a trader fills the ticket in (venue → symbol → side → type → quantity → price →
algorithm window → send).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from kisdesk.ui.order_ticket import OrderTicketWidget


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)  # the '&' mnemonic (Alt+letter) moves focus to the field
    return label


def _row(form: QFormLayout, label: QLabel | str, field: QWidget, *below: QLabel) -> None:
    form.addRow(label, field)
    for extra in below:
        form.addRow("", extra)


def _time_row(edit: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit)
    row.addWidget(QLabel(QCoreApplication.translate("OrderTicketWidget", "KST")))
    row.addStretch(1)
    return row


def _algo_layout(w: OrderTicketWidget) -> None:
    form = QFormLayout(w.algo_group)
    err = w.error_labels
    timing = QCoreApplication.translate("OrderTicketWidget", "&Algorithm timing")
    _row(form, _buddy(timing, w.algo_timing_combo), w.algo_timing_combo, err["algo_timing"])
    form.addRow(
        _buddy(QCoreApplication.translate("OrderTicketWidget", "S&tart"), w.start_time_edit),
        _time_row(w.start_time_edit),
    )
    form.addRow("", err["start_time"])
    form.addRow(
        _buddy(QCoreApplication.translate("OrderTicketWidget", "&End"), w.end_time_edit),
        _time_row(w.end_time_edit),
    )
    form.addRow("", err["end_time"])


def build_layout(w: OrderTicketWidget) -> None:
    """Place every child of `w` and set the Tab order."""
    err = w.error_labels
    form = QFormLayout()
    _row(
        form, _buddy(QCoreApplication.translate("OrderTicketWidget", "&Venue"), w.venue_combo), w.venue_combo
    )
    symbol = _buddy(QCoreApplication.translate("OrderTicketWidget", "S&ymbol"), w.symbol_edit)
    _row(form, symbol, w.symbol_edit, err["symbol"], w.quote_label)
    sides = QWidget()
    side_row = QHBoxLayout(sides)
    side_row.setContentsMargins(0, 0, 0, 0)
    side_row.addWidget(w.buy_button)
    side_row.addWidget(w.sell_button)
    _row(form, QCoreApplication.translate("OrderTicketWidget", "Side"), sides)
    kind = _buddy(QCoreApplication.translate("OrderTicketWidget", "&Order type"), w.division_combo)
    _row(form, kind, w.division_combo, err["division"])
    qty = _buddy(QCoreApplication.translate("OrderTicketWidget", "&Quantity"), w.quantity_spin)
    _row(form, qty, w.quantity_spin, err["quantity"])
    price = _buddy(QCoreApplication.translate("OrderTicketWidget", "&Price"), w.price_edit)
    _row(form, price, w.price_edit, err["price"], w.power_label)
    _algo_layout(w)

    layout = QVBoxLayout(w)
    layout.addWidget(w.accent_bar)
    layout.addWidget(w.env_label)
    layout.addLayout(form)
    layout.addWidget(w.algo_group)
    layout.addWidget(err["ticket"])
    layout.addWidget(w.submit_button)
    layout.addWidget(w.status_label)
    layout.addStretch(1)
    _tab_order(w)


def _tab_order(w: OrderTicketWidget) -> None:
    chain = (
        w.venue_combo,
        w.symbol_edit,
        w.buy_button,
        w.sell_button,
        w.division_combo,
        w.quantity_spin,
        w.price_edit,
        w.algo_timing_combo,
        w.start_time_edit,
        w.end_time_edit,
        w.submit_button,
    )
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
