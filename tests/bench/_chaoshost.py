"""The chaos pass's hosts, in a process of their own: `python -m tests.bench._chaoshost [options]`.

Owns N simulated KIS hosts (`--workers`, the first `--paper` of them paper-family, the rest real),
each a simulator on the real clock with the default rate budgets (real 18/s, paper 1/s) behind its
own wire-fault proxy, and arms the faults of tests/bench/chaos.py's CATALOGUE on them on command.
Each host issues its client's token when it starts, as if the client had logged in long ago (the
client is told to record the issuance an hour back, see chaos_gui.py), and token issuance is not
limited (as in _simhost.py): an EGW00123 attempt then re-issues at once, as it would hours after
logging in, instead of waiting out KIS's one-per-minute rule on a token a second old.

Keeping simulators and proxies out of the measuring process is the point (tests/bench/chaos_gui.py):
their threads and their asyncio loop never compete for that process's GIL, so its event-loop
figures are the client's, as they would be against a remote KIS host.

Protocol: the first stdout line is {"hosts": [{"worker", "env", "url", "upstream", "token",
"expires_in"}, ...]} (`url` is the proxy, the one to use); then one JSON command per stdin line,
answered by one JSON line:

    {"cmd": "arm", "worker": w, "fault": NAME, "attempt": i}  clear w's faults, arm NAME for the next
                                                               order -> {"options": {...}} (ticket
                                                               changes, e.g. {"quantity": 1000000})
    {"cmd": "clear", "worker": w}                              remove w's faults -> {"ok": true}
    {"cmd": "ledger", "worker": w}                             what w's host saw -> see `_ledger`
    {"cmd": "reset"}                                           fresh hosts (empty books, new ports)
                                                               -> {"hosts": [...]}
    {"cmd": "quit"}                                            stop everything, exit (so does EOF)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

if __package__ in (None, ""):  # run as a script: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kisdesk.api.enums import Env
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.protocol import SimRequest
from kisdesk.simulator.server import SimServer
from kisdesk.simulator.settings import SimSettings
from tests.bench.chaos import CATALOGUE
from tests.safety.fault_proxy import FaultProxy
from tests.safety.harness import CREDS, PAPER_CREDS, Rig, Wiretap, tap

# A phase can outlast the proxy's default two-minute self-stop (15 s deadlines, 10 s grace windows).
PROXY_LIFETIME_S: Final = 3600.0


@dataclass
class Slot:
    """One worker's host. CATALOGUE's arrangers read only `engine` and `proxy` of what they get."""

    worker: int
    env: Env
    engine: Engine
    server: SimServer
    proxy: FaultProxy
    wiretap: Wiretap
    rng: random.Random
    token: dict[str, Any] = field(default_factory=dict)  # access_token, expires_in
    limited: list[int] = field(default_factory=lambda: [0])  # EGW00201 from the host's own limiter

    def describe(self) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "env": self.env.value,
            "url": self.proxy.url,
            "upstream": self.server.base_url,
            "token": self.token["access_token"],
            "expires_in": self.token["expires_in"],
        }


def _settings(seed: int) -> SimSettings:
    settings = SimSettings()  # KIS's budgets: real 18/s, paper 1/s (G6)
    settings.update(seed=seed, token_min_interval_s=0)
    return settings


async def start_slot(worker: int, env: Env, seed: int, generation: int) -> Slot:
    engine = Engine(env.family, _settings(seed * 1000 + worker))  # SystemClock: real time
    wiretap = tap(engine)
    limited = [0]
    admit = engine.limiter.admit

    def counting_admit(key: str) -> bool:
        ok = admit(key)
        if not ok:
            limited[0] += 1
        return ok

    engine.limiter.admit = counting_admit  # type: ignore[method-assign]
    token = issue_token(engine, env)
    server = SimServer(engine)
    server.start()
    proxy = FaultProxy(server.base_url, max_lifetime_s=PROXY_LIFETIME_S)
    try:
        await proxy.start()
    except BaseException:
        server.stop()
        raise
    rng = random.Random(f"{seed}-{worker}-{generation}")
    return Slot(worker, env, engine, server, proxy, wiretap, rng, token, limited)


def issue_token(engine: Engine, env: Env) -> dict[str, Any]:
    """The client's token, through the gateway itself (no HTTP): counted like any issuance."""
    creds = PAPER_CREDS if env is Env.PAPER else CREDS
    body = {"grant_type": "client_credentials", "appkey": creds.appkey, "appsecret": creds.appsecret}
    request = SimRequest(
        "POST", "/oauth2/tokenP", {"content-type": "application/json"}, {}, json.dumps(body).encode()
    )
    answer = engine.handle(request).json()
    if "access_token" not in answer:
        raise RuntimeError(f"the host refused its client's token: {answer}")
    return {"access_token": answer["access_token"], "expires_in": answer["expires_in"]}


