"""Review leases: an undecided application is offered to one reviewer at a time, until the
lease runs out; a reviewer who skipped it is not offered it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import leases, reviews
from storage.db import Database
from tests.storage.conftest import RECRUITMENT, WITA, People

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)
LEASE = timedelta(minutes=10)
ANA, BUDI, CITRA = 101, 102, 103


async def take(db: Database, actor: int, now: datetime = NOW) -> int | None:
    async with db.write() as conn:
        return await leases.take_next(conn, RECRUITMENT, actor, now, now + LEASE)


async def submitted(people: People, telegram_id: int, at: datetime) -> int:
    return (await people.application(telegram_id, at, status="submitted"))[1]


async def test_an_application_held_by_one_reviewer_is_refused_to_another_until_it_expires(
        db: Database, people: People) -> None:
    only = await submitted(people, 1, NOW)
    assert await take(db, ANA) == only
    assert await take(db, BUDI) is None
    assert await take(db, BUDI, NOW + LEASE - timedelta(microseconds=1)) is None
    assert await leases.held_by(db.reader, only, NOW + timedelta(minutes=1)) == ANA
    # the lease ends at NOW + LEASE (asked here in UTC): now Budi may have it
    assert await leases.held_by(db.reader, only, (NOW + LEASE).astimezone(UTC)) is None
    assert await take(db, BUDI, (NOW + LEASE).astimezone(UTC)) == only
    assert await leases.held_by(db.reader, only, NOW + LEASE) == BUDI
    assert await take(db, ANA, NOW + LEASE) is None


async def test_a_reviewer_keeps_the_application_they_hold_and_the_lease_is_renewed(
        db: Database, people: People) -> None:
    first = await submitted(people, 1, NOW)
    second = await submitted(people, 2, NOW + timedelta(minutes=1))
    assert await take(db, ANA) == first
    assert await take(db, BUDI) == second
    later = NOW + timedelta(minutes=8)
    assert await take(db, ANA, later) == first  # still theirs, renewed to later + LEASE
    assert await leases.held_by(db.reader, first, NOW + LEASE + timedelta(minutes=1)) == ANA
    assert await leases.held_by(db.reader, second, NOW + LEASE + timedelta(minutes=1)) is None


async def test_the_oldest_submission_is_offered_first_and_decided_ones_never(
        db: Database, people: People) -> None:
    newer = await submitted(people, 1, NOW + timedelta(minutes=5))
    older = await submitted(people, 2, NOW)  # made later, submitted earlier
    await people.application(3, NOW - timedelta(days=1))  # still registering
    await people.application(4, NOW - timedelta(days=1), status="submitted",
                             recruitment="other-2024")
    assert await take(db, ANA) == older
    async with db.write() as conn:
        assert await reviews.decide(conn, older, "admin_passed", ANA, "Ana", None, NOW)
    assert await take(db, ANA) == newer
    assert await take(db, BUDI) is None


async def test_a_skipped_application_goes_to_the_others_only(
        db: Database, people: People) -> None:
    first = await submitted(people, 1, NOW)
    second = await submitted(people, 2, NOW + timedelta(minutes=1))
    assert await take(db, ANA) == first
    async with db.write() as conn:
        await leases.skip(conn, first, ANA)
        await leases.skip(conn, first, ANA)  # twice: no harm
    assert await leases.held_by(db.reader, first, NOW) is None  # released by the skip
    assert await take(db, ANA) == second
    assert await take(db, BUDI) == first


async def test_only_the_holder_releases_a_lease(db: Database, people: People) -> None:
    only = await submitted(people, 1, NOW)
    assert await take(db, ANA) == only
    async with db.write() as conn:
        await leases.release(conn, only, BUDI)
    assert await leases.held_by(db.reader, only, NOW) == ANA
    async with db.write() as conn:
        await leases.release(conn, only, ANA)
    assert await take(db, BUDI) == only


async def test_a_lapsed_lease_does_not_jump_the_queue(db: Database, people: People) -> None:
    older = await submitted(people, 1, NOW)
    newer = await submitted(people, 2, NOW + timedelta(minutes=1))
    assert await take(db, ANA) == older
    assert await take(db, BUDI) == newer  # Budi walks away; the lease lapses
    async with db.write() as conn:
        await leases.release(conn, older, ANA)
    assert await take(db, CITRA, NOW + 2 * LEASE) == older


async def test_a_decision_releases_the_lease_so_a_resubmission_goes_to_whoever_asks(
        db: Database, people: People) -> None:
    only = await submitted(people, 1, NOW)
    assert await take(db, ANA) == only
    async with db.write() as conn:
        assert await reviews.reopen(conn, only, ["ktp"], ANA, "Ana", NOW, note="KTP buram")
    assert await leases.held_by(db.reader, only, NOW) is None
    async with db.write() as conn:  # the applicant fixes it and sends it again
        await conn.execute("UPDATE applications SET status = 'submitted' WHERE id = ?", (only,))
    assert await take(db, BUDI, NOW + timedelta(minutes=1)) == only
