"""The rate limiter: a group's lane serves by priority, and a 429 pauses only what it concerns."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.error import RetryAfter

from bot.ratelimit import BULK, NORMAL, URGENT, ChatRateLimiter, Lane, is_group


async def settle(predicate: Any) -> None:
    """Let the event loop run until `predicate()` holds (no time passes for the lane)."""
    for _ in range(1000):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("never settled")


async def test_a_group_lane_serves_by_priority_then_arrival() -> None:
    now = [0.0]
    lane = Lane(2, 60, lambda: now[0])
    await lane.acquire()
    await lane.acquire()  # the minute's budget is spent
    served: list[str] = []

    async def wait(name: str, priority: int) -> None:
        await lane.acquire(priority)
        served.append(name)

    tasks = [asyncio.create_task(wait(name, priority)) for name, priority in (
        ("queue page 1", BULK), ("card", NORMAL), ("queue page 2", BULK), ("decision", URGENT))]
    await settle(lambda: lane.waiting == 4)
    assert served == []
    now[0] = 60.0
    lane.pump()
    await settle(lambda: len(served) == 2)
    assert served == ["decision", "card"]
    now[0] = 120.0
    lane.pump()
    await asyncio.gather(*tasks)
    assert served == ["decision", "card", "queue page 1", "queue page 2"]


async def test_a_cancelled_waiter_takes_no_budget() -> None:
    now = [0.0]
    lane = Lane(1, 60, lambda: now[0])
    await lane.acquire()
    gone = asyncio.create_task(lane.acquire())
    kept = asyncio.create_task(lane.acquire())
    await settle(lambda: lane.waiting == 2)
    gone.cancel()
    now[0] = 60.0
    lane.pump()
    await kept
    assert lane.waiting == 0


def test_groups_are_told_from_people() -> None:
    assert is_group(-1001234) and is_group("-1001234") and is_group("@kanal")
    assert not is_group(700000001) and not is_group("700000001")


class FakeTelegram:
    """Answers 429 (retry after `seconds`) to the first request for each chat in `busy`."""

    def __init__(self, busy: set[int], seconds: float) -> None:
        self.busy, self.seconds = set(busy), seconds
        self.done: list[int] = []
        self.first_done = asyncio.Event()

    async def call(self, chat_id: int) -> bool:
        if chat_id in self.busy:
            self.busy.discard(chat_id)
            raise RetryAfter(self.seconds)
        self.done.append(chat_id)
        self.first_done.set()
        return True


async def send(limiter: ChatRateLimiter, telegram: FakeTelegram, chat_id: int) -> Any:
    return await limiter.process_request(telegram.call, (chat_id,), {}, "sendMessage",
                                         {"chat_id": chat_id}, None)


async def test_a_429_in_the_staff_group_pauses_only_the_group() -> None:
    limiter = ChatRateLimiter()
    telegram = FakeTelegram({-1001}, seconds=2)
    group = asyncio.create_task(send(limiter, telegram, -1001))
    await settle(lambda: limiter.paused(-1001))
    assert not limiter.paused(700000001) and not limiter.paused(None)
    assert await send(limiter, telegram, 700000001)  # an applicant, not held up
    assert telegram.done == [700000001]
    assert await group  # the group's own retry, after its pause
    assert telegram.done == [700000001, -1001]


async def test_429s_for_several_chats_at_once_pause_the_whole_bot() -> None:
    limiter = ChatRateLimiter()
    telegram = FakeTelegram({1, 2, 3}, seconds=1)
    first = [asyncio.create_task(send(limiter, telegram, chat)) for chat in (1, 2, 3)]
    await settle(lambda: limiter.paused(None))
    assert limiter.paused(4)  # everybody waits: the bot as a whole is over its limit
    await asyncio.gather(*first)
    assert sorted(telegram.done) == [1, 2, 3]
