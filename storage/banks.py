"""Stored versions of the question bank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage.portable import new_id
from storage.timestamps import to_db


@dataclass(frozen=True)
class StoredBank:
    id: int
    version: str
    fingerprint: str
    filename: str
    content: str
    status: str


def _row(r: aiosqlite.Row) -> StoredBank:
    return StoredBank(r["id"], r["version"], r["fingerprint"], r["filename"], r["content"],
                      r["status"])


async def add_pending(conn: aiosqlite.Connection, version: str, fingerprint: str,
                      filename: str, content: str, actor_id: int, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO question_banks (version, fingerprint, filename, content, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (version, fingerprint, filename, content, actor_id, to_db(now)),
    )
    return await new_id(cur)


async def get(conn: aiosqlite.Connection, bank_id: int) -> StoredBank | None:
    async with conn.execute("SELECT * FROM question_banks WHERE id = ?", (bank_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def active(conn: aiosqlite.Connection) -> StoredBank | None:
    async with conn.execute("SELECT * FROM question_banks WHERE status = 'active'") as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


PENDING_FOR = timedelta(hours=1)  # an import not activated within this expires


async def activate(conn: aiosqlite.Connection, bank_id: int, now: datetime) -> bool:
    """Make a pending import the active bank (the previous one retires); once only, within
    PENDING_FOR of its check. Every other pending import is cancelled: an old "Aktifkan"
    button can never bring back a file that a newer activation superseded."""
    async with conn.execute(
        "SELECT 1 FROM question_banks WHERE id = ? AND status = 'pending' AND created_at >= ?",
        (bank_id, to_db(now - PENDING_FOR)),
    ) as cur:
        if await cur.fetchone() is None:
            return False
    await conn.execute("UPDATE question_banks SET status = 'retired' WHERE status = 'active'")
    await conn.execute(
        "UPDATE question_banks SET status = 'active', activated_at = ? WHERE id = ?",
        (to_db(now), bank_id),
    )
    await conn.execute("UPDATE question_banks SET status = 'cancelled' WHERE status = 'pending'")
    return True


async def cancel(conn: aiosqlite.Connection, bank_id: int) -> bool:
    cur = await conn.execute(
        "UPDATE question_banks SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
        (bank_id,),
    )
    return cur.rowcount == 1
