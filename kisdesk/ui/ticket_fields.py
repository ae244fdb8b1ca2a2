"""Field helpers of the order ticket: the order-type list, price parsing, problem labels, quote text.

Owns the pieces of `OrderTicketWidget` that need no widget state: rendering the capability table
into the order-type combo (every type listed, disallowed ones disabled with the reason as tooltip,
product.md §3 item 1), parsing and validating the price text, placing `Problem`s next to their fields,
a default TWAP/VWAP window, and the quote / buying-power lines. Problems and precaution hits are
shown in the UI language through `problem_text`. Translations use the widget's
context ("OrderTicketWidget") so one .ts section covers the whole ticket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRegularExpression, Qt, QTime, QTimer
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from kisdesk.api import venue_rules
from kisdesk.api.enums import Exchange, OrderDivision, Side
from kisdesk.api.models import BuyingPowerOutput
from kisdesk.app.market import Quote
from kisdesk.domain.capabilities import DISPLAY_ORDER, OrderTypeChoice
from kisdesk.domain.precautions import PrecautionHit, Rule, Tier
from kisdesk.domain.rules import Problem
from kisdesk.ui import theme
from kisdesk.ui.labels import division_label, reason_label
from kisdesk.ui.problem_text import hit_text, problem_text

DEBOUNCE_MS: Final = 300  # typing a symbol letter by letter must not fire a quote per key
PROBLEM_FIELDS: Final = (
    "symbol",
    "quantity",
    "price",
    "division",
    "algo_timing",
    "start_time",
    "end_time",
    "ticket",
)
# Up to 4 decimals: the finest overseas tick (US below $1). Finer rules per venue come from rules.py.
_PRICE_RE: Final = r"\d{0,12}(\.\d{0,4})?"
_ALGO_END_MARGIN: Final = timedelta(minutes=10)  # rules require ≥5 min before the close; leave slack
# Where each precaution is shown: next to the field it measures, else under the ticket.
HIT_FIELDS: Final[dict[Rule, str]] = {
    Rule.QUANTITY: "quantity",
    Rule.PRICE_PERCENT: "price",
    Rule.PRICE_TICKS: "price",
    Rule.NO_QUOTE: "price",
}


def debounce_timer(parent: QWidget) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(DEBOUNCE_MS)
    return timer


def price_validator(parent: QWidget) -> QRegularExpressionValidator:
    """Digits with an optional '.' and up to 4 decimals; locale-independent (no ',' decimals)."""
    return QRegularExpressionValidator(QRegularExpression(_PRICE_RE), parent)


def parse_price(text: str) -> Decimal | None:
    """The typed price, or None when the field is empty or not a number yet (e.g. '.')."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def fill_order_types(combo: QComboBox) -> None:
    """All eight order types in capability display order; item data is the wire code (a str)."""
    model = QStandardItemModel(combo)
    for division in DISPLAY_ORDER:
        item = QStandardItem(division_label(division))
        item.setData(division.value, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    combo.setModel(model)


def apply_order_types(combo: QComboBox, choices: list[OrderTypeChoice]) -> None:
    """Enable the allowed types; a disabled one carries its reason as tooltip ("paper: limit only")."""
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    for row, choice in enumerate(choices):
        item = model.item(row)
        flags = item.flags()
        enabled = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        item.setFlags(flags | enabled if choice.allowed else flags & ~enabled)
        tip = "" if choice.reason is None else reason_label(choice.reason)
        item.setData(tip, Qt.ItemDataRole.ToolTipRole)


def select_division(combo: QComboBox, division: OrderDivision) -> None:
    combo.setCurrentIndex(DISPLAY_ORDER.index(division))


def tier_text(tier: Tier) -> str:
    return {
        Tier.WARN: QCoreApplication.translate("OrderTicketWidget", "Check"),
        Tier.CONFIRM: QCoreApplication.translate("OrderTicketWidget", "Confirm by typing"),
        Tier.BLOCK: QCoreApplication.translate("OrderTicketWidget", "Blocked"),
    }[tier]


def hit_line(hit: PrecautionHit) -> str:
    """ "Blocked: price 300.00 is +31.3% from the last price …" in the UI language."""
    return f"{tier_text(hit.tier)}: {hit_text(hit)}"


def shown_hits(hits: Sequence[PrecautionHit]) -> list[PrecautionHit]:
    """The hits worth a line: a tick hit that is no stricter than the percent hit says the same thing
    ("far from the last price") in a second unit, so it is left out; the tier decision still uses all."""
    percent = next((h for h in hits if h.rule is Rule.PRICE_PERCENT), None)
    return [
        h for h in hits if not (h.rule is Rule.PRICE_TICKS and percent is not None and h.tier <= percent.tier)
    ]


def show_problems(
    labels: dict[str, QLabel], problems: list[Problem], hits: Sequence[PrecautionHit] = ()
) -> None:
    """Each problem and precaution hit next to its field (others under "ticket"); anything that
    stops the order (an error, a BLOCK) red, the rest orange."""
    by_field: dict[str, list[tuple[str, bool]]] = {name: [] for name in labels}
    for problem in problems:
        name = problem.field if problem.field in labels else "ticket"
        by_field[name].append((problem_text(problem), problem.blocks))
    for hit in shown_hits(hits):
        by_field[HIT_FIELDS.get(hit.rule, "ticket")].append((hit_line(hit), hit.tier is Tier.BLOCK))
    for name, label in labels.items():
        found = by_field[name]
        label.setText("\n".join(text for text, _ in found))
        color = theme.ERROR_TEXT if any(blocks for _, blocks in found) else theme.WARNING_TEXT
        label.setStyleSheet(f"color: {color.name()};")
        label.setVisible(bool(found))


def make_error_labels() -> dict[str, QLabel]:
    labels: dict[str, QLabel] = {}
    for name in PROBLEM_FIELDS:
        label = QLabel()
        label.setObjectName(f"error_{name}")
        label.setWordWrap(True)
        label.setVisible(False)
        labels[name] = label
    return labels


def default_algo_window(exchange: Exchange, now: datetime) -> tuple[time, time]:
    """A KST window inside the coming regular session: from now (or the open) to 10 min before the close."""
    opens, closes = venue_rules.next_regular_session(exchange, now)
    rounded = (now + timedelta(minutes=5)).replace(second=0, microsecond=0)
    rounded -= timedelta(minutes=rounded.minute % 5)
    start = max(opens, rounded)
    end = closes - _ALGO_END_MARGIN
    if start >= end:
        start = opens
    kst = venue_rules.KST
    return start.astimezone(kst).time(), end.astimezone(kst).time()


def quote_text(quote: Quote, currency: str) -> tuple[str, str]:
    """The quote line and its colour: rising red, falling blue (Korean convention)."""
    if quote.last is None:
        return QCoreApplication.translate(
            "OrderTicketWidget", "Unknown symbol on this venue"
        ), theme.ERROR_TEXT.name()
    rate = quote.change_rate
    text = QCoreApplication.translate("OrderTicketWidget", "Last {last} {currency} ({rate}%)").format(
        last=quote.last, currency=currency, rate=f"{rate:+}"
    )
    color = theme.BUY_COLOR if rate > 0 else theme.SELL_COLOR if rate < 0 else None
    return text, "" if color is None else color.name()


def power_text(power: BuyingPowerOutput, currency: str) -> str:
    return QCoreApplication.translate(
        "OrderTicketWidget", "Orderable {amount} {currency} · max {qty} shares"
    ).format(
        amount=f"{power.orderable_amount:,}",
        currency=power.currency or currency,
        qty=f"{power.max_quantity:,}",
    )


def side_button_style(side: Side) -> str:
    """The Buy/Sell toggle: outlined in its side colour, filled when checked."""
    c = theme.side_color(side).name()
    return (
        f"QPushButton {{ color: {c}; border: 1px solid {c}; padding: 4px 12px; }}"
        f"QPushButton:checked {{ background: {c}; color: white; font-weight: bold; }}"
    )


def submit_style(side: Side) -> str:
    """The send button takes the side colour, so a sell ticket never looks like a buy ticket."""
    c = theme.side_color(side).name()
    return (
        f"QPushButton {{ background: {c}; color: white; font-weight: bold; padding: 6px; }}"
        "QPushButton:disabled { background: #9e9e9e; }"
    )


class EnterFilter(QObject):
    """Calls `on_enter` for Enter/Return in a watched field, and swallows the key. Auto-repeat of a held
    key calls it again: the ticket's in-flight guard makes that one order, not many."""

    def __init__(self, parent: QObject, on_enter: Callable[[], None]) -> None:
        super().__init__(parent)
        self._on_enter = on_enter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt override)
        key = event.key() if isinstance(event, QKeyEvent) else None
        if event.type() is QEvent.Type.KeyPress and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter()
            return True
        return False


def py_time(value: QTime) -> time:
    return time(value.hour(), value.minute(), value.second())


def new_intent() -> str:
    """One id per send (order-safety.md: date-prefixed UUID); the simulator counts POSTs per intent."""
    return f"{datetime.now(venue_rules.KST):%Y%m%d}-{uuid.uuid4().hex}"
