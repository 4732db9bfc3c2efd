"""Every push message carries its next step as a button, and the button goes straight there:
passed -> choose a session; session started -> start the test; needs fixing -> fix it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.runner import RunningBot
from tests.e2e.conftest import WITA
from tests.e2e.journeys import reply_with
from tests.e2e.test_registration_rules import fill_by_service
from tests.e2e.test_timed_test import S1_START
from tgsim import Simulator


async def test_passed_then_session_started_each_one_tap_away(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    svc = bot.services
    siti = sim.user("Siti")
    applicant = await svc.applicants.seen(siti.id, None, "id")
    await fill_by_service(svc, applicant.id, nik="5207014508950001")
    outcome, pos = await svc.registration.submit(applicant.id)
    assert outcome == "submitted" and pos.application
    await svc.review.decide(pos.application.id, "pass", 1, "Panitia")
    svc.notify_outbox()
    passed = await reply_with(siti, "lulus seleksi administrasi")
    assert passed.buttons == [["🗓 Pilih sesi"]]
    await siti.click("🗓 Pilih sesi", message=passed)
    choices = await reply_with(siti, "hanya dapat dipilih satu kali")  # the list, at once
    await siti.click("S1", message=choices)
    confirm = await reply_with(siti, "tidak dapat diubah")
    assert confirm.buttons == [["Ya, pilih sesi ini", "Pilih yang lain"]]
    await siti.click("Pilih yang lain", message=confirm)  # second thoughts: nothing booked
    choices = await reply_with(siti, "hanya dapat dipilih satu kali")
    assert confirm.buttons == []
    assert (await svc.sessions.booking_of(applicant.id))[1] is None
    await siti.click("S1", message=choices)
    confirm = await reply_with(siti, "tidak dapat diubah")
    await siti.click("Ya, pilih sesi ini", message=confirm)
    await reply_with(siti, "Sesi Anda: S1")
    clock.set(S1_START)
    await svc.tick()
    started = await reply_with(siti, "Sesi tes Anda sudah dimulai")
    assert started.buttons == [["▶️ Mulai tes"]]
    await siti.click("▶️ Mulai tes", message=started)
    await reply_with(siti, "Soal 1/30 · sisa 60:00")


async def test_needs_fixing_opens_the_reopened_item_and_reminds_before_its_deadline(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    svc = bot.services
    ani = sim.user("Ani")
    applicant = await svc.applicants.seen(ani.id, None, "id")
    await fill_by_service(svc, applicant.id, nik="5207014508950002")
    outcome, pos = await svc.registration.submit(applicant.id)
    assert outcome == "submitted" and pos.application
    await svc.review_drafts.toggle_item(pos.application.id, 1, "address")
    await svc.review_drafts.next_deadline(pos.application.id, 1)  # one day
    assert (await svc.review.send_back(pos.application.id, 1, "Panitia")).decided
    svc.notify_outbox()
    fix = await reply_with(ani, "perlu diperbaiki")
    assert fix.buttons == [["✏️ Perbaiki sekarang"]]
    assert "Batas perbaikan: 11 November 2023 23.59 WITA." in fix.text
    # A day before the deadline: a reminder, once, with the same button.
    clock.set(datetime(2023, 11, 11, 0, 0, tzinfo=WITA))
    await svc.tick()
    await svc.tick()
    reminder = await reply_with(ani, "Pengingat: perbaikan pendaftaran Anda")
    assert reminder.buttons == [["✏️ Perbaiki sekarang"]]
    await bot.outbox.idle.wait()
    assert len([m for m in sim.sent_messages(ani.id) if "Pengingat" in (m.text or "")]) == 1
    await ani.click("✏️ Perbaiki sekarang", message=reminder)
    await reply_with(ani, "alamat")  # the address prompt, the one item reopened


async def test_the_personal_data_of_those_not_accepted_expires_after_the_announcement(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    svc = bot.services
    ids = []
    for n, nik in enumerate(("5207014508950011", "5207014508950012")):
        person = sim.user(f"P{n}")
        applicant = await svc.applicants.seen(person.id, None, "id")
        await fill_by_service(svc, applicant.id, nik=nik)
        ids.append(applicant.id)
    async with svc.db.write() as conn:  # the outcome of the selection, for this test
        for applicant_id, status in zip(ids, ("accepted", "not_accepted"), strict=True):
            await conn.execute("UPDATE applications SET status = ? WHERE applicant_id = ?",
                               (status, applicant_id))
    announced = svc.config.recruitment.stages.announcement
    clock.set(announced + timedelta(days=89))
    await svc.tick()
    assert len(await svc.db.fetchall("SELECT 1 FROM profiles")) == 2  # not yet
    clock.set(announced + timedelta(days=90))
    await svc.tick()
    kept = await svc.db.fetchall("SELECT applicant_id FROM profiles")
    assert [r[0] for r in kept] == [ids[0]]  # the partner's data stays
    docs = await svc.db.fetchall("SELECT DISTINCT applicant_id FROM documents")
    assert [r[0] for r in docs] == [ids[0]]
    statuses = await svc.db.fetchall("SELECT status FROM applications ORDER BY applicant_id")
    assert [r[0] for r in statuses] == ["accepted", "not_accepted"]  # the record stays
    audit = await svc.db.fetchall("SELECT action, detail FROM audit_log")
    assert [r[0] for r in audit] == ["retention_erase"] and '"people": 1' in audit[0][1]
