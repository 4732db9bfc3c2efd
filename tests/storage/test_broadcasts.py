"""Broadcasts: who is in a segment, a draft sent (or cancelled) once, and its progress."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite
import pytest

from storage import broadcasts, outbox, sessions
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
GROUP, ANA = -100, 101


async def draft(db: Database, segment: str = "semua") -> int:
    async with db.write() as conn:
        return await broadcasts.create(conn, RECRUITMENT, "Pengumuman", segment, ANA, "Ana", NOW)


async def test_each_segment_reaches_exactly_its_people(db: Database, people: People) -> None:
    registering, _ = await people.application(11, NOW)
    passed, _ = await people.application(12, NOW, status="admin_passed")
    booked, booked_app = await people.application(13, NOW, status="admin_passed")
    await people.application(14, NOW, status="withdrawn")
    accepted, _ = await people.application(15, NOW, status="accepted")
    await people.application(16, NOW, status="admin_passed", recruitment="other-2024")
    async with db.write() as conn:
        start = NOW + timedelta(days=3)
        await sessions.add(conn, RECRUITMENT, "S1", start, start + timedelta(hours=2), 5, NOW)
        await sessions.add(conn, "other-2024", "S1", start, start + timedelta(hours=2), 5, NOW)
        s1 = await sessions.by_code(conn, RECRUITMENT, "S1")
        assert await sessions.book(conn, s1.id, booked_app, NOW)

    async def audience(segment: str) -> list[tuple[int, int]]:
        return await broadcasts.audience(db.reader, RECRUITMENT, segment)

    assert await audience("semua") == [(registering, 11), (passed, 12), (booked, 13),
                                       (accepted, 15)]
    assert await audience("belum_kirim") == [(registering, 11)]
    assert await audience("belum_pilih_sesi") == [(passed, 12)]
    assert await audience("sesi:S1") == [(booked, 13)]
    assert await audience("sesi:S2") == []
    assert await audience("diterima") == [(accepted, 15)]
    with pytest.raises(KeyError):
        await audience("everyone; DROP TABLE applicants")


async def test_a_draft_is_queued_or_cancelled_once(db: Database) -> None:
    first, second = await draft(db), await draft(db)
    async with db.write() as conn:
        assert await broadcasts.mark(conn, first, "queued", recipients=3)
        assert not await broadcasts.mark(conn, first, "cancelled")  # a second button press
        assert await broadcasts.mark(conn, second, "cancelled")
        assert not await broadcasts.mark(conn, second, "queued", recipients=9)
    got = [await broadcasts.get(db.reader, b) for b in (first, second)]
    assert [(b.status, b.recipients) for b in got] == [("queued", 3), ("cancelled", None)]
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await broadcasts.mark(conn, await broadcasts.create(
                conn, RECRUITMENT, "x", "semua", ANA, "Ana", NOW), "sent")


async def test_progress_is_kept_and_the_queued_ones_with_a_message_are_followed(
        db: Database) -> None:
    followed, unannounced = await draft(db), await draft(db)
    async with db.write() as conn:
        for b in (followed, unannounced):
            assert await broadcasts.mark(conn, b, "queued", recipients=2)
        await broadcasts.set_progress(conn, followed, GROUP, 55, "0/2")
        await broadcasts.set_progress(conn, followed, None, None, "1/2")  # an edit: same message
        rows = [await outbox.enqueue(conn, chat, {"text": "Pengumuman"}, NOW,
                                     broadcast_id=followed) for chat in (1, 2)]
        await outbox.mark_attempt(conn, rows[1], "Forbidden", "undeliverable")
    got = await broadcasts.get(db.reader, followed)
    assert got is not None
    assert (got.progress_chat, got.progress_msg, got.progress_text) == (GROUP, 55, "1/2")
    assert [b.id for b in await broadcasts.queued(db.reader)] == [followed]
    assert await broadcasts.delivery(db.reader, followed) == {"pending": 1, "undeliverable": 1}
    assert await broadcasts.delivery(db.reader, unannounced) == {}
