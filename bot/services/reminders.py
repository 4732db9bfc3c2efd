"""Automatic reminders from the recruitment file's schedule. Each (applicant, reminder) is
queued at most once (a dedupe key), and only sent if its reason still holds when its turn
comes (an outbox guard on the application's status)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import callbacks, texts
from bot.clock import Clock
from bot.recruitment import Recruitment
from storage import outbox
from storage import registrations as applications
from storage.db import Database
from storage.timestamps import to_db

FIX_REMINDER_BEFORE = timedelta(days=1)
# reminder kind -> the statuses in which it still makes sense
REASONS = {
    "registration": ("registering",),
    "unbooked": ("admin_passed",),
    "announcement": ("tested",),
}


class ReminderService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    def schedule(self) -> list[tuple[str, str, datetime, datetime]]:
        """(name, kind, due, until): every automatic reminder of this recruitment."""
        r, plan = self._r, self._r.reminders
        out = []
        for kind, window, days in (
            ("registration", r.stages.registration, plan.registration_days_before_close),
            ("unbooked", r.stages.test, plan.unbooked_days_before_close),
        ):
            closing = window.end.astimezone(r.zone)
            for day in days:
                due = (closing - timedelta(days=day)).replace(hour=plan.hour, minute=0,
                                                               second=0, microsecond=0)
                out.append((f"{kind}-{day}d", kind, due, window.end))
        if plan.announcement_hours_before is not None:
            due = r.stages.announcement - timedelta(hours=plan.announcement_hours_before)
            out.append(("announcement", "announcement", due, r.stages.announcement))
        return out

    async def tick(self) -> None:
        now = self._clock.now()
        for name, kind, due, until in self.schedule():
            if not due <= now < until:
                continue
            flag = f"reminder:{name}"
            if await applications.get_flag(self._db.reader, self._r.code, flag):
                continue
            await self._send(name, kind, flag, now)
        await self._fix_deadlines(now)

    async def _fix_deadlines(self, now: datetime) -> None:
        """A day before a fixing deadline, those who have not sent their fix yet are told
        (once per deadline; not at all once they have)."""
        due = await applications.fix_deadlines_before(self._db.reader, self._r.code,
                                                      now + FIX_REMINDER_BEFORE)
        if not (due := [d for d in due if now < d[3]]):
            return
        async with self._db.write() as conn:
            for application_id, chat_id, lang, deadline in due:
                when = texts.format_datetime(lang, deadline.astimezone(self._r.zone))
                await outbox.enqueue(conn, chat_id, {
                    "text": texts.get(lang, "reminders.fix_deadline", when=when,
                                      zone=self._r.zone_name),
                    "reply_markup": callbacks.button_json(texts.get(lang, "review.go_fix"),
                                                          callbacks.Go("register"))},
                    now, f"fix-deadline:{application_id}:{to_db(deadline)}",
                    guard=(application_id, ("needs_fix",)))

    async def _send(self, name: str, kind: str, flag: str, now: datetime) -> None:
        statuses = REASONS[kind]
        marks = ",".join("?" * len(statuses))
        async with self._db.write() as conn:
            if await applications.get_flag(conn, self._r.code, flag):
                return
            async with conn.execute(
                f"SELECT p.id, a.telegram_id, a.language FROM applications AS p "
                f"JOIN applicants AS a ON a.id = p.applicant_id "
                f"WHERE p.recruitment = ? AND p.status IN ({marks})",
                (self._r.code, *statuses),
            ) as cur:
                people = list(await cur.fetchall())
            for application_id, chat_id, lang in people:
                text = texts.get(lang, f"reminders.{kind}", when=self._when(lang, kind),
                                 zone=self._r.zone_name)
                await outbox.enqueue(conn, chat_id, {"text": text}, now,
                                     f"{flag}:{application_id}",
                                     guard=(application_id, statuses))
            await applications.set_flag(conn, self._r.code, flag, "done", now)

    def _when(self, lang: str, kind: str) -> str:
        r = self._r
        moment = {"registration": r.stages.registration.end, "unbooked": r.stages.test.end,
                  "announcement": r.stages.announcement}[kind]
        return texts.format_datetime(lang, moment.astimezone(r.zone))
