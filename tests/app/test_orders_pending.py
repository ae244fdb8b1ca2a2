"""OrderService.pending over inquire-nccs: every venue, every page, converted page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.credentials import Credentials
from kisdesk.api.enums import Env, Exchange
from kisdesk.api.errors import KisApiError, KisPagingError
from kisdesk.app.orders import CONVERT_CHUNK, PENDING_VENUES, OrderService
from kisdesk.domain.pending import OrderStatus
from tests.api.kis_fakes import ACCOUNT, APPKEY, APPSECRET, FakeClock, FakeKis, envelope, kis_error

NCCS = "/uapi/overseas-stock/v1/trading/inquire-nccs"


def row(
    odno: str, exchange: str = "NASD", *, quantity: int = 5, unfilled: int = 5, filled: int = 0
) -> dict[str, str]:
    return {
        "ord_dt": "20261118",
        "ord_gno_brno": "01790",
        "odno": odno,
        "pdno": "AAPL",
        "prdt_name": "Apple",
        "sll_buy_dvsn_cd": "02",
        "ord_tmd": "234500",
        "ovrs_excg_cd": exchange,
        "tr_crcy_cd": "USD",
        "ft_ord_qty": str(quantity),
        "ft_ccld_qty": str(filled),
        "nccs_qty": str(unfilled),
        "ft_ord_unpr3": "150.00000000",
    }


class NccsHost:
    """inquire-nccs per venue: a list of pages each; page n+1 is asked for with the keys of page n."""

    def __init__(self, pages: dict[str, list[list[dict[str, str]] | httpx.Response]]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, str]] = []  # (venue, NK key sent)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode(), keep_blank_values=True).items()}
        venue, nk = query["OVRS_EXCG_CD"], query["CTX_AREA_NK200"]
        self.asked.append((venue, nk))
        pages = self.pages.get(venue, [[]])
        number = int(nk) if nk else 0
        page = pages[number]
        if isinstance(page, httpx.Response):
            return page
        last = number == len(pages) - 1
        body = envelope(page, msg_cd="KIOK0510") | {
            "ctx_area_fk200": f"{venue}-fk",
            "ctx_area_nk200": "" if last else str(number + 1),
        }
        return httpx.Response(200, json=body, headers={"tr_cont": "D" if last else "M"})


@pytest.fixture
async def service_for() -> AsyncIterator[Any]:
    clients: list[KisClient] = []

    def make(host: NccsHost) -> OrderService:
        kis = FakeKis(FakeClock()).on(NCCS, host)
        client = KisClient(
            Env.REAL,
            Credentials(APPKEY, APPSECRET),
            ACCOUNT,
            token_store=MemoryTokenStore(),
            clock=FakeClock(),
            transport=httpx.MockTransport(kis),
        )
        clients.append(client)
        return OrderService(client)

    yield make
    for client in clients:
        await client.aclose()


async def test_every_page_of_every_venue_becomes_open_orders(service_for: Any) -> None:
    host = NccsHost(
        {
            "NASD": [
                [row("0030000001"), row("0030000002", "NYSE")],
                [
                    row("0030000002", "NYSE"),
                    row("0030000003", unfilled=0, filled=0),
                ],  # a repeat; a closed row
                [row("0030000004", "AMEX", unfilled=2, filled=3)],
            ],
            "TKSE": [[row("0030000005", "TKSE")]],
        }
    )
    orders = await service_for(host).pending()
    assert [(o.order_no, o.exchange, o.status) for o in orders] == [
        ("0030000001", Exchange.NASD, OrderStatus.WORKING),
        ("0030000002", Exchange.NYSE, OrderStatus.WORKING),
        ("0030000004", Exchange.AMEX, OrderStatus.PARTIALLY_FILLED),
        ("0030000005", Exchange.TKSE, OrderStatus.WORKING),
    ]
    assert [venue for venue, _ in host.asked] == [
        "NASD",
        "NASD",
        "NASD",
        *(v.value for v in PENDING_VENUES[1:]),
    ]
    assert [nk for venue, nk in host.asked if venue == "NASD"] == ["", "1", "2"]


async def test_a_page_larger_than_a_conversion_chunk_is_converted_whole(service_for: Any) -> None:
    count = CONVERT_CHUNK * 2 + 7
    host = NccsHost({"NASD": [[row(f"{30_000_000 + n:010d}") for n in range(count)]]})
    orders = await service_for(host).pending()
    assert [o.order_no for o in orders] == [f"{30_000_000 + n:010d}" for n in range(count)]


@pytest.mark.parametrize(
    "bad_page",
    [
        kis_error("EGW00123", "token expired", status=500),
        httpx.Response(  # the keys it was asked with: the next call would read the same page again
            200,
            json=envelope([row("0030000009")]) | {"ctx_area_fk200": "NASD-fk", "ctx_area_nk200": "2"},
            headers={"tr_cont": "M"},
        ),
    ],
)
async def test_a_failed_page_fails_the_whole_read(service_for: Any, bad_page: httpx.Response) -> None:
    # Two good pages are read first: what they held must not come back as if it were everything.
    host = NccsHost({"NASD": [[row("0030000001")], [row("0030000002")], bad_page]})
    with pytest.raises((KisApiError, KisPagingError)):
        await service_for(host).pending()
