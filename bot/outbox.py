"""The outbox sender: drains queued messages at Telegram's rate, surviving every failure.

- 429 (left after the rate limiter's own retries): that chat's worker waits Telegram's
  `retry_after`, then retries; other chats go on (bot.ratelimit pauses the whole bot when
  Telegram says the bot as a whole is over its limit);
- 5xx / timeouts / network: retry with exponential backoff, up to `max_attempts`;
- 403 (the person blocked the bot): recorded as undeliverable, never retried;
- 400 (a malformed message): recorded as failed, never retried;
- an edit of a message sent earlier (a test screen's final state) that Telegram finds "not
  modified" is delivered already.
A row is marked sent right after Telegram accepts it. The gaps no Bot API client can close (a
crash between Telegram accepting a message and the database recording it; an answer slower
than SEND_READ_TIMEOUT although the message went out) repeat that one message; nothing is
ever lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from datetime import timedelta
from typing import Any

import aiosqlite
from telegram import Bot, InlineKeyboardMarkup, InputFile, InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.processes import Membership
from bot.ratelimit import BULK, NORMAL, NotWanted
from storage import claims
from storage import outbox as store
from storage.db import Database
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)
# How long a new message may take to be confirmed. A send that times out may still have been
# delivered, and the outbox (knowing no better) sends it again: a double. PTB's default (5 s)
# is shorter than Telegram's slow moments; waiting longer makes that rare (only this chat's
# worker waits meanwhile).
SEND_READ_TIMEOUT = 30.0
# Every so often the sender reads all pending rows again, not only the new ones: a chat another
# process served (and left, or died holding) is taken up.
RESCAN_SECONDS = 15.0
ALBUM_TYPES = {"photo": InputMediaPhoto, "document": InputMediaDocument}


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        *,
        rate_per_second: float = 25.0,
        concurrency: int = 16,
        max_attempts: int = 8,
        backoff_seconds: float = 0.5,
        membership: Membership | None = None,
    ) -> None:
        self._db, self._bot, self._clock = db, bot, clock
        self._interval = 1.0 / rate_per_second
        self._membership = membership or Membership(db)  # (alone, if none is given)
        self._slots = asyncio.Semaphore(concurrency)
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._wake = asyncio.Event()
        self._next_slot = 0.0
        self._task: asyncio.Task[None] | None = None
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._queues: dict[int, deque[OutboxRow]] = {}
        self._high_water = 0  # the highest outbox id read
        self._next_rescan = 0.0
        self._held: set[int] = set()  # chats this process serves now (storage.claims)
        self._queued: set[int] = set()  # rows handed to a worker, not done yet
        self._claiming = asyncio.Lock()  # taking chats and letting them go, one at a time
        self._stopping = False
        self._sending: set[asyncio.Task[Any]] = set()  # workers between send and record
        self._recording: set[asyncio.Task[Any]] = set()  # Telegram answered: recording it
        self.idle = asyncio.Event()

    def notify(self) -> None:
        """Something was queued: deliver it now rather than at the next poll."""
        self.idle.clear()
        self._wake.set()

    def start(self) -> None:
        self._high_water = 0  # rows left pending by a stop are picked up again
        self._queues.clear()
        self._held.clear()
        self._queued.clear()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, grace_seconds: float = 30.0) -> None:
        """Stop at once, except for messages being sent right now: those finish and are
        recorded as sent (so they are never repeated). Everything else stays pending."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        workers = list(self._workers.values())
        # Waiting in the rate limiter (a busy group's lane) is not sending: cancel it too.
        limiter = getattr(self._bot, "rate_limiter", None)
        out = getattr(limiter, "in_flight", None)
        sending = [w for w in workers if w in self._sending
                   and (out is None or w in out or w in self._recording)]
        for task in workers:
            if task not in sending:  # waiting for its turn: nothing sent yet
                task.cancel()
        if sending:
            await asyncio.wait(sending, timeout=grace_seconds)
        for task in workers:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._stopping = False

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.drain()
            except Exception:  # the database or a bug: log, wait a little, keep going
                log.exception("outbox sender failed; retrying shortly")
            if not self._workers:
                self.idle.set()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):  # (wait_for could swallow a cancel on 3.11)
                    await self._wake.wait()
            self.idle.clear()

    async def drain(self) -> None:
        """Hand every newly queued row to its chat's worker. Each chat gets one worker that
        sends its messages strictly in order; chats proceed independently, so a slow chat (a
        group at 20 messages a minute, a 429) never holds up anybody else. With several bot
        processes on the database, a chat is served by one of them at a time (its claim)."""
        if time.monotonic() >= self._next_rescan:
            self._high_water, self._next_rescan = 0, time.monotonic() + RESCAN_SECONDS
        while rows := await store.pending(self._db.reader, self._high_water, 500):
            self._high_water = rows[-1].id
            rows = [row for row in rows if row.id not in self._queued]
            async with self._claiming:
                wanted = {row.chat_id for row in rows} - self._held
                if wanted and not self._db.shared:  # SQLite: this process is alone
                    self._held |= wanted
                elif wanted:
                    async with self._db.write() as conn:
                        self._held |= await claims.take(
                            conn, "outbox", wanted, self._membership.holder, time.time(),
                            self._membership.lease)
                for row in rows:
                    if row.chat_id not in self._held:  # another process serves that chat now
                        continue
                    self._queued.add(row.id)
                    self._queues.setdefault(row.chat_id, deque()).append(row)
                    if row.chat_id not in self._workers:
                        self._workers[row.chat_id] = asyncio.create_task(
                            self._work(row.chat_id))

    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopping:
                try:
                    await self._deliver(queue[0])
                except Exception:  # the database: this chat waits a little, then goes on
                    log.exception("outbox: delivery of row %s failed; trying again",
                                  queue[0].id)
                    await asyncio.sleep(min(30.0, self._backoff * 4))
                    continue
                self._queued.discard(queue.popleft().id)
        finally:
            for row in queue:  # left by a stop: read again at the next start
                self._queued.discard(row.id)
            del self._workers[chat_id]
            if not queue:
                del self._queues[chat_id]
                if not self._stopping:  # (a stop frees every claim at once)
                    try:
                        await self._let_go(chat_id)
                    except Exception:  # the claim lapses by itself
                        log.exception("outbox: could not let a chat go")
            self._wake.set()

    async def _let_go(self, chat_id: int) -> None:
        """Nothing left to send to this chat: another process may serve it now."""
        async with self._claiming:
            if chat_id in self._queues:  # new rows came meanwhile: a new worker has them
                return
            self._held.discard(chat_id)
            if self._db.shared:
                async with self._db.write() as conn:
                    await claims.release(conn, "outbox", [chat_id], self._membership.holder)

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next_slot)
        self._next_slot = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)

    async def _deliver(self, queued: OutboxRow) -> None:
        row = await store.still_pending(self._db.reader, queued)
        if row is None:  # emptied or skipped while it waited: nothing to send
            return
        attempts = row.attempts
        async with self._slots:
            while True:
                if not row.payload.get("allow_paid_broadcast"):  # paid: Telegram's 1,000/s
                    await self._pace()
                if self._stopping:  # not sent: it stays pending for the next start
                    return
                # A reminder goes only while its reason holds: judged at every try, after
                # every wait (its turn, a 429, a backoff, and last the rate limiter's own).
                if row.guard and not await store.guard_holds(self._db.reader, row.guard):
                    await self._record(row, "reason gone", "skipped")
                    return
                task = asyncio.current_task()
                assert task is not None
                self._sending.add(task)  # from here to the record, stop() waits for us
                try:
                    sent = await self._send(row)
                    self._recording.add(task)  # sent: a stop waits for the record too
                    async with self._db.write() as conn:
                        fate = await store.mark_sent(conn, row, sent[0] if sent else None,
                                                     self._clock.now())
                        await self._follow_up(conn, row, fate, sent)
                    return
                except RetryAfter as exc:  # only this chat waits
                    wait = exc.retry_after
                    seconds = wait.total_seconds() if isinstance(wait, timedelta) else wait
                    self._sending.discard(task)
                    await asyncio.sleep(float(seconds))
                    continue
                except NotWanted:
                    await self._record(row, "reason gone", "skipped")
                    return
                except Forbidden:
                    await self._record(row, "forbidden", "undeliverable")
                    return
                except BadRequest as exc:
                    log.warning("outbox row %s refused by Telegram: %s", row.id, exc.message)
                    await self._record(row, "bad_request", "failed")
                    return
                except (NetworkError, TelegramError) as exc:  # 5xx, timeouts, connection
                    attempts += 1
                    if attempts >= self._max_attempts:
                        await self._record(row, type(exc).__name__, "failed")
                        return
                    await self._record(row, type(exc).__name__, None)
                    self._sending.discard(task)
                    await asyncio.sleep(min(30.0, self._backoff * 2 ** (attempts - 1)))
                    continue
                finally:
                    self._sending.discard(task)
                    self._recording.discard(task)

    async def _follow_up(self, conn: aiosqlite.Connection, row: OutboxRow, fate: str,
                         sent: list[int]) -> None:
        """The row changed while its message was on the way: put the chat right (queued in
        the same transaction, so a crash cannot lose it)."""
        if fate == store.ERASED and sent:
            await store.enqueue(conn, row.chat_id, {"method": "delete", "message_ids": sent},
                                self._clock.now())
        elif fate == store.REPLACED and sent:
            new = await store.current_payload(conn, row.id)
            if "text" in new:
                edit = {"method": "edit_text", "message_id": sent[0], "text": new["text"]}
                if new.get("reply_markup"):
                    edit["reply_markup"] = new["reply_markup"]
                await store.enqueue(conn, row.chat_id, edit, self._clock.now())

    async def _record(self, row: OutboxRow, error: str, final: str | None) -> None:
        async with self._db.write() as conn:
            await store.mark_attempt(conn, row.id, error, final)

    async def _send(self, row: OutboxRow) -> list[int]:
        """Send one row; the ids of the messages it made (none for an edit or a delete)."""
        payload: dict[str, Any] = dict(row.payload)
        method = payload.pop("method", "message")
        # Queued deliveries go after replies to people (bot.ratelimit), bulk after both.
        priority = BULK if payload.pop("bulk", False) else NORMAL
        if getattr(self._bot, "rate_limiter", None) is not None:
            payload["rate_limit_args"] = {"priority": priority}
            if row.guard:  # judged again once the limiter lets it go, right before sending
                guard = row.guard
                payload["rate_limit_args"]["still_wanted"] = (
                    lambda: store.guard_holds(self._db.reader, guard))
        markup = payload.pop("reply_markup", None)
        if markup is not None:
            payload["reply_markup"] = InlineKeyboardMarkup.de_json(markup, self._bot)
        if method in ("edit_text", "edit_caption"):  # a message sent earlier, in its final state
            await self._edit(row.chat_id, method, payload)
            return []
        if method == "delete":  # messages that must go (an applicant erased their data)
            try:
                await self._bot.delete_messages(row.chat_id, payload["message_ids"],
                                                rate_limit_args=payload.get("rate_limit_args"))
            except BadRequest as exc:  # too old for a bot to delete (48 h): blank them
                log.info("outbox row %s: messages not deleted: %s", row.id, exc.message)
                for message_id in payload["message_ids"] if payload.get("notice") else []:
                    with contextlib.suppress(BadRequest):  # a text becomes the notice; a photo
                        await self._bot.edit_message_text(  # or file cannot, and stays
                            payload["notice"], chat_id=row.chat_id, message_id=message_id)
            return []
        if method == "media_group":
            album = [ALBUM_TYPES[item["type"]](await self._renamed(item["media"],
                                                                    item.get("filename")),
                                               caption=item.get("caption"))
                     for item in payload["media"]]
            messages = await self._bot.send_media_group(
                row.chat_id, album, protect_content=payload.get("protect_content"),
                rate_limit_args=payload.get("rate_limit_args"), read_timeout=SEND_READ_TIMEOUT)
            return [m.message_id for m in messages]
        if method == "document":
            payload["document"] = await self._renamed(payload["document"],
                                                      payload.pop("filename", None))
        send = {
            "message": self._bot.send_message,
            "photo": self._bot.send_photo,
            "document": self._bot.send_document,
        }[method]
        message = await send(row.chat_id, **payload, read_timeout=SEND_READ_TIMEOUT)
        return [message.message_id]

    async def _renamed(self, file_id: str, filename: str | None) -> str | InputFile:
        """A document under `filename` (sent again as a file; Telegram keeps a file's name),
        or as it is."""
        if not filename:
            return file_id
        data = await (await self._bot.get_file(file_id)).download_as_bytearray()
        return InputFile(bytes(data), filename=filename)

    async def _edit(self, chat_id: int, method: str, payload: dict[str, Any]) -> None:
        edit = (self._bot.edit_message_text if method == "edit_text"
                else self._bot.edit_message_caption)
        try:
            await edit(chat_id=chat_id, **payload)
        except BadRequest as exc:
            if "not modified" not in exc.message:  # already in that state: delivered
                raise
