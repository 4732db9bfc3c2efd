"""Applicants: one row per Telegram account, kept fresh on each contact."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite
import pytest

from storage import applicants, attempts, registrations, reviews
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
LATER = NOW + timedelta(hours=2)


async def test_first_contact_creates_later_contacts_only_refresh_the_username(
        db: Database) -> None:
    async with db.write() as conn:
        first = await applicants.upsert_seen(conn, 42, "siti", "en", NOW)
    async with db.write() as conn:  # same name again: nothing changes, not even updated_at
        same = await applicants.upsert_seen(conn, 42, "siti", "id", LATER)
    async with db.write() as conn:  # a new username: kept; the chosen language is not touched
        renamed = await applicants.upsert_seen(conn, 42, "siti_a", "id", LATER)
    assert same == first
    assert (renamed.id, renamed.language, renamed.created_at) == (first.id, "en", NOW)
    assert (renamed.username, renamed.updated_at) == ("siti_a", LATER)
    assert len(await db.fetchall("SELECT * FROM applicants")) == 1


async def test_the_language_is_set_only_for_someone_known_and_only_to_a_known_one(
        db: Database) -> None:
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 42, None, "id", NOW)
        assert await applicants.set_language(conn, 42, "en", LATER)
        assert not await applicants.set_language(conn, 43, "en", LATER)  # a stranger
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await applicants.set_language(conn, 42, "jv", LATER)
    found = await applicants.get_by_telegram_id(db.reader, 42)
    assert found is not None and (found.language, found.updated_at) == ("en", LATER)
    assert await applicants.get_by_telegram_id(db.reader, 43) is None


async def test_times_come_back_as_the_instants_given(db: Database) -> None:
    async with db.write() as conn:
        await applicants.upsert_seen(conn, 42, None, "id", NOW)
    found = await applicants.get_by_telegram_id(db.reader, 42)
    assert found is not None
    assert found.created_at == NOW and found.created_at.utcoffset() == timedelta(0)
    row = await db.fetchone("SELECT created_at FROM applicants")
    assert row is not None and row[0] == "2024-03-01T01:00:00.000000+00:00"


async def test_deleting_an_applicant_takes_everything_of_theirs_but_the_audit_trail(
        db: Database, people: People) -> None:
    person, application = await people.application(
        42, NOW, status="submitted", full_name="Siti", nik="5207000000000001")
    other, other_app = await people.application(43, NOW, full_name="Budi")
    async with db.write() as conn:
        await registrations.put_document(conn, person, registrations.Document(
            "ktp", "f1", "u1", "photo", 10, NOW))
        attempt = await attempts.create(conn, person, application, "test", "v1", [{}], 30,
                                        None, NOW)
        await attempts.put_answer(conn, attempt, 0, 1, NOW)
        await reviews.put_draft(conn, application, 7, NOW, note="blurry")
        await reviews.audit(conn, 7, "staff", "view_record", NOW, person)
    async with db.write() as conn:
        await conn.execute("DELETE FROM applicants WHERE id = ?", (person,))
    for table in ("documents", "attempts", "answers", "review_drafts"):
        assert await db.fetchall(f"SELECT * FROM {table}") == [], table
    assert [r[0] for r in await db.fetchall("SELECT applicant_id FROM profiles")] == [other]
    assert [r[0] for r in await db.fetchall("SELECT id FROM applications")] == [other_app]
    [entry] = await db.fetchall("SELECT applicant_id, action FROM audit_log")
    assert tuple(entry) == (None, "view_record")  # kept, no longer pointing at anyone
    assert (await registrations.get_application(db.reader, other, RECRUITMENT)) is not None
