"""Benchmark: N applicants take the timed test at once, against a bare python-telegram-bot bot.

    .venv/bin/python scripts/bench_test.py            # N=1000, 2 answers each: about 9 min
    .venv/bin/python scripts/bench_test.py --quick    # N=200, 5 answers each: about 4 min
    .venv/bin/python scripts/bench_test.py --n 1000 --think 60 --only ours   # below the ceiling
    .venv/bin/python scripts/bench_test.py --quick --only ours,bare-concurrent-rl

(Preparing 1000 applicants through the services takes about a minute of the default run; the
bare phase on PTB's defaults needs about 110 s just to send 1000 first messages one at a time.)

Four phases, same harness, each with a fresh simulator in a child process (rate limits on with
Telegram's defaults, `--latency` seconds per Bot API call) and the bot in this process, talking to
the simulator over HTTP on loopback, so `time.process_time()` here is the bot's CPU alone:

1. ours: the real bot (`bot.runner.start_bot`, PTB 22.8, per-chat ordered concurrency, its
   ChatRateLimiter, outbox, 5-second tick). N applicants who passed the administrative check and
   booked session S1 (`bot.fake_people`) are prepared through the services before the timed
   part (not timed), with the bot's own ManualClock then set inside S1 (2023-11-20 08:05 WITA).
   Each person sends /mulai, then answers `--answers` questions by tapping an option button on
   the question message, thinking `--think` seconds (+-50 %) between answers.
2. the bare baselines: a bare PTB Application whose /start sends a message with four buttons
   and whose tap edits the text (next number) and answers the query; same N people, same think
   time, same taps. Three configurations, so that the comparison is with the strongest plain
   PTB bot, not only its defaults:
   - bare: PTB's defaults (one update at a time, no rate limiter);
   - bare-concurrent: `ApplicationBuilder().concurrent_updates(--bare-concurrency)` (default 32,
     as this bot's MAX_CONCURRENT_UPDATES; PTB's SimpleUpdateProcessor, no per-chat order), no
     rate limiter: a 429 from Telegram reaches the handler, whose tap then goes unanswered;
   - bare-concurrent-rl: the same plus PTB's `AIORateLimiter(overall_max_rate=30,
     group_max_rate=20, max_retries=3)` (requests with a chat id paced to 30/s overall; a 429
     is waited out and retried, pausing every request meanwhile).
   A bare phase stops after `--bare-max-seconds`; its latencies then cover only the taps that
   were served (a lower bound) and the taps still waiting are counted.

Figures, per phase: time until every person has question 1; answers/s achieved (answers over
the time from the first tap to the last edit) against the offered rate (N / think; the people
wait for each edit, so the load they really offer is N / (think + latency)) and the ceiling (30
messages/s overall: every answer is one edit, and in the simulator, as at Telegram, edits in
private chats count against the overall limit only, while sends also count per chat); handled
updates/s (starts + answers); tap -> updated question latency p50/p95/p99; bot CPU per answer
and per handled update (everything the bot process did during the load, idle polling and the
tick included); 429s, callback answers refused as too old (Telegram allows about 15 s), messages
sent. Then a side-by-side table of every phase, with ours against the best bare configuration
for each figure (named in the table). Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, handlers, storage, tgsim)
    sys.path.insert(0, str(ROOT))

from scripts.bench_common import (  # noqa: E402
    LoadProcess,
    bot_log,
    fmt,
    load_average,
    load_process_or,
    print_table,
    ratio,
)

WITA = ZoneInfo("Asia/Makassar")
DURING_REGISTRATION = datetime(2023, 11, 10, 10, 0, tzinfo=WITA)
INSIDE_S1 = datetime(2023, 11, 20, 8, 5, tzinfo=WITA)
CEILING = 30.0  # tgsim Limits().global_per_sec: Telegram's ~30 messages/s overall


# ---- the parent: the bot side --------------------------------------------------------------
def recruitment_file(tmp: Path, n: int) -> Path:
    data = yaml.safe_load((ROOT / "recruitment.example.yaml").read_text())
    data["quota"]["registrations"] = max(int(data["quota"]["registrations"]), n)
    for session in data["sessions"]:
        if session["code"] == "S1":
            session["capacity"] = max(int(session["capacity"]), n)
    # A benchmark, like the playground: the scored test may draw from the bundled bank (a real
    # recruitment refuses it, and /mulai would give nobody a question).
    data["test"]["allow_bundled_bank"] = True
    path = tmp / "recruitment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def make_config(base_url: str, db_path: Path, recruitment: Path, **settings: Any) -> Any:
    """The bot's configuration; `settings` adds to it (e.g. database_url)."""
    from bot.config import Config, Settings
    from bot.recruitment import load_recruitment

    values = Settings(_env_file=None, bot_token="123456:TEST-token",  # type: ignore[call-arg]
                      bot_api_base_url=base_url, database_path=db_path,
                      recruitment_file=recruitment, staff_chat_id=-1001, **settings)
    return Config(values, load_recruitment(recruitment))


