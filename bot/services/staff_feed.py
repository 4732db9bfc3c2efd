"""The staff group's compact feed (when review happens in private chats): what came in and
what was decided, posted together at most once a minute, as bulk (after cards, decisions and
replies to staff in the group's 20-a-minute budget)."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.services.review_markup import LANG as STAFF_LANG
from storage import feed, outbox
from storage import registrations as flags
from storage.db import Database
from storage.timestamps import from_db, to_db

EVERY = timedelta(minutes=1)
MAX_CHARS = 3500  # a feed message stays well under Telegram's 4096


class StaffFeed:
    def __init__(self, db: Database, clock: Clock, config: Config) -> None:
        self._db, self._clock, self._config = db, clock, config

    async def tick(self) -> None:
        r, staff = self._config.recruitment, self._config.settings.staff_chat_id
        if staff is None or r.review.group_cards:
            return
        now = self._clock.now()
        last = await flags.get_flag(self._db.reader, r.code, "staff_feed_at")
        if last is not None and now - from_db(last) < EVERY:
            return
        if not await feed.unposted(self._db.reader, r.code):
            return
        async with self._db.write() as conn:
            lines = await feed.unposted(conn, r.code)
            if not lines:
                return
            for text in messages([line for _, line in lines]):
                await outbox.enqueue(conn, staff, {"text": text, "protect_content": True,
                                                   "bulk": True}, now)
            await feed.mark_posted(conn, r.code, lines[-1][0])
            await flags.set_flag(conn, r.code, "staff_feed_at", to_db(now), now)


def messages(lines: list[str]) -> list[str]:
    """The feed's lines under a title, split into messages that Telegram accepts."""
    title = texts.get(STAFF_LANG, "staff.feed_title")
    out, current = [], [title]
    for line in lines:
        if sum(len(x) + 1 for x in current) + len(line) > MAX_CHARS:
            out.append("\n".join(current))
            current = [title]
        current.append(line)
    out.append("\n".join(current))
    return out
