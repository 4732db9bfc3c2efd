"""From tested applicants to the announcement: ranking preview, approval, results once each."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import texts
from bot.clock import ManualClock
from tests.e2e.conftest import WITA, StartBot, make_config
from tests.e2e.journeys import reply_with, tap
from tests.e2e.test_registration_rules import fill_by_service, recruitment_with
from tests.e2e.test_staff_commands import ask, ask_message
from tests.e2e.test_timed_test import S1_START, book_s1, passed_applicant
from tgsim import Simulator, SimUser

pytestmark = pytest.mark.both_engines  # a main journey: on SQLite and on PostgreSQL


ANNOUNCEMENT = datetime(2023, 12, 15, 9, 0, tzinfo=WITA)


async def take_test(user: SimUser, answers: int, lang: str = "id") -> None:
    await user.send("/mulai")
    await reply_with(user, "1/30")
    for _ in range(answers):
        await tap(user, "A")
    await tap(user, texts.get(lang, "test.finish"))
    await tap(user, texts.get(lang, "test.finish_yes"))
    await reply_with(user, "of 30 questions answered" if lang == "en" else "dari 30 soal dijawab")


async def test_small_recruitment_to_announcement(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    bob, carol = sim.user("Bob"), sim.user("Carol")
    group = sim.group("Panitia", members=[bob, carol], admins=[bob])
    path = recruitment_with(tmp_path, quota__accepted=1)
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path,
                                           staff_chat_id=group.chat_id))
    siti, john, ani = sim.user("Siti"), sim.user("John", language_code="en"), sim.user("Ani")
    for n, person in enumerate((siti, john, ani), start=1):
        await passed_applicant(running, person, n)
        await book_s1(person)
    await running.services.applicants.set_language(john.id, "en")
    budi = sim.user("Budi")  # registers, and fails the administrative check
    budi_applicant = await running.services.applicants.seen(budi.id, None, "id")
    await fill_by_service(running.services, budi_applicant.id, nik="5207014508950009")
    outcome, pos = await running.services.registration.submit(budi_applicant.id)
    assert outcome == "submitted" and pos.application
    await running.services.review.decide(pos.application.id, "fail", 1, "Panitia", "Berkas")
    running.services.notify_outbox()
    await reply_with(budi, "tidak lulus seleksi administrasi")
    await bob.wait_for(lambda: any("Pendaftaran #4" in (m.text or "")  # his card, delivered
                                   for m in bob.messages(chat=group)), timeout=10)
    clock.set(S1_START + timedelta(minutes=1))
    await take_test(siti, 30)
    await take_test(john, 2, "en")  # ani never comes: absent
    clock.set(S1_START + timedelta(hours=3))
    await running.services.tick()
    await reply_with(ani, "mengundurkan diri")  # absent

    clock.set(datetime(2023, 12, 2, 10, 0, tzinfo=WITA))  # the final selection
    # (Carol's /peringkat would be refused like /analisis in test_item_analysis: this test
    # keeps within the group's 20 messages a minute, which the item analysis now shares.)
    command = await bob.send("/peringkat", chat=group)
    await bob.next_message_with("Pratinjau peringkat", chat=group, timeout=20)
    sheet, chart, summary = [m for m in bob.messages(chat=group) if m.from_bot and
                             m.extra.get("reply_to_message_id") == command.message_id]
    assert sheet.kind == "document" and chart.kind == "photo"
    assert "2 pendaftar diperingkat, 1 diterima (kuota 1), 2 tidak diperingkat" in summary.text
    book = load_workbook(io.BytesIO(sim.file_bytes(sheet.file["file_id"])))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    ranked = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert len(ranked) == 2 and [r["Peringkat"] for r in ranked] == [1, 2]
    assert ranked[0]["Diterima"] == "Ya" and ranked[1]["Diterima"] == "Tidak"
    assert ranked[0]["Nilai akhir"] > ranked[1]["Nilai akhir"]
    assert [r["Keterangan"] for r in ranked] == ["kursi umum", "di bawah nilai batas"]
    assert not [h for h in header if "_" in str(h)]  # words, not codes
    assert sim.file_bytes(chart.file["file_id"])[:4] == b"\x89PNG"
    await bob.click("✅ Setujui peringkat #1", message=summary)
    await bob.next_message_with("disetujui", chat=group)
    assert "dibekukan" in await ask(bob, group, "/peringkat")  # frozen
    assert "15 Desember 2023 09.00" in await ask(bob, group, "/umumkan")
    await siti.send("/hasil")
    await reply_with(siti, "belum diumumkan")

    clock.set(ANNOUNCEMENT)
    await running.services.tick()
    await running.services.tick()
    accepted = await siti.next_message_with("DITERIMA", timeout=10)
    assert accepted.buttons == [["📄 Hasil saya"]]
    await reply_with(john, "not been accepted")  # the announcement
    await running.outbox.idle.wait()
    for person, words in ((siti, "DITERIMA"), (john, "not been accepted")):
        assert len([m for m in sim.sent_messages(person.id) if words in (m.text or "")]) == 1
    assert not [m for m in sim.sent_messages(ani.id) if "DITERIMA" in (m.text or "")
                or "belum diterima" in (m.text or "")]
    await siti.click("📄 Hasil saya", message=accepted)  # the result again, any time
    assert (await siti.next_message_with("DITERIMA")).message_id > accepted.message_id
    again = await ask(bob, group, "/umumkan sekarang")  # the true state, not "nothing approved"
    assert "sudah diumumkan pada 15 Desember 2023 09.00" in again
    await john.send("/hasil")
    await reply_with(john, "not been accepted")  # after the announcement: his answer
    # Everyone else gets their own plain answer, not "not announced yet".
    await ani.send("/hasil")
    assert "tidak mengikuti tes" in (await reply_with(ani, "sudah diumumkan")).text
    await budi.send("/hasil")
    assert "tidak lulus seleksi administrasi" in (await reply_with(budi, "sudah diumumkan")).text
    stranger = sim.user("Stranger")
    await stranger.send("/hasil")
    assert "tidak mendaftar" in (await reply_with(stranger, "sudah diumumkan")).text
    statuses = await running.services.db.fetchall("SELECT status FROM applications ORDER BY id")
    assert [r[0] for r in statuses] == ["accepted", "not_accepted", "absent", "admin_failed"]
    listing = await ask_message(bob, group, "/daftarditerima")  # the public list, to post
    assert listing.kind == "document" and listing.file is not None
    public = load_workbook(io.BytesIO(sim.file_bytes(listing.file["file_id"])))
    listed = list(public.active.iter_rows(values_only=True))[2:]
    assert listed == [(1, 1, "Siti Aminah", "Taliwang")]
