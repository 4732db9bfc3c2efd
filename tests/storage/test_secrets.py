"""Deployment secrets: made once, then always the same."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from storage import secrets
from storage.db import Database
from tests.storage.conftest import WITA

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=WITA)


async def test_a_secret_is_made_once_and_kept_across_restarts(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "mitra.sqlite3")
    try:
        async with db.write() as conn:
            draw = await secrets.get_or_create(conn, "draw", NOW)
            again = await secrets.get_or_create(conn, "draw", NOW)
            other = await secrets.get_or_create(conn, "other", NOW)
    finally:
        await db.close()
    assert re.fullmatch(r"[0-9a-f]{64}", draw) and draw == again and other != draw
    db = await Database.open(tmp_path / "mitra.sqlite3")
    try:
        async with db.write() as conn:
            assert await secrets.get_or_create(conn, "draw", NOW) == draw
    finally:
        await db.close()


async def test_a_secret_made_in_a_failed_transaction_is_not_kept(db: Database) -> None:
    lost = ""
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            lost = await secrets.get_or_create(conn, "draw", NOW)
            raise RuntimeError("the first use failed")
    async with db.write() as conn:
        kept = await secrets.get_or_create(conn, "draw", NOW)
    assert lost and kept != lost
    assert len(await db.fetchall("SELECT * FROM deployment_secrets")) == 1
