"""Review in a staff member's private chat: the next undecided application, held for that
reviewer alone for a short lease, so two reviewers never get the same one at once. A decision
still follows first-decision-wins (ReviewService)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.domain import registration as reg
from bot.recruitment import Recruitment
from bot.services.review import ReviewService
from storage import leases
from storage import registrations as store
from storage.db import Database
from storage.registrations import Document

LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Offer:
    application_id: int
    card: str
    documents: list[Document]


class ReviewQueue:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment,
                 review: ReviewService) -> None:
        self._db, self._clock, self._r, self._review = db, clock, recruitment, review

    async def next_for(self, actor_id: int) -> Offer | None:
        """The application this reviewer works on now (held for them), or None: none left."""
        now = self._clock.now()
        async with self._db.write() as conn:
            application_id = await leases.take_next(conn, self._r.code, actor_id, now,
                                                    now + LEASE)
            if application_id is None:
                return None
            applicant = await self._review.applicant_of(conn, application_id)
            assert applicant is not None
            card = await self._review.card(conn, application_id, applicant[0])
            documents = await store.get_documents(conn, applicant[0])
        return Offer(application_id, card,
                     [documents[k] for k in reg.DOCUMENTS if k in documents])

    async def skip(self, application_id: int, actor_id: int) -> None:
        """Not this one (not offered to this reviewer again; free for the others)."""
        async with self._db.write() as conn:
            await leases.skip(conn, application_id, actor_id)

    async def stop(self, application_id: int, actor_id: int) -> None:
        async with self._db.write() as conn:
            await leases.release(conn, application_id, actor_id)
