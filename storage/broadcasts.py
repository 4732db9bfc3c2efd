"""Broadcasts: staff-written messages to a segment of applicants, and their progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.portable import new_id
from storage.timestamps import to_db

# segment -> SQL condition on applications AS p ("?" takes a session code)
SEGMENTS = {
    "semua": "p.status != 'withdrawn'",
    "belum_kirim": "p.status = 'registering'",
    "belum_pilih_sesi": "p.status = 'admin_passed'",
    "sesi": "p.session_id = (SELECT id FROM sessions WHERE recruitment = p.recruitment "
            "AND code = ?)",
    "diterima": "p.status = 'accepted'",
    "tidak_diterima": "p.status = 'not_accepted'",
}


@dataclass(frozen=True)
class Broadcast:
    id: int
    text: str
    segment: str
    status: str
    recipients: int | None
    progress_chat: int | None
    progress_msg: int | None
    progress_text: str | None


def _row(r: aiosqlite.Row) -> Broadcast:
    return Broadcast(r["id"], r["text"], r["segment"], r["status"], r["recipients"],
                     r["progress_chat"], r["progress_msg"], r["progress_text"])


def _segment_sql(segment: str) -> tuple[str, tuple[str, ...]]:
    name, _, session = segment.partition(":")
    condition = SEGMENTS[name]
    return condition, (session,) * condition.count("?")


async def audience(conn: aiosqlite.Connection, recruitment: str, segment: str
                   ) -> list[tuple[int, int]]:
    """(applicant id, Telegram id) of everyone in the segment."""
    condition, params = _segment_sql(segment)
    async with conn.execute(
        f"SELECT a.id, a.telegram_id FROM applications AS p "
        f"JOIN applicants AS a ON a.id = p.applicant_id "
        f"WHERE p.recruitment = ? AND {condition} ORDER BY a.id",
        (recruitment, *params),
    ) as cur:
        return [(r[0], r[1]) for r in await cur.fetchall()]


async def create(conn: aiosqlite.Connection, recruitment: str, text: str, segment: str,
                 actor_id: int, actor_name: str, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO broadcasts (recruitment, text, segment, created_by, created_by_name, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (recruitment, text, segment, actor_id, actor_name, to_db(now)),
    )
    return await new_id(cur)


async def get(conn: aiosqlite.Connection, broadcast_id: int) -> Broadcast | None:
    async with conn.execute("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def mark(conn: aiosqlite.Connection, broadcast_id: int, status: str,
               recipients: int | None = None) -> bool:
    cur = await conn.execute(
        "UPDATE broadcasts SET status = ?, recipients = coalesce(?, recipients) "
        "WHERE id = ? AND status = 'draft'",
        (status, recipients, broadcast_id),
    )
    return cur.rowcount == 1


async def set_progress(conn: aiosqlite.Connection, broadcast_id: int, chat_id: int | None,
                       message_id: int | None, text: str) -> None:
    await conn.execute(
        "UPDATE broadcasts SET progress_chat = coalesce(?, progress_chat), "
        "progress_msg = coalesce(?, progress_msg), progress_text = ? WHERE id = ?",
        (chat_id, message_id, text, broadcast_id),
    )


async def queued(conn: aiosqlite.Connection) -> list[Broadcast]:
    async with conn.execute(
        "SELECT * FROM broadcasts WHERE status = 'queued' AND progress_msg IS NOT NULL"
    ) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def delivery(conn: aiosqlite.Connection, broadcast_id: int) -> dict[str, int]:
    async with conn.execute(
        "SELECT status, count(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
        (broadcast_id,),
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}
