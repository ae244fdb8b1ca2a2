"""Shared pieces of the benchmark scripts: figures and the table, percentiles, the simulator host
process, the bench account and the hand-built KIS order request.

Benchmarks are scripts that print figures; nothing here asserts on a timing. Each bench module has
`run(**sizes) -> list[Figure]` (the smoke test calls it with tiny sizes) and a `main()` for the
command line. The simulator runs in its own process (`_simhost.py`) so its Python work never holds
this process's GIL: the figures are the client's, as they would be against the real KIS host.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env, Exchange, Side
from kisdesk.api.models import OrderOutput
from kisdesk.app.orders import CancelResult, ProgressCallback
from kisdesk.domain.pending import KST, OrderStatus, PendingOrder
from kisdesk.domain.rules import Problem

ROOT: Final = Path(__file__).resolve().parents[2]

# The bench account. The simulator accepts any well-formed key; none of these is a secret.
APPKEY: Final = "PSbench" + "0" * 29  # 36 characters
APPSECRET: Final = "bench-secret-" + "0" * 167  # 180 characters
CANO: Final = "50777777"
PRODUCT: Final = "01"
CREDENTIALS: Final = Credentials(APPKEY, APPSECRET)
ACCOUNT: Final = Account(CANO, PRODUCT)

ORDER_PATH: Final = "/uapi/overseas-stock/v1/trading/order"
TOKEN_PATH: Final = "/oauth2/tokenP"
BUY_TR: Final = "TTTT1002U"  # real-family US buy: the DEMO simulator imitates the real host
# Far below the market: the order rests instead of filling (the bench host's book never moves anyway).
ORDER_BODY: Final[dict[str, str]] = {
    "CANO": CANO,
    "ACNT_PRDT_CD": PRODUCT,
    "OVRS_EXCG_CD": "NASD",
    "PDNO": "AAPL",
    "ORD_QTY": "1",
    "OVRS_ORD_UNPR": "1.00",
    "CTAC_TLNO": "",
    "MGCO_APTM_ODNO": "",
    "ORD_SVR_DVSN_CD": "0",
    "ORD_DVSN": "00",
}


def raw_headers(token: str, tr_id: str) -> dict[str, str]:
    """The headers the official samples send (tests/simulator/raw_kis_session.py)."""
    return {
        "content-type": "application/json; charset=utf-8",
        "authorization": f"Bearer {token}",
        "appkey": APPKEY,
        "appsecret": APPSECRET,
        "tr_id": tr_id,
        "tr_cont": "",
        "custtype": "P",
    }


def token_body() -> dict[str, str]:
    return {"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}


# --- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured value. `goal` is text for the table; `passed` is None when there is no goal."""

    bench: str
    name: str
    value: float | str
    unit: str = ""
    goal: str = ""
    passed: bool | None = None

    def measured(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if isinstance(self.value, int):
            return f"{self.value:,} {self.unit}".strip()
        value = self.value
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
        return f"{text} {self.unit}".strip()

    def verdict(self) -> str:
        return "" if self.passed is None else "pass" if self.passed else "MISS"


def table(figures: Sequence[Figure]) -> str:
    """A Markdown table (it reads as plain text too): bench, figure, goal, measured, pass."""
    rows = [("bench", "figure", "goal", "measured", "pass")]
    rows += [(f.bench, f.name, f.goal, f.measured(), f.verdict()) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    """One line about where the figures come from."""
    cpus = os.cpu_count() or 0
    return f"Python {platform.python_version()}, {platform.system()} {platform.release()}, {cpus} CPUs"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def print_figures(title: str, figures: Iterable[Figure]) -> None:
    print(f"\n{title}\n")
    print(table(list(figures)))


# --- the simulator host process -------------------------------------------------------------------


class SimHost:
    """`_simhost.py` in a child process: a DEMO-style (real-family) simulator on 127.0.0.1.

    Talks over the child's stdin/stdout, one JSON line per command: `stats()` (EGW00201 refusals
    and admissions counted at the gateway), `set(name=value)` (settings; the rate window restarts).
    """

    def __init__(
        self,
        *,
        rate: int = 18,
        orders: int = 0,
        page_size: int | None = None,
        order_latency: bool = False,
    ) -> None:
        args = [sys.executable, "-m", "tests.bench._simhost", "--rate", str(rate), "--orders", str(orders)]
        if page_size is not None:
            args += ["--page-size", str(page_size)]
        if order_latency:
            args.append("--order-latency")
        self._args = args
        self._proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.seeded = 0

    def __enter__(self) -> Self:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self._proc = subprocess.Popen(
            self._args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        hello = self._read()
        self.url, self.seeded = str(hello["url"]), int(hello["orders"])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            self._send({"cmd": "quit"})
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.terminate()  # our own child, by its handle
            proc.wait(timeout=10)
        finally:
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc = None

    def stats(self) -> dict[str, Any]:
        self._send({"cmd": "stats"})
        return self._read()

    def set(self, **settings: Any) -> dict[str, Any]:
        self._send({"cmd": "set", "settings": settings})
        return self._read()

    def _send(self, message: dict[str, Any]) -> None:
        assert self._proc is not None
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()

    def _read(self) -> dict[str, Any]:
        assert self._proc is not None
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the simulator host exited (status {self._proc.poll()})")
        data: dict[str, Any] = json.loads(line)
        if "error" in data:
            raise RuntimeError(f"simulator host: {data['error']}")
        return data


# --- synthetic pending orders (P3, P5) --------------------------------------------------------------


def make_orders(count: int, *, start: int = 30_135_001) -> list[PendingOrder]:
    """`count` open orders spread over venues, sides, prices and times, numbered from `start`."""
    venues = (Exchange.NASD, Exchange.NYSE, Exchange.AMEX, Exchange.SEHK, Exchange.TKSE)
    base_time = datetime(2026, 11, 18, 23, 30, tzinfo=KST)
    orders = []
    for n in range(count):
        qty = 1 + n % 97
        filled = n % 5
        orders.append(
            PendingOrder(
                order_no=f"{start + n:010d}",
                original_order_no="",
                exchange=venues[n % len(venues)],
                symbol=f"SYM{n % 400:03d}",
                name=f"Company {n % 400}",
                side=Side.BUY if n % 3 else Side.SELL,
                quantity=qty + filled,
                filled=filled,
                remaining=qty,
                price=Decimal(f"{10 + (n * 7919) % 100_000 / 100:.2f}"),
                avg_fill_price=Decimal("10.00") if filled else None,
                order_date=base_time.date(),
                order_time=base_time + timedelta(seconds=(n * 37) % 20_000),
                status=OrderStatus.PARTIALLY_FILLED if filled else OrderStatus.WORKING,
                currency="USD",
                algo_window="",
            )
        )
    return orders


class StubOrders:
    """The `PendingOrders` protocol with a fixed list: for timing the grid without any network."""

    def __init__(self, orders: Sequence[PendingOrder] = (), env: Env = Env.DEMO) -> None:
        self.orders = list(orders)
        self._env = env

    @property
    def env(self) -> Env:
        return self._env

    async def pending(self) -> list[PendingOrder]:
        return list(self.orders)

    def revise_problems(self, order: PendingOrder, quantity: int, price: Decimal) -> list[Problem]:
        return []

    async def revise(self, order: PendingOrder, quantity: int, price: Decimal) -> OrderOutput:
        raise NotImplementedError

    async def cancel_many(
        self, orders: Iterable[PendingOrder], on_result: ProgressCallback | None = None
    ) -> list[tuple[PendingOrder, CancelResult]]:
        raise NotImplementedError


def save_figures(figures: Sequence[Figure], path: str | None) -> None:
    """Write the figures as JSON for run_all.py (no-op without a path)."""
    if path:
        Path(path).write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False))


def load_figures(path: Path) -> list[Figure]:
    return [Figure(**item) for item in json.loads(path.read_text())]
