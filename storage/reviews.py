"""The administrative check: decisions on submitted applications, and the audit log."""

from __future__ import annotations

import dataclasses
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
    reason: str | None = None
    reopened: tuple[str, ...] = ()


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
    return await _settled(conn, cur.rowcount, application_id)


async def _settled(conn: aiosqlite.Connection, rowcount: int, application_id: int) -> bool:
    """After a decision's UPDATE: whether it took; if it did, nobody holds the application for
    review any more (a resubmission goes to whichever reviewer asks first)."""
    if rowcount != 1:
        return False
    await conn.execute("DELETE FROM review_leases WHERE application_id = ?", (application_id,))
    return True


async def decision_of(conn: aiosqlite.Connection, application_id: int) -> Decision | None:
    async with conn.execute(
        "SELECT status, decided_by_name, decided_at, decision_reason, reopened "
        "FROM applications WHERE id = ?",
        (application_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Decision(row[0], row[1], from_db(row[2]) if row[2] else None, row[3],
                    tuple(json.loads(row[4] or "[]")))


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
) -> dict[str, list[int]]:
    """This applicant's documents whose very file another applicant uploaded too: the kind,
    and the other applicants' application numbers."""
    async with conn.execute(
        """
        SELECT DISTINCT mine.kind, p.id FROM documents AS mine
        JOIN documents AS other
          ON other.file_unique_id = mine.file_unique_id AND other.applicant_id != mine.applicant_id
        JOIN applications AS p ON p.applicant_id = other.applicant_id
        WHERE mine.applicant_id = ?
        ORDER BY mine.kind, p.id
        """,
        (applicant_id,),
    ) as cur:
        shared: dict[str, list[int]] = {}
        for kind, other in await cur.fetchall():
            shared.setdefault(kind, []).append(other)
        return shared


async def reopen(
    conn: aiosqlite.Connection,
    application_id: int,
    items: list[str],
    actor_id: int,
    actor_name: str,
    now: datetime,
    note: str | None = None,
    deadline: datetime | None = None,
) -> bool:
    """Needs fixing: back to the applicant with exactly `items` reopened, with the committee's
    note and deadline, if any (first decision wins)."""
    cur = await conn.execute(
        """
        UPDATE applications
        SET status = 'needs_fix', reopened = ?, decided_by = ?, decided_by_name = ?,
            decided_at = ?, decision_reason = NULL, editing = NULL, updated_at = ?,
            fix_note = ?, fix_deadline = ?
        WHERE id = ? AND status = 'submitted'
        """,
        (json.dumps(items), actor_id, actor_name, to_db(now), to_db(now), note,
         to_db(deadline) if deadline else None, application_id),
    )
    return await _settled(conn, cur.rowcount, application_id)


# Where a NIK can still be released: not yet booked into a test session.
NIK_RELEASABLE = ("submitted", "needs_fix", "admin_passed")


async def release_nik(conn: aiosqlite.Connection, application_id: int, actor_id: int,
                      actor_name: str, now: datetime, note: str) -> list[str] | None:
    """The application lets go of its NIK (a dispute: someone else showed it is theirs) and
    goes back to its applicant with the NIK reopened; the items now reopened, or None when the
    application holds no NIK or is past the point where it can let go of one."""
    async with conn.execute("SELECT status, reopened FROM applications WHERE id = ? "
                            "AND nik IS NOT NULL", (application_id,)) as cur:
        row = await cur.fetchone()
    if row is None or row[0] not in NIK_RELEASABLE:
        return None
    items = [*(json.loads(row[1]) if row[0] == "needs_fix" else []), "nik"]
    items = sorted(set(items), key=items.index)
    cur = await conn.execute(
        """
        UPDATE applications
        SET status = 'needs_fix', nik = NULL, reopened = ?, decided_by = ?, decided_by_name = ?,
            decided_at = ?, decision_reason = NULL, editing = NULL, updated_at = ?,
            fix_note = ?, fix_deadline = NULL
        WHERE id = ? AND status = ?
        """,
        (json.dumps(items), actor_id, actor_name, to_db(now), to_db(now), note,
         application_id, row[0]),
    )
    return items if await _settled(conn, cur.rowcount, application_id) else None


@dataclass(frozen=True)
class Draft:
    """One staff member's unfinished decision on one card."""

    items: tuple[str, ...] = ()          # ticked for fixing
    note: str | None = None              # for the applicant, with the fixing
    deadline_days: int = 0               # 0: no deadline for the fixing
    typed_reason: str | None = None      # a fail reason awaiting confirmation
    prompt_kind: str | None = None       # a prompt waiting for a reply: 'reason' or 'note'
    prompt_message_id: int | None = None
    asked_at: datetime | None = None
    prompt_chat_id: int | None = None    # message ids are per chat: where it was asked


_DRAFT_COLUMNS = ("items", "note", "deadline_days", "typed_reason", "prompt_kind",
                  "prompt_message_id", "asked_at", "prompt_chat_id")


def _draft(row: Any) -> Draft:
    return Draft(tuple(json.loads(row[0])), row[1], row[2], row[3], row[4], row[5],
                 from_db(row[6]) if row[6] else None, row[7])


async def get_draft(conn: aiosqlite.Connection, application_id: int, actor_id: int) -> Draft:
    async with conn.execute(
        f"SELECT {', '.join(_DRAFT_COLUMNS)} FROM review_drafts "
        "WHERE application_id = ? AND actor_id = ?",
        (application_id, actor_id),
    ) as cur:
        row = await cur.fetchone()
    return _draft(row) if row else Draft()


async def put_draft(conn: aiosqlite.Connection, application_id: int, actor_id: int,
                    now: datetime, **changes: Any) -> Draft:
    """Upsert one staff member's draft; only the given fields (of Draft) change."""
    draft = dataclasses.replace(await get_draft(conn, application_id, actor_id), **changes)
    values = (json.dumps(list(draft.items)), draft.note, draft.deadline_days,
              draft.typed_reason, draft.prompt_kind, draft.prompt_message_id,
              to_db(draft.asked_at) if draft.asked_at else None, draft.prompt_chat_id)
    columns = ", ".join(_DRAFT_COLUMNS)
    await conn.execute(
        f"""
        INSERT INTO review_drafts (application_id, actor_id, updated_at, {columns})
        VALUES (?, ?, ?, {", ".join("?" * len(_DRAFT_COLUMNS))})
        ON CONFLICT (application_id, actor_id) DO UPDATE SET updated_at = excluded.updated_at,
            {", ".join(f"{c} = excluded.{c}" for c in _DRAFT_COLUMNS)}
        """,
        (application_id, actor_id, to_db(now), *values),
    )
    return draft


async def prompted(conn: aiosqlite.Connection, actor_id: int, chat_id: int,
                   prompt_message_id: int) -> tuple[int, Draft] | None:
    """The draft whose prompt (that message, in that chat) this staff member was asked to
    reply to."""
    async with conn.execute(
        f"SELECT application_id, {', '.join(_DRAFT_COLUMNS)} FROM review_drafts "
        "WHERE actor_id = ? AND prompt_chat_id = ? AND prompt_message_id = ? "
        "AND prompt_kind IS NOT NULL",
        (actor_id, chat_id, prompt_message_id),
    ) as cur:
        row = await cur.fetchone()
    return (row[0], _draft(row[1:])) if row else None


async def clear_drafts(conn: aiosqlite.Connection, application_id: int) -> None:
    await conn.execute("DELETE FROM review_drafts WHERE application_id = ?", (application_id,))
