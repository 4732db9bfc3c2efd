"""Chaos run: a whole recruitment driven through the simulator by simulated people, while the bot
process is killed with SIGKILL at random moments and Telegram misbehaves.

    .venv/bin/python scripts/chaos.py             # 200 applicants, 15 kills: about 13 min
    .venv/bin/python scripts/chaos.py --quick     # 30 applicants, 9 kills: about 2.5 min
    .venv/bin/python scripts/chaos.py --seed 7 --json figures.json --keep /tmp/chaos

The simulator (tgsim, Telegram's limits on) runs in this process as an HTTP server; the bot runs
as a child process, `python -m bot`, configured by the environment like a deployment
(BOT_API_BASE_URL pointing at the simulator, its own SQLite file), so a kill is a real SIGKILL
and every restart opens the same database. The bot reads the real clock (the project has no
clock to inject into a child process), so the run keeps its times short: a 10-question test of
3 minutes, in sessions that start 90 s after they are opened (--quick: a 1-minute test in a
36-second session, whose end is then everyone's deadline; sessions start 16 s after opening).
Telegram's limits are the simulator's defaults (30 messages a second overall, which the bot's
own pacing keeps to, edits included; 1 a second in a private chat); --quick allows a private
chat 4 a second, so that 30 registrations fit in under a minute.

What happens, everyone acting as a person in the chat (reading what the bot shows, tapping its
buttons, and asking again when an answer does not come: /daftar, /periksa, /jadwal, /lanjut):

- applicants register (consent, declarations, every field, KTP, pasfoto and ijazah), submit;
- reviewers work through /periksa in their private chats: pass, fail with a reason, or "needs
  fixing" (the applicant fixes exactly what was reopened and submits again);
- the committee opens two sessions with fewer seats than applicants who passed, and tells those
  who passed with a broadcast (/siaran belum_pilih_sesi); applicants race for the seats (a full
  session: choose the other; none left: they stay out);
- the timed test: answers, changed answers, a second device (/lanjut, and the old copy's
  buttons), finishing, or leaving it to the deadline (automatic submission);
- ranking (/peringkat), approval, announcement (/umumkan sekarang), results to everyone ranked.

Meanwhile the bot process is killed at random moments of each kind (seeded with --seed): while
an applicant submits, a reviewer decides, an applicant books, answers, while deadlines submit
attempts, while results go out, while a broadcast goes out, and at planned restarts where the
committee has edited the recruitment file (the registration now closes tomorrow: the
"not submitted yet" reminder falls due; the sessions; the announcement is today: its reminder
falls due, racing the announcement). The simulator answers about 8 % of requests with a 5xx, lets
about 2 % time out (half of them after doing the request: a delivered message whose answer the
bot never sees), and answers some sends with a 429.

Checked at the end, from the bot's database, the simulator's record of what reached each chat and
what each person saw (exit code 1 when an invariant is broken):

- answers acknowledged to a person (the screen moved on, or the tap was answered) but not in
  the database: 0;
- seats booked over a session's capacity: 0;
- test attempts not submitted exactly once: 0;
- decision and result messages missing: 0; doubled: only a message that Telegram accepted in
  the instant before a kill (the outbox could not record it), counted and explained;
- broadcast messages missing or doubled (same rule);
- decision, result and broadcast messages doubled because Telegram's answer to the first copy
  came too late (a timeout: the outbox sent it again): 0 (any other double: 0);
- guarded reminders (registration not sent, announcement day; a fixing deadline's does not fall
  due in a run this short) that reached a person after their reason was certainly gone, and
  minutes-left warnings after the test had ended: 0 (certainly: after something that only
  follows the commit that ended the reason reached Telegram; reminders sent between that
  transaction's start and its commit are listed as borderline, not counted);
- direct replies lost: a reply Telegram answered with a 5xx or lost to a timeout and never done
  (bot.retry sends again what cannot be doubled; a timed-out send is left alone, so some are
  lost by design: the person asks again), each with why; those the next kill cut short are
  counted apart. Not an invariant: a figure.

--keep DIR keeps the database, the bot's log, every Bot API call (calls.txt) and what each
person did (people.json).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import html
import json
import logging
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from aiohttp import web

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, tgsim)
    sys.path.insert(0, str(ROOT))

from bot import fake_people, texts  # noqa: E402
from bot.domain import registration as reg  # noqa: E402
from bot.fake_people import Person  # noqa: E402
from scripts.bench_common import percentile  # noqa: E402
from tgsim import Limits, SimMessage, Simulator, SimUser  # noqa: E402
from tgsim.admin import add_admin_routes  # noqa: E402
from tgsim.dispatch import log_params  # noqa: E402
from tgsim.faults import Faults  # noqa: E402
from tgsim.models import Call, CallbackAnswer  # noqa: E402
from tgsim.render import message_dict, user_dict  # noqa: E402
from tgsim.server import read_params, start_server  # noqa: E402
from tgsim.state import PendingCallback  # noqa: E402

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


# ---- what the bot says, as a person reads it ------------------------------------------------
def plain(key: str, **params: object) -> str:
    """A text of the bot's catalogue as it appears in the chat (no HTML)."""
    return html.unescape(re.sub(r"<[^>]+>", "", texts.get("id", key, **params)))


def first_line(key: str, **params: object) -> str:
    return plain(key, **params).split("\n")[0]


FIELD_STEPS = [spec.key for spec in reg.FIELDS]
STEPS = {**{name: first_line(f"reg.ask_{name}") for name in FIELD_STEPS},
         **{kind: first_line(f"reg.ask_{kind}", limit_mb="5") for kind in reg.DOCUMENTS}}
CONSENT = first_line("reg.consent", regency="X")
DECLARATION = re.compile(r"Persyaratan \d/5\.")
REVIEW = first_line("reg.review_title")
CONFIRM = plain("reg.submit_confirm").split("?")[0]
SUBMITTED = plain("reg.submitted", when="X").split(" pada")[0]
STATUS_SENT = "Status: "  # any status text: the application was sent (or is past that)
RESYNC = [first_line(k) for k in ("reg.use_buttons", "reg.type_answer", "reg.send_document",
                                  "stale_button", "error")] + ["tidak sesuai", "belum benar"]
DECIDED = {"pass": "Selamat! Anda lulus seleksi administrasi",
           "fail": "tidak lulus seleksi administrasi",
           "fix": "perlu diperbaiki pada"}
CARD_WAITING = "menunggu pemeriksaan administrasi"
REVIEW_DONE = first_line("staff.review_done")
CHOOSE = plain("test.choose", zone="WITA").split(" (")[0]
BOOKED = "Sesi Anda: "
YOUR_SESSION = "Sesi tes Anda: "
FULL = first_line("test.full")
NONE_LEFT = plain("test.none_left", contact="").split(".")[0]
START_REMINDER = first_line("test.remind_start")
TIME_UP = "Waktu habis. Tes Anda otomatis diselesaikan"
TEST_DONE = "Tes selesai. "
SCREEN_DONE = "Tes selesai; jawaban tersimpan"
NO_TEST = (first_line("test.no_active"), first_line("test.done"))
HEADER = re.compile(r"Soal (\d+)/(\d+) · sisa (\d+):(\d+)")
RESULT = {"accepted": "Anda DITERIMA sebagai Mitra Statistik",
          "not_accepted": "Anda belum diterima"}
BROADCAST_TEXT = ("Sesi tes kompetensi sudah dibuka, kursi terbatas. Pilih sesi Anda dengan "
                  "/jadwal.")
REMINDERS = {kind: plain(f"reminders.{kind}", when="X", zone="Y").split(cut)[0]
             for kind, cut in (("registration", "."), ("fix_deadline", " paling"),
                               ("announcement", " pukul"), ("unbooked", " tetapi"))}
WARNING = plain("test.warning", minutes=1).split(" 1 menit")[0]
PREVIEW = plain("staff.ranking_summary", id=0, ranked=0, accepted=0, quota=0, unranked=0,
                cut_off="").split("#")[0] + "#"
FROZEN = first_line("staff.ranking_frozen")
APPROVAL = (plain("staff.ranking_approved", id=0, by="X").split("#0")[1].split(" X")[0],
            "belum disetujui", "tidak dapat disetujui")
ANNOUNCED = (plain("staff.announce_scheduled", when="X").split(" X")[0],
             plain("staff.announce_announced", when="X").split(" pada")[0])