async def prepare(config: Any, clock: Any, user_ids: list[int],
                  during: datetime = DURING_REGISTRATION, inside: datetime = INSIDE_S1) -> None:
    """N applicants who passed the administrative check (at `during`) and booked S1; nothing
    left to send at `inside`. On the configuration's database: SQLite, or PostgreSQL when it
    has a database_url (scripts/bench_processes.py moves the recruitment, and these times,
    around the real now)."""
    from bot import fake_people
    from bot.services import Services
    from storage.engine import open_database

    url = config.settings.database_url
    db = await open_database(config.settings.database_path,
                             url.get_secret_value() if url else None)
    try:
        svc = Services.build(config, db, clock)
        clock.set(during)
        await svc.sessions.seed()
        s1 = next(s for s in await svc.sessions.bookable() if s.code == "S1")

        async def one(n: int, telegram_id: int) -> None:
            applicant = await svc.applicants.seen(telegram_id, None, "id")
            filled = await fake_people.fill_registration(svc, applicant.id,
                                                         fake_people.person(n))
            assert filled, "registration is not open"
            outcome, pos = await svc.registration.submit(applicant.id)
            assert outcome == "submitted" and pos.application, outcome
            await svc.review.decide(pos.application.id, "pass", 1, "Panitia")
            booked = await svc.sessions.book(applicant.id, s1.id)
            assert booked == "booked", booked

        batch = 50
        for start in range(0, len(user_ids), batch):
            await asyncio.gather(*(one(start + i + 1, uid)
                                   for i, uid in enumerate(user_ids[start:start + batch])))
        clock.set(inside)
        await svc.tick()  # the session reminders fall due now: queue them once...
        async with db.write() as conn:  # ...and skip them with the "passed" notices
            await conn.execute("UPDATE outbox SET status = 'skipped' WHERE status = 'pending'")
    finally:
        await db.close()


class Ours:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args, self.tmp = args, tmp
        self.running: Any = None
        self.prep_seconds = 0.0

    async def start(self, url: str, user_ids: list[int]) -> None:
        from bot.clock import ManualClock
        from bot.runner import start_bot

        config = make_config(f"{url}/bot", self.tmp / "bot.sqlite3",
                             recruitment_file(self.tmp, len(user_ids)))
        clock = ManualClock(DURING_REGISTRATION)
        began = time.perf_counter()
        await prepare(config, clock, user_ids)
        self.prep_seconds = time.perf_counter() - began
        self.running = await start_bot(config, clock=clock, poll_timeout=1)

    async def time_tick(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        await self.running.services.tick()
        took = time.perf_counter() - wall, time.process_time() - cpu
        # The tick wakes the outbox sender. Stopping it at that very moment can hang on Python
        # 3.11 (asyncio.wait_for swallows a cancel that arrives as its wait completes, and the
        # sender's loop goes on): let it settle first.
        await asyncio.sleep(1.0)
        return took

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()


BARE_KINDS = ("bare", "bare-concurrent", "bare-concurrent-rl")
KINDS = ("ours", *BARE_KINDS)


class Bare:
    """A bare PTB 22.8 bot: PTB's defaults (one update at a time, no rate limiter), or with
    `concurrent_updates(n)`, or with that and PTB's AIORateLimiter."""

    def __init__(self, args: argparse.Namespace, tmp: Path, kind: str = "bare") -> None:
        self.app: Any = None
        self.prep_seconds = 0.0
        self.errors = 0
        self.concurrency = args.bare_concurrency if kind != "bare" else None
        self.rate_limited = kind == "bare-concurrent-rl"

    def describe(self) -> str:
        if self.concurrency is None:
            return "PTB defaults: one update at a time, no rate limiter"
        limiter = ("AIORateLimiter(30/s overall, 20/min per group, 3 retries)"
                   if self.rate_limited else "no rate limiter")
        return f"concurrent_updates({self.concurrency}), {limiter}"

    async def start(self, url: str, user_ids: list[int]) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
        from telegram.ext import (
            AIORateLimiter,
            ApplicationBuilder,
            CallbackQueryHandler,
            CommandHandler,
        )

        def keyboard(number: int) -> InlineKeyboardMarkup:
            return InlineKeyboardMarkup([[
                InlineKeyboardButton(letter, callback_data=f"{number}:{i}")
                for i, letter in enumerate("ABCD")
            ]])

        async def on_start(update: Update, context: Any) -> None:
            assert update.effective_message is not None
            await update.effective_message.reply_text("Soal 1", reply_markup=keyboard(1))

        async def on_tap(update: Update, context: Any) -> None:
            query = update.callback_query
            assert query is not None and query.data is not None
            number = int(query.data.split(":")[0]) + 1
            await query.edit_message_text(f"Soal {number}", reply_markup=keyboard(number))
            await query.answer()

        async def on_error(update: object, context: Any) -> None:
            self.errors += 1  # counted, not logged: a traceback per stale answer costs CPU

        builder = ApplicationBuilder().token("123456:TEST-token").base_url(f"{url}/bot")
        if self.concurrency is not None:
            builder = builder.concurrent_updates(self.concurrency)
        if self.rate_limited:
            builder = builder.rate_limiter(AIORateLimiter(
                overall_max_rate=30, overall_time_period=1, group_max_rate=20,
                group_time_period=60, max_retries=3))
        self.app = builder.build()
        self.app.add_handler(CommandHandler("start", on_start))
        self.app.add_handler(CallbackQueryHandler(on_tap))
        self.app.add_error_handler(on_error)
        await self.app.initialize()
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0, timeout=1,
                                             allowed_updates=Update.ALL_TYPES)

    async def stop(self) -> None:
        if self.app is None:
            return
        if self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()


