"""Telegram's limits, paced so that one busy chat never holds up anybody else.

PTB's AIORateLimiter pauses *every* request when any request gets a 429, so one busy minute
in the staff group froze every applicant, the timed test included. Here:

- with several bot processes on one database, these windows are the bot's, shared by all
  of them through the database (SharedLane), not split between them;
- every request that names a chat counts against the bot's overall rate (30/s), whose waiters
  are served by priority too: when the outbox keeps the bot at its ceiling, a reply to a
  person (and so a tap's answer, which Telegram drops after 15 s) goes first;
- each group has its own lane of 20 messages a minute (edits included), whose waiters are
  served by priority, then in arrival order: replies to people and the edits of their
  buttons first (URGENT, the default), then queued deliveries such as review cards and
  decisions (NORMAL, the outbox), then bulk such as the staff feed (BULK); callers mark
  theirs with `rate_limit_args={"priority": ...}`;
- a queued delivery may carry `still_wanted` (an async check, in `rate_limit_args`): judged
  when the limiter lets it go, right before it is sent; if it no longer holds (a reminder
  whose reason is gone while it waited its turn), NotWanted is raised and nothing is sent;
- a 429 pauses only the chat it concerns, for Telegram's `retry_after`; the whole bot pauses
  only when Telegram says the bot as a whole is over its limit: a 429 for a request that
  names no chat, or 429s for several different chats within a moment;
- a request that got a 429 is retried (in its own lane) up to `max_retries` times, then the
  RetryAfter reaches the caller (the outbox keeps its row and tries again later);
- a reply (URGENT) that Telegram answered with a 5xx, or that was lost to a timeout, is tried
  again after 0.5, 1 and 2 s where sending it twice is harmless: idempotent methods always,
  new messages only when the request certainly did not take effect (bot.retry says which);
  the outbox's deliveries keep their own retries and bookkeeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot import retry

log = logging.getLogger(__name__)

URGENT, NORMAL, BULK = 0, 1, 2
# 429s for this many different chats within WHOLE_BOT_WINDOW seconds: the bot as a whole is
# over its limit (Telegram's answer does not say which limit was hit).
WHOLE_BOT_CHATS, WHOLE_BOT_WINDOW = 3, 1.0


class NotWanted(Exception):
    """A delivery's `still_wanted` check failed once its turn came: not sent."""


