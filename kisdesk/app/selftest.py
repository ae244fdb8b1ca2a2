"""`kisdesk --self-test`: one headless round trip through the services the window uses, no Qt.

It opens the DEMO session (embedded simulator on loopback) with `Session.open_demo()`, then, through
`session.orders`: places a limit buy far below the market (so it rests), finds it among the pending
orders, revises its price, cancels the revised order and checks it is gone. It also asks the OS
keychain, through `KeyringStore` as the window would, for an entry that does not exist:

* no keychain at all (keyring's `fail` backend, `NoKeyringError`) or a locked/refusing one is a
  WARNING: DEMO needs no keychain, and the window handles `SecretStoreUnavailableError`;
* any other exception is a FAILURE: the window would meet it as an unexpected error on PAPER/REAL.

The result is one line (`SelfTestReport.line`), for example (wrapped here)::

    kisdesk self-test: OK (order 0000000001 placed, listed, revised -> 0000000002, cancelled;
        keyring: SecretService) in 0.41 s
    kisdesk self-test: FAILED (revise: KisApiError: ...)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, TypeVar

from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
from kisdesk.app.secrets import KeyringStore, SecretStoreUnavailableError
from kisdesk.app.session import Session
from kisdesk.domain.pending import PendingOrder
from kisdesk.domain.ticket import OverseasTicket

EXCHANGE: Final = Exchange.NASD
SYMBOL: Final = "AAPL"
QUANTITY: Final = 1
PROBE_KEY: Final = "selftest:probe"  # read only, never written: reading a missing entry is harmless
KEYRING_TIMEOUT_S: Final = 10.0  # a locked keychain may wait for an unlock prompt nobody answers
STEP_TIMEOUT_S: Final = 15.0

T = TypeVar("T")


class SelfTestError(Exception):
    """One step failed; `step` names it and the message says why."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass(frozen=True, slots=True)
class KeyringReport:
    """What the keychain probe found: the backend's name, and a warning or a failure if any."""

    backend: str
    warning: str = ""
    failure: str = ""

    def describe(self) -> str:
        return f"{self.backend} (WARNING: {self.warning})" if self.warning else self.backend


@dataclass(slots=True)
class SelfTestReport:
    ok: bool
    seconds: float
    summary: str = ""  # what was done, on success
    failure: str = ""  # "<step>: <reason>", on failure
    steps: list[str] = field(default_factory=list)  # the steps that passed, in order

    @property
    def line(self) -> str:
        if self.ok:
            return f"kisdesk self-test: OK ({self.summary}) in {self.seconds:.2f} s"
        return f"kisdesk self-test: FAILED ({self.failure})"

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


SessionOpener = Callable[[], Awaitable[Session]]
KeyringProbe = Callable[[], Awaitable[KeyringReport]]


