"""iter_pages: the paged walk handed over a page at a time (read_all_pages is built on it)."""

from __future__ import annotations

import gc
import weakref

import pytest

from kisdesk.api.errors import KisPagingError
from kisdesk.api.paging import Page, iter_pages


class Row:
    """A row that can be watched with a weak reference (pydantic rows cannot)."""

    def __init__(self, name: str) -> None:
        self.name = name


class Pages:
    """A fetch function over pages built on demand, so the test holds no reference to served rows."""

    def __init__(self, *names: list[str], keys: list[tuple[str, str]] | None = None) -> None:
        self.names = names
        self.keys = keys or [(f"fk{n}", f"nk{n}") for n in range(len(names))]
        self.calls: list[tuple[str, str, str]] = []
        self.served: list[list[weakref.ref[Row]]] = []

    async def __call__(self, tr_cont: str, fk: str, nk: str) -> Page[Row]:
        self.calls.append((tr_cont, fk, nk))
        number = len(self.calls) - 1
        rows = [Row(name) for name in self.names[number]]
        self.served.append([weakref.ref(r) for r in rows])
        more = number < len(self.names) - 1
        return Page(rows, more, *self.keys[number])


async def test_yields_each_page_as_it_arrives_without_repeats() -> None:
    pages = Pages(["1", "2"], ["2", "3"], ["4"])
    seen: list[tuple[list[str], int]] = []
    async for rows in iter_pages(pages, key=lambda r: r.name):
        seen.append(([r.name for r in rows], len(pages.calls)))
    # Each page is handed over before the next one is asked for; "2" came again on page 2.
    assert seen == [(["1", "2"], 1), (["3"], 2), (["4"], 3)]
    assert pages.calls == [("", "", ""), ("N", "fk0", "nk0"), ("N", "fk1", "nk1")]


async def test_rows_the_consumer_dropped_are_not_kept_alive() -> None:
    pages = Pages(["1", "2"], ["3"], ["4"])
    async for rows in iter_pages(pages, key=lambda r: r.name):
        names = [r.name for r in rows]
        del rows
        gc.collect()
        if names == ["3"]:
            # While page 2 is being read, nothing holds page 1's rows any more (the point of
            # streaming: 10,000 rows never all alive at once).
            assert [ref() for ref in pages.served[0]] == [None, None]


async def test_a_stalled_walk_raises_after_handing_over_what_it_read() -> None:
    pages = Pages(["1"], ["2"], ["3"], keys=[("a", "b"), ("a", "b"), ("c", "d")])
    got: list[str] = []

    async def read() -> None:
        async for rows in iter_pages(pages):
            got.extend(r.name for r in rows)

    with pytest.raises(KisPagingError, match="did not advance"):
        await read()
    assert got == ["1", "2"]  # so a consumer must drop what it has when the loop raises


async def test_more_pages_than_allowed_raise() -> None:
    pages = Pages(["1"], ["2"], ["3"])

    async def read_all() -> None:
        async for _ in iter_pages(pages, max_pages=2):
            pass

    with pytest.raises(KisPagingError, match="more than 2 pages"):
        await read_all()
    assert len(pages.calls) == 2
