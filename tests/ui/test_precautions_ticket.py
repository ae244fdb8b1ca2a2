"""The ticket's pre-trade precautions: BLOCK sends nothing, CONFIRM needs the symbol (or quantity) typed,
WARN is shown (ticket and confirmation), an identical order within 60 s asks again, no quote warns.

Fakes come from test_order_ticket (the real domain rules behind `check`; a market whose last price
and KRW rate the test chooses). Dialogs are driven inside the coroutine with `await`, never a nested
Qt loop (stack-notes Pitfalls #2).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kisdesk.api.enums import Env, Exchange, Side
from kisdesk.api.errors import KisApiError
from kisdesk.domain.precautions import PrecautionSettings
from kisdesk.ui import theme
from kisdesk.ui.confirm_dialog import OrderConfirmDialog
from kisdesk.ui.order_ticket import OrderTicketWidget
from kisdesk.ui.precaution_dialog import TypedConfirmDialog
from kisdesk.ui.ticket_precautions import TicketPrecautions
from tests.domain.test_precautions import NOW
from tests.ui.test_order_ticket import FakeMarket, FakeOrders, Loop, run, until


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def make(
    qtbot: QtBot, env: Env = Env.DEMO, *, confirm: bool = False, market: FakeMarket | None = None
) -> tuple[OrderTicketWidget, FakeOrders, Clock]:
    orders, clock = FakeOrders(), Clock()
    guard = TicketPrecautions(clock=clock)
    w = OrderTicketWidget(env, orders, market or FakeMarket(), confirm_orders=confirm, precautions=guard)
    qtbot.addWidget(w)
    return w, orders, clock


def fill(w: OrderTicketWidget, price: str = "228.50", qty: int = 10, symbol: str = "AAPL") -> None:
    w.prefill(symbol, Side.BUY, qty, Decimal(price), exchange=Exchange.NASD)


T = TypeVar("T", bound=QWidget)


def visible(w: OrderTicketWidget, kind: type[T]) -> T | None:
    found = [d for d in w.findChildren(kind) if d.isVisible()]
    return found[0] if found else None


Step = Callable[[], Awaitable[None]]


def flow(qloop: Loop, w: OrderTicketWidget, *steps: Step) -> None:
    """Start submit(), then for each step wait for a dialog and act on it."""

    async def scenario() -> None:
        task = asyncio.ensure_future(w.submit())
        for step in steps:
            await step()
        await asyncio.wait_for(task, 3)

    run(qloop, scenario())


def typed(w: OrderTicketWidget, qtbot: QtBot, text: str, *, click: bool) -> Step:
    async def step() -> None:
        await until(lambda: visible(w, TypedConfirmDialog))
        dialog = visible(w, TypedConfirmDialog)
        assert dialog is not None
        assert dialog.cancel_button.isDefault()
        qtbot.keyClicks(dialog.typed_edit, text)
        if click:
            qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    return step


# --- BLOCK -----------------------------------------------------------------------------------------


def test_block_sends_nothing_and_marks_the_price(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot, Env.REAL)
    fill(w, "300.00")  # +31 % through the market
    run(qloop, w.submit())
    assert orders.calls == []
    assert visible(w, TypedConfirmDialog) is None
    assert visible(w, OrderConfirmDialog) is None
    assert w.status_label.text() == "Not sent: a precaution blocks this order."
    assert "Blocked: price 300.00 is +31.3% from the last price 228.50" in w.error_labels["price"].text()
    assert theme.ERROR_TEXT.name() in w.error_labels["price"].styleSheet()
    assert w.submit_button.isEnabled()


# --- CONFIRM ---------------------------------------------------------------------------------------


def test_confirm_needs_the_symbol_typed_and_escape_sends_nothing(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot)
    fill(w, "251.35")  # +10 %: typed confirmation

    async def wrong_then_escape() -> None:
        await until(lambda: visible(w, TypedConfirmDialog))
        dialog = visible(w, TypedConfirmDialog)
        assert dialog is not None
        for text in ("AAP", "AAPLX", "MSFT", "10"):
            dialog.typed_edit.setText(text)
            assert not dialog.confirm_button.isEnabled(), text
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)  # disabled: no effect
        assert dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    flow(qloop, w, wrong_then_escape)
    assert orders.calls == []
    assert w.status_label.text() == "Cancelled; nothing was sent."


def test_enter_in_the_typed_field_cancels(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot)
    fill(w, "251.35")

    async def type_and_enter() -> None:
        await until(lambda: visible(w, TypedConfirmDialog))
        dialog = visible(w, TypedConfirmDialog)
        assert dialog is not None
        qtbot.keyClicks(dialog.typed_edit, "AAPL")
        qtbot.keyClick(dialog.typed_edit, Qt.Key.Key_Return)  # the default button is Cancel

    flow(qloop, w, type_and_enter)
    assert orders.calls == []


def test_typing_the_symbol_then_confirming_sends_exactly_once(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot)
    fill(w, "251.35")
    flow(qloop, w, typed(w, qtbot, "aapl", click=True))  # case does not matter
    assert len(orders.calls) == 1
    assert "0030135001" in w.status_label.text()


def test_real_still_shows_the_normal_confirmation_after_typing(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot, Env.REAL)
    fill(w, "251.35")

    async def confirm_order() -> None:
        await until(lambda: visible(w, OrderConfirmDialog))
        dialog = visible(w, OrderConfirmDialog)
        assert dialog is not None
        assert "+10.0%" in dialog.warnings_label.text()
        assert orders.calls == []  # nothing before the last confirmation
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    flow(qloop, w, typed(w, qtbot, "AAPL", click=True), confirm_order)
    assert len(orders.calls) == 1


def test_a_large_order_asks_for_the_quantity(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot, market=FakeMarket({"F": "10.00"}))
    fill(w, "10.00", qty=5_000, symbol="F")  # 5,000 shares (US confirm) ≈ ₩69m (confirm)

    async def symbol_is_not_enough() -> None:
        await until(lambda: visible(w, TypedConfirmDialog))
        dialog = visible(w, TypedConfirmDialog)
        assert dialog is not None
        assert dialog.expected == "5000"
        qtbot.keyClicks(dialog.typed_edit, "F")
        assert not dialog.confirm_button.isEnabled()
        dialog.typed_edit.setText("5,000")
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    flow(qloop, w, symbol_is_not_enough)
    assert len(orders.calls) == 1


# --- WARN ------------------------------------------------------------------------------------------


def test_warning_is_shown_in_the_ticket_and_the_confirmation(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot, confirm=True)
    fill(w, "240.00")  # +5.0 %: a warning only

    async def confirm_order() -> None:
        await until(lambda: visible(w, OrderConfirmDialog))
        dialog = visible(w, OrderConfirmDialog)
        assert dialog is not None
        assert visible(w, TypedConfirmDialog) is None
        assert "price 240.00 is +5.0% from the last price 228.50" in dialog.warnings_label.text()
        assert "Check: price 240.00 is +5.0%" in w.error_labels["price"].text()
        assert "ticks" not in w.error_labels["price"].text()  # 1,150 cents: the same news, not repeated
        assert theme.WARNING_TEXT.name() in w.error_labels["price"].styleSheet()
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    flow(qloop, w, confirm_order)
    assert len(orders.calls) == 1


def test_a_tick_hit_without_a_percent_hit_is_shown(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot, market=FakeMarket({"7203": "2600"}))
    w.prefill("7203", Side.BUY, 100, Decimal("2700"), exchange=Exchange.TKSE)  # +3.8 %, 100 ticks of ¥1
    run(qloop, w.submit())
    text = w.error_labels["price"].text()
    assert "Check: price 2,700 is 100 ticks of 1 from the last price 2,600 (limit 50)" in text
    assert "%" not in text
    assert "no KRW exchange rate for JPY" in w.error_labels["ticket"].text()  # the fake knows only USD
    assert len(orders.calls) == 1


def test_live_warning_appears_once_the_quote_is_known(qtbot: QtBot, qloop: Loop) -> None:
    w, _, _ = make(qtbot)

    async def scenario() -> None:
        fill(w, "240.00")
        await until(lambda: "+5.0%" in w.error_labels["price"].text())

    run(qloop, scenario())
    assert w.error_labels["price"].text().startswith("Check: ")


def test_no_quote_is_a_warning_never_a_silent_pass(qtbot: QtBot, qloop: Loop) -> None:
    market = FakeMarket()
    market.error = KisApiError(tr_id="HHDFS00000300", rt_cd="1", msg_cd="EGW00201", msg1="초당 거래건수 초과")
    w, orders, _ = make(qtbot, market=market)
    fill(w)
    run(qloop, w.submit())
    assert "no quote" in w.error_labels["price"].text()
    assert len(orders.calls) == 1  # a warning does not stop the order


# --- duplicates and settings -----------------------------------------------------------------------


def test_identical_order_within_60_s_asks_for_typed_confirmation(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, clock = make(qtbot)
    fill(w)
    run(qloop, w.submit())
    assert len(orders.calls) == 1
    clock.now += timedelta(seconds=30)
    flow(qloop, w, typed(w, qtbot, "", click=False))  # the second send waits for typing: Esc
    assert len(orders.calls) == 1
    clock.now += timedelta(seconds=31)  # 61 s after the first send
    run(qloop, w.submit())
    assert len(orders.calls) == 2


def test_set_precautions_applies_new_thresholds(qtbot: QtBot, qloop: Loop) -> None:
    w, orders, _ = make(qtbot)
    fill(w, "300.00")
    prefs = PrecautionSettings()
    ticks = {m: dataclasses.replace(limits, block=Decimal(100_000)) for m, limits in prefs.ticks.items()}
    percent = dataclasses.replace(prefs.percent, block=Decimal(50))
    w.set_precautions(dataclasses.replace(prefs, percent=percent, ticks=ticks))
    flow(qloop, w, typed(w, qtbot, "AAPL", click=True))  # +31 % now asks instead of blocking
    assert len(orders.calls) == 1
