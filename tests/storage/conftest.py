"""A real database file for each test, opened (and migrated) the way the bot opens it, and a
helper that makes applicants and applications through the storage functions themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from storage import applicants, registrations
from storage.db import Database
from storage.pg import PgDatabase

WITA = ZoneInfo("Asia/Makassar")  # Sumbawa Barat's time zone, UTC+8
RECRUITMENT = "mitra-ksb-2024"


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database on each engine: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "postgresql":
        database: Any = await PgDatabase.open(request.getfixturevalue("pg_dsn"))
    else:
        database = await Database.open(tmp_path / "data" / "mitra.sqlite3")
    try:
        yield database
    finally:
        await database.close()


class People:
    """Applicants and their applications, made as the bot makes them; a status beyond
    'submitted' is set directly (the services that lead there are not under test here)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def applicant(self, telegram_id: int, now: datetime, username: str | None = None,
                        language: str = "id") -> int:
        async with self.db.write() as conn:
            person = await applicants.upsert_seen(conn, telegram_id, username, language, now)
        return person.id

    async def application(self, telegram_id: int, now: datetime, *, status: str = "registering",
                          recruitment: str = RECRUITMENT, username: str | None = None,
                          **profile: object) -> tuple[int, int]:
        """(applicant id, application id), with these profile fields filled in."""
        async with self.db.write() as conn:
            person = await applicants.upsert_seen(conn, telegram_id, username, "id", now)
            application = await registrations.start_application(conn, person.id, recruitment,
                                                                now)
            for key, value in profile.items():
                await registrations.set_profile_field(conn, person.id, key, value, now)
            if status != "registering":
                assert await registrations.mark_submitted(conn, application.id, now)
            if status not in ("registering", "submitted"):
                await conn.execute("UPDATE applications SET status = ? WHERE id = ?",
                                   (status, application.id))
        return person.id, application.id

    async def status(self, application_id: int) -> str:
        row = await self.db.fetchone("SELECT status FROM applications WHERE id = ?",
                                     (application_id,))
        assert row is not None
        return str(row[0])


@pytest.fixture
def people(db: Database) -> People:
    return People(db)