def tapped_ok(answer: CallbackAnswer | bool | None) -> bool:
    """The bot answered the tap without words: it did what was asked (None: no answer came;
    False: there was no such button any more)."""
    return isinstance(answer, CallbackAnswer) and not answer.text


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


class Chaos:
    """When to kill: a budget of kills for each kind of moment, spent at random (seeded)."""

    def __init__(self, run: Run, budget: dict[str, int], seed: int) -> None:
        self.run, self.budget = run, dict(budget)
        self.rng = random.Random(seed * 31 + 5)
        self.pending: list[asyncio.Task[Any]] = []
        self.min_gap = 1.5  # the bot must have been up this long (it did some work)
        self.busy = False

    def maybe(self, tag: str, remaining: int = 1, delay: tuple[float, float] = (0.0, 0.15)
              ) -> None:
        """A moment of kind `tag` is happening now (and about `remaining` more will): kill the
        bot a random instant later, if the budget says so."""
        left = self.budget.get(tag, 0)
        if left <= 0 or self.busy or self.run.bot.lock.locked() or self.run.finishing:
            return
        early = self.run.bot.started_at + self.min_gap - time.time()
        if early > 0 and remaining > 1:  # just restarted: the next such moment will do
            return
        if self.rng.random() >= min(1.0, 2.0 * left / max(1, remaining)):
            return
        self.budget[tag] = left - 1
        self.busy = True
        self.pending.append(asyncio.create_task(self._later(
            tag, max(0.0, early) + self.rng.uniform(*delay))))

    async def _later(self, tag: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)  # pacing: the random instant of the kill
            await self.now(tag)
        finally:
            self.busy = False

    async def now(self, tag: str, before_start: Callable[[], None] | None = None) -> None:
        downtime = self.rng.uniform(0.2, 1.5)
        say(f"  [{self.run.clock():6.1f} s] kill -9 ({tag}), down {downtime:.1f} s")
        await self.run.bot.kill(tag, downtime, before_start)


# ---- the people ---------------------------------------------------------------------------
@dataclass
class Tap:
    position: int
    choice: int
    acked: bool
    at: float
    took: float  # tap -> answer (or until the person gave up waiting)


@dataclass
class Applicant:
    index: int
    user: SimUser
    person: Person  # what the person types (bot.fake_people)
    new_email: str  # typed instead when the committee asks for a fix
    verdict: str  # what the committee will decide at the first look: pass, fail, fix
    fix_items: tuple[str, ...]
    finish: bool  # press "finish"; else leave it to the deadline
    answers_wanted: int
    change: bool
    switch: bool
    rng: random.Random
    cursor: int = 0
    sent_from: int | None = None  # the chat's last message when "send" was first pressed
    submitted: float | None = None  # when the person saw it sent (or learnt it was)
    outcome: str | None = None  # the decision finally seen: pass, fail
    decisions_seen: list[str] = field(default_factory=list)
    session: str | None = None
    booking: str = "not tried"
    taps: list[Tap] = field(default_factory=list)
    test: str = "not taken"
    result: str | None = None
    resyncs: int = 0
    times: dict[str, float] = field(default_factory=dict)  # step -> seconds into the run


def make_applicant(sim: ChaosSimulator, index: int, seed: int, shape_: Shape) -> Applicant:
    person = fake_people.person(index, seed)
    rng = random.Random(f"{seed}:{index}")
    roll = rng.random()
    verdict = "fail" if roll < 0.1 else "fix" if roll < 0.3 else "pass"
    first, last = person.name.split(maxsplit=1)
    return Applicant(
        index=index, user=sim.user(first, last, language_code="id"), person=person,
        new_email=f"mitra{index}.baru@gmail.com", verdict=verdict,
        fix_items=("email", "ktp") if rng.random() < 0.5 else ("email",),
        finish=rng.random() < 0.7,
        answers_wanted=shape_.questions if rng.random() < 0.7 else rng.randint(2, 7),
        change=rng.random() < 0.5, switch=rng.random() < 0.35, rng=rng)


