"""The final selection: rankings are stored whole or not at all, only one is ever approved,
and it is announced once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite
import pytest

from storage import attempts, results
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 20, 9, 0, tzinfo=WITA)
ANA = 101


def ranked(application_id: int, rank: int, accepted: bool = True) -> dict[str, Any]:
    return {"application_id": application_id, "rank": rank, "final_score": 90.0 - rank,
            "test_correct": 40 - rank, "breakdown": {"test": 80.0, "education": 10.0},
            "accepted": accepted, "reason": "ranked"}


async def save(db: Database, rows: list[dict[str, Any]], recruitment: str = RECRUITMENT) -> int:
    async with db.write() as conn:
        return await results.save(conn, recruitment, rows, 85.5, ANA, NOW)


async def test_candidates_are_the_submitted_applications_with_a_finished_test(
        db: Database, people: People) -> None:
    tested, tested_app = await people.application(1, NOW, status="tested", full_name="Siti",
                                                  district="Taliwang")
    testing, testing_app = await people.application(2, NOW, status="testing", full_name="Budi")
    await people.application(3, NOW, full_name="Ani")  # not submitted: not a candidate
    async with db.write() as conn:
        for person, application, done in ((tested, tested_app, True),
                                           (testing, testing_app, False)):
            attempt = await attempts.create(conn, person, application, "test", "v1", [{}], 30,
                                            None, NOW)
            if done:
                await attempts.submit(conn, attempt, "applicant", 37, NOW)
        practice = await attempts.create(conn, testing, None, "practice", "v1", [{}], 30,
                                         None, NOW)
        await attempts.submit(conn, practice, "applicant", 40, NOW)  # practice never counts
    found = await results.candidates(db.reader, RECRUITMENT)
    assert [(c["application_id"], c["status"], c["full_name"], c["test_correct"])
            for c in found] == [(tested_app, "tested", "Siti", 37),
                                (testing_app, "testing", "Budi", None)]
    assert found[0]["district"] == "Taliwang"


async def test_a_ranking_is_stored_whole_or_not_at_all(db: Database, people: People) -> None:
    _, first = await people.application(1, NOW, status="tested", full_name="Siti")
    _, second = await people.application(2, NOW, status="tested")
    with pytest.raises(aiosqlite.IntegrityError):
        await save(db, [ranked(first, 1), ranked(first, 2)])  # the same application twice
    assert await db.fetchall("SELECT * FROM rankings") == []
    ranking = await save(db, [ranked(second, 2, accepted=False), ranked(first, 1)])
    rows = await results.rows(db.reader, ranking)
    assert [(r["rank"], r["application_id"], r["accepted"], r["full_name"]) for r in rows] == [
        (1, first, 1, "Siti"), (2, second, 0, None)]
    assert rows[0]["breakdown"] == {"test": 80.0, "education": 10.0}
    stored = await results.get(db.reader, ranking)
    assert stored is not None and (stored.status, stored.cut_off) == ("preview", 85.5)


async def test_only_one_ranking_of_a_recruitment_is_ever_approved(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="tested")
    first, second = await save(db, [ranked(application, 1)]), await save(db, [])
    elsewhere = await save(db, [], recruitment="other-2024")
    async with db.write() as conn:
        assert await results.approve(conn, first, "Ana", NOW)
        assert not await results.approve(conn, first, "Ana", NOW)
        assert not await results.approve(conn, second, "Budi", NOW)  # refused, not an error
        assert await results.approve(conn, elsewhere, "Ana", NOW)  # another recruitment
        await conn.execute("UPDATE rankings SET cut_off = 1 WHERE id = ?", (second,))
    # the refusal did not spoil the transaction it happened in: the write after it stayed
    assert (await results.get(db.reader, second)).cut_off == 1
    final = await results.final(db.reader, RECRUITMENT)
    assert final is not None and (final.id, final.status, final.approved_by) == (
        first, "approved", "Ana")


async def test_the_announcement_is_scheduled_for_an_approved_ranking_and_made_once(
        db: Database) -> None:
    preview, approved = await save(db, []), await save(db, [])
    when = datetime(2024, 3, 25, 10, 0, tzinfo=WITA)
    async with db.write() as conn:
        assert not await results.schedule(conn, preview, when)  # not approved
        assert await results.approve(conn, approved, "Ana", NOW)
        assert await results.schedule(conn, approved, when.astimezone(UTC))
        assert await results.mark_announced(conn, approved)
        assert not await results.mark_announced(conn, approved)
        assert not await results.schedule(conn, approved, when + timedelta(days=1))
    final = await results.final(db.reader, RECRUITMENT)
    assert final is not None
    assert (final.id, final.status, final.announce_at) == (approved, "announced", when)
    assert (await results.get(db.reader, preview)).announce_at is None
