"""OrderTicketWidget: spec-driven order types, instant validation, exactly-once sending, confirmation.

Fakes are small classes here; `check` runs the real domain rules (pure, no clock) so the problems shown
are the ones the service would raise. The last test drives the widget against the embedded simulator.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import KisApiError
from kisdesk.api.models import BuyingPowerOutput, OrderOutput
from kisdesk.app.market import Quote
from kisdesk.app.session import Session
from kisdesk.domain.rules import Problem, Severity, validate_overseas
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui import theme
from kisdesk.ui.async_bridge import pending_tasks
from kisdesk.ui.confirm_dialog import OrderConfirmDialog
from kisdesk.ui.order_ticket import OrderTicketWidget

Loop = asyncio.AbstractEventLoop

# overseas-order.md §3, written out by hand (not derived from kisdesk.domain.capabilities).
ALL_CODES = ["00", "31", "32", "33", "34", "35", "36", "50"]
US = {Exchange.NASD, Exchange.NYSE, Exchange.AMEX}
SPEC: dict[tuple[str, Side], set[str]] = {
    ("US", Side.BUY): {"00", "32", "34", "35", "36"},
    ("US", Side.SELL): {"00", "31", "32", "33", "34", "35", "36"},
    ("HK", Side.SELL): {"00", "50"},
}


def expected_codes(env: Env, exchange: Exchange, side: Side) -> set[str]:
    if env is Env.PAPER:
        return {"00"}  # any paper TR: limit only
    group = "US" if exchange in US else "HK" if exchange is Exchange.SEHK else "other"
    return SPEC.get((group, side), {"00"})


class FakeOrders:
    def __init__(self, *, delay: float = 0.0, error: Exception | None = None) -> None:
        self.calls: list[OverseasTicket] = []
        self.delay = delay
        self.error = error
        self.extra: list[Problem] = []

    def check(self, ticket: OverseasTicket) -> list[Problem]:
        return [*validate_overseas(ticket), *self.extra]

    async def submit(self, ticket: OverseasTicket, *, intent: str | None = None) -> OrderOutput:
        self.calls.append(ticket)
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return OrderOutput.model_validate({"ODNO": "0030135001", "ORD_TMD": "093000"})


POWER = BuyingPowerOutput.model_validate(
    {
        "tr_crcy_cd": "USD",
        "ord_psbl_frcr_amt": "100000",
        "sll_ruse_psbl_amt": "0",
        "ovrs_ord_psbl_amt": "100000",
        "max_ord_psbl_qty": "437",
        "ord_psbl_qty": "437",
        "exrt": "1380",
        "frcr_ord_psbl_amt1": "100000",
        "ovrs_max_ord_psbl_qty": "437",
    }
)


class FakeMarket:
    def __init__(self, prices: dict[str, str] | None = None, delays: dict[str, float] | None = None) -> None:
        self.prices = prices or {}
        self.delays = delays or {}
        self.quote_calls: list[str] = []
        self.error: Exception | None = None

    async def quote(self, exchange: Exchange, symbol: str) -> Quote:
        self.quote_calls.append(symbol)
        await asyncio.sleep(self.delays.get(symbol, 0))
        if self.error is not None:
            raise self.error
        # The default matches fill_valid's price: a far-off last price would trip the precautions.
        last = Decimal(self.prices.get(symbol, "228.50"))
        return Quote(exchange, symbol, last, Decimal("99.00"), Decimal("1.01"), 2)

    async def buying_power(self, exchange: Exchange, symbol: str, price: Decimal) -> BuyingPowerOutput:
        return POWER


def make(
    qtbot: QtBot,
    env: Env = Env.DEMO,
    orders: FakeOrders | None = None,
    market: FakeMarket | None = None,
    *,
    confirm: bool = False,
) -> tuple[OrderTicketWidget, FakeOrders]:
    orders = orders or FakeOrders()
    w = OrderTicketWidget(env, orders, market or FakeMarket(), confirm_orders=confirm)
    qtbot.addWidget(w)
    return w, orders


def fill_valid(w: OrderTicketWidget) -> None:
    w.prefill("AAPL", Side.BUY, 10, Decimal("228.50"), exchange=Exchange.NASD)


def run(qloop: Loop, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a scenario, then let the tasks it started (clicks, refreshes) finish."""

    async def scenario() -> Any:
        result = await coro
        await asyncio.gather(*pending_tasks(), return_exceptions=True)
        return result

    return qloop.run_until_complete(asyncio.wait_for(scenario(), 10))


