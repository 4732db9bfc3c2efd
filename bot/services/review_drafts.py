"""A staff member's unfinished decision on a card: items ticked for fixing, a note and a
deadline for the applicant, and words typed on purpose.

Words are never taken from "the next message in the group": the bot asks with a prompt that
only that staff member answers (a reply to the prompt, within PROMPT_MINUTES), and a fail
reason is shown back for confirmation before it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.clock import Clock
from bot.domain import registration as reg
from bot.domain.fields import clean_text
from bot.services.review import Outcome, ReviewService
from storage import reviews
from storage.db import Database
from storage.reviews import Draft

PROMPT_MINUTES = 10
DEADLINE_CHOICES = (0, 1, 3, 7)  # days to fix; the button cycles through them
MAX_WORDS = 300  # characters of a reason or a note

PromptKind = Literal["reason", "note"]


@dataclass(frozen=True)
class Reply:
    """A staff member's reply to their prompt: for which card, what, or that it came late."""

    application_id: int
    kind: PromptKind
    text: str
    expired: bool = False


class ReviewDrafts:
    def __init__(self, db: Database, clock: Clock, review: ReviewService) -> None:
        self._db, self._clock, self._review = db, clock, review

    async def get(self, application_id: int, actor_id: int) -> Draft:
        return await reviews.get_draft(self._db.reader, application_id, actor_id)

    async def _put(self, application_id: int, actor_id: int, **changes: object) -> Draft:
        async with self._db.write() as conn:
            return await reviews.put_draft(conn, application_id, actor_id, self._clock.now(),
                                           **changes)

    async def toggle_item(self, application_id: int, actor_id: int, item: str) -> Draft:
        draft = await self.get(application_id, actor_id)
        items = tuple(sorted(set(draft.items) ^ {item}, key=reg.ITEMS.index))
        return await self._put(application_id, actor_id, items=items)

    async def next_deadline(self, application_id: int, actor_id: int) -> Draft:
        draft = await self.get(application_id, actor_id)
        at = DEADLINE_CHOICES.index(draft.deadline_days) if draft.deadline_days in \
            DEADLINE_CHOICES else 0
        days = DEADLINE_CHOICES[(at + 1) % len(DEADLINE_CHOICES)]
        return await self._put(application_id, actor_id, deadline_days=days)

    async def prompt_sent(self, application_id: int, actor_id: int, kind: PromptKind,
                          chat_id: int, message_id: int) -> None:
        """The prompt this staff member (and only they) may reply to, from now."""
        await self._put(application_id, actor_id, prompt_kind=kind, typed_reason=None,
                        prompt_chat_id=chat_id, prompt_message_id=message_id,
                        asked_at=self._clock.now())

    async def reply(self, actor_id: int, chat_id: int, prompt_message_id: int,
                    text: str) -> Reply | None:
        """A reply to a prompt: None unless it answers this staff member's own open prompt.
        The prompt closes either way; a reason waits for confirmation, a note is kept."""
        found = await reviews.prompted(self._db.reader, actor_id, chat_id, prompt_message_id)
        if found is None:
            return None
        application_id, draft = found
        assert draft.prompt_kind in ("reason", "note") and draft.asked_at is not None
        kind: PromptKind = "reason" if draft.prompt_kind == "reason" else "note"
        words = clean_text(text)[:MAX_WORDS]
        late = self._clock.now() - draft.asked_at > timedelta(minutes=PROMPT_MINUTES)
        changes: dict[str, object] = {"prompt_kind": None, "prompt_message_id": None}
        if not late:
            changes["typed_reason" if kind == "reason" else "note"] = words
        await self._put(application_id, actor_id, **changes)
        return Reply(application_id, kind, words, expired=late)

    async def confirm_reason(self, application_id: int, actor_id: int, actor_name: str
                             ) -> Outcome | None:
        """Fail with the reason this staff member typed and saw again; None if there is none."""
        draft = await self.get(application_id, actor_id)
        if not draft.typed_reason:
            return None
        return await self._review.decide(application_id, "fail", actor_id, actor_name,
                                         draft.typed_reason)

    async def drop_reason(self, application_id: int, actor_id: int) -> None:
        await self._put(application_id, actor_id, typed_reason=None, prompt_kind=None,
                        prompt_message_id=None)
