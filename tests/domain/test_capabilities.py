"""The capability table against hand transcriptions of the spec tables.

SPEC_S3 is overseas-order.md §3 typed cell by cell (✔ / —), not derived from kisdesk code. The test
only decides which column a (env, exchange, side) falls in, exactly as the spec's column headers say.
"""

from __future__ import annotations

import itertools

import pytest

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.registry import allowed_divisions
from kisdesk.domain.capabilities import (
    DISPLAY_ORDER,
    Reason,
    default_division,
    order_type,
    order_types,
    reservation_capability,
    revise_cancel_capability,
)

Y, N = "✔", "—"

# overseas-order.md §3, columns:   US buy  US sell  HK sell  other real (HK buy, JP, SH, SZ, VN)  any paper
SPEC_S3: dict[str, tuple[str, str, str, str, str]] = {
    "00": (Y, Y, Y, Y, Y),  # other real: field "removed", but samples send 00 and it is accepted
    "31": (N, Y, N, N, N),  # MOO, price "0"
    "32": (Y, Y, N, N, N),  # LOO
    "33": (N, Y, N, N, N),  # MOC, price "0"
    "34": (Y, Y, N, N, N),  # LOC
    "35": (Y, Y, N, N, N),  # TWAP
    "36": (Y, Y, N, N, N),  # VWAP
    "50": (N, N, Y, N, N),  # odd-lot limit
}

# Why a type is missing from a real column (kisdesk's reason codes, typed per cell; None = offered).
REAL_REASONS: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    #       US buy           US sell   HK sell          other real
    "00": (None, None, None, None),
    "31": ("US_SELL_ONLY", None, "US_SELL_ONLY", "US_SELL_ONLY"),
    "32": (None, None, "US_ONLY", "US_ONLY"),
    "33": ("US_SELL_ONLY", None, "US_SELL_ONLY", "US_SELL_ONLY"),
    "34": (None, None, "US_ONLY", "US_ONLY"),
    "35": (None, None, "US_ONLY", "US_ONLY"),
    "36": (None, None, "US_ONLY", "US_ONLY"),
    "50": ("HK_SELL_ONLY", "HK_SELL_ONLY", None, "HK_SELL_ONLY"),
}

US = {"NASD", "NYSE", "AMEX"}


def real_column(exchange: Exchange, side: Side) -> int:
    if exchange.value in US:
        return 0 if side is Side.BUY else 1
    if exchange.value == "SEHK" and side is Side.SELL:
        return 2
    return 3


ALL = list(itertools.product(Env, Exchange, Side, OrderDivision))


@pytest.mark.parametrize(("env", "exchange", "side", "division"), ALL)
def test_allowed_matches_spec_table(env, exchange, side, division):
    column = 4 if env is Env.PAPER else real_column(exchange, side)  # DEMO uses the real TRs
    expected = SPEC_S3[division.value][column] == Y
    assert order_type(env, exchange, side, division).allowed is expected


@pytest.mark.parametrize(("env", "exchange", "side", "division"), ALL)
def test_reason_matches_transcription(env, exchange, side, division):
    real_reason = REAL_REASONS[division.value][real_column(exchange, side)]
    expected: str | None
    if env is Env.PAPER and division is not OrderDivision.LIMIT and real_reason is None:
        expected = "PAPER_LIMIT_ONLY"  # offered in real, not on paper (§3 "any paper TR: only 00")
    else:
        expected = real_reason
    choice = order_type(env, exchange, side, division)
    assert (choice.reason.value if choice.reason else None) == expected


@pytest.mark.parametrize(("env", "exchange", "side", "division"), ALL)
def test_every_disallowed_choice_has_a_reason_and_words(env, exchange, side, division):
    choice = order_type(env, exchange, side, division)
    if choice.allowed:
        assert choice.reason is None
        assert choice.explanation == ""
    else:
        assert choice.reason is not None
        assert choice.explanation


@pytest.mark.parametrize(("env", "exchange", "side"), list(itertools.product(Env, Exchange, Side)))
def test_table_agrees_with_wire_registry(env, exchange, side):
    allowed = {c.division for c in order_types(env, exchange, side) if c.allowed}
    assert allowed == set(allowed_divisions(env, exchange, side))


@pytest.mark.parametrize(("env", "exchange", "side"), list(itertools.product(Env, Exchange, Side)))
def test_all_eight_types_in_stable_order(env, exchange, side):
    divisions = [c.division.value for c in order_types(env, exchange, side)]
    assert divisions == ["00", "31", "32", "33", "34", "35", "36", "50"]


@pytest.mark.parametrize(("exchange", "side"), list(itertools.product(Exchange, Side)))
def test_demo_behaves_like_real(exchange, side):
    assert order_types(Env.DEMO, exchange, side) == order_types(Env.REAL, exchange, side)


