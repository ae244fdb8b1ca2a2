"""Pydantic models of KIS requests and responses, named after what they carry."""

from kisdesk.api.models.auth import (
    RevokeRequest,
    RevokeResponse,
    TokenErrorBody,
    TokenRequest,
    TokenResponse,
)
from kisdesk.api.models.common import Envelope, KisRequest, KisResponse, PagedEnvelope
from kisdesk.api.models.inquiry import HistoryQuery, HistoryRow, PendingQuery, PendingRow
from kisdesk.api.models.orders import OrderOutput, OverseasOrderRequest, ReviseCancelRequest
from kisdesk.api.models.quotes import BuyingPowerOutput, BuyingPowerQuery, PriceOutput, PriceQuery
from kisdesk.api.models.reservation import (
    ReservationCancelRequest,
    ReservationListQuery,
    ReservationOrderOutput,
    ReservationOrderRequest,
    ReservationReviseCancelOutput,
    ReservationReviseRequest,
    ReservationRow,
)

__all__ = [
    "BuyingPowerOutput",
    "BuyingPowerQuery",
    "Envelope",
    "HistoryQuery",
    "HistoryRow",
    "KisRequest",
    "KisResponse",
    "OrderOutput",
    "OverseasOrderRequest",
    "PagedEnvelope",
    "PendingQuery",
    "PendingRow",
    "PriceOutput",
    "PriceQuery",
    "ReservationCancelRequest",
    "ReservationListQuery",
    "ReservationOrderOutput",
    "ReservationOrderRequest",
    "ReservationReviseCancelOutput",
    "ReservationReviseRequest",
    "ReservationRow",
    "ReviseCancelRequest",
    "RevokeRequest",
    "RevokeResponse",
    "TokenErrorBody",
    "TokenRequest",
    "TokenResponse",
]
