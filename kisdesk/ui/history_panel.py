"""History: the order journal's intents (newest first) and "Export CSV…".

Owns the `HistorySource` protocol (the part of `app.journal.Journal` the tab reads) and
`HistoryPanel`. Reads run on the journal's worker thread; a refresh started while another runs
supersedes it (`latest_wins`). The export asks for a file with a non-modal `QFileDialog`
(`open()` + `fileSelected`), never `getSaveFileName`, whose nested loop would stall the asyncio
loop (style.md B.5); `export_to(path)` is the coroutine tests await directly.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
from pathlib import Path
from typing import Final, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Env
from kisdesk.domain.intents import Intent
from kisdesk.ui.async_bridge import latest_wins, slot, spawn
from kisdesk.ui.labels import env_label, intent_kind_label, intent_state_label, side_label
from kisdesk.ui.messages import intent_message

log = logging.getLogger(__name__)
_IDS: Final = itertools.count(1)
HISTORY_LIMIT: Final = 500


class HistorySource(Protocol):
    """The part of `kisdesk.app.journal.Journal` the tab uses."""

    async def history(self, limit: int = 200, env: Env | None = None) -> list[Intent]: ...

    async def export_csv(self, path: Path | str, limit: int = 100_000) -> int: ...


class HistoryPanel(QWidget):
    """The journal's intents with time, env, venue, symbol, side, qty, price, state, order no., message.

    Signals:
        message(str): a result worth showing in the status bar.

    Children: `scope_combo` (this environment / all), `refresh_button`, `export_button`,
    `count_label`, `table`; `export_dialog` while the file dialog is open.
    """

    message = Signal(str)

    HEADERS: Final = 11

    def __init__(self, journal: HistorySource, env: Env, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._journal = journal
        self._env = env
        self._name = f"history-{next(_IDS)}"
        self.intents: list[Intent] = []
        self.export_dialog: QFileDialog | None = None
        self.export_task: asyncio.Task[object] | None = None
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(self.tr("This environment ({0})").format(env_label(env)), env.value)
        self.scope_combo.addItem(self.tr("All environments"), "")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setToolTip(self.tr("Save the whole journal (every environment) as a CSV file"))
        self.count_label = QLabel()
        self.table = QTableWidget(0, self.HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Env"),
                self.tr("Venue"),
                self.tr("Symbol"),
                self.tr("Action"),
                self.tr("Side"),
                self.tr("Qty"),
                self.tr("Price"),
                self.tr("State"),
                self.tr("Order no."),
                self.tr("Message"),
            ]
        )
        top = QHBoxLayout()
        top.addWidget(self.scope_combo)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(slot(self.refresh, self._on_unexpected))
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.schedule_refresh())
        self.export_button.clicked.connect(self.open_export_dialog)

    # --- reading --------------------------------------------------------------------------------

    def schedule_refresh(self) -> asyncio.Task[None] | None:
        """Refresh in the background; a newer refresh cancels an older one still running."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return None  # no loop (a synchronous test pumping Qt events)
        return latest_wins(self._name, self.refresh(), self._on_unexpected)

    async def refresh(self) -> None:
        code = self.scope_combo.currentData()
        env = Env(code) if code else None
        try:
            intents = await self._journal.history(HISTORY_LIMIT, env)
        except (OSError, RuntimeError, sqlite3.Error) as exc:  # RuntimeError: the journal is closed
            self._say(self.tr("Could not read the order journal: {0}").format(str(exc)))
            return
        self._fill(intents)

    def _fill(self, intents: list[Intent]) -> None:
        self.intents = intents
        self.table.setRowCount(len(intents))
        for row, intent in enumerate(intents):
            fp = intent.fingerprint
            values = [
                intent.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                env_label(intent.env),
                fp.exchange.value,
                fp.symbol,
                intent_kind_label(intent.kind),
                side_label(fp.side),
                f"{fp.quantity:,}",
                format(fp.price, "f") if fp.price else "",
                intent_state_label(intent.state),
                intent.order_no or intent.target_order_no,
                # The trader's wording; the journal's own text (an exception name for an UNKNOWN
                # send) stays in the tooltip and the CSV export, where support can read it.
                intent_message(intent),
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column in (6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 10:
                    item.setToolTip(intent.message or text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.count_label.setText(self.tr("%n intent(s)", "", len(intents)))

    # --- export ---------------------------------------------------------------------------------

    def open_export_dialog(self) -> QFileDialog:
        """Ask where to save, without a nested loop; the export starts when a file is chosen."""
        dialog = QFileDialog(self, self.tr("Export order history"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter(self.tr("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.selectFile("kisdesk-orders.csv")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._on_export_file_selected)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _on_export_file_selected(self, path: str) -> None:
        if path:
            self.export_task = spawn(self.export_to(path), self._on_unexpected)

    async def export_to(self, path: Path | str) -> int | None:
        """Write the journal to `path` as CSV; returns the number of rows (None on failure)."""
        self.export_button.setEnabled(False)
        try:
            count = await self._journal.export_csv(path)
        except (OSError, RuntimeError, sqlite3.Error) as exc:
            self._say(self.tr("Export failed: {0}").format(str(exc)))
            return None
        finally:
            self.export_button.setEnabled(True)
        self._say(self.tr("Exported %n order(s) to {0}", "", count).format(str(path)))
        return count

    def _say(self, text: str) -> None:
        self.count_label.setToolTip(text)
        self.message.emit(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error in the history tab", exc_info=exc)
        self._say(str(exc) or type(exc).__name__)
