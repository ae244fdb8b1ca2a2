"""cancel_each: every order's result reported, one failure never stops the others, and each cancel
starts in a loop pass of its own so a batch of hundreds never holds the window for one long pass."""

from __future__ import annotations

import asyncio

import pytest

from kisdesk.app.orders import cancel_each
from kisdesk.domain.pending import PendingOrder
from tests.domain.pending_samples import numbered

ORDERS = [numbered(n) for n in range(20)]


class PassCounter:
    """Counts event-loop passes: a callback that re-schedules itself runs once per pass."""

    def __init__(self) -> None:
        self.passes = 0
        self._stopped = False
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        if not self._stopped:
            self.passes += 1
            asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._stopped = True


async def test_each_cancel_starts_in_a_loop_pass_of_its_own_and_all_are_reported() -> None:
    counter = PassCounter()
    started_in: list[int] = []
    reported: list[str] = []

    async def cancel(order: PendingOrder) -> str:
        started_in.append(counter.passes)
        await asyncio.sleep(0)
        if order.order_no.endswith("5"):
            raise RuntimeError("refused")
        return order.order_no

    results = await cancel_each(ORDERS, cancel, lambda order, _result: reported.append(order.order_no))
    counter.stop()
    assert len(set(started_in)) == len(ORDERS)  # never two first steps in the same pass
    assert [o.order_no for o, _ in results] == [o.order_no for o in ORDERS]
    failed = [o.order_no for o, r in results if isinstance(r, RuntimeError)]
    assert failed == ["0030135005", "0030135015"]
    assert sorted(reported) == sorted(o.order_no for o in ORDERS)


async def test_cancelling_the_batch_cancels_every_started_cancel() -> None:
    gate = asyncio.Event()
    cancelled: list[str] = []

    async def cancel(order: PendingOrder) -> str:
        try:
            await gate.wait()
        except asyncio.CancelledError:
            cancelled.append(order.order_no)
            raise
        return order.order_no

    batch = asyncio.ensure_future(cancel_each(ORDERS[:5], cancel))
    for _ in range(3):  # part of the batch has started
        await asyncio.sleep(0)
    batch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await batch
    assert cancelled  # the started ones were told
    assert len(cancelled) <= 5
