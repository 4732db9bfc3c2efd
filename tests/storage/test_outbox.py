"""The outbox: one message per fact, queued with the fact or not at all, delivered in order and
recorded as sent once."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite
import pytest

from storage import outbox, registrations
from storage.db import Database
from tests.storage.conftest import WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
LATER = NOW + timedelta(seconds=3)


async def test_a_dedupe_key_is_queued_once(db: Database) -> None:
    async with db.write() as conn:
        first = await outbox.enqueue(conn, 1, {"text": "Sesi besok"}, NOW, "reminder:1:h-1")
        again = await outbox.enqueue(conn, 1, {"text": "Sesi besok!"}, LATER, "reminder:1:h-1")
        plain = [await outbox.enqueue(conn, 1, {"text": "hai"}, NOW) for _ in range(2)]
    assert first is not None and again is None
    assert None not in plain and len(set(plain)) == 2  # no key: never taken for a double
    rows = await outbox.pending(db.reader, 0, 10)
    assert [(r.id, r.payload["text"]) for r in rows] == [
        (first, "Sesi besok"), (plain[0], "hai"), (plain[1], "hai")]


async def test_a_message_is_queued_with_its_fact_or_not_at_all(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, nik="5207010101900001")
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            assert await registrations.mark_submitted(conn, application, NOW)
            await outbox.enqueue(conn, 1, {"text": "Terkirim"}, NOW, f"submitted:{application}")
            raise RuntimeError("the card could not be built")
    assert await outbox.pending(db.reader, 0, 10) == []
    assert await people.status(application) == "registering"
    async with db.write() as conn:  # the key was not used up by the failed attempt
        assert await outbox.enqueue(conn, 1, {"text": "x"}, NOW, f"submitted:{application}")


async def test_pending_rows_come_in_id_order_page_by_page(db: Database) -> None:
    async with db.write() as conn:
        ids = [await outbox.enqueue(conn, chat, {"n": n}, NOW)
               for n, chat in enumerate([5, 6, 5, 5, 6])]
        await outbox.mark_attempt(conn, ids[1], "Forbidden", "undeliverable")
    first_page = await outbox.pending(db.reader, 0, 2)
    second_page = await outbox.pending(db.reader, first_page[-1].id, 2)
    rows = first_page + second_page
    assert [r.id for r in rows] == [ids[0], ids[2], ids[3], ids[4]]
    assert [r.payload["n"] for r in rows if r.chat_id == 5] == [0, 2, 3]  # a chat's own order
    assert await outbox.pending(db.reader, rows[-1].id, 2) == []


async def test_a_row_is_recorded_as_sent_once(db: Database) -> None:
    async with db.write() as conn:
        await outbox.enqueue(conn, 5, {"text": "hai"}, NOW)
    [row] = await outbox.pending(db.reader, 0, 10)
    async with db.write() as conn:
        assert await outbox.mark_sent(conn, row, 700, NOW) == outbox.SENT
        assert await outbox.mark_sent(conn, row, 701, LATER) != outbox.SENT  # a second sender
        await outbox.mark_attempt(conn, row.id, "timeout", "failed")  # too late to fail it
        await outbox.replace_pending(conn, row.id, {"text": "other"})  # too late to change it
    stored = await db.fetchone("SELECT status, message_id, sent_at, attempts, last_error, "
                               "payload FROM outbox")
    assert tuple(stored) == ("sent", 700, "2024-03-01T01:00:00.000000+00:00", 1, None,
                             '{"text": "hai"}')
    assert await outbox.pending(db.reader, 0, 10) == []
    assert await outbox.counts(db.reader) == {"sent": 1}


async def test_failed_attempts_are_counted_until_the_row_gives_up(db: Database) -> None:
    async with db.write() as conn:
        row_id = await outbox.enqueue(conn, 5, {"text": "hai"}, NOW)
        assert row_id is not None
        await outbox.mark_attempt(conn, row_id, "RetryAfter 3")
        await outbox.mark_attempt(conn, row_id, "RetryAfter 5")
    [row] = await outbox.pending(db.reader, 0, 10)
    assert row.attempts == 2  # still pending: tried again
    async with db.write() as conn:
        await outbox.mark_attempt(conn, row_id, "Forbidden: bot was blocked", "undeliverable")
    assert await outbox.pending(db.reader, 0, 10) == []
    assert await outbox.counts(db.reader) == {"undeliverable": 1}
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await conn.execute("UPDATE outbox SET status = 'lost' WHERE id = ?", (row_id,))


async def test_a_guarded_message_holds_only_while_its_reason_does(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="admin_passed")
    async with db.write() as conn:
        await outbox.enqueue(conn, 1, {"text": "Pilih sesi"}, NOW,
                             guard=(application, ("admin_passed",)))
    [row] = await outbox.pending(db.reader, 0, 10)
    assert row.guard == {"application": application, "statuses": ["admin_passed"]}
    assert await outbox.guard_holds(db.reader, row.guard)
    async with db.write() as conn:
        await conn.execute("UPDATE applications SET status = 'session_booked'")
    assert not await outbox.guard_holds(db.reader, row.guard)
    assert not await outbox.guard_holds(db.reader, {"application": 999, "statuses": ["x"]})


async def test_a_pending_message_is_sent_as_it_reads_now(db: Database) -> None:
    async with db.write() as conn:
        row_id = await outbox.enqueue(conn, -100, {"text": "Kartu #1"}, NOW)
        assert row_id is not None
        await outbox.replace_pending(conn, row_id, {"text": "Kartu #1: Lolos ✅"})
    [row] = await outbox.pending(db.reader, 0, 10)
    assert row.payload == {"text": "Kartu #1: Lolos ✅"}
