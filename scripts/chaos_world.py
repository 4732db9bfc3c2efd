"""Chaos run, the world the bot lives in (scripts/chaos.py runs it): the run's shape (`Shape`,
`shape`: sizes, pacing, fault rates), the faulty Telegram (`ChaosSimulator`: tgsim with random
5xx, requests that time out done or undone, per-chat waits and taps that wait for their answer)
and the bot as a child process (`BotProcess`: started, SIGKILLed and restarted on the same
database, crashes recorded); also what every part of the run shares: `say`, the token, the
time zone and the timeout figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from tgsim import SimMessage, Simulator, SimUser
from tgsim.admin import add_admin_routes
from tgsim.dispatch import log_params
from tgsim.faults import Faults
from tgsim.models import Call, CallbackAnswer
from tgsim.render import message_dict, user_dict
from tgsim.server import read_params, start_server
from tgsim.state import PendingCallback

TOKEN = "123456:CHAOS-token"
WITA = ZoneInfo("Asia/Makassar")
READ_TIMEOUT = 5.0  # PTB's default read timeout: a slower answer is a timeout to the bot
LATE = READ_TIMEOUT + 1.0  # how late a "timed out" answer comes
# Start-up calls get 5xx but no timeouts: a restart stays short (the bot retries them anyway).
STARTUP = {"getUpdates", "getMe", "deleteWebhook", "setMyCommands", "setMyDescription",
           "setMyShortDescription"}
METHOD: contextvars.ContextVar[str] = contextvars.ContextVar("method", default="")
TOO_LATE: contextvars.ContextVar[bool] = contextvars.ContextVar("too_late", default=False)


def say(text: str) -> None:
    print(text, flush=True)


# ---- the run's shape --------------------------------------------------------------------------
@dataclass
class Shape:
    n: int
    reviewers: int
    kills: dict[str, int]  # random kills by moment
    minutes: int  # the test's length
    questions: int
    seats: tuple[int, int]  # the two sessions' capacities
    booking_seconds: float  # from opening the sessions to their start
    session_seconds: float  # a session's length (a deadline never passes its end)
    open_at: float  # the sessions open once this share of applicants has a final decision
    typed: float  # how often a person types a button's label instead of tapping it
    arrivals: float  # applicants arrive over this many seconds
    think: tuple[float, float]  # seconds between a person's actions in the form
    think_test: tuple[float, float]  # between taps in the test
    patience: float  # how long a person waits for the bot before asking again
    error_rate: float = 0.08
    timeout_rate: float = 0.02
    updates_error_rate: float = 0.02
    private_per_sec: float = 1.0  # Telegram's: about one message a second in a private chat
    private_burst: int = 3
    force_429_every: float = 12.0
    limit_seconds: float = 900.0


def shape(args: argparse.Namespace) -> Shape:
    if args.quick:
        # A session of 36 s: the 1-minute test's deadline is the session's end.
        return Shape(n=args.n or 30, reviewers=4, minutes=1, questions=10, seats=(11, 9),
                     booking_seconds=16, session_seconds=36, open_at=0.8, typed=0.7,
                     arrivals=4, think=(0.05, 0.3), think_test=(0.2, 1.0),
                     patience=4.0, limit_seconds=160.0, private_per_sec=4.0,
                     private_burst=8,
                     kills={"submit": 1, "decision": 1, "booking": 1, "answer": 1,
                            "auto-submit": 1, "announcement": 1})
    n = args.n or 200
    return Shape(n=n, reviewers=10, minutes=3, questions=10, seats=(n * 3 // 10, n * 3 // 10),
                 booking_seconds=90, session_seconds=190, open_at=1.0, typed=0.3,
                 arrivals=60, think=(0.2, 1.5), think_test=(2.0, 8.0),
                 patience=20.0, limit_seconds=870.0,
                 kills={"registration": 1, "submit": 2, "decision": 2, "booking": 2,
                        "answer": 2, "auto-submit": 1, "announcement": 1, "broadcast": 1})


# ---- the simulator, with timeouts and per-chat waits -----------------------------------------
class ChaosFaults(Faults):
    """tgsim's random 5xx, rarer for getUpdates (a failed poll only delays everything)."""

    def __init__(self, seed: int, updates_rate: float) -> None:
        super().__init__(seed)
        self.updates_rate = updates_rate

    def random_error(self) -> tuple[int, str] | None:
        if METHOD.get() == "getUpdates":
            rate, self.error_rate = self.error_rate, self.updates_rate
            try:
                return super().random_error()
            finally:
                self.error_rate = rate
        return super().random_error()


