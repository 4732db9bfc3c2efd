"""Applications, profiles and documents: what may change when, the NIK held by a submitted
application, and erasure."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest

from storage import registrations, reviews
from storage.db import Database
from storage.registrations import Document
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
LATER = NOW + timedelta(hours=1)
NIK = "5207010101900001"


def doc(kind: str, unique: str = "u") -> Document:
    return Document(kind, f"file-{kind}", f"{unique}-{kind}", "photo", 1000, NOW)


async def test_an_application_is_started_once_and_a_withdrawn_one_starts_afresh(
        db: Database, people: People) -> None:
    person, application = await people.application(1, NOW, status="submitted")
    async with db.write() as conn:  # starting again changes nothing while it counts
        again = await registrations.start_application(conn, person, RECRUITMENT, LATER)
    assert (again.id, again.status, again.submitted_at) == (application, "submitted", NOW)
    async with db.write() as conn:
        await conn.execute("UPDATE applications SET status = 'withdrawn', declarations = "
                           "'{\"true\": true}' WHERE id = ?", (application,))
        fresh = await registrations.start_application(conn, person, RECRUITMENT, LATER)
    assert fresh.id == application  # one application per person and recruitment
    assert (fresh.status, fresh.submitted_at, fresh.declarations, fresh.consent_at) == (
        "registering", None, {}, None)


async def test_consent_and_declarations_change_only_while_the_application_is_open(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW)
    async with db.write() as conn:
        assert await registrations.update_open_application(
            conn, application, NOW, consent_at=NOW, declarations={"true": True})
        assert await registrations.mark_submitted(conn, application, NOW)
        assert not await registrations.update_open_application(
            conn, application, LATER, declarations={})  # submitted: frozen
        with pytest.raises(ValueError, match="not an application column"):
            await registrations.update_open_application(conn, application, LATER, status="x")
    found = await db.fetchone("SELECT consent_at, declarations FROM applications")
    assert tuple(found) == ("2024-03-01T01:00:00.000000+00:00", '{"true": true}')


async def test_an_application_is_submitted_once_and_takes_the_nik_with_it(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, nik=NIK)
    async with db.write() as conn:
        await registrations.update_open_application(conn, application, NOW, editing="phone")
        assert await registrations.mark_submitted(conn, application, NOW)
        assert not await registrations.mark_submitted(conn, application, LATER)
    row = await db.fetchone("SELECT status, nik, submitted_at, editing FROM applications")
    assert tuple(row) == ("submitted", NIK, "2024-03-01T01:00:00.000000+00:00", None)
    assert await registrations.count_submitted(db.reader, RECRUITMENT) == 1


async def test_a_nik_held_by_a_submitted_application_stops_a_second_one_until_released(
        db: Database, people: People) -> None:
    _, holder = await people.application(1, NOW, status="submitted", nik=NIK)
    await people.application(2, NOW, status="submitted", nik=NIK, recruitment="other-2024")
    _, squatter = await people.application(3, NOW, nik=NIK)  # typing it locks nobody out
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        async with db.write() as conn:
            await registrations.update_open_application(conn, squatter, NOW, editing="x")
            await registrations.mark_submitted(conn, squatter, NOW)
    row = await db.fetchone("SELECT status, nik, editing FROM applications WHERE id = ?",
                            (squatter,))
    assert tuple(row) == ("registering", None, None)  # nothing of that transaction stayed
    async with db.write() as conn:  # staff fail the first: the NIK is free again
        assert await reviews.decide(conn, holder, "admin_failed", 9, "staff", "squatted", NOW)
        assert await registrations.mark_submitted(conn, squatter, LATER)
    assert await people.status(squatter) == "submitted"


async def test_profile_values_are_checked_and_only_known_fields_are_written(
        db: Database, people: People) -> None:
    person, _ = await people.application(1, NOW, full_name="Siti", nik=NIK, sex="F")
    for key, bad in (("nik", "52070101"), ("sex", "X"), ("motorbike", 2)):
        with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
            async with db.write() as conn:
                await registrations.set_profile_field(conn, person, key, bad, LATER)
    with pytest.raises(ValueError, match="not a profile field"):
        async with db.write() as conn:
            await registrations.set_profile_field(conn, person, "applicant_id", 2, LATER)
    profile = await registrations.get_profile(db.reader, person)
    assert (profile["full_name"], profile["nik"], profile["sex"], profile["motorbike"]) == (
        "Siti", NIK, "F", None)


async def test_erasure_withdraws_deletes_the_profile_and_files_and_frees_the_nik(
        db: Database, people: People) -> None:
    person, application = await people.application(1, NOW, status="submitted", nik=NIK)
    decided, decided_app = await people.application(2, NOW, status="admin_passed",
                                                    full_name="Budi")
    async with db.write() as conn:
        for who in (person, decided):
            await registrations.put_document(conn, who, doc("ktp", str(who)))
            await registrations.put_document(conn, who, doc("photo", str(who)))
        assert await registrations.erase_personal_data(conn, application, person, LATER)
        assert not await registrations.erase_personal_data(conn, application, person, LATER)
        # decided on: not erasable this way, and nothing of it is touched
        assert not await registrations.erase_personal_data(conn, decided_app, decided, LATER)
    assert await registrations.get_profile(db.reader, person) == {}
    assert await registrations.get_documents(db.reader, person) == {}
    row = await db.fetchone("SELECT status, nik FROM applications WHERE id = ?", (application,))
    assert tuple(row) == ("withdrawn", None)
    assert sorted(await registrations.get_documents(db.reader, decided)) == ["ktp", "photo"]
    assert (await registrations.get_profile(db.reader, decided))["full_name"] == "Budi"
    assert await people.status(decided_app) == "admin_passed"


async def test_after_the_recruitment_only_the_accepted_and_others_applicants_keep_data(
        db: Database, people: People) -> None:
    accepted, _ = await people.application(1, NOW, status="accepted", nik=NIK)
    rejected, rejected_app = await people.application(
        2, NOW, status="not_accepted", nik="5207010101900002")
    elsewhere, _ = await people.application(3, NOW, status="not_accepted", full_name="Ani")
    async with db.write() as conn:
        await registrations.start_application(conn, elsewhere, "next-2025", NOW)
        for who in (accepted, rejected, elsewhere):
            await registrations.put_document(conn, who, doc("ktp", str(who)))
        assert await registrations.erase_not_accepted(conn, RECRUITMENT) == 1
    assert await registrations.get_profile(db.reader, rejected) == {}
    assert await registrations.get_documents(db.reader, rejected) == {}
    assert (await registrations.get_profile(db.reader, accepted))["nik"] == NIK
    assert (await registrations.get_profile(db.reader, elsewhere))["full_name"] == "Ani"
    assert list(await registrations.get_documents(db.reader, elsewhere)) == ["ktp"]
    row = await db.fetchone("SELECT status, nik FROM applications WHERE id = ?",
                            (rejected_app,))
    assert tuple(row) == ("not_accepted", None)  # the application stays, without the NIK


async def test_fix_deadlines_due_are_found_across_time_zones(
        db: Database, people: People) -> None:
    _, due = await people.application(1, NOW, status="submitted")
    _, not_yet = await people.application(2, NOW, status="submitted")
    _, no_deadline = await people.application(3, NOW, status="submitted")
    async with db.write() as conn:
        await reviews.reopen(conn, due, ["ktp"], 9, "staff", NOW, deadline=NOW + timedelta(days=1))
        await reviews.reopen(conn, not_yet, ["ktp"], 9, "staff", NOW,
                             deadline=NOW + timedelta(days=1, seconds=1))
        await reviews.reopen(conn, no_deadline, ["ktp"], 9, "staff", NOW)
    until = (NOW + timedelta(days=1)).astimezone(UTC)  # asked in UTC, stored from WITA
    found = await registrations.fix_deadlines_before(db.reader, RECRUITMENT, until)
    assert found == [(due, 1, "id", NOW + timedelta(days=1))]
