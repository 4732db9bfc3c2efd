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
    guard: dict[str, Any] | None = None


async def enqueue(
    conn: aiosqlite.Connection,
    chat_id: int,
    payload: dict[str, Any],
    now: datetime,
    dedupe_key: str | None = None,
    *,
    guard: tuple[int, tuple[str, ...]] | None = None,
    broadcast_id: int | None = None,
) -> int | None:
    """Queue a message inside the caller's transaction: its row id, or None if `dedupe_key`
    was queued already.
    `guard` = (application id, statuses): sent only if the application is still in one of
    those statuses when its turn comes (a reminder whose reason is gone is skipped)."""
    guard_json = (json.dumps({"application": guard[0], "statuses": list(guard[1])})
                  if guard else None)
    cur = await conn.execute(
        """
        INSERT INTO outbox (chat_id, payload, dedupe_key, created_at, guard, broadcast_id)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id
        """,
        (chat_id, json.dumps(payload, ensure_ascii=False), dedupe_key, to_db(now), guard_json,
         broadcast_id),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else None


async def guard_holds(conn: aiosqlite.Connection, guard: dict[str, Any]) -> bool:
    async with conn.execute(
        "SELECT status FROM applications WHERE id = ?", (guard["application"],)
    ) as cur:
        row = await cur.fetchone()
    return row is not None and row[0] in guard["statuses"]


async def pending(conn: aiosqlite.Connection, after_id: int, limit: int) -> list[OutboxRow]:
    async with conn.execute(
        "SELECT id, chat_id, payload, attempts, guard FROM outbox "
        "WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?",
        (after_id, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [OutboxRow(r[0], r[1], json.loads(r[2]), r[3], json.loads(r[4]) if r[4] else None)
            for r in rows]


async def replace_pending(conn: aiosqlite.Connection, row_id: int,
                          payload: dict[str, Any]) -> None:
    """A message not sent yet is sent as it should read now (a card decided meanwhile)."""
    await conn.execute("UPDATE outbox SET payload = ? WHERE id = ? AND status = 'pending'",
                       (json.dumps(payload, ensure_ascii=False), row_id))


# What happened to a row while its message was on the way to Telegram (mark_sent's answer).
SENT, ERASED, REPLACED, GONE = "sent", "erased", "replaced", "gone"


async def mark_sent(
    conn: aiosqlite.Connection, row: OutboxRow, message_id: int | None, now: datetime
) -> str:
    """Record that Telegram accepted `row`. A row can change in the instant its message is on
    the way: ERASED (/hapus emptied it: the message just sent must go), REPLACED (its payload
    was replaced, e.g. a card decided: the message must be edited to the new one), GONE
    (skipped otherwise, e.g. a broadcast cancelled); else SENT."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1"
        " WHERE id = ? AND status = 'pending'",
        (message_id, to_db(now), row.id),
    )
    async with conn.execute("SELECT payload, last_error FROM outbox WHERE id = ?",
                            (row.id,)) as rows:
        now_row = await rows.fetchone()
    if cur.rowcount == 0:
        return ERASED if now_row and now_row[1] == ERASED else GONE
    return SENT if now_row is None or json.loads(now_row[0]) == row.payload else REPLACED


async def current_payload(conn: aiosqlite.Connection, row_id: int) -> dict[str, Any]:
    async with conn.execute("SELECT payload FROM outbox WHERE id = ?", (row_id,)) as cur:
        found = await cur.fetchone()
    return json.loads(found[0]) if found else {}


async def still_pending(conn: aiosqlite.Connection, row: OutboxRow) -> OutboxRow | None:
    """The row as it reads now, if it is still to be sent (a queued row may have been
    replaced or emptied while it waited for its turn)."""
    async with conn.execute("SELECT payload, attempts FROM outbox WHERE id = ? AND "
                            "status = 'pending'", (row.id,)) as cur:
        found = await cur.fetchone()
    return (OutboxRow(row.id, row.chat_id, json.loads(found[0]), found[1], row.guard)
            if found else None)


async def erase_payload(conn: aiosqlite.Connection, row_id: int) -> None:
    """Empty a row about someone who erased their data; one not sent yet never will be (and
    one on the way right now is deleted once sent: mark_sent says ERASED)."""
    await conn.execute(
        "UPDATE outbox SET payload = '{}', last_error = ?, status = CASE status "
        "WHEN 'pending' THEN 'skipped' ELSE status END WHERE id = ?", (ERASED, row_id))


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
