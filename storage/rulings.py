"""Questions of the scored test voided or re-keyed after the test, and the scored attempts
they change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.timestamps import to_db


@dataclass(frozen=True)
class StoredRuling:
    question_id: str
    void: bool
    accepted: frozenset[str]  # rekey: the option texts counted correct
    reason: str
    actor_name: str | None


async def all_rulings(conn: aiosqlite.Connection, recruitment: str) -> dict[str, StoredRuling]:
    async with conn.execute(
        "SELECT question_id, ruling, accepted, reason, actor_name FROM question_rulings "
        "WHERE recruitment = ?", (recruitment,)
    ) as cur:
        return {r[0]: StoredRuling(r[0], r[1] == "void", frozenset(json.loads(r[2])), r[3], r[4])
                for r in await cur.fetchall()}


async def put(conn: aiosqlite.Connection, recruitment: str, question_id: str,
              accepted: list[str] | None, reason: str, actor_id: int, actor_name: str,
              now: datetime) -> None:
    """Void (`accepted` None) or re-key a question; previews computed before are stale."""
    await conn.execute(
        "INSERT INTO question_rulings (recruitment, question_id, ruling, accepted, reason, "
        "actor_id, actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (recruitment, question_id) DO UPDATE SET ruling = excluded.ruling, "
        "accepted = excluded.accepted, reason = excluded.reason, actor_id = excluded.actor_id, "
        "actor_name = excluded.actor_name, at = excluded.at",
        (recruitment, question_id, "void" if accepted is None else "rekey",
         json.dumps(accepted or [], ensure_ascii=False), reason, actor_id, actor_name,
         to_db(now)))
    await conn.execute("UPDATE rankings SET stale = 1 WHERE recruitment = ? AND "
                       "status = 'preview'", (recruitment,))


async def scored_attempts(conn: aiosqlite.Connection, recruitment: str
                          ) -> list[dict[str, Any]]:
    """Every submitted scored attempt of the recruitment: its draw, answers and timings."""
    async with conn.execute(
        "SELECT t.id, t.application_id, t.questions, t.score, t.scored_of FROM attempts AS t "
        "JOIN applications AS p ON p.id = t.application_id "
        "WHERE p.recruitment = ? AND t.kind = 'test' AND t.status = 'submitted' ORDER BY t.id",
        (recruitment,),
    ) as cur:
        attempts = [{"id": r[0], "application_id": r[1], "questions": json.loads(r[2]),
                     "score": r[3], "scored_of": r[4], "answers": {}} for r in
                    await cur.fetchall()]
    by_id = {a["id"]: a for a in attempts}
    async with conn.execute(
        "SELECT s.attempt_id, s.position, s.choice, s.shown_at, s.answered_at FROM answers AS s "
        "JOIN attempts AS t ON t.id = s.attempt_id "
        "JOIN applications AS p ON p.id = t.application_id "
        "WHERE p.recruitment = ? AND t.kind = 'test' AND t.status = 'submitted'",
        (recruitment,),
    ) as cur:
        for attempt_id, position, choice, shown_at, answered_at in await cur.fetchall():
            if attempt_id in by_id:
                by_id[attempt_id]["answers"][position] = (choice, shown_at, answered_at)
    return attempts


async def set_score(conn: aiosqlite.Connection, attempt_id: int, correct: int,
                    of: int) -> None:
    await conn.execute("UPDATE attempts SET score = ?, scored_of = ? WHERE id = ?",
                       (correct, of, attempt_id))
