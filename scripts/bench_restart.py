"""Benchmark: the bot restarted on a large database, started as an operator starts it.

    .venv/bin/python scripts/bench_restart.py            # 10,000 applicants: about 3 minutes
    .venv/bin/python scripts/bench_restart.py --quick    # 1,000 applicants: under 30 s
    .venv/bin/python scripts/bench_restart.py --applicants 20000 --attempts 2000 --outbox 6000

This process holds a `tgsim` Simulator (HTTP on loopback, Telegram's limits on, `--latency`
seconds per Bot API call from the first one, so the bot's own start-up calls pay it too) with
one person per applicant, and a staff group. It writes a database, then starts the bot as a
separate process the way an operator does: `python -m bot` with the settings in the
environment (BOT_TOKEN, BOT_API_BASE_URL pointing at the simulator, DATABASE_PATH,
RECRUITMENT_FILE, STAFF_CHAT_ID, LOG_LEVEL=INFO), in a scratch directory (no `.env` there). The
bot runs on the real clock, so every instant in the database is set relative to the real time
just before the launch.

The database (schema by `storage.db.Database.open`, i.e. the migrations; rows by bulk SQL with
the columns and encodings the storage modules use):

- `--applicants` people with a complete profile (`bot.fake_people`), three documents and a
  submitted application (and the "received" message each got, sent long ago);
- `--attempts` of them booked in the one test session, which began 100 minutes ago and ends in
  about 20 minutes, with a scored test in progress: a real draw from the bundled bank
  (`question_bank.draw` with `form_seed`, the deployment's draw secret), answers to part of it,
  the screen message in the simulator (edited to its final state when the test ends), and the
  minutes-left warnings the bot would have sent before it went down (`--downtime`, 40 minutes
  ago). `--overdue-share` of them (default 40 %) had their deadline while the bot was down
  (10 s to 35 minutes ago): the start must submit them and tell each person. A few (2 % of the
  others, at least 5) have their deadline 3-12 s after the launch, to time the first ticks;
  the rest end within 15 minutes (re-armed: submitted by the 5-second tick when due);
- `--outbox` pending messages: a staff broadcast interrupted by the outage (one message to each
  of that many other applicants; a dedupe key and broadcast id each, as the service queues it).

Measured from the moment the process is spawned (a person who wrote /start while the bot was
down, and a test taker who wrote /lanjut, are waiting in the update queue): the first Bot API
call (interpreter, imports, configuration); the log line `bot @... is running`, which the
runner writes once the start-up tick has gone through every active attempt, the 5-second tick
job is scheduled and polling has begun (this bot keeps deadlines in the database, not in one
JobQueue job per attempt: re-arming them is that tick, so this line is "every deadline
re-armed"), and within it the start-up tick itself (from the simulator's call log: between
the last description call and deleteWebhook); the first reply to /start and to /lanjut
("serving"); every overdue attempt submitted (the database, polled every 0.05 s); how late the
tick submitted the attempts due just after the start (`submitted_at - deadline_at`, from the
bot's own records); the backlog drained (every row pending once the overdue attempts are
submitted: the broadcast plus what the catch-up queued); a new
person's /start every `--probe-every` s while it drains (reply latency); the resident memory
(VmRSS from /proc/<pid>/status, sampled every 0.2 s, and VmHWM, the peak); the bot's CPU
after the drain with the remaining tests in progress (`--idle-seconds`: the 5-second ticks,
plus the warnings and deadlines that fall due meanwhile and their messages); and the stop
after SIGTERM. Goals (issue 16): serving within 3 s, RSS under 200 MB. Nothing here asserts;
the exit status is 1 if the bot failed to serve, exited early, or an overdue attempt was left.
A line `RESULT {json}` at the end has every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, storage, tgsim, question_bank)
    sys.path.insert(0, str(ROOT))

from scripts.bench_common import cpu_seconds, fmt, load_average, percentile  # noqa: E402
from tgsim import Limits, SimMessage, Simulator  # noqa: E402

TOKEN = "123456:TEST-token"
CODE = "bench-restart"
GOAL_SERVING_S = 3.0
GOAL_RSS_MB = 200.0
SOON_S = 12.0  # a few deadlines fall 3 to SOON_S seconds after the launch
TICK_S = 5.0  # bot.runner's tick interval
SESSION_BEGAN = timedelta(minutes=100)  # before the build; the session lasts 2 hours
TEST_MINUTES = 60
BROADCAST_TEXT = ("Jadwal ujian susulan diumumkan di kantor BPS Kabupaten Sumbawa Barat. "
                  "Silakan cek /jadwal untuk sesi Anda.")
MiB = 1024 * 1024


# ---- the simulator -----------------------------------------------------------------------
class WatchedSimulator(Simulator):
    """Resolves a future with the time of the bot's first message in a watched chat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies: dict[int, asyncio.Future[float]] = {}

    def touch(self, msg: SimMessage | None = None) -> None:
        super().touch(msg)
        if msg is not None and msg.from_bot and msg.edit_count == 0:
            waiter = self.replies.pop(msg.chat_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(time.perf_counter())

    def expect_reply(self, chat_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.replies[chat_id] = future
        return future


# ---- the recruitment file and the database -----------------------------------------------
def minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def recruitment_file(tmp: Path, now: datetime, applicants: int, attempts: int
                     ) -> tuple[Path, datetime, datetime]:
    """The example recruitment moved around `now`: every stage open, nothing reminded today,
    one session in progress. Returns the file and the session's start and end (UTC)."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "recruitment.example.yaml").read_text())
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(data["timezone"])
    local = minute(now.astimezone(zone)).replace(tzinfo=None)
    fmt = "%Y-%m-%d %H:%M"

    def at(delta: timedelta) -> str:
        return (local + delta).strftime(fmt)

    days = timedelta(days=1)
    data["code"] = CODE
    data["name"] = f"{data['name']} (benchmark)"
    # Windows close in 10 days: no "days before close" reminder is due today.
    data["stages"] = {
        "registration": {"start": at(-10 * days), "end": at(10 * days)},
        "administrative": {"start": at(-10 * days), "end": at(10 * days)},
        "test": {"start": at(-10 * days), "end": at(10 * days)},
        "final_selection": {"start": at(11 * days), "end": at(12 * days)},
        "announcement": at(13 * days),
    }
    data["quota"]["registrations"] = max(int(data["quota"]["registrations"]), 2 * applicants)
    data["test"]["allow_bundled_bank"] = True  # a benchmark, like the playground
    data["test"]["minutes"] = TEST_MINUTES
    start, end = -SESSION_BEGAN, -SESSION_BEGAN + timedelta(hours=2)
    data["sessions"] = [{"code": "R1", "start": at(start), "end": at(end),
                         "capacity": max(100, attempts)}]
    path = tmp / "recruitment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return (path, (local + start).replace(tzinfo=zone).astimezone(UTC),
            (local + end).replace(tzinfo=zone).astimezone(UTC))


@dataclass
class Plan:
    """What the database holds, and each attempt's deadline relative to the launch."""

    attempt_ids: list[int] = field(default_factory=list)
    offsets: list[float] = field(default_factory=list)  # deadline - launch, seconds
    overdue: list[int] = field(default_factory=list)
    soon: list[int] = field(default_factory=list)
    resume_chat: int | None = None  # a test taker far from the deadline (sends /lanjut)
    backlog: int = 0
    build_s: float = 0.0
    db_mb: float = 0.0


def to_db(when: datetime) -> str:
    from storage.timestamps import to_db as encode

    return encode(when)


async def build(db_path: Path, sim: WatchedSimulator, people: list[Any], staff_id: int,
                staff_group: int, args: argparse.Namespace,
                session: tuple[datetime, datetime]) -> Plan:
    from bot import fake_people, texts
    from bot.domain.registration import DECLARATIONS
    from bot.domain.testing import reminder_times
    from bot.recruitment import load_recruitment
    from question_bank import draw, form_seed
    from question_bank.bundled import bundled_bank
    from storage import secrets
    from storage.db import Database

    began = time.perf_counter()
    rng = random.Random(args.seed)
    plan = Plan()
    now = datetime.now(UTC)
    long_ago = to_db(now - timedelta(days=3))
    recruitment = load_recruitment(Path(args.recruitment))
    n, n_att = len(people), args.attempts
    db = await Database.open(db_path)
    try:
        async with db.write() as conn:
            secret = await secrets.get_or_create(conn, "draw", now - timedelta(days=5))
            await conn.executemany(
                "INSERT INTO applicants (id, telegram_id, username, language, created_at, "
                "updated_at) VALUES (?, ?, ?, 'id', ?, ?)",
                [(i + 1, p.id, None, long_ago, long_ago) for i, p in enumerate(people)])
            today = now.astimezone(recruitment.zone).date()
            profiles = [fake_people.profile(fake_people.person(i), recruitment.region.districts,
                                            today) for i in range(n)]
            columns = list(profiles[0])  # the same keys, in the same order, for everyone
            await conn.executemany(
                f"INSERT INTO profiles (applicant_id, {', '.join(columns)}, updated_at) "
                f"VALUES (?, {', '.join('?' * len(columns))}, ?)",
                [(i + 1, *profile.values(), long_ago) for i, profile in enumerate(profiles)])
            await conn.executemany(
                "INSERT INTO documents (applicant_id, kind, file_id, file_unique_id, "
                "media_type, file_size, uploaded_at) VALUES (?, ?, ?, ?, 'photo', 120000, ?)",
                [(i + 1, kind, f"AgAC{kind}{i:06d}x" * 3, f"AQAD{kind}{i:06d}", long_ago)
                 for i in range(n) for kind in ("ktp", "photo", "ijazah")])
            declarations = json.dumps({k: True for k in DECLARATIONS})
            await conn.executemany(
                "INSERT INTO applications (id, applicant_id, recruitment, status, created_at, "
                "updated_at, consent_at, declarations, submitted_at, nik) "
                "VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)",
                [(i + 1, i + 1, CODE, long_ago, long_ago, long_ago, declarations, long_ago,
                  profile["nik"]) for i, profile in enumerate(profiles)])
            await conn.executemany(  # the "received" message everybody got
                "INSERT INTO outbox (chat_id, payload, dedupe_key, status, attempts, "
                "message_id, created_at, sent_at) VALUES (?, ?, ?, 'sent', 1, 1, ?, ?)",
                [(p.id, json.dumps({"text": f"Pendaftaran Anda diterima (nomor {i + 1})."}),
                  f"submitted:{i + 1}", long_ago, long_ago) for i, p in enumerate(people)])
            # The session, as the bot seeds it from the file (then left alone), all its
            # reminders sent before it began.
            start, end = session
            kinds = list(reminder_times(start, start.astimezone(recruitment.zone)))
            cur = await conn.execute(
                "INSERT INTO sessions (recruitment, code, start_at, end_at, capacity, booked, "
                "reminders, created_at) VALUES (?, 'R1', ?, ?, ?, ?, ?, ?)",
                (CODE, to_db(start), to_db(end), max(100, n_att), n_att, json.dumps(kinds),
                 long_ago))
            session_id = cur.lastrowid
            await conn.execute(
                "UPDATE applications SET status = 'testing', decided_by = ?, "
                "decided_by_name = 'Panitia', decided_at = ?, session_id = ?, booked_at = ? "
                "WHERE id <= ?", (staff_id, long_ago, session_id, long_ago, n_att))
            bank = bundled_bank()
            blueprint = recruitment.test.blueprint
            rows, screens, answers = [], [], []
            for i in range(n_att):
                drawn = [q.to_dict() for q in draw(bank, blueprint,
                                                   form_seed(secret, CODE, i + 1))]
                answered = rng.randrange(5, len(drawn) + 1)
                rows.append((i + 1, i + 1, i + 1, bank.version, json.dumps(drawn),
                             answered - 1 if answered < len(drawn) else len(drawn) - 1,
                             to_db(end), TEST_MINUTES, long_ago))
                chat = sim.chats[people[i].id]
                screen = sim.add_message(chat, True, sim.bot_id, text=f"Soal {answered}",
                                         reply_markup={"inline_keyboard": [[
                                             {"text": x, "callback_data": f"t:{i}:{x}"}
                                             for x in "ABCD"]]})
                screens.append((i + 1, chat.id, screen.message_id))
                answers += [(i + 1, pos, rng.randrange(4), long_ago, long_ago)
                            for pos in range(answered)]
            await conn.executemany(
                "INSERT INTO attempts (id, applicant_id, application_id, kind, bank_version, "
                "questions, current, hard_end_at, duration_min, created_at) "
                "VALUES (?, ?, ?, 'test', ?, ?, ?, ?, ?, ?)", rows)
            await conn.executemany(
                "INSERT INTO attempt_screens (attempt_id, chat_id, message_id) VALUES (?, ?, ?)",
                screens)
            await conn.executemany(
                "INSERT INTO answers (attempt_id, position, choice, answered_at, shown_at) "
                "VALUES (?, ?, ?, ?, ?)", answers)
            # The interrupted broadcast: one pending message to each of `--outbox` others.
            # Its progress message in the staff group, which the bot keeps editing.
            progress = sim.add_message(sim.chats[staff_group], True, sim.bot_id,
                                       text="Siaran: 0 dari ... terkirim")
            cur = await conn.execute(
                "INSERT INTO broadcasts (recruitment, text, segment, status, created_by, "
                "created_by_name, created_at, recipients, progress_chat, progress_msg, "
                "progress_text) VALUES (?, ?, 'semua', 'queued', ?, 'Panitia', ?, ?, ?, ?, ?)",
                (CODE, BROADCAST_TEXT, staff_id, long_ago, args.outbox, staff_group,
                 progress.message_id, progress.text))
            broadcast_id = cur.lastrowid
            payload = json.dumps({"text": texts.escape(BROADCAST_TEXT)}, ensure_ascii=False)
            first = n_att if n > n_att else 0  # the others; everyone if there are none
            pool = n - first

            def key(j: int) -> str:  # the service's key; a round number if people repeat
                return (f"broadcast:{broadcast_id}:{first + j % pool + 1}"
                        + (f":{j // pool}" if j >= pool else ""))

            await conn.executemany(
                "INSERT INTO outbox (chat_id, payload, dedupe_key, created_at, broadcast_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(people[first + j % pool].id, payload, key(j), long_ago, broadcast_id)
                 for j in range(args.outbox)])
        # Which attempt ends when, relative to the launch (set_times writes the instants).
        ids = list(range(1, n_att + 1))
        rng.shuffle(ids)
        n_over = round(n_att * args.overdue_share)
        n_soon = min(n_att - n_over, max(5, round(0.02 * (n_att - n_over))))
        ends_in = (end - now).total_seconds() - 120  # the session's end, with a margin
        for k, attempt_id in enumerate(ids):
            if k < n_over:
                offset = rng.uniform(-min(35.0, args.downtime - 1) * 60, -10)
                plan.overdue.append(attempt_id)
            elif k < n_over + n_soon:
                offset = rng.uniform(3, SOON_S)
                plan.soon.append(attempt_id)
            else:
                offset = rng.uniform(30, max(60.0, min(15 * 60, ends_in)))
                if plan.resume_chat is None and offset > 600:
                    plan.resume_chat = people[attempt_id - 1].id
            plan.attempt_ids.append(attempt_id)
            plan.offsets.append(offset)
        if plan.resume_chat is None and n_att > n_over + n_soon:
            plan.resume_chat = people[ids[-1] - 1].id
    finally:
        await db.close()
    plan.build_s = time.perf_counter() - began
    plan.db_mb = file_mb(db_path)
    return plan


def file_mb(path: Path) -> float:
    return path.stat().st_size / MiB


def set_times(db_path: Path, plan: Plan, launch: datetime, downtime: timedelta) -> None:
    """Every attempt's start, deadline and the warnings already sent, relative to `launch`:
    the bot went down `downtime` before it (the warnings due by then were sent)."""
    from bot.domain.testing import WARNING_MINUTES

    down = launch - downtime
    rows = []
    for attempt_id, offset in zip(plan.attempt_ids, plan.offsets, strict=True):
        deadline = launch + timedelta(seconds=offset)
        started = deadline - timedelta(minutes=TEST_MINUTES)
        sent = [m for m in WARNING_MINUTES
                if down >= started and deadline - down <= timedelta(minutes=m)]
        rows.append((to_db(started), to_db(deadline), to_db(down - timedelta(minutes=1)),
                     json.dumps(sent), attempt_id))
    with contextlib.closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executemany("UPDATE attempts SET started_at = ?, deadline_at = ?, shown_at = ?, "
                         "warnings = ? WHERE id = ?", rows)


# ---- watching the bot process ------------------------------------------------------------
@dataclass
class Watch:
    t0: float = 0.0
    pid: int = 0
    running_at: float | None = None
    log_levels: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # WARNING+ lines (no personal data)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (s after spawn, MiB)
    hwm_mb: float | None = None
    exited: bool = False

    def since(self, at: float | None) -> float | None:
        return None if at is None else at - self.t0


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM in MiB."""
    out = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


async def read_log(stream: asyncio.StreamReader, watch: Watch, log_file: Path) -> None:
    with log_file.open("w") as out:
        while line := await stream.readline():
            text = line.decode(errors="replace").rstrip()
            out.write(text + "\n")
            parts = text.split(" ", 4)
            level = parts[2] if len(parts) > 3 else "?"
            if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
                watch.log_levels[level] = watch.log_levels.get(level, 0) + 1
            else:
                level = "other"
            if level not in ("DEBUG", "INFO") and len(watch.problems) < 20:
                watch.problems.append(text[:200])
            if watch.running_at is None and " is running (" in text:
                watch.running_at = time.perf_counter()


async def sample_memory(watch: Watch) -> None:
    while not watch.exited:
        status = proc_status(watch.pid)
        if "VmRSS" in status:
            watch.rss.append((time.perf_counter() - watch.t0, status["VmRSS"]))
            watch.hwm_mb = status.get("VmHWM", watch.hwm_mb)
        await asyncio.sleep(0.2)


def rss_at(watch: Watch, second: float | None) -> float | None:
    if second is None:
        return None
    before = [mb for t, mb in watch.rss if t <= second]
    return before[-1] if before else (watch.rss[0][1] if watch.rss else None)


class Probe:
    """The database, read only, from this process (WAL: the bot's writes are not held up)."""

    def __init__(self, db_path: Path) -> None:
        self.conn = sqlite3.connect(db_path)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()[0]

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()


# ---- the run -------------------------------------------------------------------------------
@dataclass
class Result:
    applicants: int
    attempts: int
    overdue: int
    soon: int
    outbox: int
    latency_ms: float
    nproc: int
    loadavg: str
    build_s: float = 0.0
    db_mb: float = 0.0
    first_call_s: float | None = None
    running_s: float | None = None
    start_reply_s: float | None = None
    resume_reply_s: float | None = None
    overdue_done_s: float | None = None
    overdue_left: int | None = None
    soon_late_p50_s: float | None = None
    soon_late_max_s: float | None = None
    soon_done: int = 0
    backlog: int = 0
    drained_s: float | None = None
    drain_rate: float | None = None
    probe_n: int = 0
    probe_p50_s: float | None = None
    probe_max_s: float | None = None
    probe_unanswered: int = 0
    rss_serving_mb: float | None = None
    rss_max_mb: float | None = None
    rss_end_mb: float | None = None
    hwm_mb: float | None = None
    idle_cpu_pct: float | None = None
    idle_cpu_per_tick_ms: float | None = None
    startup_tick_s: float | None = None
    idle_active: int | None = None
    stop_s: float | None = None
    exit_code: int | None = None
    outbox_final: dict[str, int] = field(default_factory=dict)
    time_up_messages: int = 0
    screens_closed: int = 0
    log_levels: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    calls_429: int = 0


def startup_tick(calls: list[Any]) -> float | None:
    """The start-up tick's duration, read from the Bot API call log: bot.runner.start_bot
    publishes the commands and descriptions, seeds the sessions, runs the tick, starts the
    Application and the outbox sender, then calls deleteWebhook (a small overestimate)."""
    before = [c for c in calls if c.method in ("setMyCommands", "setMyDescription",
                                               "setMyShortDescription")]
    after = next((c for c in calls if c.method == "deleteWebhook"), None)
    if not before or after is None:
        return None
    took = after.at - max(c.at + c.latency for c in before)
    return took if took >= 0 else None  # a runner that ticks after polling has begun


async def run(args: argparse.Namespace) -> Result:
    from storage.timestamps import from_db

    res = Result(args.applicants, args.attempts, 0, 0, args.outbox, args.latency * 1000,
                 os.cpu_count() or 0, load_average())
    sim = WatchedSimulator(token=TOKEN, limits=Limits(enabled=True))
    sim.faults.latency = args.latency
    await sim.start()
    proc: asyncio.subprocess.Process | None = None
    probe: Probe | None = None
    watch = Watch()
    tasks: list[asyncio.Task[None]] = []
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as name:
        tmp = Path(name)
        try:
            people = [sim.user(f"P{i}") for i in range(args.applicants)]
            staff = sim.user("Staf")
            group = sim.group("Panitia", members=[staff], admins=[staff])
            file, *session = recruitment_file(tmp, datetime.now(UTC), args.applicants,
                                              args.attempts)
            args.recruitment = str(file)
            db_path = tmp / "data" / "bot.sqlite3"
            print(f"building the database: {args.applicants:,} applicants, "
                  f"{args.attempts:,} tests in progress, {args.outbox:,} pending messages...",
                  flush=True)
            plan = await build(db_path, sim, people, staff.id, group.id, args,
                               (session[0], session[1]))
            res.build_s, res.db_mb = plan.build_s, plan.db_mb
            res.overdue, res.soon = len(plan.overdue), len(plan.soon)
            print(f"  built in {plan.build_s:.1f} s ({plan.db_mb:.1f} MiB); starting "
                  f"`python -m bot`...", flush=True)

            env = {k: v for k, v in os.environ.items()
                   if k not in ("DRAW_SECRET", "BOT_MODE", "WEBHOOK_URL", "WEBHOOK_SECRET",
                                "BOT_API_FILE_URL", "MAX_CONCURRENT_UPDATES", "OUTBOX_RATE")}
            env.update({
                "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": sim.base_url,
                "DATABASE_PATH": str(db_path), "RECRUITMENT_FILE": str(file),
                "STAFF_CHAT_ID": str(group.id), "LOG_LEVEL": "INFO",
                "BACKUP_DIR": str(tmp / "backups"),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                            env.get("PYTHONPATH")])),
            })
            newcomer = sim.user("Baru")
            start_reply = sim.expect_reply(newcomer.id)
            resume_reply = (sim.expect_reply(plan.resume_chat) if plan.resume_chat is not None
                            else None)
            calls_before = len(sim.calls)

            probe = Probe(db_path)
            launch = datetime.now(UTC)
            set_times(db_path, plan, launch, timedelta(minutes=args.downtime))
            launch_db = to_db(launch)
            # Written while the bot was down: waiting in the update queue.
            await newcomer.send("/start")
            if plan.resume_chat is not None:
                await sim.users[plan.resume_chat].send("/lanjut")
            watch.t0, spawned = time.perf_counter(), time.time()
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=tmp, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            watch.pid = proc.pid
            assert proc.stderr is not None
            tasks = [asyncio.create_task(read_log(proc.stderr, watch, tmp / "bot.log")),
                     asyncio.create_task(sample_memory(watch))]
            exited = asyncio.create_task(proc.wait())
            overdue_sql = ("SELECT count(*) FROM attempts WHERE status = 'active' "
                           "AND deadline_at <= ?")

            async def watch_overdue() -> None:
                while not exited.done():
                    if probe.one(overdue_sql, (launch_db,)) == 0:
                        res.overdue_done_s = time.perf_counter() - watch.t0
                        return
                    await asyncio.sleep(0.05)

            overdue_task = asyncio.create_task(watch_overdue())
            tasks.append(overdue_task)

            async def until(future: asyncio.Future[float], limit: float) -> float | None:
                done, _ = await asyncio.wait({future, exited}, timeout=limit,
                                             return_when=asyncio.FIRST_COMPLETED)
                return future.result() if future in done else None

            # Serving: the first replies (the queue is answered once polling begins).
            res.start_reply_s = watch.since(await until(start_reply, args.max_seconds))
            if resume_reply is not None:
                res.resume_reply_s = watch.since(await until(resume_reply, 30))
            res.rss_serving_mb = rss_at(watch, res.start_reply_s)
            first = next((c for c in sim.calls[calls_before:] if c.method == "getMe"), None)
            if first is not None:  # the simulator's clock is the real one: epoch seconds
                res.first_call_s = first.at - spawned
            print(f"  serving: /start answered {res.start_reply_s and round(res.start_reply_s, 2)}"
                  f" s after spawn", flush=True)

            # The overdue attempts, submitted by the start-up tick (watched from the spawn).
            deadline = time.perf_counter() + args.max_seconds
            await asyncio.wait({overdue_task, exited}, timeout=args.max_seconds,
                               return_when=asyncio.FIRST_COMPLETED)
            res.overdue_left = probe.one(overdue_sql, (launch_db,))
            high_water = probe.one("SELECT coalesce(max(id), 0) FROM outbox")
            res.backlog = probe.one("SELECT count(*) FROM outbox WHERE status = 'pending' "
                                    "AND id <= ?", (high_water,))

            # The backlog drains; a newcomer writes /start every --probe-every seconds.
            probe_times: list[float] = []
            probe_tasks: list[asyncio.Task[None]] = []

            async def newcomer_probe(k: int) -> None:
                person = sim.user(f"Probe{k}")
                reply = sim.expect_reply(person.id)
                sent = time.perf_counter()
                await person.send("/start")
                got = await until(reply, 60)
                if got is None:
                    res.probe_unanswered += 1
                else:
                    probe_times.append(got - sent)

            drain_began = time.perf_counter()
            next_probe, k = drain_began, 0
            pending_sql = "SELECT count(*) FROM outbox WHERE status = 'pending' AND id <= ?"
            while not exited.done() and time.perf_counter() < deadline:
                if probe.one(pending_sql, (high_water,)) == 0:
                    res.drained_s = time.perf_counter() - watch.t0
                    break
                if time.perf_counter() >= next_probe:
                    probe_tasks.append(asyncio.create_task(newcomer_probe(k)))
                    k += 1
                    next_probe += args.probe_every
                await asyncio.sleep(0.25)
            if probe_tasks:
                await asyncio.gather(*probe_tasks)
            if res.drained_s is not None and res.backlog:
                began_sending = watch.since(watch.running_at) or 0.0
                res.drain_rate = res.backlog / max(1e-9, res.drained_s - began_sending)
            res.probe_n = len(probe_times) + res.probe_unanswered
            res.probe_p50_s = percentile(probe_times, 50)
            res.probe_max_s = max(probe_times, default=None)

            # The deadlines due just after the start: how late the tick submitted them.
            await asyncio.sleep(max(0.0, SOON_S + TICK_S + 2 - (time.perf_counter()
                                                                 - watch.t0)))
            marks = ",".join("?" * len(plan.soon))
            late = [(from_db(sub) - from_db(due)).total_seconds() for due, sub in probe.all(
                f"SELECT deadline_at, submitted_at FROM attempts WHERE id IN ({marks}) "
                f"AND status = 'submitted'", tuple(plan.soon))] if plan.soon else []
            res.soon_done = len(late)
            res.soon_late_p50_s = percentile(late, 50)
            res.soon_late_max_s = max(late, default=None)

            # After the drain, with the remaining tests in progress: the ticks' cost (and the
            # warnings and deadlines that fall due meanwhile).
            if not exited.done():
                res.idle_active = probe.one("SELECT count(*) FROM attempts "
                                            "WHERE status = 'active'")
                cpu, wall = cpu_seconds(proc.pid), time.perf_counter()
                await asyncio.sleep(args.idle_seconds)
                used, wall = cpu_seconds(proc.pid) - cpu, time.perf_counter() - wall
                res.idle_cpu_pct = 100 * used / wall
                res.idle_cpu_per_tick_ms = 1000 * used / (wall / TICK_S)
            res.rss_end_mb = proc_status(proc.pid).get("VmRSS") if not exited.done() else None
            res.hwm_mb = proc_status(proc.pid).get("VmHWM", watch.hwm_mb) \
                if not exited.done() else watch.hwm_mb
            res.rss_max_mb = max((mb for _, mb in watch.rss), default=None)
            res.running_s = watch.since(watch.running_at)
            res.startup_tick_s = startup_tick(sim.calls[calls_before:])
            res.outbox_final = dict(probe.all("SELECT status, count(*) FROM outbox "
                                              "GROUP BY status"))
            res.time_up_messages = sum(
                1 for c in sim.calls[calls_before:] if c.method == "sendMessage"
                and c.status == 200 and int(c.params.get("chat_id", 0)) in
                {people[i - 1].id for i in plan.overdue})
            res.screens_closed = sum(1 for c in sim.calls[calls_before:]
                                     if c.method == "editMessageText" and c.status == 200
                                     and int(c.params.get("chat_id", 0)) > 0)
            res.calls_429 = sum(1 for c in sim.calls[calls_before:] if c.status == 429)
        finally:
            if proc is not None and proc.returncode is None:
                began = time.perf_counter()
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 60)
                    res.stop_s = time.perf_counter() - began
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
            if proc is not None:
                res.exit_code = proc.returncode
            watch.exited = True
            for task in tasks:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(task, 5)
            res.log_levels, res.problems = watch.log_levels, watch.problems
            if probe is not None:
                probe.conn.close()
            await sim.stop()
    return res


