"""Before the ranking is frozen: 40 applicants take the test on a bank with one wrong key; the
item analysis flags exactly that question; an administrator voids it; every score that held it
and the ranking preview change; approval waits until the session is over."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import ManualClock
from bot.domain.item_analysis import FLAG_WRONG_KEY
from bot.runner import RunningBot
from question_bank import Bank, bundled_bank, export_bank_bytes
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_registration_rules import recruitment_with
from tests.e2e.test_staff_commands import ask, ask_message
from tests.e2e.test_timed_test import S1_START, passed_applicant
from tgsim import SimChat, SimMessage, Simulator, SimUser

N = 40
WRONG = "LOG-003"  # its stored key is made wrong; the truly right option stays among the others
BLUEPRINT = {"mudah": 2, "sedang": 3, "sulit": 1}
LEVEL = {"mudah": 1, "sedang": 2, "sulit": 3}


def small_bank() -> tuple[Bank, str]:
    """Exactly the blueprint's 30 questions (every form holds all of them, in its own order),
    WRONG among them with a wrong key; and WRONG's truly right option."""
    usable = [q for q in bundled_bank().questions if not q.image]
    chosen, groups = [], set()
    for category in ("statistik_dasar", "survei_lapangan", "logika", "numerik",
                     "pengetahuan_bps"):
        for level, count in BLUEPRINT.items():
            cell = [q for q in usable if q.category == category and q.difficulty == LEVEL[level]]
            cell.sort(key=lambda q: q.id != WRONG)  # WRONG first where it belongs
            for q in cell:  # at most one of an exclusion group, as every form would
                if count and not groups & set(q.groups):
                    chosen.append(q)
                    groups |= set(q.groups)
                    count -= 1
    wrong = next(q for q in chosen if q.id == WRONG)
    bad_key = "ABCD"[(wrong.answer_index + 1) % len(wrong.options)]
    chosen = [q.model_copy(update={"answer": bad_key}) if q is wrong else q for q in chosen]
    assert len(chosen) == 30
    return Bank(version="2024-uji", questions=chosen), wrong.options[wrong.answer_index]


async def answer_as(running: RunningBot, applicant_id: int, ability: float, n: int,
                    truly_right: str, stored_wrong: str) -> None:
    """An applicant who knows every question easier than `ability` (and answers it rightly:
    for the wrong-keyed one, the truly right option); the others get a wrong option, except
    that every second applicant who does not know the wrong-keyed one picks its stored key."""
    testing = running.services.testing
    view = await testing.start(applicant_id)
    assert not isinstance(view, str), view
    for position, q in enumerate(view.questions):
        difficulty = 0.15 + 0.6 * (sum(map(ord, q.question_id)) % 29) / 28
        right = truly_right if q.question_id == WRONG else q.correct_text
        if q.question_id == WRONG:
            difficulty = 0.5
        if ability > difficulty:
            text = right
        elif q.question_id == WRONG and n % 2 == 0:
            text = stored_wrong
        else:
            text = next(o for o in q.options if o not in (right, q.correct_text))
        await testing.act(view.attempt.id, applicant_id, position, q.options.index(text))
    await testing.finish(view.attempt.id, applicant_id)


async def recruitment_tested(sim: Simulator, bot_runner: StartBot, clock: ManualClock,
                             tmp_path: Path) -> tuple[RunningBot, SimChat, SimUser, SimUser]:
    path = recruitment_with(tmp_path, sessions=[
        {"code": "S1", "start": "2023-11-20 08:00", "end": "2023-11-20 10:00",
         "capacity": 100}])
    bob, carol = sim.user("Bob"), sim.user("Carol")
    group = sim.group("Panitia Mitra", members=[bob, carol], admins=[bob])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path,
                                           bundled_bank=False, group_cards=False,
                                           staff_chat_id=group.chat_id))
    svc = running.services
    bank, truly_right = small_bank()
    report = await svc.bank.prepare_import(export_bank_bytes(bank, "yaml"), "uji.yaml", 1, "Bob")
    assert report.import_id is not None, report
    assert await svc.bank.decide_import(report.import_id, True, 1, "Bob")
    stored_wrong = next(q for q in bank.questions if q.id == WRONG).options[
        next(q for q in bank.questions if q.id == WRONG).answer_index]
    [session] = await svc.sessions.bookable()
    people = []
    for n in range(1, N + 1):
        user = sim.user(f"Peserta{n}")
        await passed_applicant(running, user, n)
        applicant = await svc.applicants.seen(user.id, None, "id")
        assert await svc.sessions.book(applicant.id, session.id) == "booked"
        people.append(applicant.id)
    clock.set(S1_START + timedelta(minutes=5))
    for n, applicant_id in enumerate(people, start=1):
        await answer_as(running, applicant_id, n / (N + 1), n, truly_right, stored_wrong)
    return running, group, bob, carol


async def posted(person: SimUser, group: SimChat, fragment: str) -> SimMessage:
    """The bot's message in the group with `fragment`, whenever it came (two deliveries of
    one moment may arrive in either order)."""
    def found() -> list[SimMessage]:
        return [m for m in person.messages(chat=group) if m.from_bot and fragment in (m.text or "")]
    await person.wait_for(lambda: bool(found()), timeout=10)
    return found()[0]


async def scores(running: RunningBot) -> dict[int, tuple[int, int | None]]:
    rows = await running.services.db.fetchall(
        "SELECT id, score, scored_of FROM attempts WHERE kind = 'test' ORDER BY id")
    return {r[0]: (r[1], r[2]) for r in rows}


