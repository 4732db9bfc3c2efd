"""The staff group's compact feed: lines waiting to be posted together."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.timestamps import to_db


async def add(conn: aiosqlite.Connection, recruitment: str, line: str, now: datetime) -> None:
    await conn.execute("INSERT INTO staff_feed (recruitment, line, created_at) VALUES (?, ?, ?)",
                       (recruitment, line, to_db(now)))


async def unposted(conn: aiosqlite.Connection, recruitment: str) -> list[tuple[int, str]]:
    async with conn.execute(
        "SELECT id, line FROM staff_feed WHERE recruitment = ? AND posted = 0 ORDER BY id",
        (recruitment,),
    ) as cur:
        return [(r[0], r[1]) for r in await cur.fetchall()]


async def drop_unposted(conn: aiosqlite.Connection, recruitment: str,
                        application_id: int) -> None:
    """An erased applicant's lines not posted yet are never posted."""
    await conn.execute("DELETE FROM staff_feed WHERE recruitment = ? AND posted = 0 "
                       "AND line LIKE ?", (recruitment, f"%#{application_id} %"))


async def mark_posted(conn: aiosqlite.Connection, recruitment: str, up_to: int) -> None:
    await conn.execute("UPDATE staff_feed SET posted = 1 WHERE recruitment = ? AND id <= ?",
                       (recruitment, up_to))
