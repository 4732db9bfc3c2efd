"""Benchmark: does the timed test keep an idle bot's latency while the staff group is flooded?

    .venv/bin/python scripts/bench_staff_burst.py            # 100 submissions in 120 s: ~6 min
    .venv/bin/python scripts/bench_staff_burst.py --quick    # 25 submissions in 30 s: ~2 min
    .venv/bin/python scripts/bench_staff_burst.py --only B,C --answers 10

The question: while 100 applications are submitted within two minutes, each posting to the
staff group (with the recruitment setting `review.group_cards: true` that is 3 documents + 1
card = 4 group messages; Telegram allows a group 20 messages a minute), do 50 applicants in the
timed test keep the latency of an idle bot?

Three scenarios, same harness as `scripts/bench_test.py` (whose pieces this script imports): each
with a fresh simulator in a child process (rate limits on with Telegram's defaults, `--latency`
seconds per Bot API call) and the real bot in this process (`bot.runner.start_bot`, its
ManualClock inside session S1), talking to the simulator over HTTP on loopback. The recruitment
file is the example's with `review.group_cards: true`, and `staff_chat_id` is a supergroup in the
simulator in which the bot is a member. Before the timed part (not timed): `--n` applicants who
passed and booked S1 (`bench_test.prepare`), and `--submissions` others whose registration is
complete but not submitted (`bot.fake_people.fill_registration`, with documents that exist in
the simulator: the KTP and the pasfoto as photos, the ijazah as a PDF, so each card goes out as
an album of 2 photos, a document and the card: 4 group messages in 3 Bot API requests).

At GO the `--n` applicants send /mulai and answer `--answers` questions each by tapping an
option on the question message, thinking `--think` s (+-50 %) in between
(`bench_common.run_load`); latency is tap -> updated question as observed in the simulator: the
question message edited or, where a question with a picture replaces a text one or back, the
new message (`bench_common.person` follows both). The
wait from /mulai to question 1 is measured too: a pause that falls on the start shows there.

- A "idle": nothing else happens.
- B "burst": from GO, the other applicants submit through the services
  (`RegistrationService.submit`, then `notify_outbox`, as the handler does; the handler's
  one-line reply to the applicant is not sent), evenly spread over `--burst-seconds`; each
  submission queues its group messages in the outbox. The simulator
  answers the first message to the group with a forced 429, retry_after 30 s
  (`sim.faults.force_429(1, retry_after=30, chat_id=<group>)`, set in the child process at GO);
  any other 429 comes from the simulator's own limits.
- C "burst, old limiter": as B, but the bot is built with PTB's
  AIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=3), the baseline this
  project replaced (`bot.app.ChatRateLimiter` patched in this process for that scenario). The
  outbox now passes `rate_limit_args={"priority": ...}`, which AIORateLimiter would take for a
  retry count (and fail on): the baseline ignores a dict there, as the old outbox passed none.

The recruitment file also allows the bundled bank (as the playground and the e2e tests do): a
scored test refuses it otherwise, and /mulai would give nobody a question (bench_test.py's own
recruitment file lacks this since the bundled bank was refused).

A run lasts until every applicant has finished (or `--max-seconds`) and the last submission is
in. Printed per scenario: /mulai -> question 1 (p50, slowest), taps, tap -> updated question
p50/p95/p99/max, callback answers Telegram refused as too old (the simulator, like Telegram,
refuses an answer to a query older than 15 s), taps never answered, group messages delivered
during the run against those queued (Telegram messages; Bot API requests in brackets), 429s by
chat kind (with when they came, for the group), the rate limiter's pauses (one chat or the whole
bot: bot.ratelimit's log; for AIORateLimiter, timed on its bot-wide event, which PTB sets again
as soon as any other request finishes, so its pause holds only when a 429 meets a quiet moment),
then a one-line verdict comparing B and C with A. Nothing here asserts on timing.

The full run's test takers answer 29 questions (about 70 s), so they see the forced 429 and the
moment the group's budget runs out, not the burst's second minute; --quick: 10 answers each,
25 submissions over 30 s (the same rate).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages, and scripts/ as a namespace package
    sys.path.insert(0, str(ROOT))

from scripts.bench_common import (  # noqa: E402
    TOKEN,
    WatchedSimulator,
    bot_log,
    call_stats,
    emit,
    fmt,
    load_process_or,
    ratio,
    run_load,
    wind_down,
)
from scripts.bench_test import (  # noqa: E402
    DURING_REGISTRATION,
    Ours,
    make_config,
    prepare,
    recruitment_file,
)

SCENARIOS = {
    "A": "idle: no staff traffic",
    "B": "burst: submissions to the staff group, ChatRateLimiter (this bot)",
    "C": "burst, old limiter: PTB's AIORateLimiter(30/s, 20/min per group, 3 retries)",
}
_HEADS = {"application/pdf": b"%PDF-1.4"}  # a document's first bytes
TOO_LATE = 15.0  # seconds: Telegram refuses an answer to an older callback query


# ---- the child: the simulator, the people, the staff group -----------------------------------
def make_documents(sim: Any, count: int) -> list[dict[str, list[Any]]]:
    """Per submitter, the three documents as files the simulator knows (the bot sends them on
    by file_id): KTP and pasfoto as Telegram photos, the ijazah as a PDF."""
    from tgsim.client import photo_sizes

    out = []
    for i in range(count):
        docs: dict[str, list[Any]] = {}
        for kind in ("ktp", "photo"):
            sizes = photo_sizes(sim, f"<{kind} jpeg of submitter {i}>".encode())
            full = sizes[-1]
            docs[kind] = [full["file_id"], full["file_unique_id"], "photo", full["file_size"],
                          None]
        name = f"ijazah{i}.pdf"
        pdf = sim.store_file(_HEADS["application/pdf"] + f" ijazah of submitter {i}".encode(),
                             "document", {"file_name": name, "mime_type": "application/pdf"})
        docs["ijazah"] = [pdf.file_id, pdf.file_unique_id, "application/pdf", pdf.size, name]
        out.append(docs)
    return out


def run_stats(sim: Any, since: int, go_epoch: float, group_id: int, group_before: int,
              taps: list[tuple[float, float]]) -> dict[str, Any]:
    """Everything since GO: Bot API calls, 429s by chat kind, what reached the group."""
    calls = sim.calls[since:]
    by_kind: dict[str, int] = {}
    group_429: list[tuple[float, str, int | None]] = []
    for call in calls:
        if call.status != 429:
            continue
        chat = call.params.get("chat_id")
        kind = ("group" if isinstance(chat, int) and chat < 0
                else "private" if isinstance(chat, int) else "no chat")
        by_kind[kind] = by_kind.get(kind, 0) + 1
        if kind == "group":
            retry = None
            if "retry after" in (call.error or ""):
                retry = int((call.error or "").rsplit(" ", 1)[-1])
            group_429.append((round(call.at - go_epoch, 1), call.method, retry))
    group_ok = [c for c in calls if c.status == 200 and c.params.get("chat_id") == group_id]
    slowest = sorted(taps, key=lambda t: -t[1])[:5]
    return {
        **call_stats(sim, since),
        "slowest_taps": [(round(at, 1), round(took, 2)) for at, took in slowest],
        "taps_over_1s": sum(1 for _, took in taps if took > 1.0),
        "429_by_kind": by_kind,
        "group_429": group_429,
        "group_requests_ok": len(group_ok),
        "group_messages": len(sim.sent_messages(group_id)) - group_before,
        "group_first_at": (round(min(c.at for c in group_ok) - go_epoch, 1)
                           if group_ok else None),
        "group_last_at": (round(max(c.at for c in group_ok) - go_epoch, 1)
                          if group_ok else None),
    }


async def child_main(cfg: dict[str, Any]) -> None:
    """As `bench_common.child_main`, plus the staff group, the submitters (with their files),
    the forced 429 at GO, and a STATS request once the parent's burst is over.

        child -> parent  {"url", "user_ids", "submitter_ids", "group_id", "documents"}
        parent -> child  GO            child -> parent  {"result": ...}  (the takers are done)
        parent -> child  STATS         child -> parent  {"stats": ...}   (the run is over)
        parent -> child  FAST ... STOP (as in bench_common)
    """
    from tgsim import Limits

    sim = WatchedSimulator(token=TOKEN, limits=Limits(enabled=True))
    await sim.start()
    takers = [sim.user(f"U{i}") for i in range(cfg["n"])]
    submitters = [sim.user(f"S{i}") for i in range(cfg["submissions"])]
    staff = sim.user("Rina")
    group = sim.group("Panitia", members=[staff], admins=[staff])
    emit({"url": sim.url, "user_ids": [u.id for u in takers],
          "submitter_ids": [u.id for u in submitters], "group_id": group.chat_id,
          "documents": make_documents(sim, len(submitters))})
    try:
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "GO":
            return
        if cfg["force_429"]:
            sim.faults.force_429(1, retry_after=30, chat_id=group.chat_id)
        since, go_epoch = len(sim.calls), sim.clock.time()
        group_before = len(sim.sent_messages(group.chat_id))
        result = await run_load(cfg, sim, takers)
        emit({"result": result})
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "STATS":
            return
        emit({"stats": run_stats(sim, since, go_epoch, group.chat_id, group_before,
                                 result["timeline"])})
        await wind_down(sim)
    finally:
        sim.faults.latency = 0.0
        await sim.stop()


# ---- the parent: the bot side ----------------------------------------------------------------
# The rate limiter's pauses during a scenario: (perf_counter at the start, seconds, scope).
PAUSES: list[tuple[float, float, str]] = []


class PauseEvent(asyncio.Event):
    """AIORateLimiter's bot-wide "no 429 pending" event, timed: cleared = every request waits.
    (PTB sets it again when *any* request finishes, so a pause lasts the full retry_after only
    if nothing else is in flight when it begins.)"""

    began: float | None = None

    def clear(self) -> None:
        if self.is_set():
            self.began = time.perf_counter()
        super().clear()

    def set(self) -> None:
        if not self.is_set() and self.began is not None:
            PAUSES.append((self.began, time.perf_counter() - self.began, "whole bot"))
            self.began = None
        super().set()


class PauseLog(logging.Handler):
    """bot.ratelimit's INFO record of each 429: which scope it paused, for how long."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("429 from Telegram") and isinstance(record.args, tuple):
            scope, seconds = record.args
            PAUSES.append((time.perf_counter(), float(seconds), str(scope).removeprefix("the ")))


