"""This process among the bot's processes on one database: its name, its heartbeat, and its
share of Telegram's rate for the bot as a whole.

Telegram's limits are the bot's, not a process's: with `n` processes alive, each paces itself
to 1/n of them (bot.ratelimit, the outbox). A process that stops beating is gone after LEASE
seconds: the others take back their full share, and the chats it served (storage.claims).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

from storage import claims

log = logging.getLogger(__name__)

LEASE = 30.0  # seconds a claim lasts unless renewed (a dead process's chats wait this long)


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Membership:
    def __init__(self, db: Any, *, lease: float = LEASE,
                 on_count: Callable[[int], None] | None = None) -> None:
        self._db = db
        self.holder = new_holder()
        self.lease = lease  # seconds (a test shortens it)
        self._on_count = on_count
        self.alive = 1
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> int:
        async with self._db.write() as conn:
            alive = await claims.heartbeat(conn, self.holder, time.time(), self.lease)
        if alive != self.alive:
            log.info("bot processes alive on this database: %d", alive)
            self.alive = alive
            if self._on_count is not None:
                self._on_count(alive)
        return alive

    async def start(self) -> None:
        if not getattr(self._db, "shared", False):  # SQLite: one process, restarted
            async with self._db.write() as conn:
                await claims.alone(conn)
        await self.beat()
        self._task = asyncio.create_task(self._run(), name="heartbeat")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)  # a beat missed or two is no harm
            try:
                await self.beat()
            except Exception:  # the database: try again at the next beat
                log.exception("heartbeat failed")

    async def stop(self) -> None:
        """Stop beating and free everything this process held."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        async with self._db.write() as conn:
            await claims.leave(conn, self.holder)
