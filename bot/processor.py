"""Update processing: different chats concurrently, each chat's updates strictly in order.

PTB's default processes one update at a time; `concurrent_updates(True)` drops per-chat order.
Here every update first queues on its chat's lock (FIFO, so order is kept), then takes one of
`max_working` slots, so at most that many handlers run at once however many chats are busy.
PTB's own outer semaphore is set much higher: it only bounds updates *waiting* in memory.

A stop gives the updates in hand a grace period to finish. A group's replies may wait a minute
for its lane (20 messages a minute), and PTB's own stop would wait for every one of them,
longer than systemd or docker wait before they kill the process. So after the grace, what is
still waiting (for its chat's turn, or in the rate limiter) is cancelled, and a write it had
begun is rolled back. What is out to Telegram finishes. A handler cancelled while waiting for
its second message may have sent its first: its reply is cut short (as when a process is
killed), never doubled, and what it stored is whole.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Collection
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

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
        self._in_hand: set[asyncio.Task[Any]] = set()
        self._closed = False

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        task = asyncio.current_task()
        if self._closed or task is None:  # past the stop's grace: not started at all
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        self._in_hand.add(task)
        try:
            await self._process(update, coroutine)
        finally:
            self._in_hand.discard(task)
            if asyncio.iscoroutine(coroutine):  # cancelled before its turn: never started
                coroutine.close()

    async def finish(self, grace: float, in_flight: Collection[asyncio.Task[Any]]) -> int:
        """For a stop, once no new updates arrive: wait up to `grace` seconds for the updates in
        hand, then cancel those not out to Telegram (`in_flight`, the rate limiter's) and wait
        for the rest. The number cancelled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._in_hand and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._in_hand), timeout=left)
        self._closed = True
        cut = [task for task in self._in_hand if task not in in_flight]
        for task in cut:
            task.cancel()
        if self._in_hand:
            await asyncio.wait(set(self._in_hand))
        if cut:
            log.warning("stopping: %d updates still waiting for their turn were dropped",
                        len(cut))
        return len(cut)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
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
