"""Attempts: one test per application, submitted exactly once, with answer timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest

from storage import attempts
from storage.attempts import Screen
from storage.db import Database
from tests.storage.conftest import WITA, People

NOW = datetime(2024, 3, 5, 8, 0, tzinfo=WITA)
QUESTIONS = [{"id": "q1"}, {"id": "q2"}, {"id": "q3"}]


async def new_attempt(db: Database, people: People, kind: str = "test",
                      hard_end: datetime | None = None, telegram_id: int = 1) -> int:
    person, application = await people.application(telegram_id, NOW, status="session_booked")
    async with db.write() as conn:
        return await attempts.create(conn, person, application if kind == "test" else None,
                                     kind, "v1", QUESTIONS, 30, hard_end, NOW)


async def test_an_attempt_is_submitted_exactly_once(db: Database, people: People) -> None:
    attempt = await new_attempt(db, people)
    async with db.write() as conn:
        assert await attempts.submit(conn, attempt, "applicant", 2, NOW + timedelta(minutes=9))
        # the deadline job arriving a moment later changes nothing
        assert not await attempts.submit(conn, attempt, "deadline", 0, NOW + timedelta(minutes=30))
        assert not await attempts.extend(conn, attempt, 5, NOW + timedelta(minutes=35))
    found = await attempts.get(db.reader, attempt)
    assert found is not None
    assert (found.status, found.submitted_by, found.score) == ("submitted", "applicant", 2)
    row = await db.fetchone("SELECT submitted_at FROM attempts")
    assert row[0] == "2024-03-05T00:09:00.000000+00:00"
    assert await attempts.latest(db.reader, found.applicant_id, active_only=True) is None


async def test_one_test_per_application_but_practice_as_often_as_wanted(
        db: Database, people: People) -> None:
    attempt = await new_attempt(db, people)
    found = await attempts.get(db.reader, attempt)
    assert found is not None
    with pytest.raises(aiosqlite.IntegrityError, match="UNIQUE"):
        async with db.write() as conn:
            await attempts.create(conn, found.applicant_id, found.application_id, "test", "v1",
                                  QUESTIONS, 30, None, NOW)
    async with db.write() as conn:
        for _ in range(2):
            await attempts.create(conn, found.applicant_id, found.application_id, "practice",
                                  "v1", QUESTIONS, 10, None, NOW)
    assert (await attempts.for_application(db.reader, found.application_id)).id == attempt
    latest = await attempts.latest(db.reader, found.applicant_id)
    assert latest is not None and latest.kind == "practice" and latest.id > attempt
    assert (await attempts.latest(db.reader, found.applicant_id, "test")).id == attempt
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await attempts.create(conn, found.applicant_id, None, "exam", "v1", [], 10, None, NOW)


async def test_the_clock_starts_once_and_is_extended_only_while_running(
        db: Database, people: People) -> None:
    hard_end = NOW + timedelta(hours=2)
    attempt = await new_attempt(db, people, hard_end=hard_end)
    start, deadline = NOW + timedelta(minutes=1), NOW + timedelta(minutes=31)
    async with db.write() as conn:
        assert not await attempts.extend(conn, attempt, 5, deadline)  # not started yet
        assert await attempts.set_started(conn, attempt, start, deadline)
        assert not await attempts.set_started(conn, attempt, start + timedelta(minutes=5),
                                              deadline + timedelta(minutes=5))
        await attempts.set_warnings(conn, attempt, [5])
        assert await attempts.extend(conn, attempt, 10, deadline + timedelta(minutes=10))
    found = await attempts.get(db.reader, attempt)
    assert found is not None
    assert (found.started_at, found.deadline_at, found.hard_end_at) == (
        start, deadline + timedelta(minutes=10), hard_end)
    assert found.deadline_at.tzinfo is UTC
    assert (found.extra_minutes, found.warnings) == (10, [])  # warnings are due again


async def test_answers_keep_when_their_question_was_shown(db: Database, people: People) -> None:
    attempt = await new_attempt(db, people)
    t = [NOW + timedelta(seconds=s) for s in range(0, 100, 10)]
    async with db.write() as conn:
        await attempts.set_started(conn, attempt, t[0], t[0] + timedelta(minutes=30))
        await attempts.put_answer(conn, attempt, 0, 2, t[1])      # question 0, shown at t0
        await attempts.set_current(conn, attempt, 1, t[2])        # question 1 shown at t2
        await attempts.set_current(conn, attempt, 1, t[3])        # a re-render: still t2
        await attempts.put_answer(conn, attempt, 1, 0, t[4])
        await attempts.put_answer(conn, attempt, 0, 3, t[5])      # from an old copy: unknown
    timings = await attempts.answer_timings(db.reader, attempt)
    assert [(a.position, a.choice, a.shown_at, a.answered_at) for a in timings] == [
        (0, 3, None, t[5]), (1, 0, t[2], t[4])]
    assert await attempts.answers(db.reader, attempt) == {0: 3, 1: 0}
    async with db.write() as conn:  # once submitted, the screen no longer moves
        await attempts.submit(conn, attempt, "applicant", 1, t[6])
        await attempts.set_current(conn, attempt, 2, t[7])
    assert (await attempts.get(db.reader, attempt)).current == 1


async def test_only_running_attempts_whose_clock_runs_out_are_watched(
        db: Database, people: People) -> None:
    untimed = await new_attempt(db, people, kind="practice", telegram_id=1)
    bound = await new_attempt(db, people, hard_end=NOW + timedelta(hours=2), telegram_id=2)
    started = await new_attempt(db, people, kind="practice", telegram_id=3)
    done = await new_attempt(db, people, hard_end=NOW + timedelta(hours=2), telegram_id=4)
    async with db.write() as conn:
        await attempts.set_started(conn, started, NOW, NOW + timedelta(minutes=10))
        await attempts.submit(conn, done, "deadline", 0, NOW)
    later = NOW + timedelta(hours=3)  # past every clock here
    watched = {a.id for a in await attempts.active_timed(db.reader, later)}
    assert watched == {bound, started}
    assert untimed not in watched
    # Only clocks running out by `until` are read (the tick looks 10 minutes ahead).
    soon = {a.id for a in await attempts.active_timed(db.reader, NOW + timedelta(minutes=10))}
    assert soon == {started}
    assert not await attempts.active_timed(db.reader, NOW + timedelta(minutes=9))


async def test_the_screens_of_an_attempt_are_kept_once_each(
        db: Database, people: People) -> None:
    attempt = await new_attempt(db, people)
    async with db.write() as conn:
        await attempts.add_screen(conn, attempt, Screen(1, 12, True))
        await attempts.add_screen(conn, attempt, Screen(1, 10, False))
        await attempts.add_screen(conn, attempt, Screen(1, 12, True))  # again: no double
        await attempts.drop_screen(conn, attempt, 1, 99)  # not there: nothing happens
    assert await attempts.screens(db.reader, attempt) == [Screen(1, 10, False),
                                                          Screen(1, 12, True)]
    async with db.write() as conn:
        await attempts.drop_screen(conn, attempt, 1, 10)
    assert await attempts.screens(db.reader, attempt) == [Screen(1, 12, True)]
