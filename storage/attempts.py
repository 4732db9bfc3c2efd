"""Attempts at the test (or a practice round) and their answers, one row per answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Attempt:
    id: int
    applicant_id: int
    application_id: int | None
    kind: str
    bank_version: str
    questions: list[dict[str, Any]]
    current: int
    started_at: datetime | None
    deadline_at: datetime | None
    hard_end_at: datetime | None
    duration_min: int
    extra_minutes: int
    warnings: list[int]
    status: str
    submitted_by: str | None
    score: int | None


def _ts(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _row(r: aiosqlite.Row) -> Attempt:
    return Attempt(r["id"], r["applicant_id"], r["application_id"], r["kind"],
                   r["bank_version"], json.loads(r["questions"]), r["current"],
                   _ts(r["started_at"]), _ts(r["deadline_at"]), _ts(r["hard_end_at"]),
                   r["duration_min"], r["extra_minutes"], json.loads(r["warnings"]),
                   r["status"], r["submitted_by"], r["score"])


async def create(conn: aiosqlite.Connection, applicant_id: int, application_id: int | None,
                 kind: str, bank_version: str, questions: list[dict[str, Any]],
                 duration_min: int, hard_end: datetime | None, now: datetime) -> int:
    cur = await conn.execute(
        "INSERT INTO attempts (applicant_id, application_id, kind, bank_version, questions, "
        "duration_min, hard_end_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (applicant_id, application_id, kind, bank_version, json.dumps(questions),
         duration_min, to_db(hard_end) if hard_end else None, to_db(now)),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def get(conn: aiosqlite.Connection, attempt_id: int) -> Attempt | None:
    async with conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def latest(conn: aiosqlite.Connection, applicant_id: int, kind: str | None = None,
                 active_only: bool = False) -> Attempt | None:
    sql = "SELECT * FROM attempts WHERE applicant_id = ?"
    params: list[Any] = [applicant_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    if active_only:
        sql += " AND status = 'active'"
    async with conn.execute(sql + " ORDER BY id DESC LIMIT 1", params) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def for_application(conn: aiosqlite.Connection, application_id: int) -> Attempt | None:
    async with conn.execute(
        "SELECT * FROM attempts WHERE application_id = ? AND kind = 'test'", (application_id,)
    ) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def set_started(conn: aiosqlite.Connection, attempt_id: int, started: datetime,
                      deadline_at: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE attempts SET started_at = ?, deadline_at = ? "
        "WHERE id = ? AND started_at IS NULL",
        (to_db(started), to_db(deadline_at), attempt_id),
    )
    return cur.rowcount == 1


async def set_current(conn: aiosqlite.Connection, attempt_id: int, position: int) -> None:
    await conn.execute("UPDATE attempts SET current = ? WHERE id = ? AND status = 'active'",
                       (position, attempt_id))


async def put_answer(conn: aiosqlite.Connection, attempt_id: int, position: int, choice: int,
                     now: datetime) -> None:
    await conn.execute(
        "INSERT INTO answers (attempt_id, position, choice, answered_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (attempt_id, position) DO UPDATE SET choice = excluded.choice, "
        "answered_at = excluded.answered_at",
        (attempt_id, position, choice, to_db(now)),
    )


async def answers(conn: aiosqlite.Connection, attempt_id: int) -> dict[int, int]:
    async with conn.execute(
        "SELECT position, choice FROM answers WHERE attempt_id = ?", (attempt_id,)
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}


async def submit(conn: aiosqlite.Connection, attempt_id: int, by: str, score: int,
                 now: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE attempts SET status = 'submitted', submitted_by = ?, score = ?, "
        "submitted_at = ? WHERE id = ? AND status = 'active'",
        (by, score, to_db(now), attempt_id),
    )
    return cur.rowcount == 1


async def active_timed(conn: aiosqlite.Connection) -> list[Attempt]:
    """Unfinished attempts that have a clock: started ones, and tests bound to a session."""
    async with conn.execute(
        "SELECT * FROM attempts WHERE status = 'active' "
        "AND (deadline_at IS NOT NULL OR hard_end_at IS NOT NULL)"
    ) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def set_warnings(conn: aiosqlite.Connection, attempt_id: int, sent: list[int]) -> None:
    await conn.execute("UPDATE attempts SET warnings = ? WHERE id = ?",
                       (json.dumps(sent), attempt_id))


async def extend(conn: aiosqlite.Connection, attempt_id: int, extra_minutes: int,
                 deadline_at: datetime) -> bool:
    cur = await conn.execute(
        "UPDATE attempts SET extra_minutes = ?, deadline_at = ?, warnings = '[]' "
        "WHERE id = ? AND status = 'active' AND started_at IS NOT NULL",
        (extra_minutes, to_db(deadline_at), attempt_id),
    )
    return cur.rowcount == 1