@contextmanager
def pauses_logged() -> Iterator[None]:
    logger = logging.getLogger("bot.ratelimit")
    handler, level = PauseLog(), logger.level
    logger.setLevel(logging.INFO)  # the root's handlers take WARNING and above only
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def baseline_limiter(**_: Any) -> Any:
    """PTB's AIORateLimiter as this project used it before bot.ratelimit: a 429 anywhere
    pauses every request. Stands in for `ChatRateLimiter(...)` in bot.app.build_application."""
    from telegram.ext import AIORateLimiter

    class BaselineAIORateLimiter(AIORateLimiter):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._retry_after_event = PauseEvent()  # the same event, timed
            self._retry_after_event.set()

        async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any],
                                  endpoint: str, data: dict[str, Any],
                                  rate_limit_args: Any) -> Any:
            if isinstance(rate_limit_args, dict):  # today's outbox priorities: not a count
                rate_limit_args = None
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)

    return BaselineAIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=3)


@contextmanager
def old_limiter(active: bool) -> Iterator[None]:
    import bot.app

    saved = bot.app.ChatRateLimiter
    if active:
        bot.app.ChatRateLimiter = baseline_limiter  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        bot.app.ChatRateLimiter = saved  # type: ignore[misc]


def burst_recruitment_file(tmp: Path, n: int) -> Path:
    """bench_test's recruitment file (quota and S1 large enough), with cards in the group and
    the bundled bank allowed (as the playground and the e2e tests do: otherwise the scored
    test refuses to start, /mulai tells the applicant so and nobody gets a question)."""
    path = recruitment_file(tmp, n)
    data = yaml.safe_load(path.read_text())
    data["review"] = {**(data.get("review") or {}), "group_cards": True}
    data["test"] = {**data["test"], "allow_bundled_bank": True}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


