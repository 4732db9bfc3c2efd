"""The review that follows a practice round (never a scored test): each question, the
applicant's answer, the right answer (letter and text in the order the options were shown) and
the explanation, in as few messages as Telegram's length limit allows."""

from __future__ import annotations

from bot import texts
from question_bank import DrawnQuestion
from question_bank.schema import LETTERS

MESSAGE_LIMIT = 4096  # Telegram's limit on one message's text
# Each piece is shortened so that one question's review always fits in one message, even
# with every character escaped (`<` becomes `&lt;`): 5 * (200 + 2 * 120 + 300) < 4096.
QUESTION_CHARS, OPTION_CHARS, EXPLANATION_CHARS = 200, 120, 300


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at the end with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _option(q: DrawnQuestion, index: int) -> str:
    return f"<b>{LETTERS[index]}.</b> {texts.escape(shorten(q.options[index], OPTION_CHARS))}"


def item(lang: str, position: int, q: DrawnQuestion, chosen: int | None) -> str:
    """One question's review."""
    yours = (_option(q, chosen) if chosen is not None
             else texts.get(lang, "test.practice_review_no_answer"))
    text = texts.get(lang, "test.practice_review_item",
                     mark="✅" if chosen == q.correct_index else "❌", number=position + 1,
                     question=texts.escape(shorten(q.text, QUESTION_CHARS)), yours=yours,
                     right=_option(q, q.correct_index))
    if q.explanation:
        explanation = texts.escape(shorten(q.explanation, EXPLANATION_CHARS))
        text += "\n" + texts.get(lang, "test.practice_review_explanation",
                                 explanation=explanation)
    return text


def messages(lang: str, questions: list[DrawnQuestion], answers: dict[int, int],
             limit: int = MESSAGE_LIMIT) -> list[str]:
    """The review as messages of at most `limit` characters, a question never split."""
    parts = [texts.get(lang, "test.practice_review_title"),
             *(item(lang, i, q, answers.get(i)) for i, q in enumerate(questions))]
    out: list[str] = []
    for part in parts:
        if out and len(out[-1]) + 2 + len(part) <= limit:
            out[-1] += "\n\n" + part
        else:
            out.append(part)
    return out
