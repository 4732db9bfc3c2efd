"""Which reviewer holds which undecided application for now (review in private chats)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.timestamps import to_db


async def take_next(conn: aiosqlite.Connection, recruitment: str, actor_id: int,
                    now: datetime, until: datetime) -> int | None:
    """Inside a write transaction: the application this reviewer holds already, else the
    oldest undecided one nobody holds (nor this reviewer skipped); leased until `until`."""
    async with conn.execute(
        """
        SELECT p.id FROM applications AS p
        LEFT JOIN review_leases AS l ON l.application_id = p.id
        WHERE p.recruitment = ? AND p.status = 'submitted'
          AND (l.application_id IS NULL OR l.until <= ? OR l.actor_id = ?)
          AND p.id NOT IN (SELECT application_id FROM review_skips WHERE actor_id = ?)
        ORDER BY CASE WHEN l.actor_id = ? THEN 0 ELSE 1 END, p.submitted_at, p.id
        LIMIT 1
        """,
        (recruitment, to_db(now), actor_id, actor_id, actor_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    cur = await conn.execute(
        """
        INSERT INTO review_leases (application_id, actor_id, until) VALUES (?, ?, ?)
        ON CONFLICT (application_id) DO UPDATE SET actor_id = excluded.actor_id,
            until = excluded.until
        WHERE review_leases.until <= ? OR review_leases.actor_id = excluded.actor_id
        """,
        (row[0], actor_id, to_db(until), to_db(now)),
    )
    return int(row[0]) if cur.rowcount == 1 else None


async def skip(conn: aiosqlite.Connection, application_id: int, actor_id: int) -> None:
    await conn.execute("INSERT INTO review_skips (application_id, actor_id) VALUES (?, ?) "
                       "ON CONFLICT DO NOTHING", (application_id, actor_id))
    await release(conn, application_id, actor_id)


async def release(conn: aiosqlite.Connection, application_id: int, actor_id: int) -> None:
    await conn.execute("DELETE FROM review_leases WHERE application_id = ? AND actor_id = ?",
                       (application_id, actor_id))


async def held_by(conn: aiosqlite.Connection, application_id: int, now: datetime
                  ) -> int | None:
    async with conn.execute(
        "SELECT actor_id FROM review_leases WHERE application_id = ? AND until > ?",
        (application_id, to_db(now)),
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None
