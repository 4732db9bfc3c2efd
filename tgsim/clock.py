"""Clocks: the simulator reads time only through an object with ``.time()``."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float: ...


class RealClock:
    """Wall-clock time (epoch seconds)."""

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to (for rate limits and timeouts in tests)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += seconds

    def set(self, t: float) -> None:
        self._now = float(t)
