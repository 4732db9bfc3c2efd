"""Broadcasts by staff: a preview with the number of recipients, then one transaction that
queues a message per recipient (a dedupe key each, so nobody ever gets it twice, also across a
restart), delivered by the outbox at its pace; progress is read back from the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.clock import Clock
from bot.recruitment import PAID_BROADCAST_STARS, Recruitment
from storage import broadcasts as store
from storage import outbox, reviews
from storage.broadcasts import Broadcast
from storage.db import Database

STAFF_LANG = "id"


@dataclass(frozen=True)
class Draft:
    broadcast_id: int
    recipients: int


class BroadcastService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    @staticmethod
    def valid_segment(segment: str) -> bool:
        name, _, session = segment.partition(":")
        return name in store.SEGMENTS and (name == "sesi") == bool(session)

    async def draft(self, text: str, segment: str, actor_id: int, actor_name: str) -> Draft:
        now = self._clock.now()
        async with self._db.write() as conn:
            people = await store.audience(conn, self._r.code, segment)
            broadcast_id = await store.create(conn, self._r.code, text, segment, actor_id,
                                              actor_name, now)
        return Draft(broadcast_id, len(people))

    async def confirm(self, broadcast_id: int, actor_id: int, actor_name: str
                      ) -> Broadcast | None:
        """Queue the broadcast for everyone in its segment now; None if not a draft."""
        now = self._clock.now()
        async with self._db.write() as conn:
            found = await store.get(conn, broadcast_id)
            if found is None or found.status != "draft":
                return None
            people = await store.audience(conn, self._r.code, found.segment)
            await store.mark(conn, broadcast_id, "queued", len(people))
            payload = paid({"text": texts.escape(found.text)}, self._r)
            for applicant_id, chat_id in people:
                await outbox.enqueue(conn, chat_id, payload, now,
                                     f"broadcast:{broadcast_id}:{applicant_id}",
                                     broadcast_id=broadcast_id)
            await reviews.audit(conn, actor_id, actor_name, "broadcast", now,
                                detail={"broadcast": broadcast_id, "segment": found.segment,
                                        "recipients": len(people)})
            return await store.get(conn, broadcast_id)

    async def cancel(self, broadcast_id: int) -> bool:
        async with self._db.write() as conn:
            return await store.mark(conn, broadcast_id, "cancelled")

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int,
                                   text: str) -> None:
        async with self._db.write() as conn:
            await store.set_progress(conn, broadcast_id, chat_id, message_id, text)

    async def progress_updates(self) -> list[tuple[Broadcast, str]]:
        """(broadcast, new progress text) for every running broadcast whose figures moved."""
        changed = []
        for found in await store.queued(self._db.reader):
            text = progress_text(found.recipients or 0,
                                 await store.delivery(self._db.reader, found.id))
            if text != found.progress_text:
                changed.append((found, text))
        return changed


def paid(payload: dict[str, Any], r: Recruitment) -> dict[str, Any]:
    """A message to many, sent as a paid broadcast when the recruitment says so."""
    return {**payload, "allow_paid_broadcast": True} if r.results.paid_broadcast else payload


def broadcast_cost(recipients: int, r: Recruitment) -> str | None:
    """What a broadcast to `recipients` costs in Telegram Stars, in words; None when free."""
    if not r.results.paid_broadcast:
        return None
    stars = f"{recipients * PAID_BROADCAST_STARS:.1f}".replace(".", ",")
    return texts.get(STAFF_LANG, "staff.broadcast_cost", count=recipients, stars=stars)


def progress_text(total: int, counts: dict[str, int]) -> str:
    sent, blocked = counts.get("sent", 0), counts.get("undeliverable", 0)
    failed = counts.get("failed", 0)
    done = counts.get("pending", 0) == 0
    return texts.get(STAFF_LANG, "staff.broadcast_progress_done" if done else
                     "staff.broadcast_progress", sent=f"{sent:,}", total=f"{total:,}",
                     blocked=f"{blocked:,}", failed=f"{failed:,}")
