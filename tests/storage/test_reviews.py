"""The administrative check: the first decision wins, drafts are per staff member, prompts are
answered only where they were asked."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import aiosqlite
import pytest

from storage import registrations, reviews
from storage.db import Database
from storage.reviews import Draft
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
LATER = NOW + timedelta(minutes=5)
ANA, BUDI = 101, 102  # staff


async def test_the_first_decision_wins(db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    async with db.write() as conn:
        assert await reviews.decide(conn, application, "admin_passed", ANA, "Ana", None, NOW)
        assert not await reviews.decide(conn, application, "admin_failed", BUDI, "Budi",
                                        "late", LATER)
        assert not await reviews.reopen(conn, application, ["ktp"], BUDI, "Budi", LATER)
    assert await reviews.decision_of(db.reader, application) == reviews.Decision(
        "admin_passed", "Ana", NOW, None, ())
    assert await reviews.decision_of(db.reader, application + 1) is None


async def test_a_decision_needs_a_submitted_application(db: Database, people: People) -> None:
    _, draft = await people.application(1, NOW)
    async with db.write() as conn:
        assert not await reviews.decide(conn, draft, "admin_passed", ANA, "Ana", None, NOW)
        assert not await reviews.reopen(conn, draft, ["ktp"], ANA, "Ana", NOW)
    assert await people.status(draft) == "registering"


async def test_needs_fixing_reopens_exactly_the_items_with_note_and_deadline(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    deadline = NOW + timedelta(days=3)
    async with db.write() as conn:
        await conn.execute("UPDATE applications SET editing = 'phone' WHERE id = ?",
                           (application,))
        assert await reviews.reopen(conn, application, ["ktp", "phone"], ANA, "Ana", NOW,
                                    note="KTP buram", deadline=deadline)
    decision = await reviews.decision_of(db.reader, application)
    assert decision is not None
    assert (decision.status, decision.reopened, decision.decided_at) == (
        "needs_fix", ("ktp", "phone"), NOW)
    row = await db.fetchone("SELECT fix_note, fix_deadline, editing FROM applications")
    assert tuple(row) == ("KTP buram", "2024-03-04T01:00:00.000000+00:00", None)
    async with db.write() as conn:  # fixed and sent again: open for a decision once more
        assert await registrations.mark_submitted(conn, application, LATER)
        assert await reviews.decide(conn, application, "admin_passed", BUDI, "Budi", None,
                                    LATER)


async def test_drafts_are_per_staff_member_and_change_only_what_is_given(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    async with db.write() as conn:
        await reviews.put_draft(conn, application, ANA, NOW, items=("ktp",), deadline_days=3)
        await reviews.put_draft(conn, application, ANA, LATER, note="foto buram")
        await reviews.put_draft(conn, application, BUDI, NOW, typed_reason="NIK ganda")
    assert await reviews.get_draft(db.reader, application, ANA) == Draft(
        items=("ktp",), note="foto buram", deadline_days=3)
    assert await reviews.get_draft(db.reader, application, BUDI) == Draft(
        typed_reason="NIK ganda")
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await reviews.put_draft(conn, application, ANA, LATER, deadline_days=-1)
    with pytest.raises(aiosqlite.IntegrityError, match="CHECK"):
        async with db.write() as conn:
            await reviews.put_draft(conn, application, ANA, LATER, prompt_kind="shout")
    assert (await reviews.get_draft(db.reader, application, ANA)).deadline_days == 3
    async with db.write() as conn:
        await reviews.clear_drafts(conn, application)
    assert await reviews.get_draft(db.reader, application, ANA) == Draft()
    assert await reviews.get_draft(db.reader, application, BUDI) == Draft()


async def test_a_prompt_is_answered_only_by_its_staff_member_in_its_chat(
        db: Database, people: People) -> None:
    _, application = await people.application(1, NOW, status="submitted")
    async with db.write() as conn:
        await reviews.put_draft(conn, application, ANA, NOW, prompt_kind="reason",
                                prompt_message_id=50, prompt_chat_id=-100, asked_at=NOW)
        await reviews.put_draft(conn, application, BUDI, NOW, prompt_message_id=50,
                                prompt_chat_id=-100)  # no prompt open: not an answer
    found = await reviews.prompted(db.reader, ANA, -100, 50)
    assert found is not None and found[0] == application
    assert (found[1].prompt_kind, found[1].asked_at) == ("reason", NOW)
    assert await reviews.prompted(db.reader, ANA, ANA, 50) is None  # same id, another chat
    assert await reviews.prompted(db.reader, BUDI, -100, 50) is None
    assert await reviews.prompted(db.reader, ANA, -100, 51) is None


async def test_documents_shared_with_other_applicants_are_named(
        db: Database, people: People) -> None:
    siti, _ = await people.application(1, NOW)
    budi, budi_app = await people.application(2, NOW)
    ani, _ = await people.application(3, NOW)
    async with db.write() as conn:
        same = registrations.Document("ktp", "f", "SAME", "photo", 1, NOW)
        await registrations.put_document(conn, siti, same)
        await registrations.put_document(conn, budi, same)
        await registrations.put_document(conn, siti, registrations.Document(
            "photo", "g", "OWN", "photo", 1, NOW))
        await registrations.put_document(conn, ani, registrations.Document(
            "photo", "h", "OTHER", "photo", 1, NOW))
    assert await reviews.documents_shared_with_others(db.reader, siti) == {"ktp": [budi_app]}
    assert await reviews.documents_shared_with_others(db.reader, ani) == {}


async def test_the_audit_log_keeps_who_did_what_and_whether_it_was_allowed(
        db: Database, people: People) -> None:
    person, _ = await people.application(1, NOW)
    async with db.write() as conn:
        await reviews.audit(conn, ANA, "Ana", "view_record", NOW, person, {"nama": "Sití"})
        await reviews.audit(conn, BUDI, None, "export", LATER, allowed=False)
    rows = await db.fetchall("SELECT at, actor_id, action, applicant_id, detail, allowed "
                             "FROM audit_log ORDER BY id")
    assert [tuple(r) for r in rows] == [
        ("2024-03-01T01:00:00.000000+00:00", ANA, "view_record", person, '{"nama": "Sití"}', 1),
        ("2024-03-01T01:05:00.000000+00:00", BUDI, "export", None, "{}", 0),
    ]
    assert json.loads(rows[0]["detail"]) == {"nama": "Sití"}


async def test_a_disputed_nik_is_let_go_once_and_only_before_a_session_is_booked(
        db: Database, people: People) -> None:
    nik = "5207010101900001"
    _, squatter = await people.application(1, NOW, status="submitted", nik=nik)
    _, booked = await people.application(2, NOW, status="session_booked",
                                         nik="5207010101900002")
    owner, owner_app = await people.application(3, NOW, nik=nik)
    async with db.write() as conn:
        assert await reviews.reopen(conn, squatter, ["ktp", "nik"], ANA, "Ana", NOW)
        # being fixed, it still holds the NIK
        assert await registrations.nik_holder(conn, owner, RECRUITMENT) == squatter
        assert await reviews.release_nik(conn, squatter, ANA, "Ana", LATER, "bukan NIK-nya") == [
            "ktp", "nik"]  # what was reopened stays reopened, "nik" once
        assert await reviews.release_nik(conn, squatter, ANA, "Ana", LATER, "lagi") is None
        assert await reviews.release_nik(conn, booked, ANA, "Ana", LATER, "terlambat") is None
        assert await registrations.nik_holder(conn, owner, RECRUITMENT) is None
        assert await registrations.mark_submitted(conn, owner_app, LATER)  # the owner's now
    row = await db.fetchone("SELECT status, nik, fix_note FROM applications WHERE id = ?",
                            (squatter,))
    assert tuple(row) == ("needs_fix", None, "bukan NIK-nya")
    row = await db.fetchone("SELECT status, nik FROM applications WHERE id = ?", (booked,))
    assert tuple(row) == ("session_booked", "5207010101900002")
