from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from kisdesk.api.errors import KisPagingError, KisProtocolError
from kisdesk.api.paging import Page, more_pages, read_all_pages
from tests.api.kis_fakes import FakeKis, envelope

NCCS = "/uapi/overseas-stock/v1/trading/inquire-nccs"


class Pages:
    """A fetch function over a fixed list of pages that records what it was asked."""

    def __init__(self, *pages: Page[int]) -> None:
        self.pages = list(pages)
        self.calls: list[tuple[str, str, str]] = []

    async def __call__(self, tr_cont: str, fk: str, nk: str) -> Page[int]:
        self.calls.append((tr_cont, fk, nk))
        return self.pages[len(self.calls) - 1]


@pytest.mark.parametrize(
    ("flag", "more"), [("F", True), ("M", True), ("D", False), ("E", False), ("", False)]
)
def test_tr_cont_header(flag: str, more: bool) -> None:
    assert more_pages(flag) is more


def test_missing_tr_cont_is_the_last_page() -> None:
    assert more_pages(None) is False


def test_unknown_tr_cont_is_a_protocol_error() -> None:
    with pytest.raises(KisProtocolError):
        more_pages("X")


async def test_reads_to_the_last_page_echoing_the_keys_unchanged() -> None:
    fk1, nk1 = "81055689^01^NYSE^DS^".ljust(200), "A^".ljust(200)
    fetch = Pages(Page([1, 2], True, fk1, nk1), Page([3], True, "fk2", "nk2"), Page([4], False, "", ""))
    assert await read_all_pages(fetch) == [1, 2, 3, 4]
    assert fetch.calls == [("", "", ""), ("N", fk1, nk1), ("N", "fk2", "nk2")]


async def test_repeated_rows_are_dropped_by_key() -> None:
    fetch = Pages(Page([1, 2], True, "a", "b"), Page([2, 3], False))
    assert await read_all_pages(fetch, key=lambda r: r) == [1, 2, 3]


async def test_without_a_key_repeats_are_kept() -> None:
    fetch = Pages(Page([1, 2], True, "a", "b"), Page([2, 3], False))
    assert await read_all_pages(fetch) == [1, 2, 2, 3]


async def test_too_many_pages_raise_instead_of_truncating() -> None:
    fetch = Pages(*(Page([n], True, f"fk{n}", "nk") for n in range(5)))
    with pytest.raises(KisPagingError, match="more than 3 pages"):
        await read_all_pages(fetch, max_pages=3)
    assert len(fetch.calls) == 3


async def test_keys_that_do_not_advance_raise() -> None:
    fetch = Pages(Page([1], True, "same", "same"), Page([2], True, "same", "same"))
    with pytest.raises(KisPagingError, match="did not advance"):
        await read_all_pages(fetch)


async def test_more_without_keys_on_the_first_page_raises() -> None:
    with pytest.raises(KisPagingError):
        await read_all_pages(Pages(Page([1], True, "", "")))


def _nccs_row(odno: str) -> dict[str, str]:
    return {"odno": odno, "pdno": "AAPL", "sll_buy_dvsn_cd": "02", "ord_dt": "20260105", "nccs_qty": "1"}


def _nccs_page(rows: list[str], fk: str, nk: str, flag: str) -> httpx.Response:
    body = envelope([_nccs_row(o) for o in rows], msg_cd="KIOK0510") | {
        "ctx_area_fk200": fk,
        "ctx_area_nk200": nk,
    }
    return httpx.Response(200, json=body, headers={"tr_cont": flag})


async def test_pending_all_walks_pages_over_http(kis: FakeKis, make_client) -> None:
    fk = "12345678^01^NASD^^".ljust(200)
    kis.on(NCCS, _nccs_page(["1", "2"], fk, "X".ljust(200), "M"), _nccs_page(["2", "3"], "", "", "D"))
    rows = await make_client(kis).pending_all("NASD")
    assert [r.order_no for r in rows] == ["1", "2", "3"]
    first, second = kis.business
    assert first.headers["tr_cont"] == ""
    assert second.headers["tr_cont"] == "N"
    query = parse_qs(second.url.query.decode(), keep_blank_values=True)
    assert query["CTX_AREA_FK200"] == [fk]  # padding and all, passed back unchanged
    assert query["CTX_AREA_NK200"] == ["X".ljust(200)]
