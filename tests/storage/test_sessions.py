"""Test sessions: a seat is taken only while one is left, cancelling releases the bookings,
absentees are marked once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest

from storage import attempts, sessions
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
START = datetime(2024, 3, 5, 8, 0, tzinfo=WITA)
END = START + timedelta(hours=2)


async def session(db: Database, code: str = "S1", capacity: int = 2,
                  start: datetime = START) -> int:
    async with db.write() as conn:
        assert await sessions.add(conn, RECRUITMENT, code, start, start + timedelta(hours=2),
                                  capacity, NOW)
    found = await sessions.by_code(db.reader, RECRUITMENT, code)
    assert found is not None
    return found.id


async def test_seats_are_taken_only_while_some_are_left(db: Database, people: People) -> None:
    s1 = await session(db, capacity=2)
    apps = [(await people.application(i, NOW, status="admin_passed"))[1] for i in range(3)]
    async with db.write() as conn:
        taken = [await sessions.book(conn, s1, a, NOW) for a in apps]
    assert taken == [True, True, False]
    found = await sessions.get(db.reader, s1)
    assert found is not None and (found.booked, found.seats_left) == (2, 0)
    assert [await people.status(a) for a in apps] == [
        "session_booked", "session_booked", "admin_passed"]
    assert [p[0] for p in await sessions.booked_people(db.reader, s1)] == apps[:2]
    assert (await sessions.of_application(db.reader, apps[0])).code == "S1"
    assert await sessions.of_application(db.reader, apps[2]) is None


async def test_only_an_application_that_passed_the_check_takes_a_seat_once(
        db: Database, people: People) -> None:
    s1 = await session(db, capacity=3)
    _, passed = await people.application(1, NOW, status="admin_passed")
    _, submitted = await people.application(2, NOW, status="submitted")
    async with db.write() as conn:
        assert await sessions.book(conn, s1, passed, NOW)
        assert not await sessions.book(conn, s1, passed, NOW)  # booked already
        assert not await sessions.book(conn, s1, submitted, NOW)
    found = await sessions.get(db.reader, s1)
    assert found is not None and found.booked == 1  # the refused ones gave their seat back


async def test_no_booking_once_the_session_has_started_or_was_cancelled(
        db: Database, people: People) -> None:
    s1 = await session(db, "S1")
    s2 = await session(db, "S2")
    _, application = await people.application(1, NOW, status="admin_passed")
    async with db.write() as conn:
        assert await sessions.cancel(conn, s2, NOW)
        assert not await sessions.book(conn, s2, application, NOW)
        # the start, given in UTC: the comparison is of instants, not of local clock text
        assert not await sessions.book(conn, s1, application, START.astimezone(UTC))
        assert await sessions.book(conn, s1, application,
                                   (START - timedelta(microseconds=1)).astimezone(UTC))


async def test_cancelling_releases_the_bookings_once(db: Database, people: People) -> None:
    s1 = await session(db, capacity=3)
    _, booked = await people.application(1, NOW, status="admin_passed")
    _, testing = await people.application(2, NOW, status="admin_passed")
    async with db.write() as conn:
        assert await sessions.book(conn, s1, booked, NOW)
        assert await sessions.book(conn, s1, testing, NOW)
        await conn.execute("UPDATE applications SET status = 'testing' WHERE id = ?", (testing,))
        assert await sessions.cancel(conn, s1, NOW)
        assert not await sessions.cancel(conn, s1, NOW)
    assert await people.status(booked) == "admin_passed"
    assert await sessions.of_application(db.reader, booked) is None
    assert await people.status(testing) == "testing"  # someone already at it keeps it
    found = await sessions.get(db.reader, s1)
    assert found is not None and (found.status, found.booked) == ("cancelled", 0)


async def test_absentees_are_marked_once_after_the_end(db: Database, people: People) -> None:
    s1 = await session(db, capacity=3)
    person, started = await people.application(1, NOW, status="admin_passed")
    _, absent = await people.application(2, NOW, status="admin_passed")
    async with db.write() as conn:
        for application in (started, absent):
            assert await sessions.book(conn, s1, application, NOW)
        await conn.execute("UPDATE applications SET status = 'tested' WHERE id = ?", (started,))
        attempt = await attempts.create(conn, person, started, "test", "v1", [{}], 30, END,
                                        START)
        await attempts.set_started(conn, attempt, START, END)
        await attempts.submit(conn, attempt, "applicant", 1, END)
        first = await sessions.close_absent(conn, s1, END)
        second = await sessions.close_absent(conn, s1, END)
    assert first == [(absent, 2, "id")] and second == []
    assert [await people.status(a) for a in (started, absent)] == ["tested", "absent"]
    assert await sessions.counts(db.reader, s1) == {"started": 1, "submitted": 1}


async def test_codes_capacity_and_seat_counts_are_checked(db: Database) -> None:
    await session(db, "S1", capacity=1)
    async with db.write() as conn:  # the recruitment file's sessions are added once
        assert not await sessions.add(conn, RECRUITMENT, "S1", START, END, 5, NOW)
        assert await sessions.add(conn, "other-2024", "S1", START, END, 5, NOW)
    for sql in ("UPDATE sessions SET booked = 2 WHERE code = 'S1'",  # above capacity
                "UPDATE sessions SET booked = -1 WHERE code = 'S1'"):
        with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
            async with db.write() as conn:
                await conn.execute(sql)
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await sessions.add(conn, RECRUITMENT, "S0", START, END, 0, NOW)
    assert [s.capacity for s in await sessions.all_sessions(db.reader, RECRUITMENT)] == [1]


async def test_sessions_are_listed_by_start_whatever_zone_they_were_given_in(
        db: Database) -> None:
    await session(db, "A", start=datetime(2024, 3, 5, 9, 0, tzinfo=WITA))     # 01:00 UTC
    await session(db, "B", start=datetime(2024, 3, 5, 0, 30, tzinfo=UTC))     # 00:30 UTC
    await session(db, "C", start=datetime(2024, 3, 5, 8, 45, tzinfo=WITA))    # 00:45 UTC
    listed = await sessions.all_sessions(db.reader, RECRUITMENT)
    assert [s.code for s in listed] == ["B", "C", "A"]
    assert listed[2].start == datetime(2024, 3, 5, 9, 0, tzinfo=WITA)
    async with db.write() as conn:
        await sessions.mark_reminder(conn, listed[0], "h-1")
    found = await sessions.by_code(db.reader, RECRUITMENT, "B")
    assert found is not None and found.reminders == ("h-1",)