class Run:
    def __init__(self, args: argparse.Namespace, shape_: Shape, workdir: Path) -> None:
        self.args, self.shape, self.workdir = args, shape_, workdir
        self.seed = args.seed
        self.t0 = time.time()
        limits = Limits(enabled=True, private_per_sec=shape_.private_per_sec,
                        private_burst=shape_.private_burst)
        self.sim = ChaosSimulator(args.seed, shape_.timeout_rate, shape_.updates_error_rate,
                                  token=TOKEN, limits=limits)
        self.sim.faults.seed = args.seed
        self.db_path = workdir / "mitra.sqlite3"
        self.recruitment_path = workdir / "recruitment.yaml"
        self.recruitment: dict[str, Any] = {}
        self.bot: BotProcess
        self.chaos = Chaos(self, shape_.kills, args.seed)
        self.applicants: list[Applicant] = []
        self.by_nik: dict[str, Applicant] = {}
        self.staff: list[SimUser] = []
        self.admin: SimUser
        self.group_id = 0
        self.finishing = False
        self.sessions_open = asyncio.Event()
        self.announced = asyncio.Event()
        self.reviewing_done = asyncio.Event()
        self.sessions: dict[str, tuple[float, float]] = {}
        self.events: dict[str, float] = {}
        self.submission = asyncio.Condition()
        self.background: list[asyncio.Task[Any]] = []
        self.stopped = ""
        self.harness_errors: list[str] = []

    def clock(self) -> float:
        return time.time() - self.t0

    def mark(self, name: str) -> None:
        self.events[name] = self.clock()
        say(f"  [{self.clock():6.1f} s] {name}")

    # -- the database, read as an auditor would -----------------------------------------
    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not self.db_path.exists():
            return []
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # no such table yet (the bot is migrating)
            return []
        finally:
            con.close()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    async def until(self, what: str, ready: Callable[[], bool], within: float,
                    every: float = 0.5) -> bool:
        """Wait until `ready()` (a look at the database or the chats) holds: `what` names it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not ready():
            if loop.time() > deadline:
                say(f"  [{self.clock():6.1f} s] gave up waiting: {what}")
                return False
            await self.sim.wait_change(every)
        return True

    # -- the recruitment file -------------------------------------------------------------
    def write_recruitment(self) -> None:
        self.recruitment_path.write_text(yaml.safe_dump(self.recruitment, allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")

    def initial_recruitment(self) -> None:
        data = yaml.safe_load((ROOT / "recruitment.example.yaml").read_text(encoding="utf-8"))
        now = datetime.now(WITA).replace(microsecond=0, tzinfo=None)
        span = {"start": local(now - timedelta(days=1)), "end": local(now + timedelta(days=10))}
        data["code"] = f"chaos-{self.seed}"
        data["name"] = "Rekrutmen Mitra Statistik (uji ketahanan)"
        data["stages"] = {"registration": dict(span), "administrative": dict(span),
                          "test": dict(span), "final_selection": dict(span),
                          "announcement": local(now + timedelta(days=9))}
        data["quota"] = {"registrations": self.shape.n * 2,
                         "accepted": max(1, self.shape.n // 3)}
        per_category = self.shape.questions // 5
        data["test"] = {**data["test"], "questions": self.shape.questions,
                        "minutes": self.shape.minutes, "allow_bundled_bank": True,
                        "blueprint": {c: per_category for c in data["test"]["blueprint"]}}
        data["reminders"] = {"hour": 9, "registration_days_before_close": [3, 1],
                             "unbooked_days_before_close": [3, 1],
                             "announcement_hours_before": 2}
        data["sessions"] = []
        self.recruitment = data
        self.write_recruitment()

    def registration_closes_tomorrow(self) -> None:
        """The committee moves the close to tomorrow: the 1-day reminder falls due now, to
        everyone still filling in (each only while they have not sent it)."""
        now = datetime.now(WITA).replace(microsecond=0, tzinfo=None)
        self.recruitment["stages"]["registration"]["end"] = local(now + timedelta(days=1))
        self.recruitment["reminders"]["hour"] = now.hour
        self.recruitment["reminders"]["registration_days_before_close"] = [1]
        self.write_recruitment()

    def open_sessions(self) -> None:
        """Two sessions a few seconds from now, with fewer seats than there are applicants."""
        start = datetime.now(WITA).replace(microsecond=0, tzinfo=None) + timedelta(
            seconds=self.shape.booking_seconds)
        end = start + timedelta(seconds=self.shape.session_seconds)
        for code, seats in zip(("A1", "A2"), self.shape.seats, strict=True):
            self.recruitment["sessions"].append(
                {"code": code, "start": local(start), "end": local(end), "capacity": seats})
            self.sessions[code] = (start.replace(tzinfo=WITA).timestamp(),
                                   end.replace(tzinfo=WITA).timestamp())
        self.write_recruitment()

    def announcement_today(self) -> None:
        """The announcement is set for an hour from now: its reminder (an hour before) falls due
        now, to everyone tested, each only while their result is not out."""
        now = datetime.now(WITA).replace(microsecond=0, tzinfo=None)
        self.recruitment["stages"]["announcement"] = local(now + timedelta(hours=1))
        self.recruitment["reminders"]["announcement_hours_before"] = 1
        self.write_recruitment()


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# ---- an applicant's journey -------------------------------------------------------------------
class Journey:
    def __init__(self, run: Run, a: Applicant) -> None:
        self.run, self.a, self.sim, self.user = run, a, run.sim, a.user
        self.chat = a.user.id

    # -- seeing and acting ------------------------------------------------------------------
    def bot_messages(self, after: int) -> list[SimMessage]:
        chat = self.sim.chats[self.chat]
        return [m for m in chat.messages.values()
                if m.from_bot and m.message_id > after and not m.deleted]

    def newest_id(self) -> int:
        return self.sim.chats[self.chat].next_message_id

    async def think(self) -> None:
        await asyncio.sleep(self.a.rng.uniform(*self.run.shape.think))  # pacing

    async def send(self, text: str) -> None:
        sent = await self.user.send(text)
        self.a.cursor = sent.message_id

    async def press(self, msg: SimMessage, label: str, kill: str | None = None,
                    remaining: int = 1) -> CallbackAnswer | bool | None:
        """Tap a button of `msg`: the answer, None when none came, False when there is no such
        button (any more)."""
        data = find_button(msg, label)
        if data is None:
            return False
        self.a.cursor = max(self.a.cursor, self.newest_id())
        if kill:
            self.run.chaos.maybe(kill, remaining)
        return await self.sim.press(self.user, msg, data, self.run.shape.patience)

    async def wait_for(self, ready: Callable[[], Any], within: float | None = None) -> Any:
        return await self.sim.chat_wait(self.chat, ready, within or self.run.shape.patience)

    def newest_with(self, *fragments: str, after: int | None = None) -> SimMessage | None:
        found = [m for m in self.bot_messages(self.a.cursor if after is None else after)
                 if any(f in (m.text or "") for f in fragments)]
        return found[-1] if found else None

    # -- registration -------------------------------------------------------------------------
    def screen(self) -> tuple[str, SimMessage] | None:
        """The newest registration screen after the cursor, and which step it asks."""
        for m in reversed(self.bot_messages(self.a.cursor)):
            text = m.text or ""
            if SUBMITTED in text:
                return "submitted", m
            if CONFIRM in text and m.buttons:
                return "confirm", m
            if REVIEW in text:
                return "review", m
            if CONSENT in text and m.buttons:
                return "consent", m
            if DECLARATION.search(text) and m.buttons:
                return "declaration", m
            for step, prompt in STEPS.items():
                if prompt in text:
                    return step, m
            if text.startswith(STATUS_SENT) and "sedang mengisi" not in text:
                return "status", m
            if any(f in text for f in RESYNC):
                return "resync", m
        return None

    async def register(self) -> bool:
        """From /daftar (or the fix button) to a sent application; False if it never got
        there."""
        a = self.a
        await self.send("/daftar")
        for _ in range(120):
            found = await self.wait_for(self.screen)
            if not found:
                a.resyncs += 1
                await self.send("/daftar")
                continue
            step, msg = found
            if step in ("submitted", "status"):
                if a.submitted is None or step == "submitted":
                    a.submitted = time.time()
                async with self.run.submission:
                    self.run.submission.notify_all()
                return True
            await self.think()
            if step == "resync":
                a.resyncs += 1
                await self.send("/daftar")
                continue
            if await self.answer(step, msg) is False:  # no such button: look again
                a.resyncs += 1
                await self.send("/daftar")
        return False

    async def answer(self, step: str, msg: SimMessage) -> Any:
        a, p = self.a, self.a.person
        typed = {"full_name": p.name, "nik": p.nik, "birth_place": p.birth_place,
                 "birth_date": p.birth_date, "phone": p.phone,
                 "email": a.new_email if a.decisions_seen else p.email,
                 "address": p.address, "occupation": p.occupation,
                 "experience_detail": p.experience or "-"}
        if step in typed:
            await self.send(typed[step])
            return True
        if step == "consent":
            return await self.press(msg, plain("reg.consent_yes"))
        if step == "declaration":
            if not msg.buttons:
                return False
            return await self.press(msg, msg.buttons[0][0])
        labels = {"sex": plain(f"reg.sex_{p.sex}"), "district": p.district,
                  "education": plain(f"reg.education_{p.education}"),
                  "experience": plain("reg.answer_yes" if p.experience else "reg.answer_no"),
                  "motorbike": plain("reg.answer_yes" if p.motorbike else "reg.answer_no")}
        if step in labels:
            if a.rng.random() < self.run.shape.typed:  # the label typed, not tapped
                await self.send(labels[step])
                return True
            return await self.press(msg, labels[step])
        if step == "devices":
            if find_button(msg, "▫️ " + plain("reg.device_smartphone")) is not None:
                ticked = await self.press(msg, "▫️ " + plain("reg.device_smartphone"))
                if not tapped_ok(ticked):
                    return False
            return await self.press(msg, plain("reg.device_done"))
        if step in reg.DOCUMENTS:
            tag = f"{step}-{a.index}-{self.run.seed}-{len(a.decisions_seen)}".encode()
            if step == "ijazah":
                sent = await self.user.send_document(b"%PDF-1.4 ijazah " + tag, "ijazah.pdf",
                                                     "application/pdf")
            else:
                sent = await self.user.send_photo(b"\x89PNG " + tag)
            self.a.cursor = sent.message_id
            self.run.chaos.maybe("registration", self.run.shape.n)
            return True
        if step == "review":
            return await self.press(msg, plain("reg.submit"))
        if step == "confirm":
            if a.sent_from is None:  # the committee's word may come from this moment on
                a.sent_from = self.newest_id()
            waiting = sum(1 for x in self.run.applicants if x.submitted is None)
            return await self.press(msg, plain("reg.submit_yes"), kill="submit",
                                    remaining=waiting)
        return False

    # -- the committee's decision -------------------------------------------------------------
    def decision(self) -> tuple[str, SimMessage] | None:
        for m in reversed(self.bot_messages(self.a.sent_from or self.a.cursor)):
            for verdict, words in DECIDED.items():
                if words in (m.text or ""):
                    return verdict, m
        return None

    async def decided(self) -> str | None:
        """Wait for the committee's word; then fix and send again, as often as asked."""
        a = self.a
        while True:
            found = await self.wait_for(self.decision, within=self.run.shape.limit_seconds)
            if not found:
                return None
            verdict, msg = found
            a.decisions_seen.append(verdict)
            a.cursor = max(a.cursor, msg.message_id)
            a.sent_from = None
            if verdict != "fix":
                a.outcome = verdict
                return verdict
            await self.think()
            a.submitted = None
            pressed = await self.press(msg, plain("review.go_fix"))
            if pressed is None or pressed is False:
                await self.send("/daftar")
            if not await self.register_after_fix():
                return None

    async def register_after_fix(self) -> bool:
        """The fix button (or /daftar) shows the first reopened item; then as registering."""
        a = self.a
        for _ in range(120):
            found = await self.wait_for(self.screen)
            if not found:
                a.resyncs += 1
                await self.send("/daftar")
                continue
            step, msg = found
            if step == "submitted" or (step == "status" and "perlu perbaikan" not in
                                       (msg.text or "")):
                a.submitted = time.time()
                async with self.run.submission:
                    self.run.submission.notify_all()
                return True
            await self.think()
            if step in ("resync", "status"):
                a.resyncs += 1
                await self.send("/daftar")
                continue
            if await self.answer(step, msg) is False:
                a.resyncs += 1
                await self.send("/daftar")
        return False

    # -- booking ----------------------------------------------------------------------------
    def booking_screen(self) -> tuple[str, SimMessage] | None:
        for m in reversed(self.bot_messages(self.a.cursor)):
            text = m.text or ""
            if text.startswith(("✅ " + BOOKED, BOOKED)) or text.startswith(YOUR_SESSION):
                return "booked", m
            if FULL in text:
                return "full", m
            if NONE_LEFT in text:
                return "none", m
            if CHOOSE in text and m.buttons:
                return "choose", m
            if "Yakin?" in text and m.buttons:
                return "confirm", m
        return None

    async def book(self) -> None:
        a = self.a
        await self.run.sessions_open.wait()
        await self.think()
        await self.send("/jadwal")
        for _ in range(40):
            found = await self.wait_for(self.booking_screen)
            if not found:
                a.resyncs += 1
                await self.send("/jadwal")
                continue
            step, msg = found
            if step == "booked":
                a.session = re.search(r"Sesi (?:tes )?Anda: (\w+)", msg.text or "").group(1)  # type: ignore[union-attr]
                a.booking = "booked"
                return
            if step == "none":
                a.booking = "no seat left"
                return
            await self.think()
            if step == "full":
                a.booking = "full, chose again"
                await self.send("/jadwal")
            elif step == "choose":
                rows = [r[0] for r in msg.buttons if r]
                label = rows[0] if len(rows) == 1 or a.rng.random() < 0.6 else rows[1]
                if await self.press(msg, label) is False:
                    await self.send("/jadwal")
            elif step == "confirm":
                waiting = sum(1 for x in self.run.applicants
                              if x.outcome == "pass" and x.session is None)
                if await self.press(msg, plain("test.confirm_yes"), kill="booking",
                                    remaining=waiting) is False:
                    await self.send("/jadwal")
        a.booking = "gave up"

    # -- the test -----------------------------------------------------------------------------
    def live_screen(self) -> SimMessage | None:
        for m in reversed(list(self.sim.chats[self.chat].messages.values())):
            if m.from_bot and not m.deleted and any(
                    d.startswith("t:") for row in m.button_data for d in row):
                return m
        return None

    def over(self) -> str | None:
        """How the test ended, as the person can tell (None: not over)."""
        found = [m.text or "" for m in self.bot_messages(0)]
        if any(TIME_UP in text for text in found):
            return "time up"
        if any(text.startswith(("✅ " + TEST_DONE, TEST_DONE)) for text in found):
            return "finished"
        if any(SCREEN_DONE in text or any(f in text for f in NO_TEST) for text in found):
            return "over (the reply lost; the screen closed)"
        return None

    async def take_test(self) -> None:
        a = self.a
        start, end = self.run.sessions[a.session or "A1"]
        # The session's start reminder (a tap starts the test), or /mulai once it is time.
        reminder = await self.wait_for(lambda: self.newest_with(START_REMINDER, after=0),
                                       within=max(1.0, start - time.time()) + 6)
        await asyncio.sleep(max(0.0, start - time.time()) + a.rng.uniform(0, 4))  # pacing
        if reminder and a.rng.random() < 0.5:
            pressed = await self.press(reminder, plain("test.go_begin"))
            if pressed is None or pressed is False:
                await self.send("/mulai")
        else:
            await self.send("/mulai")
        screen = await self.wait_for(self.live_screen)
        for _ in range(6):
            if screen or self.over() or time.time() > end:
                break
            a.resyncs += 1
            await self.send("/mulai")
            screen = await self.wait_for(self.live_screen)
        if not screen:
            a.test = self.over() or "never got a question"
            return
        a.test = "started"
        await self.answer_questions()
        if (self.over() or "").startswith("over"):  # its word may be a moment behind
            await self.wait_for(lambda: self.over() in ("time up", "finished"), within=5)
        a.test = self.over() or a.test

    def position(self, msg: SimMessage) -> tuple[int, int, float] | None:
        """(question index, total, seconds left) of a question screen."""
        found = HEADER.search(msg.text or "")
        if not found or not any(d.split(":")[2] == "a" for d in msg.button_data[0]
                                if d.startswith("t:")):
            return None
        return int(found[1]) - 1, int(found[2]), int(found[3]) * 60 + int(found[4])

    async def answer_questions(self) -> None:
        a = self.a
        answered: set[int] = set()
        switched = changed = False
        deadline: float | None = None
        for _ in range(80):
            if self.over():
                return
            screen = self.live_screen()
            at = screen and self.position(screen)
            if not at:
                a.resyncs += 1
                await self.send("/lanjut")
                await self.wait_for(lambda: (s := self.live_screen()) and self.position(s))
                continue
            position, total, left = at
            deadline = deadline or time.time() + left
            if len(answered) >= a.answers_wanted or (position == total - 1
                                                     and position in answered):
                break
            await asyncio.sleep(a.rng.uniform(*self.run.shape.think_test))  # pacing
            if a.switch and not switched and len(answered) >= 3:
                switched = True  # another device: /lanjut brings the question there
                old = screen
                await self.send("/lanjut")
                await self.wait_for(lambda old=old: (s := self.live_screen()) is not None
                                    and s.message_id > old.message_id)
                if a.rng.random() < 0.5:  # ...and one more tap on the first phone
                    await self.tap_answer(old, answered)
                continue
            if a.change and not changed and len(answered) >= 2 and position > 0:
                changed = True  # back to the previous question, another option
                back = find_button(screen, "◀️")
                if back and tapped_ok(await self.sim.press(self.user, screen, back,
                                                           self.run.shape.patience)):
                    await self.tap_answer(self.live_screen() or screen, answered)
                continue
            await self.tap_answer(screen, answered)
        if a.finish and not self.over():
            await self.finish()
            return
        within = (deadline or time.time()) - time.time() + 30
        await self.wait_for(self.over, within=max(within, 5))

    async def tap_answer(self, screen: SimMessage, answered: set[int]) -> None:
        """Answer the question `screen` shows; acknowledged when the bot answered the tap
        without words, or the screen moved on to what that answer leads to."""
        at = self.position(screen)
        if not at:
            return
        position, total, _ = at
        options = [d for d in screen.button_data[0] if d.startswith("t:")]
        choice = self.a.rng.randrange(len(options))
        before = self.sim.version
        waiting = sum(1 for x in self.run.applicants if x.test == "started")
        self.run.chaos.maybe("answer", waiting * 5, delay=(0.0, 0.1))
        tapped = time.time()
        answer = await self.sim.press(self.user, screen, options[choice],
                                      self.run.shape.patience)
        acked = tapped_ok(answer) or self.moved_on(before, position, total, choice)
        self.a.taps.append(Tap(position, choice, acked, tapped, time.time() - tapped))
        if acked:
            answered.add(position)

    def moved_on(self, before: int, position: int, total: int, choice: int) -> bool:
        """A screen changed since the tap shows the question after `position` (or, for the
        last one, `choice` ticked)."""
        for m in self.bot_messages(0):
            if m.version <= before:
                continue
            found = HEADER.search(m.text or "")
            if not found:
                continue
            number = int(found[1])
            if position < total - 1 and number == position + 2:
                return True
            if position == total - 1 and number == total and m.buttons and \
                    m.buttons[0][choice].startswith("✅"):
                return True
        return False

    async def finish(self) -> None:
        for _ in range(5):
            if self.over():
                return
            screen = self.live_screen()
            if screen is None:
                await self.send("/lanjut")
                await self.wait_for(self.live_screen)
                continue
            if "Selesaikan tes sekarang?" not in (screen.text or ""):
                await self.press(screen, plain("test.finish"))
                continue
            await self.press(screen, plain("test.finish_yes"))
            await self.wait_for(self.over)

    # -- the result ---------------------------------------------------------------------------
    async def result(self) -> None:
        a = self.a
        await self.run.announced.wait()
        found = await self.wait_for(lambda: self.newest_with(*RESULT.values(), after=0),
                                    within=40)
        if not found:
            await self.send("/hasil")
            found = await self.wait_for(lambda: self.newest_with(*RESULT.values(), after=0))
        text = (found.text or "") if found else ""
        a.result = next((k for k, words in RESULT.items() if words in text), None)

    async def run_all(self) -> None:
        try:
            await self.journey()
        except Exception as exc:  # a bug of this script: counted, never hidden
            self.run.harness_errors.append(f"{self.a.person.name}: {exc!r}")
            raise

    async def journey(self) -> None:
        a = self.a
        await asyncio.sleep(a.rng.uniform(0, self.run.shape.arrivals))  # pacing: arrivals
        a.times["arrived"] = self.run.clock()
        if not await self.register():
            a.outcome = "stuck in the form"
            return
        a.times["sent"] = self.run.clock()
        if await self.decided() != "pass":
            return
        a.times["decided"] = self.run.clock()
        await self.book()
        a.times["booking done"] = self.run.clock()
        if a.session is None:
            return
        await self.take_test()
        a.times["test over"] = self.run.clock()
        if a.test != "never got a question":
            await self.result()
            a.times["result"] = self.run.clock()


