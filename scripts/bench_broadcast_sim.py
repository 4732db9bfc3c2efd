"""The simulator side of the broadcast benchmark: faults on the broadcast's own sends, and
counting each recipient's copies as they arrive (see scripts/bench_broadcast.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tgsim import Faults, SimChat, SimMessage, Simulator

TEXT = "Pendaftaran ditutup 30 November. Segera lengkapi pendaftaran Anda."


class BroadcastFaults(Faults):
    """Errors on the broadcast's sends only: one draw per send, `p_5xx` -> 500/502,
    the next `p_429` -> 429. `armed` is set by BenchSimulator.call_api for the call being
    dispatched (dispatch reaches random_error and take_forced_429 without awaiting)."""

    def __init__(self, seed: int, p_5xx: float, p_429: float, retry_after: int) -> None:
        super().__init__(seed)
        self.p_5xx, self.p_429, self.retry_after = p_5xx, p_429, retry_after
        self.on = False
        self.armed = False
        self._next_429 = False
        self.injected_5xx = 0
        self.injected_429 = 0

    def random_error(self) -> tuple[int, str] | None:
        self._next_429 = False
        if not (self.on and self.armed):
            return None
        draw = self._rng.random()
        if draw < self.p_5xx:
            self.injected_5xx += 1
            return (500, "Internal Server Error") if draw < self.p_5xx / 2 else (
                502, "Bad Gateway")
        self._next_429 = draw < self.p_5xx + self.p_429
        return None

    def take_forced_429(self, chat_id: int | None = None) -> int | None:
        forced = super().take_forced_429(chat_id)
        if forced is None and self._next_429:
            self._next_429 = False
            self.injected_429 += 1
            return self.retry_after
        return forced


class BenchSimulator(Simulator):
    """Counts the copies of the broadcast text each recipient receives, as they arrive."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recipients: set[int] = set()
        self.copies: dict[int, list[float]] = {}  # chat -> perf_counter of each copy
        self.delivered_at: list[float] = []  # perf_counter of each first copy
        self.half = asyncio.Event()
        self.done = asyncio.Event()

    def add_message(self, chat: SimChat, from_bot: bool, sender_id: int, **fields: Any
                    ) -> SimMessage:
        msg = super().add_message(chat, from_bot, sender_id, **fields)
        if from_bot and msg.text == TEXT and chat.id in self.recipients:
            now = time.perf_counter()
            copies = self.copies.setdefault(chat.id, [])
            copies.append(now)
            if len(copies) == 1:
                self.delivered_at.append(now)
                count = len(self.delivered_at)
                if count >= len(self.recipients) // 2:
                    self.half.set()
                if count >= len(self.recipients):
                    self.done.set()
        return msg

    async def call_api(self, token: str, method: str, raw: dict[str, Any],
                       files: dict[str, tuple[str, bytes, str]] | None = None
                       ) -> tuple[int, dict[str, Any]]:
        if isinstance(self.faults, BroadcastFaults):
            self.faults.armed = method == "sendMessage" and chat_id(raw) in self.recipients
        return await super().call_api(token, method, raw, files)


def chat_id(raw: dict[str, Any]) -> int | None:
    try:
        return int(raw.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


