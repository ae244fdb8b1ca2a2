"""User wording for every expected error: `message_for(exc) -> str` (style.md B.4, errors at the UI edge).

Owns the text a trader reads when something did not work. KIS's own `msg1` is shown verbatim with its
`msg_cd`, because that is what KIS support and the HTS speak. Every wording says whether the order may
have been placed, since that decides the trader's next step (order-safety.md §1.4: never resend
blindly after an ambiguous failure). Strings are translated through Qt (context "messages");
placeholders are filled with `str.format` after translation, so KIS text containing "%" or braces
is never re-interpreted.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

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
from kisdesk.app.errors import OrderRuleError, SessionBusyError
from kisdesk.domain.intents import Intent, IntentKind, IntentState
from kisdesk.ui.labels import intent_state_label
from kisdesk.ui.problem_text import problem_text

EXPECTED_ERRORS = (KisError, OrderRuleError, SessionBusyError)
"""What the UI catches and shows through `message_for`; anything else goes to the error sink."""


def message_for(exc: BaseException) -> str:
    """The sentence to show for `exc`, most specific class first."""
    if isinstance(exc, OrderRuleError):
        return _rule_message(exc)
    if isinstance(exc, KisApiError):
        return _api_message(exc)
    if isinstance(exc, KisTransportError):
        return _transport_message(exc)
    if isinstance(exc, KisPagingError):
        return QCoreApplication.translate(
            "messages", "An inquiry did not reach its last page; the list was not updated."
        )
    if isinstance(exc, KisProtocolError):
        return QCoreApplication.translate(
            "messages",
            "KIS sent an answer kisdesk cannot read. If this was an order, it may have been placed: "
            "check open orders before sending it again.",
        )
    return _other_message(exc)


def _rule_message(exc: OrderRuleError) -> str:
    if not exc.problems:
        return QCoreApplication.translate("messages", "Not sent: the ticket is not valid.")
    text = QCoreApplication.translate("messages", "Not sent: {problems}")
    return text.format(problems="; ".join(problem_text(p) for p in exc.problems))


def _api_message(exc: KisApiError) -> str:
    if isinstance(exc, KisUncertainApiError):
        text = QCoreApplication.translate(
            "messages",
            "KIS could not confirm the request [{code}] {text}. The order may have been placed: "
            "check open orders before sending it again.",
        )
    elif isinstance(exc, KisTokenThrottledError):
        text = QCoreApplication.translate(
            "messages", "KIS issues one access token per minute; try again in a minute. [{code}] {text}"
        )
    elif isinstance(exc, KisAuthError):
        text = QCoreApplication.translate(
            "messages", "KIS refused the access token; nothing was sent. [{code}] {text}"
        )
    elif isinstance(exc, KisRateLimitError):
        text = QCoreApplication.translate(
            "messages", "KIS is limiting requests; nothing was done, try again shortly. [{code}] {text}"
        )
    else:
        text = QCoreApplication.translate("messages", "KIS rejected the request: [{code}] {text}")
    return text.format(code=exc.msg_cd, text=exc.msg1)


def _transport_message(exc: KisTransportError) -> str:
    if isinstance(exc, KisConnectError):
        return QCoreApplication.translate(
            "messages", "Could not reach KIS; nothing was sent. Check the network and try again."
        )
    if isinstance(exc, KisOutcomeUnknownError):
        return QCoreApplication.translate(
            "messages",
            "No answer from KIS. The order may have been placed: check open orders before sending it again.",
        )
    return QCoreApplication.translate("messages", "No usable answer from KIS.")


def _other_message(exc: BaseException) -> str:
    if isinstance(exc, NotAvailableError):
        text = QCoreApplication.translate("messages", "Not available in {env}: {reason}. Nothing was sent.")
        return text.format(env=exc.env.name, reason=exc.reason)
    if isinstance(exc, IsolationError):
        return QCoreApplication.translate(
            "messages", "Blocked: the request mixed two environments. Nothing was sent."
        )
    if isinstance(exc, KisHttpError):
        text = QCoreApplication.translate(
            "messages",
            "KIS answered HTTP {status}. If this was an order, it may have been placed: "
            "check open orders before sending it again.",
        )
        return text.format(status=exc.status)
    if isinstance(exc, SessionBusyError):
        return QCoreApplication.translate(
            "messages", "Requests are still in flight; wait for them to finish."
        )
    if isinstance(exc, KisError):
        return QCoreApplication.translate("messages", "KIS request failed.")
    text = QCoreApplication.translate("messages", "Unexpected error ({kind}); see the log.")
    return text.format(kind=type(exc).__name__)


def intent_message(intent: Intent) -> str:
    """One line on what became of an order, revise or cancel (order-safety.md §3), for the ticket,
    the grid and the status bar. UNKNOWN always says not to send it again."""
    state = intent.state
    text: str
    if state in (IntentState.SENDING, IntentState.CONFIRMED, IntentState.DRAFT):
        return QCoreApplication.translate("messages", "Sending…")
    if state is IntentState.UNKNOWN:
        return QCoreApplication.translate(
            "messages", "Outcome unknown — checking with KIS. Do not send it again."
        )
    if state is IntentState.AMBIGUOUS:
        return QCoreApplication.translate(
            "messages", "Several KIS orders match: choose which one is yours in Order activity."
        )
    if state is IntentState.NOT_FOUND:
        return QCoreApplication.translate(
            "messages", "KIS has no such order: it was not placed. It can be sent again from Order activity."
        )
    if state is IntentState.REJECTED:
        text = QCoreApplication.translate("messages", "KIS rejected it: {message}")
        return text.format(message=intent.message or "—")
    if state is IntentState.NOT_SENT:
        text = QCoreApplication.translate("messages", "Not sent: {message}")
        return text.format(message=intent.message or "—")
    if intent.kind is IntentKind.CANCEL and state is IntentState.ACKED:
        text = QCoreApplication.translate("messages", "Cancel of {target} accepted")
        return text.format(target=intent.target_order_no)
    if intent.kind is IntentKind.REVISE and state is IntentState.ACKED:
        text = QCoreApplication.translate("messages", "Revise of {target} accepted: new order no. {order_no}")
        return text.format(target=intent.target_order_no, order_no=intent.order_no)
    if state is IntentState.ACKED:
        text = QCoreApplication.translate("messages", "Placed #{order_no}")
        return text.format(order_no=intent.order_no)
    text = QCoreApplication.translate("messages", "#{order_no}: {state}")
    return text.format(order_no=intent.order_no or "—", state=intent_state_label(state))


def intent_next_step(intent: Intent, *, resent: bool = False) -> str:
    """What the trader can do about an intent, shown beside it in Order activity."""
    state = intent.state
    if state in (IntentState.SENDING, IntentState.UNKNOWN):
        return QCoreApplication.translate("messages", "Checking with KIS… nothing to do; do not resend.")
    if state is IntentState.AMBIGUOUS:
        return QCoreApplication.translate("messages", "Choose which order is yours.")
    if state is IntentState.NOT_FOUND:
        if resent or intent.kind is not IntentKind.ORDER:
            return QCoreApplication.translate("messages", "Not placed. Nothing to do.")
        return QCoreApplication.translate("messages", "Not placed. You may send it again as a new order.")
    return ""