# ---- the committee ---------------------------------------------------------------------------
class Reviewer:
    def __init__(self, run: Run, user: SimUser) -> None:
        self.run, self.user, self.sim = run, user, run.sim
        self.rng = random.Random(f"{run.seed}:reviewer:{user.id}")
        self.decided = 0

    def newest(self, after: int) -> SimMessage | None:
        chat = self.sim.chats[self.user.id]
        for m in reversed(list(chat.messages.values())):
            if m.message_id <= after:
                break
            text = m.text or ""
            if m.from_bot and ((CARD_WAITING in text and m.buttons) or REVIEW_DONE in text):
                return m
        return None

    async def next_card(self, after: int, ask: bool) -> SimMessage | None:
        if ask:
            after = (await self.user.send("/periksa")).message_id
        return await self.sim.chat_wait(self.user.id, lambda: self.newest(after),
                                        self.run.shape.patience)

    async def work(self) -> None:
        try:
            await self.review()
        except Exception as exc:  # a bug of this script: counted, never hidden
            self.run.harness_errors.append(f"{self.user.first_name}: {exc!r}")
            raise

    async def review(self) -> None:
        card = await self.next_card(0, ask=True)
        while not self.run.reviewing_done.is_set():
            if card is None:
                card = await self.next_card(0, ask=True)
                continue
            if REVIEW_DONE in (card.text or ""):
                async with self.run.submission:  # a new submission, or a look now and then
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(3):
                            await self.run.submission.wait()
                card = await self.next_card(0, ask=True)
                continue
            done = await self.decide(card)
            card = await self.next_card(card.message_id, ask=not done)

    async def decide(self, card: SimMessage) -> bool:
        text = card.text or ""
        nik = re.search(r"NIK: (\d{16})", text)
        applicant = self.run.by_nik.get(nik[1]) if nik else None
        verdict = applicant.verdict if applicant else "pass"
        if "dikirim ulang" in text or (applicant and applicant.decisions_seen):
            verdict = "pass"
        await asyncio.sleep(self.rng.uniform(0.1, 0.6))  # pacing: reading the card
        undecided = self.run.one("SELECT count(*) FROM applications WHERE status = "
                                 "'submitted'") or 1
        patience = self.run.shape.patience
        if verdict == "pass":
            self.run.chaos.maybe("decision", undecided)
            answer = await self.tap(card, plain("staff.pass"), patience)
        elif verdict == "fail":
            if not tapped_ok(await self.tap(card, plain("staff.fail"), patience)):
                return False
            self.run.chaos.maybe("decision", undecided)
            answer = await self.tap(card, plain("staff.reason_documents"), patience)
        else:
            if not tapped_ok(await self.tap(card, plain("staff.fix"), patience)):
                return False
            items = applicant.fix_items if applicant else ("email",)
            for item in items:
                label = "▫️ " + plain(f"reg.label_{item}")
                if find_button(card, label) and not tapped_ok(await self.tap(card, label,
                                                                             patience)):
                    return False
            self.run.chaos.maybe("decision", undecided)
            answer = await self.tap(card, "📨 ", patience)
        if answer is None or answer is False:
            return False
        self.decided += 1
        return True

    async def tap(self, card: SimMessage, label: str, within: float
                  ) -> CallbackAnswer | bool | None:
        data = find_button(card, label)
        if data is None:
            return False
        return await self.sim.press(self.user, card, data, within)


