"""The intent state machine (order-safety.md §3), request-outcome classification and fingerprint matching."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from kisdesk.api.enums import AlgoTiming, Env, Exchange, OrderDivision, Side
from kisdesk.api.errors import (
    IsolationError,
    KisApiError,
    KisAuthError,
    KisConnectError,
    KisError,
    KisHttpError,
    KisOutcomeUnknownError,
    KisProtocolError,
    KisRateLimitError,
    KisTokenThrottledError,
    KisUncertainApiError,
)
from kisdesk.api.models import HistoryRow, PendingRow
from kisdesk.domain.intents import (
    TRANSITIONS,
    UNRESOLVED,
    Cause,
    Fingerprint,
    IllegalTransitionError,
    Intent,
    IntentKind,
    IntentState,
    change_candidates,
    new_intent_id,
    order_candidates,
    outcome_of,
    ticket_of,
)
from kisdesk.domain.pending import KST
from kisdesk.domain.ticket import AccountNo, OverseasTicket, to_order_request

S = IntentState
SENT = datetime(2026, 11, 18, 10, 40, 0, tzinfo=KST)
FP = Fingerprint(Exchange.NASD, "AAPL", Side.BUY, 2, Decimal("150"), OrderDivision.LIMIT)
BASE = Intent("20261118-x", IntentKind.ORDER, Env.REAL, "50123456-01", FP, SENT, S.UNKNOWN, sent_at=SENT)
ALL_PAIRS = [(a, b) for a in IntentState for b in IntentState]
LEGAL = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
# Staying put is how a non-final intent updates its fields (message, candidates); it is not an edge.
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a] and not (a is b and not a.is_final)]
MARGIN = timedelta(seconds=60)


def _cause_for(frm: IntentState) -> Cause:
    return Cause.QUERY if frm in (S.UNKNOWN, S.AMBIGUOUS) else Cause.REQUEST


@pytest.mark.parametrize("frm", list(IntentState))
def test_every_legal_edge_is_allowed_and_every_other_raises(frm: IntentState) -> None:
    intent = replace(BASE, state=frm)
    for to in (b for a, b in LEGAL if a is frm):
        moved = intent.moved(to, SENT, cause=_cause_for(frm))
        assert (moved.state, moved.updated_at) == (to, SENT)
    for to in (b for a, b in ILLEGAL if a is frm):
        for cause in Cause:
            with pytest.raises(IllegalTransitionError):
                intent.moved(to, SENT, cause=cause)


def test_unknown_is_left_only_on_a_query_result() -> None:
    for to in TRANSITIONS[S.UNKNOWN]:
        for cause in (Cause.REQUEST, Cause.USER, Cause.STARTUP):
            with pytest.raises(IllegalTransitionError, match="needs query"):
                BASE.moved(to, SENT, cause=cause)


def test_ambiguous_is_left_only_by_query_or_user() -> None:
    ambiguous = replace(BASE, state=S.AMBIGUOUS)
    for cause in (Cause.REQUEST, Cause.STARTUP):
        with pytest.raises(IllegalTransitionError):
            ambiguous.moved(S.ACKED, SENT, cause=cause)
    assert ambiguous.moved(S.ACKED, SENT, cause=Cause.USER).state is S.ACKED
    assert ambiguous.moved(S.ACKED, SENT, cause=Cause.QUERY).state is S.ACKED


def test_final_states_have_no_exit_not_even_to_themselves() -> None:
    finals = [s for s in IntentState if s.is_final]
    assert set(finals) == {S.REJECTED, S.NOT_SENT, S.NOT_FOUND, S.FILLED, S.CANCELED, S.REPLACED}
    for final in finals:
        for to in IntentState:
            with pytest.raises(IllegalTransitionError):
                replace(BASE, state=final).moved(to, SENT, cause=Cause.USER)


def test_sending_is_entered_only_from_confirmed_so_an_intent_is_sent_once() -> None:
    assert [s for s in IntentState if S.SENDING in TRANSITIONS[s]] == [S.CONFIRMED]
    assert {S.SENDING, S.UNKNOWN, S.AMBIGUOUS} == UNRESOLVED


def test_intent_ids_are_date_prefixed_and_unique() -> None:
    ids = {new_intent_id(SENT) for _ in range(1000)}
    assert len(ids) == 1000
    assert all(i.startswith("20261118-") for i in ids)


def _api(cls: type[KisApiError], code: str) -> KisApiError:
    return cls(tr_id="TTTT1002U", rt_cd="1", msg_cd=code, msg1="x")


@pytest.mark.parametrize(
    ("exc", "state"),
    [
        (KisConnectError("refused"), S.NOT_SENT),
        (_api(KisRateLimitError, "EGW00201"), S.NOT_SENT),
        (_api(KisAuthError, "EGW00123"), S.NOT_SENT),
        (_api(KisTokenThrottledError, "EGW00133"), S.NOT_SENT),
        (IsolationError("mixed"), S.NOT_SENT),
        (_api(KisApiError, "APBK0918"), S.REJECTED),
        (_api(KisUncertainApiError, "EGW00301"), S.UNKNOWN),
        (KisOutcomeUnknownError("timeout"), S.UNKNOWN),
        (KisHttpError(502, "<html>"), S.UNKNOWN),
        (KisHttpError(404, "<html>"), S.UNKNOWN),
        (KisProtocolError("truncated"), S.UNKNOWN),
        (KisError("unexpected"), S.UNKNOWN),
        (RuntimeError("a bug"), S.UNKNOWN),
    ],
)
def test_outcome_of_a_failed_request(exc: BaseException, state: IntentState) -> None:
    assert outcome_of(exc) is state


# --- matching ----------------------------------------------------------------------------------


def _row(cls: type[Any], odno: str, **fields: str) -> Any:
    data = {
        "ord_dt": "20261117",  # New York date of 10:40 KST
        "ord_gno_brno": "01790",
        "odno": odno,
        "pdno": "AAPL",
        "sll_buy_dvsn_cd": "02",
        "ft_ord_qty": "2",
        "ft_ccld_qty": "0",
        "nccs_qty": "2",
        "ft_ord_unpr3": "150.00000000",
        "ovrs_excg_cd": "NASD",
        "ord_tmd": "104001",
    }
    if cls is HistoryRow:
        data |= {"dmst_ord_dt": "20261118", "thco_ord_tmd": "104001"}
    return cls.model_validate(data | fields)


def _orders(
    history: Sequence[HistoryRow], pending: Sequence[PendingRow] = (), known: frozenset[str] = frozenset()
) -> list[str]:
    return [m.order_no for m in order_candidates(BASE, pending, history, known=known, margin=MARGIN)]


def test_a_unique_row_with_the_fingerprint_matches() -> None:
    (match,) = order_candidates(BASE, [], [_row(HistoryRow, "0000000007")], known=set(), margin=MARGIN)
    assert (match.order_no, match.branch_no, match.state) == ("0000000007", "01790", S.ACKED)


def test_rows_of_other_orders_do_not_match() -> None:
    others = [
        _row(HistoryRow, "1", pdno="MSFT"),
        _row(HistoryRow, "2", sll_buy_dvsn_cd="01"),
        _row(HistoryRow, "3", ft_ord_qty="3", nccs_qty="3"),
        _row(HistoryRow, "4", ft_ord_unpr3="150.01000000"),
        _row(HistoryRow, "5", ovrs_excg_cd="SEHK"),
        _row(HistoryRow, "6", thco_ord_tmd="103800"),  # two minutes before the send: outside the skew margin
        _row(HistoryRow, "7", orgn_odno="0000000001", rvse_cncl_dvsn="01"),  # a revise row
    ]
    assert _orders(others) == []


def test_us_rows_carry_their_real_venue_and_still_match_a_nasd_order() -> None:
    assert _orders([_row(HistoryRow, "9", ovrs_excg_cd="NYSE")]) == ["9"]


def test_order_numbers_the_journal_knows_are_excluded_whatever_their_padding() -> None:
    rows = [_row(HistoryRow, "0000000011"), _row(HistoryRow, "0000000012")]
    assert _orders(rows) == ["0000000011", "0000000012"]
    assert _orders(rows, known=frozenset({"11"})) == ["0000000012"]


def test_nccs_rows_count_and_read_ord_tmd_as_kst_on_the_local_date() -> None:
    assert _orders([], [_row(PendingRow, "21")]) == ["21"]
    assert _orders([], [_row(PendingRow, "22", ord_tmd="100000")]) == []


def test_the_row_tells_the_fill_state() -> None:
    filled = _row(HistoryRow, "31", ft_ccld_qty="2", nccs_qty="0", ft_ccld_unpr3="149.9")
    rejected = _row(HistoryRow, "32", rjct_rson="X", nccs_qty="0")
    states = [m.state for m in order_candidates(BASE, [], [filled, rejected], known=set(), margin=MARGIN)]
    assert states == [S.FILLED, S.REJECTED]


def test_market_on_open_orders_match_on_price_zero() -> None:
    moo = replace(BASE, fingerprint=replace(FP, price=Decimal(0), division=OrderDivision.MOO))
    row = _row(HistoryRow, "41", ft_ord_unpr3="0.00000000")
    assert [m.order_no for m in order_candidates(moo, [], [row], known=set(), margin=MARGIN)] == ["41"]


def test_a_cancel_is_found_by_its_row_aimed_at_the_target() -> None:
    cancel = replace(BASE, kind=IntentKind.CANCEL, target_order_no="0000000050")
    rows = [
        _row(HistoryRow, "51", orgn_odno="50", rvse_cncl_dvsn="02"),
        _row(HistoryRow, "52", orgn_odno="0000000050", rvse_cncl_dvsn="01"),  # a revise, not a cancel
        _row(HistoryRow, "53", orgn_odno="0000000049", rvse_cncl_dvsn="02"),
    ]
    (match,) = change_candidates(cancel, rows, known=set(), margin=MARGIN)
    assert (match.order_no, match.state) == ("51", S.ACKED)
    assert change_candidates(cancel, rows, known={"51"}, margin=MARGIN) == []


def test_ticket_of_rebuilds_a_twap_window_order_from_its_journaled_body() -> None:
    original = OverseasTicket(
        Env.REAL, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.TWAP, 4, Decimal("150"),
        AlgoTiming.WINDOW, time(0, 0), time(4, 0),
    )  # fmt: skip
    body = json.dumps(to_order_request(original, AccountNo("50123456")).to_wire())
    fp = replace(FP, quantity=4, division=OrderDivision.TWAP)
    assert ticket_of(replace(BASE, fingerprint=fp, request=body)) == original
    assert ticket_of(replace(BASE, fingerprint=fp)).start_time is None  # no body: the fingerprint only
