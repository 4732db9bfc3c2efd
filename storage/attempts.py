"""Attempts at the test (or a practice round) and their answers, one row per answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.portable import new_id
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
        "duration_min, hard_end_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (applicant_id, application_id, kind, bank_version, json.dumps(questions),
         duration_min, to_db(hard_end) if hard_end else None, to_db(now)),
    )
    return await new_id(cur)


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
    """The first question reached the person: the clock starts, and it is on screen."""
    cur = await conn.execute(
        "UPDATE attempts SET started_at = ?, deadline_at = ?, shown_at = ? "
        "WHERE id = ? AND started_at IS NULL",
        (to_db(started), to_db(deadline_at), to_db(started), attempt_id),
    )
    return cur.rowcount == 1


async def set_current(conn: aiosqlite.Connection, attempt_id: int, position: int,
                      now: datetime) -> None:
    """Question `position` is on screen; shown now, unless it already was (a re-render)."""
    await conn.execute(
        "UPDATE attempts SET shown_at = CASE WHEN current = ? AND shown_at IS NOT NULL "
        "THEN shown_at ELSE ? END, current = ? WHERE id = ? AND status = 'active'",
        (position, to_db(now), position, attempt_id))


async def put_answer(conn: aiosqlite.Connection, attempt_id: int, position: int, choice: int,
                     now: datetime) -> None:
    """Store (or change) an answer with its timing: when that question was shown, if it is
    the one on screen (an answer from an old copy of the message has no known shown time)."""
    await conn.execute(
        "INSERT INTO answers (attempt_id, position, choice, answered_at, shown_at) "
        "VALUES (?, ?, ?, ?, (SELECT shown_at FROM attempts WHERE id = ? AND current = ?)) "
        "ON CONFLICT (attempt_id, position) DO UPDATE SET choice = excluded.choice, "
        "answered_at = excluded.answered_at, shown_at = excluded.shown_at",
        (attempt_id, position, choice, to_db(now), attempt_id, position),
    )


@dataclass(frozen=True)
class AnswerTiming:
    position: int
    choice: int
    shown_at: datetime | None
    answered_at: datetime


async def answer_timings(conn: aiosqlite.Connection, attempt_id: int) -> list[AnswerTiming]:
    """Every answer of an attempt with when its question was shown and when it was answered."""
    async with conn.execute(
        "SELECT position, choice, shown_at, answered_at FROM answers WHERE attempt_id = ? "
        "ORDER BY position", (attempt_id,)
    ) as cur:
        return [AnswerTiming(r[0], r[1], _ts(r[2]), from_db(r[3])) for r in await cur.fetchall()]


async def answers(conn: aiosqlite.Connection, attempt_id: int) -> dict[int, int]:
    async with conn.execute(
        "SELECT position, choice FROM answers WHERE attempt_id = ?", (attempt_id,)
    ) as cur:
        return {r[0]: r[1] for r in await cur.fetchall()}


async def submit(conn: aiosqlite.Connection, attempt_id: int, by: str, score: int,
                 now: datetime, scored_of: int | None = None) -> bool:
    """Once: `score` correct answers of `scored_of` valid questions (None: all it drew)."""
    cur = await conn.execute(
        "UPDATE attempts SET status = 'submitted', submitted_by = ?, score = ?, scored_of = ?, "
        "submitted_at = ? WHERE id = ? AND status = 'active'",
        (by, score, scored_of, to_db(now), attempt_id),
    )
    return cur.rowcount == 1


async def active_timed(conn: aiosqlite.Connection, until: datetime) -> list[Attempt]:
    """Unfinished attempts whose clock runs out by `until`: started ones by their deadline,
    tests never delivered by their session's end (instants are UTC text: they sort as text)."""
    async with conn.execute(
        "SELECT * FROM attempts WHERE status = 'active' AND (deadline_at <= ? "
        "OR (deadline_at IS NULL AND hard_end_at <= ?))", (to_db(until), to_db(until))
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


@dataclass(frozen=True)
class Screen:
    """A message showing an attempt's screen."""

    chat_id: int
    message_id: int
    is_photo: bool


async def add_screen(conn: aiosqlite.Connection, attempt_id: int, screen: Screen) -> None:
    await conn.execute(
        "INSERT INTO attempt_screens (attempt_id, chat_id, message_id, is_photo) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (attempt_id, screen.chat_id, screen.message_id, int(screen.is_photo)))


async def drop_screen(conn: aiosqlite.Connection, attempt_id: int, chat_id: int,
                      message_id: int) -> None:
    await conn.execute(
        "DELETE FROM attempt_screens WHERE attempt_id = ? AND chat_id = ? AND message_id = ?",
        (attempt_id, chat_id, message_id))


async def screens(conn: aiosqlite.Connection, attempt_id: int) -> list[Screen]:
    async with conn.execute(
        "SELECT chat_id, message_id, is_photo FROM attempt_screens WHERE attempt_id = ? "
        "ORDER BY message_id", (attempt_id,)
    ) as cur:
        return [Screen(r[0], r[1], bool(r[2])) for r in await cur.fetchall()]
