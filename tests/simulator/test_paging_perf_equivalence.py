"""The O(page) paging path answers exactly what filtering and sorting every row answered.

`replies.page_after` walks the book's per-account lists from the cursor instead of filtering and
sorting every order for every page; these tests pin it to the old definition
(`take_page(sorted(filter(...)))`) and check the book keeps the per-account lists in number order.
Functional only: no timings.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from kisdesk.api.enums import ResvOrderDivision, Side, TrFamily
from kisdesk.api.venue_rules import KST
from kisdesk.simulator.book import Book
from kisdesk.simulator.catalog import domestic_or_placeholder
from kisdesk.simulator.protocol import AccountKey, CallContext
from kisdesk.simulator.records import Reservation
from kisdesk.simulator.replies import RejectionError, page_after, take_page
from kisdesk.simulator.settings import SimSettings

T0 = datetime(2026, 11, 24, 0, 30, tzinfo=KST)
A = AccountKey("50123456", "01")
B = AccountKey("50999999", "01")


def _reference(
    rows: list[int], keep: set[int], cursor: str, descending: bool, size: int
) -> tuple[list[int], bool]:
    wanted = sorted((r for r in rows if r in keep), reverse=descending)
    return take_page(wanted, lambda r: r, cursor, descending, size)


@pytest.mark.parametrize("seed", range(12))
def test_page_after_matches_filter_sort_take_page(seed: int) -> None:
    rng = random.Random(seed)
    rows = sorted(rng.sample(range(1, 400), rng.randint(0, 120)))
    keep = {r for r in rows if rng.random() < rng.choice((0.05, 0.5, 1.0))}
    cursors = ["", "0^", "400^", "   ", *(f"{rng.randint(0, 401)}^" for _ in range(6))]
    cursors += [f"{r}^" for r in rng.sample(rows, min(4, len(rows)))]
    cursors += [f"{r}!^" for r in rng.sample(rows, min(2, len(rows)))]  # the reservation NK form
    for cursor in cursors:
        for descending in (False, True):
            for size in (1, 3, 40):
                got = page_after(rows, lambda r: r, cursor, descending, size, keep.__contains__)
                assert got == _reference(rows, keep, cursor, descending, size), (cursor, descending, size)


@pytest.mark.parametrize("descending", [False, True])
def test_walking_every_page_yields_every_kept_row_once_in_order(descending: bool) -> None:
    rows = list(range(1000, 1500))
    keep = {r for r in rows if r % 7 == 0}
    seen: list[int] = []
    cursor, more = "", True
    while more:
        page, more = page_after(rows, lambda r: r, cursor, descending, 4, keep.__contains__)
        seen += page
        cursor = f"{page[-1]}^" if page else ""
    assert seen == sorted(keep, reverse=descending)


def test_page_after_rejects_a_malformed_cursor_like_take_page() -> None:
    with pytest.raises(RejectionError):
        page_after([1, 2, 3], lambda r: r, "abc^", False, 2, lambda r: True)
    with pytest.raises(RejectionError):
        page_after([], lambda r: r, "abc^", True, 2, lambda r: True)


def _reservation(account: AccountKey, qty: int) -> Reservation:
    return Reservation(
        seq="",
        account=account,
        instrument=domestic_or_placeholder("005930"),
        side=Side.BUY,
        division=ResvOrderDivision.LIMIT,
        balance="10",
        qty=qty,
        price=Decimal(70_000),
        order_date=date(2026, 11, 25),
        end_date=None,
        received_at=T0,
        phone="",
        loan_date="",
    )


@pytest.mark.parametrize("keeps_sequence", [True, False])
def test_account_reservations_stay_in_sequence_order_through_revisions(keeps_sequence: bool) -> None:
    settings = SimSettings(resv_revise_keeps_sequence=keeps_sequence)
    book = Book(TrFamily.REAL, settings)
    ctx = CallContext(TrFamily.REAL, "CTSC0008U", "", "appkey", T0, None)
    made = [book.add_reservation(ctx, _reservation(A if i % 3 else B, i + 1), {}) for i in range(9)]
    old = made[4]  # an account-A reservation in the middle
    new = _reservation(A, 99)
    book.replace_reservation(ctx, old, new, {})
    for account in (A, B):
        listed = book.account_reservations(account)
        assert [int(r.seq) for r in listed] == sorted(int(r.seq) for r in listed)
        assert all(r.account == account for r in listed)
        assert book.reservations_for(account) == list(listed)
    a_rows = book.account_reservations(A)
    assert any(r is new for r in a_rows)
    if keeps_sequence:
        assert all(r is not old for r in a_rows)  # the revise took its place, same sequence
        assert len(a_rows) == 6
    else:
        assert any(r is old for r in a_rows)  # kept as a cancelled row; the revise has the newest sequence
        assert a_rows[-1] is new
        assert len(a_rows) == 7
    assert book.account_reservations(AccountKey("00000000", "01")) == ()
