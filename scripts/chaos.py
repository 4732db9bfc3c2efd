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

The code: scripts/chaos_world.py holds the run's shape, the faulty simulator and the bot process;
scripts/chaos_people.py the run's state, the kills at people's moments and the simulated people
(applicants, reviewers, the committee); scripts/chaos_checks.py the invariants and the report;
this file parses the arguments and runs the phases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, tgsim) and scripts/
    sys.path.insert(0, str(ROOT))

from scripts.chaos_checks import check, report  # noqa: E402
from scripts.chaos_people import (  # noqa: E402
    Committee,
    Journey,
    Reviewer,
    Run,
    make_applicant,
    parse_time,
)
from scripts.chaos_world import TOKEN, BotProcess, say, shape  # noqa: E402


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
