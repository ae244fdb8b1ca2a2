from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kisdesk.api.ratelimit import Priority, RateLimiter
from tests.api.kis_fakes import FakeClock, settle

WINDOW = 1.0
MARGIN = 0.03


class Log(list[tuple[str, float]]):
    """Who got a grant, and when."""


def _limiter(rate: int, clock: FakeClock) -> RateLimiter:
    return RateLimiter(rate, WINDOW, MARGIN, clock=clock)


async def _take(
    limiter: RateLimiter, clock: FakeClock, log: list[tuple[str, float]], name: str, prio: Priority
):
    async with limiter.slot(prio):
        log.append((name, clock.monotonic()))


async def test_n_pass_at_once_and_the_next_waits_for_the_window() -> None:
    clock = FakeClock(auto=False)
    limiter, log = _limiter(3, clock), Log()
    tasks = [asyncio.create_task(_take(limiter, clock, log, str(i), Priority.QUERY)) for i in range(4)]
    await settle()
    assert [t for _, t in log] == [0.0, 0.0, 0.0]
    assert limiter.queued() == 1
    await clock.advance(WINDOW)  # the window alone is not enough: the margin counts too
    assert len(log) == 3
    await clock.advance(MARGIN)
    await asyncio.gather(*tasks)
    assert log[-1][1] == pytest.approx(WINDOW + MARGIN)


async def test_a_request_counts_from_when_its_answer_arrived() -> None:
    """The host counts arrival, somewhere before our answer: a slow request holds its place."""
    clock = FakeClock(auto=False)
    limiter, log = _limiter(1, clock), Log()

    async def slow() -> None:
        async with limiter.slot():
            await clock.sleep(0.5)  # the request is on the wire for half a second

    first = asyncio.create_task(slow())
    second = asyncio.create_task(_take(limiter, clock, log, "second", Priority.QUERY))
    await clock.run([first, second])
    ((name, at),) = log
    assert name == "second"
    assert at == pytest.approx(0.5 + WINDOW + MARGIN)


async def test_no_burst_across_a_fixed_window_edge() -> None:
    clock = FakeClock(auto=False)
    limiter = _limiter(2, clock)
    await clock.advance(0.9)
    await limiter.acquire()
    await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    await clock.advance(0.2)  # a fixed 1-s window would have reset at t=1.0
    assert not waiter.done()
    await clock.advance(0.8)
    assert not waiter.done()
    await clock.advance(0.1)
    await asyncio.wait_for(waiter, 1)
    assert limiter.in_use() == 1


async def test_order_waiters_go_before_query_waiters() -> None:
    clock = FakeClock(auto=False)
    limiter, log = _limiter(1, clock), Log()
    await limiter.acquire()
    tasks = [
        asyncio.create_task(_take(limiter, clock, log, name, prio))
        for name, prio in [("q1", Priority.QUERY), ("q2", Priority.QUERY), ("o1", Priority.ORDER)]
    ]
    await settle()
    assert limiter.budget().queued_orders == 1
    await clock.run(tasks)
    assert [name for name, _ in log] == ["o1", "q1", "q2"]


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    clock = FakeClock(auto=False)
    limiter, log = _limiter(1, clock), Log()
    await limiter.acquire()
    doomed = asyncio.create_task(_take(limiter, clock, log, "doomed", Priority.ORDER))
    later = asyncio.create_task(_take(limiter, clock, log, "later", Priority.QUERY))
    await settle()
    doomed.cancel()
    await settle()
    assert limiter.queued() == 1
    await clock.advance(WINDOW + MARGIN)
    await later
    assert log == [("later", WINDOW + MARGIN)]
    assert doomed.cancelled()
    assert limiter.in_use() == 1


async def test_a_grant_cancelled_before_use_is_given_back() -> None:
    clock = FakeClock(auto=False)
    limiter = _limiter(1, clock)
    await limiter.acquire()
    first = asyncio.create_task(limiter.acquire())
    second = asyncio.create_task(limiter.acquire())
    await settle()
    clock.now = WINDOW + MARGIN
    clock.wake_due()
    for _ in range(10):  # run the loop until the dispatcher has granted `first`
        if limiter.queued() < 2:
            break
        await asyncio.sleep(0)
    first.cancel()  # ...but before `first` resumed to use it
    await settle()
    assert first.cancelled()
    assert second.done()  # the returned grant went to the next waiter at once
    assert limiter.in_use() == 1


async def test_budget_figures() -> None:
    clock = FakeClock(auto=False)
    limiter = _limiter(2, clock)
    async with limiter.slot(Priority.ORDER):
        waiter = asyncio.create_task(limiter.acquire(Priority.QUERY))
        await limiter.acquire()
        await settle()
        budget = limiter.budget()
        assert (budget.rate, budget.in_use, budget.queued, budget.in_flight) == (2, 2, 1, 1)
    assert limiter.budget().in_flight == 0
    await clock.advance(WINDOW + MARGIN)
    await waiter
    await clock.advance(WINDOW + MARGIN)
    assert limiter.in_use() == 0


async def test_waiting_does_not_block_the_loop() -> None:
    clock = FakeClock(auto=False)
    limiter = _limiter(1, clock)
    await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    ticks = 0
    for _ in range(10):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 10
    assert not waiter.done()
    waiter.cancel()
    await settle()


@pytest.mark.parametrize(("rate", "window", "margin"), [(0, 1.0, 0.0), (1, 0.0, 0.0), (1, 1.0, -0.1)])
def test_bad_settings_are_refused(rate: int, window: float, margin: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(rate, window, margin)


def _max_in_any_window(grants: list[float], window: float) -> int:
    grants = sorted(grants)
    return max((sum(1 for g in grants if start <= g < start + window) for start in grants), default=0)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.integers(1, 5),
    arrivals=st.lists(
        st.tuples(st.floats(0, 3, allow_nan=False), st.sampled_from(list(Priority)), st.booleans()),
        min_size=1,
        max_size=30,
    ),
)
def test_no_window_ever_holds_more_than_rate_grants(rate: int, arrivals) -> None:
    async def scenario() -> list[float]:
        clock = FakeClock(auto=False)
        limiter, grants = _limiter(rate, clock), list[float]()

        async def client(at: float, prio: Priority, cancel_early: bool) -> None:
            await clock.sleep(at)
            task = asyncio.current_task()
            assert task is not None
            if cancel_early:  # some callers give up while queued
                asyncio.get_running_loop().call_soon(task.cancel)
            try:
                async with limiter.slot(prio):
                    grants.append(clock.monotonic())
            except asyncio.CancelledError:
                pass

        tasks = [asyncio.create_task(client(*a)) for a in arrivals]
        await clock.run(tasks)
        return grants

    grants = asyncio.run(scenario())
    assert _max_in_any_window(grants, WINDOW + MARGIN) <= rate
