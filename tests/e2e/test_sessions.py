"""Around the test: practice, refusals of stale/forged/foreign buttons, reminders, absentees,
and the committee's session commands."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.runner import RunningBot
from storage import attempts
from tests.e2e.conftest import StartBot
from tests.e2e.journeys import reply_with, screen, tap
from tests.e2e.test_staff_commands import ask
from tests.e2e.test_staff_review import staff_setup
from tests.e2e.test_timed_test import S1_START, book_s1, passed_applicant, start_test
from tgsim import Simulator

pytestmark = pytest.mark.both_engines  # a main journey: on SQLite and on PostgreSQL


async def test_practice_any_number_of_times_not_scored(sim: Simulator, bot: RunningBot) -> None:
    ani = sim.user("Ani")
    for _ in range(2):
        await ani.send("/latihan")
        question = await reply_with(ani, "LATIHAN · Soal 1/5")
        assert question.text.startswith("LATIHAN · Soal 1/5 · sisa 05:00")
        assert question.protect_content
        for _ in range(5):
            await ani.click("A", message=question)
        await ani.click("🏁 Selesai", message=question)
        await ani.click("Ya, selesai", message=question)
        assert "dari 5 benar" in (await reply_with(ani, "Latihan selesai:")).text
        await reply_with(ani, "Pembahasan latihan")  # (tests/e2e/test_practice_review.py)
    row = await bot.services.db.fetchone("SELECT count(*) FROM attempts WHERE kind = 'test'")
    assert row[0] == 0


async def test_booking_is_once_and_final(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti")
    await passed_applicant(bot, siti)
    await siti.send("/jadwal")
    choices = await reply_with(siti, "Pilih sesi tes kompetensi")
    s2_pick = choices.button_data[1][0]
    await siti.click("S1", message=choices)
    confirm = await reply_with(siti, "Anda memilih sesi S1")
    await siti.click("Ya, pilih sesi ini", message=confirm)
    await reply_with(siti, "Sesi Anda: S1")
    await siti.click_data(s2_pick, choices)  # an old button for another session
    await reply_with(siti, "Sesi tes Anda: S1")
    await siti.click_data(s2_pick.replace(":pick", ":confirm"), choices)  # forged confirm
    await reply_with(siti, "Sesi tes Anda: S1")
    row = await bot.services.db.fetchone(
        "SELECT s.code FROM applications AS p JOIN sessions AS s ON s.id = p.session_id")
    assert row[0] == "S1"
    await siti.send("/jadwal")
    await reply_with(siti, "Sesi tes Anda: S1")


async def test_double_taps_forged_and_foreign_buttons_change_nothing(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running, *_ = await staff_setup(sim, bot_runner, tmp_path)
    siti, budi = sim.user("Siti"), sim.user("Budi")
    await passed_applicant(running, siti, 1)
    await passed_applicant(running, budi, 2)
    await book_s1(siti)
    await book_s1(budi)
    await siti.send("/mulai")  # too early
    await reply_with(siti, "belum dimulai")
    question = await start_test(siti, clock)
    data = question.button_data[0]
    await asyncio.gather(siti.click_data(data[1], question), siti.click_data(data[1], question))
    applicant = await running.services.applicants.seen(siti.id, None, "id")
    attempt = await attempts.latest(running.services.db.reader, applicant.id, "test")
    assert attempt is not None
    assert await attempts.answers(running.services.db.reader, attempt.id) == {0: 1}
    # The answer moved Siti on to question 2 (a picture question is a new message, and the
    # old one is deleted): the live screen is where her buttons are now.
    await siti.wait_for(lambda: "Soal 2/30" in (screen(siti).text or ""), timeout=15)
    live = screen(siti)
    forged = f"t:{attempt.id}:a:99:0"
    assert (await siti.click_data(forged, live)).text == (
        "Tombol ini sudah tidak berlaku. Ketik /menu untuk melanjutkan.")
    foreign = await budi.click_data(data[3], live)
    assert foreign.text == "Tombol ini bukan milik Anda."
    assert await attempts.answers(running.services.db.reader, attempt.id) == {0: 1}


async def test_session_reminders_once_each_and_absentees(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    siti, budi = sim.user("Siti"), sim.user("Budi")
    await passed_applicant(bot, siti, 1)
    await passed_applicant(bot, budi, 2)
    await book_s1(siti)
    await book_s1(budi)
    expected = [
        (S1_START - timedelta(hours=13), "besok"),        # 19:00 the evening before
        (S1_START - timedelta(minutes=60), "1 jam lagi"),
        (S1_START - timedelta(minutes=10), "10 menit lagi"),
        (S1_START, "sudah dimulai"),
    ]
    for moment, words in expected:
        clock.set(moment)
        await bot.services.tick()
        await bot.services.tick()  # twice: still once
        for person in (siti, budi):
            await reply_with(person, words)
    await siti.send("/mulai")
    question = await reply_with(siti, "Soal 1/30")
    await siti.click("📋 Daftar soal", message=question)  # she is really in the test
    clock.set(S1_START + timedelta(hours=2, seconds=1))  # the session is over
    await bot.services.tick()
    await reply_with(budi, "dianggap mengundurkan diri")
    statuses = await bot.services.db.fetchall("SELECT status FROM applications ORDER BY id")
    assert [r[0] for r in statuses] == ["tested", "absent"]
    await bot.outbox.idle.wait()
    assert len([m for m in sim.sent_messages(budi.id) if "mengundurkan" in (m.text or "")]) == 1


async def test_staff_manage_sessions_and_give_extra_minutes(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    siti, budi = sim.user("Siti"), sim.user("Budi")
    application = await passed_applicant(running, siti, 1)
    await passed_applicant(running, budi, 2)
    await book_s1(siti)
    await book_s1(budi)
    listing = await ask(carol, group, "/sesi")
    assert "S1 · 20 November 2023 08.00–10.00 · 2/100 dipesan" in listing
    assert "hanya untuk admin" in await ask(carol, group, "/batalsesi S2")
    assert "Sesi S6 ditambahkan" in await ask(bob, group, "/sesibaru S6 2023-11-22 08:00 10:00 50")
    assert "masa seleksi kompetensi" in await ask(bob, group,
                                                   "/sesibaru S7 2023-12-22 08:00 10:00 50")
    # siti starts; a power cut at her home: 15 extra minutes
    question = await start_test(siti, clock)
    given = await ask(bob, group, f"/tambahwaktu {application} 15")
    assert f"#{application} ditambah 15 menit" in given
    await reply_with(siti, "menambahkan 15 menit")
    question = await tap(siti, "A")
    assert "sisa 75:00" in question.text  # 60 + 15 (the clock has not moved)
    # cancelling S1 releases only those who have not started (budi), who may book again
    done = await ask(bob, group, "/batalsesi S1")
    assert "1 pendaftar dapat memilih sesi lagi" in done
    await reply_with(budi, "dibatalkan oleh panitia")
    await budi.send("/jadwal")
    choices = await reply_with(budi, "Pilih sesi tes kompetensi")
    labels = [label for row in choices.buttons for label in row]
    assert any(label.startswith("S6 · 22 November 2023 08.00") for label in labels)
    assert not any(label.startswith("S1 ") for label in labels)
