"""Quote and buying power beside the order ticket: `TicketMarketPanel` and the `MarketData` protocol.

Owns the background refresh of the ticket's `quote_label` and `power_label`. Requests are debounced
(a symbol typed letter by letter fires one quote) and started through `latest_wins`, so a slow, older
answer never overwrites a newer one. A refresh never raises: its failure is written into its label
(KIS errors through `message_for`; anything else is also logged). It also keeps what the pre-trade
precautions need: the latest quote (with its symbol and age) and the KRW rate per currency (KIS
`exrt` of buying power), and `market_facts()` fetches them before a send when missing or stale.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Protocol

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QLabel, QWidget

from kisdesk.api.enums import Exchange, Side
from kisdesk.api.errors import KisError
from kisdesk.api.models import BuyingPowerOutput
from kisdesk.app.market import Quote
from kisdesk.ui import theme
from kisdesk.ui import ticket_fields as fields
from kisdesk.ui.async_bridge import ErrorSink, latest_wins
from kisdesk.ui.messages import message_for

log = logging.getLogger(__name__)

QUOTE_MAX_AGE: Final = 30.0  # s: an older last price is fetched again before a send is checked
FACT_TIMEOUT: Final = 3.0  # s: a precaution check waits this long for a quote or rate, then warns


class MarketData(Protocol):
    """What the ticket needs of `app.market.MarketDataService`."""

    async def quote(self, exchange: Exchange, symbol: str) -> Quote: ...

    async def buying_power(self, exchange: Exchange, symbol: str, price: Decimal) -> BuyingPowerOutput: ...


@dataclass(frozen=True, slots=True)
class MarketContext:
    """The ticket's state a refresh needs. `symbol` is None while the typed symbol is not valid."""

    exchange: Exchange
    symbol: str | None
    side: Side
    price: Decimal | None


