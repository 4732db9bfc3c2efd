"""Staff actions other than reviewing: switches of the recruitment, audited refusals."""

from __future__ import annotations

from bot.clock import Clock
from bot.recruitment import Recruitment
from storage import reviews
from storage.db import Database
from storage.timestamps import to_db


class StaffService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment
        # user id -> (is administrator, monotonic expiry): a cache of getChatMember answers.
        self.role_cache: dict[int, tuple[bool, float]] = {}

    async def set_registration(self, is_open: bool, actor_id: int, actor_name: str) -> None:
        """Open or close registration by hand, whatever the configured window says."""
        now = self._clock.now()
        value = "open" if is_open else "closed"
        async with self._db.write() as conn:
            await conn.execute(
                """
                INSERT INTO recruitment_flags (recruitment, name, value, updated_at)
                VALUES (?, 'registration', ?, ?)
                ON CONFLICT (recruitment, name) DO UPDATE SET
                    value = excluded.value, updated_at = excluded.updated_at
                """,
                (self._r.code, value, to_db(now)),
            )
            await reviews.audit(conn, actor_id, actor_name, f"registration_{value}", now)

    async def refused(self, actor_id: int, actor_name: str, action: str) -> None:
        """A staff command someone was not allowed to run: kept in the audit log."""
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, action, self._clock.now(),
                                allowed=False)
