"""After a practice round (finished, or its time up) the applicant sees the right answers: each
question, their answer, the right answer (letter and text in the order they saw the options)
and the explanation, after "Latihan selesai: X dari 5 benar". A scored test never shows them."""

from __future__ import annotations

from typing import Any

from bot.clock import ManualClock
from bot.runner import RunningBot
from bot.services.practice_review import MESSAGE_LIMIT
from storage import attempts
from tests.e2e.journeys import reply_with, tap
from tests.e2e.test_timed_test import closed, in_the_test
from tgsim import Simulator, SimUser

LETTERS = "ABCDE"


async def practice_form(running: RunningBot, user: SimUser) -> list[dict[str, Any]]:
    applicant = await running.services.applicants.seen(user.id, None, "id")
    attempt = await attempts.latest(running.services.db.reader, applicant.id, "practice")
    assert attempt is not None
    return attempt.questions


def option(q: dict[str, Any], index: int) -> str:
    return f"{LETTERS[index]}. {q['options'][index]}"


async def test_the_practice_review_shows_each_right_answer(
    sim: Simulator, bot: RunningBot
) -> None:
    ani = sim.user("Ani")
    await ani.send("/latihan")
    await reply_with(ani, "LATIHAN · Soal 1/5")
    form = await practice_form(bot, ani)
    # Right, wrong, skipped, right, wrong: 2 of 5.
    chosen: dict[int, int] = {}
    for position, q in enumerate(form):
        right = q["correct_index"]
        if position == 2:
            await tap(ani, "▶️")
            continue
        chosen[position] = right if position in (0, 3) else (right + 1) % len(q["options"])
        await tap(ani, LETTERS[chosen[position]])
    screen = await tap(ani, "🏁 Selesai")
    await tap(ani, "Ya, selesai")
    done = await reply_with(ani, "Latihan selesai:")  # the score, not the closed screen
    assert "2 dari 5 benar" in done.text
    review = await reply_with(ani, "Pembahasan latihan")
    assert review.message_id > done.message_id and len(review.text) <= MESSAGE_LIMIT
    items = review.text.split("\n\n")[1:]
    assert len(items) == len(form)
    for position, (q, item) in enumerate(zip(form, items, strict=True)):
        mark = "✅" if chosen.get(position) == q["correct_index"] else "❌"
        assert item.startswith(f"{mark} Soal {position + 1}. {q['text']}\n"), item
        yours = option(q, chosen[position]) if position in chosen else "tidak dijawab"
        assert f"\nJawaban Anda: {yours}\n" in item, item
        assert f"\nJawaban benar: {option(q, q['correct_index'])}\n" in item, item
        assert item.endswith(f"\nPenjelasan: {q['explanation']}"), item
    await closed(ani, screen, final="Latihan selesai; jawaban tersimpan.")


async def test_when_practice_time_runs_out_the_review_follows_in_english(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    sam = sim.user("Sam", language_code="en")
    await sam.send("/practice")
    first = await reply_with(sam, "PRACTICE · Question 1/5")
    form = await practice_form(bot, sam)
    right = form[0]["correct_index"]
    await tap(sam, LETTERS[right])
    clock.advance(minutes=5, seconds=1)
    await bot.services.tick()
    await reply_with(sam, "Time is up")
    assert "1 of 5 correct" in (await reply_with(sam, "Practice finished:")).text
    review = await reply_with(sam, "Practice review")
    assert f"✅ Question 1. {form[0]['text']}\n" in review.text
    assert f"Your answer: {option(form[0], right)}\n" in review.text
    for position, q in enumerate(form):
        assert f"Question {position + 1}. " in review.text
        assert f"Right answer: {option(q, q['correct_index'])}\n" in review.text
        assert f"Explanation: {q['explanation']}" in review.text
    assert review.text.count("Your answer: not answered") == 4
    await closed(sam, first, final="Practice finished; answers saved.")


async def test_a_scored_test_never_shows_its_answers(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    siti = sim.user("Siti")
    await in_the_test(bot, siti, clock)
    await tap(siti, "A")
    screen = await tap(siti, "🏁 Selesai")
    await tap(siti, "Ya, selesai")
    await reply_with(siti, "1 dari 30 soal dijawab")
    # Everything the submission owes her was queued with it, in the same transaction.
    await closed(siti, screen)
    owed = await bot.services.db.fetchall(
        "SELECT payload FROM outbox WHERE chat_id = ?", (siti.id,))
    assert owed and not [p for (p,) in owed if "Jawaban benar" in p or "Pembahasan" in p]
    assert not [m for m in siti.messages() if "Jawaban benar" in (m.text or "")]
