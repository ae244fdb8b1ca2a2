"""Order activity: live intent states against the embedded simulator, AMBIGUOUS choice, NOT_FOUND
send-again, and the window refusing to close while an intent is unresolved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QTableWidget

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.app.journal import Journal
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.app.session import Session
from kisdesk.domain.intents import KST, Fingerprint, Intent, IntentKind, IntentState
from kisdesk.simulator.faults import Fault, FaultKind
from kisdesk.ui.async_bridge import pending_tasks
from kisdesk.ui.intents_panel import IntentsPanel
from kisdesk.ui.main_window import CONFIRM_KEY, MainWindow

Loop = asyncio.AbstractEventLoop


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


_S = IntentState
FP = Fingerprint(Exchange.NASD, "AAPL", Side.BUY, 10, Decimal("100.00"), OrderDivision.LIMIT)
T0 = datetime(2026, 11, 22, 1, 0, 0, tzinfo=KST)


def make_intent(n: int, state: IntentState, **changes: object) -> Intent:
    created = T0 + timedelta(minutes=n)
    base = Intent(f"i{n}", IntentKind.ORDER, Env.DEMO, "50000000-01", FP, created, state=state)
    return replace(base, **changes)  # type: ignore[arg-type]


class FakeIntents:
    """IntentService's surface the panel uses; publishes like the service."""

    def __init__(self, *intents: Intent) -> None:
        self._intents = {i.intent_id: i for i in intents}
        self._subscribers: list[Callable[[Intent], None]] = []
        self.resolved: list[tuple[str, str | None]] = []
        self.sent_again: list[str] = []
        self.ready = True

    def intents(self) -> list[Intent]:
        return sorted(self._intents.values(), key=lambda i: i.created_at)

    def subscribe(self, callback: Callable[[Intent], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    @property
    def unresolved_count(self) -> int:
        return sum(1 for i in self._intents.values() if i.state.unresolved)

    def publish(self, new: Intent) -> None:
        self._intents[new.intent_id] = new
        for callback in list(self._subscribers):
            callback(new)

    async def resolve_ambiguous(self, intent: Intent, order_no: str | None) -> Intent:
        await asyncio.sleep(0)
        self.resolved.append((intent.intent_id, order_no))
        done = (
            replace(intent, state=_S.ACKED, order_no=order_no or "")
            if order_no
            else replace(intent, state=_S.NOT_FOUND)
        )
        self.publish(done)
        return done

    async def send_again(self, intent: Intent) -> Intent:
        await asyncio.sleep(0)
        self.sent_again.append(intent.intent_id)
        new = make_intent(59, _S.ACKED, order_no="0030135099", resend_of=intent.intent_id)
        self.publish(new)
        return new


@pytest.fixture
def panel_for(qtbot) -> Iterator[Callable[[FakeIntents], IntentsPanel]]:
    panels: list[IntentsPanel] = []

    def make(source: FakeIntents) -> IntentsPanel:
        panel = IntentsPanel(source)
        qtbot.addWidget(panel)
        panel.show()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.stop()


def test_ambiguous_offers_the_candidates_and_records_the_choice(panel_for, qloop: Loop) -> None:
    source = FakeIntents(make_intent(1, _S.AMBIGUOUS, candidates=("0030135001", "0030135002")))
    panel = panel_for(source)
    row = panel.row_of("i1")
    assert cell(panel.table, row, 6) == "Ambiguous"
    assert "Choose which order is yours" in cell(panel.table, row, 9)
    assert panel.attention_label.isVisible()
    button = panel.action_button(row)
    assert button is not None
    assert button.isEnabled()

    async def scenario() -> None:
        button.click()
        dialog = panel.choice_dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert [dialog.list_widget.item(i).text() for i in range(dialog.list_widget.count())] == [
            "0030135001",
            "0030135002",
        ]
        assert not dialog.mine_button.isEnabled()
        dialog.list_widget.setCurrentRow(1)
        dialog.mine_button.click()
        assert panel.last_task is not None
        await asyncio.wait_for(panel.last_task, 5)

    qloop.run_until_complete(scenario())
    assert source.resolved == [("i1", "0030135002")]
    row = panel.row_of("i1")
    assert cell(panel.table, row, 6) == "Accepted"
    assert panel.action_button(row) is None
    assert not panel.attention_label.isVisible()


def test_ambiguous_none_of_these(panel_for, qloop: Loop) -> None:
    source = FakeIntents(make_intent(1, _S.AMBIGUOUS, candidates=("0030135001", "0030135002")))
    panel = panel_for(source)

    async def scenario() -> None:
        dialog = panel.open_choice(source.intents()[0])
        dialog.none_button.click()
        assert panel.last_task is not None
        await asyncio.wait_for(panel.last_task, 5)

    qloop.run_until_complete(scenario())
    assert source.resolved == [("i1", None)]
    assert cell(panel.table, panel.row_of("i1"), 6) == "Not found at KIS"


def test_unknown_has_no_action_and_says_checking(panel_for) -> None:
    panel = panel_for(FakeIntents(make_intent(1, _S.UNKNOWN)))
    row = panel.row_of("i1")
    assert cell(panel.table, row, 6) == "Outcome unknown"
    assert "Checking with KIS" in cell(panel.table, row, 9)
    assert panel.action_button(row) is None  # never a resend button on UNKNOWN
    assert "do not resend" in panel.attention_label.text()


def test_not_found_sends_again_after_confirmation(panel_for, qloop: Loop) -> None:
    source = FakeIntents(make_intent(1, _S.NOT_FOUND))
    panel = panel_for(source)
    button = panel.action_button(panel.row_of("i1"))
    assert button is not None
    assert "Send again" in button.text()

    async def scenario() -> None:
        button.click()
        box = panel.send_again_box
        assert box is not None
        assert box.isVisible()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        send = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
        send.click()
        assert panel.last_task is not None
        await asyncio.wait_for(panel.last_task, 5)

    qloop.run_until_complete(scenario())
    assert source.sent_again == ["i1"]
    assert panel.row_of("i59") == 0  # the new intent, newest first
    assert cell(panel.table, 0, 6) == "Accepted"
    assert panel.action_button(panel.row_of("i1")) is None  # sent again once: no second button


def test_not_found_cancel_sends_nothing(panel_for) -> None:
    source = FakeIntents(make_intent(1, _S.NOT_FOUND))
    panel = panel_for(source)
    box = panel.open_send_again(source.intents()[0])
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert panel.last_task is None
    assert source.sent_again == []


# --- the real window on the embedded simulator ------------------------------------------------


@pytest.fixture
def demo_window(qtbot, qloop: Loop, ui_settings: QSettings) -> Iterator[MainWindow]:
    ui_settings.setValue(CONFIRM_KEY, False)
    session = qloop.run_until_complete(Session.open_demo())
    session.intents.reconciler.settings = ReconcileSettings(grace_s=2.0, poll_s=0.1, max_poll_s=0.3)
    window = MainWindow(session, ui_settings)
    window.show()
    yield window
    qloop.run_until_complete(window.aclose())
    window.close()
    shiboken6.delete(window)


async def _started(window: MainWindow) -> None:
    await asyncio.wait_for(window.start_intents(), 10)


async def _drain() -> None:
    """Let the tasks the window started (pending-grid refreshes after an ACK) finish in the loop."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        tasks = pending_tasks()
        if tasks:
            await asyncio.wait(tasks, timeout=5)


def test_unknown_then_acked_against_the_simulator(demo_window: MainWindow, qloop: Loop) -> None:
    window = demo_window
    session = window.session
    assert not window.ticket.submit_button.isEnabled()  # until the journal is reconciled
    assert window.ticket.blocked_reason
    qloop.run_until_complete(_started(window))
    assert not window.ticket.blocked_reason
    assert window.ticket.submit_button.isEnabled()

    assert session._simulator is not None
    session._simulator.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    seen: list[IntentState] = []
    window.intents_panel.intent_changed.connect(lambda i: seen.append(i.state))
    ticket = window.ticket
    ticket.prefill("AAPL", Side.BUY, 1, Decimal("100.00"), exchange=Exchange.NASD)

    async def scenario() -> Intent:
        await ticket.submit()
        assert "Outcome unknown" in ticket.status_label.text()
        assert "Do not send it again" in ticket.status_label.text()
        assert window.session.unresolved_count == 1
        assert window.unresolved_label.isVisible()
        panel = window.intents_panel
        assert cell(panel.table, 0, 6) == "Outcome unknown"
        assert panel.action_button(0) is None
        [only] = session.intents.intents()
        final = await asyncio.wait_for(session.intents.settle(only), 15)
        await _drain()
        return final

    final = qloop.run_until_complete(scenario())
    assert final.state is _S.ACKED
    assert final.order_no
    assert _S.UNKNOWN in seen
    assert seen[-1] is _S.ACKED
    assert cell(window.intents_panel.table, 0, 6) == "Accepted"
    assert cell(window.intents_panel.table, 0, 7) == final.order_no
    assert ticket.status_label.text() == f"Placed #{final.order_no}"  # the ticket followed it
    assert not window.unresolved_label.isVisible()


def test_ticket_shows_placed_and_rejected(demo_window: MainWindow, qloop: Loop) -> None:
    window = demo_window
    qloop.run_until_complete(_started(window))
    ticket = window.ticket
    ticket.prefill("AAPL", Side.BUY, 1, Decimal("100.00"), exchange=Exchange.NASD)

    async def scenario() -> None:
        await asyncio.wait_for(ticket.submit(), 10)
        await _drain()

    qloop.run_until_complete(scenario())
    [placed] = window.session.intents.intents()
    assert placed.state is _S.ACKED
    assert ticket.status_label.text() == f"Placed #{placed.order_no}"
    assert window.tabs.tabText(window.tabs.indexOf(window.intents_panel)) == "Order &activity"


@pytest.mark.parametrize(
    ("journal_file", "warning"),
    [
        (
            False,
            "1 demo order(s) are still being checked (see Order activity). Close again to quit anyway; "
            "DEMO forgets them when it closes.",
        ),
        (
            True,
            "1 order(s) are still being checked with KIS (see Order activity). Close again to quit "
            "anyway; they are checked again at the next start.",
        ),
    ],
)
def test_close_is_refused_once_while_unresolved(
    qloop: Loop, ui_settings: QSettings, tmp_path: Path, journal_file: bool, warning: str
) -> None:
    session = qloop.run_until_complete(Session.open_demo())
    if journal_file:  # a journal that outlives the app, as on REAL and PAPER
        qloop.run_until_complete(session.journal.aclose())
        session.journal = Journal(tmp_path / "journal.sqlite3")
    source = FakeIntents(make_intent(1, _S.UNKNOWN))
    session.intents = source  # type: ignore[assignment]
    window = MainWindow(session, ui_settings)
    window.show()
    try:
        assert window.unresolved_label.isVisible()
        assert "1 order(s) unresolved" in window.unresolved_label.text()
        event = QCloseEvent()
        window.closeEvent(event)
        assert not event.isAccepted()
        assert window.last_notice == warning
        assert window.tabs.currentWidget() is window.intents_panel
        source.publish(make_intent(1, _S.ACKED, order_no="0030135001"))
        assert not window.unresolved_label.isVisible()
        event = QCloseEvent()
        window.closeEvent(event)
        assert event.isAccepted()
    finally:
        window.intents_panel.stop()
        qloop.run_until_complete(session.client.aclose())
        qloop.run_until_complete(session.journal.aclose())
        if session._simulator is not None:
            session._simulator.stop()
        shiboken6.delete(window)


def test_grid_cancel_goes_through_the_journal(demo_window: MainWindow, qloop: Loop) -> None:
    window = demo_window
    qloop.run_until_complete(_started(window))
    ticket = window.ticket
    ticket.prefill("AAPL", Side.BUY, 1, Decimal("100.00"), exchange=Exchange.NASD)
    panel = window.pending_panel

    async def scenario() -> None:
        await asyncio.wait_for(ticket.submit(), 10)
        await _drain()
        await panel.refresh()
        targets = panel.proxy.shown_orders()
        assert len(targets) == 1
        await panel._send_cancels(targets)  # what "Cancel selected" does after its question
        await _drain()

    qloop.run_until_complete(scenario())
    kinds = [(i.kind, i.state) for i in window.session.intents.intents()]
    # The accepted cancel puts its order in PENDING_CANCEL; the grid's next refresh confirms CANCELED.
    assert kinds == [(IntentKind.ORDER, _S.PENDING_CANCEL), (IntentKind.CANCEL, _S.ACKED)]
    assert "accepted" in panel.status_label.text().lower()
    assert window.intents_panel.table.rowCount() == 2
    assert cell(window.intents_panel.table, 0, 1) == "Cancel"
    qloop.run_until_complete(panel.refresh())
    order = next(i for i in window.session.intents.intents() if i.kind is IntentKind.ORDER)
    assert order.state is _S.CANCELED
