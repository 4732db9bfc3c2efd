"""The committee's read-only queries: the queue, search, one record, statistics, the export
and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import registrations, reviews, staff_queries
from storage.db import Database
from storage.registrations import PROFILE_COLUMNS
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
ANA = 101


async def test_the_queue_lists_undecided_applications_oldest_first_page_by_page(
        db: Database, people: People) -> None:
    # submitted in this order, whatever the zone of the clock that stamped them
    times = [datetime(2024, 3, 1, 0, 30, tzinfo=UTC), NOW, datetime(2024, 3, 1, 1, 30,
                                                                     tzinfo=UTC)]
    apps = {}
    for telegram_id, at in zip((3, 1, 2), times, strict=True):
        apps[telegram_id] = (await people.application(telegram_id, at, status="submitted",
                                                      full_name=f"P{telegram_id}"))[1]
    await people.application(4, NOW - timedelta(days=1), status="admin_passed")
    await people.application(5, NOW - timedelta(days=1), status="submitted",
                             recruitment="other-2024")
    total, first_page = await staff_queries.pending(db.reader, RECRUITMENT, 0, 2)
    _, second_page = await staff_queries.pending(db.reader, RECRUITMENT, 2, 2)
    assert total == 3
    assert [r["application_id"] for r in first_page + second_page] == [apps[3], apps[1],
                                                                       apps[2]]
    assert [r["full_name"] for r in first_page] == ["P3", "P1"]


async def test_search_by_name_nik_beginning_or_username(db: Database, people: People) -> None:
    _, siti = await people.application(1, NOW, username="SitiA", full_name="Siti Aminah",
                                       nik="5207010101900001")
    _, budi = await people.application(2, NOW, username="budi", full_name="Budi",
                                       nik="5207020101900002")
    await people.application(3, NOW, full_name="Siti Lain", recruitment="other-2024")

    async def found(term: str) -> list[int]:
        return [r["application_id"]
                for r in await staff_queries.search(db.reader, RECRUITMENT, term)]

    assert await found("  aMiNaH ") == [siti]
    assert await found("5207") == [siti, budi]
    assert await found("52070201") == [budi]
    assert await found("01900002") == []  # a NIK is found by its beginning only
    assert await found("@sitia") == [siti]
    assert await found("sit") == [siti]  # a username matches whole, a name in part
    assert await found("bud") == [budi]
    assert len(await staff_queries.search(db.reader, RECRUITMENT, "5207", limit=1)) == 1


async def test_a_record_joins_the_application_the_person_and_the_profile(
        db: Database, people: People) -> None:
    person, application = await people.application(1, NOW, status="submitted",
                                                   username="siti", full_name="Siti")
    async with db.write() as conn:
        await reviews.decide(conn, application, "admin_failed", ANA, "Ana", "NIK ganda", NOW)
    record = await staff_queries.record(db.reader, application, RECRUITMENT)
    assert record is not None
    assert (record["application_id"], record["applicant_id"], record["telegram_id"]) == (
        application, person, 1)
    assert (record["status"], record["decided_by_name"], record["decision_reason"],
            record["full_name"]) == ("admin_failed", "Ana", "NIK ganda", "Siti")
    assert await staff_queries.record(db.reader, application + 1, RECRUITMENT) is None
    # Another recruitment's application (another regency or year) is not this staff's to see.
    _, other = await people.application(2, NOW, status="submitted", recruitment="other-2024")
    assert await staff_queries.record(db.reader, other, RECRUITMENT) is None
    assert await staff_queries.record(db.reader, other, "other-2024") is not None


async def test_the_record_of_an_erased_applicant_still_leads_to_their_audit_trail(
        db: Database, people: People) -> None:
    person, application = await people.application(1, NOW, status="submitted",
                                                   full_name="Siti")
    async with db.write() as conn:
        assert await registrations.erase_personal_data(conn, application, person, NOW)
        await reviews.audit(conn, 0, "pendaftar", "applicant_erased", NOW, person)
    record = await staff_queries.record(db.reader, application, RECRUITMENT)
    assert record is not None and record["status"] == "withdrawn"
    assert record["applicant_id"] == person
    trail = await staff_queries.audit_trail(db.reader, record["applicant_id"])
    assert [t["action"] for t in trail] == ["applicant_erased"]


async def test_statistics_count_every_application_with_a_dash_for_what_is_missing(
        db: Database, people: People) -> None:
    await people.application(1, NOW, status="submitted", district="Taliwang", education="S1")
    await people.application(2, NOW, status="submitted", district="Taliwang")
    await people.application(3, NOW, district="Jereweh")
    await people.application(4, NOW)
    await people.application(5, NOW, district="Taliwang", recruitment="other-2024")
    stats = await staff_queries.stats(db.reader, RECRUITMENT)
    assert stats["status"] == [("registering", 2), ("submitted", 2)]  # ties by name
    assert stats["district"] == [("Taliwang", 2), ("Jereweh", 1), ("–", 1)]
    assert stats["education"] == [("–", 3), ("S1", 1)]


async def test_the_export_has_every_profile_field_of_every_application_in_order(
        db: Database, people: People) -> None:
    _, first = await people.application(1, NOW, status="submitted", username="siti",
                                        full_name="Siti", nik="5207010101900001")
    _, second = await people.application(2, NOW)
    await people.application(3, NOW, recruitment="other-2024")
    rows = await staff_queries.export_rows(db.reader, RECRUITMENT)
    assert [r["application_id"] for r in rows] == [first, second]
    assert set(PROFILE_COLUMNS) <= set(rows[0])
    assert (rows[0]["username"], rows[0]["nik"], rows[0]["submitted_at"]) == (
        "siti", "5207010101900001", "2024-03-01T01:00:00.000000+00:00")
    assert rows[1]["full_name"] is None


async def test_the_audit_trail_is_one_persons_in_the_order_it_happened(
        db: Database, people: People) -> None:
    siti, _ = await people.application(1, NOW)
    budi, _ = await people.application(2, NOW)
    async with db.write() as conn:
        await reviews.audit(conn, ANA, "Ana", "view_record", NOW + timedelta(minutes=2), siti)
        await reviews.audit(conn, ANA, "Ana", "view_record", NOW, budi)
        await reviews.audit(conn, 102, "Budi", "decide", NOW, siti, {"to": "admin_passed"},
                            allowed=False)
    trail = await staff_queries.audit_trail(db.reader, siti)
    assert [(t["action"], t["actor_name"], t["allowed"], t["detail"]) for t in trail] == [
        ("view_record", "Ana", 1, "{}"), ("decide", "Budi", 0, '{"to": "admin_passed"}')]
