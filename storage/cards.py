"""Where each copy of a review card is (so that a decision can edit every copy to its
outcome), and every document posted to staff with it (so that /hapus can delete them all)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage import outbox


@dataclass(frozen=True)
class Copy:
    chat_id: int
    message_id: int | None  # None: the outbox has not sent it yet
    outbox_id: int | None


async def add(conn: aiosqlite.Connection, application_id: int, chat_id: int, *,
              message_id: int | None = None, outbox_id: int | None = None,
              is_card: bool = True, count: int = 1) -> None:
    await conn.execute(
        "INSERT INTO card_copies (application_id, chat_id, message_id, outbox_id, is_card, "
        "count) VALUES (?, ?, ?, ?, ?, ?)",
        (application_id, chat_id, message_id, outbox_id, int(is_card), count))


async def copies(conn: aiosqlite.Connection, application_id: int) -> list[Copy]:
    """Every copy: sent ones with their message id; those still queued with their row."""
    async with conn.execute(
        """
        SELECT c.chat_id, COALESCE(c.message_id, o.message_id),
               CASE WHEN o.status = 'pending' THEN o.id END
        FROM card_copies AS c LEFT JOIN outbox AS o ON o.id = c.outbox_id
        WHERE c.application_id = ? AND c.is_card = 1 ORDER BY c.id
        """,
        (application_id,),
    ) as cur:
        return [Copy(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def erase(conn: aiosqlite.Connection, application_id: int) -> list[tuple[int, list[int]]]:
    """Everything posted to staff about this application: what the outbox still holds of it
    is emptied (a post not sent yet never will be); returns (chat, message ids) to delete."""
    async with conn.execute(
        """
        SELECT c.chat_id, COALESCE(c.message_id, o.message_id), c.count, c.outbox_id
        FROM card_copies AS c LEFT JOIN outbox AS o ON o.id = c.outbox_id
        WHERE c.application_id = ?
        """,
        (application_id,),
    ) as cur:
        rows = list(await cur.fetchall())
    posted: dict[int, list[int]] = {}
    for chat_id, message_id, count, outbox_id in rows:
        if outbox_id is not None:
            await outbox.erase_payload(conn, outbox_id)
        if message_id is not None:
            posted.setdefault(chat_id, []).extend(range(message_id, message_id + count))
    await conn.execute("DELETE FROM card_copies WHERE application_id = ?", (application_id,))
    return sorted(posted.items())
