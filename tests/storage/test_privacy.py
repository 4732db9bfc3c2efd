"""The database and its backups are their owner's alone; erased rows are overwritten; a search
term is text, not a pattern."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

from storage import applicants, registrations, staff_queries
from storage.backup import backup
from storage.db import Database

NOW = datetime(2023, 11, 10, 2, 0, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_database_and_its_backups_are_private(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "data" / "mitra.sqlite3")
    try:
        async with db.write() as conn:
            await applicants.upsert_seen(conn, 1, "siti", "id", NOW)
        async with db.reader.execute("PRAGMA secure_delete") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await db.close()
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "mitra.sqlite3") == 0o600
    copy = backup(tmp_path / "data" / "mitra.sqlite3", tmp_path / "backups" / "b.sqlite3")
    assert mode(copy) == 0o600 and mode(tmp_path / "backups") == 0o700


async def test_a_search_for_a_wildcard_finds_nobody(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "mitra.sqlite3")
    try:
        async with db.write() as conn:
            person = await applicants.upsert_seen(conn, 1, "siti", "id", NOW)
            await registrations.start_application(conn, person.id, "mitra-ksb-2024", NOW)
            await registrations.set_profile_field(conn, person.id, "full_name", "Siti_Aminah",
                                                  NOW)
        found = await staff_queries.search(db.reader, "mitra-ksb-2024", "aminah")
        assert [r["full_name"] for r in found] == ["Siti_Aminah"]
        for term in ("%", "t_", "%%"):  # as patterns, each would match "Siti_Aminah"
            assert await staff_queries.search(db.reader, "mitra-ksb-2024", term) == [], term
        assert len(await staff_queries.search(db.reader, "mitra-ksb-2024", "i_a")) == 1
    finally:
        await db.close()
