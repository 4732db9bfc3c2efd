"""Test sessions and bookings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Session:
    id: int
    code: str
    start: datetime
    end: datetime
    capacity: int
    booked: int
    status: str
    closed: bool
    reminders: tuple[str, ...]

    @property
    def seats_left(self) -> int:
        return self.capacity - self.booked


def _row(r: aiosqlite.Row) -> Session:
    return Session(r["id"], r["code"], from_db(r["start_at"]), from_db(r["end_at"]),
                   r["capacity"], r["booked"], r["status"], bool(r["closed"]),
                   tuple(json.loads(r["reminders"])))


async def add(conn: aiosqlite.Connection, recruitment: str, code: str, start: datetime,
              end: datetime, capacity: int, now: datetime) -> bool:
    """A new session; False if the code is taken (the file's sessions are added once)."""
    cur = await conn.execute(
        "INSERT INTO sessions (recruitment, code, start_at, end_at, capacity, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (recruitment, code) DO NOTHING",
        (recruitment, code, to_db(start), to_db(end), capacity, to_db(now)),
    )
    return cur.rowcount == 1


async def all_sessions(conn: aiosqlite.Connection, recruitment: str) -> list[Session]:
    async with conn.execute(
        "SELECT * FROM sessions WHERE recruitment = ? ORDER BY start_at, code", (recruitment,)
    ) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def get(conn: aiosqlite.Connection, session_id: int) -> Session | None:
    async with conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def by_code(conn: aiosqlite.Connection, recruitment: str, code: str) -> Session | None:
    async with conn.execute(
        "SELECT * FROM sessions WHERE recruitment = ? AND code = ?", (recruitment, code)
    ) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def book(conn: aiosqlite.Connection, session_id: int, application_id: int,
               now: datetime) -> bool:
    """Take a seat and book, both or neither: the caller's transaction rolls back on False."""
    seat = await conn.execute(
        "UPDATE sessions SET booked = booked + 1 "
        "WHERE id = ? AND status = 'open' AND booked < capacity AND start_at > ?",
        (session_id, to_db(now)),
    )
    if seat.rowcount != 1:
        return False
    booking = await conn.execute(
        "UPDATE applications SET status = 'session_booked', session_id = ?, booked_at = ?, "
        "updated_at = ? WHERE id = ? AND status = 'admin_passed'",
        (session_id, to_db(now), to_db(now), application_id),
    )
    if booking.rowcount != 1:
        await conn.execute("UPDATE sessions SET booked = booked - 1 WHERE id = ?", (session_id,))
        return False
    return True


async def booked_people(conn: aiosqlite.Connection, session_id: int,
                        statuses: tuple[str, ...] = ("session_booked",)
                        ) -> list[tuple[int, int, str]]:
    """(application id, Telegram id, language) of everyone booked in the session."""
    marks = ",".join("?" * len(statuses))
    async with conn.execute(
        f"SELECT p.id, a.telegram_id, a.language FROM applications AS p "
        f"JOIN applicants AS a ON a.id = p.applicant_id "
        f"WHERE p.session_id = ? AND p.status IN ({marks}) ORDER BY p.id",
        (session_id, *statuses),
    ) as cur:
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def cancel(conn: aiosqlite.Connection, session_id: int, now: datetime) -> bool:
    """Cancel a session and release its bookings (those who have not started)."""
    cur = await conn.execute(
        "UPDATE sessions SET status = 'cancelled', booked = 0 WHERE id = ? AND status = 'open'",
        (session_id,),
    )
    if cur.rowcount != 1:
        return False
    await conn.execute(
        "UPDATE applications SET status = 'admin_passed', session_id = NULL, booked_at = NULL, "
        "updated_at = ? WHERE session_id = ? AND status = 'session_booked'",
        (to_db(now), session_id),
    )
    return True


async def mark_reminder(conn: aiosqlite.Connection, session: Session, kind: str) -> None:
    await conn.execute("UPDATE sessions SET reminders = ? WHERE id = ?",
                       (json.dumps([*session.reminders, kind]), session.id))


async def close_absent(conn: aiosqlite.Connection, session_id: int, now: datetime
                       ) -> list[tuple[int, int, str]]:
    """After the end: everyone booked who never started is absent. Once per session."""
    cur = await conn.execute(
        "UPDATE sessions SET closed = 1 WHERE id = ? AND closed = 0", (session_id,)
    )
    if cur.rowcount != 1:
        return []
    absent = await booked_people(conn, session_id)
    await conn.execute(
        "UPDATE applications SET status = 'absent', updated_at = ? "
        "WHERE session_id = ? AND status = 'session_booked'",
        (to_db(now), session_id),
    )
    return absent


async def counts(conn: aiosqlite.Connection, session_id: int) -> dict[str, int]:
    async with conn.execute(
        "SELECT count(*) FILTER (WHERE t.started_at IS NOT NULL), "
        "count(*) FILTER (WHERE t.status = 'submitted') FROM attempts AS t "
        "JOIN applications AS p ON p.id = t.application_id "
        "WHERE t.kind = 'test' AND p.session_id = ?",
        (session_id,),
    ) as cur:
        row = await cur.fetchone()
    return {"started": row[0] if row else 0, "submitted": row[1] if row else 0}


async def of_application(conn: aiosqlite.Connection, application_id: int) -> Session | None:
    async with conn.execute(
        "SELECT s.* FROM sessions AS s JOIN applications AS p ON p.session_id = s.id "
        "WHERE p.id = ?",
        (application_id,),
    ) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None