async def until(condition: Callable[[], object], seconds: float = 2.0) -> None:
    """Await (never a nested Qt loop) until `condition()` is truthy."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110  (polls widget state; no event to wait on)
            await asyncio.sleep(0.01)


def open_dialog(w: OrderTicketWidget) -> OrderConfirmDialog | None:
    dialogs = [d for d in w.findChildren(OrderConfirmDialog) if d.isVisible()]
    return dialogs[0] if dialogs else None


def item_state(w: OrderTicketWidget) -> list[tuple[str, bool, str]]:
    model = w.division_combo.model()
    assert isinstance(model, QStandardItemModel)
    return [
        (model.item(r).data(Qt.ItemDataRole.UserRole), model.item(r).isEnabled(), model.item(r).toolTip())
        for r in range(model.rowCount())
    ]


# --- order types ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "exchange", "side"), list(itertools.product(Env, Exchange, Side)), ids=str)
def test_exactly_the_allowed_order_types_are_enabled(
    qtbot: QtBot, env: Env, exchange: Exchange, side: Side
) -> None:
    w, _ = make(qtbot, env)
    w.set_exchange(exchange)
    w.set_side(side)
    state = item_state(w)
    assert [code for code, _, _ in state] == ALL_CODES  # all eight, always listed, in order
    assert {code for code, enabled, _ in state if enabled} == expected_codes(env, exchange, side)
    assert all(tip for _, enabled, tip in state if not enabled)  # every disabled one says why
    assert all(not tip for _, enabled, tip in state if enabled)


def test_paper_reason_reads_limit_only(qtbot: QtBot) -> None:
    w, _ = make(qtbot, Env.PAPER)
    tips = {code: tip for code, _, tip in item_state(w)}
    assert tips["32"] == "paper: limit only"
    assert tips["50"] == "odd-lot: HK sell only"  # a venue rule is explained as such, even on paper


def test_venue_combo_lists_nine_venues_with_currency(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    texts = [w.venue_combo.itemText(i) for i in range(w.venue_combo.count())]
    assert len(texts) == 9
    assert texts[0].startswith("NASD")
    assert texts[0].endswith("(USD)")
    assert "JPY" in texts[6]


def test_disallowed_type_falls_back_to_limit_on_side_change(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.set_side(Side.SELL)
    w.division_combo.setCurrentIndex(ALL_CODES.index("31"))  # MOO: US sell only
    w.set_side(Side.BUY)
    assert w.ticket().division is OrderDivision.LIMIT


def test_allowed_type_survives_venue_change(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.division_combo.setCurrentIndex(ALL_CODES.index("34"))  # LOC on every US venue
    w.set_exchange(Exchange.NYSE)
    assert w.ticket().division is OrderDivision.LOC
    w.set_exchange(Exchange.TKSE)
    assert w.ticket().division is OrderDivision.LIMIT


def test_switching_to_paper_falls_back_to_limit(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.division_combo.setCurrentIndex(ALL_CODES.index("35"))
    w.set_env(Env.PAPER)
    assert w.ticket().division is OrderDivision.LIMIT
    assert w.algo_group.isHidden()


@pytest.mark.parametrize("code", ALL_CODES)
def test_algo_group_only_for_twap_vwap_and_price_off_only_for_moo_moc(qtbot: QtBot, code: str) -> None:
    w, _ = make(qtbot)
    w.set_side(Side.SELL)
    w.set_exchange(Exchange.SEHK if code == "50" else Exchange.NASD)
    w.division_combo.setCurrentIndex(ALL_CODES.index(code))
    assert w.algo_group.isHidden() is (code not in ("35", "36"))
    assert w.price_edit.isEnabled() is (code not in ("31", "33"))


def test_market_types_show_market_and_send_no_price(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.prefill("AAPL", Side.SELL, 5, Decimal("228.50"))
    w.division_combo.setCurrentIndex(ALL_CODES.index("31"))
    assert w.price_edit.text() == ""
    assert "market" in w.price_edit.placeholderText()
    assert w.ticket().price is None
    w.division_combo.setCurrentIndex(ALL_CODES.index("00"))
    assert w.price_edit.text() == "228.50"  # the typed price comes back


def test_times_enabled_only_for_an_explicit_window(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.division_combo.setCurrentIndex(ALL_CODES.index("35"))
    assert w.start_time_edit.isEnabled()
    assert w.end_time_edit.isEnabled()
    assert w.ticket().start_time is not None
    w.algo_timing_combo.setCurrentIndex(1)  # "02": until the regular close
    assert not w.start_time_edit.isEnabled()
    assert not w.end_time_edit.isEnabled()
    ticket = w.ticket()
    assert (ticket.algo_timing, ticket.start_time, ticket.end_time) == ("02", None, None)
    assert w.start_time_edit.displayFormat() == "HH:mm:ss"


# --- the form ------------------------------------------------------------------------------------


def test_ticket_reads_the_form_with_wire_enums(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.prefill("tsla", Side.SELL, 7, Decimal("251.30"), exchange=Exchange.NYSE)
    t = w.ticket()
    assert type(t.exchange) is Exchange
    assert t.exchange is Exchange.NYSE
    assert (t.symbol, t.side, t.quantity, t.price) == ("tsla", Side.SELL, 7, Decimal("251.30"))
    assert t.env is Env.DEMO


def test_side_colours_the_ticket(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    assert theme.BUY_COLOR.name() in w.submit_button.styleSheet()
    assert theme.BUY_COLOR.name() in w.accent_bar.styleSheet()
    w.sell_button.click()
    assert theme.SELL_COLOR.name() in w.submit_button.styleSheet()
    assert w.submit_button.text() == "Place sell order"
    assert not w.buy_button.isChecked()  # exclusive


def test_problems_show_next_to_their_fields(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.symbol_edit.setText("AAPL1")
    w.price_edit.setText("228.505")
    assert "not a valid code" in w.error_labels["symbol"].text()
    assert "decimals" in w.error_labels["price"].text()
    assert theme.ERROR_TEXT.name() in w.error_labels["price"].styleSheet()
    assert w.error_labels["quantity"].isHidden()  # untouched and merely empty: not nagged yet


def test_warnings_are_orange_and_do_not_block(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot)
    orders.extra = [Problem("ticket", "MARKET_CLOSED", "NASD is closed", Severity.WARNING)]
    fill_valid(w)
    assert w.error_labels["ticket"].text() == "NASD is closed"
    assert theme.WARNING_TEXT.name() in w.error_labels["ticket"].styleSheet()
    run(qloop, w.submit())
    assert len(orders.calls) == 1


def test_invalid_ticket_sends_nothing_and_marks_every_field(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot)
    run(qloop, w.submit())
    assert orders.calls == []
    for field in ("symbol", "quantity", "price"):
        assert w.error_labels[field].text(), field
    assert w.status_label.text() == "Not sent: fix the marked fields."
    assert w.submit_button.isEnabled()


def test_env_label_and_real_forces_confirmation(qtbot: QtBot) -> None:
    w, _ = make(qtbot, Env.PAPER, confirm=False)
    before = w.confirm_orders
    w.set_env(Env.REAL)
    assert (before, w.confirm_orders) == (False, True)
    assert w.env_label.text() == "실전 REAL"
    assert theme.REAL_BANNER.name() in w.env_label.styleSheet()


def test_labels_have_mnemonic_buddies(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    buddies = {label.buddy(): label.text() for label in w.findChildren(QLabel) if label.buddy() is not None}
    for field in (w.venue_combo, w.symbol_edit, w.division_combo, w.quantity_spin, w.price_edit):
        assert "&" in buddies[field]


def test_tab_visits_the_fields_in_filling_order(qtbot: QtBot) -> None:
    w, _ = make(qtbot)
    w.division_combo.setCurrentIndex(ALL_CODES.index("35"))
    w.show()
    qtbot.waitExposed(w)
    w.venue_combo.setFocus()
    expected: list[QWidget] = [w.symbol_edit, w.buy_button, w.sell_button, w.division_combo]
    expected += [w.quantity_spin, w.price_edit, w.algo_timing_combo, w.start_time_edit]
    expected += [w.end_time_edit, w.submit_button]
    seen = []
    for _ in expected:
        w.focusNextChild()
        focus = w.focusWidget()  # the window's focus child (offscreen windows are never active)
        seen.append(focus.parentWidget() if focus is w.quantity_spin.lineEdit() else focus)
    assert seen == expected


# --- sending -------------------------------------------------------------------------------------


def test_submit_shows_the_order_number_and_emits(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot)
    fill_valid(w)
    with qtbot.waitSignal(w.order_placed) as placed:
        run(qloop, w.submit())
    assert placed.args[0].order_no == "0030135001"
    assert "0030135001" in w.status_label.text()
    assert orders.calls[0].clean_symbol == "AAPL"


def test_double_click_sends_one_order(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot, orders=FakeOrders(delay=0.3))
    fill_valid(w)

    async def scenario() -> None:
        for _ in range(10):
            qtbot.mouseClick(w.submit_button, Qt.MouseButton.LeftButton)
            assert not w.submit_button.isEnabled()  # disabled before control returns to the loop
        await until(lambda: orders.calls)

    run(qloop, scenario())
    assert len(orders.calls) == 1
    assert w.submit_button.isEnabled()


@pytest.mark.parametrize("field", ["symbol_edit", "quantity_spin", "price_edit"])
def test_held_enter_in_a_field_sends_one_order(qtbot: QtBot, qloop: Loop, field: str) -> None:
    w, orders = make(qtbot, orders=FakeOrders(delay=0.2))
    fill_valid(w)

    async def scenario() -> None:
        for _ in range(10):  # auto-repeat while the key is held
            qtbot.keyClick(getattr(w, field), Qt.Key.Key_Return)
        await until(lambda: orders.calls)

    run(qloop, scenario())
    assert len(orders.calls) == 1


def test_kis_rejection_shows_msg_cd_and_msg1(qtbot: QtBot, qloop: Loop) -> None:
    error = KisApiError(tr_id="TTTT1002U", rt_cd="1", msg_cd="APBK0952", msg1="주문가능금액을 초과 했습니다")
    w, _ = make(qtbot, orders=FakeOrders(error=error))
    fill_valid(w)
    with qtbot.assertNotEmitted(w.order_placed):
        run(qloop, w.submit())
    assert "APBK0952" in w.status_label.text()
    assert "주문가능금액을 초과 했습니다" in w.status_label.text()
    assert w.submit_button.isEnabled()


def _confirm_flow(
    qtbot: QtBot, qloop: Loop, w: OrderTicketWidget, act: Callable[[OrderConfirmDialog], None]
) -> None:
    async def scenario() -> None:
        task = asyncio.ensure_future(w.submit())
        await until(lambda: open_dialog(w))
        dialog = open_dialog(w)
        assert dialog is not None
        assert dialog.cancel_button.isDefault()
        act(dialog)
        await asyncio.wait_for(task, 2)

    run(qloop, scenario())


def test_real_asks_even_with_confirmation_off_and_escape_sends_nothing(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot, Env.REAL, confirm=False)
    fill_valid(w)
    _confirm_flow(qtbot, qloop, w, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape))
    assert orders.calls == []
    assert w.status_label.text() == "Cancelled; nothing was sent."


def test_enter_on_the_confirmation_does_not_send(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot, Env.REAL)
    fill_valid(w)
    _confirm_flow(qtbot, qloop, w, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return))
    assert orders.calls == []


def test_confirm_then_send_places_one_order(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot, Env.REAL)
    fill_valid(w)

    def act(dialog: OrderConfirmDialog) -> None:
        assert "실전 REAL" in dialog.env_label.text()
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    _confirm_flow(qtbot, qloop, w, act)
    assert len(orders.calls) == 1
    assert "0030135001" in w.status_label.text()


def test_no_dialog_when_confirmation_is_off_outside_real(qtbot: QtBot, qloop: Loop) -> None:
    w, orders = make(qtbot, Env.PAPER, confirm=False)
    fill_valid(w)
    run(qloop, w.submit())
    assert len(orders.calls) == 1
    assert open_dialog(w) is None


# --- quote and buying power ----------------------------------------------------------------------


def test_typing_a_symbol_fetches_one_quote_and_buying_power(qtbot: QtBot, qloop: Loop) -> None:
    market = FakeMarket({"AAPL": "228.50"})
    w, _ = make(qtbot, market=market)

    async def scenario() -> None:
        qtbot.keyClicks(w.symbol_edit, "AAPL")
        await until(lambda: "437" in w.power_label.text())

    run(qloop, scenario())
    assert market.quote_calls == ["AAPL"]  # debounced: not A, AA, AAP, AAPL
    assert "228.50" in w.quote_label.text()


def test_slow_old_quote_never_overwrites_a_newer_one(qtbot: QtBot, qloop: Loop) -> None:
    market = FakeMarket({"AAPL": "111.00", "MSFT": "222.00"}, delays={"AAPL": 0.6})
    w, _ = make(qtbot, market=market)

    async def scenario() -> None:
        w.symbol_edit.setText("AAPL")
        await until(lambda: market.quote_calls == ["AAPL"])
        w.symbol_edit.setText("MSFT")
        await until(lambda: "222.00" in w.quote_label.text())
        await asyncio.sleep(0.7)  # past the moment the old answer would have arrived

    run(qloop, scenario())
    assert "222.00" in w.quote_label.text()


def test_quote_error_shows_in_the_label(qtbot: QtBot, qloop: Loop) -> None:
    market = FakeMarket()
    market.error = KisApiError(tr_id="HHDFS00000300", rt_cd="1", msg_cd="EGW00201", msg1="초당 거래건수 초과")
    w, _ = make(qtbot, market=market)

    async def scenario() -> None:
        w.symbol_edit.setText("AAPL")
        await until(lambda: "EGW00201" in w.quote_label.text())

    run(qloop, scenario())
    assert theme.ERROR_TEXT.name() in w.quote_label.styleSheet()


# --- against the embedded simulator --------------------------------------------------------------


def test_limit_buy_through_the_widget_reaches_the_simulator_once(qtbot: QtBot, qloop: Loop) -> None:
    async def scenario() -> None:
        session = await Session.open_demo(seed=7)
        try:
            w = OrderTicketWidget(session.env, session.orders, session.market, confirm_orders=False)
            qtbot.addWidget(w)
            w.prefill("AAPL", Side.BUY, 1, Decimal("228.50"), exchange=Exchange.NASD)
            await w.submit()
            await asyncio.gather(*pending_tasks(), return_exceptions=True)
            assert session._simulator is not None
            orders = [e for e in session._simulator.engine.ledger() if e.kind == "order"]
            assert len(orders) == 1
            assert orders[0].order_no in w.status_label.text()
        finally:
            await session.close(force=True)

    qloop.run_until_complete(asyncio.wait_for(scenario(), 20))
