"""The benchmarks' simulator, in a process of its own: `python -m tests.bench._simhost [options]`.

A real-family (DEMO) host on 127.0.0.1 whose wall clock stands still while its monotonic clock is
real: rate limits work in real time, but the book never advances, so no order fills and a request
costs the same with 10 resting orders or 10,000 (the book's matching pass is the simulator's cost,
not the client's). Token issuance is not limited, so every client may take its own token.

`--orders N` seeds N resting US orders through the gateway itself (`Engine.handle`, no HTTP).
`--order-latency` delays answers to order POSTs by 50, 100, 150 or 200 ms (seeded draws).

Protocol: the first stdout line is {"url": ..., "orders": N}; then one JSON command per stdin line,
answered by one JSON line: {"cmd": "stats"}, {"cmd": "set", "settings": {...}}, {"cmd": "quit"}.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.faults import Fault, FaultKind
from kisdesk.simulator.protocol import SimRequest
from kisdesk.simulator.server import SimServer, apply_settings
from kisdesk.simulator.settings import SimSettings
from tests.bench._common import APPKEY, APPSECRET, CANO, ORDER_PATH, PRODUCT, TOKEN_PATH, token_body

KST: Final = ZoneInfo("Asia/Seoul")
FROZEN_NOW: Final = datetime(2026, 11, 18, 23, 45, tzinfo=KST)  # a Wednesday, US regular session
US_SYMBOLS: Final = (
    ("NASD", "AAPL"),
    ("NASD", "MSFT"),
    ("NASD", "NVDA"),
    ("NASD", "TSLA"),
    ("NASD", "AMZN"),
    ("NASD", "GOOGL"),
    ("NASD", "META"),
    ("NYSE", "KO"),
    ("NYSE", "JPM"),
    ("NYSE", "XOM"),
    ("NYSE", "IBM"),
    ("AMEX", "GLD"),
    ("AMEX", "SLV"),
)


class FrozenWallClock:
    """Wall clock fixed at FROZEN_NOW (the book never advances); monotonic clock real (rate limits)."""

    def now(self) -> datetime:
        return FROZEN_NOW

    def monotonic(self) -> float:
        return time.monotonic()


class Counting:
    """Wraps the gateway's rate-limit check: EGW00201 refusals and admissions, as the host saw them."""

    def __init__(self, engine: Engine) -> None:
        self._admit = engine.limiter.admit
        self.refused = 0
        self.admitted: list[float] = []
        engine.limiter.admit = self.admit  # type: ignore[method-assign]

    def admit(self, key: str) -> bool:
        ok = self._admit(key)
        if ok:
            self.admitted.append(time.monotonic())
        else:
            self.refused += 1
        return ok

    def snapshot(self) -> dict[str, Any]:
        times = self.admitted
        return {
            "refused": self.refused,
            "admitted": len(times),
            "first": times[0] if times else None,
            "last": times[-1] if times else None,
        }

    def reset(self) -> None:
        self.refused = 0
        self.admitted = []


def seed_orders(engine: Engine, count: int) -> int:
    """Place `count` resting orders through the gateway checks, without HTTP; returns how many took."""
    if count <= 0:
        return 0
    token_req = SimRequest("POST", TOKEN_PATH, {"content-type": "application/json"}, {}, _json(token_body()))
    token = json.loads(engine.handle(token_req).body)["access_token"]
    headers = {
        "content-type": "application/json; charset=utf-8",
        "authorization": f"Bearer {token}",
        "appkey": APPKEY,
        "appsecret": APPSECRET,
        "custtype": "P",
    }
    placed = 0
    for n in range(count):
        exchange, symbol = US_SYMBOLS[n % len(US_SYMBOLS)]
        sell = n % 3 == 2
        body = {
            "CANO": CANO,
            "ACNT_PRDT_CD": PRODUCT,
            "OVRS_EXCG_CD": exchange,
            "PDNO": symbol,
            "ORD_QTY": str(1 + n % 50),
            # Far from any market price, so nothing would fill even if the book moved.
            "OVRS_ORD_UNPR": f"{(90_000 if sell else 100) + (n * 7) % 5_000 / 100:.2f}",
            "CTAC_TLNO": "",
            "MGCO_APTM_ODNO": "",
            "ORD_SVR_DVSN_CD": "0",
            "ORD_DVSN": "00",
        }
        if sell:
            body["SLL_TYPE"] = "00"
        tr = "TTTT1006U" if sell else "TTTT1002U"
        out = engine.handle(SimRequest("POST", ORDER_PATH, {**headers, "tr_id": tr}, {}, _json(body)))
        placed += json.loads(out.body).get("rt_cd") == "0"
    return placed


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def build_engine(rate: int, page_size: int | None) -> Engine:
    settings = SimSettings()
    settings.update(
        real_rate_per_s=rate,
        token_min_interval_s=0,  # every bench client takes its own token
        check_buying_power=False,  # thousands of resting orders: no cash bookkeeping in the way
        starting_position=10**9,
    )
    if page_size is not None:
        settings.nccs_page_size = page_size
    return Engine(TrFamily.REAL, settings, FrozenWallClock())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench._simhost")
    parser.add_argument("--rate", type=int, default=18, help="real_rate_per_s of the host")
    parser.add_argument("--orders", type=int, default=0, help="resting orders to seed")
    parser.add_argument("--page-size", type=int, default=None, help="rows per inquire-nccs page")
    parser.add_argument("--order-latency", action="store_true", help="50-200 ms before order answers")
    args = parser.parse_args(argv)

    rate = args.rate
    engine = build_engine(max(rate, args.orders + 10), args.page_size)  # seed unthrottled
    seeded = seed_orders(engine, args.orders)
    engine.settings.real_rate_per_s = rate
    engine.limiter.reset()
    if args.order_latency:
        # Latency faults add up: 50 ms always, +50 and +100 ms each with probability 1/2.
        engine.faults.add(Fault(FaultKind.LATENCY, match="orders", seconds=0.05))
        engine.faults.add(Fault(FaultKind.LATENCY, match="orders", seconds=0.05, probability=0.5))
        engine.faults.add(Fault(FaultKind.LATENCY, match="orders", seconds=0.10, probability=0.5))
    counting = Counting(engine)
    lock = threading.Lock()

    with SimServer(engine) as server:
        print(json.dumps({"url": server.base_url, "orders": seeded}), flush=True)
        for line in sys.stdin:
            try:
                message = json.loads(line)
                cmd = message.get("cmd")
                if cmd == "quit":
                    break
                with lock, engine.lock:
                    if cmd == "stats":
                        answer: dict[str, Any] = counting.snapshot()
                    elif cmd == "set":
                        apply_settings(engine, message.get("settings", {}))
                        engine.limiter.reset()  # a new rate starts a fresh window
                        counting.reset()
                        answer = {"ok": True}
                    else:
                        answer = {"error": f"unknown command {cmd!r}"}
            except (ValueError, KeyError, TypeError) as exc:
                answer = {"error": str(exc)}
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
