"""P4 bulk cancel: 200 resting orders cancelled through `OrderService.cancel_many` at the rate limit.

    python tests/bench/bench_p4_cancel.py [--orders 200] [--rate 18]

The simulator counts every request against its per-second limit as KIS does (sliding window) and
answers EGW00201 above it; it counts those refusals itself, at the gateway, so a refusal the client
quietly retried still shows. The orders are placed and listed quickly (the host's limit raised),
then the host's limit goes down to `--rate` (the KIS real figure, 18/s) and a client at its default
DEMO rate (18/s) cancels them all at once. Achieved rate = cancels / wall time of `cancel_many`.
About 11 s at the full size.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kisdesk.api.auth import MemoryTokenStore
from kisdesk.api.client import DEFAULT_RATES, KisClient
from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.api.models import OrderOutput, OverseasOrderRequest
from kisdesk.app.orders import OrderService
from kisdesk.domain.pending import PendingOrder
from tests.bench._common import ACCOUNT, CREDENTIALS, Figure, SimHost, print_figures, save_figures

BENCH = "P4"
GOAL_FRACTION = 0.95
FAST = 100_000


def _order(n: int) -> OverseasOrderRequest:
    return OverseasOrderRequest(
        account=ACCOUNT.cano,
        product_code=ACCOUNT.product_code,
        exchange=Exchange.NASD,
        symbol="AAPL",
        quantity=1,
        price=Decimal("1.00") + Decimal(n % 100) / 100,
        division=OrderDivision.LIMIT,
    )


async def _place_and_list(url: str, count: int) -> list[PendingOrder]:
    async with KisClient(
        Env.DEMO, CREDENTIALS, ACCOUNT, token_store=MemoryTokenStore(), base_url=url, rate_per_s=FAST
    ) as fast:
        await asyncio.gather(*(fast.place_order(_order(n), Side.BUY) for n in range(count)))
        return await OrderService(fast).pending()


async def _cancel_all(url: str, orders: list[PendingOrder]) -> tuple[int, int, float]:
    """(cancelled, failed, seconds) with a client at its default DEMO rate."""
    async with KisClient(
        Env.DEMO, CREDENTIALS, ACCOUNT, token_store=MemoryTokenStore(), base_url=url
    ) as client:
        await client.issue_token()  # the token endpoint is not rate-counted; taken before the clock starts
        started = time.perf_counter()
        results = await OrderService(client).cancel_many(orders)
        elapsed = time.perf_counter() - started
    ok = sum(isinstance(r, OrderOutput) for _, r in results)
    return ok, len(results) - ok, elapsed


def run(orders: int = 200, rate: int = DEFAULT_RATES[Env.DEMO]) -> list[Figure]:
    with SimHost(rate=FAST) as host:
        pending = asyncio.run(_place_and_list(host.url, orders))  # quickly, at the raised limit
        if len(pending) != orders:
            raise RuntimeError(f"{len(pending)} orders rest at the host, not {orders}")
        host.set(real_rate_per_s=rate)  # the window restarts empty; the counters too
        ok, failed, elapsed = asyncio.run(_cancel_all(host.url, pending))
        stats = host.stats()
    client_rate = DEFAULT_RATES[Env.DEMO]
    achieved = ok / elapsed if elapsed > 0 else 0.0
    fraction = achieved / rate
    refused = int(stats["refused"])
    span = (stats["last"] - stats["first"]) if stats["admitted"] > 1 else 0.0
    steady = (stats["admitted"] - 1) / span if span > 0 else 0.0
    goal = f"≥ {GOAL_FRACTION:.0%}"
    return [
        Figure(
            BENCH,
            f"cancelled ({orders} asked; client {client_rate}/s, host {rate}/s)",
            f"{ok} ok, {failed} failed",
        ),
        Figure(BENCH, "cancel_many wall time", elapsed, "s"),
        Figure(BENCH, "achieved rate / limit", fraction * 100, "%", goal, fraction >= GOAL_FRACTION),
        Figure(BENCH, "  achieved rate (cancels / wall time)", achieved, "/s"),
        Figure(BENCH, "  arrivals at the host, first to last", steady, "/s"),
        Figure(BENCH, "EGW00201 answers counted at the host", refused, "", "0", refused == 0 and failed == 0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument(
        "--rate", type=int, default=DEFAULT_RATES[Env.DEMO], help="the host's limit per second"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (run_all.py)")
    args = parser.parse_args()
    figures = run(args.orders, args.rate)
    print_figures("P4 bulk cancel", figures)
    save_figures(figures, args.json)


if __name__ == "__main__":
    main()