@pytest.mark.parametrize(
    ("division", "needs_price", "needs_algo_window"),
    [
        ("00", True, False),
        ("31", False, False),
        ("32", True, False),
        ("33", False, False),
        ("34", True, False),
        ("35", True, True),
        ("36", True, True),
        ("50", True, False),
    ],
)
def test_what_each_type_needs(division, needs_price, needs_algo_window):
    choice = order_type(Env.REAL, Exchange.NASD, Side.SELL, OrderDivision(division))
    assert (choice.needs_price, choice.needs_algo_window) == (needs_price, needs_algo_window)


@pytest.mark.parametrize(
    ("exchange", "division", "revisable"),
    [
        (Exchange.NASD, OrderDivision.LIMIT, True),
        (Exchange.NASD, OrderDivision.LOC, True),
        (Exchange.NASD, OrderDivision.TWAP, False),
        (Exchange.NYSE, OrderDivision.VWAP, False),
        (Exchange.SEHK, OrderDivision.ODD_LOT, True),
        (Exchange.TKSE, OrderDivision.LIMIT, True),
        (Exchange.SHAA, OrderDivision.LIMIT, False),
        (Exchange.VNSE, OrderDivision.LIMIT, False),
    ],
)
def test_revisable_flag(exchange, division, revisable):
    assert order_type(Env.REAL, exchange, Side.SELL, division).revisable is revisable


@pytest.mark.parametrize(
    ("env", "exchange", "side", "current", "expected"),
    [
        (Env.REAL, Exchange.NASD, Side.SELL, None, "00"),
        (Env.REAL, Exchange.NASD, Side.SELL, OrderDivision.MOO, "31"),
        (Env.REAL, Exchange.NASD, Side.BUY, OrderDivision.MOO, "00"),  # switching side drops MOO
        (Env.PAPER, Exchange.NASD, Side.BUY, OrderDivision.LOO, "00"),
        (Env.REAL, Exchange.SEHK, Side.SELL, OrderDivision.ODD_LOT, "50"),
        (Env.REAL, Exchange.SEHK, Side.BUY, OrderDivision.ODD_LOT, "00"),
        (Env.DEMO, Exchange.TKSE, Side.BUY, OrderDivision.TWAP, "00"),
    ],
)
def test_default_division(env, exchange, side, current, expected):
    assert default_division(env, exchange, side, current).value == expected


# overseas-revise-cancel.md §1 "Allowed actions", typed per exchange: (revise, cancel).
SPEC_RC: dict[str, tuple[bool, bool]] = {
    "NASD": (True, True),
    "NYSE": (True, True),
    "AMEX": (True, True),
    "SEHK": (True, True),
    "TKSE": (True, True),
    "SHAA": (False, True),
    "SZAA": (False, True),
    "HASE": (False, True),
    "VNSE": (False, True),
}


@pytest.mark.parametrize(("env", "exchange"), list(itertools.product(Env, Exchange)))
def test_revise_cancel_per_market(env, exchange):
    cap = revise_cancel_capability(env, exchange, OrderDivision.LIMIT)
    assert (cap.can_revise, cap.can_cancel) == SPEC_RC[exchange.value]
    if not cap.can_revise:
        assert cap.revise.reason is Reason.CANCEL_ONLY_MARKET
        assert cap.revise.explanation
    assert cap.cancel.reason is None


@pytest.mark.parametrize("env", list(Env))
@pytest.mark.parametrize("division", [OrderDivision.TWAP, OrderDivision.VWAP])
def test_algo_orders_cannot_be_revised_but_cancel_uncertain(env, division):
    cap = revise_cancel_capability(env, Exchange.NASD, division)
    assert not cap.can_revise
    assert cap.revise.reason is Reason.ALGO_NOT_REVISABLE
    assert cap.can_cancel
    assert cap.cancel.uncertain
    assert cap.cancel.reason is Reason.ALGO_CANCEL_UNCERTAIN


@pytest.mark.parametrize(
    ("algo", "can_revise", "uncertain"),
    [(None, True, True), (False, True, False), (True, False, False)],
)
def test_revise_with_unknown_order_type(algo, can_revise, uncertain):
    cap = revise_cancel_capability(Env.REAL, Exchange.NYSE, None, algo=algo)
    assert cap.can_revise is can_revise
    assert cap.revise.uncertain is uncertain


def test_cancel_only_market_beats_algo_reason():
    cap = revise_cancel_capability(Env.REAL, Exchange.SHAA, None, algo=True)
    assert cap.revise.reason is Reason.CANCEL_ONLY_MARKET


@pytest.mark.parametrize(("env", "allowed"), [(Env.REAL, True), (Env.DEMO, True), (Env.PAPER, False)])
def test_reservation_capability(env, allowed):
    cap = reservation_capability(env)
    assert cap.allowed is allowed
    assert (cap.reason is Reason.PAPER_NO_RESERVATION) is (not allowed)


def test_display_order_covers_every_division():
    assert sorted(DISPLAY_ORDER) == sorted(OrderDivision)


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_english_words(reason):
    assert reason.explanation
    assert reason.value == reason.name  # stable codes the UI maps to Korean
