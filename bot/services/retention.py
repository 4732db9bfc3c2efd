"""Personal data is kept only as long as the selection needs it: once the results have been
out for `results.keep_personal_data_days`, the profile and documents of everyone who was not
accepted are erased (once; audited). Backups rotate out after BACKUP_KEEP days."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.recruitment import Recruitment
from storage import registrations, reviews
from storage.db import Database

FLAG = "retention_done"
SYSTEM_ACTOR = 0


class RetentionService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    async def tick(self) -> None:
        days = self._r.results.keep_personal_data_days
        now = self._clock.now()
        if days is None or now < self._r.stages.announcement + timedelta(days=days):
            return
        if await registrations.get_flag(self._db.reader, self._r.code, FLAG):
            return
        async with self._db.write() as conn:
            erased = await registrations.erase_not_accepted(conn, self._r.code)
            await reviews.audit(conn, SYSTEM_ACTOR, "sistem", "retention_erase", now,
                                detail={"people": erased, "days": days})
            await registrations.set_flag(conn, self._r.code, FLAG, "done", now)
