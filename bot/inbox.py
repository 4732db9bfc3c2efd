"""Webhook updates through the database, so that several bot processes behind one URL handle
each chat's updates one at a time and in order, whichever process received them.

A POST is answered once its update is stored (`inbox`, keyed by Telegram's update_id: a
retried or replayed POST is stored, and handled, once; a handled update's row is kept a day,
emptied). Each process then takes chats with stored updates that no other
process serves (a claim, storage.claims) and handles their updates in update_id order, one at a
time per chat; it lets a chat go only when, in the same transaction, none of its updates is
left. An update is marked taken as its handling starts: handled at most once, as with
polling (a process killed in the middle of one loses that update's reply, never a fact it
stored). Updates not yet started, and the chats of a process that stopped or died, are taken
up by the others (or by the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Collection
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.processes import Membership
from bot.processor import chat_key
from storage import claims

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0  # updates stored by another process, for chats nobody serves
KEEP_TAKEN = 86_400.0  # seconds a handled update's id is remembered (Telegram retries sooner)


class Inbox:
    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], db: Any,
                 membership: Membership, max_working: int) -> None:
        self._app, self._db, self._membership = app, db, membership
        self._working = asyncio.Semaphore(max_working)
        self._queues: dict[int, deque[tuple[int, str]]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._claiming = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def receive(self, data: dict[str, Any]) -> None:
        """Store a webhook's update (once, however often Telegram sends it)."""
        update = Update.de_json(data, self._app.bot)
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (update_id) DO NOTHING",
                (update.update_id, chat_key(update) or 0, json.dumps(data), time.time()))
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="inbox")

    async def stop(self, grace_seconds: float = 10.0,
                   in_flight: Collection[asyncio.Task[Any]] = ()) -> None:
        """Take no more updates; give those in hand `grace_seconds`, then cancel what is still
        waiting (its reply held in a busy group's lane), but not a request out to Telegram
        (`in_flight`, the rate limiter's). Updates not started stay stored."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        workers = set(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=grace_seconds)
        for task in workers:
            if task not in in_flight:
                task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        forget_at = 0.0
        while not self._stopping:
            self._wake.clear()
            try:
                if time.time() >= forget_at:  # the handled updates of over a day ago
                    async with self._db.write() as conn:
                        await conn.execute("DELETE FROM inbox WHERE taken < ?",
                                           (time.time() - KEEP_TAKEN,))
                    forget_at = time.time() + 3600
                await self._take()
            except Exception:  # the database: try again shortly
                log.exception("inbox: could not take updates")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_SECONDS):
                    await self._wake.wait()

    async def _take(self) -> None:
        """Take the chats with stored updates that nobody serves, and start their workers."""
        async with self._claiming:
            found = await self._db.fetchall(
                "SELECT DISTINCT chat_id FROM inbox WHERE taken IS NULL ORDER BY chat_id "
                "LIMIT 1000")
            wanted = {int(r[0]) for r in found} - set(self._workers)
            if not wanted:
                return
            async with self._db.write() as conn:
                held = await claims.take(conn, "inbox", wanted, self._membership.holder,
                                         time.time(), self._membership.lease)
            for chat_id in held:
                self._queues[chat_id] = deque()
                self._workers[chat_id] = asyncio.create_task(self._work(chat_id))

    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while not self._stopping:
                if not queue and not await self._more(chat_id, queue):
                    return  # nothing left: the chat was let go
                update_id, payload = queue.popleft()
                async with self._working:  # its turn first: one not started stays stored
                    async with self._db.write() as conn:  # taken as its handling starts
                        cur = await conn.execute(
                            "UPDATE inbox SET taken = ?, payload = '' WHERE update_id = ? "
                            "AND taken IS NULL", (time.time(), update_id))
                    if cur.rowcount != 1:
                        continue
                    update = Update.de_json(json.loads(payload), self._app.bot)
                    try:
                        await self._app.process_update(update)
                    except Exception:  # PTB's error handlers had it; go on with the next
                        log.exception("inbox: update %s failed", update_id)
        finally:
            del self._workers[chat_id], self._queues[chat_id]
            self._wake.set()  # an update may have come for it while it was let go

    async def _more(self, chat_id: int, queue: deque[tuple[int, str]]) -> bool:
        """The chat's next stored updates, in order; if there are none, let the chat go in
        the same transaction (an update stored meanwhile by another process finds it free)."""
        async with self._claiming, self._db.write() as conn:
            async with conn.execute("SELECT update_id, payload FROM inbox WHERE chat_id = ? "
                                    "AND taken IS NULL ORDER BY update_id LIMIT 100",
                                    (chat_id,)) as cur:
                rows = await cur.fetchall()
            if not rows:
                await claims.release(conn, "inbox", [chat_id], self._membership.holder)
                return False
        queue.extend((int(r[0]), str(r[1])) for r in rows)
        return True
