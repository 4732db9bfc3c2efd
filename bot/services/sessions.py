"""Test sessions: booking once and for good, staff management, reminders and absentees."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot import callbacks, texts
from bot.clock import Clock
from bot.domain.testing import reminder_times
from bot.recruitment import Recruitment
from storage import outbox, reviews
from storage import registrations as applications
from storage import sessions as store
from storage.db import Database
from storage.sessions import Session

BookOutcome = Literal["booked", "full", "not_allowed"]


class SessionService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    async def seed(self) -> None:
        """The recruitment file's sessions, added once (staff changes are kept)."""
        async with self._db.write() as conn:
            for s in self._r.sessions:
                await store.add(conn, self._r.code, s.code, s.start, s.end, s.capacity,
                                self._clock.now())

    async def bookable(self) -> list[Session]:
        now = self._clock.now()
        return [s for s in await store.all_sessions(self._db.reader, self._r.code)
                if s.status == "open" and s.start > now and s.seats_left > 0]

    def in_test_window(self) -> bool:
        return self._r.stages.test.contains(self._clock.now())

    async def booking_of(self, applicant_id: int) -> tuple[str | None, Session | None]:
        """The application's status and its booked session, if any."""
        application = await applications.get_application(self._db.reader, applicant_id,
                                                         self._r.code)
        if application is None:
            return None, None
        return application.status, await store.of_application(self._db.reader, application.id)

    async def book(self, applicant_id: int, session_id: int) -> BookOutcome:
        async with self._db.write() as conn:
            application = await applications.get_application(conn, applicant_id, self._r.code)
            if (application is None or application.status != "admin_passed"
                    or not self.in_test_window()):
                return "not_allowed"
            ok = await store.book(conn, session_id, application.id, self._clock.now())
            return "booked" if ok else "full"

    async def all_with_counts(self) -> list[tuple[Session, dict[str, int]]]:
        found = await store.all_sessions(self._db.reader, self._r.code)
        return [(s, await store.counts(self._db.reader, s.id)) for s in found]

    async def add(self, code: str, start: datetime, end: datetime, capacity: int,
                  actor_id: int, actor_name: str) -> bool:
        now = self._clock.now()
        async with self._db.write() as conn:
            added = await store.add(conn, self._r.code, code, start, end, capacity, now)
            await reviews.audit(conn, actor_id, actor_name, "session_add", now,
                                detail={"code": code, "added": added})
        return added

    async def cancel(self, code: str, actor_id: int, actor_name: str) -> int | None:
        """Cancel a session; its applicants may book again and are told. None: no such open
        session. Returns how many were released."""
        now = self._clock.now()
        async with self._db.write() as conn:
            session = await store.by_code(conn, self._r.code, code)
            if session is None:
                return None
            people = await store.booked_people(conn, session.id)
            if not await store.cancel(conn, session.id, now):
                return None
            for _, chat_id, lang in people:
                text = texts.get(lang, "test.session_cancelled", code=code)
                await outbox.enqueue(conn, chat_id, {"text": text}, now)
            await reviews.audit(conn, actor_id, actor_name, "session_cancel", now,
                                detail={"code": code, "released": len(people)})
        return len(people)

    async def tick(self) -> None:
        """Reminders that are due, and absentees of sessions that have ended."""
        now = self._clock.now()
        for session in await store.all_sessions(self._db.reader, self._r.code):
            if session.status != "open":
                continue
            if session.end <= now and not session.closed:
                await self._close(session, now)
                continue
            local = session.start.astimezone(self._r.zone)
            for kind, due in reminder_times(session.start, local).items():
                if kind not in session.reminders and due <= now < session.end:
                    await self._remind(session, kind, now)
                    session = await store.get(self._db.reader, session.id) or session

    async def _remind(self, session: Session, kind: str, now: datetime) -> None:
        async with self._db.write() as conn:
            fresh = await store.get(conn, session.id)
            if fresh is None or kind in fresh.reminders:
                return
            for application_id, chat_id, lang in await store.booked_people(conn, session.id):
                start = texts.format_datetime(lang, session.start.astimezone(self._r.zone))
                payload: dict[str, Any] = {
                    "text": texts.get(lang, f"test.remind_{kind}", when=start)}
                if kind == "start":  # the test is open: one tap starts it
                    payload["reply_markup"] = callbacks.button_json(
                        texts.get(lang, "test.go_begin"), callbacks.Go("begin"))
                await outbox.enqueue(conn, chat_id, payload, now,
                                     f"remind:{kind}:{application_id}:{session.id}")
            await store.mark_reminder(conn, fresh, kind)

    async def _close(self, session: Session, now: datetime) -> None:
        async with self._db.write() as conn:
            for application_id, chat_id, lang in await store.close_absent(conn, session.id,
                                                                          now):
                await outbox.enqueue(conn, chat_id, {"text": texts.get(lang, "test.absent")},
                                     now, f"absent:{application_id}")
