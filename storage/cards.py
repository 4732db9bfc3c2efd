"""Where each copy of a review card is, so that a decision can edit every copy to its outcome."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class Copy:
    chat_id: int
    message_id: int | None  # None: the outbox has not sent it yet
    outbox_id: int | None


async def add(conn: aiosqlite.Connection, application_id: int, chat_id: int, *,
              message_id: int | None = None, outbox_id: int | None = None) -> None:
    await conn.execute(
        "INSERT INTO card_copies (application_id, chat_id, message_id, outbox_id) "
        "VALUES (?, ?, ?, ?)", (application_id, chat_id, message_id, outbox_id))


async def copies(conn: aiosqlite.Connection, application_id: int) -> list[Copy]:
    """Every copy: sent ones with their message id; those still queued with their row."""
    async with conn.execute(
        """
        SELECT c.chat_id, COALESCE(c.message_id, o.message_id),
               CASE WHEN o.status = 'pending' THEN o.id END
        FROM card_copies AS c LEFT JOIN outbox AS o ON o.id = c.outbox_id
        WHERE c.application_id = ? ORDER BY c.id
        """,
        (application_id,),
    ) as cur:
        return [Copy(r[0], r[1], r[2]) for r in await cur.fetchall()]
