"""Telegram-like flood limits on an injectable clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clock import Clock


@dataclass
class Limits:
    enabled: bool = True
    global_per_sec: float = 30.0
    paid_per_sec: float = 1000.0  # sends with allow_paid_broadcast (paid in Stars)
    private_per_sec: float = 1.0
    private_burst: int = 3
    group_per_min: int = 20
    callback_answer_timeout: float = 15.0


class TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now)."""
        self._refill(now)
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0


class SlidingWindow:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.stamps: list[float] = []

    def wait_time(self, now: float) -> float:
        self.stamps = [s for s in self.stamps if s > now - self.window]
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.window - now

    def take(self, now: float) -> None:
        self.stamps.append(now)


class RateLimiter:
    """Checks (and, when allowed, charges) the global and per-chat buckets."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._global: TokenBucket | None = None
        self._paid: TokenBucket | None = None
        self.paid_messages = 0  # each costs the bot 0.1 Telegram Star
        self._private: dict[int, TokenBucket] = {}
        self._groups: dict[int, SlidingWindow] = {}

    def check(self, chat_id: int, chat_type: str, count_chat: bool = True,
              paid: bool = False) -> int | None:
        """Return None when allowed (and charge), else retry_after in whole seconds (>= 1).
        A paid broadcast message is held to `paid_per_sec` instead of the free global rate."""
        lim = self.limits
        if not lim.enabled:
            self.paid_messages += paid
            return None
        now = self.clock.time()
        if self._global is None:
            self._global = TokenBucket(lim.global_per_sec, max(1.0, lim.global_per_sec), now)
        if self._paid is None:
            self._paid = TokenBucket(lim.paid_per_sec, lim.paid_per_sec, now)
        buckets: list[TokenBucket | SlidingWindow] = [self._paid if paid else self._global]
        if count_chat and chat_type == "private":
            bucket = self._private.get(chat_id)
            if bucket is None:
                bucket = TokenBucket(lim.private_per_sec, float(lim.private_burst), now)
                self._private[chat_id] = bucket
            buckets.append(bucket)
        elif count_chat and chat_type in ("group", "supergroup"):
            window = self._groups.get(chat_id)
            if window is None:
                window = self._groups[chat_id] = SlidingWindow(lim.group_per_min, 60.0)
            buckets.append(window)
        wait = max(b.wait_time(now) for b in buckets)
        if wait > 0:
            return max(1, math.ceil(wait - 1e-9))
        for b in buckets:
            b.take(now)
        self.paid_messages += paid
        return None