class TicketMarketPanel(QObject):
    """Keeps `quote_label` and `power_label` current; `last_price` is the latest quote's last price.

    `on_changed` (optional) is called whenever a quote or a rate arrives, so the ticket can re-run
    its live checks.
    """

    def __init__(
        self,
        market: MarketData,
        quote_label: QLabel,
        power_label: QLabel,
        context: Callable[[], MarketContext],
        on_error: ErrorSink,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._market = market
        self._quote_label = quote_label
        self._power_label = power_label
        self._context = context
        self._on_error = on_error
        self._name = f"ticket-market-{id(self)}"
        self.last_price: Decimal | None = None
        self.quote: Quote | None = None
        self._quote_at = 0.0  # time.monotonic() of `quote`
        self.krw_rates: dict[str, Decimal] = {}  # currency -> KRW per unit, from buying power
        self.on_changed: Callable[[], object] | None = None
        self._quote_timer = fields.debounce_timer(parent)
        self._power_timer = fields.debounce_timer(parent)
        self._quote_timer.timeout.connect(self.refresh_quote)
        self._power_timer.timeout.connect(self.refresh_power)

    def clear(self) -> None:
        self.last_price = None
        self.quote = None
        self._quote_label.clear()
        self._power_label.clear()

    def stop(self) -> None:
        """Drop pending refreshes: the ticket was closed (an active timer must not outlive it)."""
        self._quote_timer.stop()
        self._power_timer.stop()

    def schedule_quote(self) -> None:
        """Refresh the quote (then buying power) once typing pauses."""
        self._quote_timer.start()

    def schedule_power(self) -> None:
        self._power_timer.start()

    def refresh_quote(self) -> None:
        ctx = self._context()
        if ctx.symbol is not None:
            self._start("quote", self._load_quote(ctx.exchange, ctx.symbol))

    def refresh_power(self) -> None:
        ctx = self._context()
        price = ctx.price or self.last_price
        if ctx.side is not Side.BUY:
            text = QCoreApplication.translate("OrderTicketWidget", "Buying power is shown for buy orders")
            self._power_label.setText(text)
        elif ctx.symbol is not None and price is not None and price > 0:
            self._start("power", self._load_power(ctx.exchange, ctx.symbol, price))

    def _start(self, what: str, coro: Coroutine[Any, Any, None]) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # Qt delivered the timer with no asyncio loop running (shutdown)
            coro.close()
            return
        latest_wins(f"{self._name}-{what}", coro, self._on_error)

    async def _load_quote(self, exchange: Exchange, symbol: str) -> None:
        self._quote_label.setStyleSheet("")
        self._quote_label.setText(QCoreApplication.translate("OrderTicketWidget", "Loading quote…"))
        try:
            quote = await self._market.quote(exchange, symbol)
        except Exception as exc:  # a background refresh never raises; its label says what happened
            self._show_error(self._quote_label, exc)
            return
        self._remember_quote(quote)
        text, color = fields.quote_text(quote, exchange.info.currency)
        self._quote_label.setText(text)
        self._quote_label.setStyleSheet(f"color: {color};" if color else "")
        self.refresh_power()

    async def _load_power(self, exchange: Exchange, symbol: str, price: Decimal) -> None:
        self._power_label.setStyleSheet("")
        try:
            power = await self._market.buying_power(exchange, symbol, price)
        except Exception as exc:  # as in _load_quote
            self._show_error(self._power_label, exc)
            return
        self._power_label.setText(fields.power_text(power, exchange.info.currency))
        self._remember_rate(exchange, power)

    # --- what the precautions need ----------------------------------------------------------------

    def cached_last(self, exchange: Exchange, symbol: str) -> Decimal | None:
        """The last price if the latest quote is for this very symbol (no I/O, for live checks)."""
        quote = self.quote
        if quote is None or (quote.exchange, quote.symbol) != (exchange, symbol):
            return None
        return quote.last

    async def market_facts(
        self, exchange: Exchange, symbol: str, price: Decimal | None
    ) -> tuple[Decimal | None, Decimal | None]:
        """(last price, KRW rate) for a send: cached when fresh, else fetched (at most FACT_TIMEOUT
        each). A failure gives None, which the precautions turn into a warning, never a pass."""
        last = self.cached_last(exchange, symbol)
        if last is None or time.monotonic() - self._quote_at > QUOTE_MAX_AGE:
            try:
                quote = await asyncio.wait_for(self._market.quote(exchange, symbol), FACT_TIMEOUT)
            except Exception as exc:  # reported as "no quote" by the caller, never a pass
                log.info("no quote for the precaution check: %r", exc)
                last = None
            else:
                self._remember_quote(quote)
                last = quote.last
        currency = exchange.info.currency
        reference = price or last
        if currency not in self.krw_rates and reference is not None and reference > 0:
            try:
                power = await asyncio.wait_for(
                    self._market.buying_power(exchange, symbol, reference), FACT_TIMEOUT
                )
            except Exception as exc:  # reported as "no FX rate" by the caller
                log.info("no exchange rate for the precaution check: %r", exc)
            else:
                self._remember_rate(exchange, power)
        return last, self.krw_rates.get(currency)

    def _remember_quote(self, quote: Quote) -> None:
        self.quote = quote
        self.last_price = quote.last
        self._quote_at = time.monotonic()
        self._changed()

    def _remember_rate(self, exchange: Exchange, power: BuyingPowerOutput) -> None:
        # A rate of 0 means KIS did not say; it must not read as "this order is worth nothing".
        if power.exchange_rate > 0:
            self.krw_rates[power.currency or exchange.info.currency] = power.exchange_rate
            self._changed()

    def _changed(self) -> None:
        if self.on_changed is not None:
            self.on_changed()

    @staticmethod
    def _show_error(label: QLabel, exc: Exception) -> None:
        if not isinstance(exc, KisError):
            log.error("quote/buying-power refresh failed", exc_info=exc)
        label.setText(message_for(exc))
        label.setStyleSheet(f"color: {theme.ERROR_TEXT.name()};")
