"""The durable outbox: messages owed to people, delivered at most once each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timestamps import to_db


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int


async def enqueue(
    conn: aiosqlite.Connection,
    chat_id: int,
    payload: dict[str, Any],
    now: datetime,
    dedupe_key: str | None = None,
) -> bool:
    """Queue a message inside the caller's transaction; False if `dedupe_key` was queued."""
    cur = await conn.execute(
        """
        INSERT INTO outbox (chat_id, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (dedupe_key) DO NOTHING
        """,
        (chat_id, json.dumps(payload, ensure_ascii=False), dedupe_key, to_db(now)),
    )
    return cur.rowcount == 1


async def pending(conn: aiosqlite.Connection, after_id: int, limit: int) -> list[OutboxRow]:
    async with conn.execute(
        "SELECT id, chat_id, payload, attempts FROM outbox "
        "WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?",
        (after_id, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [OutboxRow(r[0], r[1], json.loads(r[2]), r[3]) for r in rows]


async def mark_sent(
    conn: aiosqlite.Connection, row_id: int, message_id: int | None, now: datetime
) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1"
        " WHERE id = ? AND status = 'pending'",
        (message_id, to_db(now), row_id),
    )


async def mark_attempt(
    conn: aiosqlite.Connection, row_id: int, error: str, final_status: str | None = None
) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
        "status = coalesce(?, status) WHERE id = ? AND status = 'pending'",
        (error, final_status, row_id),
    )


async def counts(conn: aiosqlite.Connection) -> dict[str, int]:
    async with conn.execute("SELECT status, count(*) FROM outbox GROUP BY status") as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}
