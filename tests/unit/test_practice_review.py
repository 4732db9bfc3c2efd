"""The practice review as text: letters in the order shown, escaped, shortened, and split into
messages that each fit Telegram's limit, a question never cut in two."""

from __future__ import annotations

import html

from bot import texts
from bot.services import practice_review as review
from question_bank import DrawnQuestion


def question(n: int, text: str = "Nilai tengah data disebut ...", correct: int = 2,
             explanation: str | None = "Median adalah nilai tengah.",
             options: tuple[str, ...] = ("modus", "rata-rata", "median", "jangkauan"),
             ) -> DrawnQuestion:
    return DrawnQuestion(question_id=f"Q-{n}", category="statistik_dasar", text=text,
                         options=options, correct_index=correct, explanation=explanation)


def test_each_answer_by_the_letter_the_applicant_saw() -> None:
    questions = [question(1), question(2, correct=0, explanation=None), question(3)]
    messages = review.messages("id", questions, {0: 2, 1: 3})
    assert len(messages) == 1
    title, first, second, third = messages[0].split("\n\n")
    assert title == texts.get("id", "test.practice_review_title")
    assert first == ("✅ <b>Soal 1.</b> Nilai tengah data disebut ...\n"
                     "Jawaban Anda: <b>C.</b> median\nJawaban benar: <b>C.</b> median\n"
                     "Penjelasan: Median adalah nilai tengah.")
    assert second.startswith("❌ <b>Soal 2.</b>") and "Penjelasan" not in second
    assert "Jawaban Anda: <b>D.</b> jangkauan\nJawaban benar: <b>A.</b> modus" in second
    assert "❌ <b>Soal 3.</b>" in third and "Jawaban Anda: tidak dijawab\n" in third
    english = review.messages("en", questions, {})[0]
    assert "Your answer: not answered\nRight answer: <b>C.</b> median" in english


def test_text_from_the_bank_is_escaped_and_shortened() -> None:
    long = "Jika a < b & b > c, maka " + "x" * 400
    item = review.item("id", 0, question(1, text=long, options=("<a>", "b", "c")), 0)
    assert "&lt; b &amp; b &gt; c" in item and "<a>" not in item and "&lt;a&gt;" in item
    assert "…" in item and "x" * (review.QUESTION_CHARS + 1) not in item
    assert review.shorten("  two\n lines  ", 50) == "two lines"
    assert review.shorten("abcdef", 4) == "abc…"


def test_a_long_review_is_split_under_telegrams_limit() -> None:
    worst = "<&>" * 400  # every character escaped, every piece at its longest
    questions = [question(n, text=worst, options=(worst, worst, worst, worst),
                          explanation=worst) for n in range(40)]
    messages = review.messages("id", questions, {n: 1 for n in range(40)})
    assert len(messages) > 1
    assert all(len(m) <= review.MESSAGE_LIMIT for m in messages)
    assert texts.get("id", "test.practice_review_title") in messages[0]
    assert not any(texts.get("id", "test.practice_review_title") in m for m in messages[1:])
    numbers = [line for m in messages for line in m.split("\n") if "<b>Soal " in line]
    assert [html.unescape(n).split("Soal ")[1].split(".")[0] for n in numbers] == [
        str(n + 1) for n in range(40)]  # every question once, in order, none split
