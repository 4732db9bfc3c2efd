"""The Telegram budget several bot processes share (storage.budget, bot.ratelimit.SharedLane):
a sliding window per lane, never more than its limit whoever asks, and all of it for a process
that is alone in using it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.processes import shared_budget
from bot.ratelimit import NORMAL, ChatRateLimiter
from storage import budget
from storage.pg import PgDatabase


async def take(db: Any, want: int, now: float, limit: int = 3) -> tuple[int, float]:
    async with db.side_write("budget overall") as conn:
        return await budget.take(conn, "overall", want, limit, 1.0, now)


async def test_a_window_grants_at_most_its_limit_and_says_when_it_has_room(db: Any) -> None:
    assert await take(db, 2, 100.0) == (2, 0.0)
    assert await take(db, 5, 100.25) == (1, 0.75)  # full: the first send leaves at 101.0
    assert await take(db, 1, 100.5) == (0, 0.5)
    granted, wait = await take(db, 4, 101.0)  # the two from 100.0 are gone
    assert granted == 2 and abs(wait - 0.25) < 1e-9  # full again until 100.25's leaves
    assert await take(db, 1, 100.9, limit=5) == (1, 0.0)  # a higher limit (a reply) has room
    assert await take(db, 1, 1000.0) == (1, 0.0)
    assert (await db.fetchone("SELECT count(*) FROM rate_sends"))[0] == 1  # the rest forgotten


class Telegram:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def call(self, chat_id: int) -> bool:
        self.sent.append(chat_id)
        return True


async def test_processes_share_one_window_and_one_alone_has_all_of_it(pg_dsn: str) -> None:
    """Two processes (two databases handles, two limiters) at 10 sends a second for the bot."""
    one, two = await PgDatabase.open(pg_dsn), await PgDatabase.open(pg_dsn)
    grants: list[tuple[float, int]] = []
    refused: list[float] = []

    def limiter(db: PgDatabase) -> ChatRateLimiter:
        async def recorded(lane: str, want: int, limit: int, period: float
                           ) -> tuple[int, float]:
            now = time.time()
            granted, wait = await shared_budget(db, lambda: now)(lane, want, limit, period)
            grants.append((now, granted))
            if granted < want:
                refused.append(now)
            return granted, wait
        made = ChatRateLimiter(overall_per_second=10)
        made.share_through(recorded)
        return made

    first, second = limiter(one), limiter(two)
    telegram = Telegram()

    def burst(limiter: ChatRateLimiter, chats: range) -> list[asyncio.Task[Any]]:
        return [asyncio.create_task(limiter.process_request(
            telegram.call, (chat,), {}, "sendMessage", {"chat_id": chat}, {"priority": NORMAL}))
            for chat in chats]

    try:
        await asyncio.gather(*burst(first, range(1, 10)))
        # alone: the whole window (less the replies' tenth), never told to wait, where a
        # split by two would have stopped it at 5
        assert sum(g for _, g in grants) == 9 and not refused
        grants.clear()
        await asyncio.gather(*burst(first, range(100, 115)), *burst(second, range(200, 215)))
        assert sum(g for _, g in grants) == 30
        for at, _ in grants:  # in any second, at most the bot's 10 (9 for queued ones)
            assert sum(g for t, g in grants if at - 1 < t <= at) <= 9
    finally:
        await one.close()
        await two.close()


async def test_the_shared_budget_keeps_time_on_the_database_server(pg_dsn: str) -> None:
    db = await PgDatabase.open(pg_dsn)
    try:
        take_ = shared_budget(db)  # every machine's sends stamped on one clock: the server's
        granted, wait = await take_("overall", 3, 3, 1.0)
        assert granted == 3 and 0 < wait <= 1.0
        row = await db.fetchone("SELECT max(at), extract(epoch FROM clock_timestamp()) "
                                "FROM rate_sends")
        assert 0 <= row[1] - row[0] < 60
    finally:
        await db.close()
