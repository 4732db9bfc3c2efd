"""Applicants: the person behind a Telegram account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Applicant:
    id: int
    telegram_id: int
    username: str | None
    language: str
    created_at: datetime
    updated_at: datetime


def _row(row: aiosqlite.Row) -> Applicant:
    return Applicant(
        id=row["id"],
        telegram_id=row["telegram_id"],
        username=row["username"],
        language=row["language"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


async def upsert_seen(
    conn: aiosqlite.Connection,
    telegram_id: int,
    username: str | None,
    language: str,
    now: datetime,
) -> Applicant:
    """Create the applicant on first contact (with a guessed language); keep the username fresh."""
    async with conn.execute(
        """
        INSERT INTO applicants (telegram_id, username, language, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (telegram_id) DO UPDATE SET
            username = excluded.username,
            updated_at = CASE WHEN applicants.username IS NOT DISTINCT FROM excluded.username
                              THEN applicants.updated_at ELSE excluded.updated_at END
        RETURNING *
        """,
        (telegram_id, username, language, to_db(now), to_db(now)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return _row(row)


async def get_by_telegram_id(conn: aiosqlite.Connection, telegram_id: int) -> Applicant | None:
    async with conn.execute(
        "SELECT * FROM applicants WHERE telegram_id = ?", (telegram_id,)
    ) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def set_language(
    conn: aiosqlite.Connection, telegram_id: int, language: str, now: datetime
) -> bool:
    cur = await conn.execute(
        "UPDATE applicants SET language = ?, updated_at = ? WHERE telegram_id = ?",
        (language, to_db(now), telegram_id),
    )
    return cur.rowcount == 1
