"""Booking once, and the 30-question timed test, through the simulator with a manual clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.runner import RunningBot
from storage import attempts
from tests.e2e.conftest import WITA, StartBot, make_config
from tests.e2e.journeys import arrived, reply_with, screen, tap, words
from tests.e2e.test_registration_rules import fill_by_service, recruitment_with
from tgsim import SimMessage, Simulator, SimUser

S1_START = datetime(2023, 11, 20, 8, 0, tzinfo=WITA)


pytestmark = pytest.mark.both_engines  # a main journey: on SQLite and on PostgreSQL


async def passed_applicant(running: RunningBot, user: SimUser, n: int = 1) -> int:
    """An applicant who registered and passed the administrative check (through services)."""
    svc = running.services
    applicant = await svc.applicants.seen(user.id, None, "id")
    await fill_by_service(svc, applicant.id, nik=f"520701450895{n:04d}")
    outcome, pos = await svc.registration.submit(applicant.id)
    assert outcome == "submitted" and pos.application
    await svc.review.decide(pos.application.id, "pass", 1, "Panitia")
    svc.notify_outbox()
    await reply_with(user, "Anda lulus seleksi administrasi", timeout=60)  # the decision
    return pos.application.id


async def book_s1(user: SimUser) -> SimMessage:
    await user.send("/jadwal")
    choices = await reply_with(user, "Pilih sesi tes kompetensi")
    assert "hanya dapat dipilih satu kali" in choices.text
    await user.click("S1", message=choices)
    confirm = await reply_with(user, "Anda memilih sesi S1")
    assert "tidak dapat diubah" in confirm.text
    await user.click("Ya, pilih sesi ini", message=confirm)
    return await reply_with(user, "Sesi Anda: S1")


async def in_the_test(running: RunningBot, user: SimUser, clock: ManualClock) -> SimMessage:
    """Passed, booked into S1 and started: the first question."""
    await passed_applicant(running, user)
    await book_s1(user)
    return await start_test(user, clock)


async def start_test(user: SimUser, clock: ManualClock) -> SimMessage:
    clock.set(S1_START + timedelta(minutes=5))
    await user.send("/mulai")
    return await reply_with(user, "Soal 1/30")


async def closed(user: SimUser, *screens: SimMessage,
                 final: str = "Tes selesai; jawaban tersimpan.") -> None:
    """Wait until every one of the finished attempt's `screens` shows its final state (no
    question, no buttons); then no screen of a test is left with live buttons."""
    await user.wait_for(lambda: all(final in (s.text or "") for s in screens))
    assert not any(s.buttons for s in screens)
    assert not [m for m in user.messages() if any(
        d.startswith("t:") for row in m.button_data for d in row)]


async def test_book_answer_all_change_some_and_finish(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    siti = sim.user("Siti")
    application_id = await passed_applicant(bot, siti)
    booked = await book_s1(siti)
    assert "Sesi Anda: S1" in booked.text
    await siti.send("/jadwal")
    await reply_with(siti, "Sesi tes Anda: S1")
    question = await start_test(siti, clock)
    assert question.protect_content
    assert question.text.startswith("Soal 1/30 · sisa 60:00")
    for _ in range(30):
        question = await tap(siti, "A")  # every first answer is A; on to the next
    assert question.text.startswith("Soal 30/30")
    await tap(siti, "B")  # change question 30's answer
    question = await tap(siti, "◀️")
    assert question.text.startswith("Soal 29/30")
    await tap(siti, "B")  # and question 29's
    attempt = await attempts.latest(bot.services.db.reader,
                                    (await bot.services.applicants.seen(siti.id, None, "id")).id,
                                    "test")
    assert attempt is not None and attempt.application_id == application_id
    question = screen(siti)
    old_button = question.button_data[0][0]
    question = await tap(siti, "🏁 Selesai")
    assert "0</b> soal belum dijawab" in question.text or "0 soal belum" in question.text
    await tap(siti, "Ya, selesai")
    done = await reply_with(siti, "Tes selesai. ")  # the reply, not the closed screen
    assert "30 dari 30 soal dijawab" in done.text
    await closed(siti, question)  # no longer asks "Selesaikan tes sekarang?"
    assert question.text.startswith("Tes · 30/30 soal dijawab")
    stored = await attempts.answers(bot.services.db.reader, attempt.id)
    assert len(stored) == 30 and stored[28] == stored[29] == 1 and stored[0] == 0
    final = await attempts.get(bot.services.db.reader, attempt.id)
    assert final is not None and final.status == "submitted"
    expected = sum(1 for i, q in enumerate(final.questions) if q["correct_index"] == stored[i])
    assert final.score == expected
    status = await bot.services.db.fetchone(
        "SELECT status FROM applications WHERE id = ?", (application_id,))
    assert status[0] == "tested"
    late = await siti.click_data(old_button, question)  # a later click on the finished test
    assert late.text == "Tes ini sudah selesai; jawaban tidak dapat diubah lagi."
    assert (await attempts.answers(bot.services.db.reader, attempt.id)) == stored


async def test_time_runs_out_and_a_later_click_is_refused(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    budi = sim.user("Budi")
    question = await in_the_test(bot, budi, clock)
    for _ in range(3):
        question = await tap(budi, "C")
    option_d = question.button_data[0][3]
    clock.advance(minutes=50)
    await bot.services.tick()
    await reply_with(budi, "Sisa waktu tes Anda 10 menit")
    clock.advance(minutes=10, seconds=1)
    await bot.services.tick()
    time_up = await reply_with(budi, "Waktu habis")
    assert "3 dari 30" in time_up.text
    await closed(budi, question)
    answer = await budi.click_data(option_d, question)  # a button pressed before it closed
    assert answer.text == "Tes ini sudah selesai; jawaban tidak dapat diubah lagi."


async def test_deadline_passes_while_the_bot_is_down(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    config = make_config(sim, tmp_path / "db.sqlite3")
    first = await bot_runner(config)
    ani = sim.user("Ani")
    await passed_applicant(first, ani)
    await book_s1(ani)
    question = await start_test(ani, clock)
    question = await tap(ani, "B")
    option_a = question.button_data[0][0]
    await first.stop()
    clock.advance(hours=2)
    second = await bot_runner(config)  # start-up acts on the overdue deadline at once
    time_up = await reply_with(ani, "Waktu habis")
    assert "1 dari 30" in time_up.text
    await closed(ani, question)  # the screen sent before the restart too
    answer = await ani.click_data(option_a, question)
    assert answer.text == "Tes ini sudah selesai; jawaban tidak dapat diubah lagi."
    assert second.app.running


async def test_killed_mid_test_keeps_every_answer_and_the_deadline(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    config = make_config(sim, tmp_path / "db.sqlite3")
    first = await bot_runner(config)
    dewi = sim.user("Dewi")
    await passed_applicant(first, dewi)
    await book_s1(dewi)
    question = await start_test(dewi, clock)
    for _ in range(5):
        question = await tap(dewi, "D")
    applicant = await first.services.applicants.seen(dewi.id, None, "id")
    before = await attempts.latest(first.services.db.reader, applicant.id, "test")
    await first.stop()
    clock.advance(minutes=3)
    second = await bot_runner(config)
    await dewi.send("/lanjut")  # on another device: the current question, same clock
    # The copy /lanjut sends: question 6 with 3 minutes gone (they passed while the bot was down).
    again = await reply_with(dewi, "Soal 6/30 · sisa 57:00")
    assert again.text.startswith("Soal 6/30 · sisa 57:00")
    await dewi.click("A", message=question)  # the old copy's buttons still work
    after = await attempts.latest(second.services.db.reader, applicant.id, "test")
    assert before and after and after.deadline_at == before.deadline_at
    assert len(await attempts.answers(second.services.db.reader, after.id)) == 6


async def test_two_hundred_race_for_a_hundred_seats(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    path = recruitment_with(tmp_path, sessions=[
        {"code": "S1", "start": "2023-11-20 08:00", "end": "2023-11-20 10:00", "capacity": 100}])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path))
    users = [sim.user(f"U{i}") for i in range(200)]
    await asyncio.gather(*(passed_applicant(running, u, i + 1) for i, u in enumerate(users)))

    async def pick(user: SimUser) -> SimMessage:
        await user.send("/jadwal")
        choices = await reply_with(user, "Pilih sesi tes kompetensi", timeout=30)
        await user.click("S1", message=choices, timeout=30)
        return await reply_with(user, "Anda memilih sesi S1", timeout=30)

    confirms = await asyncio.gather(*(pick(u) for u in users))

    async def confirm(user: SimUser, message: SimMessage) -> str:
        await user.click("Ya, pilih sesi ini", message=message, timeout=30)
        outcome = await arrived(user, "Sesi Anda: S1", words("id", "test.full"), after=message,
                                timeout=30)  # booked, or the seat went to someone else
        return outcome.text or ""

    outcomes = await asyncio.gather(*(confirm(u, m) for u, m in zip(users, confirms,
                                                                    strict=True)))
    assert sum("Sesi Anda: S1" in o for o in outcomes) == 100
    seats = await running.services.db.fetchone("SELECT booked FROM sessions WHERE code = 'S1'")
    booked = await running.services.db.fetchone(
        "SELECT count(*) FROM applications WHERE status = 'session_booked'")
    assert seats[0] == 100 and booked[0] == 100


async def test_a_double_tap_after_the_deadline_is_answered_in_words_not_an_apology(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    budi = sim.user("Budi")
    question = await in_the_test(bot, budi, clock)
    # One answer first: the chat's updates are handled in order, so by then the bot has
    # recorded when the test started (its clock runs from there).
    question = await tap(budi, "A")
    option_a, option_b = question.button_data[0][0], question.button_data[0][1]
    clock.advance(minutes=61)  # past the deadline, before the tick has seen it
    answers = await asyncio.gather(budi.click_data(option_a, question),
                                   budi.click_data(option_b, question))
    assert {a.text for a in answers} <= {"Waktu tes sudah habis; jawaban itu tidak dapat "
                                         "diterima lagi.",
                                         "Tes ini sudah selesai; jawaban tidak dapat diubah lagi."}
    await reply_with(budi, "Waktu habis")
    await bot.outbox.idle.wait()
    assert not [m for m in sim.sent_messages(budi.id) if "gangguan" in (m.text or "")]
