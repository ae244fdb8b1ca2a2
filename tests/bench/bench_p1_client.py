"""P1 client overhead: one overseas order round trip through KisClient, raw httpx and requests.

    python tests/bench/bench_p1_client.py [--calls 1000] [--round 20] [--warmup 50]

The same order (buy 1 AAPL at 1.00, NASD) goes to the simulator on 127.0.0.1 three ways:
* `KisClient.place_order` (isolation check, token, rate-limit slot, deadline, unwrap, pydantic model);
* `httpx.AsyncClient.post` with hand-built headers and `response.json()`, on the same asyncio loop;
* `requests.Session.post` built the way the official KIS samples do it, synchronously;
* httpx's transport alone (`AsyncHTTPTransport.handle_async_request`), the floor under any httpx
  client. KisClient drives httpx at this level (`transport.Link`), which is why it can beat the raw
  AsyncClient: "KisClient − transport floor" is the cost of everything kisdesk adds.
Calls are sequential and interleaved in rounds (the order of the three rotates each round), after a
warm-up, so drift of the machine or of the host hits all three alike. The host's rate limit is
raised so no pacing is measured, and its book never advances, so the per-request cost on the host
does not grow with the orders that pile up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx
import requests

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.models import OverseasOrderRequest
from tests.bench._common import (
    ACCOUNT,
    BUY_TR,
    CREDENTIALS,
    ORDER_BODY,
    ORDER_PATH,
    TOKEN_PATH,
    Figure,
    SimHost,
    median,
    percentile,
    print_figures,
    raw_headers,
    save_figures,
    token_body,
)

BENCH = "P1"
UNLIMITED = 1_000_000  # requests per second: pacing is not what P1 measures
GOAL_RATIO = 1.1
TRANSPORT = "httpx transport alone (floor)"


def _order_request() -> OverseasOrderRequest:
    return OverseasOrderRequest(
        account=ACCOUNT.cano,
        product_code=ACCOUNT.product_code,
        exchange=Exchange.NASD,
        symbol="AAPL",
        quantity=1,
        price=Decimal("1.00"),
        division=OrderDivision.LIMIT,
    )


async def _measure(url: str, token: str, calls: int, round_size: int, warmup: int) -> dict[str, list[float]]:
    """Microseconds per call for each client, over loopback HTTP to the simulator.

    The requests client blocks the loop while it runs, which is what a synchronous client does.
    """
    order_url = url + ORDER_PATH
    request = _order_request()
    session = requests.Session()
    floor = httpx.AsyncHTTPTransport()
    floor_url = httpx.URL(order_url)
    async with (
        KisClient(
            Env.DEMO,
            CREDENTIALS,
            ACCOUNT,
            token_store=MemoryTokenStore(),
            base_url=url,
            rate_per_s=UNLIMITED,
        ) as kis,
        httpx.AsyncClient() as raw,
    ):

        async def via_kisclient() -> None:
            await kis.place_order(request, Side.BUY)

        async def via_httpx() -> None:
            headers = raw_headers(token, BUY_TR)
            response = await raw.post(order_url, headers=headers, content=json.dumps(ORDER_BODY).encode())
            if response.json()["rt_cd"] != "0":
                raise RuntimeError(response.text)

        async def via_requests() -> None:
            headers = raw_headers(token, BUY_TR)
            response = session.post(order_url, headers=headers, data=json.dumps(ORDER_BODY), timeout=10)
            if response.json()["rt_cd"] != "0":
                raise RuntimeError(response.text)

        async def via_transport() -> None:
            headers = raw_headers(token, BUY_TR)
            request = httpx.Request(
                "POST", floor_url, headers=headers, content=json.dumps(ORDER_BODY).encode()
            )
            response = await floor.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
            if response.json()["rt_cd"] != "0":
                raise RuntimeError(response.text)

        clients: dict[str, Callable[[], Awaitable[None]]] = {
            "KisClient": via_kisclient,
            "raw httpx.AsyncClient": via_httpx,
            "requests.Session (official-sample style)": via_requests,
            TRANSPORT: via_transport,
        }
        for call in clients.values():
            for _ in range(warmup):
                await call()
        samples: dict[str, list[float]] = {name: [] for name in clients}
        names = list(clients)
        rounds = max(1, -(-calls // round_size))
        for r in range(rounds):
            size = min(round_size, calls - r * round_size)
            for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate who goes first
                call, out = clients[name], samples[name]
                for _ in range(size):
                    started = time.perf_counter_ns()
                    await call()
                    out.append((time.perf_counter_ns() - started) / 1000)
    session.close()
    await floor.aclose()
    return samples


_CANNED_ORDER = json.dumps(
    {
        "rt_cd": "0",
        "msg_cd": "APBK0013",
        "msg1": "주문 전송 완료 되었습니다.",
        "output": {"KRX_FWDG_ORD_ORGNO": "01790", "ODNO": "0030135001", "ORD_TMD": "234500"},
    },
    ensure_ascii=False,
).encode()
_CANNED_TOKEN = json.dumps(
    {
        "access_token": "t" * 300,
        "token_type": "Bearer",
        "expires_in": 86400,
        "access_token_token_expired": "2026-11-19 23:45:00",
    }
).encode()


def _canned(request: httpx.Request) -> httpx.Response:
    body = _CANNED_TOKEN if request.url.path == TOKEN_PATH else _CANNED_ORDER
    return httpx.Response(200, content=body, headers={"content-type": "application/json; charset=utf-8"})


async def _measure_cpu(calls: int, warmup: int) -> tuple[float, float]:
    """Median µs per call of KisClient and raw httpx over an in-memory transport: no socket, no host.

    What is left is each client's own Python work, the figure a noisy shared machine blurs least.
    """
    transport = httpx.MockTransport(_canned)
    base = "http://127.0.0.1:9"
    request = _order_request()
    token = "t" * 300
    async with (
        KisClient(
            Env.DEMO,
            CREDENTIALS,
            ACCOUNT,
            token_store=MemoryTokenStore(),
            base_url=base,
            rate_per_s=UNLIMITED,
            transport=transport,
        ) as kis,
        httpx.AsyncClient(transport=transport) as raw,
    ):

        async def via_kisclient() -> None:
            await kis.place_order(request, Side.BUY)

        async def via_httpx() -> None:
            headers = raw_headers(token, BUY_TR)
            response = await raw.post(
                base + ORDER_PATH, headers=headers, content=json.dumps(ORDER_BODY).encode()
            )
            if response.json()["rt_cd"] != "0":
                raise RuntimeError(response.text)

        samples: tuple[list[float], list[float]] = ([], [])
        for _ in range(warmup):
            await via_kisclient()
            await via_httpx()
        for _ in range(calls):
            for call, out in zip((via_kisclient, via_httpx), samples, strict=True):
                started = time.perf_counter_ns()
                await call()
                out.append((time.perf_counter_ns() - started) / 1000)
    return median(samples[0]), median(samples[1])


def run(calls: int = 1000, round_size: int = 20, warmup: int = 50) -> list[Figure]:
    with SimHost(rate=UNLIMITED) as host:
        token = requests.post(host.url + TOKEN_PATH, json=token_body(), timeout=10).json()["access_token"]
        samples = asyncio.run(_measure(host.url, token, calls, round_size, warmup))
        refused = host.stats()["refused"]
    cpu_kis, cpu_raw = asyncio.run(_measure_cpu(calls, warmup))
    if refused:
        raise RuntimeError(f"the host refused {refused} requests: pacing would be measured")
    kis, raw, sync, bare = samples.values()
    raw_med, raw_p99 = median(raw), percentile(raw, 99)
    figures: list[Figure] = []
    for name, values in samples.items():
        figures.append(Figure(BENCH, f"{name}: median (n={len(values)})", median(values), "µs"))
        figures.append(Figure(BENCH, f"{name}: p99", percentile(values, 99), "µs"))
    ratio = median(kis) / raw_med
    figures += [
        Figure(BENCH, "KisClient / raw httpx, median", ratio, "×", f"≤ {GOAL_RATIO}×", ratio <= GOAL_RATIO),
        Figure(BENCH, "KisClient / raw httpx, p99", percentile(kis, 99) / raw_p99, "×"),
        Figure(BENCH, "requests / raw httpx, median", median(sync) / raw_med, "×"),
        Figure(BENCH, "KisClient − transport floor, median", median(kis) - median(bare), "µs"),
        Figure(BENCH, "no socket (MockTransport): KisClient median", cpu_kis, "µs"),
        Figure(BENCH, "no socket (MockTransport): raw httpx median", cpu_raw, "µs"),
    ]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000, help="measured calls per client (≥ 1000)")
    parser.add_argument("--round", type=int, default=20, help="calls per client per interleaved round")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured calls per client first")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (run_all.py)")
    args = parser.parse_args()
    figures = run(args.calls, args.round, args.warmup)
    print_figures("P1 client overhead", figures)
    save_figures(figures, args.json)


if __name__ == "__main__":
    main()
