"""PendingBook.replace_steps: the diff of a snapshot in bounded steps, the book swapped at the end."""

from __future__ import annotations

import pytest

from kisdesk.domain.pending import PendingBook, PendingOrder, finish
from tests.domain.pending_samples import numbered


def book_of(orders: list[PendingOrder]) -> PendingBook:
    book = PendingBook()
    book.replace(orders)
    return book


def test_steps_give_the_same_diff_as_replace_and_swap_the_book_only_at_the_end() -> None:
    before = [numbered(n) for n in range(10)]
    after = [numbered(n, filled=1, remaining=9) if n % 3 == 0 else numbered(n) for n in range(4, 14)]
    book, reference = book_of(before), book_of(before)
    steps = book.replace_steps(after, chunk=3)
    yielded = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            diff = done.value
            break
        yielded += 1
        assert book.orders() == before  # still the old snapshot between steps
    assert yielded >= 6  # 10 orders indexed, then 10 compared, three at a time
    assert diff == reference.replace(after)
    assert [o.order_no[-2:] for o in diff.added] == ["10", "11", "12", "13"]
    assert [o.order_no[-1] for o in diff.changed] == ["6", "9"]
    assert [o.order_no[-1] for o in diff.removed] == ["0", "1", "2", "3"]
    assert book.orders() == after


def test_steps_stopped_early_leave_the_book_as_it_was() -> None:
    book = book_of([numbered(1), numbered(2)])
    steps = book.replace_steps([numbered(n) for n in range(3, 9)], chunk=2)
    next(steps)
    next(steps)
    steps.close()  # e.g. the refresh was cancelled between two steps
    assert [o.order_no[-1] for o in book.orders()] == ["1", "2"]


def test_a_book_replaced_between_steps_is_an_error_not_a_wrong_diff() -> None:
    book = book_of([numbered(1)])
    steps = book.replace_steps([numbered(2), numbered(3)], chunk=1)
    next(steps)
    book.replace([numbered(4)])
    with pytest.raises(RuntimeError, match="replaced while"):
        finish(steps)
    assert [o.order_no[-1] for o in book.orders()] == ["4"]


def test_a_repeated_order_number_keeps_its_last_copy() -> None:
    book = PendingBook()
    diff = finish(book.replace_steps([numbered(1), numbered(2), numbered(1, filled=2, remaining=8)], chunk=1))
    assert [(o.order_no[-1], o.filled) for o in diff.added] == [("1", 2), ("2", 0)]
