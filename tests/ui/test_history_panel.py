"""History tab: lists the journal's intents (per environment or all) and exports them as CSV."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.app.journal import CSV_HEADER, Journal
from kisdesk.domain.intents import KST, Fingerprint, Intent, IntentKind, IntentState
from kisdesk.ui.history_panel import HistoryPanel

Loop = asyncio.AbstractEventLoop


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


T0 = datetime(2026, 11, 22, 1, 0, 0, tzinfo=KST)


def _intent(n: int, env: Env, state: IntentState, **changes: object) -> Intent:
    fp = Fingerprint(Exchange.NASD, f"SYM{n}", Side.BUY, n, Decimal("101.50"), OrderDivision.LIMIT)
    base = Intent(f"h{n}", IntentKind.ORDER, env, "50000000-01", fp, T0 + timedelta(minutes=n), state=state)
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def journal(tmp_path: Path, qloop: Loop) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3")
    rows = [
        _intent(1, Env.DEMO, IntentState.ACKED, order_no="0030135001"),
        _intent(2, Env.DEMO, IntentState.REJECTED, message="[APBK0919] 주문가능금액 부족"),
        _intent(3, Env.PAPER, IntentState.UNKNOWN, message="ReadTimeout"),
    ]

    async def fill() -> None:
        for row in rows:
            await j.record_new(row)

    qloop.run_until_complete(fill())
    yield j
    j.close()


def test_lists_this_environment_then_all(qtbot, qloop: Loop, journal: Journal) -> None:
    panel = HistoryPanel(journal, Env.DEMO)
    qtbot.addWidget(panel)
    qloop.run_until_complete(panel.refresh())
    assert panel.table.rowCount() == 2
    assert [cell(panel.table, r, 3) for r in range(2)] == ["SYM2", "SYM1"]  # newest first
    row = [cell(panel.table, 0, c) for c in range(panel.table.columnCount())]
    assert row == [
        "2026-11-22 01:02:00",
        "DEMO",
        "NASD",
        "SYM2",
        "New order",
        "Buy",
        "2",
        "101.50",
        "Rejected",
        "",
        "KIS rejected it: [APBK0919] 주문가능금액 부족",
    ]
    assert cell(panel.table, 1, 9) == "0030135001"
    assert "2" in panel.count_label.text()

    panel.scope_combo.setCurrentIndex(1)  # all environments
    qloop.run_until_complete(panel.refresh())
    assert panel.table.rowCount() == 3
    assert cell(panel.table, 0, 1) == "PAPER"
    assert cell(panel.table, 0, 8) == "Outcome unknown"
    # The trader reads what to do, not the exception; the technical text stays in the tooltip.
    assert cell(panel.table, 0, 10) == "Outcome unknown — checking with KIS. Do not send it again."
    tip = panel.table.item(0, 10)
    assert tip is not None
    assert tip.toolTip() == "ReadTimeout"


def test_export_csv_writes_the_journal(qtbot, qloop: Loop, journal: Journal, tmp_path: Path) -> None:
    panel = HistoryPanel(journal, Env.DEMO)
    qtbot.addWidget(panel)
    messages: list[str] = []
    panel.message.connect(messages.append)
    out = tmp_path / "orders.csv"
    count = qloop.run_until_complete(panel.export_to(out))
    assert count == 3
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER
    body = [dict(zip(CSV_HEADER, r, strict=True)) for r in rows[1:]]
    assert [r["id"] for r in body] == ["h3", "h2", "h1"]
    assert body[2]["order_no"] == "0030135001"
    assert body[2]["state"] == "ACKED"
    assert body[1]["message"] == "[APBK0919] 주문가능금액 부족"
    assert body[0]["env"] == Env.PAPER.value
    assert messages
    assert str(out) in messages[-1]
    assert panel.export_button.isEnabled()


def test_export_dialog_is_non_modal_and_exports_on_file_selected(
    qtbot, qloop: Loop, journal: Journal, tmp_path: Path
) -> None:
    panel = HistoryPanel(journal, Env.DEMO)
    qtbot.addWidget(panel)
    panel.show()
    out = tmp_path / "chosen.csv"

    async def scenario() -> None:
        panel.export_button.click()
        dialog = panel.export_dialog
        assert dialog is not None
        assert dialog.isVisible()
        dialog.fileSelected.emit(str(out))  # what the dialog emits when the user picks a file
        assert panel.export_task is not None
        await asyncio.wait_for(panel.export_task, 5)
        dialog.reject()

    qloop.run_until_complete(scenario())
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("id,kind,env")


def test_export_failure_is_reported(qtbot, qloop: Loop, journal: Journal, tmp_path: Path) -> None:
    panel = HistoryPanel(journal, Env.DEMO)
    qtbot.addWidget(panel)
    messages: list[str] = []
    panel.message.connect(messages.append)
    result = qloop.run_until_complete(panel.export_to(tmp_path / "missing-dir" / "x.csv"))
    assert result is None
    assert messages
    assert messages[-1].startswith("Export failed")
