"""ReservationsTab: PAPER lock-out, live form checks, place / revise / cancel with programmatic dialog
answers, and one round trip through the embedded simulator (DEMO, real-host imitation).

Dialogs open with open() and are answered from inside the scenario coroutine: the helpers poll with
`await asyncio.sleep`, never a nested Qt loop (stack-notes, Pitfalls #2).
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget

from kisdesk.api.enums import Env, ResvOrderDivision, Side
from kisdesk.api.errors import KisApiError
from kisdesk.api.models.reservation import ReservationRow
from kisdesk.api.venue_rules import KST
from kisdesk.app.session import Session
from kisdesk.domain.capabilities import Reason
from kisdesk.domain.intents import IntentKind, IntentState
from kisdesk.domain.reservation_intents import ReservationIntent, ResvTerms
from kisdesk.domain.rules import Problem, validate_reservation
from kisdesk.domain.ticket import ReservationTicket, reservation_price
from kisdesk.ui.async_bridge import pending_tasks
from kisdesk.ui.labels import reason_label
from kisdesk.ui.reservations_tab import ReservationsTab

NOW = datetime(2026, 11, 23, 16, 0, tzinfo=KST)  # Monday, inside the 15:40–07:30 intake window
VALID = ReservationTicket(Env.DEMO, "005930", Side.BUY, ResvOrderDivision.LIMIT, 3, Decimal("55000"))


def wire_row(seq: str, **wire: str) -> ReservationRow:
    base = {
        "rsvn_ord_seq": seq,
        "rsvn_ord_ord_dt": "20261124",
        "pdno": "005930",
        "kor_item_shtn_name": "삼성전자",
        "sll_buy_dvsn_cd": "02",
        "ord_dvsn_name": "지정가",
        "ord_rsvn_qty": "3",
        "ord_rsvn_unpr": "55000",
        "prcs_rslt": "미처리",
    }
    return ReservationRow.model_validate({**base, **wire})


def intent(
    kind: IntentKind = IntentKind.ORDER, state: IntentState = IntentState.ACKED, **fields: Any
) -> ReservationIntent:
    terms = ResvTerms("005930", Side.BUY, 3, Decimal(55000), ResvOrderDivision.LIMIT)
    return ReservationIntent(
        f"i{uuid.uuid4().hex}", kind, Env.DEMO, "50123456-01", terms, NOW, state, sent_at=NOW, **fields
    )


class FakeService:
    """Records every call; keeps rows like the simulator (cancelled rows only on request)."""

    def __init__(
        self, *, available: bool = True, rows: list[ReservationRow] | None = None, now: datetime = NOW
    ) -> None:
        self.available = available
        self.ready = True
        self.now = now
        self.rows = {r.sequence: r for r in rows or []}
        self.calls: list[tuple[str, Any]] = []
        self.fail_list: Exception | None = None
        self.outcome: IntentState = IntentState.ACKED  # what the next send ends in
        self.subscribers: list[Callable[[ReservationIntent], None]] = []

    def check(self, ticket: ReservationTicket) -> Sequence[Problem]:
        self.calls.append(("check", ticket))
        return validate_reservation(ticket, self.now)

    async def startup(self) -> list[ReservationIntent]:
        self.calls.append(("startup", None))
        self.ready = True
        return []

    def subscribe(self, callback: Callable[[ReservationIntent], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    def publish(self, changed: ReservationIntent) -> None:
        for callback in list(self.subscribers):
            callback(changed)

    def _sent(self, kind: IntentKind, seq: str) -> ReservationIntent:
        acked = self.outcome is IntentState.ACKED
        sent = intent(kind, self.outcome, sequence=seq if acked else "", target_sequence=seq)
        self.publish(sent)
        return sent

    async def place(self, ticket: ReservationTicket) -> ReservationIntent:
        self.calls.append(("place", ticket))
        seq = str(88001 + len(self.rows))
        if self.outcome is IntentState.ACKED:
            self.rows[seq] = wire_row(seq, ord_rsvn_qty=str(ticket.quantity))
        return self._sent(IntentKind.ORDER, seq)

    async def send_again(self, lost: ReservationIntent) -> ReservationIntent:
        self.calls.append(("send_again", lost.intent_id))
        return self._sent(IntentKind.ORDER, "88100")

    async def list(self, start: date, end: date, *, include_cancelled: bool = False) -> list[ReservationRow]:
        self.calls.append(("list", (start, end, include_cancelled)))
        if self.fail_list is not None:
            raise self.fail_list
        return [r for r in self.rows.values() if include_cancelled or not r.cancelled]

    async def revise(self, row: ReservationRow, **terms: Any) -> ReservationIntent:
        self.calls.append(("revise", (row.sequence, terms)))
        self.rows[row.sequence] = row.model_copy(update={"quantity": terms["quantity"]})
        return self._sent(IntentKind.REVISE, row.sequence)

    async def cancel(self, row: ReservationRow) -> ReservationIntent:
        self.calls.append(("cancel", row.sequence))
        self.rows[row.sequence] = row.model_copy(update={"cancel_date": "20261123"})
        return self._sent(IntentKind.CANCEL, row.sequence)

    def named(self, name: str) -> Sequence[Any]:
        return [args for call, args in self.calls if call == name]


def make_tab(qtbot, service: Any, env: Env = Env.DEMO, clock: datetime = NOW) -> ReservationsTab:
    tab = ReservationsTab(service, env, clock=lambda: clock)
    qtbot.addWidget(tab)
    return tab


def fill(tab: ReservationsTab, symbol: str = "005930", qty: int = 3, price: str = "55,000") -> None:
    form = tab.new_form
    QTest.keyClicks(form.symbol_edit, symbol)
    form.quantity_spin.setValue(qty)
    QTest.keyClicks(form.price_edit, price)


async def visible(parent: QWidget, kind: Any, name: str) -> Any:
    for _ in range(300):
        shown = [w for w in parent.findChildren(kind, name) if w.isVisible()]
        if shown:
            return shown[0]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no visible {name}")


async def answer(parent: QWidget, *, ok: bool) -> None:
    box = await visible(parent, QMessageBox, "confirm_dialog")
    box.findChild(QPushButton, "confirm_ok_button" if ok else "confirm_cancel_button").click()


async def with_confirm(tab: ReservationsTab, action: Any, *, ok: bool = True) -> None:
    task = asyncio.ensure_future(action())
    await answer(tab, ok=ok)
    await asyncio.wait_for(task, 5)


# --- PAPER ---------------------------------------------------------------------------------------


def test_paper_disables_every_action_and_explains_why(qtbot, qloop) -> None:
    service = FakeService(available=False)
    tab = make_tab(qtbot, service, Env.PAPER)
    reason = reason_label(Reason.PAPER_NO_RESERVATION)
    assert "only in real trading" in tab.banner_label.text()
    assert reason in tab.banner_label.text()
    for widget in (tab.new_form, tab.place_button, tab.revise_button, tab.cancel_button, tab.refresh_button):
        assert not widget.isEnabled()
        assert widget.toolTip() == reason
    qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    for action in (tab.refresh, tab.place, tab.revise_selected, tab.cancel_selected):
        qloop.run_until_complete(action())
    assert service.calls == []


def test_switching_to_paper_locks_the_tab(qtbot) -> None:
    tab = make_tab(qtbot, FakeService())
    assert tab.place_button.isEnabled()
    tab.set_env(Env.PAPER, FakeService(available=False))
    assert not tab.place_button.isEnabled()
    assert not tab.new_form.isEnabled()


# --- hints and the clock -------------------------------------------------------------------------


def test_demo_banner_gives_the_window_and_the_0900_reminder(qtbot) -> None:
    tab = make_tab(qtbot, FakeService())
    assert "15:40–07:30" in tab.banner_label.text()
    assert "23:40–00:10" in tab.banner_label.text()
    assert "before 09:00" in tab.banner_label.text()
    assert tab.timing_label.isHidden()


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [(23, 50, "Blackout"), (0, 5, "Blackout"), (15, 40, "Batch window"), (10, 0, "Outside the intake")],
)
def test_clock_warnings(qtbot, hour: int, minute: int, words: str) -> None:
    tab = make_tab(qtbot, FakeService(), clock=NOW.replace(hour=hour, minute=minute))
    assert words in tab.timing_label.text()
    assert not tab.timing_label.isHidden()


# --- the form ------------------------------------------------------------------------------------


def test_invalid_form_marks_each_field_and_sends_nothing(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab, symbol="59A", qty=0, price="55,050")
    qloop.run_until_complete(tab.place())
    errors = tab.new_form.field_error_labels
    assert "not a valid code" in errors["symbol"].text()
    assert "enter a quantity" in errors["quantity"].text()
    assert "tick" in errors["price"].text()
    assert "Not sent" in tab.new_form.result_label.text()
    assert service.named("place") == []


def test_problems_show_live_for_touched_fields_only(qtbot) -> None:
    tab = make_tab(qtbot, FakeService())
    errors = tab.new_form.field_error_labels
    assert all(label.text() == "" for label in errors.values())
    QTest.keyClicks(tab.new_form.price_edit, "abc")
    assert "not a number" in errors["price"].text()
    assert errors["symbol"].text() == ""


def test_outside_the_window_is_an_orange_warning_that_does_not_block(qtbot, qloop) -> None:
    service = FakeService(now=NOW.replace(hour=10))
    tab = make_tab(qtbot, service)
    fill(tab)
    assert "15:40–07:30" in tab.new_form.form_error_label.text()
    qloop.run_until_complete(with_confirm(tab, tab.place))
    assert len(service.named("place")) == 1


def test_market_type_disables_price_and_sends_zero(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab)
    combo = tab.new_form.division_combo
    combo.setCurrentIndex(combo.findData(ResvOrderDivision.MARKET.value))
    assert not tab.new_form.price_edit.isEnabled()
    qloop.run_until_complete(with_confirm(tab, tab.place))
    (ticket,) = service.named("place")
    assert ticket.division is ResvOrderDivision.MARKET
    assert reservation_price(ticket) == 0


# --- place ---------------------------------------------------------------------------------------


def test_place_sends_one_ticket_and_lists_it(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab)
    with qtbot.waitSignal(tab.message):
        qloop.run_until_complete(with_confirm(tab, tab.place))
    assert service.named("place") == [VALID]
    assert "#88001" in tab.new_form.result_label.text()
    assert "2026-11-24" in tab.new_form.result_label.text()
    assert tab.model.row("88001") is not None


def test_escape_on_the_confirmation_sends_nothing(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab)

    async def scenario() -> None:
        task = asyncio.ensure_future(tab.place())
        box = await visible(tab, QMessageBox, "confirm_dialog")
        assert box.defaultButton().objectName() == "confirm_cancel_button"
        QTest.keyClick(box, Qt.Key.Key_Escape)
        await asyncio.wait_for(task, 5)

    qloop.run_until_complete(scenario())
    assert service.named("place") == []
    assert tab.new_form.result_label.text() == "Not sent."


def test_a_second_click_while_placing_sends_nothing_more(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab)

    async def scenario() -> None:
        first = asyncio.ensure_future(tab.place())
        await visible(tab, QMessageBox, "confirm_dialog")
        assert not tab.place_button.isEnabled()
        await tab.place()  # returns at once: the guard was set before the dialog opened
        await answer(tab, ok=True)
        await asyncio.wait_for(first, 5)

    qloop.run_until_complete(scenario())
    assert len(service.named("place")) == 1


def test_period_reservation_carries_its_end_date_within_30_days(qtbot, qloop) -> None:
    service = FakeService()
    tab = make_tab(qtbot, service)
    fill(tab)
    form = tab.new_form
    form.period_check.setChecked(True)
    assert form.end_date_edit.maximumDate().toString("yyyy-MM-dd") == "2026-12-24"  # 11-24 + 30 days
    form.end_date_edit.setDate(form.end_date_edit.maximumDate())
    qloop.run_until_complete(with_confirm(tab, tab.place))
    assert service.named("place") == [replace(VALID, end_date=date(2026, 12, 24))]


# --- list, revise, cancel ------------------------------------------------------------------------


def test_refresh_button_lists_the_date_range(qtbot, qloop) -> None:
    service = FakeService(rows=[wire_row("88001")])
    tab = make_tab(qtbot, service)

    async def scenario() -> None:
        qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)  # through latest_wins()
        await asyncio.gather(*pending_tasks())

    qloop.run_until_complete(scenario())
    assert service.named("list") == [(date(2026, 11, 16), date(2026, 12, 23), False)]
    assert tab.model.rowCount() == 1


def test_list_error_is_shown(qtbot, qloop) -> None:
    service = FakeService()
    service.fail_list = KisApiError(tr_id="CTSC0004R", rt_cd="1", msg_cd="EGW2004", msg1="no such TR")
    tab = make_tab(qtbot, service)
    qloop.run_until_complete(tab.refresh())
    assert "no such TR" in tab.status_label.text()


@pytest.mark.parametrize(
    "wire",
    [{"cncl_ord_dt": "20261123"}, {"prcs_rslt": "처리"}, {"odno": "0000001234"}, {"rjct_rson2": "잔고부족"}],
)
def test_revise_and_cancel_are_off_for_finished_rows(qtbot, qloop, wire: dict[str, str]) -> None:
    tab = make_tab(qtbot, FakeService(rows=[wire_row("88001", **wire), wire_row("88002")]))
    tab.include_cancelled_check.blockSignals(True)
    tab.include_cancelled_check.setChecked(True)
    qloop.run_until_complete(tab.refresh())
    tab.table.selectRow(0)
    assert not tab.revise_button.isEnabled()
    assert not tab.cancel_button.isEnabled()
    tab.table.selectRow(1)
    assert tab.revise_button.isEnabled()
    assert tab.cancel_button.isEnabled()


def test_revise_prefills_and_sends_the_new_terms(qtbot, qloop) -> None:
    service = FakeService(rows=[wire_row("88001", rsvn_end_dt="20261210")])
    tab = make_tab(qtbot, service)
    qloop.run_until_complete(tab.refresh())
    tab.table.selectRow(0)

    async def scenario() -> None:
        task = asyncio.ensure_future(tab.revise_selected())
        dialog = await visible(tab, QDialog, "revise_dialog")
        assert (dialog.quantity_spin.value(), dialog.price_edit.text()) == (3, "55,000")
        assert dialog.period_check.isChecked()
        dialog.quantity_spin.setValue(7)
        dialog.ok_button.click()
        await asyncio.wait_for(task, 5)

    qloop.run_until_complete(scenario())
    terms = {"quantity": 7, "price": Decimal(55000), "division": ResvOrderDivision.LIMIT}
    assert service.named("revise") == [("88001", {**terms, "end_date": date(2026, 12, 10)})]
    assert "7" in tab.model.index(0, 6).data()


def test_revise_dialog_blocks_a_bad_price_and_cancel_sends_nothing(qtbot, qloop) -> None:
    service = FakeService(rows=[wire_row("88001")])
    tab = make_tab(qtbot, service)
    qloop.run_until_complete(tab.refresh())
    tab.table.selectRow(0)

    async def scenario() -> None:
        task = asyncio.ensure_future(tab.revise_selected())
        dialog = await visible(tab, QDialog, "revise_dialog")
        dialog.price_edit.setText("55,050")
        assert not dialog.ok_button.isEnabled()
        assert "tick" in dialog.problem_label.text()
        dialog.reject()
        await asyncio.wait_for(task, 5)

    qloop.run_until_complete(scenario())
    assert service.named("revise") == []


def test_cancel_confirmed_removes_the_row(qtbot, qloop) -> None:
    service = FakeService(rows=[wire_row("88001")])
    tab = make_tab(qtbot, service)
    qloop.run_until_complete(tab.refresh())
    tab.table.selectRow(0)
    qloop.run_until_complete(with_confirm(tab, tab.cancel_selected, ok=False))
    assert service.named("cancel") == []
    tab.table.selectRow(0)
    qloop.run_until_complete(with_confirm(tab, tab.cancel_selected))
    assert service.named("cancel") == ["88001"]
    assert tab.model.rowCount() == 0
    assert "cancelled" in tab.action_label.text()


# --- the embedded simulator ----------------------------------------------------------------------


def test_round_trip_against_the_embedded_simulator(qtbot, qloop) -> None:
    """SimSettings.enforce_reservation_window defaults to False, so this runs at any hour."""
    # Collect earlier tests' cyclic garbage here, on the GUI thread: otherwise a collection the
    # simulator's server threads trigger may destroy leftover QObjects there (Qt warns, or crashes).
    gc.collect()

    async def scenario() -> None:
        session = await Session.open_demo()
        try:
            tab = ReservationsTab(session.reservations, Env.DEMO)
            qtbot.addWidget(tab)
            assert not tab.place_button.isEnabled()  # until the journal check is done
            await tab.check_journal()
            assert tab.place_button.isEnabled()
            fill(tab, qty=2)
            await with_confirm(tab, tab.place)
            (placed,) = tab.model.rows()
            assert (placed.symbol, placed.quantity) == ("005930", 2)

            tab.table.selectRow(0)
            task = asyncio.ensure_future(tab.revise_selected())
            dialog = await visible(tab, QDialog, "revise_dialog")
            dialog.quantity_spin.setValue(5)
            dialog.ok_button.click()
            await asyncio.wait_for(task, 5)
            revised = tab.model.row(placed.sequence)
            assert revised is not None
            assert revised.quantity == 5

            tab.table.selectRow(0)
            await with_confirm(tab, tab.cancel_selected)
            assert tab.model.rowCount() == 0
            tab.include_cancelled_check.setChecked(True)  # refreshes through latest_wins
            await asyncio.gather(*pending_tasks())
            assert tab.model.index(0, 9).data() == "Cancelled"
        finally:
            await session.close()

    qloop.run_until_complete(scenario())


# --- the journal: last send, UNKNOWN, NOT_FOUND ---------------------------------------------------


def test_new_reservations_wait_for_the_journal_check(qtbot, qloop) -> None:
    service = FakeService()
    service.ready = False
    tab = make_tab(qtbot, service)
    fill(tab)
    assert not tab.place_button.isEnabled()
    qloop.run_until_complete(tab.place())
    assert "still being checked" in tab.new_form.result_label.text()
    assert service.named("place") == []
    qloop.run_until_complete(tab.check_journal())
    assert service.named("startup") == [None]
    assert tab.place_button.isEnabled()


def test_an_unknown_outcome_says_do_not_send_again_until_kis_answers(qtbot, qloop) -> None:
    service = FakeService()
    service.outcome = IntentState.UNKNOWN
    tab = make_tab(qtbot, service)
    fill(tab)
    qloop.run_until_complete(with_confirm(tab, tab.place))
    for label in (tab.new_form.result_label, tab.last_send_label):
        assert "checking with KIS — do not send again" in label.text()
    assert not tab.send_again_button.isVisible()
    unknown = tab.last_send
    assert unknown is not None
    found = replace(unknown, state=IntentState.ACKED, sequence="88007")

    async def reconciled() -> None:
        service.publish(found)  # the reconciler found it in the list
        await asyncio.gather(*pending_tasks())

    qloop.run_until_complete(reconciled())
    assert "#88007 accepted" in tab.new_form.result_label.text()
    assert "#88007 accepted" in tab.last_send_label.text()
    assert service.named("list")  # re-listed once found


def test_not_found_offers_send_again_which_confirms_and_sends_once(qtbot, qloop) -> None:
    service = FakeService()
    service.outcome = IntentState.UNKNOWN
    tab = make_tab(qtbot, service)
    tab.show()
    fill(tab)
    qloop.run_until_complete(with_confirm(tab, tab.place))
    assert tab.last_send is not None
    lost = replace(tab.last_send, state=IntentState.NOT_FOUND)
    service.publish(lost)
    assert "You may send it again" in tab.last_send_label.text()
    assert tab.send_again_button.isVisible()
    service.outcome = IntentState.ACKED
    qloop.run_until_complete(with_confirm(tab, tab.send_again, ok=False))
    assert service.named("send_again") == []
    qloop.run_until_complete(with_confirm(tab, tab.send_again))
    assert service.named("send_again") == [lost.intent_id]
    assert "#88100 accepted" in tab.last_send_label.text()
    assert not tab.send_again_button.isVisible()


def test_a_lost_answer_through_the_simulator_shows_unknown_then_the_found_row(qtbot, qloop) -> None:
    gc.collect()  # see test_round_trip_against_the_embedded_simulator
    from kisdesk.simulator.faults import Fault, FaultKind

    async def scenario() -> None:
        session = await Session.open_demo()
        try:
            tab = ReservationsTab(session.reservations, Env.DEMO)
            qtbot.addWidget(tab)
            await tab.check_journal()
            said: list[str] = []
            tab.message.connect(said.append)
            engine = session._simulator.engine  # type: ignore[union-attr]
            engine.faults.add(Fault(FaultKind.DROP_AFTER, match="CTSC0008U", count=1))
            fill(tab, qty=2)
            await with_confirm(tab, tab.place)
            assert "checking with KIS — do not send again" in said[0]
            (sent,) = session.reservations.intents()
            done = await session.reservations.settle(sent)
            await asyncio.gather(*pending_tasks())
            assert done.state is IntentState.ACKED
            assert f"#{done.sequence} accepted" in tab.last_send_label.text()
            assert [r.sequence for r in tab.model.rows()] == [done.sequence]
            assert engine.intent_posts() == {sent.intent_id: 1}
        finally:
            await session.close()

    qloop.run_until_complete(scenario())
