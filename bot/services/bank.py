"""The question bank in use: the bundled one until staff import and activate another."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.recruitment import Recruitment
from question_bank import (
    Bank,
    LoadError,
    LoadResult,
    bank_fingerprint,
    bundled_bank,
    cage,
    check_blueprint,
    export_bank_bytes,
    image_errors,
    load_bank_bytes,
)
from question_bank.lint import LintWarning, lint
from question_bank.loaders import WHOLE_FILE
from storage import banks, reviews
from storage.db import Database


@dataclass(frozen=True)
class ImportReport:
    filename: str
    errors: list[LoadError] = field(default_factory=list)
    blueprint_problems: list[str] = field(default_factory=list)
    bank: Bank | None = None
    import_id: int | None = None  # set when the file is clean and waits for confirmation
    warnings: list[LintWarning] = field(default_factory=list)  # the linter's: never blocking


class BankService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment
        self._cache: tuple[int | None, Bank] | None = None

    async def active(self) -> tuple[str, Bank]:
        """(version, bank) of the bank new attempts are drawn from."""
        stored = await banks.active(self._db.reader)
        key = stored.id if stored else None
        if self._cache is None or self._cache[0] != key:
            if stored is None:
                bank = bundled_bank()
            else:
                result = load_bank_bytes(stored.content.encode(), "stored.yaml")
                assert result.bank is not None, "a stored bank was validated on import"
                bank = result.bank
            self._cache = (key, bank)
        return self._cache[1].version, self._cache[1]

    async def for_scoring(self) -> tuple[str, Bank] | None:
        """(version, bank) of scored forms; None while only the bundled bank is there and the
        recruitment does not allow it (that bank is public, keys included)."""
        if not self._r.test.allow_bundled_bank and not await self.is_imported():
            return None
        return await self.active()

    async def is_imported(self) -> bool:
        return await banks.active(self._db.reader) is not None

    async def prepare_import(self, data: bytes, filename: str, actor_id: int,
                             actor_name: str) -> ImportReport:
        """Validate an uploaded file; a clean one is kept, pending the admin's confirmation.
        The file is read in a cage (question_bank.cage: another process, limited memory and
        time) and linted in a worker thread: a large or hostile file never holds up the bot,
        the timed test included."""
        try:
            result = await cage.run(load_bank_bytes, data, filename)
        except cage.Caged as caged:
            result = LoadResult(None, [LoadError.make(filename, WHOLE_FILE, None,
                                                      f"qb_caged_{caged.reason}")])
        now = self._clock.now()
        bank = result.bank
        errors = list(result.errors) if bank is None else image_errors(bank, filename)
        if bank is None or errors:
            report = ImportReport(filename, errors=errors)
        elif problems := check_blueprint(bank, self._r.test.blueprint):
            report = ImportReport(filename, blueprint_problems=problems, bank=bank)
        else:
            content = export_bank_bytes(bank, "yaml").decode()
            async with self._db.write() as conn:
                import_id = await banks.add_pending(conn, bank.version, bank_fingerprint(bank),
                                                    filename, content, actor_id, now)
                await reviews.audit(conn, actor_id, actor_name, "bank_import_checked", now,
                                    detail={"import": import_id, "version": bank.version})
            _, warnings = await asyncio.to_thread(lint, bank, self._r.test.blueprint)
            return ImportReport(filename, bank=bank, import_id=import_id, warnings=warnings)
        async with self._db.write() as conn:
            await reviews.audit(conn, actor_id, actor_name, "bank_import_rejected", now,
                                detail={"file": filename, "errors": len(report.errors),
                                        "blueprint": report.blueprint_problems})
        return report

    async def decide_import(self, import_id: int, activate: bool, actor_id: int,
                            actor_name: str) -> bool:
        now = self._clock.now()
        async with self._db.write() as conn:
            done = await (banks.activate(conn, import_id, now) if activate
                          else banks.cancel(conn, import_id))
            if done:
                action = "bank_activated" if activate else "bank_import_cancelled"
                await reviews.audit(conn, actor_id, actor_name, action, now,
                                    detail={"import": import_id})
        return done
