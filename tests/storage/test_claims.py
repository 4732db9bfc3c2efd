"""Several bot processes on one database: a chat is served by one process at a time until its
lease lapses, heartbeats keep leases and count who is alive, and a periodic job runs once per
period whichever process asks."""

from __future__ import annotations

from storage import claims
from storage.db import Database

A, B = "host:1:aaaaaa", "host:2:bbbbbb"
LEASE = 60.0
GROUP, PERSON = -1001, 700000001


async def take(db: Database, holder: str, chats: list[int], now: float) -> set[int]:
    async with db.write() as conn:
        return await claims.take(conn, "outbox", chats, holder, now, LEASE)


async def test_a_chat_is_served_by_one_process_until_its_lease_lapses(db: Database) -> None:
    assert await take(db, A, [GROUP, PERSON], 0.0) == {GROUP, PERSON}
    assert await take(db, B, [GROUP, PERSON], 10.0) == set()
    assert await take(db, A, [GROUP], 30.0) == {GROUP}  # A's again, renewed to 90
    assert await take(db, B, [GROUP, PERSON], 60.0) == {PERSON}  # A's lease on it lapsed
    assert await take(db, B, [GROUP], 89.0) == set()
    async with db.write() as conn:  # a claim of the other kind is another matter
        assert await claims.take(conn, "inbox", [GROUP], B, 89.0, LEASE) == {GROUP}


async def test_a_released_chat_goes_to_the_next_who_asks(db: Database) -> None:
    assert await take(db, A, [GROUP], 0.0) == {GROUP}
    async with db.write() as conn:
        await claims.release(conn, "outbox", [GROUP], B)  # not B's to release
    assert await take(db, B, [GROUP], 1.0) == set()
    async with db.write() as conn:
        await claims.release(conn, "outbox", [GROUP], A)
    assert await take(db, B, [GROUP], 2.0) == {GROUP}


async def test_heartbeats_keep_leases_and_count_who_is_alive(db: Database) -> None:
    async with db.write() as conn:
        assert await claims.heartbeat(conn, A, 0.0, LEASE) == 1
        assert await claims.heartbeat(conn, B, 0.0, LEASE) == 2
    assert await take(db, A, [GROUP], 0.0) == {GROUP}
    async with db.write() as conn:  # A beats at 50: its lease runs to 110
        assert await claims.heartbeat(conn, A, 50.0, LEASE) == 2
    assert await take(db, B, [GROUP], 100.0) == set()
    async with db.write() as conn:  # B went silent at 0: gone by 100
        assert await claims.heartbeat(conn, A, 100.0, LEASE) == 1
        await claims.leave(conn, A)  # a clean stop frees everything at once
    assert await take(db, B, [GROUP], 101.0) == {GROUP}


async def test_a_periodic_job_runs_once_per_period_whoever_asks(db: Database) -> None:
    async def due(now: float) -> bool:
        async with db.write() as conn:
            return await claims.run_due(conn, "tick", now, 4.0)

    assert await due(0.0)
    assert not await due(1.0)  # another process, a second later
    assert not await due(3.9)
    assert await due(4.0)
    assert [await due(8.0), await due(8.0)] == [True, False]


async def test_a_clock_set_back_does_not_stop_the_periodic_job(db: Database) -> None:
    async with db.write() as conn:
        assert await claims.run_due(conn, "tick", 1000.0, 4.0)
        assert await claims.run_due(conn, "tick", 500.0, 4.0)  # set back 500 s: still runs
        assert not await claims.run_due(conn, "tick", 501.0, 4.0)
