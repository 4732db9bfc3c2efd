"""What the storage modules need to run the same SQL on SQLite and on PostgreSQL.

The SQL itself is written to mean the same on both: `?` placeholders (the PostgreSQL adapter
numbers them), `INSERT ... RETURNING id` for a new row's id, `ON CONFLICT ... DO NOTHING`,
integers for flags. A statement that may break a constraint, in a transaction that goes on
after it, runs inside `savepoint()`: PostgreSQL refuses every later statement of a
transaction in which one failed, unless the failure was rolled back to a savepoint.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# A constraint refused a write; the PostgreSQL adapter raises this one too.
IntegrityError = sqlite3.IntegrityError


async def new_id(cur: Any) -> int:
    """The id of the row an `INSERT ... RETURNING id` made."""
    row = await cur.fetchone()
    assert row is not None, "the INSERT made no row"
    return int(row[0])


@asynccontextmanager
async def savepoint(conn: Any) -> AsyncIterator[None]:
    """Statements that either all take effect or, on an error, none; the transaction around
    them goes on either way."""
    await conn.execute("SAVEPOINT guarded")
    try:
        yield
    except BaseException:
        await conn.execute("ROLLBACK TO SAVEPOINT guarded")
        await conn.execute("RELEASE SAVEPOINT guarded")
        raise
    await conn.execute("RELEASE SAVEPOINT guarded")
