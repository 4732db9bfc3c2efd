"""The staff group's feed: lines posted together, in order, each once; an erased applicant's
lines not posted yet never are."""

from __future__ import annotations

from datetime import datetime

from storage import feed
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)


async def test_lines_come_in_order_per_recruitment_and_are_posted_once(db: Database) -> None:
    async with db.write() as conn:
        for line in ("📥 #1 masuk", "📥 #2 masuk", "#1 Lolos"):
            await feed.add(conn, RECRUITMENT, line, NOW)
        await feed.add(conn, "other-2024", "📥 #9 masuk", NOW)
    batch = await feed.unposted(db.reader, RECRUITMENT)
    assert [line for _, line in batch] == ["📥 #1 masuk", "📥 #2 masuk", "#1 Lolos"]
    async with db.write() as conn:
        await feed.add(conn, RECRUITMENT, "📥 #3 masuk", NOW)  # arrives while posting
        await feed.mark_posted(conn, RECRUITMENT, batch[-1][0])
    assert [line for _, line in await feed.unposted(db.reader, RECRUITMENT)] == ["📥 #3 masuk"]
    assert [line for _, line in await feed.unposted(db.reader, "other-2024")] == ["📥 #9 masuk"]


async def test_an_erased_applicants_unposted_lines_are_dropped_and_nobody_elses(
        db: Database) -> None:
    async with db.write() as conn:
        await feed.add(conn, RECRUITMENT, "📥 #1 masuk", NOW)
        await feed.mark_posted(conn, RECRUITMENT, 1)  # already in the group
        for line in ("#1 Perlu perbaikan", "📥 #11 masuk", "📥 #21 masuk", "📥 #2 masuk"):
            await feed.add(conn, RECRUITMENT, line, NOW)
        await feed.add(conn, "other-2024", "📥 #1 masuk", NOW)
        await feed.drop_unposted(conn, RECRUITMENT, 1)
    assert [line for _, line in await feed.unposted(db.reader, RECRUITMENT)] == [
        "📥 #11 masuk", "📥 #21 masuk", "📥 #2 masuk"]
    assert len(await db.fetchall("SELECT * FROM staff_feed WHERE posted = 1")) == 1
    assert [line for _, line in await feed.unposted(db.reader, "other-2024")] == ["📥 #1 masuk"]
