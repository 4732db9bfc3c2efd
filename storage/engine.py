"""Which storage engine: the SQLite file (the default), or PostgreSQL when a URL is given."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from storage.pg import PgDatabase


async def open_database(path: Path, url: str | None = None) -> Database | PgDatabase:
    if url:
        return await PgDatabase.open(url)
    return await Database.open(path)
