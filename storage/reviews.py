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
