"""The final selection: stored rankings (preview, approved, announced) and their rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.portable import IntegrityError, new_id, savepoint
from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Ranking:
    id: int
    status: str
    cut_off: float | None
    approved_by: str | None
    announce_at: datetime | None
    stale: bool = False  # computed before a question was voided or re-keyed


def _ranking(r: aiosqlite.Row) -> Ranking:
    return Ranking(r["id"], r["status"], r["cut_off"], r["approved_by"],
                   from_db(r["announce_at"]) if r["announce_at"] else None, bool(r["stale"]))


async def candidates(conn: aiosqlite.Connection, recruitment: str) -> list[dict[str, Any]]:
    """Every submitted application with its profile and its test score (if any)."""
    async with conn.execute(
        """
        SELECT f.*, p.id AS application_id, p.applicant_id, p.status, p.submitted_at,
               t.score AS test_correct, t.scored_of, t.questions AS questions
        FROM applications AS p
        LEFT JOIN profiles AS f ON f.applicant_id = p.applicant_id
        LEFT JOIN attempts AS t ON t.application_id = p.id AND t.kind = 'test'
                                AND t.status = 'submitted'
        WHERE p.recruitment = ? AND p.submitted_at IS NOT NULL
        ORDER BY p.id
        """,
        (recruitment,),
    ) as cur:
        return [dict(zip(r.keys(), tuple(r), strict=True)) for r in await cur.fetchall()]


async def save(conn: aiosqlite.Connection, recruitment: str, rows: list[dict[str, Any]],
               cut_off: float | None, actor_id: int, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO rankings (recruitment, cut_off, created_by, created_at) VALUES (?,?,?,?) "
        "RETURNING id",
        (recruitment, cut_off, actor_id, to_db(now)),
    )
    ranking_id = await new_id(cur)
    await conn.executemany(
        "INSERT INTO ranking_rows (ranking_id, application_id, rank, final_score, test_correct,"
        " test_total, breakdown, accepted, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(ranking_id, r["application_id"], r["rank"], r["final_score"], r["test_correct"],
          r.get("test_total"), json.dumps(r["breakdown"]), int(r["accepted"]), r["reason"])
         for r in rows],
    )
    return ranking_id


async def get(conn: aiosqlite.Connection, ranking_id: int) -> Ranking | None:
    async with conn.execute("SELECT * FROM rankings WHERE id = ?", (ranking_id,)) as cur:
        row = await cur.fetchone()
    return _ranking(row) if row else None


async def final(conn: aiosqlite.Connection, recruitment: str) -> Ranking | None:
    """The approved (or already announced) ranking, if any."""
    async with conn.execute(
        "SELECT * FROM rankings WHERE recruitment = ? AND status IN ('approved', 'announced')",
        (recruitment,),
    ) as cur:
        row = await cur.fetchone()
    return _ranking(row) if row else None


async def rows(conn: aiosqlite.Connection, ranking_id: int) -> list[dict[str, Any]]:
    async with conn.execute(
        """
        SELECT r.*, f.full_name, f.district, a.telegram_id, a.language, p.applicant_id
        FROM ranking_rows AS r
        JOIN applications AS p ON p.id = r.application_id
        JOIN applicants AS a ON a.id = p.applicant_id
        LEFT JOIN profiles AS f ON f.applicant_id = p.applicant_id
        WHERE r.ranking_id = ? ORDER BY r.rank
        """,
        (ranking_id,),
    ) as cur:
        found = [dict(zip(r.keys(), tuple(r), strict=True)) for r in await cur.fetchall()]
    for row in found:
        row["breakdown"] = json.loads(row["breakdown"])
    return found


async def approve(conn: aiosqlite.Connection, ranking_id: int, actor: str,
                  now: datetime) -> bool:
    """Freeze a preview; only one ranking of a recruitment can ever be approved."""
    try:
        async with savepoint(conn):
            cur = await conn.execute(
                "UPDATE rankings SET status = 'approved', approved_by = ?, approved_at = ? "
                "WHERE id = ? AND status = 'preview'",
                (actor, to_db(now), ranking_id),
            )
    except IntegrityError:
        return False
    return cur.rowcount == 1


async def schedule(conn: aiosqlite.Connection, ranking_id: int, when: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE rankings SET announce_at = ? WHERE id = ? AND status = 'approved'",
        (to_db(when), ranking_id),
    )
    return cur.rowcount == 1


async def mark_announced(conn: aiosqlite.Connection, ranking_id: int) -> bool:
    cur = await conn.execute(
        "UPDATE rankings SET status = 'announced' WHERE id = ? AND status = 'approved'",
        (ranking_id,),
    )
    return cur.rowcount == 1
