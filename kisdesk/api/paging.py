"""Reading paged inquiries ("연속조회") to the end.

A reconciliation that stops early can declare a live order missing (order-safety.md row 14), so
`read_all_pages` always reads to the last page, echoes the continuation keys back unchanged
(README.md § Paging), drops rows that KIS repeats across pages, and raises rather than return a
partial list. `iter_pages` is the same walk handing over each page's rows as it arrives, so that a
caller can turn them into something smaller at once instead of holding every page's rows (10,000
pydantic rows are ~50 MB, P5); its rows are a whole snapshot only if the iteration ends without
raising.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from kisdesk.api.enums import ContinuationFlag
from kisdesk.api.errors import KisPagingError, KisProtocolError
from kisdesk.api.stepwise import Pacer

_log = logging.getLogger("kisdesk.api")
R = TypeVar("R")

FIRST_PAGE: Final = ""  # request tr_cont of the first call
NEXT_PAGE: Final = ContinuationFlag.NEXT.value  # request tr_cont of every follow-up call


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of rows and what is needed to ask for the next."""

    rows: list[R] = field(default_factory=list)
    has_more: bool = False
    ctx_fk: str = ""  # CTX_AREA_FK200 as received (space padding included)
    ctx_nk: str = ""  # CTX_AREA_NK200


def more_pages(tr_cont: str | None, tr_id: str = "") -> bool:
    """Read the response header `tr_cont`: F/M = more, D/E = last page.

    A missing or blank header is read as "last page" (the API does not page); any other value is
    a protocol error rather than a guess.
    """
    value = (tr_cont or "").strip()
    if not value:
        return False
    try:
        return ContinuationFlag(value).has_more
    except ValueError:
        raise KisProtocolError(f"unknown tr_cont {value[:8]!r} in a paged answer", tr_id) from None


async def read_all_pages(
    fetch: Callable[[str, str, str], Awaitable[Page[R]]],
    *,
    key: Callable[[R], Hashable] | None = None,
    max_pages: int = 500,
) -> list[R]:
    """Call `fetch(tr_cont, ctx_fk, ctx_nk)` from the first page to the last and join the rows.

    `key` names a row; later repeats of a name are dropped (inquire-ccnl repeats rows across pages).
    """
    rows: list[R] = []
    async for page_rows in iter_pages(fetch, key=key, max_pages=max_pages):
        rows += page_rows
    return rows


async def iter_pages(
    fetch: Callable[[str, str, str], Awaitable[Page[R]]],
    *,
    key: Callable[[R], Hashable] | None = None,
    max_pages: int = 500,
) -> AsyncGenerator[list[R], None]:
    """`read_all_pages` one page at a time: yields each page's rows not seen on an earlier page.

    Raises (KisPagingError, or whatever `fetch` raises) instead of ending early, so a consumer that
    keeps what it was given must discard it unless the loop ends normally.
    """
    seen: set[Hashable] = set()
    tr_cont, keys = FIRST_PAGE, ("", "")
    for number in range(1, max_pages + 1):
        page = await fetch(tr_cont, *keys)
        rows = page.rows
        if key is not None:
            rows = []
            pacer = Pacer()  # a page of thousands of rows (a simulator setting) must not hold the loop
            for row in page.rows:
                name = key(row)
                if name not in seen:
                    seen.add(name)
                    rows.append(row)
                await pacer.tick()
        has_more, received = page.has_more, (page.ctx_fk, page.ctx_nk)
        del page  # the consumer may drop the rows it is given: the page must not keep them alive
        yield rows
        del rows
        if not has_more:
            return
        if number == max_pages:
            break
        if received == keys:
            # The same keys would fetch the same page again: the server is not advancing.
            raise KisPagingError(f"continuation keys did not advance after page {number}")
        tr_cont, keys = NEXT_PAGE, received
    raise KisPagingError(f"more than {max_pages} pages; refusing to return a partial list")
