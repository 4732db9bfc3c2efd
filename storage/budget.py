"""Telegram's limits are the bot's, not a process's: with several bot processes on one
database, each send is taken from one budget they share (table rate_sends), a sliding window
per lane: at most `limit` sends in any `period` seconds. A lane keeps only its last window's
sends (the bot's lanes are few: the overall one, and one per group it writes to)."""

from __future__ import annotations

from typing import Any


async def take(conn: Any, lane: str, want: int, limit: int, period: float,
               now: float) -> tuple[int, float]:
    """Inside a transaction holding `lane`'s lock: up to `want` sends on `lane` at `now`. How
    many are granted, and in how many seconds the window has room again (0: it has now)."""
    await conn.execute("DELETE FROM rate_sends WHERE lane = ? AND at <= ?", (lane, now - period))
    async with conn.execute("SELECT at FROM rate_sends WHERE lane = ? ORDER BY at",
                            (lane,)) as cur:
        sent = [float(row[0]) for row in await cur.fetchall()]
    granted = max(0, min(want, limit - len(sent)))
    if granted:
        await conn.executemany("INSERT INTO rate_sends (lane, at) VALUES (?, ?)",
                               [(lane, now)] * granted)
        sent += [now] * granted
    sent.sort()  # (another machine's clock may be a little ahead)
    full = len(sent) - limit  # how many must leave the window before one more fits
    return granted, 0.0 if full < 0 else max(0.0, sent[full] + period - now)



async def server_now(conn: Any) -> float:
    """PostgreSQL's clock, in seconds: every machine's sends are stamped on one clock."""
    async with conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8") as cur:
        row = await cur.fetchone()
    return float(row[0])
