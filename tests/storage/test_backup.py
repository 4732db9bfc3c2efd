import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from storage import applicants
from storage.backup import backup, check, daily_backup
from storage.db import Database

NOW = datetime(2023, 11, 1, tzinfo=UTC)


async def test_a_backup_taken_while_the_bot_writes_is_consistent(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    db = await Database.open(path)
    stop, enough = asyncio.Event(), asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            async with db.write() as conn:  # each applicant with an application: both or neither
                person = await applicants.upsert_seen(conn, 1000 + written, None, "id", NOW)
                await conn.execute(
                    "INSERT INTO applications (applicant_id, recruitment, created_at, updated_at)"
                    " VALUES (?, 'r', 'x', 'x')", (person.id,))
            written += 1
            if written >= 50:
                enough.set()
            await asyncio.sleep(0)  # let the backups run between writes

    task = asyncio.create_task(writer())
    await enough.wait()
    copies = [await asyncio.to_thread(backup, path, tmp_path / f"copy{i}.sqlite3")
              for i in range(3)]
    stop.set()
    await task
    await db.close()
    for copy in copies:
        assert check(copy) == "ok"
        with sqlite3.connect(copy) as conn:
            people = conn.execute("SELECT count(*) FROM applicants").fetchone()[0]
            apps = conn.execute("SELECT count(*) FROM applications").fetchone()[0]
            assert people == apps and people >= 50  # never one without the other
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    reopened = await Database.open(copies[-1])  # a restored copy opens (and is migrated)
    await reopened.close()


def test_daily_backups_keep_the_newest(tmp_path: Path) -> None:
    source = tmp_path / "mitra.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    for day in range(1, 6):
        daily_backup(source, tmp_path / "backups", datetime(2023, 11, day, tzinfo=UTC), keep=3)
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert names == ["mitra-20231103.sqlite3", "mitra-20231104.sqlite3",
                     "mitra-20231105.sqlite3"]
