"""Registration use-cases: every change is one write transaction, checked against the stored
state (the step the applicant is really at), so stale buttons and double taps change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from bot import texts
from bot.clock import Clock
from bot.domain import registration as reg
from bot.domain.fields import FieldError
from bot.recruitment import Recruitment
from bot.services import review_markup
from bot.services.review import ReviewService
from storage import cards, feed, outbox, reviews
from storage import registrations as store
from storage.db import Database
from storage.portable import IntegrityError
from storage.registrations import Application, Document

WindowState = Literal["open", "not_yet", "closed", "full"]
SubmitOutcome = Literal["submitted", "incomplete", "closed", "full", "not_open", "nik_taken"]


@dataclass(frozen=True)
class Position:
    application: Application | None
    draft: reg.Draft
    step: reg.Step
    profile: dict[str, object]
    documents: dict[str, Document]

    @property
    def status(self) -> str | None:
        return self.application.status if self.application else None

    @property
    def open(self) -> bool:
        return self.status in store.OPEN_STATUSES


@dataclass(frozen=True)
class Upload:
    file_id: str
    file_unique_id: str
    media_type: str  # "photo" for a Telegram photo, else the document's MIME type
    file_size: int | None
    file_name: str | None = None
    head: bytes | None = None  # a document's first bytes, when they could be read


class RegistrationService:
    def __init__(
        self, db: Database, clock: Clock, recruitment: Recruitment, review: ReviewService
    ) -> None:
        self._db = db
        self._clock = clock
        self._r = recruitment
        self._review = review

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(self._r.region.districts)

    async def window(self, conn: aiosqlite.Connection | None = None) -> WindowState:
        conn = conn or self._db.reader
        flag = await store.get_flag(conn, self._r.code, "registration")
        if flag == "closed":
            return "closed"
        if flag != "open":
            window = self._r.stages.registration
            now = self._clock.now()
            if now < window.start:
                return "not_yet"
            if now >= window.end:
                return "closed"
        quota = self._r.quota.registrations
        if quota is not None and await store.count_submitted(conn, self._r.code) >= quota:
            return "full"
        return "open"

    async def position(self, applicant_id: int) -> Position:
        return await self._position(self._db.reader, applicant_id)

    async def _position(self, conn: aiosqlite.Connection, applicant_id: int) -> Position:
        application = await store.get_application(conn, applicant_id, self._r.code)
        profile = await store.get_profile(conn, applicant_id)
        documents = await store.get_documents(conn, applicant_id)
        draft = reg.Draft(
            consent=bool(application and application.consent_at),
            declarations=application.declarations if application else {},
            profile=profile,
            documents=frozenset(documents),
            editing=application.editing if application else None,
            reopened=application.reopened if application else (),
        )
        return Position(application, draft, reg.next_step(draft), profile, documents)

    async def begin(self, applicant_id: int) -> Position | WindowState:
        """Start (or resume) registering; a new application only while registration is open."""
        async with self._db.write() as conn:
            existing = await store.get_application(conn, applicant_id, self._r.code)
            if existing is None or existing.status == "withdrawn":
                state = await self.window(conn)
                if state != "open":
                    return state
                await store.start_application(conn, applicant_id, self._r.code, self._now())
            return await self._position(conn, applicant_id)

    async def _change(
        self,
        applicant_id: int,
        expected: reg.Step | None,
        apply: Callable[[aiosqlite.Connection, Position], Awaitable[None]],
    ) -> Position:
        """Apply a change only if the application is open and at the `expected` step."""
        async with self._db.write() as conn:
            pos = await self._position(conn, applicant_id)
            if not pos.open or (expected is not None and pos.step != expected):
                raise StaleAction(pos)
            await apply(conn, pos)
            return await self._position(conn, applicant_id)

    def _now(self) -> datetime:
        return self._clock.now()

    async def consent(self, applicant_id: int) -> Position:
        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            await store.update_open_application(
                conn, pos.application.id, self._now(), consent_at=self._now()
            )

        return await self._change(applicant_id, reg.Step("consent"), apply)

    async def declare(self, applicant_id: int, name: str, answer: bool | None) -> Position:
        """Record a yes/no declaration; None takes a "no" back so it can be answered again."""
        expected = reg.Step("declined" if answer is None else "declaration", name)

        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            declarations = {k: v for k, v in pos.application.declarations.items() if k != name}
            if answer is not None:
                declarations[name] = answer
            await store.update_open_application(
                conn, pos.application.id, self._now(), declarations=declarations
            )

        return await self._change(applicant_id, expected, apply)

    async def answer(self, applicant_id: int, key: str, raw: str, *, typed: bool) -> Position:
        """A typed answer (`typed`) or a button choice for profile field `key`."""
        spec = reg.SPECS[key]
        today = self._now().astimezone(self._r.zone).date()

        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            if typed:
                if spec.kind not in ("text", "phone"):
                    raise FieldError("choice.use_buttons")
                value = reg.parse_text(key, raw, today)
            else:
                value = reg.parse_choice(spec, raw, self.districts)
            profile = {**pos.profile, key: value}
            if key == "nik" and (clashing := reg.nik_conflicts(profile, today)):
                # The NIK is typed after sex and birth date were stored (an edit): which one
                # is wrong? The handler offers to keep this NIK and ask those again.
                raise FieldError("nik.conflicts_stored", nik=str(value),
                                 fields=",".join(clashing))
            reg.cross_check(profile, today)
            await self._store_field(conn, pos, key, value)

        return await self._change(applicant_id, reg.Step("field", key), apply)

    async def replace_nik(self, applicant_id: int, raw: str) -> Position:
        """Keep a NIK that disagrees with the stored sex or birth date: those are cleared in the
        same transaction, so the form asks them again (the way out of a NIK typo that the
        applicant had matched by a wrong sex or date)."""
        today = self._now().astimezone(self._r.zone).date()

        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            value = reg.parse_text("nik", raw, today)
            clashing = reg.nik_conflicts({**pos.profile, "nik": value}, today)
            if pos.application.status == "needs_fix" and not set(clashing) <= set(
                    pos.application.reopened):
                raise StaleAction(pos)  # only what the committee reopened may change
            await self._store_field(conn, pos, "nik", value)
            for key in clashing:
                await store.set_profile_field(conn, pos.application.applicant_id, key, None,
                                              self._now())

        return await self._change(applicant_id, reg.Step("field", "nik"), apply)

    async def _store_field(
        self, conn: aiosqlite.Connection, pos: Position, key: str, value: object
    ) -> None:
        assert pos.application
        applicant_id = pos.application.applicant_id
        await store.set_profile_field(conn, applicant_id, key, value, self._now())
        if key == "experience" and value == 0:
            await store.set_profile_field(conn, applicant_id, "experience_detail", None,
                                          self._now())
        if pos.application.editing == key and not (key == "experience" and value == 1):
            await store.update_open_application(conn, pos.application.id, self._now(),
                                                editing=None)
        elif pos.application.editing == "experience" and key == "experience":
            await store.update_open_application(conn, pos.application.id, self._now(),
                                                editing="experience_detail")

    async def toggle_device(self, applicant_id: int, device: str) -> Position:
        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            ticked = pos.profile.get("devices_draft")
            ticked = ticked if isinstance(ticked, str) else None
            if device == "done":
                await self._store_field(conn, pos, "devices", ticked or "")
            elif device == "none":
                await self._store_field(conn, pos, "devices", "")
            elif device in reg.DEVICES:
                await store.set_profile_field(
                    conn, pos.application.applicant_id, "devices_draft",
                    reg.toggle_device(ticked, device), self._now(),
                )
            else:
                raise FieldError("choice.unknown")

        return await self._change(applicant_id, reg.Step("field", "devices"), apply)

    async def upload(self, applicant_id: int, kind: str, upload: Upload) -> Position:
        limit = int(self._r.documents.max_file_mb * 1024 * 1024)

        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            if not reg.accepts(kind, upload.media_type):
                raise FieldError("doc.type_photo" if kind == "photo" else "doc.type")
            if upload.file_size is not None and upload.file_size > limit:
                raise FieldError("doc.size", limit_mb=f"{self._r.documents.max_file_mb:g}")
            reg.check_file(upload.media_type, upload.file_name, upload.file_size, upload.head)
            doc = Document(kind, upload.file_id, upload.file_unique_id, upload.media_type,
                           upload.file_size, self._now())
            await store.put_document(conn, pos.application.applicant_id, doc)
            if pos.application.editing == kind:
                await store.update_open_application(conn, pos.application.id, self._now(),
                                                    editing=None)

        return await self._change(applicant_id, reg.Step("document", kind), apply)

    async def edit(self, applicant_id: int, item: str | None) -> Position:
        """From the review: reopen one item (None: stop editing, back to where the form is)."""
        if item is not None and item not in reg.ITEMS:
            raise FieldError("choice.unknown")

        async def apply(conn: aiosqlite.Connection, pos: Position) -> None:
            assert pos.application
            if pos.application.status == "needs_fix" and item not in (
                None, *pos.application.reopened
            ):
                raise StaleAction(pos)  # only what the committee reopened may change
            await store.update_open_application(conn, pos.application.id, self._now(),
                                                editing=item)

        return await self._change(applicant_id, None, apply)

    async def submit(self, applicant_id: int) -> tuple[SubmitOutcome, Position]:
        """Check the window and the quota and submit, all in one transaction."""
        async with self._db.write() as conn:
            pos = await self._position(conn, applicant_id)
            if not pos.open or pos.application is None:
                return "not_open", pos
            if pos.step != reg.Step("review"):
                return "incomplete", pos
            if pos.application.status == "registering":
                state = await self.window(conn)
                if state != "open":
                    return ("full" if state == "full" else "closed"), pos
            fixed = pos.application.reopened if pos.application.status == "needs_fix" else ()
            try:
                await store.mark_submitted(conn, pos.application.id, self._now())
            except IntegrityError:  # held by another submitted application
                await self._review.nik_dispute(conn, pos.application.id, applicant_id)
                return "nik_taken", pos
            await self._review.queue_card(conn, pos.application.id, applicant_id, fixed)
            return "submitted", await self._position(conn, applicant_id)

    async def erase(self, applicant_id: int) -> bool:
        async with self._db.write() as conn:
            application = await store.get_application(conn, applicant_id, self._r.code)
            if application is None:
                return False
            if not await store.erase_personal_data(conn, application.id, applicant_id,
                                                   self._now()):
                return False
            # What staff were shown goes too: their messages deleted, the outbox emptied.
            for chat_id, message_ids in await cards.erase(conn, application.id):
                await outbox.enqueue(conn, chat_id, {
                    "method": "delete", "message_ids": message_ids,
                    "notice": texts.get(review_markup.LANG, "staff.erased_notice")}, self._now())
            await feed.drop_unposted(conn, self._r.code, application.id)
            # That it happened is kept; what was erased is not.
            await reviews.audit(conn, 0, "pendaftar", "applicant_erased", self._now(),
                                applicant_id, {"application": application.id})
            return True


class StaleAction(Exception):
    """The action does not fit where the application is now; `position` says where that is."""

    def __init__(self, position: Position) -> None:
        super().__init__("stale action")
        self.position = position

