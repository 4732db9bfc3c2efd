"""The database's write transactions: all or nothing, one at a time, and invisible to readers
until committed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aiosqlite
import pytest

from storage import applicants, registrations
from storage.db import Database
from tests.storage.conftest import RECRUITMENT

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


async def test_a_reader_sees_a_write_only_once_it_is_committed(db: Database) -> None:
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 1, "siti", "id", NOW)
        assert await applicants.get_by_telegram_id(conn, 1) is not None  # the writer sees it
        assert await applicants.get_by_telegram_id(db.reader, 1) is None  # nobody else yet
    assert await applicants.get_by_telegram_id(db.reader, 1) is not None


async def test_a_failing_statement_undoes_the_whole_transaction(db: Database) -> None:
    with pytest.raises(aiosqlite.IntegrityError):
        async with db.write() as conn:
            person = await applicants.upsert_seen(conn, 1, "siti", "id", NOW)
            await registrations.start_application(conn, person.id, RECRUITMENT, NOW)
            await registrations.set_profile_field(conn, person.id, "nik", "123", NOW)  # CHECK
    assert await db.fetchall("SELECT * FROM applicants") == []
    assert await db.fetchall("SELECT * FROM applications") == []
    async with db.write() as conn:  # and the connection is not left inside a transaction
        await applicants.upsert_seen(conn, 2, None, "en", NOW)
    assert await applicants.get_by_telegram_id(db.reader, 2) is not None


async def test_a_write_cancelled_midway_leaves_nothing(db: Database) -> None:
    inside = asyncio.Event()

    async def interrupted() -> None:
        async with db.write() as conn:
            await applicants.upsert_seen(conn, 1, "siti", "id", NOW)
            inside.set()
            await asyncio.Event().wait()  # e.g. a handler cancelled at shutdown

    task = asyncio.create_task(interrupted())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await applicants.get_by_telegram_id(db.reader, 1) is None
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 2, None, "id", NOW)
    assert await applicants.get_by_telegram_id(db.reader, 2) is not None


async def test_a_write_cancelled_again_and_again_leaves_the_connection_clean(
        db: Database) -> None:
    """A stop cancels a task, and cancels it again while its BEGIN or its ROLLBACK is still
    out: the next writer must not find a transaction left open."""
    for steps_before in range(6):  # cancelled at different moments: in BEGIN, in the body
        async def interrupted(telegram_id: int) -> None:
            async with db.write() as conn:
                await applicants.upsert_seen(conn, telegram_id, "siti", "id", NOW)
                await asyncio.Event().wait()

        task = asyncio.create_task(interrupted(100 + steps_before))
        for _ in range(steps_before):
            await asyncio.sleep(0)
        for _ in range(5):  # every step of the way out is cancelled again
            task.cancel()
            await asyncio.sleep(0)
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.write() as conn:  # a clean start, not "a transaction within a ..."
            await applicants.upsert_seen(conn, 200 + steps_before, None, "id", NOW)
        assert await applicants.get_by_telegram_id(db.reader, 100 + steps_before) is None


async def test_concurrent_writes_run_one_after_another(db: Database) -> None:
    """Read-modify-write inside write() is safe: no increment is lost."""

    async def increment() -> None:
        async with db.write() as conn:
            value = await registrations.get_flag(conn, RECRUITMENT, "counter")
            await asyncio.sleep(0)  # let the others try to get in between
            await registrations.set_flag(conn, RECRUITMENT, "counter",
                                         str(int(value or 0) + 1), NOW)

    await asyncio.gather(*(increment() for _ in range(20)))
    assert await registrations.get_flag(db.reader, RECRUITMENT, "counter") == "20"


async def test_foreign_keys_are_enforced_on_the_writer(db: Database) -> None:
    with pytest.raises(aiosqlite.IntegrityError, match="FOREIGN KEY"):
        async with db.write() as conn:
            await registrations.start_application(conn, 999, RECRUITMENT, NOW)  # nobody
