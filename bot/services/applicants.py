"""The person behind a Telegram account: first contact, language preference."""

from __future__ import annotations

from bot import texts
from bot.clock import Clock
from storage import applicants
from storage.applicants import Applicant
from storage.db import Database


class ApplicantService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def seen(
        self, telegram_id: int, username: str | None, language_code: str | None
    ) -> Applicant:
        """The applicant for this account, created on first contact. Reads first: most
        updates come from people the bot already knows, and a read costs no write lock."""
        known = await applicants.get_by_telegram_id(self._db.reader, telegram_id)
        if known is not None and known.username == username:
            return known
        async with self._db.write() as conn:
            return await applicants.upsert_seen(
                conn, telegram_id, username, texts.normalise_language(language_code),
                self._clock.now(),
            )

    async def language_of(self, telegram_id: int) -> str:
        known = await applicants.get_by_telegram_id(self._db.reader, telegram_id)
        return known.language if known else texts.DEFAULT_LANGUAGE

    async def set_language(self, telegram_id: int, language: str) -> None:
        if language not in texts.LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        async with self._db.write() as conn:
            await applicants.set_language(conn, telegram_id, language, self._clock.now())