class Committee:
    """The administrator in the staff group: broadcasts, ranking, announcement."""

    def __init__(self, run: Run) -> None:
        self.run, self.sim, self.admin = run, run.sim, run.admin
        self.group = run.group_id

    def reply(self, after: int, *fragments: str) -> SimMessage | None:
        chat = self.sim.chats[self.group]
        for m in reversed(list(chat.messages.values())):
            if m.message_id <= after:
                break
            if m.from_bot and any(f in (m.text or "") for f in fragments):
                return m
        return None

    async def ask(self, command: str, *fragments: str, within: float | None = None,
                  tries: int = 6) -> SimMessage | None:
        within = within or self.run.shape.patience + 2
        for _ in range(tries):
            sent = await self.admin.send(command, chat=self.group)
            say(f"  [{self.run.clock():6.1f} s] admin: {command[:30]}")
            found = await self.sim.chat_wait(self.group, lambda s=sent: self.reply(
                s.message_id, *fragments), within)
            if found:
                return found
        return None

    async def broadcast(self) -> None:
        run = self.run
        for _ in range(5):
            if run.one("SELECT count(*) FROM broadcasts WHERE status = 'queued'"):
                return  # it went out (the committee sees it reach people)
            preview = await self.ask(f"/siaran belum_pilih_sesi {BROADCAST_TEXT}",
                                     first_line("staff.broadcast_preview", id=0, segment="x",
                                                count=0, text="").split("#")[0])
            if preview is None:
                continue
            run.chaos.maybe("broadcast", delay=(0.2, 1.5))
            data = find_button(preview, "📨 Kirim ke")
            if data is None:
                continue
            await self.sim.press(self.admin, preview, data, run.shape.patience)
            await self.sim.chat_wait(self.group, lambda p=preview: self.reply(
                p.message_id, "Siaran"), run.shape.patience)
        say("  !! the broadcast could not be sent")

    async def rank_and_announce(self) -> None:
        run = self.run
        approved = False
        for _ in range(8):
            if run.one("SELECT count(*) FROM rankings WHERE status IN ('approved', "
                       "'announced')"):
                approved = True
                break
            summary = await self.ask("/peringkat", PREVIEW, FROZEN,
                                     within=run.shape.patience + 6)
            data = summary and find_button(summary, "✅ Setujui")
            if not summary or not data:
                continue
            await self.sim.press(self.admin, summary, data, run.shape.patience)
            found = await self.sim.chat_wait(self.group, lambda s=summary: self.reply(
                s.message_id, *APPROVAL), run.shape.patience)
            if found and (override := find_button(found, "Tetap setujui")):
                await self.sim.press(self.admin, found, override, run.shape.patience)
        if not approved:
            say("  !! the ranking could not be approved")
            return
        run.mark("ranking approved")
        for _ in range(6):
            if run.one("SELECT count(*) FROM rankings WHERE status = 'announced'"):
                break
            run.chaos.maybe("announcement", delay=(0.05, 0.6))
            await self.ask("/umumkan sekarang", *ANNOUNCED, tries=1)
        run.mark("results announced")
        run.announced.set()


# ---- the run ----------------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> dict[str, Any]:
    s = shape(args)
    # The simulator's server logs a request cut off by a kill as an error: expected here.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="chaos-") as name:
        workdir = Path(args.keep) if args.keep else Path(name)
        workdir.mkdir(parents=True, exist_ok=True)
        run = Run(args, s, workdir)
        try:
            return await scenario(run)
        finally:
            if args.keep:
                say(f"(the bot's database and log are kept in {workdir})")


