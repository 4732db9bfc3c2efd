"""Secrets of the deployment (e.g. the key of the scored forms' seeds): made once, kept."""

from __future__ import annotations

import secrets
from datetime import datetime

import aiosqlite

from storage.timestamps import to_db


async def get_or_create(conn: aiosqlite.Connection, name: str, now: datetime) -> str:
    """The secret called `name`; made (256 random bits) the first time it is asked for.
    Call it inside a write transaction so that two first uses agree on one value."""
    await conn.execute(
        "INSERT INTO deployment_secrets (name, value, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        (name, secrets.token_hex(32), to_db(now)),
    )
    async with conn.execute("SELECT value FROM deployment_secrets WHERE name = ?",
                            (name,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return str(row[0])
