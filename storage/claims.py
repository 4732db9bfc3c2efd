"""Several bot processes on one database: who is alive, which process serves which chat, and
periodic jobs that run once per period whichever process runs them.

A claim is a lease in wall-clock seconds: renewed by its holder's heartbeat, it returns to the
others when its holder stops renewing (a process killed mid-work loses nothing). With one
process, every claim is simply its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


async def heartbeat(conn: Any, holder: str, now: float, lease: float) -> int:
    """Inside a write transaction: `holder` is alive at `now`, and its claims last another
    `lease` seconds; the number of processes alive (itself included)."""
    await conn.execute(
        "INSERT INTO processes (holder, seen) VALUES (?, ?) "
        "ON CONFLICT (holder) DO UPDATE SET seen = excluded.seen", (holder, now))
    await conn.execute("UPDATE chat_claims SET until = ? WHERE holder = ?", (now + lease, holder))
    await conn.execute("DELETE FROM processes WHERE seen < ?", (now - lease,))
    async with conn.execute("SELECT count(*) FROM processes") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 1


async def alone(conn: Any) -> None:
    """The only process on this database (SQLite): whatever an earlier run held is free now,
    not when its leases run out."""
    await conn.execute("DELETE FROM chat_claims")
    await conn.execute("DELETE FROM processes")


async def leave(conn: Any, holder: str) -> None:
    """A clean stop: everything `holder` held is free at once."""
    await conn.execute("DELETE FROM chat_claims WHERE holder = ?", (holder,))
    await conn.execute("DELETE FROM processes WHERE holder = ?", (holder,))


async def take(conn: Any, kind: str, chat_ids: Iterable[int], holder: str, now: float,
               lease: float) -> set[int]:
    """Inside a write transaction: of `chat_ids`, those `holder` now holds (newly taken, or
    held already); a chat another process holds, unexpired, is not taken."""
    held = set()
    for chat_id in dict.fromkeys(chat_ids):
        cur = await conn.execute(
            "INSERT INTO chat_claims (kind, chat_id, holder, until) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, chat_id) DO UPDATE SET holder = excluded.holder, "
            "until = excluded.until "
            "WHERE chat_claims.holder = excluded.holder OR chat_claims.until <= ?",
            (kind, chat_id, holder, now + lease, now))
        if cur.rowcount == 1:
            held.add(chat_id)
    return held


async def release(conn: Any, kind: str, chat_ids: Iterable[int], holder: str) -> None:
    for chat_id in set(chat_ids):
        await conn.execute("DELETE FROM chat_claims WHERE kind = ? AND chat_id = ? AND holder = ?",
                           (kind, chat_id, holder))


async def run_due(conn: Any, name: str, now: float, period: float) -> bool:
    """Inside a write transaction: whether the job `name` is due (it last ran at least
    `period` seconds ago, or never); if so it counts as run now."""
    cur = await conn.execute(
        "INSERT INTO job_runs (name, at) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET at = excluded.at "
        "WHERE job_runs.at <= ? OR job_runs.at > ?",  # (or the clock was set back)
        (name, now, now - period, now))
    return bool(cur.rowcount == 1)
