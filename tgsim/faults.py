"""Fault injection: latency, random 5xx, forced 429s."""

from __future__ import annotations

import random


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self.latency: float = 0.0
        self.error_rate: float = 0.0
        self._forced_429: list[tuple[int, int | None]] = []  # (retry_after, chat or any)
        self._seed = seed
        self._rng = random.Random(seed)

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        self._seed = value
        self._rng = random.Random(value)

    def force_429(self, n: int = 1, retry_after: int = 1, chat_id: int | None = None) -> None:
        """The next ``n`` message-sending calls (to `chat_id` only, when given) are answered
        with 429."""
        self._forced_429.extend([(max(1, int(retry_after)), chat_id)] * n)

    def take_forced_429(self, chat_id: int | None = None) -> int | None:
        for i, (retry_after, chat) in enumerate(self._forced_429):
            if chat is None or chat == chat_id:
                del self._forced_429[i]
                return retry_after
        return None

    def random_error(self) -> tuple[int, str] | None:
        if self.error_rate <= 0 or self._rng.random() >= self.error_rate:
            return None
        if self._rng.random() < 0.5:
            return 500, "Internal Server Error"
        return 502, "Bad Gateway"

    def reset(self) -> None:
        self.latency = 0.0
        self.error_rate = 0.0
        self._forced_429.clear()
