"""Update processing: different chats concurrently, each chat's updates strictly in order.

PTB's default processes one update at a time; `concurrent_updates(True)` drops per-chat order.
Here every update first queues on its chat's lock (FIFO, so order is kept), then takes one of
`max_working` slots, so at most that many handlers run at once however many chats are busy.
PTB's own outer semaphore is set much higher: it only bounds updates *waiting* in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_WAITING = 4096


def chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_working: int) -> None:
        super().__init__(max_concurrent_updates=MAX_WAITING)
        self._working = asyncio.Semaphore(max_working)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._working:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiters[key] = self._waiters.get(key, 0) + 1
        try:
            async with lock, self._working:
                await coroutine
        finally:
            self._waiters[key] -= 1
            if self._waiters[key] == 0:
                del self._waiters[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
