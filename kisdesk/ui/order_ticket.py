"""The overseas order ticket (v1_해외주식-001): `OrderTicketWidget` and the service protocols it needs.

Owns the form a trader fills in and the one path an order takes out of it: validate (instant, no I/O,
every problem next to its field), confirm (always in REAL; `OrderConfirmDialog` awaited without a
nested loop), send exactly once (in-flight guard set before the first await, order-safety.md row 7),
show the result in place. Before the confirmation come the pre-trade precautions (`ticket_precautions`,
order-safety.md rows 8/9): BLOCK sends nothing, CONFIRM asks for the symbol or quantity to be typed
(`precaution_dialog`), WARN is shown in the ticket and in the confirmation. The order-type list is
the capability table (`domain.capabilities`): all eight types listed, disallowed ones disabled with
the reason. Quote and buying power refresh in the background through `latest_wins`, so a slow old
answer never overwrites a newer one. Field helpers live in `ticket_fields`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from kisdesk.api import venue_rules
from kisdesk.api.enums import AlgoTiming, Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import KisError
from kisdesk.api.models import OrderOutput
from kisdesk.app.errors import OrderRuleError
from kisdesk.app.intents import NotReadyError
from kisdesk.domain.capabilities import default_division, order_types
from kisdesk.domain.intents import Intent, IntentState
from kisdesk.domain.precautions import PrecautionHit, PrecautionSettings, Tier, strictest
from kisdesk.domain.rules import Problem, blocking
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui import theme
from kisdesk.ui import ticket_fields as fields
from kisdesk.ui.async_bridge import slot
from kisdesk.ui.confirm_dialog import OrderSummary, ask
from kisdesk.ui.labels import exchange_label
from kisdesk.ui.messages import intent_message, message_for
from kisdesk.ui.precaution_dialog import ask_typed
from kisdesk.ui.problem_text import hit_text
from kisdesk.ui.ticket_layout import build_layout
from kisdesk.ui.ticket_market import MarketContext, MarketData, TicketMarketPanel
from kisdesk.ui.ticket_precautions import TicketPrecautions

__all__ = ["MarketData", "OrderTicketWidget", "TicketOrders"]

log = logging.getLogger(__name__)


class TicketOrders(Protocol):
    """What the ticket needs to send an order: `check` (no I/O) and `submit`.

    The window's adapter submits through `IntentService` and returns the journaled `Intent` (ACKED,
    REJECTED, NOT_SENT or UNKNOWN); a plain `OrderOutput` (an accepted order) is understood too.
    """

    def check(self, ticket: OverseasTicket) -> list[Problem]: ...

    async def submit(self, ticket: OverseasTicket, *, intent: str | None = None) -> OrderOutput | Intent: ...


class OrderTicketWidget(QWidget):
    """The overseas order form.

    Signals:
        order_placed(object): the ACKED `Intent` (or `OrderOutput`) of an accepted order.
        message(str): a one-line result or error for the window's status bar.

    Public children: env_label, venue_combo, symbol_edit, quote_label, buy_button, sell_button,
    division_combo, quantity_spin, price_edit, power_label, algo_group, algo_timing_combo,
    start_time_edit, end_time_edit, submit_button, status_label, error_labels (by Problem.field).
    Focusing the widget focuses the symbol field.
    """

    order_placed = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        env: Env,
        orders: TicketOrders,
        market: MarketData,
        parent: QWidget | None = None,
        *,
        confirm_orders: bool = True,
        precautions: TicketPrecautions | None = None,
    ) -> None:
        super().__init__(parent)
        self._guard = precautions if precautions is not None else TicketPrecautions()
        self._env = env
        self._orders = orders
        self._market = market
        self._confirm_orders = confirm_orders
        self._in_flight = False
        self._blocked: str | None = None  # why orders cannot be sent now (journal not reconciled yet)
        self._watched = ""  # the intent id whose later changes (UNKNOWN → …) the status line follows
        self._attempted = False  # after a submit attempt, "required" problems show on untouched fields
        self._touched: set[str] = set()
        self._times_touched = False
        self._problems: list[Problem] = []
        self._typed_price = ""  # kept while MOO/MOC hides it, restored when a priced type returns
        self._submit_slot = slot(self.submit, self._on_unexpected)
        self._create_widgets()
        self._panel.on_changed = self._revalidate  # a new quote or rate may change the live hits
        build_layout(self)
        self._connect()
        self.setFocusProxy(self.symbol_edit)  # "focus the ticket" (Ctrl+T) lands where typing starts
        self._on_env_changed()
        self._on_side_changed()
        self._on_division_changed()

    # --- public API ------------------------------------------------------------------------------

    @property
    def env(self) -> Env:
        return self._env

    @property
    def confirm_orders(self) -> bool:
        """Whether a confirmation is shown before sending; always True in REAL."""
        return self._confirm_orders or self._env is Env.REAL

    def set_confirm_orders(self, on: bool) -> None:
        self._confirm_orders = on

    @property
    def precautions(self) -> PrecautionSettings:
        return self._guard.settings

    def set_precautions(self, settings: PrecautionSettings) -> None:
        """Thresholds for the pre-trade precautions (the main window reads them from QSettings)."""
        self._guard.settings = settings
        self._revalidate()

    @property
    def in_flight(self) -> bool:
        return self._in_flight

    @property
    def blocked_reason(self) -> str | None:
        return self._blocked

    def set_blocked(self, reason: str | None) -> None:
        """Disable sending with `reason` shown (e.g. until the journal is reconciled), or allow it (None)."""
        self._blocked = reason
        self.submit_button.setEnabled(reason is None and not self._in_flight)
        self.submit_button.setToolTip(reason or "")
        if reason is not None:
            self._set_status(reason)
        elif not self._watched and self.status_label.text() and not self._in_flight:
            self.status_label.clear()
            self.status_label.setStyleSheet("")

    def on_intent_changed(self, intent: Intent) -> None:
        """A new version of an intent (IntentService.subscribe): follow the one this ticket sent."""
        if intent.intent_id != self._watched or self._in_flight:
            return
        self._show_intent(intent)

    def ticket(self) -> OverseasTicket:
        division = self._division()
        timing = AlgoTiming(self.algo_timing_combo.currentData()) if division.is_algo else None
        window = timing is AlgoTiming.WINDOW
        return OverseasTicket(
            env=self._env,
            exchange=self._exchange(),
            symbol=self.symbol_edit.text(),
            side=self._side(),
            division=division,
            quantity=self.quantity_spin.value() or None,
            price=None if division.is_market_type else fields.parse_price(self.price_edit.text()),
            algo_timing=timing,
            start_time=fields.py_time(self.start_time_edit.time()) if window else None,
            end_time=fields.py_time(self.end_time_edit.time()) if window else None,
        )

    def set_exchange(self, exchange: Exchange) -> None:
        self.venue_combo.setCurrentIndex(self.venue_combo.findData(exchange.value))

    def set_side(self, side: Side) -> None:
        (self.buy_button if side is Side.BUY else self.sell_button).setChecked(True)

    def set_env(self, env: Env) -> None:
        self._env = env
        self._on_env_changed()

    def prefill(
        self,
        symbol: str,
        side: Side,
        quantity: int | None = None,
        price: Decimal | None = None,
        *,
        exchange: Exchange | None = None,
    ) -> None:
        """Fill the form for review (e.g. from a grid row); nothing is sent."""
        if exchange is not None:
            self.set_exchange(exchange)
        self.set_side(side)
        self.symbol_edit.setText(symbol)
        self.quantity_spin.setValue(quantity or 0)
        if price is not None and self.price_edit.isEnabled():
            self.price_edit.setText(format(price, "f"))  # never "1E+2"

    def request_submit(self) -> None:
        """Start `submit()` as a task (button click, Enter). Disables the button synchronously, so a
        second click before the task runs meets a disabled button (order-safety.md row 7)."""
        if self._in_flight or not self.submit_button.isEnabled():
            return
        self._submit_slot()
        self.submit_button.setEnabled(False)

    async def submit(self) -> None:
        """Validate, confirm, send one order, show the outcome (style.md B.5)."""
        if self._in_flight:
            return
        if self._blocked is not None:
            self._set_status(self._blocked, error=True)
            return
        self._in_flight = True  # synchronously, before the first await
        self.submit_button.setEnabled(False)
        try:
            await self._submit_once()
        finally:
            self._in_flight = False
            self.submit_button.setEnabled(self._blocked is None)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._panel.stop()
        super().closeEvent(event)

    # --- submit steps ----------------------------------------------------------------------------

    async def _submit_once(self) -> None:
        ticket = self.ticket()
        self._attempted = True
        if blocking(self._revalidate()):
            self._set_status(self.tr("Not sent: fix the marked fields."), error=True)
            return
        self._set_status(self.tr("Checking precautions…"))
        hits = await self._guard.check(ticket, self._panel)
        self._show(hits)
        if not await self._pass_precautions(ticket, hits):
            return
        if self.confirm_orders:
            warnings = tuple(hit_text(h) for h in fields.shown_hits(hits))
            summary = OrderSummary(ticket, self._panel.last_price, warnings)
            if not await ask(self, summary, avoid=self.submit_button):
                self._set_status(self.tr("Cancelled; nothing was sent."))
                return
        await self._send(ticket)

    async def _pass_precautions(self, ticket: OverseasTicket, hits: list[PrecautionHit]) -> bool:
        tier = strictest(hits)
        if tier is Tier.BLOCK:
            self._set_status(self.tr("Not sent: a precaution blocks this order."), error=True)
            return False
        if tier is Tier.CONFIRM and not await ask_typed(self, ticket, hits):
            self._set_status(self.tr("Cancelled; nothing was sent."))
            return False
        return True

    async def _send(self, ticket: OverseasTicket) -> None:
        self._set_status(self.tr("Sending…"))
        sent = True  # unless the service refused before any request (OrderRuleError)
        self._watched = ""
        try:
            output = await self._orders.submit(ticket, intent=fields.new_intent())
        except (OrderRuleError, KisError, NotReadyError) as exc:
            if isinstance(exc, OrderRuleError):
                sent = False
                fields.show_problems(self.error_labels, exc.problems)
                self._set_status(self.tr("Not sent: fix the marked fields."), error=True)
            elif isinstance(exc, NotReadyError):
                sent = False
                self._set_status(
                    self.tr("Not sent: the order journal is still being checked with KIS."), error=True
                )
            else:
                self._set_status(message_for(exc), error=True)
        else:
            if isinstance(output, Intent):
                self._watched = output.intent_id
                sent = output.state is not IntentState.NOT_SENT
                self._show_intent(output)
            else:
                self._set_status(self.tr("Order placed: No. {order_no}").format(order_no=output.order_no))
                self.order_placed.emit(output)
        finally:
            # Any attempt that may have reached KIS counts for the duplicate rule, even a timeout:
            # its outcome is unknown, so an identical resend deserves the typed confirmation.
            if sent:
                self._guard.record(ticket)

    def _show_intent(self, intent: Intent) -> None:
        state = intent.state
        failed = state in (IntentState.REJECTED, IntentState.NOT_SENT, IntentState.NOT_FOUND)
        warn = state in (IntentState.UNKNOWN, IntentState.AMBIGUOUS, IntentState.SENDING)
        self._set_status(intent_message(intent), error=failed, warning=warn)
        if state is IntentState.ACKED:
            self.order_placed.emit(intent)

    def _set_status(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.status_label.setText(text)
        color = theme.ERROR_TEXT if error else theme.WARNING_TEXT if warning else None
        self.status_label.setStyleSheet(f"color: {color.name()}; font-weight: bold;" if color else "")
        self.message.emit(text)

    def _on_unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error in the order ticket", exc_info=exc)
        self._set_status(message_for(exc), error=True)

    # --- widgets ---------------------------------------------------------------------------------

    def _create_widgets(self) -> None:
        self.env_label = QLabel()
        self.accent_bar = QFrame()
        self.accent_bar.setFixedHeight(4)
        self.venue_combo = QComboBox()
        for exchange in Exchange:
            self.venue_combo.addItem(exchange_label(exchange), exchange.value)
        self.symbol_edit = QLineEdit()
        self.symbol_edit.setPlaceholderText(self.tr("e.g. AAPL"))
        self.quote_label = QLabel()
        self.buy_button = QPushButton(self.tr("&Buy"))
        self.sell_button = QPushButton(self.tr("&Sell"))
        self.side_group = QButtonGroup(self)
        for button in (self.buy_button, self.sell_button):
            button.setCheckable(True)
            self.side_group.addButton(button)
        self.buy_button.setChecked(True)
        self.division_combo = QComboBox()
        fields.fill_order_types(self.division_combo)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(0, 999_999_999)
        self.quantity_spin.setGroupSeparatorShown(True)
        self.quantity_spin.setSpecialValueText(" ")  # 0 shows as empty: "no quantity yet"
        self.price_edit = QLineEdit()
        self.price_edit.setValidator(fields.price_validator(self.price_edit))
        self.power_label = QLabel()
        self._create_algo_widgets()
        self.submit_button = QPushButton()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.error_labels = fields.make_error_labels()
        self._panel = TicketMarketPanel(
            self._market, self.quote_label, self.power_label, self._market_context, self._on_unexpected, self
        )

    def _create_algo_widgets(self) -> None:
        self.algo_group = QGroupBox(self.tr("Algorithm window (TWAP/VWAP)"))
        self.algo_timing_combo = QComboBox()
        self.algo_timing_combo.addItem(self.tr("Explicit start and end (KST)"), AlgoTiming.WINDOW.value)
        self.algo_timing_combo.addItem(self.tr("Until the regular close"), AlgoTiming.UNTIL_CLOSE.value)
        self.start_time_edit = QTimeEdit()
        self.end_time_edit = QTimeEdit()
        for edit in (self.start_time_edit, self.end_time_edit):
            edit.setDisplayFormat("HH:mm:ss")

    def _connect(self) -> None:
        self.venue_combo.currentIndexChanged.connect(self._on_venue_changed)
        self.symbol_edit.textChanged.connect(self._on_symbol_changed)
        self.side_group.buttonToggled.connect(self._on_side_toggled)
        self.division_combo.currentIndexChanged.connect(self._on_division_changed)
        self.quantity_spin.valueChanged.connect(lambda: self._on_field_edited("quantity"))
        self.price_edit.textChanged.connect(self._on_price_changed)
        self.algo_timing_combo.currentIndexChanged.connect(self._on_algo_timing_changed)
        self.start_time_edit.timeChanged.connect(self._on_time_edited)
        self.end_time_edit.timeChanged.connect(self._on_time_edited)
        self.submit_button.clicked.connect(self.request_submit)
        enter = fields.EnterFilter(self, self.request_submit)
        for watched in (self.symbol_edit, self.quantity_spin, self.quantity_spin.lineEdit(), self.price_edit):
            watched.installEventFilter(enter)

    # --- reactions -------------------------------------------------------------------------------

    def _on_env_changed(self) -> None:
        text = {Env.REAL: self.tr("실전 REAL"), Env.PAPER: self.tr("모의 PAPER"), Env.DEMO: self.tr("DEMO")}
        self.env_label.setText(text[self._env])
        size = "font-size: 15px;" if self._env is Env.REAL else ""
        self.env_label.setStyleSheet(f"color: {theme.env_color(self._env).name()}; font-weight: bold; {size}")
        self._refresh_order_types()

    def _on_venue_changed(self) -> None:
        self._refresh_order_types()
        self._default_times()
        self._panel.clear()
        self._panel.schedule_quote()

    def _on_symbol_changed(self) -> None:
        self._panel.clear()
        self._on_field_edited("symbol")
        self._panel.schedule_quote()

    def _on_side_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self._on_side_changed()

    def _on_side_changed(self) -> None:
        side = self._side()
        color = theme.side_color(side).name()
        self.accent_bar.setStyleSheet(f"background: {color};")
        self.buy_button.setStyleSheet(fields.side_button_style(Side.BUY))
        self.sell_button.setStyleSheet(fields.side_button_style(Side.SELL))
        self.submit_button.setText(
            self.tr("Place buy order") if side is Side.BUY else self.tr("Place sell order")
        )
        self.submit_button.setStyleSheet(fields.submit_style(side))
        self._refresh_order_types()
        self._panel.schedule_power()

    def _on_division_changed(self) -> None:
        division = self._division()
        market_type = division.is_market_type
        self.price_edit.setEnabled(not market_type)
        if market_type:
            self._typed_price = self.price_edit.text()
            self.price_edit.clear()
            self.price_edit.setPlaceholderText(self.tr("market (sent as 0)"))
        else:
            self.price_edit.setPlaceholderText("")
            if not self.price_edit.text() and self._typed_price:
                self.price_edit.setText(self._typed_price)
        self.algo_group.setVisible(division.is_algo)
        if division.is_algo:
            self._default_times()
        self._on_algo_timing_changed()

    def _on_algo_timing_changed(self) -> None:
        window = self.algo_timing_combo.currentData() == AlgoTiming.WINDOW.value
        self.start_time_edit.setEnabled(window)
        self.end_time_edit.setEnabled(window)
        self._revalidate()

    def _on_time_edited(self) -> None:
        self._times_touched = True
        self._on_field_edited("start_time")

    def _on_price_changed(self) -> None:
        self._on_field_edited("price")
        self._panel.schedule_power()

    def _on_field_edited(self, name: str) -> None:
        self._touched.add(name)
        self._revalidate()

    # --- state helpers ---------------------------------------------------------------------------

    def _exchange(self) -> Exchange:
        return Exchange(self.venue_combo.currentData())  # Qt hands the StrEnum back as str (B.6)

    def _side(self) -> Side:
        return Side.SELL if self.sell_button.isChecked() else Side.BUY

    def _division(self) -> OrderDivision:
        return OrderDivision(self.division_combo.currentData())

    def _refresh_order_types(self) -> None:
        env, exchange, side = self._env, self._exchange(), self._side()
        fields.apply_order_types(self.division_combo, order_types(env, exchange, side))
        wanted = default_division(env, exchange, side, self._division())
        if wanted is not self._division():
            fields.select_division(self.division_combo, wanted)  # fires _on_division_changed
        self._revalidate()

    def _default_times(self) -> None:
        if self._times_touched:
            return
        start, end = fields.default_algo_window(self._exchange(), datetime.now(venue_rules.KST))
        for edit, value in ((self.start_time_edit, start), (self.end_time_edit, end)):
            edit.blockSignals(True)  # a default is not a user edit
            edit.setTime(QTime(value.hour, value.minute, value.second))
            edit.blockSignals(False)

    def _revalidate(self) -> list[Problem]:
        """Check the form (no I/O) and show each problem by its field; "required" problems wait until
        the trader has touched the field or tried to send, so a fresh ticket is not all red."""
        ticket = self.ticket()
        self._problems = self._orders.check(ticket)
        self._show(self._guard.live_hits(ticket, self._panel))
        return self._problems

    def _show(self, hits: list[PrecautionHit]) -> None:
        shown = [p for p in self._problems if self._should_show(p)]
        fields.show_problems(self.error_labels, shown, hits)

    def _should_show(self, problem: Problem) -> bool:
        required = problem.code.endswith("_REQUIRED")
        return self._attempted or not required or problem.field in self._touched

    def _market_context(self) -> MarketContext:
        ticket = self.ticket()
        symbol_ok = bool(ticket.clean_symbol) and not any(p.field == "symbol" for p in self._problems)
        symbol = ticket.clean_symbol if symbol_ok else None
        return MarketContext(ticket.exchange, symbol, ticket.side, ticket.price)
