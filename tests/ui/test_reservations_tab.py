"""ReservationsTab: PAPER lock-out, live form checks, place / revise / cancel with programmatic dialog
answers, and one round trip through the embedded simulator (DEMO, real-host imitation).

Dialogs open with open() and are answered from inside the scenario coroutine: the helpers poll with
`await asyncio.sleep`, never a nested Qt loop (stack-notes, Pitfalls #2).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
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


class FakeService:
    """Records every call; keeps rows like the simulator (cancelled rows only on request)."""

    def __init__(
        self, *, available: bool = True, rows: list[ReservationRow] | None = None, now: datetime = NOW
    ) -> None:
        self.available = available
        self.now = now
        self.rows = {r.sequence: r for r in rows or []}
        self.calls: list[tuple[str, Any]] = []
        self.fail_list: Exception | None = None

    def check(self, ticket: ReservationTicket) -> Sequence[Problem]:
        self.calls.append(("check", ticket))
        return validate_reservation(ticket, self.now)

    async def place(self, ticket: ReservationTicket) -> SimpleNamespace:
        self.calls.append(("place", ticket))
        seq = str(88001 + len(self.rows))
        self.rows[seq] = wire_row(seq, ord_rsvn_qty=str(ticket.quantity))
        return SimpleNamespace(sequence=seq)

    async def list(self, start: date, end: date, *, include_cancelled: bool = False) -> list[ReservationRow]:
        self.calls.append(("list", (start, end, include_cancelled)))
        if self.fail_list is not None:
            raise self.fail_list
        return [r for r in self.rows.values() if include_cancelled or not r.cancelled]

    async def revise(self, row: ReservationRow, **terms: Any) -> None:
        self.calls.append(("revise", (row.sequence, terms)))
        self.rows[row.sequence] = row.model_copy(update={"quantity": terms["quantity"]})

    async def cancel(self, row: ReservationRow) -> None:
        self.calls.append(("cancel", row.sequence))
        self.rows[row.sequence] = row.model_copy(update={"cancel_date": "20261123"})

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