async def scenario(run: Run) -> dict[str, Any]:
    s, sim = run.shape, run.sim
    await sim.start()
    run.admin = sim.user("Rina", "Panitia", username="rina_bps")
    run.staff = [sim.user(f"Pemeriksa{i}", "BPS") for i in range(s.reviewers)]
    group = sim.group("Panitia Rekrutmen", members=[run.admin, *run.staff], admins=[run.admin])
    run.group_id = group.chat_id
    run.initial_recruitment()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "STAFF_"))},
           "BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": str(group.chat_id),
           "DATABASE_PATH": str(run.db_path), "RECRUITMENT_FILE": str(run.recruitment_path),
           "BOT_API_BASE_URL": sim.base_url, "BACKUP_KEEP": "0",
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"}
    run.bot = BotProcess(env, run.workdir, sim)
    say(f"chaos run: {s.n} applicants, {s.reviewers} reviewers, seed {run.seed}, "
        f"{sum(s.kills.values())} random kills + planned restarts; faults: "
        f"{s.error_rate:.0%} 5xx, {s.timeout_rate:.0%} timeouts, a 429 every "
        f"{s.force_429_every:.0f} s")
    await run.bot.start()
    await run.bot.up()
    run.mark("bot up")
    sim.faults.error_rate = s.error_rate
    run.applicants = [make_applicant(sim, i, run.seed, s) for i in range(s.n)]
    run.by_nik = {a.person.nik: a for a in run.applicants}
    journeys = [asyncio.create_task(Journey(run, a).run_all()) for a in run.applicants]
    reviewers = [asyncio.create_task(Reviewer(run, u).work()) for u in run.staff]
    committee = Committee(run)
    run.background.append(asyncio.create_task(too_many_requests(run)))
    try:
        async with asyncio.timeout(s.limit_seconds):
            await phases(run, committee, journeys)
    except TimeoutError:
        say(f"  !! time limit ({s.limit_seconds:.0f} s) reached: checking what there is")
    run.finishing = True
    for task in (*reviewers, *run.background, *journeys):
        task.cancel()
    await asyncio.gather(*reviewers, *run.background, *journeys, return_exceptions=True)
    await asyncio.gather(*run.chaos.pending, return_exceptions=True)
    sim.faults.error_rate = 0.0
    sim.timeout_rate = 0.0
    ends = [parse_time(r[0]) for r in run.rows(
        "SELECT coalesce(deadline_at, hard_end_at) FROM attempts WHERE status = 'active'")]
    await run.until("every attempt's deadline passed and acted on", lambda: not run.one(
        "SELECT count(*) FROM attempts WHERE status = 'active'"),
        within=max(ends, default=time.time()) - time.time() + 15)
    await run.until("every queued message sent (outbox)", lambda: not run.one(
        "SELECT count(*) FROM outbox WHERE status = 'pending'"), within=60)
    run.stopped = await run.bot.stop()
    run.mark(f"bot {run.stopped}")
    await sim.stop()
    figures = check(run)
    report(run, figures)
    if run.args.keep:
        people = [{"name": a.person.name, "verdict": a.verdict, "finish": a.finish,
                   "wanted": a.answers_wanted, "outcome": a.outcome, "booking": a.booking,
                   "session": a.session, "test": a.test, "result": a.result,
                   "resyncs": a.resyncs, "times": a.times,
                   "taps": [(t.position, t.choice, t.acked, round(t.at - run.t0, 1),
                             round(t.took, 2)) for t in a.taps]} for a in run.applicants]
        (run.workdir / "people.json").write_text(json.dumps(people, indent=1))
        with (run.workdir / "calls.txt").open("w") as out:
            for c in run.sim.calls:
                text = str(c.params.get("text") or c.params.get("caption") or "")[:70]
                out.write(f"{c.at - run.t0:8.2f} {c.status} {c.method} "
                          f"{c.params.get('chat_id', '')} {text!r}\n")
    return figures


async def phases(run: Run, committee: Committee, journeys: list[asyncio.Task[None]]) -> None:
    s = run.shape

    def submitted(fraction: float) -> Callable[[], bool]:
        return lambda: sum(a.submitted is not None or a.outcome is not None
                           for a in run.applicants) >= fraction * s.n

    # While people register: the committee moves the close to tomorrow (a planned restart).
    if await run.until("a tenth of the applications sent", submitted(0.1),
                       within=s.limit_seconds / 2):
        await run.chaos.now("planned: registration closes tomorrow",
                            run.registration_closes_tomorrow)
    # Most decided: the sessions open (a planned restart), then the broadcast.
    def final() -> int:
        return sum(a.outcome is not None or j.done()
                   for a, j in zip(run.applicants, journeys, strict=True))

    def all_decided() -> bool:
        return final() == s.n and not run.one(
            "SELECT count(*) FROM applications WHERE status IN ('submitted', 'needs_fix')")

    async def review_to_the_end() -> None:
        await run.until("every application decided", all_decided, within=s.limit_seconds)
        run.reviewing_done.set()
        run.mark("administrative check done")

    run.background.append(asyncio.create_task(review_to_the_end()))
    await run.until(f"{s.open_at:.0%} of the applications decided",
                    lambda: final() >= s.open_at * s.n, within=s.limit_seconds)
    await run.chaos.now("planned: sessions opened", run.open_sessions)
    run.sessions_open.set()
    await committee.broadcast()
    run.mark("broadcast sent")
    # Deadlines: a kill a moment after the first automatic submission falls due.
    deadline_kill = asyncio.create_task(kill_at_a_deadline(run))
    run.background.append(deadline_kill)
    end = max(e for _, e in run.sessions.values())

    def all_tested() -> bool:
        active = run.one("SELECT count(*) FROM attempts WHERE status = 'active' AND kind = "
                         "'test'")
        booked = run.one("SELECT count(*) FROM applications WHERE status IN "
                         "('session_booked', 'testing')")
        return (time.time() > end and not active and not booked and deadline_kill.done()
                and run.reviewing_done.is_set())

    await run.until("every session over, every attempt submitted, absentees marked",
                    all_tested, within=end - time.time() + 60)
    run.mark("tests over")
    await run.chaos.now("planned: announcement set for today", run.announcement_today)
    await committee.rank_and_announce()
    await run.until("every applicant's journey over", lambda: all(j.done() for j in journeys),
                    within=60)