def is_group(chat_id: object) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username)."""
    if isinstance(chat_id, int):
        return chat_id < 0
    text = str(chat_id)
    return text.startswith("@") or text.startswith("-")


class Lane:
    """One group's budget: at most `rate` sends in any `period` seconds; waiters are served
    by priority, then first come first served. `now` is injectable for tests."""

    def __init__(self, rate: int, period: float, now: Callable[[], float]) -> None:
        self.rate, self.period, self._now = rate, period, now
        self._sent: deque[float] = deque()  # when the last `rate` sends went out
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, f in self._waiting if not f.done())

    async def acquire(self, priority: int = NORMAL) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        self.pump()
        await future

    def pump(self) -> None:
        """Let through as many waiters as the budget allows now; come back when it refills."""
        now = self._now()
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()
        while self._waiting and len(self._sent) < self.rate:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():  # a cancelled waiter takes no budget
                future.set_result(None)
                self._sent.append(now)
        if self._waiting and self._timer is None:
            delay = max(0.0, self._sent[0] + self.period - now)
            self._timer = asyncio.get_running_loop().call_later(delay, self._refilled)

    def _refilled(self) -> None:
        self._timer = None
        self.pump()

    def idle(self) -> bool:
        return not self._waiting and not self._sent


# Takes up to `want` sends from a lane's budget shared by every process (storage.budget):
# (lane, want, limit, period) -> (granted, seconds until the window has room again).
Take = Callable[[str, int, int, float], Awaitable[tuple[int, float]]]


class SharedLane(Lane):
    """A lane whose window is the bot's across all its processes: sends are taken from the
    budget they share in the database, for the waiters of the best priority first, a fifth
    of the window at most per asking (so the processes take turns). Queued deliveries leave a
    tenth of the window to replies to people, whichever process sends them, so one process's
    announcement cannot crowd out another's replies."""

    RETRY_AFTER_ERROR = 1.0  # seconds, when the database cannot be asked

    def __init__(self, name: str, rate: int, period: float, now: Callable[[], float],
                 take: Take) -> None:
        super().__init__(rate, period, now)
        self._name, self._take = name, take
        self._asking: asyncio.Task[None] | None = None
        self._blocked = URGENT  # the priority the window had no room for

    def pump(self) -> None:
        self._drop_cancelled()
        if self._timer is not None and self._waiting and self._waiting[0][0] < self._blocked:
            self._timer.cancel()  # a reply came while queued ones wait: it may have room
            self._timer = None
        if self._asking is None and self._timer is None and self._waiting:
            self._asking = asyncio.get_running_loop().create_task(
                self._ask(), name=f"budget {self._name}")

    def _drop_cancelled(self) -> None:
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)

    async def _ask(self) -> None:
        try:
            while True:
                self._drop_cancelled()
                if not self._waiting:
                    return
                best = self._waiting[0][0]
                # a fifth of the window at most: the other processes get their turns
                want = min(max(1, self.rate // 5), sum(1 for p, _, f in self._waiting
                                                       if p == best and not f.done()))
                limit = self.rate if best == URGENT else self.rate - max(1, self.rate // 10)
                try:
                    granted, wait = await self._take(self._name, want, limit, self.period)
                except Exception as exc:  # the database: wait a moment, then ask again
                    log.warning("shared rate budget unavailable (%s)", type(exc).__name__)
                    granted, wait = 0, self.RETRY_AFTER_ERROR
                for _ in range(granted):  # to those it was asked for (or better ones)
                    self._drop_cancelled()
                    if self._waiting and self._waiting[0][0] <= best:
                        heapq.heappop(self._waiting)[2].set_result(None)
                if granted < want:
                    self._drop_cancelled()
                    if self._waiting and self._waiting[0][0] < best:
                        continue  # a reply came while asking: its limit may have room
                    self._blocked = best
                    self._timer = asyncio.get_running_loop().call_later(
                        max(wait, 0.01), self._refilled)
                    return
        finally:
            self._asking = None

    def idle(self) -> bool:
        return not self.waiting and self._asking is None


class ChatRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(self, overall_per_second: int = 30, group_per_minute: int = 20,
                 max_retries: int = 3,
                 retry_delays: tuple[float, ...] = retry.RETRY_DELAYS,
                 now: Callable[[], float] | None = None) -> None:  # lanes' clock, for tests
        self._now = now or (lambda: asyncio.get_running_loop().time())
        # The bot's overall budget, a lane of its own (a sliding second, by priority).
        self.overall = Lane(overall_per_second, 1, self._now) if overall_per_second else None
        self._overall_rate = overall_per_second
        self._group_rate = group_per_minute
        self._take: Take | None = None
        self._lanes: dict[object, Lane] = {}
        self._max_retries = max_retries
        self._retry_delays = retry_delays
        self._paused_until: dict[object, float] = {}  # chat -> loop time; None: the whole bot
        self._recent_429: deque[tuple[float, object]] = deque()
        # Tasks whose request is out to Telegram now (past every wait): a stop lets those
        # finish, and may cancel any other (nothing of theirs was sent).
        self.in_flight: set[asyncio.Task[Any]] = set()

    def share_through(self, take: Take) -> None:
        """Several bot processes on one database: every lane's window is the bot's, shared
        through `take` (before the first request)."""
        self._take = take
        if self._overall_rate:
            self.overall = SharedLane("overall", self._overall_rate, 1, self._now, take)
        self._lanes.clear()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def _lane(self, chat_id: object) -> Lane:
        if len(self._lanes) > 512:  # forget groups with nothing in flight
            for key in [k for k, lane in self._lanes.items() if lane.idle()]:
                del self._lanes[key]
        lane = self._lanes.get(chat_id)
        if lane is None:
            lane = (Lane(self._group_rate, 60, self._now) if self._take is None else
                    SharedLane(f"chat:{chat_id}", self._group_rate, 60, self._now, self._take))
            self._lanes[chat_id] = lane
        return lane

    def _pause_end(self, chat_id: object) -> float:
        whole = self._paused_until.get(None, 0.0)
        return max(whole, self._paused_until.get(chat_id, 0.0)) if chat_id is not None else whole

    def paused(self, chat_id: object) -> bool:
        """Whether a request for `chat_id` (None: one that names no chat) would wait now."""
        return self._pause_end(chat_id) > asyncio.get_running_loop().time()

    async def _wait_pauses(self, chat_id: object) -> None:
        loop = asyncio.get_running_loop()
        # A timed wait, not an event: a pause may be extended meanwhile, so look again.
        while self.paused(chat_id):  # noqa: ASYNC110
            await asyncio.sleep(self._pause_end(chat_id) - loop.time())

    def _pause(self, chat_id: object, seconds: float) -> None:
        """A 429: pause that chat; pause the whole bot if the 429 names no chat or several
        chats got one at once."""
        now = asyncio.get_running_loop().time()
        self._recent_429.append((now, chat_id))
        while self._recent_429 and self._recent_429[0][0] < now - WHOLE_BOT_WINDOW:
            self._recent_429.popleft()
        chats = {chat for _, chat in self._recent_429}
        whole_bot = chat_id is None or len(chats) >= WHOLE_BOT_CHATS
        key = None if whole_bot else chat_id
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), now + seconds)
        log.info("429 from Telegram: pausing %s for %.1f s",
                 "the whole bot" if whole_bot else "one chat", seconds)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        priority = int((rate_limit_args or {}).get("priority", URGENT))
        still_wanted = (rate_limit_args or {}).get("still_wanted")
        paid = bool(data.get("allow_paid_broadcast"))
        waits_for_429 = self._max_retries
        # Replies only: the outbox (NORMAL, BULK) counts and schedules its own retries.
        delays = iter(self._retry_delays if priority == URGENT else ())
        ambiguous = False  # an earlier try may have reached Telegram (a timeout)
        while True:
            await self._wait_pauses(chat_id)
            if chat_id is not None and is_group(chat_id) and self._group_rate:
                await self._lane(chat_id).acquire(priority)
            if chat_id is not None and self.overall is not None and not paid:
                await self.overall.acquire(priority)
            if still_wanted is not None and not await still_wanted():
                raise NotWanted
            task = asyncio.current_task()
            if task is not None:
                self.in_flight.add(task)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if waits_for_429 == 0:
                    raise
                waits_for_429 -= 1
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                self._pause(chat_id, seconds + 0.1)
                continue
            except BadRequest as exc:
                if ambiguous and retry.done_already(endpoint, exc):
                    return True  # the try that timed out got through
                raise
            except NetworkError as exc:  # a 5xx, a timeout, no connection
                delay = next(delays, None) if retry.may_retry(endpoint, exc) else None
                if delay is None:
                    raise
                ambiguous = ambiguous or not retry.certainly_not_sent(exc)
                log.info("%s failed (%s): trying again in %.1f s", endpoint,
                         type(exc).__name__, delay)
            finally:
                self.in_flight.discard(task)  # type: ignore[arg-type]
            await asyncio.sleep(delay)
