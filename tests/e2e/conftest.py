"""End-to-end harness: the real bot (python-telegram-bot Application) against the simulator.

`bot_runner` starts the whole bot (database, services, polling over HTTP) pointed at the
simulator, and stops everything at the end; it can start a second bot on the same database to
show that a restart loses nothing. Time inside the bot comes from a ManualClock.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.config import Config, Settings
from bot.recruitment import load_recruitment
from bot.runner import RunningBot, start_bot
from tgsim import Limits, Simulator, SimUser

TOKEN = "123456:TEST-token"
WITA = ZoneInfo("Asia/Makassar")
ROOT = Path(__file__).resolve().parents[2]
# Inside the example recruitment's registration window (1-30 November 2023).
DURING_REGISTRATION = datetime(2023, 11, 10, 10, 0, tzinfo=WITA)

StartBot = Callable[..., Awaitable[RunningBot]]

# The test's database engine: SQLite, or also PostgreSQL for the journeys marked
# `both_engines` (each runs once on each; every e2e test with E2E_BOTH_ENGINES=1 set);
# make_config points the bot at it.
_database_url: str | None = None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (metafunc.definition.get_closest_marker("both_engines")
            or os.environ.get("E2E_BOTH_ENGINES")):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    global _database_url
    name = getattr(request, "param", "sqlite")
    _database_url = request.getfixturevalue("pg_dsn") if name == "postgresql" else None
    yield name
    _database_url = None


# What people must never read: an application status code, any other snake_case identifier
# (a text key, a column name), or a placeholder left unfilled. An e-mail's local part
# ("siti_aminah@...") is a person's own text, not a code.
STATUS_CODES = ("registering", "submitted", "needs_fix", "admin_passed", "admin_failed",
                "session_booked", "testing", "tested", "absent", "accepted", "not_accepted",
                "withdrawn")
CODE = re.compile(r"(?<![\w@.])[a-z]+(?:_[a-z0-9]+)+\b(?![@\w])"
                  r"|\{[a-z_]+\}"
                  rf"|Status: (?:{'|'.join(STATUS_CODES)})\b")
SENDING = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "editMessageCaption",
           "editMessageMedia", "answerCallbackQuery")


def texts_to_applicants(sim: Simulator) -> list[str]:
    """Every text and button label the bot sent or edited into a private chat, and every
    callback answer, from the simulator's call log (so a text later edited away counts)."""
    found = []
    for call in sim.calls:
        if call.method not in SENDING or call.status != 200:
            continue
        chat = str(call.params.get("chat_id", ""))
        if call.method != "answerCallbackQuery" and (not chat.isdigit() or int(chat) <= 0):
            continue  # the staff group (and anything not a person's chat)
        for key in ("text", "caption"):
            if isinstance(call.params.get(key), str):
                found.append(re.sub(r"<[^>]+>", "", call.params[key]))  # HTML tags off
        markup = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []) + (markup or {}).get("keyboard", []):
            found.extend(b["text"] if isinstance(b, dict) else str(b) for b in row)
    return found


async def running_simulator(limits: Limits, token: str = TOKEN) -> AsyncIterator[Simulator]:
    """A started simulator; afterwards, no applicant was shown an internal code."""
    simulator = Simulator(token=token, limits=limits)
    await simulator.start()
    yield simulator
    await simulator.stop()
    leaks = sorted({m.group(0) for text in texts_to_applicants(simulator)
                    for m in CODE.finditer(text)})
    assert not leaks, f"internal codes shown to applicants: {leaks}"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async for simulator in running_simulator(Limits(enabled=False)):
        yield simulator


@pytest.fixture
async def limited_sim() -> AsyncIterator[Simulator]:
    """A simulator that enforces Telegram's rate limits (429 with retry_after when broken)."""
    async for simulator in running_simulator(Limits(enabled=True)):
        yield simulator


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING_REGISTRATION)


def make_config(
    sim: Simulator, db_path: Path, recruitment_file: Path | None = None,
    bundled_bank: bool = True, group_cards: bool = True, **settings: Any
) -> Config:
    """The example recruitment (or `recruitment_file`) on the simulator. `bundled_bank`: the
    scored test may use the bundled bank, as in the playground (a real file refuses it).
    `group_cards`: each submission's card in the staff group (the file's default is a feed)."""
    recruitment_file = recruitment_file or ROOT / "recruitment.example.yaml"
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "bot_api_base_url": sim.base_url,
        "database_path": db_path,
        "recruitment_file": recruitment_file,
        "staff_chat_id": -1001,
    }
    if _database_url is not None:
        values["database_url"] = _database_url
    values.update(settings)
    recruitment = load_recruitment(recruitment_file)
    if bundled_bank:
        test = recruitment.test.model_copy(update={"allow_bundled_bank": True})
        recruitment = recruitment.model_copy(update={"test": test})
    review = recruitment.review.model_copy(update={"group_cards": group_cards})
    recruitment = recruitment.model_copy(update={"review": review})
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


@pytest.fixture(autouse=True)
def no_unnamed_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """An e2e wait names what it waits for (a reply's words, the message quoting a command):
    "the next message" may be an outbox delivery instead, which made the suite flaky on a busy
    machine. SimUser.next_message is the tgsim tests' own; here it fails at once."""
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("wait for a message by what it is (next_message_with, reply_to, "
                             "reply_with), not for 'the next message'")
    monkeypatch.setattr(SimUser, "next_message", refuse)
