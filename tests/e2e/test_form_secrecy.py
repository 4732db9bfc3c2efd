"""The attack from the audit: read the public bank and recruitment file, guess the application
id, compute the form offline, answer through the bot. A scored form is keyed with the
deployment's secret, so the prediction fails; and a real recruitment does not score on the
public bundled bank at all (the playground's demo does)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.playground import demo_recruitment
from question_bank import bundled_bank, draw, form_seed, score
from question_bank.draw import DrawnQuestion
from storage import attempts
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.journeys import reply_with
from tests.e2e.test_timed_test import S1_START, book_s1, passed_applicant, start_test
from tgsim import Simulator


def ids(form: list[DrawnQuestion]) -> list[str]:
    return [q.question_id for q in form]


async def test_a_form_cannot_be_computed_from_the_public_bank_and_a_guessed_id(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3"))  # bundled allowed
    siti = sim.user("Siti")
    application_id = await passed_applicant(running, siti)
    await book_s1(siti)
    await start_test(siti, clock)
    applicant = await running.services.applicants.seen(siti.id, None, "id")
    attempt = await attempts.latest(running.services.db.reader, applicant.id, "test")
    assert attempt is not None
    served = [DrawnQuestion.from_dict(q) for q in attempt.questions]
    r = running.services.config.recruitment
    bank = bundled_bank()
    # What the attacker computes: the old seed, and keyed seeds with guessable secrets, for
    # every application id they might have.
    guesses = [f"{r.code}:{guess}" for guess in range(1, 51)]
    guesses += [form_seed(secret, r.code, guess) for secret in ("", r.code, "secret", "mitra")
                for guess in range(1, 51)]
    for seed in guesses:
        predicted = draw(bank, r.test.blueprint, seed)
        assert ids(predicted) != ids(served)
    old_way = draw(bank, r.test.blueprint, f"{r.code}:{application_id}")
    keyed = {i: q.correct_index for i, q in enumerate(old_way)}
    assert score(served, keyed) < 20  # the offline key scores about chance, not 30/30
    # Auditable: with the deployment's secret the committee re-derives exactly what was served.
    row = await running.services.db.fetchone(
        "SELECT value FROM deployment_secrets WHERE name = 'draw'")
    assert row is not None and len(row[0]) == 64
    assert draw(bank, r.test.blueprint, form_seed(row[0], r.code, application_id)) == served


async def test_the_draw_secret_can_come_from_the_settings(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                           draw_secret="kunci-rahasia-kantor"))
    ani = sim.user("Ani")
    application_id = await passed_applicant(running, ani)
    await book_s1(ani)
    await start_test(ani, clock)
    applicant = await running.services.applicants.seen(ani.id, None, "id")
    attempt = await attempts.latest(running.services.db.reader, applicant.id, "test")
    assert attempt is not None
    r = running.services.config.recruitment
    expected = draw(bundled_bank(), r.test.blueprint,
                    form_seed("kunci-rahasia-kantor", r.code, application_id))
    assert [DrawnQuestion.from_dict(q) for q in attempt.questions] == expected
    stored = await running.services.db.fetchone("SELECT count(*) FROM deployment_secrets")
    assert stored[0] == 0  # the settings' secret is never copied into the database


async def test_a_real_recruitment_refuses_to_score_on_the_bundled_bank(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    bob, carol = sim.user("Bob"), sim.user("Carol")
    group = sim.group("Panitia", members=[bob, carol], admins=[bob])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", bundled_bank=False,
                                           staff_chat_id=group.chat_id))
    assert not running.services.config.recruitment.test.allow_bundled_bank  # the real file
    siti, budi = sim.user("Siti"), sim.user("Budi")
    await passed_applicant(running, siti, 1)
    await passed_applicant(running, budi, 2)
    await book_s1(siti)
    await book_s1(budi)
    clock.set(S1_START)
    for person in (siti, budi, siti):
        await person.send("/mulai")
        refused = await reply_with(person, "soal tes belum disiapkan panitia")
        assert "Waktu tes Anda belum berjalan" in refused.text
    count = await running.services.db.fetchone("SELECT count(*) FROM attempts")
    assert count[0] == 0  # no form drawn, no clock started
    alert = await bob.next_message_with("belum ada bank soal yang diimpor", chat=group,
                                        timeout=10)
    assert "S1" in alert.text and "/impor" in alert.text
    alerts = [m for m in bob.messages(chat=group) if "belum ada bank soal" in (m.text or "")]
    assert len(alerts) == 1  # once per session, however many applicants try


def test_the_playground_demo_allows_the_bundled_bank() -> None:
    assert demo_recruitment(S1_START).test.allow_bundled_bank


def test_the_playground_demo_keeps_a_session_bookable_for_an_hour() -> None:
    demo = demo_recruitment(S1_START)
    starts = sorted(s.start - S1_START for s in demo.sessions)
    assert starts[0] <= timedelta(minutes=10)  # one to try the test soon
    assert starts[-1] >= timedelta(hours=1)  # and one still bookable an hour later
    assert all(s.end <= demo.stages.test.end for s in demo.sessions)