async def stop_slot(slot: Slot) -> None:
    await slot.proxy.stop()
    # Stopping joins the handler threads (stalled ones included): off the loop, all hosts at once.
    await asyncio.to_thread(slot.server.stop)


def _arm(slot: Slot, fault: str) -> dict[str, Any]:
    if fault not in CATALOGUE:
        raise KeyError(f"unknown fault {fault!r} (known: {', '.join(CATALOGUE)})")
    slot.engine.faults.clear()
    return CATALOGUE[fault](cast(Rig, slot), slot.rng)


def _ledger(slot: Slot) -> dict[str, Any]:
    """Everything the client side needs to count duplicates and lost orders for this host."""
    entries = [e for e in slot.engine.ledger() if e.kind == "order" and e.intent is not None]
    tap_ = slot.wiretap
    return {
        "orders": [[e.intent, e.order_no] for e in entries],
        "posts": slot.engine.intent_posts(),
        "refused": dict(tap_.gateway_refused),  # POSTs the gateway turned away before processing
        "codes": dict(tap_.codes),
        "token_issues": tap_.token_issues,
        "requests": tap_.requests,
        "mismatches": tap_.mismatches,
        "egw00201_limiter": slot.limited[0],
        "stale_wire_faults": slot.proxy.pending_faults,  # armed but never fired: a harness problem
    }


class Hosts:
    def __init__(self, workers: int, paper: int, seed: int) -> None:
        self.workers = workers
        self.paper = paper
        self.seed = seed
        self.generation = 0
        self.slots: list[Slot] = []

    async def reset(self) -> list[dict[str, Any]]:
        await self.stop()
        self.generation += 1
        envs = [Env.PAPER if w < self.paper else Env.REAL for w in range(self.workers)]
        for w, env in enumerate(envs):  # appended one by one: a failed start still gets stopped
            self.slots.append(await start_slot(w, env, self.seed, self.generation))
        return [s.describe() for s in self.slots]

    async def stop(self) -> None:
        slots, self.slots = self.slots, []
        await asyncio.gather(*(stop_slot(s) for s in slots), return_exceptions=True)

    def slot(self, message: dict[str, Any]) -> Slot:
        worker = message.get("worker")
        if not isinstance(worker, int) or not 0 <= worker < len(self.slots):
            raise ValueError(f"no worker {worker!r}")
        return self.slots[worker]

    async def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        cmd = message.get("cmd")
        if cmd == "arm":
            return {"options": _arm(self.slot(message), str(message.get("fault")))}
        if cmd == "clear":
            self.slot(message).engine.faults.clear()
            return {"ok": True}
        if cmd == "ledger":
            return _ledger(self.slot(message))
        if cmd == "reset":
            return {"hosts": await self.reset()}
        raise ValueError(f"unknown command {cmd!r}")


def _say(value: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


async def serve(workers: int, paper: int, seed: int) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    hosts = Hosts(workers, paper, seed)
    try:
        _say({"hosts": await hosts.reset()})
        while not stop.is_set():
            next_line = asyncio.ensure_future(reader.readline())
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({next_line, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not next_line.done():
                next_line.cancel()
                break
            line = next_line.result()
            if not line:  # EOF: the measuring process is gone, whatever the reason
                break
            try:
                message = json.loads(line)
                if message.get("cmd") == "quit":
                    break
                answer = await hosts.answer(message)
            except (ValueError, KeyError, TypeError, AttributeError, RuntimeError, OSError) as exc:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            _say(answer)
    finally:
        await hosts.stop()
        transport.close()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench._chaoshost")
    parser.add_argument("--workers", type=int, default=8, help="hosts (one per client worker)")
    parser.add_argument("--paper", type=int, default=0, help="how many of them are paper hosts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.workers < 1 or not 0 <= args.paper <= args.workers:
        parser.error("--workers >= 1 and 0 <= --paper <= --workers")
    return asyncio.run(serve(args.workers, args.paper, args.seed))


if __name__ == "__main__":
    sys.exit(main())
