"""What an attempt owes its applicant, queued in the outbox inside the caller's transaction: a
message, the final state of every copy of its screen when it ends, and after a practice round
(never a scored test) the score and the review."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot import texts
from bot.services import practice_review
from question_bank import DrawnQuestion
from storage import attempts as store
from storage import outbox
from storage.attempts import Attempt


async def recipient(conn: aiosqlite.Connection, applicant_id: int) -> tuple[int, str]:
    """The applicant's chat and language."""
    async with conn.execute("SELECT telegram_id, language FROM applicants WHERE id = ?",
                            (applicant_id,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return row[0], row[1]


async def tell(conn: aiosqlite.Connection, attempt: Attempt, key: str, now: datetime,
               dedupe: str | None = None, **params: object) -> None:
    chat_id, lang = await recipient(conn, attempt.applicant_id)
    await outbox.enqueue(conn, chat_id, {"text": texts.get(lang, key, **params)}, now, dedupe)


async def close_screens(conn: aiosqlite.Connection, attempt: Attempt, now: datetime,
                        only: list[store.Screen] | None = None) -> None:
    """Every copy of the ended attempt's screen (or `only` these) becomes its final state:
    no question, no buttons, "finished; answers saved"."""
    _, lang = await recipient(conn, attempt.applicant_id)
    key = "test.practice_screen_done" if attempt.kind == "practice" else "test.screen_done"
    text = texts.get(lang, key, answered=len(await store.answers(conn, attempt.id)),
                     total=len(attempt.questions))
    for screen in only if only is not None else await store.screens(conn, attempt.id):
        field = "caption" if screen.is_photo else "text"
        await outbox.enqueue(
            conn, screen.chat_id,
            {"method": f"edit_{field}", "message_id": screen.message_id, field: text},
            now, f"screen-done:{attempt.id}:{screen.chat_id}:{screen.message_id}")


async def review_practice(conn: aiosqlite.Connection, attempt: Attempt,
                          questions: list[DrawnQuestion], answers: dict[int, int], points: int,
                          now: datetime) -> None:
    """A practice round's score, then its review."""
    assert attempt.kind == "practice", "a scored test never shows its answers"
    chat_id, lang = await recipient(conn, attempt.applicant_id)
    done = texts.get(lang, "test.practice_done", score=points, total=len(questions))
    for text in [done, *practice_review.messages(lang, questions, answers)]:
        await outbox.enqueue(conn, chat_id, {"text": text}, now)
