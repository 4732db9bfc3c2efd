"""End-to-end harness: the real bot (python-telegram-bot Application) against the simulator.

`bot_runner` starts the whole bot (database, services, polling over HTTP) pointed at the
simulator, and stops everything at the end; it can start a second bot on the same database to
show that a restart loses nothing. Time inside the bot comes from a ManualClock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.config import Config, Settings
from bot.recruitment import load_recruitment
from bot.runner import RunningBot, start_bot
from tgsim import Limits, Simulator

TOKEN = "123456:TEST-token"
WITA = ZoneInfo("Asia/Makassar")
ROOT = Path(__file__).resolve().parents[2]
# Inside the example recruitment's registration window (1-30 November 2023).
DURING_REGISTRATION = datetime(2023, 11, 10, 10, 0, tzinfo=WITA)

StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = Simulator(token=TOKEN, limits=Limits(enabled=False))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING_REGISTRATION)


def make_config(
    sim: Simulator, db_path: Path, recruitment_file: Path | None = None,
    bundled_bank: bool = True, **settings: Any
) -> Config:
    """The example recruitment (or `recruitment_file`) on the simulator. `bundled_bank`: the
    scored test may use the bundled bank, as in the playground (a real file refuses it)."""
    recruitment_file = recruitment_file or ROOT / "recruitment.example.yaml"
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "bot_api_base_url": sim.base_url,
        "database_path": db_path,
        "recruitment_file": recruitment_file,
        "staff_chat_id": -1001,
    }
    values.update(settings)
    recruitment = load_recruitment(recruitment_file)
    if bundled_bank:
        test = recruitment.test.model_copy(update={"allow_bundled_bank": True})
        recruitment = recruitment.model_copy(update={"test": test})
    return Config(Settings(_env_file=None, **values), recruitment)


@pytest.fixture
async def bot_runner(
    sim: Simulator, tmp_path: Path, clock: ManualClock
) -> AsyncIterator[StartBot]:
    """`await bot_runner()` starts a bot; every bot started is stopped at the end."""
    started: list[RunningBot] = []

    async def start(config: Config | None = None, **kwargs: Any) -> RunningBot:
        config = config or make_config(sim, tmp_path / "bot.sqlite3")
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("poll_timeout", 1)
        running = await start_bot(config, **kwargs)
        started.append(running)
        return running

    yield start
    for running in started:
        if running.app.running:
            await running.stop()


@pytest.fixture
async def bot(bot_runner: StartBot) -> RunningBot:
    return await bot_runner()
