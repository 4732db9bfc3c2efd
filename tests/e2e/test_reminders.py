"""Automatic reminders: at most once per applicant, and never when the reason is gone."""

from __future__ import annotations

from datetime import datetime

from bot.clock import ManualClock
from bot.runner import RunningBot
from storage import outbox
from tests.e2e.conftest import WITA
from tests.e2e.journeys import reply_with
from tests.e2e.test_registration_rules import fill_by_service
from tgsim import Simulator

THREE_DAYS_BEFORE_CLOSE = datetime(2023, 11, 27, 9, 0, tzinfo=WITA)  # closes 30 Nov 23:59


async def test_registration_reminder_once_and_not_after_submitting(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    svc = bot.services
    siti, budi = sim.user("Siti"), sim.user("Budi")
    ids = {}
    for n, person in enumerate((siti, budi), start=1):
        applicant = await svc.applicants.seen(person.id, None, "id")
        await fill_by_service(svc, applicant.id, nik=f"520701450895{n:04d}")
        ids[person.id] = applicant.id
    await bot.outbox.stop()  # hold the queue: the reminders are queued, not yet sent
    clock.set(THREE_DAYS_BEFORE_CLOSE)
    await svc.tick()
    await svc.tick()
    outcome, _ = await svc.registration.submit(ids[budi.id])  # Budi submits meanwhile
    assert outcome == "submitted"
    bot.outbox.start()
    bot.outbox.notify()
    reminder = await reply_with(siti, "pendaftaran Anda belum dikirim")
    assert "30 November 2023 23.59" in reminder.text
    await bot.outbox.idle.wait()
    counts = await outbox.counts(svc.db.reader)
    assert counts.get("skipped") == 1
    assert not [m for m in sim.sent_messages(budi.id) if "belum dikirim" in (m.text or "")]
    clock.set(datetime(2023, 11, 29, 9, 0, tzinfo=WITA))  # 1 day before: the second one
    await svc.tick()
    await reply_with(siti, "belum dikirim")  # the second reminder, after the first
    await bot.outbox.idle.wait()
    reminders = [m for m in sim.sent_messages(siti.id) if "belum dikirim" in (m.text or "")]
    assert len(reminders) == 2
