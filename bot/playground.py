"""The offline playground: the simulator, the bot against it on its own SQLite database, and
the chat page in the browser. No Telegram account or token needed.

    python -m bot playground [--port 8080] [--seed 200] [--fresh]

The demo recruitment is the example file moved to today: registration open now, a test
session starting in a few minutes, results a week from now.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot import fake_people
from bot.clock import SystemClock
from bot.config import Config, Settings
from bot.recruitment import Recruitment
from bot.runner import RunningBot, start_bot, stop_signal
from tgsim import Limits, Simulator

TOKEN = "123456:PLAYGROUND"
ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def demo_recruitment(now: datetime, base: Path = ROOT / "recruitment.example.yaml") -> Recruitment:
    """The example recruitment, moved so that every stage is within reach from `now`."""
    data: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8"))
    zone_now = now.astimezone(Recruitment.model_validate(data).zone).replace(tzinfo=None)
    minute = zone_now.replace(second=0, microsecond=0)
    fmt = "%Y-%m-%d %H:%M"

    def at(delta: timedelta) -> str:
        return (minute + delta).strftime(fmt)

    week = timedelta(days=7)
    data["code"] = "playground"
    # A demo: the scored test may use the bundled (public) bank.
    data["test"] = {**data.get("test", {}), "allow_bundled_bank": True}
    # A demo: every card in the staff view, to try reviewing at once (/periksa works too).
    data["review"] = {"group_cards": True}
    data["name"] = f"{data['name']} (demo)"
    data["stages"] = {
        "registration": {"start": at(-timedelta(days=1)), "end": at(week)},
        "administrative": {"start": at(-timedelta(days=1)), "end": at(week)},
        "test": {"start": at(-timedelta(days=1)), "end": at(week)},
        "final_selection": {"start": at(week), "end": at(week + timedelta(days=1))},
        "announcement": at(week + timedelta(days=1, hours=1)),
    }
    data["sessions"] = [
        {"code": "DEMO1", "start": at(timedelta(minutes=5)), "end": at(timedelta(hours=2)),
         "capacity": 500},
        # Bookable for more than an hour after start-up, and still taken the same sitting.
        {"code": "DEMO2", "start": at(timedelta(minutes=70)),
         "end": at(timedelta(hours=3, minutes=10)), "capacity": 500},
    ]
    return Recruitment.model_validate(data)


async def seed(running: RunningBot, sim: Simulator, count: int) -> None:
    """`count` fake applicants at various stages, so the staff side has something to show.
    They are people of the simulator too, so the bot's messages to them arrive."""
    svc = running.services
    stages = ("registering", "submitted", "submitted", "admin_passed", "booked")
    sessions = await svc.sessions.bookable()
    for i in range(count):
        fake = fake_people.person(i)
        user = sim.user(fake.name, username=f"demo{i}", language_code="id")
        applicant = await svc.applicants.seen(user.id, user.username, "id")
        if not await fake_people.fill_registration(svc, applicant.id, fake,
                                                   fake_people.sim_uploads(sim, str(i))):
            return
        stage = stages[i % len(stages)]
        if stage == "registering":
            continue
        outcome, pos = await svc.registration.submit(applicant.id)
        if outcome != "submitted" or pos.application is None or stage == "submitted":
            continue
        await svc.review.decide(pos.application.id, "pass", 0, "Demo")
        if stage == "booked" and sessions:
            await svc.sessions.book(applicant.id, sessions[i % len(sessions)].id)


async def run(port: int, count: int, fresh: bool, database: Path) -> None:
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 - start-up
    sim = Simulator(token=TOKEN, limits=Limits(enabled=True))
    await sim.start(port=port)
    staff = sim.user("Petugas BPS", username="petugas", language_code="id")
    member = sim.user("Anggota Panitia", language_code="id")
    group = sim.group("Panitia Rekrutmen (demo)", members=[staff, member], admins=[staff])
    sim.user("Calon Mitra", language_code="id")
    settings = Settings(_env_file=None, bot_token=TOKEN, bot_api_base_url=sim.base_url,  # type: ignore[arg-type]
                        database_path=database, staff_chat_id=group.chat_id)
    config = Config(settings, demo_recruitment(SystemClock().now()))
    stop = stop_signal()
    running = await start_bot(config, poll_timeout=10)
    if count:
        await seed(running, sim, count)
        running.services.notify_outbox()
    print(f"Playground: open {sim.url}/ in a browser (a phone-sized window works too).")
    print("  Pick a person to chat with the bot, or switch to the staff group view.")
    print("  Stop with Ctrl+C.", flush=True)
    try:
        await stop.wait()
    finally:
        await running.stop()
        await sim.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot playground")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--seed", type=int, default=0, help="fake applicants to create")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--database", type=Path, default=Path("data/playground.sqlite3"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(args.port, args.seed, args.fresh, args.database))
    return 0
