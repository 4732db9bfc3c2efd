"""Which storage engine: the SQLite file (the default), or PostgreSQL when a URL is given."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from storage.pg import PgDatabase, Pool


async def open_database(path: Path, url: str | None = None, *, schema: str | None = None,
                        pool: Pool | None = None) -> Database | PgDatabase:
    """The SQLite file at `path`, or the PostgreSQL database at `url` (its tables in `schema`,
    through `pool` when several recruitments share one)."""
    if url:
        return await PgDatabase.open(url, schema=schema, pool=pool)
    return await Database.open(path)
