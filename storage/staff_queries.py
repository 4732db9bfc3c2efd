"""Read-only queries for the committee: queue, search, one record, statistics, export, audit."""

from __future__ import annotations

from typing import Any

import aiosqlite

from storage.registrations import PROFILE_COLUMNS

_JOINED = """
    FROM applications AS p
    JOIN applicants AS a ON a.id = p.applicant_id
    LEFT JOIN profiles AS f ON f.applicant_id = a.id
"""


def _dicts(rows: list[aiosqlite.Row]) -> list[dict[str, Any]]:
    return [dict(zip(r.keys(), tuple(r), strict=True)) for r in rows]


async def _all(conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...]
               ) -> list[dict[str, Any]]:
    async with conn.execute(sql, params) as cur:
        return _dicts(list(await cur.fetchall()))


async def pending(conn: aiosqlite.Connection, recruitment: str, offset: int, limit: int
                  ) -> tuple[int, list[dict[str, Any]]]:
    """Submitted applications waiting for a decision, oldest first, and how many there are."""
    where = "WHERE p.recruitment = ? AND p.status = 'submitted'"
    total = (await _all(conn, f"SELECT count(*) AS n {_JOINED} {where}", (recruitment,)))[0]["n"]
    rows = await _all(
        conn,
        f"SELECT f.*, p.id AS application_id, a.id AS applicant_id, p.submitted_at {_JOINED} "
        f"{where} ORDER BY p.submitted_at, p.id LIMIT ? OFFSET ?",
        (recruitment, limit, offset),
    )
    return int(total), rows


async def search(conn: aiosqlite.Connection, recruitment: str, term: str, limit: int = 10
                 ) -> list[dict[str, Any]]:
    """By part of the name (any case), the NIK (or its beginning), or the Telegram username."""
    term = term.strip()
    # % and _ are what they are, not LIKE's wildcards ("/cari %" must not list everyone).
    literal = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await _all(
        conn,
        f"SELECT p.id AS application_id, a.id AS applicant_id, p.status, f.full_name, f.nik, "
        f"a.username {_JOINED} "
        "WHERE p.recruitment = ? AND (lower(f.full_name) LIKE '%' || lower(?) || '%' ESCAPE '\\' "
        "   OR f.nik LIKE ? || '%' OR lower(a.username) = lower(?)) "
        "ORDER BY p.id LIMIT ?",
        (recruitment, literal, term if term.isdigit() else "-", term.lstrip("@"), limit),
    )


async def record(conn: aiosqlite.Connection, application_id: int, recruitment: str
                 ) -> dict[str, Any] | None:
    """One application of this recruitment (another recruitment's is not found)."""
    rows = await _all(
        conn,
        # The profile first: its applicant_id is NULL once erased, and a later column of the
        # same name wins (the record of an erased applicant still leads to their trail).
        f"SELECT f.*, p.id AS application_id, p.status, p.submitted_at, p.decided_by_name, "
        f"p.decided_at, p.decision_reason, p.reopened, a.id AS applicant_id, a.username, "
        f"a.language, a.telegram_id {_JOINED} WHERE p.id = ? AND p.recruitment = ?",
        (application_id, recruitment),
    )
    return rows[0] if rows else None


async def stats(conn: aiosqlite.Connection, recruitment: str) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name, column in (("status", "p.status"), ("district", "f.district"),
                         ("education", "f.education")):
        rows = await _all(
            conn,
            f"SELECT coalesce({column}, '–') AS k, count(*) AS n {_JOINED} "
            "WHERE p.recruitment = ? GROUP BY k ORDER BY n DESC, k",
            (recruitment,),
        )
        out[name] = [(r["k"], r["n"]) for r in rows]
    return out


async def export_rows(conn: aiosqlite.Connection, recruitment: str) -> list[dict[str, Any]]:
    columns = ", ".join(f"f.{c}" for c in PROFILE_COLUMNS)
    return await _all(
        conn,
        f"SELECT p.id AS application_id, a.username, {columns}, p.status, p.submitted_at, "
        f"p.decided_by_name, p.decided_at, p.decision_reason {_JOINED} "
        "WHERE p.recruitment = ? ORDER BY p.id",
        (recruitment,),
    )


async def audit_trail(conn: aiosqlite.Connection, applicant_id: int) -> list[dict[str, Any]]:
    return await _all(
        conn,
        "SELECT at, actor_name, action, detail, allowed FROM audit_log "
        "WHERE applicant_id = ? ORDER BY id",
        (applicant_id,),
    )
