"""Staff actions other than reviewing: queue, search, records, statistics, export, switches.
Every action that changes something or takes data out is written to the audit log."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.recruitment import Recruitment
from bot.services.export import applicants_xlsx
from storage import registrations, reviews, staff_queries
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

    async def queue(self, page: int, size: int = 5) -> tuple[int, list[dict[str, Any]]]:
        return await staff_queries.pending(self._db.reader, self._r.code, (page - 1) * size, size)

    async def search(self, term: str) -> list[dict[str, Any]]:
        return await staff_queries.search(self._db.reader, self._r.code, term)

    async def record(self, application_id: int) -> tuple[dict[str, Any], list[str],
                                                          list[dict[str, Any]]] | None:
        found = await staff_queries.record(self._db.reader, application_id)
        if found is None:
            return None
        docs = await registrations.get_documents(self._db.reader, found["applicant_id"])
        trail = await staff_queries.audit_trail(self._db.reader, found["applicant_id"])
        return found, sorted(docs), trail

    async def stats(self) -> dict[str, list[tuple[str, int]]]:
        return await staff_queries.stats(self._db.reader, self._r.code)

    async def export(self, actor_id: int, actor_name: str) -> tuple[bytes, int]:
        rows = await staff_queries.export_rows(self._db.reader, self._r.code)
        data = applicants_xlsx(rows, self._r.zone, self._r.name)
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, "export", self._clock.now(),
                                detail={"rows": len(rows)})
        return data, len(rows)
