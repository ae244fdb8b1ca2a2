"""Order activity: this session's order intents, their journal state and what the trader can do.

Owns the `IntentSource` protocol (the part of `app.intents.IntentService` the panel uses),
`IntentsPanel` and `AmbiguousChoiceDialog`. Rows follow `IntentService.subscribe`, newest first.
States that need attention stand out (order-safety.md §3): UNKNOWN/SENDING amber — KIS is being
asked, there is nothing to do and never a resend button; AMBIGUOUS red — the trader chooses which
candidate order is theirs, or none (non-modal dialog → `resolve_ambiguous`); NOT_FOUND — the order
was not placed and may be sent again as a *new* intent after a confirmation (`send_again`).
Dialogs open with `open()`/`show()` and answer through signals: no nested Qt loop (style.md B.5).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Final, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.errors import KisError
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.intents import NotReadyError, SendAgainError
from kisdesk.domain.intents import Intent, IntentKind, IntentState
from kisdesk.ui import theme
from kisdesk.ui.async_bridge import spawn
from kisdesk.ui.labels import intent_kind_label, intent_state_label, side_label
from kisdesk.ui.messages import intent_message, intent_next_step, message_for

log = logging.getLogger(__name__)

_S = IntentState
AMBER: Final = QColor("#f9a825")
RED: Final = QColor("#c62828")
GREEN: Final = QColor("#2e7d32")
GREY: Final = QColor("#757575")
# (background, text) of the state cell; None keeps the table's own colours.
_BADGES: Final[dict[IntentState, tuple[QColor | None, QColor]]] = {
    _S.SENDING: (AMBER, QColor("#000000")),
    _S.UNKNOWN: (AMBER, QColor("#000000")),
    _S.AMBIGUOUS: (RED, QColor("#ffffff")),
    _S.NOT_FOUND: (QColor("#ffe0b2"), theme.WARNING_TEXT),
    _S.REJECTED: (None, RED),
    _S.NOT_SENT: (None, RED),
    _S.ACKED: (None, GREEN),
    _S.PARTIALLY_FILLED: (None, GREEN),
    _S.FILLED: (None, GREEN),
}


class IntentSource(Protocol):
    """The part of `kisdesk.app.intents.IntentService` the panel uses."""

    def intents(self) -> list[Intent]: ...

    def subscribe(self, callback: Callable[[Intent], None]) -> Callable[[], None]: ...

    @property
    def unresolved_count(self) -> int: ...

    async def resolve_ambiguous(self, intent: Intent, order_no: str | None) -> Intent: ...

    async def send_again(self, intent: Intent) -> Intent: ...


class AmbiguousChoiceDialog(QDialog):
    """Which of these KIS orders is yours? Lists the candidates; "None of these" or close to decide later.

    Signals:
        chosen(object): the chosen order number (str), or None for "none of these".
    """

    chosen = Signal(object)

    def __init__(self, intent: Intent, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intent = intent
        fp = intent.fingerprint
        self.setWindowTitle(self.tr("Which order is yours?"))
        text = self.tr(
            "KIS has several orders that match {side} {symbol} {quantity} @ {price}. "
            "Choose the one this order became, or “None of these” if none is yours. "
            "Nothing is sent either way."
        ).format(side=side_label(fp.side), symbol=fp.symbol, quantity=f"{fp.quantity:,}", price=fp.price)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.list_widget = QListWidget()
        for order_no in intent.candidates:
            self.list_widget.addItem(order_no)
        self.buttons = QDialogButtonBox()
        self.mine_button = self.buttons.addButton(
            self.tr("This one is mine"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.none_button = self.buttons.addButton(
            self.tr("None of these"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = self.buttons.addButton(
            self.tr("Decide later"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.mine_button.setEnabled(False)
        self.list_widget.currentRowChanged.connect(lambda row: self.mine_button.setEnabled(row >= 0))
        self.mine_button.clicked.connect(self._on_mine)
        self.none_button.clicked.connect(self._on_none)
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.list_widget, 1)
        layout.addWidget(self.buttons)

    def _on_mine(self) -> None:
        row = self.list_widget.currentRow()
        if row < 0:
            return
        self.chosen.emit(self.intent.candidates[row])
        self.accept()

    def _on_none(self) -> None:
        self.chosen.emit(None)
        self.accept()


class IntentsPanel(QWidget):
    """This session's intents, newest first, live.

    Signals:
        intent_changed(object): a new version of an intent (the ticket and the window follow it).
        unresolved_changed(int): intents still SENDING/UNKNOWN/AMBIGUOUS.
        message(str): a result worth showing in the status bar.

    Children: `attention_label` (shown while something needs attention), `table`.
    """

    intent_changed = Signal(object)
    unresolved_changed = Signal(int)
    message = Signal(str)

    COLUMNS: Final = 10
    ACTION_COLUMN: Final = 8  # the button (choose / send again), before the explanation

    def __init__(self, source: IntentSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._intents: dict[str, Intent] = {i.intent_id: i for i in source.intents()}
        self._rows: list[Intent] = []
        self._acting: set[str] = set()  # intents with a resolve or send-again in progress
        self.last_task: asyncio.Task[object] | None = None
        self.choice_dialog: AmbiguousChoiceDialog | None = None
        self.send_again_box: QMessageBox | None = None
        self.attention_label = QLabel()
        self.attention_label.setWordWrap(True)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Action"),
                self.tr("Symbol"),
                self.tr("Side"),
                self.tr("Qty"),
                self.tr("Price"),
                self.tr("State"),
                self.tr("Order no."),
                "",
                self.tr("What you can do"),
            ]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.attention_label)
        layout.addWidget(self.table, 1)
        self._unsubscribe: Callable[[], None] | None = source.subscribe(self._on_intent)
        self._render()

    # --- public ---------------------------------------------------------------------------------

    @property
    def unresolved_count(self) -> int:
        return self._source.unresolved_count

    def intent_at(self, row: int) -> Intent:
        return self._rows[row]

    def row_of(self, intent_id: str) -> int:
        return next(r for r, i in enumerate(self._rows) if i.intent_id == intent_id)

    def action_button(self, row: int) -> QPushButton | None:
        widget = self.table.cellWidget(row, self.ACTION_COLUMN)
        return widget if isinstance(widget, QPushButton) else None

    def stop(self) -> None:
        """Stop following the service (the session is closing or the panel is being replaced)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def open_choice(self, intent: Intent) -> AmbiguousChoiceDialog:
        """The non-modal "which order is yours?" dialog for an AMBIGUOUS intent."""
        dialog = AmbiguousChoiceDialog(intent, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda order_no: self._start(self.resolve(intent, order_no)))
        self.choice_dialog = dialog
        dialog.open()
        return dialog

    async def resolve(self, intent: Intent, order_no: str | None) -> Intent | None:
        """Record the trader's choice for an AMBIGUOUS intent (None: none of the candidates)."""
        if intent.intent_id in self._acting:
            return None
        self._acting.add(intent.intent_id)
        self._render()
        try:
            done = await self._source.resolve_ambiguous(intent, order_no)
        except (KisError, ValueError, RuntimeError) as exc:
            self._say(self.tr("Could not record the choice: {0}").format(message_for(exc)))
            return None
        finally:
            self._acting.discard(intent.intent_id)
            self._render()
        self._say(intent_message(done))
        return done

    def open_send_again(self, intent: Intent) -> QMessageBox:
        """Confirm, then send a NOT_FOUND order again as a new order (default: Cancel)."""
        fp = intent.fingerprint
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Send again as a new order?"))
        box.setText(
            self.tr(
                "KIS has no order matching {side} {symbol} {quantity} @ {price}: it was not placed.\n"
                "Send it again now, as a new order?"
            ).format(side=side_label(fp.side), symbol=fp.symbol, quantity=f"{fp.quantity:,}", price=fp.price)
        )
        send = box.addButton(self.tr("Send as a new order"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._start(self.send_again(intent)) if button is send else None
        )
        self.send_again_box = box
        box.open()
        return box

    async def send_again(self, intent: Intent) -> Intent | None:
        """Send a NOT_FOUND order again as a new intent (the service allows it once)."""
        if intent.intent_id in self._acting:
            return None
        self._acting.add(intent.intent_id)
        self._render()
        try:
            new = await self._source.send_again(intent)
        except SendAgainError as exc:
            self._say(self.tr("Not sent again: {0}").format(str(exc)))
            return None
        except (KisError, OrderRuleError, NotReadyError) as exc:
            self._say(self.tr("Not sent again: {0}").format(message_for(exc)))
            return None
        finally:
            self._acting.discard(intent.intent_id)
            self._render()
        self._say(intent_message(new))
        return new

    # --- internals ------------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, object]) -> None:
        self.last_task = spawn(coro, self._on_unexpected)

    def _say(self, text: str) -> None:
        self.message.emit(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error in order activity", exc_info=exc)
        self._say(message_for(exc))

    def _on_intent(self, intent: Intent) -> None:
        self._intents[intent.intent_id] = intent
        self._render()
        self.intent_changed.emit(intent)
        self.unresolved_changed.emit(self._source.unresolved_count)

    def _render(self) -> None:
        self._rows = sorted(self._intents.values(), key=lambda i: i.created_at, reverse=True)
        resent = {i.resend_of for i in self._intents.values() if i.resend_of}
        self.table.setRowCount(len(self._rows))
        for row, intent in enumerate(self._rows):
            self._fill_row(row, intent, intent.intent_id in resent)
        self.table.resizeColumnsToContents()
        buttons = [self.action_button(r) for r in range(len(self._rows))]
        widths = [b.sizeHint().width() for b in buttons if b is not None]
        self.table.setColumnWidth(self.ACTION_COLUMN, max(widths) + 4 if widths else 8)
        self._update_attention()

    def _fill_row(self, row: int, intent: Intent, resent: bool) -> None:
        fp = intent.fingerprint
        order_no = intent.order_no or (
            self.tr("for {0}").format(intent.target_order_no) if intent.target_order_no else ""
        )
        values = [
            intent.created_at.strftime("%H:%M:%S"),
            intent_kind_label(intent.kind),
            f"{fp.exchange.value} {fp.symbol}",
            side_label(fp.side),
            f"{fp.quantity:,}",
            format(fp.price, "f") if fp.price else "",
            intent_state_label(intent.state),
            order_no,
            "",
            intent_next_step(intent, resent=resent) or intent.message,
        ]
        state_item = QTableWidgetItem()
        for column, text in enumerate(values):
            item = QTableWidgetItem(text)
            if column in (4, 5):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
            if column == 6:
                state_item = item
        background, foreground = _BADGES.get(intent.state, (None, GREY))
        if background is not None:
            state_item.setBackground(QBrush(background))
        state_item.setForeground(QBrush(foreground))
        font = state_item.font()
        font.setBold(intent.state.unresolved or intent.state is _S.NOT_FOUND)
        state_item.setFont(font)
        if intent.message:
            state_item.setToolTip(intent.message)
        button = self._action_for(intent, resent)
        if button is None:
            self.table.removeCellWidget(row, self.ACTION_COLUMN)
        else:
            self.table.setCellWidget(row, self.ACTION_COLUMN, button)

    def _action_for(self, intent: Intent, resent: bool) -> QPushButton | None:
        busy = intent.intent_id in self._acting
        button: QPushButton | None = None
        if intent.state is _S.AMBIGUOUS:
            button = QPushButton(self.tr("Choose…"))
            button.clicked.connect(lambda: self.open_choice(self._intents[intent.intent_id]))
        elif intent.state is _S.NOT_FOUND and intent.kind is IntentKind.ORDER and not resent:
            button = QPushButton(self.tr("Send again…"))
            button.clicked.connect(lambda: self.open_send_again(self._intents[intent.intent_id]))
        if button is not None:
            button.setEnabled(not busy)
        return button

    def _update_attention(self) -> None:
        checking = sum(1 for i in self._intents.values() if i.state in (_S.SENDING, _S.UNKNOWN))
        ambiguous = sum(1 for i in self._intents.values() if i.state is _S.AMBIGUOUS)
        parts = []
        if checking:
            parts.append(self.tr("%n order(s) being checked with KIS — do not resend.", "", checking))
        if ambiguous:
            parts.append(self.tr("%n order(s) need your choice.", "", ambiguous))
        self.attention_label.setText("  ".join(parts))
        color = RED if ambiguous else AMBER
        self.attention_label.setStyleSheet(
            f"background: {color.name()}; color: {'#ffffff' if ambiguous else '#000000'};"
            " font-weight: bold; padding: 4px;"
        )
        self.attention_label.setVisible(bool(parts))