# ---- printing --------------------------------------------------------------------------------
def verdict(value: float | None, goal: float) -> str:
    if value is None:
        return "not reached"
    return "met" if value < goal else "NOT met"


def report(r: Result, args: argparse.Namespace) -> None:
    print()
    print(f"Restart at scale: {r.applicants:,} applicants with submitted applications, "
          f"{r.attempts:,} tests in progress ({r.overdue:,} overdue, {r.soon} due 3-{SOON_S:.0f} s "
          f"after the launch, the rest within 15 min), {r.outbox:,} pending messages")
    print(f"machine: {r.nproc} CPUs, load average {r.loadavg} (before the run); Bot API latency "
          f"{r.latency_ms:.0f} ms, simulator limits on; database {r.db_mb:.1f} MiB, built in "
          f"{r.build_s:.1f} s (untimed)")
    print()
    rows = [
        ("first Bot API call (interpreter, imports, config)", fmt(r.first_call_s), ""),
        ("start-up tick done, every deadline re-armed (log line)", fmt(r.running_s), ""),
        ("  of which the start-up tick itself (Bot API call log)", fmt(r.startup_tick_s), ""),
        ("serving: queued /start answered", fmt(r.start_reply_s),
         f"< {GOAL_SERVING_S:.0f} s: {verdict(r.start_reply_s, GOAL_SERVING_S)}"),
        ("serving: queued /lanjut of a test taker answered", fmt(r.resume_reply_s), ""),
        (f"all {r.overdue:,} overdue attempts submitted", fmt(r.overdue_done_s),
         "" if not r.overdue_left else f"{r.overdue_left} LEFT"),
        (f"deadlines 3-{SOON_S:.0f} s after ({r.soon_done}/{r.soon} done): late by p50 / max",
         f"{fmt(r.soon_late_p50_s)} / {fmt(r.soon_late_max_s)}", "tick every 5 s"),
        (f"backlog of {r.backlog:,} messages drained", fmt(r.drained_s),
         f"{fmt(r.drain_rate, 'msg/s', 1)} from the log line"),
        (f"/start while draining ({r.probe_n}, {r.probe_unanswered} unanswered): p50 / max",
         f"{fmt(r.probe_p50_s)} / {fmt(r.probe_max_s)}", ""),
        ("RSS when serving / max sampled / at the end",
         f"{fmt(r.rss_serving_mb, 'MiB', 0)} / {fmt(r.rss_max_mb, 'MiB', 0)} / "
         f"{fmt(r.rss_end_mb, 'MiB', 0)}", ""),
        ("RSS peak (VmHWM)", fmt(r.hwm_mb, "MiB", 0),
         f"< {GOAL_RSS_MB:.0f} MB: {verdict(r.hwm_mb, GOAL_RSS_MB)}"),
        (f"CPU after the drain, {r.idle_active} tests in progress ({args.idle_seconds:g} s)",
         fmt(r.idle_cpu_pct, "% of a core", 1),
         fmt(None if r.idle_cpu_per_tick_ms is None else r.idle_cpu_per_tick_ms / 1000, "ms",
             0) + " per 5 s"),
        ("stop after SIGTERM", fmt(r.stop_s), f"exit code {r.exit_code}"),
    ]
    width = max(len(a) for a, _, _ in rows)
    vwidth = max(len(b) for _, b, _ in rows)
    print(f"{'from the spawn of python -m bot':<{width}}  {'':<{vwidth}}  goal")
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>{vwidth}}  {c}")
    print()
    print(f"outbox at the end: {r.outbox_final}; messages to overdue takers {r.time_up_messages}"
          f" (one 'time is up' each expected), screens edited to their final state "
          f"{r.screens_closed}; 429s from the simulator {r.calls_429}")
    print(f"bot log lines by level: {r.log_levels}")
    for line in r.problems[:10]:
        print(f"  {line}")
    print("RESULT " + json.dumps(asdict(r)))


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--applicants", type=int, default=None, help="default 10000; quick 1000")
    p.add_argument("--attempts", type=int, default=None,
                   help="tests in progress (default 1000; quick 200)")
    p.add_argument("--outbox", type=int, default=None,
                   help="pending messages (default 3000; quick 200)")
    p.add_argument("--overdue-share", type=float, default=0.4,
                   help="share of the tests whose deadline passed while the bot was down")
    p.add_argument("--downtime", type=float, default=40.0, help="minutes the bot was down")
    p.add_argument("--latency", type=float, default=0.1, help="Bot API latency per call, s")
    p.add_argument("--probe-every", type=float, default=2.0,
                   help="a newcomer's /start every this many seconds while the backlog drains")
    p.add_argument("--idle-seconds", type=float, default=None,
                   help="CPU window after the drain (default 15; quick 5)")
    p.add_argument("--max-seconds", type=float, default=600.0, help="give up after this")
    p.add_argument("--quick", action="store_true", help="1000 / 200 / 200: under 30 s")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    quick = args.quick
    args.applicants = args.applicants or (1000 if quick else 10_000)
    args.attempts = args.attempts if args.attempts is not None else (200 if quick else 1000)
    args.outbox = args.outbox if args.outbox is not None else (200 if quick else 3000)
    args.idle_seconds = args.idle_seconds or (5.0 if quick else 15.0)
    if not 0 <= args.attempts <= args.applicants or args.applicants > 99_999:
        p.error("need 0 <= --attempts <= --applicants <= 99999")
    if not 0 <= args.overdue_share <= 1 or args.downtime < 1:
        p.error("--overdue-share is 0-1, --downtime at least 1 minute")
    return args


def main() -> int:
    args = parse(sys.argv[1:])
    result = asyncio.run(run(args))
    report(result, args)
    failed = (result.start_reply_s is None or bool(result.overdue_left)
              or result.exit_code not in (0, None) or result.rss_end_mb is None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