async def run_self_test(
    open_session: SessionOpener | None = None,
    probe_keyring: KeyringProbe | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> SelfTestReport:
    """Run every step; never raises for a failed step (the report says which one failed)."""
    start = clock()
    report = SelfTestReport(ok=False, seconds=0.0)
    try:
        orders = await _order_round_trip(open_session or Session.open_demo, report.steps)
        keychain = await (probe_keyring or probe_os_keyring)()
        if keychain.failure:
            raise SelfTestError("keyring", keychain.failure)
        report.steps.append("keyring")
        report.ok = True
        report.summary = f"{orders}; keyring: {keychain.describe()}"
    except SelfTestError as exc:
        report.failure = str(exc)
    report.seconds = clock() - start
    return report


async def _order_round_trip(open_session: SessionOpener, done: list[str]) -> str:
    async def step(name: str, work: Awaitable[T]) -> T:
        try:
            result = await asyncio.wait_for(work, STEP_TIMEOUT_S)
        except SelfTestError:
            raise
        except TimeoutError:
            raise SelfTestError(name, f"no answer within {STEP_TIMEOUT_S:.0f} s") from None
        except Exception as exc:
            raise SelfTestError(name, _reason(exc)) from exc
        done.append(name)
        return result

    session = await step("demo", open_session())
    try:
        quote = await step("quote", session.market.quote(EXCHANGE, SYMBOL))
        if quote.last is None or quote.last <= 0:
            raise SelfTestError("quote", f"no last price for {SYMBOL}")
        price = (quote.last / 2).quantize(Decimal("0.01"))  # far below: the order rests, never fills
        ticket = OverseasTicket(Env.DEMO, EXCHANGE, SYMBOL, Side.BUY, OrderDivision.LIMIT, QUANTITY, price)
        placed = await step("place", session.orders.submit(ticket, intent="self-test"))
        order = await step("list", _find_pending(session, placed.order_no))
        revised = await step(
            "revise", session.orders.revise(order, QUANTITY, price - Decimal("0.01"), intent="self-test")
        )
        revised_order = await step("list revised", _find_pending(session, revised.order_no))
        await step("cancel", session.orders.cancel(revised_order, intent="self-test"))
        await step("check cancelled", _assert_gone(session, revised.order_no))
    finally:
        await session.close(force=True)
    return f"order {placed.order_no} placed, listed, revised -> {revised.order_no}, cancelled"


async def _find_pending(session: Session, order_no: str) -> PendingOrder:
    pending = await session.orders.pending()
    for order in pending:
        if order.order_no == order_no:
            return order
    raise SelfTestError("list", f"order {order_no} is not among the {len(pending)} pending order(s)")


async def _assert_gone(session: Session, order_no: str) -> None:
    if any(o.order_no == order_no for o in await session.orders.pending()):
        raise SelfTestError("check cancelled", f"order {order_no} is still pending after the cancel")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- the keychain ----------------------------------------------------------------------------------


def keyring_backend_name() -> str:
    """The name keyring's selected backend goes by: its module's last part (SecretService, fail, ...)."""
    import keyring

    backend = keyring.get_keyring()
    chained = getattr(backend, "backends", None)
    if chained:  # keyring's ChainerBackend: name what it chains
        return "+".join(_module_tail(b) for b in chained)
    return _module_tail(backend)


def _module_tail(obj: object) -> str:
    module = type(obj).__module__
    return module.rsplit(".", 1)[-1] if module.startswith("keyring.") else f"{module}.{type(obj).__name__}"


async def probe_os_keyring(limit_s: float = KEYRING_TIMEOUT_S) -> KeyringReport:
    """Ask the keychain for a missing entry, as the window reads saved logins on PAPER/REAL."""
    try:
        name = keyring_backend_name()
    except Exception as exc:
        return KeyringReport("unknown", failure=f"choosing a backend raised {_reason(exc)}")
    if name == "fail":
        return KeyringReport(name, warning="no OS keychain; PAPER and REAL cannot save keys")
    try:
        await _in_daemon_thread(lambda: KeyringStore().get(PROBE_KEY), limit_s)
    except SecretStoreUnavailableError as exc:  # no keychain, or locked: the window handles this
        return KeyringReport(name, warning=str(exc).split(". ")[0])
    except TimeoutError:
        return KeyringReport(name, warning=f"no answer within {limit_s:.0f} s (locked?)")
    except Exception as exc:
        return KeyringReport(name, failure=f"{name} raised {_reason(exc)}")
    return KeyringReport(name)


async def _in_daemon_thread(work: Callable[[], T], limit_s: float) -> T:
    """Run blocking `work` in a daemon thread: unlike asyncio.to_thread, a thread stuck on a keychain
    prompt can neither delay the loop's shutdown nor keep the process alive."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            outcome: tuple[T | None, BaseException | None] = (work(), None)
        except Exception as exc:
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=target, name="kisdesk-selftest-keyring", daemon=True).start()
    return await asyncio.wait_for(future, limit_s)


def main() -> int:
    """Run the self-test on a fresh asyncio loop, print its one line, return the exit code."""
    report = asyncio.run(run_self_test())
    print(report.line, flush=True)
    return report.exit_code
