"""The timed test (and practice rounds): start, answer, move, finish, and the clock.

Every answer is stored before it is acknowledged; the deadline lives in the database, so a
restart, a second device or an old copy of the message never changes the time or an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import aiosqlite

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.domain import testing as rules
from bot.services import attempt_messages as owed
from bot.services import review_markup
from bot.services.analysis import AnalysisService
from bot.services.bank import BankService
from question_bank import DrawnQuestion, draw, form_seed, practice_bank, score
from storage import attempts as store
from storage import outbox, reviews, secrets, sessions
from storage import registrations as applications
from storage.attempts import Attempt
from storage.db import Database
from storage.timestamps import to_db

StartRefusal = Literal["not_booked", "not_yet", "ended", "done", "closed", "no_bank"]
STAFF_LANG = review_markup.LANG  # the staff group reads Indonesian


@dataclass(frozen=True)
class View:
    """Everything a screen of the test needs."""

    attempt: Attempt
    questions: list[DrawnQuestion]
    answers: dict[int, int]
    now: datetime

    @property
    def left(self) -> str:
        """Time left; before the first delivery, the whole duration."""
        a = self.attempt
        if a.deadline_at is None:
            return rules.format_remaining(timedelta(minutes=a.duration_min + a.extra_minutes))
        return rules.format_remaining(rules.remaining(a.deadline_at, self.now))

    @property
    def unanswered(self) -> int:
        return len(self.questions) - len(self.answers)


class Refused(Exception):
    def __init__(self, reason: str, view: View | None = None) -> None:
        super().__init__(reason)
        self.reason, self.view = reason, view


class TestService:
    def __init__(self, db: Database, clock: Clock, config: Config, bank: BankService,
                 analysis: AnalysisService) -> None:
        self._db, self._clock, self._bank, self._analysis = db, clock, bank, analysis
        self._r, self._settings = config.recruitment, config.settings

    async def start(self, applicant_id: int) -> View | StartRefusal:
        """The applicant's test attempt (created on first start, resumed afterwards)."""
        now = self._clock.now()
        async with self._db.write() as conn:
            application = await applications.get_application(conn, applicant_id, self._r.code)
            if application is None:
                return "not_booked"
            existing = await store.for_application(conn, application.id)
            if existing is not None:
                if existing.status == "submitted":
                    return "done"
                return await self._view(conn, existing.id)
            if application.status != "session_booked":
                return "done" if application.status in ("tested", "absent") else "not_booked"
            session = await sessions.of_application(conn, application.id)
            if session is None:
                return "not_booked"
            if now < session.start:
                return "not_yet"
            if now >= session.end:
                return "ended"
            scoring = await self._bank.for_scoring()
            if scoring is None:
                await self._tell_staff_no_bank(conn, session.id, session.code, now)
                return "no_bank"
            version, bank = scoring
            seed = form_seed(await self._draw_secret(conn, now), self._r.code, application.id)
            drawn = draw(bank, self._r.test.blueprint, seed)
            attempt_id = await store.create(
                conn, applicant_id, application.id, "test", version,
                [q.to_dict() for q in drawn], self._r.test.minutes, session.end, now)
            await conn.execute(
                "UPDATE applications SET status = 'testing', updated_at = ? WHERE id = ?",
                (to_db(now), application.id))
            return await self._view(conn, attempt_id)

    async def _draw_secret(self, conn: aiosqlite.Connection, now: datetime) -> str:
        """DRAW_SECRET from the settings, else the one made at first use and kept."""
        if self._settings.draw_secret is not None:
            return self._settings.draw_secret.get_secret_value()
        return await secrets.get_or_create(conn, "draw", now)

    async def _tell_staff_no_bank(self, conn: aiosqlite.Connection, session_id: int,
                                  code: str, now: datetime) -> None:
        """Once per session: applicants are waiting and only the public bank is there."""
        staff = self._settings.staff_chat_id
        if staff is not None:
            await outbox.enqueue(conn, staff, {"text": texts.get(STAFF_LANG, "test.staff_no_bank",
                                                                 code=code)},
                                 now, f"no-bank:{session_id}")

    async def start_practice(self, applicant_id: int) -> View:
        now = self._clock.now()
        bank = practice_bank()
        blueprint = self._practice_blueprint(bank.counts())
        drawn = draw(bank, blueprint, f"practice:{applicant_id}:{now.timestamp()}")
        async with self._db.write() as conn:
            old = await store.latest(conn, applicant_id, "practice", active_only=True)
            if old is not None and await store.submit(conn, old.id, "applicant", 0, now):
                await owed.close_screens(conn, old, now)  # a new round replaces it
            attempt_id = await store.create(
                conn, applicant_id, None, "practice", bank.version,
                [q.to_dict() for q in drawn], self._r.test.practice_minutes, None, now)
            return await self._view(conn, attempt_id)

    def _practice_blueprint(self, counts: dict[str, int]) -> dict[str, int]:
        """`practice_questions` spread over the categories, one each first."""
        wanted, plan = self._r.test.practice_questions, {c: 0 for c in sorted(counts)}
        while sum(plan.values()) < min(wanted, sum(counts.values())):
            for category in plan:
                if sum(plan.values()) < wanted and plan[category] < counts[category]:
                    plan[category] += 1
        return {c: n for c, n in plan.items() if n}

    async def delivered(self, attempt_id: int) -> View:
        """The first question reached the person: the clock starts now (once)."""
        now = self._clock.now()
        async with self._db.write() as conn:
            attempt = await store.get(conn, attempt_id)
            assert attempt is not None
            if attempt.started_at is None:
                deadline = rules.deadline(now, attempt.duration_min, attempt.extra_minutes,
                                          attempt.hard_end_at)
                await store.set_started(conn, attempt_id, now, deadline)
            return await self._view(conn, attempt_id)

    async def current(self, applicant_id: int) -> View | None:
        """The applicant's unfinished attempt (test first, then practice), for /lanjut."""
        attempt = await store.latest(self._db.reader, applicant_id, "test", active_only=True)
        attempt = attempt or await store.latest(self._db.reader, applicant_id, "practice",
                                                active_only=True)
        return await self._view(self._db.reader, attempt.id) if attempt else None

    async def act(self, attempt_id: int, applicant_id: int, position: int,
                  choice: int | None = None) -> View:
        """Show question `position` (and answer it with `choice`). Raises Refused."""
        now = self._clock.now()
        async with self._db.write() as conn:
            problem, view = await self._check(conn, attempt_id, applicant_id, now)
            if problem is None and not 0 <= position < len(view.questions):
                problem = "forged"
            if problem is None and choice is not None:
                if 0 <= choice < len(view.questions[position].options):
                    await store.put_answer(conn, attempt_id, position, choice, now)
                else:
                    problem = "forged"
            if problem is None:
                await store.set_current(conn, attempt_id, position, now)
                view = await self._view(conn, attempt_id)
        if problem is not None:
            raise Refused(problem, view)
        return view

    async def finish(self, attempt_id: int, applicant_id: int) -> View:
        now = self._clock.now()
        async with self._db.write() as conn:
            problem, view = await self._check(conn, attempt_id, applicant_id, now)
            if problem is None:
                view = await self._submit(conn, attempt_id, "applicant", now)
        if problem is not None:
            raise Refused(problem, view)
        return view

    async def screen_shown(self, attempt_id: int, chat_id: int, message_id: int,
                           is_photo: bool) -> bool:
        """A message now shows the attempt's screen. True: the attempt has ended meanwhile,
        and the message's final state is queued already (the outbox is to be told)."""
        now, screen = self._clock.now(), store.Screen(chat_id, message_id, is_photo)
        async with self._db.write() as conn:
            attempt = await store.get(conn, attempt_id)
            if attempt is None:
                return False
            await store.add_screen(conn, attempt_id, screen)
            if attempt.status == "active":
                return False
            await owed.close_screens(conn, attempt, now, [screen])
            return True

    async def screen_gone(self, attempt_id: int, chat_id: int, message_id: int) -> None:
        """A screen message was deleted (or left without buttons): nothing to close there."""
        async with self._db.write() as conn:
            await store.drop_screen(conn, attempt_id, chat_id, message_id)

    async def view(self, attempt_id: int) -> View | None:
        if await store.get(self._db.reader, attempt_id) is None:
            return None
        return await self._view(self._db.reader, attempt_id)

    async def _check(self, conn: aiosqlite.Connection, attempt_id: int, applicant_id: int,
                     now: datetime) -> tuple[str | None, View | None]:
        """Why this person may not act on this attempt now (None: they may). An attempt whose
        time is up is submitted here, in the caller's transaction."""
        attempt = await store.get(conn, attempt_id)
        if attempt is None or attempt.applicant_id != applicant_id:
            return "not_yours", None
        if attempt.status != "active":
            return "finished", await self._view(conn, attempt_id)
        if attempt.deadline_at is not None and now >= attempt.deadline_at:
            return "late", await self._submit(conn, attempt_id, "deadline", now)
        return None, await self._view(conn, attempt_id)

    async def _submit(self, conn: aiosqlite.Connection, attempt_id: int, by: str,
                      now: datetime) -> View:
        view = await self._view(conn, attempt_id)
        points, of = score(view.questions, view.answers), len(view.questions)
        if view.attempt.kind == "test":  # under the rulings made so far (a voided question)
            points, of = await self._analysis.score(conn, view.questions, view.answers)
        if await store.submit(conn, attempt_id, by, points, now,
                              of if of != len(view.questions) else None):
            attempt = view.attempt
            if attempt.kind == "test" and attempt.application_id is not None:
                await conn.execute(
                    "UPDATE applications SET status = 'tested', updated_at = ? "
                    "WHERE id = ? AND status = 'testing'",
                    (to_db(now), attempt.application_id))
            await owed.close_screens(conn, attempt, now)
            if by == "deadline":
                await owed.tell(conn, attempt, "test.time_up", now,
                                answered=len(view.answers), total=len(view.questions))
            if attempt.kind == "practice":
                await owed.review_practice(conn, attempt, view.questions, view.answers, points,
                                           now)
        return await self._view(conn, attempt_id)

    async def _view(self, conn: aiosqlite.Connection, attempt_id: int) -> View:
        attempt = await store.get(conn, attempt_id)
        assert attempt is not None
        questions = [DrawnQuestion.from_dict(q) for q in attempt.questions]
        return View(attempt, questions, await store.answers(conn, attempt_id),
                    self._clock.now())

    async def tick(self) -> None:
        """Submit attempts whose time is up; queue the minutes-left warnings."""
        now = self._clock.now()
        soon = now + timedelta(minutes=max(rules.WARNING_MINUTES))  # the earliest warning
        for attempt in await store.active_timed(self._db.reader, soon):
            # Never delivered (the bot was down, Telegram failed): the session's end still ends it.
            due = attempt.deadline_at or attempt.hard_end_at
            assert due is not None
            warnings = (rules.warnings_due(attempt.deadline_at, now, attempt.warnings,
                                           attempt.deadline_at - attempt.started_at)
                        if attempt.deadline_at and attempt.started_at else [])
            if now < due and not warnings:
                continue  # nothing to do: no write transaction for it
            async with self._db.write() as conn:
                if now >= due:
                    await self._submit(conn, attempt.id, "deadline", now)
                    continue
                for minutes in warnings:
                    await store.set_warnings(conn, attempt.id, [*attempt.warnings, minutes])
                    await owed.tell(conn, attempt, "test.warning", now,
                                    f"warn:{attempt.id}:{minutes}:{attempt.extra_minutes}",
                                    minutes=minutes)

    async def give_extra(self, application_id: int, minutes: int, actor_id: int,
                         actor_name: str) -> bool:
        """Extra minutes for one applicant after an incident on their side (audited)."""
        now = self._clock.now()
        async with self._db.write() as conn:
            ours = await applications.get_application_by_id(conn, application_id, self._r.code)
            attempt = await store.for_application(conn, application_id) if ours else None
            if attempt is None or attempt.started_at is None or attempt.status != "active":
                return False
            extra = attempt.extra_minutes + minutes
            deadline = rules.deadline(attempt.started_at, attempt.duration_min, extra,
                                      attempt.hard_end_at)
            if not await store.extend(conn, attempt.id, extra, deadline):
                return False
            await reviews.audit(conn, actor_id, actor_name, "extra_minutes", now,
                                attempt.applicant_id, {"minutes": minutes})
            until = deadline.astimezone(self._r.zone).strftime("%H:%M")
            await owed.tell(conn, attempt, "test.extra_time", now, minutes=minutes, until=until)
            return True