async def kill_at_a_deadline(run: Run) -> None:
    """Kill the bot a moment after attempts' deadline, while the tick submits them."""
    if run.chaos.budget.get("auto-submit", 0) <= 0:
        return
    start = min(s for s, _ in run.sessions.values())
    await asyncio.sleep(max(0.0, start - time.time()) + 8)  # pacing: the tests have begun
    deadlines = sorted(parse_time(r[0]) for r in run.rows(
        "SELECT deadline_at FROM attempts WHERE kind = 'test' AND status = 'active' "
        "AND deadline_at IS NOT NULL"))
    if not deadlines:
        return
    await asyncio.sleep(max(0.0, deadlines[len(deadlines) // 2] - time.time())  # pacing
                        + run.chaos.rng.uniform(0.5, 4.0))
    if run.chaos.budget.get("auto-submit", 0) > 0 and not run.finishing:
        run.chaos.budget["auto-submit"] -= 1
        await run.chaos.now("auto-submit")


async def too_many_requests(run: Run) -> None:
    """Now and then Telegram answers a send with a 429 (retry after 1-3 s)."""
    rng = random.Random(run.seed * 13 + 3)
    while True:
        await asyncio.sleep(run.shape.force_429_every * rng.uniform(0.5, 1.5))  # pacing
        run.sim.faults.force_429(1, retry_after=rng.randint(1, 3))


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


# ---- the checks -----------------------------------------------------------------------------
def check(run: Run) -> dict[str, Any]:
    sim = run.sim
    kills = [k.at for k in run.bot.kills]
    people = {a.user.id: a for a in run.applicants}
    apps = {r[0]: r for r in run.rows(
        "SELECT p.id, a.telegram_id, p.status, p.submitted_at, p.session_id "
        "FROM applications AS p JOIN applicants AS a ON a.id = p.applicant_id")}

    # What reached each chat: successful sends, in order, with when Telegram took them.
    sends: dict[int, list[tuple[float, str]]] = {}
    for call in sim.calls:
        if call.status == 200 and call.method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat = call.params.get("chat_id")
            text = call.params.get("text") or call.params.get("caption") or ""
            if isinstance(chat, int) and isinstance(text, str):
                sends.setdefault(chat, []).append((call.at, html.unescape(
                    re.sub(r"<[^>]+>", "", text))))

    late = {call.at for call in sim.late}

    def explain(copies: list[float]) -> str | None:
        """Why a message went out twice: Telegram took the first copy and the bot could not
        record it, because it was killed at that instant, or because Telegram's answer came too
        late (a timeout: the outbox sends again, not knowing). None: unexplained."""
        for c in copies[:-1]:
            # a slow answer (late) was still on its way to the bot for LATE seconds
            if any(c <= k <= c + (LATE + 1.0 if c in late else 2.0) for k in kills):
                return "kill"
            if c in late:
                return "timeout: the outbox sent it again"
        return None

    def count(chat: int, words: str) -> list[float]:
        return [at for at, text in sends.get(chat, []) if words in text]

    # 1. acknowledged answers missing from the database
    missing_answers: list[str] = []
    answers = {}
    for attempt_id, telegram_id in run.rows(
            "SELECT t.id, a.telegram_id FROM attempts AS t JOIN applicants AS a "
            "ON a.id = t.applicant_id WHERE t.kind = 'test'"):
        answers[telegram_id] = dict(run.rows(
            "SELECT position, choice FROM answers WHERE attempt_id = ?", (attempt_id,)))
    acked_taps = 0
    for a in run.applicants:
        stored = answers.get(a.user.id, {})
        by_position: dict[int, list[Tap]] = {}
        for tap in a.taps:
            by_position.setdefault(tap.position, []).append(tap)
            acked_taps += tap.acked
        for position, taps in by_position.items():
            last_acked = max((i for i, t in enumerate(taps) if t.acked), default=None)
            if last_acked is None:
                continue
            allowed = {taps[last_acked].choice} | {t.choice for t in taps[last_acked + 1:]}
            if stored.get(position) not in allowed:
                missing_answers.append(f"{a.person.name}: question {position + 1} acknowledged "
                                       f"{sorted(allowed)}, stored {stored.get(position)}")

    # 2. seats over capacity
    over_capacity = []
    for sid, code, capacity, booked in run.rows(
            "SELECT id, code, capacity, booked FROM sessions"):
        holders = run.one("SELECT count(*) FROM applications WHERE session_id = ?", (sid,))
        if booked > capacity or holders > capacity or holders != booked:
            over_capacity.append(f"{code}: capacity {capacity}, counter {booked}, "
                                 f"holders {holders}")

    # 3. attempts submitted exactly once
    not_once = []
    for attempt_id, telegram_id, status, by, app_status in run.rows(
            "SELECT t.id, a.telegram_id, t.status, t.submitted_by, p.status FROM attempts AS t "
            "JOIN applicants AS a ON a.id = t.applicant_id JOIN applications AS p "
            "ON p.id = t.application_id WHERE t.kind = 'test'"):
        time_up = count(telegram_id, TIME_UP)
        done = count(telegram_id, TEST_DONE)
        problem = None
        if status != "submitted":
            problem = "never submitted"
        elif len(time_up) + len(done) > 1 and not explain(sorted(time_up + done)):
            problem = f"{len(time_up)} time-up and {len(done)} finished messages"
        elif (by == "deadline" and done) or (by == "applicant" and time_up):
            problem = f"submitted by {by}, but the person was told otherwise"
        elif app_status not in ("tested", "accepted", "not_accepted"):
            problem = f"application left {app_status}"
        if problem:
            who = people.get(telegram_id)
            name = who.person.name if who else telegram_id
            not_once.append(f"attempt {attempt_id} ({name}): {problem}")

    # 4. decisions, results and the broadcast: none missing; doubles only before a kill
    decisions: Counter[str] = Counter()
    missing_msgs: list[str] = []
    doubled_explained: list[str] = []
    doubled_unexplained: list[str] = []
    expected: dict[int, Counter[str]] = {}
    for applicant_id, action, detail in run.rows(
            "SELECT applicant_id, action, detail FROM audit_log WHERE action IN "
            "('decide_pass', 'decide_fail', 'decide_fix')"):
        if json.loads(detail).get("won"):
            telegram_id = run.one("SELECT telegram_id FROM applicants WHERE id = ?",
                                  (applicant_id,))
            expected.setdefault(telegram_id, Counter())[action.removeprefix("decide_")] += 1
            decisions[action.removeprefix("decide_")] += 1
    final = run.one("SELECT id FROM rankings WHERE status = 'announced'")
    for application_id, accepted in run.rows(
            "SELECT application_id, accepted FROM ranking_rows WHERE ranking_id = ?", (final,)):
        telegram_id = apps[application_id][1]
        expected.setdefault(telegram_id, Counter())[
            "accepted" if accepted else "not_accepted"] += 1
    for (telegram_id,) in run.rows(
            "SELECT chat_id FROM outbox WHERE broadcast_id IS NOT NULL AND status != 'skipped'"):
        expected.setdefault(telegram_id, Counter())["broadcast"] += 1
    words = {**DECIDED, **RESULT, "broadcast": BROADCAST_TEXT}
    for telegram_id, wanted in expected.items():
        who = people.get(telegram_id)
        for kind, n in wanted.items():
            got = count(telegram_id, words[kind])
            label = f"{who.person.name if who else telegram_id}: {kind}"
            if len(got) < n:
                missing_msgs.append(f"{label} ({len(got)} of {n})")
            elif len(got) > n:
                why = explain(got)
                (doubled_unexplained if why is None else doubled_explained).append(
                    f"{label} ({len(got)} for {n}; {why or 'no kill, no timeout'})")

    # 5. reminders after their reason was gone; warnings after the test. When a reason ended
    # is bounded from above by what could only happen after its transaction committed (the
    # confirmation reaching the person, a decision, the first result, the closed screen); the
    # stored instant (taken when the transaction began) bounds it from below. Only a reminder
    # that reached the person after the upper bound counts; one between the two is listed.
    late_reminders: list[str] = []
    borderline: list[str] = []
    reminders_sent: Counter[str] = Counter()
    first_decision = {r[0]: parse_time(r[1]) for r in run.rows(
        "SELECT a.telegram_id, min(l.at) FROM audit_log AS l JOIN applicants AS a "
        "ON a.id = l.applicant_id WHERE l.action LIKE 'decide_%' GROUP BY a.telegram_id")}
    first_result = min((at for msgs in sends.values() for at, text in msgs
                        if any(words in text for words in RESULT.values())), default=None)
    announced = run.one("SELECT min(created_at) FROM outbox WHERE dedupe_key LIKE 'result:%'")
    submitted_at = {r[1]: parse_time(r[3]) for r in apps.values() if r[3]}
    test_ended = {r[0]: parse_time(r[1]) for r in run.rows(
        "SELECT a.telegram_id, t.submitted_at FROM attempts AS t JOIN applicants AS a "
        "ON a.id = t.applicant_id WHERE t.kind = 'test' AND t.submitted_at IS NOT NULL")}
    closed: dict[int, float] = {}  # a finished test's screen closed, or its word sent
    for call in sim.calls:
        words = str(call.params.get("text") or call.params.get("caption") or "")
        if call.status == 200 and any(w in words for w in (SCREEN_DONE, TIME_UP, TEST_DONE)):
            chat = call.params.get("chat_id")
            if isinstance(chat, int):
                closed[chat] = min(closed.get(chat, call.at), call.at)
    for telegram_id, messages in sends.items():
        who = people.get(telegram_id)
        name = who.person.name if who else str(telegram_id)
        sent_words = [at for at, text in messages if SUBMITTED in text
                      or any(w in text for w in DECIDED.values())]
        for at, text in messages:
            kind = next((k for k, w in REMINDERS.items() if w in text), None)
            if kind is None and WARNING in text:
                kind = "minutes-left warning"
            if kind is None:
                continue
            reminders_sent[kind] += 1
            lower = upper = None
            if kind == "registration":
                lower = submitted_at.get(telegram_id)
                ends = [t for t in (*sent_words, first_decision.get(telegram_id),
                                    who and who.submitted) if t]
                upper = min(ends) if ends else None
            elif kind == "announcement" and announced:
                lower, upper = parse_time(announced), first_result
            elif kind == "minutes-left warning":
                lower, upper = test_ended.get(telegram_id), closed.get(telegram_id)
            if upper is not None and at > upper:
                key = "warn:%" if kind == "minutes-left warning" else f"reminder:{kind}%"
                row = run.rows(
                    "SELECT attempts, last_error, created_at FROM outbox WHERE chat_id = ? "
                    "AND dedupe_key LIKE ? ORDER BY id LIMIT 1", (telegram_id, key))
                how = (f"; queued {upper - parse_time(row[0][2]):.2f} s before, sent at try "
                       f"{row[0][0]} (last error {row[0][1]})" if row else "")
                late_reminders.append(f"{name}: {kind} {at - upper:.2f} s after its reason "
                                      f"was certainly gone{how}")
            elif lower is not None and at > lower:
                borderline.append(f"{name}: {kind} sent {at - lower:.3f} s after the "
                                  "transaction that ended its reason began (before it was "
                                  "surely committed)")

    # 6. direct replies lost: failed (5xx, or timed out undone) and never done after all;
    # each request counted once, however often it was tried
    tries: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for call in sim.calls:
        outcome = ("done" if call.status == 200 or "not modified" in (call.error or "")
                   else f"{call.status} {call.error or ''}".strip())
        tries.setdefault((call.method, identity(call.params)), []).append((call.at, outcome))
    for lost in sim.lost:
        tries.setdefault((lost.method, identity(lost.params)), []).append((lost.at, "timeout"))
    lost_replies: Counter[str] = Counter()
    lost_details: list[str] = []
    lost_to_kill = 0
    outbox_given_up = run.one("SELECT count(*) FROM outbox WHERE status = 'failed'") or 0
    for (method, ident), history in tries.items():
        history.sort()
        failures = [at for at, outcome in history if outcome == "timeout"
                    or outcome[:1] == "5"]
        if not failures or method in STARTUP or method.startswith("set"):
            continue
        first = failures[0]
        after = [(at, outcome) for at, outcome in history if first <= at <= first + 120]
        if any(outcome == "done" for _, outcome in after):
            continue
        if any(first - 1.0 <= k <= failures[-1] + 10 for k in kills):
            lost_to_kill += 1
            continue
        lost_replies[method] += 1
        if len(after) == 1:
            why = ("timed out: a send is not tried again (it may have been delivered)"
                   if after[0][1] == "timeout" else "not tried again")
        else:
            why = f"tried {len(after)} times: {', '.join(o[:40] for _, o in after)}"
        lost_details.append(f"{first - run.t0:.1f} s: {method} ({why}) {ident[:70]}")

    applied = Counter(a.outcome or "no decision" for a in run.applicants)
    took = [round(t.took, 2) for a in run.applicants for t in a.taps]
    figures = {
        "seed": run.seed, "applicants": run.shape.n, "seconds": round(run.clock(), 1),
        "kills": len(run.bot.kills),
        "kills_by_moment": dict(Counter(k.tag for k in run.bot.kills)),
        "crashes": len(run.bot.crashes), "final_stop": run.stopped,
        "harness_errors": run.harness_errors,
        "restart_seconds_max": round(max((k.up_again - k.at for k in run.bot.kills
                                          if k.up_again), default=0.0), 1),
        "calls": len(sim.calls), "status_5xx": sum(c.status >= 500 for c in sim.calls),
        "timeouts_undone": len(sim.lost), "timeouts_done_late": len(sim.late),
        "status_429": sum(c.status == 429 for c in sim.calls),
        "submitted": sum(a.submitted is not None or a.outcome is not None
                         for a in run.applicants),
        "outcomes": dict(applied), "decisions": dict(decisions),
        "booked": sum(a.session is not None for a in run.applicants),
        "booking": dict(Counter(a.booking for a in run.applicants if a.outcome == "pass")),
        "tests": dict(Counter(a.test for a in run.applicants if a.session)),
        "submitted_by": dict(Counter(r[0] for r in run.rows(
            "SELECT submitted_by FROM attempts WHERE kind = 'test'"))),
        "taps": sum(len(a.taps) for a in run.applicants), "taps_acknowledged": acked_taps,
        "tap_seconds_p50": percentile(took, 50), "tap_seconds_p95": percentile(took, 95),
        "results": dict(Counter(a.result or "none" for a in run.applicants if a.session)),
        "reminders_sent": dict(reminders_sent),
        "reminders_skipped": run.one("SELECT count(*) FROM outbox WHERE status = 'skipped' "
                                     "AND guard IS NOT NULL") or 0,
        "resyncs": sum(a.resyncs for a in run.applicants),
        "outbox": dict(run.rows("SELECT status, count(*) FROM outbox GROUP BY status")),
        "outbox_given_up": outbox_given_up,
        # the invariants
        "acked_answers_missing": len(missing_answers),
        "seats_over_capacity": len(over_capacity),
        "attempts_not_submitted_once": len(not_once),
        "messages_missing": len(missing_msgs),
        "messages_doubled_explained": len(doubled_explained),
        "messages_doubled_after_kill": sum("; kill)" in d for d in doubled_explained),
        "messages_doubled_after_timeout": sum("; timeout" in d for d in doubled_explained),
        "messages_doubled_unexplained": len(doubled_unexplained),
        "reminders_after_reason_gone": len(late_reminders),
        "reminders_borderline": len(borderline),
        "direct_replies_lost": sum(lost_replies.values()),
        "direct_replies_lost_by_method": dict(lost_replies),
        "replies_lost_to_a_kill": lost_to_kill,
        "details": {"acked_answers_missing": missing_answers[:20],
                    "seats_over_capacity": over_capacity,
                    "attempts_not_submitted_once": not_once[:20],
                    "messages_missing": missing_msgs[:20],
                    "messages_doubled_after_kill": [d for d in doubled_explained
                                                    if "; kill)" in d][:20],
                    "messages_doubled_after_timeout": [d for d in doubled_explained
                                                       if "; timeout" in d][:20],
                    "messages_doubled_unexplained": doubled_unexplained[:20],
                    "reminders_after_reason_gone": late_reminders[:20],
                    "reminders_borderline": borderline[:20],
                    "direct_replies_lost": lost_details[:20]},
    }
    figures["broken"] = [name for name in INVARIANTS if figures[name]]
    return figures


# A double is allowed only where Telegram took a message in the instant before a kill.
INVARIANTS = ("acked_answers_missing", "seats_over_capacity", "attempts_not_submitted_once",
              "messages_missing", "messages_doubled_after_timeout",
              "messages_doubled_unexplained", "reminders_after_reason_gone")


def identity(params: dict[str, Any]) -> str:
    """What makes two calls the same request (a retry), whatever their ids."""
    keys = ("chat_id", "message_id", "text", "caption", "callback_query_id", "photo",
            "document", "media", "message_ids")
    return json.dumps({k: params.get(k) for k in keys if k in params}, sort_keys=True,
                      default=str)


def report(run: Run, f: dict[str, Any]) -> None:
    say("")
    say(f"== chaos run, seed {f['seed']}: {f['applicants']} applicants, {f['seconds']} s ==")
    for error in f["harness_errors"]:
        say(f"  !! error in this script (not the bot): {error}")
    say(f"  kills: {f['kills']} {f['kills_by_moment']}; crashes: {f['crashes']}; longest "
        f"restart {f['restart_seconds_max']} s; at the end (SIGTERM): {f['final_stop']}")
    say(f"  Bot API calls {f['calls']}: {f['status_5xx']} answered 5xx, "
        f"{f['timeouts_undone']} timed out undone, {f['timeouts_done_late']} done but "
        f"answered too late, {f['status_429']} 429s")
    say(f"  sent: {f['submitted']}; decisions {f['decisions']}; outcomes {f['outcomes']}")
    say(f"  booking: {f['booking']}; tests {f['tests']}; submitted by {f['submitted_by']}")
    say(f"  taps {f['taps']}, acknowledged {f['taps_acknowledged']} (tap -> answer p50 "
        f"{f['tap_seconds_p50']} s, p95 {f['tap_seconds_p95']} s); results {f['results']}")
    say(f"  reminders sent {f['reminders_sent']}, skipped (reason gone) "
        f"{f['reminders_skipped']}; outbox {f['outbox']}; people asked again "
        f"{f['resyncs']} times")
    say("  invariants:")
    for name in (*INVARIANTS, "messages_doubled_after_kill", "direct_replies_lost",
                 "replies_lost_to_a_kill"):
        mark = "BROKEN" if name in f["broken"] else "ok"
        extra = (f" {f['direct_replies_lost_by_method']}"
                 if name == "direct_replies_lost" and f[name] else "")
        say(f"    {name.replace('_', ' ')}: {f[name]}{extra}  [{mark}]")
        for line in f["details"].get(name, [])[:8]:
            say(f"      - {line}")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="30 applicants, 1-minute test")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--n", type=int, default=None, help="applicants (default 200; quick 30)")
    p.add_argument("--json", type=Path, default=None, help="write the figures here too")
    p.add_argument("--keep", default=None, help="keep the database and the bot's log here")
    return p.parse_args(argv)


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    result = asyncio.run(main(arguments))
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    sys.exit(1 if result["broken"] else 0)
