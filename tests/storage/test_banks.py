"""Imported question banks: activated once, within the hour, one active at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest

from storage import banks
from storage.db import Database
from tests.storage.conftest import WITA

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)


async def add(db: Database, version: str, now: datetime = NOW) -> int:
    async with db.write() as conn:
        return await banks.add_pending(conn, version, f"fp-{version}", f"{version}.xlsx",
                                       "questions: []", 101, now)


async def status(db: Database, bank_id: int) -> str:
    found = await banks.get(db.reader, bank_id)
    assert found is not None
    return found.status


async def test_activation_happens_once_retires_the_old_bank_and_cancels_the_rest(
        db: Database) -> None:
    v1 = await add(db, "v1")
    async with db.write() as conn:
        assert await banks.activate(conn, v1, NOW)
    v2, v3 = await add(db, "v2"), await add(db, "v3")
    async with db.write() as conn:
        assert await banks.activate(conn, v3, NOW + timedelta(minutes=5))
        assert not await banks.activate(conn, v3, NOW + timedelta(minutes=6))  # once
        assert not await banks.activate(conn, v2, NOW + timedelta(minutes=6))  # superseded
    assert [await status(db, b) for b in (v1, v2, v3)] == ["retired", "cancelled", "active"]
    active = await banks.active(db.reader)
    assert active is not None and (active.id, active.version) == (v3, "v3")


async def test_an_import_not_activated_within_the_hour_expires(db: Database) -> None:
    stale, fresh = await add(db, "v1"), await add(db, "v2", NOW + timedelta(minutes=1))
    an_hour_on = (NOW + banks.PENDING_FOR + timedelta(microseconds=1)).astimezone(UTC)
    async with db.write() as conn:
        assert not await banks.activate(conn, stale, an_hour_on)
        assert await banks.activate(conn, fresh, an_hour_on)
    assert await status(db, stale) == "cancelled"


async def test_only_a_pending_import_can_be_cancelled(db: Database) -> None:
    v1, v2 = await add(db, "v1"), await add(db, "v2")
    async with db.write() as conn:
        assert await banks.cancel(conn, v1)
        assert not await banks.cancel(conn, v1)
        assert not await banks.activate(conn, v1, NOW)  # a cancelled one stays cancelled
        assert await banks.activate(conn, v2, NOW)
        assert not await banks.cancel(conn, v2)
    assert await banks.active(db.reader) == await banks.get(db.reader, v2)
    assert await banks.get(db.reader, v2 + 1) is None


async def test_the_schema_refuses_two_active_banks_and_unknown_states(db: Database) -> None:
    v1, v2 = await add(db, "v1"), await add(db, "v2")
    async with db.write() as conn:
        assert await banks.activate(conn, v1, NOW)
    for sql in (f"UPDATE question_banks SET status = 'active' WHERE id = {v2}",
                f"UPDATE question_banks SET status = 'draft' WHERE id = {v2}"):
        with pytest.raises(aiosqlite.IntegrityError):
            async with db.write() as conn:
                await conn.execute(sql)
    assert [await status(db, b) for b in (v1, v2)] == ["active", "cancelled"]
