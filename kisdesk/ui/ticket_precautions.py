"""The order ticket's precaution state: `TicketPrecautions` (settings, recent sends, clock).

Owns what `check_precautions` needs from the ticket beyond the form itself: the thresholds in force
(`PrecautionSettings`, set by the main window from QSettings), the orders this ticket recently sent
(in memory only, for the duplicate rule) and the clock. The main window keeps one instance across
ticket rebuilds (environment or language switch), so a rebuild does not forget a send a second ago.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from kisdesk.api import venue_rules
from kisdesk.domain.precautions import (
    DUPLICATE_BOUNDS,
    PrecautionHit,
    PrecautionSettings,
    RecentOrder,
    Rule,
    check_precautions,
)
from kisdesk.domain.ticket import OverseasTicket
from kisdesk.ui.ticket_market import TicketMarketPanel

_KEEP: Final = timedelta(seconds=DUPLICATE_BOUNDS[1])  # the longest window a setting can ask for
_MAX_RECENT: Final = 200
_MISSING_DATA: Final = frozenset({Rule.NO_QUOTE, Rule.NO_FX_RATE})


class TicketPrecautions:
    """Settings, recent sends and clock for the ticket's precaution checks (no Qt objects)."""

    def __init__(
        self, settings: PrecautionSettings | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.settings = settings if settings is not None else PrecautionSettings()
        self._now = clock or (lambda: datetime.now(venue_rules.KST))
        self._recent: deque[RecentOrder] = deque(maxlen=_MAX_RECENT)

    @property
    def recent(self) -> tuple[RecentOrder, ...]:
        return tuple(self._recent)

    def record(self, ticket: OverseasTicket) -> None:
        """Remember a send (whatever its outcome: an unknown outcome may still be a live order)."""
        now = self._now()
        while self._recent and now - self._recent[0].sent_at > _KEEP:
            self._recent.popleft()
        self._recent.append(RecentOrder.of(ticket, now))

    def live_hits(self, ticket: OverseasTicket, panel: TicketMarketPanel) -> list[PrecautionHit]:
        """Hits from what the ticket already knows (no I/O), for showing while the trader types.
        Missing quote/rate is not reported here: the data may simply not have arrived yet."""
        hits = self._check(
            ticket,
            panel.cached_last(ticket.exchange, ticket.clean_symbol),
            panel.krw_rates.get(ticket.exchange.info.currency),
        )
        return [h for h in hits if h.rule not in _MISSING_DATA]

    async def check(self, ticket: OverseasTicket, panel: TicketMarketPanel) -> list[PrecautionHit]:
        """Every hit before a send, against a fresh quote and rate (fetched when missing or stale)."""
        last, rate = await panel.market_facts(ticket.exchange, ticket.clean_symbol, ticket.price)
        return self._check(ticket, last, rate)

    def _check(
        self, ticket: OverseasTicket, last: Decimal | None, rate: Decimal | None
    ) -> list[PrecautionHit]:
        return check_precautions(
            ticket,
            last=last,
            krw_rate=rate,
            recent=self._recent,
            now=self._now(),
            settings=self.settings,
        )
