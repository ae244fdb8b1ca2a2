"""The business routes: which handler answers each (METHOD, path) of the KIS API the simulator serves.

The gateway (`engine.py`) looks a request up here after its header, token, TR and rate checks.
"""

from __future__ import annotations

from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.simulator import domestic, overseas_inquiry, overseas_orders
from kisdesk.simulator.book import Book
from kisdesk.simulator.protocol import Handler


def routes(book: Book) -> dict[tuple[str, str], Handler]:
    """Handlers bound to `book`, keyed by (HTTP method, path) as the registry spells them."""
    by_api: dict[ApiId, Handler] = {
        ApiId.OVERSEAS_ORDER: overseas_orders.order_handler(book),
        ApiId.OVERSEAS_REVISE_CANCEL: overseas_orders.revise_cancel_handler(book),
        ApiId.OVERSEAS_PENDING: overseas_inquiry.pending_handler(book),
        ApiId.OVERSEAS_HISTORY: overseas_inquiry.history_handler(book),
        ApiId.OVERSEAS_BUYING_POWER: overseas_inquiry.buying_power_handler(book),
        ApiId.OVERSEAS_PRICE: overseas_inquiry.price_handler(book),
        ApiId.DOMESTIC_RESV_ORDER: domestic.reservation_handler(book),
        ApiId.DOMESTIC_RESV_LIST: domestic.reservation_list_handler(book),
        ApiId.DOMESTIC_RESV_REVISE_CANCEL: domestic.reservation_change_handler(book),
    }
    return {(ENDPOINTS[api].method, ENDPOINTS[api].path): handler for api, handler in by_api.items()}
