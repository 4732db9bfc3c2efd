"""Before the ranking is frozen: the item analysis of the scored test (for administrators, and
to the staff group by itself once the last session is over), and voiding or re-keying a
question, which rescores every attempt that drew it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiosqlite

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.domain import item_analysis as ia
from bot.services.bank import BankService
from bot.services.item_report import item_report_xlsx, summary_lines
from bot.services.review_markup import LANG as STAFF_LANG
from question_bank import DrawnQuestion
from storage import outbox, registrations, results, reviews, rulings, sessions
from storage.db import Database
from storage.timestamps import from_db

LETTERS = "ABCDEFGH"
AUTO_FLAG = "item_analysis_posted"

RuleRefusal = Literal["frozen", "unknown", "bad_key"]


@dataclass(frozen=True)
class Ruled:
    rescored: int  # attempts whose score changed
    drawn: int  # attempts that drew the question


def _seconds(shown_at: str | None, answered_at: str) -> float | None:
    if not shown_at:
        return None
    return max(0.0, (from_db(answered_at) - from_db(shown_at)).total_seconds())


class AnalysisService:
    def __init__(self, db: Database, clock: Clock, config: Config, bank: BankService) -> None:
        self._db, self._clock, self._config, self._bank = db, clock, config, bank
        self._r = config.recruitment

    async def _rulings(self, conn: aiosqlite.Connection
                       ) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
        found = await rulings.all_rulings(conn, self._r.code)
        return (frozenset(q for q, r in found.items() if r.void),
                {q: r.accepted for q, r in found.items() if not r.void})

    async def score(self, conn: aiosqlite.Connection, questions: list[DrawnQuestion],
                    choices: dict[int, int]) -> tuple[int, int]:
        """(correct, valid questions) of a scored attempt, under the rulings made so far."""
        voided, rekeyed = await self._rulings(conn)
        return ia.correct_and_total(ia.from_draw(0, "", questions, choices, rekeyed=rekeyed),
                                    voided)

    async def _attempts(self, conn: aiosqlite.Connection
                        ) -> tuple[list[tuple[dict[str, Any], ia.AttemptData]], frozenset[str]]:
        voided, rekeyed = await self._rulings(conn)
        out = []
        for row in await rulings.scored_attempts(conn, self._r.code):
            questions = [DrawnQuestion.from_dict(q) for q in row["questions"]]
            answers = row["answers"]
            out.append((row, ia.from_draw(
                row["id"], f"#{row['application_id']}", questions,
                {p: a[0] for p, a in answers.items()},
                {p: s for p, a in answers.items() if (s := _seconds(a[1], a[2])) is not None},
                rekeyed)))
        return out, voided

    async def report(self, actor_id: int, actor_name: str) -> tuple[bytes, list[str]] | None:
        """The analysis as a workbook and a short summary; None before any scored attempt."""
        attempts, voided = await self._attempts(self._db.reader)
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, "item_analysis", self._clock.now(),
                                detail={"attempts": len(attempts)})
        if not attempts:
            return None
        data = [a for _, a in attempts]
        analysis = ia.analyse(data, voided)
        suspects = ia.suspicious(data, voided)
        return (item_report_xlsx(analysis, suspects, self._r.name),
                [*summary_lines(analysis, sorted(voided)),
                 texts.get(STAFF_LANG, "staff.analysis_suspects", count=len(suspects))])

    async def rule(self, question_id: str, letters: list[str] | None, reason: str,
                   actor_id: int, actor_name: str) -> Ruled | RuleRefusal:
        """Void a question (`letters` None) or accept it with the options at `letters` (as
        the bank file lists them: A, B, ...) instead of its key; every scored attempt that
        drew it is rescored, in one transaction. Never once a ranking is approved."""
        accepted: list[str] | None = None
        if letters is not None:
            _, bank = await self._bank.active()
            question = next((q for q in bank.questions if q.id == question_id), None)
            if question is None or not letters or any(
                    x not in LETTERS[:len(question.options)] or len(x) != 1 for x in letters):
                return "bad_key"
            accepted = [question.options[LETTERS.index(x)] for x in letters]
        now = self._clock.now()
        async with self._db.write() as conn:
            if await results.final(conn, self._r.code) is not None:
                return "frozen"
            attempts, _ = await self._attempts(conn)
            drew = [row for row, data in attempts
                    if any(r.question_id == question_id for r in data.responses)]
            if not drew:
                return "unknown"
            if accepted is not None and not all(
                    text in next(q for q in drew[0]["questions"]
                                 if q["question_id"] == question_id)["options"]
                    for text in accepted):
                return "bad_key"  # the bank changed since: its options are not the test's
            await rulings.put(conn, self._r.code, question_id, accepted, reason, actor_id,
                              actor_name, now)
            rescored = 0
            attempts, voided = await self._attempts(conn)
            for row, data in attempts:
                correct, total = ia.correct_and_total(data, voided)
                if (correct, total) != (row["score"], row["scored_of"] or len(data.responses)):
                    await rulings.set_score(conn, row["id"], correct, total)
                    rescored += 1
            await reviews.audit(conn, actor_id, actor_name,
                                "question_void" if accepted is None else "question_rekey", now,
                                detail={"question": question_id, "reason": reason,
                                        "keys": letters, "rescored": rescored})
        return Ruled(rescored, len(drew))

    async def tick(self) -> None:
        """Once the last session is over and every attempt is in: the summary to the staff
        group, once (the workbook is a command away)."""
        staff = self._config.settings.staff_chat_id
        if staff is None or await registrations.get_flag(self._db.reader, self._r.code,
                                                         AUTO_FLAG):
            return
        now = self._clock.now()
        held = [s for s in await sessions.all_sessions(self._db.reader, self._r.code)
                if s.status == "open"]
        if not held or any(s.end > now or not s.closed for s in held):
            return
        found = await self._db.fetchone(
            "SELECT count(*) FROM attempts AS t JOIN applications AS p ON p.id = "
            "t.application_id WHERE p.recruitment = ? AND t.kind = 'test' AND "
            "t.status = 'active'", (self._r.code,))
        if found and found[0]:
            return
        attempts, voided = await self._attempts(self._db.reader)
        if not attempts:
            return
        analysis = ia.analyse([a for _, a in attempts], voided)
        text = "\n".join([texts.get(STAFF_LANG, "staff.analysis_auto_title"),
                          *summary_lines(analysis, sorted(voided)),
                          texts.get(STAFF_LANG, "staff.analysis_auto_more")])
        async with self._db.write() as conn:
            if await registrations.get_flag(conn, self._r.code, AUTO_FLAG):
                return
            await registrations.set_flag(conn, self._r.code, AUTO_FLAG, "yes", now)
            await outbox.enqueue(conn, staff, {"text": text, "bulk": True}, now,
                                 f"item-analysis:{self._r.code}")
