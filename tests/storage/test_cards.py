"""Card copies: where every copy of a review card is, and, on erasure, everything posted to
staff about an application."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite
import pytest

from storage import cards, outbox
from storage.cards import Copy
from storage.db import Database
from tests.storage.conftest import WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
GROUP, ANA = -100, 101


async def test_copies_are_known_by_message_once_sent_and_by_row_while_queued(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    _, other = await people.application(2, NOW, status="submitted")
    async with db.write() as conn:
        queued = await outbox.enqueue(conn, GROUP, {"text": "card"}, NOW)
        sent = await outbox.enqueue(conn, GROUP, {"text": "card"}, NOW)
        await cards.add(conn, application, GROUP, outbox_id=queued)
        await cards.add(conn, application, GROUP, outbox_id=sent)
        await cards.add(conn, application, ANA, message_id=40)  # a re-post by /antrian
        await cards.add(conn, application, GROUP, message_id=30, is_card=False, count=3)
        await cards.add(conn, other, GROUP, message_id=50)
    [_, row] = await outbox.pending(db.reader, 0, 10)
    async with db.write() as conn:
        await outbox.mark_sent(conn, row, 31, NOW)
    assert await cards.copies(db.reader, application) == [
        Copy(GROUP, None, queued), Copy(GROUP, 31, None), Copy(ANA, 40, None)]


async def test_erasure_empties_the_outbox_and_lists_every_message_to_delete(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    _, other = await people.application(2, NOW, status="submitted")
    async with db.write() as conn:
        album = await outbox.enqueue(conn, GROUP, {"media": ["ktp", "foto"]}, NOW)
        card = await outbox.enqueue(conn, GROUP, {"text": "Siti, NIK 5207..."}, NOW)
        kept = await outbox.enqueue(conn, GROUP, {"text": "Budi"}, NOW)
        await cards.add(conn, application, GROUP, outbox_id=album, is_card=False, count=2)
        await cards.add(conn, application, GROUP, outbox_id=card)
        await cards.add(conn, application, ANA, message_id=77)
        await cards.add(conn, other, GROUP, outbox_id=kept)
    rows = await outbox.pending(db.reader, 0, 10)
    async with db.write() as conn:
        await outbox.mark_sent(conn, rows[0], 20, NOW)  # the album went out as 20, 21
        posted = await cards.erase(conn, application)
    assert posted == [(GROUP, [20, 21]), (ANA, [77])]  # the queued card has no message yet
    stored = {r["id"]: (r["status"], json.loads(r["payload"]))
              for r in await db.fetchall("SELECT id, status, payload FROM outbox")}
    assert stored[album] == ("sent", {})  # nothing of the person left in the outbox
    assert stored[card] == ("skipped", {})  # and never sent now
    assert stored[kept] == ("pending", {"text": "Budi"})
    assert await cards.copies(db.reader, application) == []
    assert await cards.copies(db.reader, other) == [Copy(GROUP, None, kept)]
    async with db.write() as conn:
        assert await cards.erase(conn, application) == []  # a second erasure: nothing left


async def test_a_copy_must_be_findable_and_count_at_least_one_message(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    for kwargs in ({}, {"message_id": 5, "count": 0}):
        with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
            async with db.write() as conn:
                await cards.add(conn, application, GROUP, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(aiosqlite.IntegrityError, match="FOREIGN KEY"):
        async with db.write() as conn:
            await cards.add(conn, application, GROUP, outbox_id=999)
    assert await db.fetchall("SELECT * FROM card_copies") == []
