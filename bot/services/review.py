"""The administrative check: review cards into the staff group, and first-decision-wins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiosqlite

from bot import callbacks, texts
from bot.clock import Clock
from bot.config import Config
from bot.domain import registration as reg
from bot.domain import review
from storage import outbox, reviews
from storage import registrations as store
from storage.db import Database

Verdict = Literal["pass", "fail"]
STATUS_OF = {"pass": "admin_passed", "fail": "admin_failed"}
STAFF_LANG = "id"


@dataclass(frozen=True)
class Outcome:
    decided: bool
    by: str | None = None
    at: str | None = None


def _button(label: str, data: object) -> dict[str, str]:
    return {"text": label, "callback_data": callbacks.encode(data)}


class ReviewService:
    def __init__(self, db: Database, clock: Clock, config: Config) -> None:
        self._db, self._clock, self._config = db, clock, config

    async def queue_card(self, conn: aiosqlite.Connection, application_id: int,
                         applicant_id: int) -> None:
        """Inside the submit transaction: the documents and the card, owed to the staff group."""
        staff = self._config.settings.staff_chat_id
        if staff is None:
            return
        r = self._config.recruitment
        now = self._clock.now()
        profile = await store.get_profile(conn, applicant_id)
        documents = await store.get_documents(conn, applicant_id)
        shared = await reviews.documents_shared_with_others(conn, applicant_id)
        found = review.flags(profile, r.region.regency_code, now.astimezone(r.zone).date(), shared)
        key = f"review:{application_id}:{now.timestamp()}"
        for kind in reg.DOCUMENTS:
            doc = documents.get(kind)
            if doc is None:
                continue
            method = "photo" if doc.media_type == "photo" else "document"
            caption = f"{texts.get(STAFF_LANG, f'reg.label_{kind}')} · #{application_id}"
            await outbox.enqueue(conn, staff, {"method": method, method: doc.file_id,
                                               "caption": caption}, now, f"{key}:{kind}")
        card = self.card_text(application_id, profile, found)
        markup = {"inline_keyboard": [[
            _button(texts.get(STAFF_LANG, "staff.pass"), callbacks.Verdict(application_id, "pass")),
            _button(texts.get(STAFF_LANG, "staff.fail"), callbacks.Verdict(application_id, "fail")),
        ]]}
        await outbox.enqueue(conn, staff, {"text": card, "reply_markup": markup}, now,
                             f"{key}:card")

    def card_text(self, application_id: int, profile: dict[str, Any], found: list[str]) -> str:
        lines = [texts.get(STAFF_LANG, "staff.card_title", id=application_id)]
        for spec in reg.FIELDS:
            if reg.needed(spec.key, profile):
                value = profile.get(spec.key)
                shown = "–" if value is None else str(value)
                lines.append(f"{texts.get(STAFF_LANG, f'reg.label_{spec.key}')}: {_esc(shown)}")
        if found:
            lines.append("")
            lines += ["⚠️ " + texts.get(STAFF_LANG, f"staff.flag_{f}") for f in found]
        return "\n".join(lines)

    async def decide(self, application_id: int, verdict: Verdict, actor_id: int,
                     actor_name: str) -> Outcome:
        """One transaction: the decision (if first), its audit entry, the applicant's message."""
        now = self._clock.now()
        async with self._db.write() as conn:
            row = await self._applicant_of(conn, application_id)
            if row is None:
                return Outcome(False)
            applicant_id, chat_id, lang = row
            won = await reviews.decide(conn, application_id, STATUS_OF[verdict], actor_id,
                                       actor_name, None, now)
            await reviews.audit(conn, actor_id, actor_name, f"decide_{verdict}", now,
                                applicant_id, {"application": application_id, "won": won})
            if won:
                await outbox.enqueue(conn, chat_id, {"text": texts.get(lang, f"review.{verdict}")},
                                     now, f"decision:{application_id}")
            decision = await reviews.decision_of(conn, application_id)
        if won:
            return Outcome(True)
        assert decision is not None
        zone = self._config.recruitment.zone
        at = texts.format_datetime(STAFF_LANG, decision.decided_at.astimezone(zone)) \
            if decision.decided_at else None
        return Outcome(False, decision.decided_by_name, at)

    async def _applicant_of(self, conn: aiosqlite.Connection,
                            application_id: int) -> tuple[int, int, str] | None:
        async with conn.execute(
            "SELECT a.id, a.telegram_id, a.language FROM applications AS p "
            "JOIN applicants AS a ON a.id = p.applicant_id WHERE p.id = ?",
            (application_id,),
        ) as cur:
            row = await cur.fetchone()
        return (row[0], row[1], row[2]) if row else None


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
