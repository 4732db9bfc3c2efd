"""Truthful time, as an applicant sees it: in a 3-minute test and a 5-minute practice, with the
tick running every 5 s of the injected clock, no warning states more time than is left, and
none arrives twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.runner import RunningBot
from storage import attempts
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.journeys import reply_with
from tests.e2e.test_registration_rules import recruitment_with
from tests.e2e.test_timed_test import book_s1, passed_applicant, start_test
from tgsim import Simulator, SimUser


async def run_out_the_clock(running: RunningBot, user: SimUser, clock: ManualClock,
                            kind: str) -> list[tuple[str, timedelta]]:
    """Tick every 5 s until the attempt ends; each warning queued, with the time then left."""
    svc = running.services
    applicant = await svc.applicants.seen(user.id, None, "id")
    queued: list[tuple[str, timedelta]] = []
    seen = 0
    while True:
        attempt = await attempts.latest(svc.db.reader, applicant.id, kind)
        assert attempt is not None
        if attempt.status == "submitted":
            return queued
        clock.advance(seconds=5)
        await svc.tick()
        rows = await svc.db.fetchall(
            "SELECT payload FROM outbox WHERE chat_id = ? AND payload LIKE '%Sisa waktu%' "
            "ORDER BY id", (user.id,))
        for row in rows[seen:]:  # queued by this tick: the clock has not moved since
            assert attempt.deadline_at is not None
            queued.append((row[0], attempt.deadline_at - clock.now()))
        seen = len(rows)


def stated_minutes(payload: str) -> int:
    return int(payload.split("Sisa waktu tes Anda ")[1].split(" menit")[0])


async def test_a_three_minute_test_warns_once_and_truthfully(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    path = recruitment_with(tmp_path, test__minutes=3)
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path))
    budi = sim.user("Budi")
    await passed_applicant(running, budi)
    await book_s1(budi)
    await start_test(budi, clock)
    queued = await run_out_the_clock(running, budi, clock, "test")
    assert [stated_minutes(p) for p, _ in queued] == [1]
    for payload, left in queued:
        assert left <= timedelta(minutes=stated_minutes(payload))
    await reply_with(budi, "Sisa waktu tes Anda 1 menit")
    await reply_with(budi, "Waktu habis")
    warnings = [m for m in budi.messages() if "Sisa waktu" in (m.text or "")]
    assert len(warnings) == 1


async def test_a_five_minute_practice_never_says_ten_minutes(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    ani = sim.user("Ani")
    await bot.services.applicants.seen(ani.id, None, "id")
    await ani.send("/latihan")
    await reply_with(ani, "LATIHAN · Soal 1/5 · sisa 05:00")
    queued = await run_out_the_clock(bot, ani, clock, "practice")
    assert [stated_minutes(p) for p, _ in queued] == [1]
    assert queued[0][1] <= timedelta(minutes=1)
    await reply_with(ani, "Sisa waktu tes Anda 1 menit")
