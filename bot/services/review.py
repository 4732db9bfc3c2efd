"""The administrative check: review cards into the staff group; pass, fail with a reason, or
send back for fixing. The first decision wins; every decision, its audit entry and the
applicant's message commit in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

import aiosqlite

from bot import callbacks, labels, texts
from bot.clock import Clock
from bot.config import Config
from bot.domain import registration as reg
from bot.domain import review
from bot.recruitment import Recruitment
from bot.services import review_markup
from storage import cards, feed, outbox, reviews
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
    what: str | None = None  # the outcome in words: "✅ Lulus — Rina, 3 Desember 2026 03.57"


class ReviewService:
    def __init__(self, db: Database, clock: Clock, config: Config) -> None:
        self._db, self._clock, self._config = db, clock, config

    async def queue_card(self, conn: aiosqlite.Connection, application_id: int,
                         applicant_id: int, fixed: tuple[str, ...] = ()) -> None:
        """Inside the submit transaction: the documents and the card, owed to the staff group;
        `fixed`: a resubmission after needs-fixing, with the items that were reopened.
        (No dedupe keys here or below: the conditional status change that each message goes
        with already happens once.)"""
        staff = self._config.settings.staff_chat_id
        if staff is None:
            return
        now = self._clock.now()
        r = self._config.recruitment
        if not r.review.group_cards:
            # One line in the group's feed: a number, no personal data (nothing to erase later).
            line = (texts.get(STAFF_LANG, "staff.feed_resubmitted", id=application_id,
                              items=item_labels(fixed)) if fixed else
                    texts.get(STAFF_LANG, "staff.feed_submitted", id=application_id))
            await feed.add(conn, r.code, line, now)
            return
        documents = await store.get_documents(conn, applicant_id)
        # An album where Telegram allows one: photos group with photos, files with files.
        items: dict[str, list[dict[str, str]]] = {"photo": [], "document": []}
        for kind in reg.DOCUMENTS:
            doc = documents.get(kind)
            if doc is not None:
                method = "photo" if doc.media_type == "photo" else "document"
                label = texts.get(STAFF_LANG, f"reg.label_{kind}")
                item = {"type": method, "media": doc.file_id,
                        "caption": f"{label} · #{application_id}"}
                if method == "document":  # under our name, never the applicant's file name
                    extension = reg.EXTENSION_OF[doc.media_type]
                    item["filename"] = f"{label}-{application_id}.{extension}"
                items[method].append(item)
        # Personal data: never forwarded or saved out of the group (protect_content).
        for method, media in items.items():
            if len(media) >= 2:
                row = await outbox.enqueue(conn, staff, {"method": "media_group", "media": media,
                                                         "protect_content": True}, now)
                await cards.add(conn, application_id, staff, outbox_id=row, is_card=False,
                                count=len(media))
            for item in media if len(media) == 1 else []:
                row = await outbox.enqueue(conn, staff, {"method": method, method: item["media"],
                                                         "caption": item["caption"],
                                                         "filename": item.get("filename"),
                                                         "protect_content": True}, now)
                await cards.add(conn, application_id, staff, outbox_id=row, is_card=False)
        title = (texts.get(STAFF_LANG, "staff.card_title_resubmitted", id=application_id,
                           items=item_labels(fixed)) if fixed else None)
        card = await self.card(conn, application_id, applicant_id, title)
        row = await outbox.enqueue(
            conn, staff, {"text": card, "reply_markup": review_markup.main(application_id),
                          "protect_content": True}, now)
        await cards.add(conn, application_id, staff, outbox_id=row)

    async def card(self, conn: aiosqlite.Connection, application_id: int,
                   applicant_id: int, title: str | None = None) -> str:
        """The card's text: the profile and the automatic flags (a shared document names the
        other applications), under `title` (by default: waiting for the check)."""
        r = self._config.recruitment
        profile = await store.get_profile(conn, applicant_id)
        shared = await reviews.documents_shared_with_others(conn, applicant_id)
        today = self._clock.now().astimezone(r.zone).date()
        found = review.flags(profile, r.region.regency_code, today, list(shared))
        return card_text(application_id, profile, found, r.region.regency_name, shared, title)

    async def remember_copy(self, application_id: int, chat_id: int, message_id: int,
                            is_card: bool = True) -> None:
        """Another copy of a card was posted (/antrian, /periksa): a decision edits it too;
        (not a card: one of its documents) /hapus deletes it."""
        async with self._db.write() as conn:
            await cards.add(conn, application_id, chat_id, message_id=message_id,
                            is_card=is_card)

    async def _settle_cards(self, conn: aiosqlite.Connection, application_id: int,
                            applicant_id: int) -> None:
        """After a decision, in its transaction: every copy of the card shows the outcome and
        no buttons (a copy still queued is sent that way)."""
        decision = await reviews.decision_of(conn, application_id)
        what = decision and self._outcome_text(decision)
        if not what:
            return
        title = texts.get(STAFF_LANG, "staff.card_title_decided", id=application_id, outcome=what)
        if not self._config.recruitment.review.group_cards:
            await feed.add(conn, self._config.recruitment.code, texts.get(
                STAFF_LANG, "staff.feed_decided", id=application_id, outcome=what),
                self._clock.now())
        text = await self.card(conn, application_id, applicant_id, title)
        for copy in await cards.copies(conn, application_id):
            if copy.outbox_id is not None:
                await outbox.replace_pending(conn, copy.outbox_id,
                                             {"text": text, "protect_content": True})
            elif copy.message_id is not None:
                await outbox.enqueue(conn, copy.chat_id, {
                    "method": "edit_text", "message_id": copy.message_id, "text": text},
                    self._clock.now())

    def _outcome_text(self, decision: reviews.Decision) -> str | None:
        """What was decided, by whom and when, in words; None while nothing is."""
        if decision.decided_at is None or decision.status == "submitted":
            return None
        params = {"by": texts.escape(decision.decided_by_name or "?"),
                  "at": texts.format_datetime(
                      STAFF_LANG, decision.decided_at.astimezone(self._config.recruitment.zone))}
        if decision.status == "admin_failed":
            reason = decision.reason or ""
            shown = (texts.get(STAFF_LANG, f"staff.reason_{reason}")
                     if reason in review.FAIL_REASONS else texts.escape(reason))
            return texts.get(STAFF_LANG, "staff.outcome_fail", reason=shown, **params)
        if decision.status == "needs_fix":
            return texts.get(STAFF_LANG, "staff.outcome_fix",
                             items=item_labels(decision.reopened), **params)
        return texts.get(STAFF_LANG, "staff.outcome_pass", **params)

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
            draft = await reviews.get_draft(conn, application_id, actor_id)
            items = [i for i in reg.ITEMS if i in draft.items]
            if not items:
                return False
            deadline = fix_deadline(now, draft.deadline_days, self._config.recruitment)
            won = await reviews.reopen(conn, application_id, items, actor_id, actor_name, now,
                                       draft.note, deadline)
            await reviews.audit(conn, actor_id, actor_name, "decide_fix", now, applicant_id,
                                {"application": application_id, "won": won, "items": items,
                                 "note": bool(draft.note), "deadline_days": draft.deadline_days})
            if won:
                await store.clear_items(conn, applicant_id, items, now)
                await outbox.enqueue(conn, chat_id, {
                    "text": self._fix_text(lang, items, draft.note, deadline),
                    "reply_markup": callbacks.button_json(texts.get(lang, "review.go_fix"),
                                                          callbacks.Go("register"))}, now)
            return won

        return await self._decision(application_id, apply)

    async def release_nik(self, application_id: int, actor_id: int, actor_name: str,
                          reason: str) -> Outcome:
        """A disputed NIK let go (administrators): the application goes back to its applicant
        to correct the NIK, with the committee's reason, so that its owner can submit."""
        async def apply(conn: aiosqlite.Connection, applicant: tuple[int, int, str]) -> bool:
            applicant_id, chat_id, lang = applicant
            now = self._clock.now()
            items = await reviews.release_nik(conn, application_id, actor_id, actor_name, now,
                                              reason)
            await reviews.audit(conn, actor_id, actor_name, "release_nik", now, applicant_id,
                                {"application": application_id, "won": items is not None,
                                 "reason": reason})
            if items is not None:
                await store.clear_items(conn, applicant_id, ["nik"], now)
                await outbox.enqueue(conn, chat_id, {
                    "text": self._fix_text(lang, items, reason, None),
                    "reply_markup": callbacks.button_json(texts.get(lang, "review.go_fix"),
                                                          callbacks.Go("register"))}, now)
            return items is not None

        return await self._decision(application_id, apply)

    async def nik_dispute(self, conn: aiosqlite.Connection, application_id: int,
                          applicant_id: int) -> None:
        """Inside a refused submit: staff hear that this application's NIK is held by another
        (once per pair), with what they can do about it."""
        holder = await store.nik_holder(conn, applicant_id, self._config.recruitment.code)
        staff = self._config.settings.staff_chat_id
        now = self._clock.now()
        await reviews.audit(conn, 0, "pendaftar", "nik_disputed", now, applicant_id,
                            {"application": application_id, "held_by": holder})
        if staff is not None and holder is not None:
            await outbox.enqueue(conn, staff, {"text": texts.get(
                STAFF_LANG, "staff.nik_dispute", id=application_id, holder=holder)}, now,
                dedupe_key=f"nik-dispute:{application_id}:{holder}")

    def _fix_text(self, lang: str, items: list[str], note: str | None,
                  deadline: datetime | None) -> str:
        """What to fix, the committee's note and the deadline, in the applicant's language."""
        labels = ", ".join(texts.get(lang, f"reg.label_{i}") for i in items)
        lines = [texts.get(lang, "review.fix", items=labels)]
        if note:
            lines.append(texts.get(lang, "review.fix_note", note=texts.escape(note)))
        if deadline is not None:
            r = self._config.recruitment
            lines.append(texts.get(lang, "review.fix_deadline", zone=r.zone_name,
                                   when=texts.format_datetime(lang, deadline.astimezone(r.zone))))
        return "\n".join(lines)

    async def _decision(self, application_id: int, apply: Any) -> Outcome:
        async with self._db.write() as conn:
            applicant = await self.applicant_of(conn, application_id)
            if applicant is None:
                return Outcome(False)
            won = await apply(conn, applicant)
            if won:
                await reviews.clear_drafts(conn, application_id)
                await self._settle_cards(conn, application_id, applicant[0])
        return Outcome(True) if won else await self.decided_by(application_id)

    async def decided_by(self, application_id: int) -> Outcome:
        """Who decided this application, when, and what (not decided: all None)."""
        decision = await reviews.decision_of(self._db.reader, application_id)
        what = decision and self._outcome_text(decision)
        if not decision or not what or decision.decided_at is None:
            return Outcome(False)
        zone = self._config.recruitment.zone
        return Outcome(False, decision.decided_by_name,
                       texts.format_datetime(STAFF_LANG, decision.decided_at.astimezone(zone)),
                       what)

    async def exists(self, application_id: int) -> bool:
        """An application of this recruitment (another recruitment's is not ours to name)."""
        return await store.get_application_by_id(self._db.reader, application_id,
                                                  self._config.recruitment.code) is not None

    async def applicant_of(self, conn: aiosqlite.Connection,
                            application_id: int) -> tuple[int, int, str] | None:
        async with conn.execute(
            "SELECT a.id, a.telegram_id, a.language FROM applications AS p "
            "JOIN applicants AS a ON a.id = p.applicant_id WHERE p.id = ? AND p.recruitment = ?",
            (application_id, self._config.recruitment.code),
        ) as cur:
            row = await cur.fetchone()
        return (row[0], row[1], row[2]) if row else None


