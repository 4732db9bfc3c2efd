"""The administrative check: decisions on submitted applications, and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Decision:
    status: str
    decided_by_name: str | None
    decided_at: datetime | None


async def decide(
    conn: aiosqlite.Connection,
    application_id: int,
    status: str,
    actor_id: int,
    actor_name: str,
    reason: str | None,
    now: datetime,
) -> bool:
    """Record a decision only if nobody decided first (the row count tells)."""
    cur = await conn.execute(
        """
        UPDATE applications
        SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?,
            decision_reason = ?, updated_at = ?
        WHERE id = ? AND status = 'submitted'
        """,
        (status, actor_id, actor_name, to_db(now), reason, to_db(now), application_id),
    )
    return cur.rowcount == 1


async def decision_of(conn: aiosqlite.Connection, application_id: int) -> Decision | None:
    async with conn.execute(
        "SELECT status, decided_by_name, decided_at FROM applications WHERE id = ?",
        (application_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Decision(row[0], row[1], from_db(row[2]) if row[2] else None)


async def audit(
    conn: aiosqlite.Connection,
    actor_id: int,
    actor_name: str | None,
    action: str,
    now: datetime,
    applicant_id: int | None = None,
    detail: dict[str, Any] | None = None,
    allowed: bool = True,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, applicant_id, detail, allowed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (to_db(now), actor_id, actor_name, action, applicant_id,
         json.dumps(detail or {}, ensure_ascii=False), int(allowed)),
    )


async def documents_shared_with_others(
    conn: aiosqlite.Connection, applicant_id: int
) -> list[str]:
    """Kinds of this applicant's documents whose very file another applicant uploaded too."""
    async with conn.execute(
        """
        SELECT DISTINCT mine.kind FROM documents AS mine
        JOIN documents AS other
          ON other.file_unique_id = mine.file_unique_id AND other.applicant_id != mine.applicant_id
        WHERE mine.applicant_id = ?
        """,
        (applicant_id,),
    ) as cur:
        return sorted(r[0] for r in await cur.fetchall())


async def reopen(
    conn: aiosqlite.Connection,
    application_id: int,
    items: list[str],
    actor_id: int,
    actor_name: str,
    now: datetime,
) -> bool:
    """Needs fixing: back to the applicant with exactly `items` reopened (first decision wins)."""
    cur = await conn.execute(
        """
        UPDATE applications
        SET status = 'needs_fix', reopened = ?, decided_by = ?, decided_by_name = ?,
            decided_at = ?, decision_reason = NULL, editing = NULL, updated_at = ?
        WHERE id = ? AND status = 'submitted'
        """,
        (json.dumps(items), actor_id, actor_name, to_db(now), to_db(now), application_id),
    )
    return cur.rowcount == 1


async def get_draft(
    conn: aiosqlite.Connection, application_id: int, actor_id: int
) -> tuple[list[str], bool]:
    async with conn.execute(
        "SELECT items, awaiting_reason FROM review_drafts "
        "WHERE application_id = ? AND actor_id = ?",
        (application_id, actor_id),
    ) as cur:
        row = await cur.fetchone()
    return (json.loads(row[0]), bool(row[1])) if row else ([], False)


async def put_draft(
    conn: aiosqlite.Connection,
    application_id: int,
    actor_id: int,
    now: datetime,
    *,
    items: list[str] | None = None,
    awaiting_reason: bool | None = None,
) -> None:
    """Upsert one staff member's draft; only the given parts change."""
    old_items, old_awaiting = await get_draft(conn, application_id, actor_id)
    new_items = old_items if items is None else items
    new_awaiting = old_awaiting if awaiting_reason is None else awaiting_reason
    await conn.execute(
        """
        INSERT INTO review_drafts (application_id, actor_id, items, awaiting_reason, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (application_id, actor_id) DO UPDATE SET
            items = excluded.items, awaiting_reason = excluded.awaiting_reason,
            updated_at = excluded.updated_at
        """,
        (application_id, actor_id, json.dumps(new_items), int(new_awaiting), to_db(now)),
    )


async def awaiting_reason_of(conn: aiosqlite.Connection, actor_id: int) -> int | None:
    """The application this staff member was asked to type a fail reason for, if any."""
    async with conn.execute(
        "SELECT application_id FROM review_drafts WHERE actor_id = ? AND awaiting_reason = 1 "
        "ORDER BY updated_at DESC LIMIT 1",
        (actor_id,),
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def clear_drafts(conn: aiosqlite.Connection, application_id: int) -> None:
    await conn.execute("DELETE FROM review_drafts WHERE application_id = ?", (application_id,))
