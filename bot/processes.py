"""This process among the bot's processes on one database: its name, its heartbeat, and the
Telegram budget they share.

Telegram's limits are the bot's, not a process's: every process takes its sends from one
budget kept in the database (storage.budget, through bot.ratelimit's SharedLane), so one busy
process may use the whole of it while the others are idle. A process that stops beating is
gone after LEASE seconds, and the chats it served return to the others (storage.claims).
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

from bot.ratelimit import Take
from storage import budget, claims

log = logging.getLogger(__name__)

LEASE = 30.0  # seconds a claim lasts unless renewed (a dead process's chats wait this long)


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def shared_budget(db: Any, clock: Callable[[], float] | None = None) -> Take:
    """The bot's Telegram budget, shared through `db` (PostgreSQL) by all its processes, on the
    database server's clock (a test gives its own `clock`)."""
    async def take(lane: str, want: int, limit: int, period: float) -> tuple[int, float]:
        async with db.side_write(f"budget {lane}") as conn:
            now = clock() if clock else await budget.server_now(conn)
            return await budget.take(conn, lane, want, limit, period, now)
    return take


class Membership:
    def __init__(self, db: Any, *, lease: float = LEASE) -> None:
        self._db = db
        self.holder = new_holder()
        self.lease = lease  # seconds (a test shortens it)
        self.alive = 1
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> int:
        # In the write lock, not beside it: its claims' renewal beside a take of the same
        # claims (one row at a time) could deadlock on PostgreSQL.
        async with self._db.write() as conn:
            alive = await claims.heartbeat(conn, self.holder, time.time(), self.lease)
        if alive != self.alive:
            log.info("bot processes alive on this database: %d", alive)
            self.alive = alive
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
