"""The administrative check: review cards into the staff group; pass, fail with a reason, or
send back for fixing. The first decision wins; every decision, its audit entry and the
applicant's message commit in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiosqlite

from bot import callbacks, labels, texts
from bot.clock import Clock
from bot.config import Config
from bot.domain import registration as reg
from bot.domain import review
from bot.services import review_markup
from storage import outbox, reviews
from storage import registrations as store
from storage.db import Database

Verdict = Literal["pass", "fail"]
STATUS_OF = {"pass": "admin_passed", "fail": "admin_failed"}
STAFF_LANG = review_markup.LANG


@dataclass(frozen=True)
class Outcome:
    """`decided` is True for the decision just taken; else who decided first, if anyone."""

    decided: bool
    by: str | None = None
    at: str | None = None


class ReviewService:
    def __init__(self, db: Database, clock: Clock, config: Config) -> None:
        self._db, self._clock, self._config = db, clock, config

    async def queue_card(self, conn: aiosqlite.Connection, application_id: int,
                         applicant_id: int) -> None:
        """Inside the submit transaction: the documents and the card, owed to the staff group.
        (No dedupe keys here or below: the conditional status change that each message goes
        with already happens once.)"""
        staff = self._config.settings.staff_chat_id
        if staff is None:
            return
        now = self._clock.now()
        documents = await store.get_documents(conn, applicant_id)
        # An album where Telegram allows one: photos group with photos, files with files.
        items: dict[str, list[dict[str, str]]] = {"photo": [], "document": []}
        for kind in reg.DOCUMENTS:
            doc = documents.get(kind)
            if doc is not None:
                method = "photo" if doc.media_type == "photo" else "document"
                caption = f"{texts.get(STAFF_LANG, f'reg.label_{kind}')} · #{application_id}"
                items[method].append({"type": method, "media": doc.file_id, "caption": caption})
        for method, media in items.items():
            if len(media) >= 2:
                await outbox.enqueue(conn, staff, {"method": "media_group", "media": media}, now)
            for item in media if len(media) == 1 else []:
                await outbox.enqueue(conn, staff, {"method": method, method: item["media"],
                                                   "caption": item["caption"]}, now)
        card = await self.card(conn, application_id, applicant_id)
        await outbox.enqueue(conn, staff, {"text": card,
                                           "reply_markup": review_markup.main(application_id)},
                             now)

    async def card(self, conn: aiosqlite.Connection, application_id: int,
                   applicant_id: int) -> str:
        """The card's text: the profile and the automatic flags."""
        r = self._config.recruitment
        profile = await store.get_profile(conn, applicant_id)
        shared = await reviews.documents_shared_with_others(conn, applicant_id)
        today = self._clock.now().astimezone(r.zone).date()
        return card_text(application_id, profile,
                         review.flags(profile, r.region.regency_code, today, shared),
                         r.region.regency_name)

    async def decide(self, application_id: int, verdict: Verdict, actor_id: int,
                     actor_name: str, reason: str | None = None) -> Outcome:
        """Pass, or fail with a reason (a preset code from FAIL_REASONS, or typed words)."""
        async def apply(conn: aiosqlite.Connection, applicant: tuple[int, int, str]) -> bool:
            applicant_id, chat_id, lang = applicant
            now = self._clock.now()
            won = await reviews.decide(conn, application_id, STATUS_OF[verdict], actor_id,
                                       actor_name, reason, now)
            await reviews.audit(conn, actor_id, actor_name, f"decide_{verdict}", now,
                                applicant_id, {"application": application_id, "won": won,
                                               "reason": reason})
            if won:
                text = texts.get(lang, f"review.{verdict}")
                if reason:
                    shown = (texts.get(lang, f"staff.reason_{reason}")
                             if reason in review.FAIL_REASONS else reason)
                    text += "\n" + texts.get(lang, "review.reason", reason=texts.escape(shown))
                payload: dict[str, Any] = {"text": text}
                if verdict == "pass":  # seats go first come: the next step is one tap away
                    payload["reply_markup"] = callbacks.button_json(
                        texts.get(lang, "review.go_schedule"), callbacks.Go("schedule"))
                await outbox.enqueue(conn, chat_id, payload, now)
            return won

        return await self._decision(application_id, apply)

    async def send_back(self, application_id: int, actor_id: int, actor_name: str) -> Outcome:
        """Needs fixing: reopen exactly the ticked items (their answers are cleared)."""
        async def apply(conn: aiosqlite.Connection, applicant: tuple[int, int, str]) -> bool:
            applicant_id, chat_id, lang = applicant
            now = self._clock.now()
            items, _ = await reviews.get_draft(conn, application_id, actor_id)
            items = [i for i in reg.ITEMS if i in items]
            if not items:
                return False
            won = await reviews.reopen(conn, application_id, items, actor_id, actor_name, now)
            await reviews.audit(conn, actor_id, actor_name, "decide_fix", now, applicant_id,
                                {"application": application_id, "won": won, "items": items})
            if won:
                await store.clear_items(conn, applicant_id, items, now)
                labels = ", ".join(texts.get(lang, f"reg.label_{i}") for i in items)
                markup = callbacks.button_json(texts.get(lang, "review.go_fix"),
                                               callbacks.Go("register"))
                await outbox.enqueue(conn, chat_id, {"text": texts.get(lang, "review.fix",
                                                                       items=labels),
                                                     "reply_markup": markup}, now)
            return won

        return await self._decision(application_id, apply)

    async def _decision(self, application_id: int, apply: Any) -> Outcome:
        async with self._db.write() as conn:
            applicant = await self._applicant_of(conn, application_id)
            if applicant is None:
                return Outcome(False)
            won = await apply(conn, applicant)
            if won:
                await reviews.clear_drafts(conn, application_id)
        return Outcome(True) if won else await self.decided_by(application_id)

    async def decided_by(self, application_id: int) -> Outcome:
        """Who decided this application and when (not decided: all None)."""
        decision = await reviews.decision_of(self._db.reader, application_id)
        if decision is None or decision.status == "submitted" or decision.decided_at is None:
            return Outcome(False)
        zone = self._config.recruitment.zone
        return Outcome(False, decision.decided_by_name,
                       texts.format_datetime(STAFF_LANG, decision.decided_at.astimezone(zone)))

    async def toggle_fix_item(self, application_id: int, actor_id: int, item: str) -> list[str]:
        async with self._db.write() as conn:
            items, _ = await reviews.get_draft(conn, application_id, actor_id)
            items = sorted(set(items) ^ {item}, key=reg.ITEMS.index)
            await reviews.put_draft(conn, application_id, actor_id, self._clock.now(),
                                    items=items)
        return items

    async def fix_draft(self, application_id: int, actor_id: int) -> list[str]:
        return (await reviews.get_draft(self._db.reader, application_id, actor_id))[0]

    async def await_reason(self, application_id: int, actor_id: int, waiting: bool) -> None:
        async with self._db.write() as conn:
            await reviews.put_draft(conn, application_id, actor_id, self._clock.now(),
                                    awaiting_reason=waiting)

    async def typed_reason(self, actor_id: int, actor_name: str, text: str
                           ) -> tuple[int, Outcome] | None:
        """A staff member's next message after "type a reason": the fail reason, if awaited."""
        application_id = await reviews.awaiting_reason_of(self._db.reader, actor_id)
        if application_id is None:
            return None
        await self.await_reason(application_id, actor_id, False)
        reason = " ".join(text.split())[:300]
        return application_id, await self.decide(application_id, "fail", actor_id, actor_name,
                                                 reason)

    async def _applicant_of(self, conn: aiosqlite.Connection,
                            application_id: int) -> tuple[int, int, str] | None:
        async with conn.execute(
            "SELECT a.id, a.telegram_id, a.language FROM applications AS p "
            "JOIN applicants AS a ON a.id = p.applicant_id WHERE p.id = ?",
            (application_id,),
        ) as cur:
            row = await cur.fetchone()
        return (row[0], row[1], row[2]) if row else None


def card_text(application_id: int, profile: dict[str, Any], found: list[str],
              regency: str = "") -> str:
    lines = [texts.get(STAFF_LANG, "staff.card_title", id=application_id)]
    for spec in reg.FIELDS:
        if reg.needed(spec.key, profile):
            shown = labels.value_label(STAFF_LANG, spec.key, profile.get(spec.key), regency)
            lines.append(f"{texts.get(STAFF_LANG, f'reg.label_{spec.key}')}: {texts.escape(shown)}")
    if found:
        lines.append("")
        lines += ["⚠️ " + texts.get(STAFF_LANG, f"staff.flag_{f}") for f in found]
    return "\n".join(lines)

