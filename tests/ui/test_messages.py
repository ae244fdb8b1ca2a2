"""message_for(): every expected error gets wording that says what happened and what to do next."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from kisdesk.api.enums import Env
from kisdesk.api.errors import (
    IsolationError,
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisHttpError,
    KisOutcomeUnknownError,
    KisPagingError,
    KisProtocolError,
    KisRateLimitError,
    KisTokenThrottledError,
    KisUncertainApiError,
    NotAvailableError,
)
from kisdesk.api.registry import ApiId
from kisdesk.app.errors import OrderRuleError, SessionBusyError
from kisdesk.domain.rules import Problem
from kisdesk.ui.messages import message_for

pytestmark = pytest.mark.usefixtures("qapp")

MAY_HAVE_BEEN_PLACED = "may have been placed"


def _api(cls: type[KisApiError], code: str = "APBK0506", text: str = "주문단가 호가단위 오류") -> KisApiError:
    return cls(tr_id="TTTT1002U", rt_cd="1", msg_cd=code, msg1=text)


@pytest.mark.parametrize(
    "cls", [KisApiError, KisAuthError, KisTokenThrottledError, KisRateLimitError, KisUncertainApiError]
)
def test_kis_messages_show_msg_cd_and_msg1_verbatim(cls: type[KisApiError]) -> None:
    text = message_for(_api(cls))
    assert "APBK0506" in text
    assert "주문단가 호가단위 오류" in text


def test_plain_rejection_reads_as_rejected() -> None:
    assert message_for(_api(KisApiError)).startswith("KIS rejected the request")


def test_msg1_with_braces_and_percent_is_not_reformatted() -> None:
    text = message_for(_api(KisApiError, text="{odd} 100% %1"))
    assert "{odd} 100% %1" in text


def test_order_rule_error_lists_every_problem() -> None:
    exc = OrderRuleError(
        [Problem("symbol", "SYMBOL_REQUIRED", "enter a symbol"), Problem("price", "PRICE_TICK", "off tick")]
    )
    text = message_for(exc)
    assert "enter a symbol" in text
    assert "off tick" in text
    assert text.startswith("Not sent")


@pytest.mark.parametrize(
    "exc",
    [
        KisOutcomeUnknownError("read timeout"),
        KisUncertainApiError(tr_id="T", rt_cd="1", msg_cd="EGW00301", msg1="check"),
        KisHttpError(502, "<html>bad gateway</html>"),
        KisProtocolError("truncated"),
    ],
)
def test_ambiguous_failures_say_the_order_may_exist(exc: Exception) -> None:
    assert MAY_HAVE_BEEN_PLACED in message_for(exc)


@pytest.mark.parametrize(
    "exc",
    [
        KisConnectError("refused"),
        IsolationError("paper key on real host"),
        NotAvailableError(ApiId.DOMESTIC_RESV_ORDER, Env.PAPER, "real only"),
        KisAuthError(tr_id="", rt_cd="1", msg_cd="EGW00123", msg1="expired"),
    ],
)
def test_failures_before_sending_say_nothing_was_sent(exc: Exception) -> None:
    text = message_for(exc)
    assert "nothing was sent" in text.lower()
    assert MAY_HAVE_BEEN_PLACED not in text


def test_paging_and_busy_have_their_own_wording() -> None:
    assert "last page" in message_for(KisPagingError("cap"))
    assert "in flight" in message_for(SessionBusyError("busy"))


def test_unexpected_error_names_its_type_only() -> None:
    assert message_for(ValueError("secret detail")) == "Unexpected error (ValueError); see the log."


def test_messages_carry_no_secret() -> None:
    exc = KisApiError(tr_id="T", rt_cd="1", msg_cd="X", msg1='bad appsecret="s3cr3t-value"')
    assert "s3cr3t-value" not in message_for(exc)


def test_messages_go_through_the_translator(qapp: QApplication) -> None:
    assert qapp is not None  # QCoreApplication.translate needs the application object
    assert message_for(KisConnectError("x")).startswith("Could not reach KIS")
