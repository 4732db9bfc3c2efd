"""People's places in the staff group as Telegram last told them, for every bot process alike
(handlers.staff_roles asks Telegram when nothing fresh is here)."""

from __future__ import annotations

from typing import Any

FORGET_AFTER = 86_400.0  # seconds: no answer to a question comes back later than this


async def recalled(reader: Any, user_id: int, now: float) -> str | None:
    """The role believed at `now`, if any."""
    async with reader.execute("SELECT role FROM staff_roles WHERE user_id = ? AND until > ?",
                              (user_id, now)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def remember(conn: Any, user_id: int, role: str, learned: float, until: float) -> str:
    """Inside a transaction: `role`, true at `learned`, believed until `until`, unless what is
    kept was learned later (news that came through another process while this was asked).
    Returns the role now kept: what to act on."""
    await conn.execute("DELETE FROM staff_roles WHERE until <= ?", (learned - FORGET_AFTER,))
    await conn.execute(
        "INSERT INTO staff_roles (user_id, role, learned, until) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, "
        "learned = excluded.learned, until = excluded.until "
        "WHERE excluded.learned >= staff_roles.learned", (user_id, role, learned, until))
    async with conn.execute("SELECT role FROM staff_roles WHERE user_id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return str(row[0])
