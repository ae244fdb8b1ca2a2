"""The typed confirmation for a CONFIRM-tier precaution: `TypedConfirmDialog` and awaitable `ask_typed()`.

Owns the HTS-style "type it to mean it" step (order-safety.md §2 rows 8 and 9): the dialog lists every
precaution the order trips, and its confirm button stays disabled until the trader types the quantity
(when the size or value is what is unusual) or else the symbol, exactly. Cancel is the default button,
so Enter or Esc never confirms. It comes *before* the normal order confirmation, which still appears.
`ask_typed()` opens the dialog with `open()` and awaits a future: no nested loop inside a coroutine
(stack-notes Pitfalls #2).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kisdesk.domain.precautions import PrecautionHit, Rule, Tier
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui import theme
from kisdesk.ui.async_bridge import accepted, run_dialog
from kisdesk.ui.labels import side_label
from kisdesk.ui.problem_text import hit_text
from kisdesk.ui.ticket_fields import shown_hits

_SIZE_RULES = frozenset({Rule.QUANTITY, Rule.NOTIONAL})


def expected_text(ticket: OverseasTicket, hits: Sequence[PrecautionHit]) -> str:
    """What the trader must type: the quantity if a size rule asks for confirmation (typing the number
    makes one read it), else the symbol."""
    if any(h.tier is Tier.CONFIRM and h.rule in _SIZE_RULES for h in hits):
        return str(ticket.quantity or 0)
    return ticket.clean_symbol


def _normalise(text: str, expected: str) -> str:
    """Case and group separators do not matter ("aapl", "5,000"); every other character does."""
    text = text.strip().upper()
    return text.replace(",", "") if expected.isdigit() else text


class TypedConfirmDialog(QDialog):
    """Asks the trader to type `expected` before an unusual order may continue.

    Signals: only QDialog's own. Children: `hits_label`, `instruction_label`, `typed_edit`,
    `confirm_button` (disabled until the text matches), `cancel_button` (default).
    """

    def __init__(
        self, ticket: OverseasTicket, hits: Sequence[PrecautionHit], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.expected = expected_text(ticket, hits)
        self.setWindowTitle(self.tr("Unusual order: confirm by typing"))
        color = theme.side_color(ticket.side).name()
        headline = self.tr("{side} {qty} {symbol} on {venue}").format(
            side=f'<b style="color:{color}">{side_label(ticket.side)}</b>',
            qty=f"{ticket.quantity or 0:,}",
            symbol=f"<b>{html.escape(ticket.clean_symbol)}</b>",
            venue=ticket.exchange.value,
        )
        self.headline_label = QLabel(headline)
        self.hits_label = QLabel(self._hits_html(hits))
        self.hits_label.setWordWrap(True)
        if self.expected == ticket.clean_symbol:
            text = self.tr("Type the symbol {expected} to send this order anyway.")
        else:
            text = self.tr("Type the quantity {expected} to send this order anyway.")
        self.instruction_label = QLabel(text.format(expected=f"<b>{html.escape(self.expected)}</b>"))
        self.instruction_label.setWordWrap(True)
        self.typed_edit = QLineEdit()
        self.typed_edit.setPlaceholderText(self.expected)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.confirm_button = QPushButton(self.tr("Continue to confirmation"))
        self._setup(color)

    def matches(self) -> bool:
        return _normalise(self.typed_edit.text(), self.expected) == self.expected.upper()

    def _setup(self, color: str) -> None:
        # Enter (also in the text field) presses the default: Cancel. Only a click confirms.
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.setEnabled(False)
        self.confirm_button.setStyleSheet(
            f"QPushButton {{ background: {color}; color: white; font-weight: bold; padding: 6px 12px; }}"
            "QPushButton:disabled { background: #9e9e9e; }"
        )
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm)
        self.typed_edit.textChanged.connect(lambda: self.confirm_button.setEnabled(self.matches()))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        for widget in (self.headline_label, self.hits_label, self.instruction_label, self.typed_edit):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.typed_edit.setFocus()

    def _on_confirm(self) -> None:
        if self.matches():  # the button is disabled otherwise; check again all the same
            self.accept()

    @staticmethod
    def _hits_html(hits: Sequence[PrecautionHit]) -> str:
        lines = []
        for hit in sorted(shown_hits(hits), key=lambda h: -h.tier):
            color = theme.ERROR_TEXT if hit.tier is Tier.CONFIRM else theme.WARNING_TEXT
            lines.append(f'<li style="color:{color.name()}">{html.escape(hit_text(hit))}</li>')
        return f"<ul>{''.join(lines)}</ul>"


async def ask_typed(parent: QWidget | None, ticket: OverseasTicket, hits: Sequence[PrecautionHit]) -> bool:
    """Show the typed confirmation without a nested event loop; True only if the trader typed the
    expected text and clicked Continue. Cancelling the awaiting task closes the dialog (as Cancel)."""
    dialog = TypedConfirmDialog(ticket, hits, parent)
    return await run_dialog(dialog, accepted, opened=dialog.typed_edit.setFocus)
