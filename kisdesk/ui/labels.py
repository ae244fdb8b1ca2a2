"""Display labels for the wire vocabulary, through Qt's translation system.

Source strings are English; resources/translations/kisdesk_ko.ts gives the Korean that traders
know from KIS's HTS (지정가, 장개시지정가 …). Enum values stay wire codes; only this module turns
them into words (style.md B.2).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kisdesk.api.enums import Env, Exchange, OrderDivision, ResvOrderDivision, Side
from kisdesk.domain.capabilities import Reason
from kisdesk.domain.intents import IntentKind, IntentState
from kisdesk.domain.pending import OrderStatus


# Every call is spelled QCoreApplication.translate("labels", "…") in full: pyside6-lupdate recognises
# only that literal form, and a string it cannot see would never reach the Korean catalogue.
def side_label(side: Side) -> str:
    return (
        QCoreApplication.translate("labels", "Buy")
        if side is Side.BUY
        else QCoreApplication.translate("labels", "Sell")
    )


def env_label(env: Env) -> str:
    return {
        Env.REAL: QCoreApplication.translate("labels", "REAL"),
        Env.PAPER: QCoreApplication.translate("labels", "PAPER"),
        Env.DEMO: QCoreApplication.translate("labels", "DEMO"),
    }[env]


def division_label(division: OrderDivision) -> str:
    labels = {
        OrderDivision.LIMIT: QCoreApplication.translate("labels", "Limit"),
        OrderDivision.MOO: QCoreApplication.translate("labels", "MOO (market on open)"),
        OrderDivision.LOO: QCoreApplication.translate("labels", "LOO (limit on open)"),
        OrderDivision.MOC: QCoreApplication.translate("labels", "MOC (market on close)"),
        OrderDivision.LOC: QCoreApplication.translate("labels", "LOC (limit on close)"),
        OrderDivision.TWAP: QCoreApplication.translate("labels", "TWAP"),
        OrderDivision.VWAP: QCoreApplication.translate("labels", "VWAP"),
        OrderDivision.ODD_LOT: QCoreApplication.translate("labels", "Odd-lot limit"),
    }
    return labels[division]


def resv_division_label(division: ResvOrderDivision) -> str:
    labels = {
        ResvOrderDivision.LIMIT: QCoreApplication.translate("labels", "Limit"),
        ResvOrderDivision.MARKET: QCoreApplication.translate("labels", "Market"),
        ResvOrderDivision.CONDITIONAL_LIMIT: QCoreApplication.translate("labels", "Conditional limit"),
        ResvOrderDivision.PRE_MARKET: QCoreApplication.translate("labels", "Pre-market off-hours"),
    }
    return labels[division]


def exchange_label(exchange: Exchange) -> str:
    names = {
        Exchange.NASD: QCoreApplication.translate("labels", "Nasdaq"),
        Exchange.NYSE: QCoreApplication.translate("labels", "NYSE"),
        Exchange.AMEX: QCoreApplication.translate("labels", "NYSE American (Amex)"),
        Exchange.SEHK: QCoreApplication.translate("labels", "Hong Kong"),
        Exchange.SHAA: QCoreApplication.translate("labels", "Shanghai"),
        Exchange.SZAA: QCoreApplication.translate("labels", "Shenzhen"),
        Exchange.TKSE: QCoreApplication.translate("labels", "Tokyo"),
        Exchange.HASE: QCoreApplication.translate("labels", "Hanoi"),
        Exchange.VNSE: QCoreApplication.translate("labels", "Ho Chi Minh"),
    }
    return f"{exchange.value} · {names[exchange]} ({exchange.info.currency})"


def reason_label(reason: Reason) -> str:
    labels = {
        Reason.PAPER_LIMIT_ONLY: QCoreApplication.translate("labels", "paper: limit only"),
        Reason.US_SELL_ONLY: QCoreApplication.translate("labels", "MOO/MOC: US sell only"),
        Reason.US_ONLY: QCoreApplication.translate("labels", "US only"),
        Reason.HK_SELL_ONLY: QCoreApplication.translate("labels", "odd-lot: HK sell only"),
        Reason.NOT_OFFERED: QCoreApplication.translate("labels", "not offered for this venue"),
        Reason.CANCEL_ONLY_MARKET: QCoreApplication.translate(
            "labels", "China/Vietnam orders can be cancelled, not revised"
        ),
        Reason.ALGO_NOT_REVISABLE: QCoreApplication.translate("labels", "TWAP/VWAP orders cannot be revised"),
        Reason.ALGO_CANCEL_UNCERTAIN: QCoreApplication.translate(
            "labels", "cancelling TWAP/VWAP is allowed by the spec but unconfirmed"
        ),
        Reason.ORDER_TYPE_UNKNOWN: QCoreApplication.translate(
            "labels", "order type unknown: KIS may refuse a revise of a TWAP/VWAP order"
        ),
        Reason.ORDER_NOT_OPEN: QCoreApplication.translate("labels", "nothing left to revise or cancel"),
        Reason.PAPER_NO_RESERVATION: QCoreApplication.translate(
            "labels", "paper: reservation orders are real-trading only"
        ),
    }
    return labels[reason]


def status_label(status: OrderStatus) -> str:
    labels = {
        OrderStatus.WORKING: QCoreApplication.translate("labels", "Working"),
        OrderStatus.PARTIALLY_FILLED: QCoreApplication.translate("labels", "Partially filled"),
        OrderStatus.FILLED: QCoreApplication.translate("labels", "Filled"),
        OrderStatus.CANCELLED: QCoreApplication.translate("labels", "Cancelled"),
        OrderStatus.REJECTED: QCoreApplication.translate("labels", "Rejected"),
        OrderStatus.REVISED: QCoreApplication.translate("labels", "Revised"),
    }
    return labels[status]


def intent_state_label(state: IntentState) -> str:
    """The journal state of an intent (order-safety.md §3) in the trader's words."""
    labels = {
        IntentState.DRAFT: QCoreApplication.translate("labels", "Draft"),
        IntentState.CONFIRMED: QCoreApplication.translate("labels", "Confirmed"),
        IntentState.SENDING: QCoreApplication.translate("labels", "Sending"),
        IntentState.ACKED: QCoreApplication.translate("labels", "Accepted"),
        IntentState.REJECTED: QCoreApplication.translate("labels", "Rejected"),
        IntentState.NOT_SENT: QCoreApplication.translate("labels", "Not sent"),
        IntentState.UNKNOWN: QCoreApplication.translate("labels", "Outcome unknown"),
        IntentState.NOT_FOUND: QCoreApplication.translate("labels", "Not found at KIS"),
        IntentState.AMBIGUOUS: QCoreApplication.translate("labels", "Ambiguous"),
        IntentState.PARTIALLY_FILLED: QCoreApplication.translate("labels", "Partially filled"),
        IntentState.FILLED: QCoreApplication.translate("labels", "Filled"),
        IntentState.PENDING_CANCEL: QCoreApplication.translate("labels", "Cancel pending"),
        IntentState.PENDING_REPLACE: QCoreApplication.translate("labels", "Revise pending"),
        IntentState.CANCELED: QCoreApplication.translate("labels", "Cancelled"),
        IntentState.REPLACED: QCoreApplication.translate("labels", "Revised"),
    }
    return labels[state]


def intent_kind_label(kind: IntentKind) -> str:
    labels = {
        IntentKind.ORDER: QCoreApplication.translate("labels", "New order"),
        IntentKind.REVISE: QCoreApplication.translate("labels", "Revise"),
        IntentKind.CANCEL: QCoreApplication.translate("labels", "Cancel"),
    }
    return labels[kind]
