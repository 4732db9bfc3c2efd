"""Staff actions other than reviewing: queue, search, records, statistics, export, switches.
Every action that changes something, takes data out or reads personal data is written to the
audit log."""

from __future__ import annotations

from typing import Any, Literal

from bot.clock import Clock
from bot.recruitment import Recruitment
from bot.services import staff_words
from bot.services.export import applicants_xlsx
from storage import registrations, reviews, staff_queries
from storage.db import Database


class StaffService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment
        # user id -> (is administrator, monotonic expiry): a cache of getChatMember answers.

    async def set_registration(self, is_open: bool, actor_id: int, actor_name: str) -> None:
        """Open or close registration by hand, whatever the configured window says."""
        now = self._clock.now()
        value = "open" if is_open else "closed"
        async with self._db.write() as conn:
            await registrations.set_flag(conn, self._r.code, "registration", value, now)
            await reviews.audit(conn, actor_id, actor_name, f"registration_{value}", now)

    async def refused(self, actor_id: int, actor_name: str, action: str) -> None:
        """A staff command someone was not allowed to run: kept in the audit log."""
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, action, self._clock.now(),
                                allowed=False)

    async def queue(self, page: int, actor_id: int, actor_name: str, size: int = 5
                    ) -> tuple[int, list[dict[str, Any]]]:
        total, rows = await staff_queries.pending(self._db.reader, self._r.code,
                                                  (page - 1) * size, size)
        await self._read(actor_id, actor_name, "view_queue",
                         [(r["applicant_id"], {"application": r["application_id"], "page": page})
                          for r in rows], {"page": page, "results": 0})
        return total, rows

    async def search(self, term: str, actor_id: int, actor_name: str) -> list[dict[str, Any]]:
        """The audit keeps what the search was made by and how many it found, never the term
        (it may be a NIK or a phone number)."""
        rows = await staff_queries.search(self._db.reader, self._r.code, term)
        about = {"by": staff_words.search_kind(term), "results": len(rows)}
        await self._read(actor_id, actor_name, "search",
                         [(r["applicant_id"], {**about, "application": r["application_id"]})
                          for r in rows], about)
        return rows

    async def record(self, application_id: int, actor_id: int, actor_name: str,
                     action: Literal["view_record", "view_trail"] = "view_record"
                     ) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]] | None:
        """One application, its documents and its audit trail (as it was before this read)."""
        found = await staff_queries.record(self._db.reader, application_id, self._r.code)
        if found is None:
            return None
        docs = await registrations.get_documents(self._db.reader, found["applicant_id"])
        trail = await staff_queries.audit_trail(self._db.reader, found["applicant_id"])
        await self._read(actor_id, actor_name, action,
                         [(found["applicant_id"], {"application": application_id})], {})
        return found, sorted(docs), trail

    async def stats(self, actor_id: int, actor_name: str) -> dict[str, list[tuple[str, int]]]:
        counts = await staff_queries.stats(self._db.reader, self._r.code)
        await self._read(actor_id, actor_name, "view_stats", [], {})
        return counts

    async def _read(self, actor_id: int, actor_name: str, action: str,
                    seen: list[tuple[int, dict[str, Any]]], nothing: dict[str, Any]) -> None:
        """Reading personal data is audited like a decision: one entry per application shown
        (so it appears in that application's /jejak), or one entry when none was."""
        now = self._clock.now()
        entries: list[tuple[int | None, dict[str, Any]]] = [*seen] or [(None, nothing)]
        async with self._db.write() as conn:
            for applicant_id, detail in entries:
                await reviews.audit(conn, actor_id, actor_name, action, now, applicant_id,
                                    detail)

    async def export(self, actor_id: int, actor_name: str) -> tuple[bytes, int]:
        rows = await staff_queries.export_rows(self._db.reader, self._r.code)
        data = applicants_xlsx(rows, self._r.zone, self._r.name, self._r.region.regency_name)
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, "export", self._clock.now(),
                                detail={"rows": len(rows)})
        return data, len(rows)