async def prepare_submitters(config: Any, clock: Any, telegram_ids: list[int],
                             documents: list[dict[str, list[Any]]], first_serial: int
                             ) -> list[int]:
    """Complete registrations, not yet submitted, with documents the simulator has: their
    applicant ids."""
    from bot import fake_people
    from bot.services import Services
    from bot.services.registration import Upload
    from storage.db import Database

    db = await Database.open(config.settings.database_path)
    try:
        svc = Services.build(config, db, clock)
        ids: list[int] = []

        async def one(serial: int, telegram_id: int, docs: dict[str, list[Any]]) -> int:
            applicant = await svc.applicants.seen(telegram_id, None, "id")
            uploads = {kind: Upload(file_id, unique_id, media_type, size, file_name,
                                    _HEADS.get(media_type))
                       for kind, (file_id, unique_id, media_type, size, file_name)
                       in docs.items()}
            filled = await fake_people.fill_registration(svc, applicant.id,
                                                         fake_people.person(serial), uploads)
            assert filled, "registration is not open"
            return int(applicant.id)

        batch = 50
        for start in range(0, len(telegram_ids), batch):
            ids += await asyncio.gather(*(
                one(first_serial + start + i, uid, documents[start + i])
                for i, uid in enumerate(telegram_ids[start:start + batch])))
        return ids
    finally:
        await db.close()