class WatchedCallback(PendingCallback):
    """A callback query whose answer resolves a future (no scan of every chat on each change)."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "answer" and value is not None:
            future = self.__dict__.get("future")
            if future is not None and not future.done():
                future.set_result(value)


@dataclass
class Lost:
    """A request the simulator let time out without doing it."""

    method: str
    params: dict[str, Any]
    at: float


class CallLog(list[Call]):
    """The simulator's call log; it also notes the calls answered too late (done, but the bot
    saw a timeout)."""

    def __init__(self, late: list[Call]) -> None:
        super().__init__()
        self.late = late

    def append(self, call: Call) -> None:
        super().append(call)
        if TOO_LATE.get():
            self.late.append(call)


class ChaosSimulator(Simulator):
    def __init__(self, seed: int, timeout_rate: float, updates_rate: float, **kwargs: Any
                 ) -> None:
        super().__init__(**kwargs)
        self.faults = ChaosFaults(seed, updates_rate)
        self.timeout_rate = timeout_rate
        self.rng = random.Random(seed * 7 + 1)
        self.lost: list[Lost] = []  # timed out, never done
        self.late: list[Call] = []  # done, answered too late
        self.calls = CallLog(self.late)
        self._chat_events: dict[int, asyncio.Event] = {}

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.closing = False
        self._runner, self.url = await start_server(
            self, host, port, extra_routes=(add_admin_routes, self._add_faults))

    def _add_faults(self, app: web.Application) -> None:
        @web.middleware
        async def faults(request: web.Request, handler: Any) -> web.StreamResponse:
            method = request.match_info.get("method", "")
            if not method:
                return await handler(request)
            METHOD.set(method)
            if method in STARTUP or self.rng.random() >= self.timeout_rate:
                return await handler(request)
            if self.rng.random() < 0.5:  # lost on the way: never done
                try:
                    raw, files = await read_params(request)
                except (ConnectionError, web.HTTPException):  # the bot was killed meanwhile
                    raw, files = {}, {}
                self.lost.append(Lost(method, log_params(raw, files), time.time()))
                await asyncio.sleep(LATE)
                return web.json_response({"ok": False, "error_code": 504,
                                          "description": "Gateway Timeout"}, status=504)
            TOO_LATE.set(True)
            response = await handler(request)  # done, but the answer comes too late
            await asyncio.sleep(LATE)
            return response

        app.middlewares.append(faults)

    def touch(self, msg: SimMessage | None = None) -> None:
        super().touch(msg)
        if msg is not None:
            event = self._chat_events.pop(msg.chat_id, None)
            if event is not None:
                event.set()

    async def chat_wait(self, chat_id: int, ready: Callable[[], Any], within: float) -> Any:
        """Wait until `ready()` returns something true, looking again whenever this chat
        changes; its last value (false when the time ran out)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not (found := ready()):
            left = deadline - loop.time()
            if left <= 0:
                return found
            event = self._chat_events.setdefault(chat_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await event.wait()
        return found

    async def press(self, user: SimUser, msg: SimMessage, data: str, within: float
                    ) -> CallbackAnswer | None:
        """Tap a button; the bot's answer, or None when none came in time."""
        if msg.deleted:
            return None
        pending = WatchedCallback(self.new_query_id(), user.id, self.clock.time())
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        pending.future = future  # type: ignore[attr-defined]
        self.callbacks[pending.query_id] = pending
        self.enqueue_update("callback_query", {
            "id": pending.query_id, "from": user_dict(user),
            "message": message_dict(self, msg),
            "chat_instance": str(abs(hash((self.bot_id, msg.chat_id)))), "data": data})
        try:
            async with asyncio.timeout(within):
                return await future
        except TimeoutError:
            return None


def find_button(msg: SimMessage, label: str) -> str | None:
    """The callback data of the button labelled `label` (exactly, else containing it)."""
    for exact in (True, False):
        for labels, data in zip(msg.buttons, msg.button_data, strict=True):
            for text, value in zip(labels, data, strict=True):
                if (text == label) if exact else (label in text):
                    return value
    return None


# ---- the bot process ----------------------------------------------------------------------
@dataclass
class Kill:
    tag: str
    at: float
    up_again: float | None = None


class BotProcess:
    """`python -m bot` as a deployment runs it; killed with SIGKILL, restarted on the same
    database. An exit nobody asked for is a crash: recorded, and the bot is started again."""

    def __init__(self, env: dict[str, str], workdir: Path, sim: ChaosSimulator) -> None:
        self.env, self.workdir, self.sim = env, workdir, sim
        self.proc: asyncio.subprocess.Process | None = None
        self.kills: list[Kill] = []
        self.crashes: list[tuple[float, int | None]] = []
        self.started_at = 0.0
        self.calls_at_start = 0
        self.starts = 0
        self.log = workdir / "bot.log"
        self._killed: set[int] = set()  # pids this run killed (or stopped) on purpose
        self._watch: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n==== start {self.starts + 1} at {time.time():.3f}\n".encode())
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.workdir, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
        self.starts += 1
        self.started_at = time.time()
        self.calls_at_start = len(self.sim.calls)
        self._watch = asyncio.create_task(self._watch_exit(self.proc))

    async def _watch_exit(self, proc: asyncio.subprocess.Process) -> None:
        code = await proc.wait()
        if proc.pid in self._killed or proc is not self.proc:
            return
        self.crashes.append((time.time(), code))
        say(f"  !! the bot exited by itself (code {code}); starting it again")
        async with self.lock:
            if proc is self.proc:
                await self.start()

    async def up(self, within: float = 60.0) -> None:
        """Wait until the bot (this start of it) polls for updates."""
        seen = self.calls_at_start
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not any(c.method == "getUpdates" for c in self.sim.calls[seen:]):
            if loop.time() > deadline:
                raise RuntimeError(f"the bot did not come up within {within:.0f} s; see {self.log}")
            await self.sim.wait_change(1.0)

    async def kill(self, tag: str, downtime: float = 0.5,
                   before_start: Callable[[], None] | None = None) -> Kill:
        """SIGKILL, a moment of downtime, the same database again; returns when it polls."""
        async with self.lock:
            assert self.proc is not None
            self._killed.add(self.proc.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()
            kill = Kill(tag, time.time())
            self.kills.append(kill)
            await asyncio.sleep(downtime)
            if before_start is not None:
                before_start()
            await self.start()
        await self.up()
        kill.up_again = time.time()
        return kill

    async def stop(self, within: float = 20.0) -> str:
        """A graceful stop (SIGTERM), as systemd or docker would; killed after `within` s."""
        if self.proc is None or self.proc.returncode is not None:
            return "not running"
        self._killed.add(self.proc.pid)
        began = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(within):
                code = await self.proc.wait()
            return f"stopped in {time.time() - began:.1f} s (exit code {code})"
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return f"still stopping after {within:.0f} s: killed"
