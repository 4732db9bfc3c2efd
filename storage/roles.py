"""People's places in the staff group as Telegram last told them, for every bot process alike
(handlers.staff_roles asks Telegram when nothing fresh is here)."""

from __future__ import annotations

from typing import Any


async def recalled(reader: Any, user_id: int, now: float) -> str | None:
    """The role believed at `now`, if any."""
    async with reader.execute("SELECT role FROM staff_roles WHERE user_id = ? AND until > ?",
                              (user_id, now)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def remember(conn: Any, user_id: int, role: str, now: float, until: float, *,
                   news: bool) -> None:
    """Inside a write transaction. `news` (a chat_member update) replaces what was believed;
    an answer to a question asked earlier does not replace a fresher belief (news that
    came meanwhile, through another process). What nobody believes any more is forgotten."""
    await conn.execute("DELETE FROM staff_roles WHERE until <= ?", (now,))
    await conn.execute(
        "INSERT INTO staff_roles (user_id, role, until) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, until = excluded.until "
        "WHERE ? OR staff_roles.until <= ?", (user_id, role, until, news, now))