class Staffed(Ours):
    """bench_test's `Ours` with a real staff group, group cards on, and the submitters."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        super().__init__(args, tmp)
        self.submitters: list[int] = []

    async def start_staffed(self, url: str, hello: dict[str, Any]) -> None:
        from bot.clock import ManualClock
        from bot.runner import start_bot

        takers, others = hello["user_ids"], hello["submitter_ids"]
        base = make_config(f"{url}/bot", self.tmp / "bot.sqlite3",
                           burst_recruitment_file(self.tmp, len(takers) + len(others)))
        settings = base.settings.model_copy(update={"staff_chat_id": hello["group_id"]})
        config = dataclasses.replace(base, settings=settings)
        clock = ManualClock(DURING_REGISTRATION)
        began = time.perf_counter()
        await prepare(config, clock, takers)  # leaves the clock inside S1, the outbox empty
        self.submitters = await prepare_submitters(config, clock, others, hello["documents"],
                                                   first_serial=len(takers) + 1)
        self.prep_seconds = time.perf_counter() - began
        self.running = await start_bot(config, clock=clock, poll_timeout=1)

    async def outbox_high_water(self) -> int:
        async with self.running.services.db.reader.execute(
                "SELECT COALESCE(MAX(id), 0) FROM outbox") as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def group_outbox(self, group_id: int, after_id: int) -> dict[str, Any]:
        """The group's outbox rows queued since GO, by status: requests and messages."""
        out: dict[str, Any] = {}
        async with self.running.services.db.reader.execute(
                "SELECT status, payload FROM outbox WHERE chat_id = ? AND id > ?",
                (group_id, after_id)) as cur:
            for status, payload in await cur.fetchall():
                body = json.loads(payload)
                messages = len(body["media"]) if body.get("method") == "media_group" else 1
                req, msg = out.get(status, (0, 0))
                out[status] = (req + 1, msg + messages)
        return out

    async def burst(self, go: float, count: int, seconds: float, log: dict[str, Any]) -> None:
        """`count` submissions evenly spread over `seconds` from `go`, as the submit button's
        handler makes them (submit, then wake the outbox)."""
        svc = self.running.services
        outcomes: dict[str, int] = {}
        took: list[float] = []
        for i, applicant_id in enumerate(self.submitters[:count]):
            due = go + i * seconds / count
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            began = time.perf_counter()
            outcome, _ = await svc.registration.submit(applicant_id)
            took.append(time.perf_counter() - began)
            svc.notify_outbox()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        log["outcomes"] = outcomes
        log["submit_p50"] = sorted(took)[len(took) // 2] if took else None
        log["submit_max"] = max(took) if took else None
        log["done_at"] = time.perf_counter() - go

    def release_old_limiter(self) -> None:
        """After measuring: let requests held by the old limiter's global pause go on (PTB's
        own event), so that stopping does not wait out a 30-60 s retry_after."""
        limiter = getattr(self.running.app.bot, "rate_limiter", None)
        event = getattr(limiter, "_retry_after_event", None)
        if event is not None:
            event.set()


async def run_scenario(name: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    burst = name in ("B", "C")
    cfg = {
        "n": args.n, "answers": args.answers, "think": args.think, "latency": args.latency,
        "seed": args.seed, "start_command": "/mulai", "max_seconds": args.max_seconds,
        "submissions": args.submissions, "force_429": burst and not args.no_forced_429,
    }
    (tmp / name).mkdir()
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--child", json.dumps(cfg),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 24)
    assert child.stdin is not None and child.stdout is not None
    bot = Staffed(args, tmp / name)

    async def say(word: str) -> None:
        assert child.stdin is not None
        child.stdin.write(f"{word}\n".encode())
        await child.stdin.drain()

    async def hear(key: str) -> Any:
        assert child.stdout is not None
        line = await child.stdout.readline()
        if not line:
            raise RuntimeError(f"[{name}] the load process died")
        return json.loads(line)[key]

    result: dict[str, Any] = {}
    PAUSES.clear()
    try:
        first = await child.stdout.readline()
        if not first:
            raise RuntimeError(f"[{name}] the load process did not start")
        hello = json.loads(first)
        print(f"[{name}] simulator up; preparing {args.n} test takers and "
              f"{args.submissions} submitters, starting the bot...", flush=True)
        with old_limiter(name == "C"):
            await bot.start_staffed(hello["url"], hello)
        limiter = type(bot.running.app.bot.rate_limiter).__name__
        print(f"[{name}] bot up (preparation {bot.prep_seconds:.1f} s, {limiter}); "
              f"{SCENARIOS[name]}; running...", flush=True)
        high_water = await bot.outbox_high_water()
        burst_log: dict[str, Any] = {}
        cpu = time.process_time()
        await say("GO")
        go = time.perf_counter()
        burst_task = (asyncio.create_task(bot.burst(go, args.submissions, args.burst_seconds,
                                                    burst_log)) if burst else None)
        with pauses_logged():
            result = await hear("result")
            takers_done = time.perf_counter() - go
            if burst_task is not None:
                await burst_task
        await say("STATS")
        stats = await hear("stats")
        result.update(stats)  # the whole run's call figures replace the takers' part
        result["group_outbox"] = await bot.group_outbox(hello["group_id"], high_water)
        result["run_seconds"] = time.perf_counter() - go
        result["takers_seconds"] = takers_done
        result["bot_cpu"] = time.process_time() - cpu
        result["burst"] = burst_log
        event = getattr(bot.running.app.bot.rate_limiter, "_retry_after_event", None)
        if isinstance(event, PauseEvent) and event.began is not None:  # still paused
            PAUSES.append((event.began, time.perf_counter() - event.began, "whole bot"))
        result["pauses"] = [(round(at - go, 1), round(length, 1), scope)
                            for at, length, scope in PAUSES]
        result["prep_seconds"] = bot.prep_seconds
        result["load"] = os.getloadavg()[0]  # another process competing for the CPU shows here
    finally:
        if child.returncode is None:
            await say("FAST")
        began = time.perf_counter()
        if bot.running is not None:
            bot.release_old_limiter()
            # Measuring is over: a group send held by the old limiter's retry_after is not
            # worth the outbox's 30 s grace (RunningBot.stop stops it again, a no-op then).
            await bot.running.outbox.stop(grace_seconds=2)
        await bot.stop()
        print(f"[{name}] bot stopped in {time.perf_counter() - began:.1f} s", flush=True)
        if child.returncode is None:
            await say("STOP")
            child.stdin.close()
            await child.wait()
    return result


# ---- printing --------------------------------------------------------------------------------
def delivered(r: dict[str, Any]) -> str:
    box = r["group_outbox"]
    queued = [sum(v[i] for v in box.values()) for i in (0, 1)]
    sent = box.get("sent", (0, 0))
    return (f"{r['group_messages']} of {queued[1]} queued ({r['group_requests_ok']} of "
            f"{queued[0]} requests; outbox: {sent[1]} sent, "
            f"{box.get('pending', (0, 0))[1]} pending"
            + "".join(f", {v[1]} {k}" for k, v in box.items() if k not in ("sent", "pending"))
            + ")")


def pauses(found: list[tuple[float, float, str]]) -> str:
    """The limiter's pauses by scope: how many, in all, the longest and when it began."""
    out = []
    for scope in ("whole bot", "one chat"):
        mine = [(at, length) for at, length, s in found if s == scope]
        if mine:
            at, longest = max(mine, key=lambda p: p[1])
            out.append(f"{scope} {len(mine)}x, {sum(p[1] for p in mine):.1f} s in all, "
                       f"longest {longest:.1f} s from {at:.1f} s")
        else:
            out.append(f"{scope} none")
    return "; ".join(out)


def keeps(r: dict[str, Any], idle: dict[str, Any]) -> tuple[bool, str]:
    """The idle latency kept: tap -> question p95 and p99 within 1.5x (or +250 ms) of A's, the
    slowest question 1 within 1.5x (or +1 s); nothing late or lost; everyone got question 1."""
    def near(key: str, slack: float = 0.25) -> bool:
        a, b = idle[key], r[key]
        return a is not None and b is not None and b <= max(1.5 * a, a + slack)

    late, lost = r["callback_answers_too_old"], r["lost_taps"]
    # The first question's wait varies from run to run by about a second at idle (50 first
    # messages at 30/s, some of them a picture uploaded for the first time): +1 s of slack.
    ok = (near("p95") and near("p99") and near("q1_last", 1.0) and not late and not lost
          and r["with_q1"] == r["n"])
    why = (f"tap p50 {ratio(r['p50'], idle['p50'])}, p95 {ratio(r['p95'], idle['p95'])}, "
           f"p99 {ratio(r['p99'], idle['p99'])}, max {ratio(r['max'], idle['max'])}, "
           f"slowest question 1 {ratio(r['q1_last'], idle['q1_last'])} of A's; "
           f"{late} late callback answers, {lost} taps unanswered")
    # Whether a whole-bot pause meets the test takers is a matter of timing: say so.
    for at, length, scope in r["pauses"]:
        if scope == "whole bot" and length >= 1.0:
            when = ("while the test was on" if at < r["takers_seconds"] else
                    f"after the test takers had finished at {r['takers_seconds']:.1f} s")
            why += f"; the whole bot paused {length:.1f} s from {at:.1f} s, {when}"
    return ok, why


def report(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> None:
    print()
    print(f"{args.n} test takers x {args.answers} answers, think {args.think:g} s (+-50 %); "
          f"Bot API latency {args.latency * 1000:.0f} ms; simulator limits on (30 msg/s overall, "
          f"20 msg/min per group); burst (B, C): {args.submissions} submissions over "
          f"{args.burst_seconds:g} s from GO, group_cards true, "
          + ("no forced 429" if args.no_forced_429 else "first group message answered 429 "
             "retry_after 30"))
    for name, r in results.items():
        print()
        print(f"== {name}: {SCENARIOS[name]} ==")
        print(f"  run {r['run_seconds']:.1f} s (takers done after {r['takers_seconds']:.1f} s"
              + (", stopped at --max-seconds" if r["timed_out"] else "") + f"); "
              f"{r['with_q1']}/{r['n']} got question 1 (all after {fmt(r['q1_all'])})")
        print(f"  /mulai -> question 1: p50 {fmt(r['q1_p50'], 'ms', 0)}, "
              f"max {fmt(r['q1_last'], 'ms', 0)}")
        print(f"  taps: {r['taps']}, answered {r['answers']}, never answered {r['lost_taps']}")
        print(f"  tap -> updated question: p50 {fmt(r['p50'], 'ms', 0)}, "
              f"p95 {fmt(r['p95'], 'ms', 0)}, p99 {fmt(r['p99'], 'ms', 0)}, "
              f"max {fmt(r['max'], 'ms', 0)}")
        print(f"  taps slower than 1 s: {r['taps_over_1s']}; slowest (tapped at s after GO: "
              f"took s): " + ", ".join(f"{at}: {took}" for at, took in r["slowest_taps"]))
        print(f"  callback answers: ok {r['callback_answers_ok']}, refused as too old "
              f"(> {TOO_LATE:g} s) {r['callback_answers_too_old']}")
        b = r["burst"]
        if b:
            print(f"  submissions: {b['outcomes']}, last at {b['done_at']:.1f} s; submit call "
                  f"p50 {fmt(b['submit_p50'], 'ms', 0)}, max {fmt(b['submit_max'], 'ms', 0)}")
        print(f"  group messages delivered during the run: {delivered(r)}"
              + (f"; first at {r['group_first_at']} s, last at {r['group_last_at']} s"
                 if r["group_first_at"] is not None else ""))
        kinds = r["429_by_kind"]
        print(f"  429s: {r['status_429']} (group {kinds.get('group', 0)}, private "
              f"{kinds.get('private', 0)}, no chat {kinds.get('no chat', 0)}) "
              f"{r['status_429_by_method'] or ''}")
        print(f"  limiter pauses: {pauses(r['pauses'])}")
        if r["group_429"]:
            shown = ", ".join(f"{t} s {m} retry {ra}" for t, m, ra in r["group_429"][:8])
            more = len(r["group_429"]) - 8
            print(f"  group 429s at (s after GO): {shown}" + (f", +{more} more" if more > 0
                                                              else ""))
        if r["other_errors"]:
            print(f"  other Bot API errors: {r['other_errors']}")
        if r.get("log_counts"):
            print(f"  bot log records (WARNING+): {r['log_counts']}")
        print(f"  bot CPU {r['bot_cpu']:.1f} s; harness CPU {r['harness_cpu']:.1f} s; "
              f"preparation (untimed) {r['prep_seconds']:.1f} s; machine load (1 min) at the "
              f"end {r['load']:.2f} on {os.cpu_count()} CPUs")
    if "A" in results:
        idle = results["A"]
        lines = []
        for name in ("B", "C"):
            if name in results:
                ok, why = keeps(results[name], idle)
                lines.append(f"{name} {'keeps' if ok else 'does NOT keep'} A's latency ({why})")
        if lines:
            print()
            print("verdict: " + "; ".join(lines)
                  + ". (Kept: tap p95 and p99 within 1.5x or +250 ms of A's, the slowest"
                  " /mulai -> question 1 within 1.5x or +1 s, no callback answer late, no tap"
                  " unanswered.)")


# ---- command line ----------------------------------------------------------------------------
def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--n", type=int, default=50, help="applicants taking the test (50)")
    p.add_argument("--answers", type=int, default=None,
                   help="answers per test taker, at most 29 (default 29; quick 10)")
    p.add_argument("--think", type=float, default=2.0, help="think time between answers, s")
    p.add_argument("--submissions", type=int, default=None,
                   help="submissions in the burst (default 100; quick 25)")
    p.add_argument("--burst-seconds", type=float, default=None,
                   help="the burst's length, s (default 120; quick 30)")
    p.add_argument("--latency", type=float, default=0.1, help="Bot API latency per call, s")
    p.add_argument("--max-seconds", type=float, default=None,
                   help="time limit for the test takers (default 240; quick 75)")
    p.add_argument("--only", default="A,B,C", help="scenarios to run, e.g. A,C")
    p.add_argument("--no-forced-429", action="store_true",
                   help="no forced 429: only the simulator's own limits")
    p.add_argument("--quick", action="store_true",
                   help="10 answers each; 25 submissions over 30 s (the same rate)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    args.answers = args.answers or (10 if args.quick else 29)
    args.submissions = args.submissions or (25 if args.quick else 100)
    args.burst_seconds = args.burst_seconds or (30.0 if args.quick else 120.0)
    args.max_seconds = args.max_seconds or (75.0 if args.quick else 240.0)
    args.only = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    if not set(args.only) <= set(SCENARIOS):
        p.error("--only takes A, B and/or C")
    if not 1 <= args.answers <= 29:
        p.error("--answers must be 1-29 (each answer moves on to a new question)")
    if args.n < 1 or args.submissions < 1 or args.n + args.submissions > 9999:
        p.error("--n and --submissions: at least 1, at most 9999 together")
    return args


async def main(args: argparse.Namespace) -> None:
    with (tempfile.TemporaryDirectory(prefix="bench-burst-") as name,
          bot_log(Path(name) / "bot.log") as counter):
        tmp = Path(name)
        results: dict[str, dict[str, Any]] = {}
        began = time.perf_counter()
        for scenario in args.only:
            counter.counts = {}
            results[scenario] = await run_scenario(scenario, args, tmp)
            results[scenario]["log_counts"] = dict(counter.counts)
    report(args, results)
    print(f"\n(total wall time {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    load_process_or(lambda arguments: main(parse(arguments)), child_main)