async def run_phase(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    cfg = {
        "n": args.n, "answers": args.answers, "think": args.think, "latency": args.latency,
        "seed": args.seed, "start_command": "/mulai" if kind == "ours" else "/start",
        "max_seconds": args.max_seconds if kind == "ours" else args.bare_max_seconds,
    }
    load = LoadProcess(kind)
    bot: Ours | Bare = Ours(args, tmp) if kind == "ours" else Bare(args, tmp, kind)
    try:
        hello = await load.start(SCRIPT, cfg)
        print(f"[{kind}] simulator up; preparing and starting the bot...", flush=True)
        await bot.start(hello["url"], hello["user_ids"])
        print(f"[{kind}] bot up (preparation {bot.prep_seconds:.1f} s); load running "
              f"(at most {cfg['max_seconds']:.0f} s)...", flush=True)
        cpu = time.process_time()
        result = await load.run()
        result["bot_cpu"] = time.process_time() - cpu
        result["prep_seconds"] = bot.prep_seconds
        if isinstance(bot, Ours):  # the 5-second tick's cost with N attempts in progress
            result["tick_wall"], result["tick_cpu"] = await bot.time_tick()
        if isinstance(bot, Bare):
            result["handler_errors"] = bot.errors
            result["config"] = bot.describe()
    finally:
        await load.say("FAST")
        began = time.perf_counter()
        await bot.stop()
        print(f"[{kind}] bot stopped in {time.perf_counter() - began:.1f} s", flush=True)
        await load.stop()
    return result


# ---- printing ------------------------------------------------------------------------------
def figures(r: dict[str, Any]) -> dict[str, Any]:
    answers = r["answers"]
    return {
        "q1_all": r["q1_all"],
        "rate": r["rate"],
        "p50": r["p50"], "p95": r["p95"], "p99": r["p99"],
        "cpu_per_answer": r["bot_cpu"] / answers if answers else None,
        "cpu_per_update": r["bot_cpu"] / (answers + r["with_q1"]) if answers else None,
        "429": r["status_429"],
    }


def report(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> None:
    print_setup(args)
    for kind, r in results.items():
        print_phase(args, kind, r)
    side_by_side(results)


def print_setup(args: argparse.Namespace) -> None:
    """The load, the ceiling and the machine (args: n, answers, think, latency, load_before)."""
    offered = args.n / args.think
    print()
    print(f"N={args.n} applicants, {args.answers} answers each, think {args.think:g} s "
          f"(+-50 %), Bot API latency {args.latency * 1000:.0f} ms, simulator rate limits on "
          f"(30 msg/s overall, 1 msg/s per private chat for sends)")
    print(f"offered rate N/think = {offered:.1f} answers/s; ceiling {CEILING:.0f} answers/s "
          f"(one edit per answer, edits and sends share the overall limit)")
    print(f"machine: {os.cpu_count()} CPUs, load average {args.load_before} before the run, "
          f"{load_average()} after")


def print_phase(args: argparse.Namespace, kind: str, r: dict[str, Any]) -> None:
    """One phase's figures (r: the load's result, with bot_cpu and prep_seconds added)."""
    offered = args.n / args.think
    f = figures(r)
    print()
    print(f"== {kind} ==" + ("  (stopped at the time limit)" if r["timed_out"] else ""))
    q1 = (fmt(f["q1_all"]) if f["q1_all"] is not None
          else f"not reached: {r['with_q1']}/{r['n']} had it after {r['wall']:.0f} s")
    print(f"  time until every applicant has question 1: {q1} (p50 {fmt(r['q1_p50'])})")
    print(f"  answers: {r['answers']} of {r['n'] * args.answers} planned; taps still waiting "
          f"at the end: {r['lost_taps']}; wall {r['wall']:.1f} s")
    rate = r["rate"]
    print(f"  answers/s: {fmt(rate, '', 1)} achieved vs {offered:.1f} offered "
          f"({ratio(rate, offered)}) vs {CEILING:.0f} ceiling ({ratio(rate, CEILING)})")
    print(f"  handled updates/s (starts + answers, GO to the last one): "
          f"{fmt(r['updates_rate'], '', 1)}")
    print(f"  tap -> updated question: p50 {fmt(f['p50'], 'ms', 0)}, "
          f"p95 {fmt(f['p95'], 'ms', 0)}, p99 {fmt(f['p99'], 'ms', 0)}, "
          f"max {fmt(r['max'], 'ms', 0)}")
    print(f"  bot CPU: {r['bot_cpu']:.2f} s total, {fmt(f['cpu_per_answer'], 'ms')} per "
          f"answer ({fmt(f['cpu_per_update'], 'ms')} per handled update incl. the start)")
    print(f"  429s: {r['status_429']} {r['status_429_by_method'] or ''}; callback answers "
          f"ok {r['callback_answers_ok']}, too old {r['callback_answers_too_old']}; "
          f"bot messages to people {r['bot_messages']}")
    print(f"  Bot API calls: {r['calls']} {r['by_method']}")
    if r["other_errors"]:
        print(f"  other Bot API errors: {r['other_errors']}")
    if r.get("log_counts"):
        print(f"  bot log records (WARNING+): {r['log_counts']}")
    if "handler_errors" in r:
        print(f"  handler errors (counted by a no-op error handler): {r['handler_errors']}")
    if "tick_cpu" in r:
        print(f"  one tick (runs every 5 s) with {r['with_q1']} tests in progress, after the "
              f"load: {fmt(r['tick_wall'], 'ms', 0)} wall, {fmt(r['tick_cpu'], 'ms', 0)} CPU")
    print(f"  harness (simulator + people, child process) CPU: {r['harness_cpu']:.1f} s; "
          f"preparation (untimed): {r['prep_seconds']:.1f} s")


def short(value: float | None) -> str:
    """A duration: milliseconds under a second, else seconds."""
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# (label, figure, higher is better, format); a figure None is "not reached" / not measured
ROWS: tuple[tuple[str, Any, bool, Any], ...] = (
    ("people who got question 1", lambda r, f: r["with_q1"], True,
     lambda v: f"{v}"),
    ("everyone has question 1", lambda r, f: f["q1_all"], False, short),
    ("answers/s", lambda r, f: f["rate"], True, lambda v: fmt(v, "", 1)),
    ("handled updates/s", lambda r, f: r["updates_rate"], True, lambda v: fmt(v, "", 1)),
    ("tap -> question p50", lambda r, f: f["p50"], False, short),
    ("tap -> question p95", lambda r, f: f["p95"], False, short),
    ("tap -> question p99", lambda r, f: f["p99"], False, short),
    ("taps still waiting at the end", lambda r, f: r["lost_taps"], False, str),
    ("callback answers too old", lambda r, f: r["callback_answers_too_old"], False, str),
    ("429s from the simulator", lambda r, f: r["status_429"], False, str),
    ("bot CPU per answer", lambda r, f: f["cpu_per_answer"], False,
     lambda v: fmt(v, "ms", 1)),
)


def served_everyone(r: dict[str, Any]) -> bool:
    """Every person got question 1 and every tap its answer, within the time limit."""
    return r["q1_all"] is not None and r["lost_taps"] == 0 and not r["timed_out"]


def side_by_side(results: dict[str, dict[str, Any]]) -> None:
    """Every phase in one table; ours against the best bare configuration for each figure
    (for times and counts the lowest, for rates the highest; ratios are ours / that one).
    The best is taken among the bare phases that served everyone: one that lost people (e.g.
    to 429s) has fast taps only because it served fewer of them."""
    bare = [k for k in BARE_KINDS if k in results]
    if len(results) < 2:
        return
    kinds = [k for k in KINDS if k in results]
    figs = {k: figures(results[k]) for k in kinds}
    complete = [k for k in bare if served_everyone(results[k])]
    contenders = complete or bare
    names = [k + ("" if served_everyone(results[k]) else "*") for k in kinds]
    table = [["", *names, "best bare", "ours / best"]]
    for label, get, higher, show in ROWS:
        values = {k: get(results[k], figs[k]) for k in kinds}
        cells = [label]
        for k in kinds:
            value = values[k]
            if label == "everyone has question 1" and value is None:
                r = results[k]
                cells.append(f"not in {r['wall']:.0f} s")
            else:
                cells.append(show(value) if value is not None else "—")
        known = [(values[k], k) for k in contenders if values[k] is not None]
        if known and "ours" in results:
            best_value = (max if higher else min)(value for value, _ in known)
            tied = [k for value, k in known if value == best_value]
            best_kind = "all" if len(tied) == len(contenders) > 1 else ", ".join(tied)
            ours = values["ours"]
            cells += [f"{show(best_value)} ({best_kind})",
                      ratio(ours, best_value) if ours is not None else "—"]
        else:
            cells += ["—", "—"]
        table.append(cells)
    print_table(f"side by side (N={results[kinds[0]]['n']})", table)
    if len(complete) < len(kinds) - ("ours" in results):
        print("  * did not serve everyone (someone never got question 1, or a tap was still "
              "waiting at the time limit): its latencies cover the people it served only"
              + ("" if complete else "; no bare phase did, so the best is taken among all"))
    for k in bare:
        print(f"  {k}: {results[k].get('config', '')}")


# ---- command line --------------------------------------------------------------------------
def parse_load(p: argparse.ArgumentParser, argv: list[str], n: tuple[int, int],
               answers: tuple[int, int]) -> argparse.Namespace:
    """Parse `argv` with the load's options added to `p` (which has --quick): --n and --answers
    (defaults `n` and `answers`, as (full, quick)), --think, --latency, --seed; checked. Also
    the machine's load average now, before the run (`load_before`)."""
    p.add_argument("--n", type=int, default=None,
                   help=f"applicants (default {n[0]}; quick {n[1]})")
    p.add_argument("--answers", type=int, default=None,
                   help=f"answers per person, at most 29 (default {answers[0]}; "
                        f"quick {answers[1]})")
    p.add_argument("--think", type=float, default=2.0, help="think time between answers, s")
    p.add_argument("--latency", type=float, default=0.1, help="Bot API latency per call, s")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.n is None:
        args.n = n[args.quick]
    if args.answers is None:
        args.answers = answers[args.quick]
    if not 1 <= args.answers <= 29:
        p.error("--answers must be 1-29 (each answer moves on to a new question)")
    if not 1 <= args.n <= 9999:
        p.error("--n must be 1-9999")
    args.load_before = load_average()
    return args


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--max-seconds", type=float, default=300.0,
                   help="time limit of the ours phase")
    p.add_argument("--bare-max-seconds", type=float, default=None,
                   help="time limit of each bare phase (default 120; quick 45)")
    p.add_argument("--bare-concurrency", type=int, default=32,
                   help="concurrent_updates of the concurrent bare phases (default 32)")
    p.add_argument("--only", default=None,
                   help=f"comma-separated phases, of {', '.join(KINDS)} (default all)")
    p.add_argument("--quick", action="store_true", help="N=200, 5 answers, shorter bare phase")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = parse_load(p, argv, n=(1000, 200), answers=(2, 5))
    if args.bare_max_seconds is None:
        args.bare_max_seconds = 45.0 if args.quick else 120.0
    args.only = args.only.split(",") if args.only else list(KINDS)
    if unknown := set(args.only) - set(KINDS):
        p.error(f"--only: unknown phases {sorted(unknown)} (known: {', '.join(KINDS)})")
    if args.bare_concurrency < 1:
        p.error("--bare-concurrency must be at least 1")
    return args


async def main(args: argparse.Namespace) -> None:
    with (tempfile.TemporaryDirectory(prefix="bench-") as name,
          bot_log(Path(name) / "bot.log") as counter):
        tmp = Path(name)
        results: dict[str, dict[str, Any]] = {}
        for kind in KINDS:
            if kind not in args.only:
                continue
            counter.counts = {}
            results[kind] = await run_phase(kind, args, tmp)
            results[kind]["log_counts"] = dict(counter.counts)
    report(args, results)


if __name__ == "__main__":
    load_process_or(lambda arguments: main(parse(arguments)))
