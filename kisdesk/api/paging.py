"""Reading paged inquiries ("연속조회") to the end.

A reconciliation that stops early can declare a live order missing (order-safety.md row 14), so
`read_all_pages` always reads to the last page, echoes the continuation keys back unchanged
(README.md § Paging), drops rows that KIS repeats across pages, and raises rather than return a
partial list.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from kisdesk.api.enums import ContinuationFlag
from kisdesk.api.errors import KisPagingError, KisProtocolError

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
    seen: set[Hashable] = set()
    page = await fetch(FIRST_PAGE, "", "")
    sent = ("", "")
    for number in range(1, max_pages + 1):
        for row in page.rows:
            if key is not None:
                name = key(row)
                if name in seen:
                    continue
                seen.add(name)
            rows.append(row)
        if not page.has_more:
            return rows
        if number == max_pages:
            break
        received = (page.ctx_fk, page.ctx_nk)
        if received == sent:
            # The same keys would fetch the same page again: the server is not advancing.
            raise KisPagingError(f"continuation keys did not advance after page {number}")
        sent = received
        page = await fetch(NEXT_PAGE, page.ctx_fk, page.ctx_nk)
    raise KisPagingError(f"more than {max_pages} pages; refusing to return a partial list")
