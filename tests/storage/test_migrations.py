from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from storage import applicants
from storage.db import Database, DatabaseTooNew, migrations

NOW = datetime(2023, 11, 1, 8, 0, tzinfo=UTC)


async def user_version(path: Path) -> int:
    async with aiosqlite.connect(path) as conn, conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_migrations_apply_once_and_twice(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await Database.open(path)
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 42, "alice", "id", NOW)
    await db.close()
    assert await user_version(path) == len(migrations())
    db = await Database.open(path)  # again: nothing re-applied, data kept
    assert (await applicants.get_by_telegram_id(db.reader, 42)) is not None
    await db.close()


async def test_pragmas(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000
    await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
        await conn.commit()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        await Database.open(path)


async def test_failed_write_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await applicants.upsert_seen(conn, 7, None, "en", NOW)
            raise RuntimeError("crash mid-transaction")
    assert await applicants.get_by_telegram_id(db.reader, 7) is None
    await db.close()


async def test_language_constraint(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 1, None, "id", NOW)
    with pytest.raises(aiosqlite.IntegrityError):
        async with db.write() as conn:
            await applicants.set_language(conn, 1, "fr", NOW)
    assert (await applicants.get_by_telegram_id(db.reader, 1)).language == "id"
    await db.close()
