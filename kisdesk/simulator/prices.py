"""Deterministic price paths: one seeded geometric random walk per symbol and KST day.

A day's path starts at that day's previous close (itself a seeded draw around the catalogue's base
price) and takes one step every `tick_seconds` from 00:00 KST. The same seed, symbol and time always
give the same price, whatever order prices are asked in. Steps are generated lazily and cached, so
asking for later times only computes the new steps. Every price is rounded to the venue's tick.
"""

from __future__ import annotations

import hashlib
import math
import random
from array import array
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from kisdesk.api.venue_rules import KST, krx_tick_size, tick_size
from kisdesk.simulator.catalog import Instrument

_DAILY_GAP_SIGMA: Final = 0.015  # spread of a day's previous close around the base price
_STEP_SIGMA_PER_SQRT_S: Final = 0.00012  # ≈ 3.5 % per day of 1-second steps: lively but plausible
_KEEP_DAYS: Final = 3


def stable_seed(*parts: object) -> int:
    """A process-independent seed (Python's hash() is salted per process)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def round_to_tick(instrument: Instrument, price: Decimal) -> Decimal:
    exchange = instrument.exchange
    tick = krx_tick_size(price) if exchange is None else tick_size(exchange, price)
    steps = (price / tick).to_integral_value(ROUND_HALF_EVEN)
    return max(steps, Decimal(1)) * tick


class PricePaths:
    """Price of every instrument at any KST instant, reproducible from `seed`."""

    def __init__(self, seed: int, tick_seconds: float) -> None:
        if tick_seconds <= 0:
            raise ValueError("tick_seconds must be positive")
        self._seed = seed
        self._tick_s = tick_seconds
        self._paths: dict[tuple[str, date], tuple[random.Random, array[float]]] = {}

    @property
    def tick_seconds(self) -> float:
        return self._tick_s

    def step_of(self, at: datetime) -> tuple[date, int]:
        """(KST day, step index within that day) of the step in force at `at`."""
        local = at.astimezone(KST)
        midnight = datetime.combine(local.date(), datetime.min.time(), KST)
        return local.date(), int((local - midnight).total_seconds() // self._tick_s)

    def step_time(self, day: date, index: int) -> datetime:
        return datetime.combine(day, datetime.min.time(), KST) + timedelta(seconds=index * self._tick_s)

    def steps_between(self, after: datetime, upto: datetime) -> Iterator[tuple[date, int]]:
        """(day, index) of every step that starts in (after, upto], crossing midnights."""
        day, index = self.step_of(after)
        last_day, last_index = self.step_of(upto)
        per_day = self.steps_per_day
        index += 1
        while (day, index) <= (last_day, last_index):
            if index >= per_day:
                day, index = day + timedelta(days=1), 0
                continue
            yield day, index
            index += 1

    @property
    def steps_per_day(self) -> int:
        return math.ceil(86_400 / self._tick_s)

    def raw(self, instrument: Instrument, day: date, index: int) -> float:
        """The unrounded price of a step: a cheap pre-check before the exact `price_at_step`."""
        return math.exp(self._path(instrument, day, index)[index])

    def price_at_step(self, instrument: Instrument, day: date, index: int) -> Decimal:
        return self._price_at(instrument, day, index)

    def price(self, instrument: Instrument, at: datetime) -> Decimal:
        day, index = self.step_of(at)
        return self._price_at(instrument, day, index)

    def previous_close(self, instrument: Instrument, at: datetime) -> Decimal:
        """The close before `at`'s KST day: the first point of that day's path."""
        day, _ = self.step_of(at)
        return self._price_at(instrument, day, 0)

    def volume(self, instrument: Instrument, at: datetime) -> int:
        """Shares traded so far today: a deterministic per-symbol rate times elapsed steps."""
        _, index = self.step_of(at)
        rate = 50 + stable_seed(self._seed, instrument.key, "volume") % 450
        return rate * index * instrument.lot

    def _price_at(self, instrument: Instrument, day: date, index: int) -> Decimal:
        path = self._path(instrument, day, index)
        return round_to_tick(instrument, Decimal(repr(math.exp(path[index]))))

    def _path(self, instrument: Instrument, day: date, index: int) -> array[float]:
        key = (instrument.key, day)
        if key not in self._paths:
            self._forget_before(day - timedelta(days=_KEEP_DAYS))
            rng = random.Random(stable_seed(self._seed, instrument.key, day.isoformat()))
            start = math.log(float(instrument.base_price)) + rng.gauss(0.0, _DAILY_GAP_SIGMA)
            self._paths[key] = (rng, array("d", [start]))
        rng, path = self._paths[key]
        sigma = _STEP_SIGMA_PER_SQRT_S * math.sqrt(self._tick_s)
        while len(path) <= index:
            path.append(path[-1] + rng.gauss(0.0, sigma))
        return path

    def _forget_before(self, day: date) -> None:
        for key in [k for k in self._paths if k[1] < day]:
            del self._paths[key]
