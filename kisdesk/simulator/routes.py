"""The business routes: which handler answers each (METHOD, path) of the KIS API the simulator serves.

The gateway (`engine.py`) looks a request up here after its header, token, TR and rate checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.simulator import domestic, overseas_inquiry, overseas_orders
from kisdesk.simulator.book import Book
from kisdesk.simulator.protocol import Business, CallContext, Handler, SimReply
from kisdesk.simulator.replies import handle

BUSINESS: Final[dict[ApiId, Business]] = {
    ApiId.OVERSEAS_ORDER: overseas_orders.order_reply,
    ApiId.OVERSEAS_REVISE_CANCEL: overseas_orders.revise_cancel_reply,
    ApiId.OVERSEAS_PENDING: overseas_inquiry.pending_reply,
    ApiId.OVERSEAS_HISTORY: overseas_inquiry.history_reply,
    ApiId.OVERSEAS_BUYING_POWER: overseas_inquiry.buying_power_reply,
    ApiId.OVERSEAS_PRICE: overseas_inquiry.price_reply,
    ApiId.DOMESTIC_RESV_ORDER: domestic.reservation_reply,
    ApiId.DOMESTIC_RESV_LIST: domestic.reservation_list_reply,
    ApiId.DOMESTIC_RESV_REVISE_CANCEL: domestic.reservation_change_reply,
}


def bind(book: Book, business: Business) -> Handler:
    """A gateway handler running `business` on `book`, answering a RejectionError as KIS would."""

    def handler(ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
        return handle(book.settings, lambda: business(book, ctx, data))

    return handler


def routes(book: Book) -> dict[tuple[str, str], Handler]:
    """Handlers bound to `book`, keyed by (HTTP method, path) as the registry spells them."""
    return {
        (ENDPOINTS[api].method, ENDPOINTS[api].path): bind(book, business)
        for api, business in BUSINESS.items()
    }