async def test_a_wrong_key_is_flagged_voided_and_every_score_follows(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running, group, bob, carol = await recruitment_tested(sim, bot_runner, clock, tmp_path)
    # The analysis: only administrators; the wrong key is the one question asking for a check.
    assert "hanya untuk admin" in await ask(carol, group, "/analisis")
    sent = await bob.send("/analisis", chat=group)
    workbook = await bob.reply_to(sent, timeout=30)
    assert workbook.file is not None
    summary = await bob.next_message_with("KR-20", chat=group, timeout=10)
    flagged = [line for line in summary.text.splitlines() if line.startswith("• ")]
    assert len(flagged) == 1 and WRONG in flagged[0] and "periksa kunci" in flagged[0], summary.text
    data = sim.file_bytes(workbook.file["file_id"])  # the workbook the staff opened
    sheet = load_workbook(io.BytesIO(data))["Soal"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert len(rows) == 30
    assert [q for q, r in rows.items() if FLAG_WRONG_KEY in str(r)] == [WRONG]

    # A preview before the ruling, while the session still runs: approval is refused.
    clock.set(S1_START + timedelta(minutes=65))
    before = await scores(running)
    preview = await ask_message(bob, group, "/peringkat")
    summary = await bob.next_message_with("Pratinjau peringkat #1", chat=group, timeout=10)
    assert "1 sesi tes sedang berlangsung" in summary.text
    await bob.click("✅ Setujui peringkat #1", message=summary)
    refused = await bob.next_message_with("belum disetujui", chat=group)
    assert "1 sesi tes sedang berlangsung" in refused.text and refused.buttons
    ranked_before = {r["application_id"]: r for r in await running.services.selection.rows(1)}
    assert preview is not None

    # The ruling: administrators only, with a reason; every attempt is rescored.
    assert (await ask(bob, group, f"/batalsoal {WRONG}")).startswith("Tulis kode soal")
    done = await ask(bob, group, f"/batalsoal {WRONG} kunci salah: jawaban benar bukan di kunci")
    assert f"Soal {WRONG} dibatalkan oleh Bob" in done and f"{N} tes memuat soal ini" in done
    after = await scores(running)
    for attempt_id, (correct, of) in after.items():
        assert of == 29  # every form held it; now scored of the 29 valid questions
        wrong_was_right = before[attempt_id][0] - correct
        assert wrong_was_right in (0, 1)
    assert sum(before[a][0] - after[a][0] for a in after) == N // 4  # those who hit the bad key
    # Accepting both the stored and the truly right option instead: everyone who chose either
    # scores it, of all 30 questions; voided again, the scores are as just after the voiding.
    wrong = next(q for q in small_bank()[0].questions if q.id == WRONG)
    letters = ["ABCD"[i] for i, text in enumerate(wrong.options)
               if text in (wrong.options[wrong.answer_index], small_bank()[1])]
    ruled = await running.services.analysis.rule(WRONG, letters, "dua kunci", 1, "Bob")
    assert not isinstance(ruled, str) and ruled.rescored == N
    both = await scores(running)
    assert all(of == 30 for _, of in both.values())
    assert sum(both[a][0] - after[a][0] for a in after) == N // 2 + N // 4  # knowers + lucky
    for bad in (["Z"], ["BC"], ["E"], []):  # no such option / two letters run together
        assert await running.services.analysis.rule(WRONG, bad, "?", 1, "Bob") == "bad_key"
    await running.services.analysis.rule(WRONG, None, "kunci salah", 1, "Bob")
    assert await scores(running) == after
    # The old preview can no longer be approved; a new one shows the ruling and new scores.
    await bob.click("⚠️ Tetap setujui #1 (dicatat)", message=refused)
    assert "sudah usang" in (await bob.next_message_with("Pratinjau #1", chat=group)).text
    await ask_message(bob, group, "/peringkat")
    second = await bob.next_message_with("Pratinjau peringkat #2", chat=group, timeout=10)
    assert f"{WRONG} dibatalkan" in second.text
    ranked_after = {r["application_id"]: r for r in await running.services.selection.rows(2)}
    changed = [a for a in ranked_after
               if ranked_after[a]["final_score"] != ranked_before[a]["final_score"]]
    assert changed and all(ranked_after[a]["test_total"] == 29 for a in ranked_after)
    audit = await running.services.db.fetchall(
        "SELECT actor_name, allowed, detail FROM audit_log WHERE action = 'question_void' "
        "ORDER BY id")
    assert [(r[0], r[1]) for r in audit] == [("Bob", 1), ("Bob", 1)]
    assert json.loads(audit[0][2])["reason"] == "kunci salah: jawaban benar bukan di kunci"

    # After the session's end (and its closing by the tick), approval goes through; then no
    # question can be ruled on any more.
    clock.set(S1_START + timedelta(hours=2, minutes=1))
    await running.services.tick()
    await bob.click("✅ Setujui peringkat #2", message=second)
    approved = await posted(bob, group, "Peringkat #2 disetujui")
    auto = await posted(bob, group, "Analisis butir soal (otomatis")  # by the same tick
    assert approved.text and f"Soal dibatalkan: {WRONG}" in auto.text
    # (the group's 20 messages a minute are spent: the service answers what the command would)
    assert await running.services.analysis.rule(WRONG, ["A"], "terlambat", 1, "Bob") == "frozen"