def fix_deadline(now: datetime, days: int, r: Recruitment) -> datetime | None:
    """`days` whole days to fix: until the end of that day, local time (0: no deadline)."""
    if days <= 0:
        return None
    day = (now.astimezone(r.zone) + timedelta(days=days)).date()
    return datetime.combine(day, time(23, 59), tzinfo=r.zone)


def item_labels(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(texts.get(STAFF_LANG, f"reg.label_{i}") for i in items)


def card_text(application_id: int, profile: dict[str, Any], found: list[str],
              regency: str = "", shared: dict[str, list[int]] | None = None,
              title: str | None = None) -> str:
    lines = [title or texts.get(STAFF_LANG, "staff.card_title", id=application_id)]
    for spec in reg.FIELDS:
        if reg.needed(spec.key, profile):
            shown = labels.value_label(STAFF_LANG, spec.key, profile.get(spec.key), regency)
            lines.append(f"{texts.get(STAFF_LANG, f'reg.label_{spec.key}')}: {texts.escape(shown)}")
    if found:
        lines.append("")
        others = {f"shared_{kind}": ", ".join(f"#{n}" for n in ids)
                  for kind, ids in (shared or {}).items()}
        lines += ["⚠️ " + texts.get(STAFF_LANG, f"staff.flag_{f}", others=others.get(f, ""))
                  for f in found]
    return "\n".join(lines)

