"""The KIS Open API layer: async client, credentials, tokens, pacing, paging, errors and wire enums.

No Qt and no file or keychain I/O here: the app hands in a `TokenStore`.
"""

from kisdesk.api.auth import AccessToken, MemoryTokenStore, TokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import (
    ContinuationFlag,
    CustType,
    Env,
    Exchange,
    Market,
    OrderDivision,
    ReviseCancel,
    Side,
    TrFamily,
)
from kisdesk.api.errors import (
    IsolationError,
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisError,
    KisHttpError,
    KisOutcomeUnknownError,
    KisPagingError,
    KisProtocolError,
    KisRateLimitError,
    KisTokenThrottledError,
    KisTransportError,
    KisUncertainApiError,
    NotAvailableError,
)
from kisdesk.api.paging import Page
from kisdesk.api.ratelimit import Priority, RateLimiter

__all__ = [
    "AccessToken",
    "Account",
    "ContinuationFlag",
    "Credentials",
    "CustType",
    "Env",
    "Exchange",
    "IsolationError",
    "KisApiError",
    "KisAuthError",
    "KisClient",
    "KisConnectError",
    "KisError",
    "KisHttpError",
    "KisOutcomeUnknownError",
    "KisPagingError",
    "KisProtocolError",
    "KisRateLimitError",
    "KisTokenThrottledError",
    "KisTransportError",
    "KisUncertainApiError",
    "Market",
    "MemoryTokenStore",
    "NotAvailableError",
    "OrderDivision",
    "Page",
    "Priority",
    "RateLimiter",
    "ReviseCancel",
    "Side",
    "TokenStore",
    "TrFamily",
]
