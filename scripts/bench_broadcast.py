"""Benchmark: a staff broadcast to N applicants under Telegram's limits with injected faults,
then the same broadcast with the bot killed halfway and restarted on the same database.

    .venv/bin/python scripts/bench_broadcast.py            # N=10,000: two runs of ~8 minutes
    .venv/bin/python scripts/bench_broadcast.py --quick    # N=2,000
    .venv/bin/python scripts/bench_broadcast.py --n 5000 --faults 0.05 --share-429 0.2

Everything runs in this process, as in tests/e2e/test_broadcasts.py: a `tgsim` Simulator over
HTTP on loopback with its limits on (Telegram's 30 messages/s overall, 1/s per private chat, 20/min
per group), and the real bot (`bot.runner.start_bot`: PTB 22.8 with
bot.ratelimit.ChatRateLimiter, the outbox sender at `settings.outbox_rate`, default 28/s), its
clock a ManualClock at 2023-11-10 10:00 WITA (inside the example recruitment's registration
window).

Each scenario gets a fresh simulator and a fresh database:

1. Preparation (not timed): a staff group with an administrator, and N people who have each
   started registering (status `registering`, the `belum_kirim` segment). By default the N
   applicants and applications are written in ONE transaction with the storage functions the
   services use (`storage.applicants.upsert_seen`, `storage.registrations.start_application`,
   after checking once that registration is open): seconds instead of minutes. `--via-services`
   goes through `services.applicants.seen` + `services.registration.begin` per person instead
   (two write transactions each, as the end-to-end test does).
2. The administrator sends `/siaran belum_kirim <text>` in the group, checks the preview says N
   recipients, and taps the send button. The clock starts at the tap and stops when the last
   recipient has the message.
3. Fault injection (the broadcast's own sends only): a share `--faults` (default 5 %) of the
   bot's sendMessage calls to recipients is answered with an error, of which a share
   `--share-429` (default 0.5) is 429 "retry after `--retry-after` s" (default 1) and the rest
   500/502. This replaces the simulator's `Faults` object with a subclass that draws ONE random
   number per send (seeded, `--seed`), so both shares are exact in expectation: the base
   `Faults.error_rate` would also fail the group's getUpdates, edits and the button tap, and
   `force_429(n)` only fails the next n sends in a row. 429s the simulator's own limits produce
   (the bot sending faster than it allows) come on top and are counted separately.
4. Restart scenario: once N/2 recipients have their copy, the running bot is stopped
   (`await running.stop()`: polling, outbox, database) and a new one started on the same
   database; printed: how long the stop and the start took, and the gap in deliveries. If
   `stop()` raises or takes over 60 s, the error is printed and what it left running is torn
   down by hand (polling, Application, database connections closed, as a crash would), then
   the restart goes ahead. For each duplicated recipient (the first five): when each copy
   arrived relative to the stop, and the outbox row.

Figures per scenario: recipients; wall time (tap -> last delivery); messages/s and its ratio to
the configured ceiling (`outbox_rate`) and to Telegram's 30/s; lost (recipients with no copy) and
duplicated (recipients with more than one), both must be 0; 429 and 5xx answers from
`sim.calls` (to the broadcast's sends: injected vs the simulator's limits; to anything else);
the outbox rows' final states; the group's last progress message. Exit status 1 if anything was
lost or duplicated or `stop()` failed. A line `RESULT {json}` at the end has every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, handlers, storage, tgsim)
    sys.path.insert(0, str(ROOT))

from bench_broadcast_sim import TEXT, BenchSimulator, BroadcastFaults  # noqa: E402
from bench_common import Counter  # noqa: E402

from tgsim import Limits, SimMessage, Simulator  # noqa: E402

if TYPE_CHECKING:
    from bot.config import Config
    from bot.runner import RunningBot
    from tgsim import SimChat, SimUser

TOKEN = "123456:TEST-token"
WITA = ZoneInfo("Asia/Makassar")
DURING_REGISTRATION = datetime(2023, 11, 10, 10, 0, tzinfo=WITA)
TELEGRAM_CEILING = 30.0  # tgsim Limits().global_per_sec: Telegram's ~30 messages/s overall
STOP_TIMEOUT = 60.0  # seconds RunningBot.stop() may take before it counts as hung


# ---- the bot side ---------------------------------------------------------------------------
def make_config(sim: Simulator, db_path: Path, staff_chat_id: int, outbox_rate: float
                ) -> Config:
    from bot.config import Config, Settings
    from bot.recruitment import load_recruitment

    recruitment_file = ROOT / "recruitment.example.yaml"
    settings = Settings(_env_file=None, bot_token=TOKEN, bot_api_base_url=sim.base_url,  # type: ignore[call-arg]
                        database_path=db_path, recruitment_file=recruitment_file,
                        staff_chat_id=staff_chat_id, outbox_rate=outbox_rate)
    return Config(settings, load_recruitment(recruitment_file))


async def prepare(running: RunningBot, people: list[SimUser], via_services: bool) -> None:
    """N applicants, each with an application in `registering` (segment belum_kirim)."""
    from bot import texts
    from storage import applicants as applicant_store
    from storage import registrations as registration_store

    services = running.services
    if via_services:
        for person in people:
            applicant = await services.applicants.seen(person.id, None, "id")
            await services.registration.begin(applicant.id)
        return
    state = await services.registration.window()
    if state != "open":
        raise SystemExit(f"registration is {state!r} at the bot's clock; expected 'open'")
    now, code = services.clock.now(), services.config.recruitment.code
    language = texts.normalise_language("id")
    async with services.db.write() as conn:
        for person in people:
            applicant = await applicant_store.upsert_seen(conn, person.id, None, language, now)
            await registration_store.start_application(conn, applicant.id, code, now)


async def ask(staff: SimUser, group: SimChat, command: str) -> SimMessage:
    """Send a command in the group and return the bot's first reply there."""
    before = len(staff.messages(chat=group))
    await staff.send(command, chat=group)
    await staff.wait_for(lambda: any(m.from_bot for m in staff.messages(chat=group)[before:]),
                         timeout=30)
    return next(m for m in staff.messages(chat=group)[before:] if m.from_bot)


@dataclass
class Outcome:
    scenario: str
    recipients: int
    prepare_s: float = 0.0
    wall_s: float = 0.0
    first_delivery_s: float = 0.0  # tap -> first copy (includes queueing N outbox rows)
    msgs_per_s: float = 0.0
    steady_msgs_per_s: float = 0.0  # (N-1) / (first copy -> last copy)
    ratio_outbox_rate: float = 0.0
    ratio_telegram: float = 0.0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    send_calls: int = 0
    send_429_injected: int = 0
    send_429_limits: int = 0
    send_5xx: int = 0
    other_429: int = 0
    other_5xx: int = 0
    other_errors: dict[str, int] = field(default_factory=dict)
    outbox_rows: dict[str, int] = field(default_factory=dict)
    progress: str = ""
    warnings: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)  # the first few, explained
    # restart scenario only
    delivered_at_kill: int | None = None
    delivered_after_stop: int | None = None
    stop_s: float | None = None
    start_s: float | None = None
    delivery_gap_s: float | None = None
    stop_error: str | None = None  # RunningBot.stop() raised: torn down piece by piece


async def reporter(sim: BenchSimulator, n: int, t0: float) -> None:
    while True:
        await asyncio.sleep(30)
        got = len(sim.delivered_at)
        elapsed = time.perf_counter() - t0
        print(f"    ... {got:,} / {n:,} delivered after {elapsed:.0f} s "
              f"({got / elapsed:.1f}/s)", flush=True)


async def scenario(args: argparse.Namespace, kill_halfway: bool, counter: Counter) -> Outcome:
    from bot.clock import ManualClock
    from bot.runner import start_bot
    from storage import broadcasts as broadcast_store

    n = args.n
    name = "killed halfway + restarted" if kill_halfway else "uninterrupted"
    out = Outcome(name, n)
    counter.counts.clear()
    started: list[RunningBot] = []
    sim = BenchSimulator(token=TOKEN, limits=Limits(enabled=True))
    await sim.start()
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        try:
            bob = sim.user("Bob")
            group = sim.group("Panitia", members=[bob], admins=[bob])
            config = make_config(sim, Path(tmp) / "bot.sqlite3", group.chat_id, args.rate)
            clock = ManualClock(DURING_REGISTRATION)

            async def launch() -> RunningBot:
                running = await start_bot(config, clock=clock, poll_timeout=1)
                started.append(running)
                return running

            running = await launch()
            people = [sim.user(f"P{i}") for i in range(n)]
            t = time.perf_counter()
            await prepare(running, people, args.via_services)
            out.prepare_s = time.perf_counter() - t
            print(f"  [{name}] prepared {n:,} applicants in {out.prepare_s:.1f} s "
                  f"({'services' if args.via_services else 'one transaction'})", flush=True)

            preview = await ask(bob, group, f"/siaran belum_kirim {TEXT}")
            if f"{n} penerima" not in (preview.text or ""):
                raise SystemExit(f"unexpected preview: {preview.text!r}")
            sim.recipients = {p.id for p in people}
            faults = BroadcastFaults(args.seed, args.faults * (1 - args.share_429),
                                     args.faults * args.share_429, args.retry_after)
            sim.faults = faults
            since = len(sim.calls)
            faults.on = True
            t0 = time.perf_counter()
            progress_task = asyncio.create_task(reporter(sim, n, t0))
            try:
                await bob.click(f"📨 Kirim ke {n} penerima", message=preview, timeout=30)
                limit = 3 * n / min(args.rate, TELEGRAM_CEILING) + 120
                t_kill = t_stopped = None
                if kill_halfway:
                    await asyncio.wait_for(sim.half.wait(), timeout=limit)
                    out.delivered_at_kill = len(sim.delivered_at)
                    t_kill = time.perf_counter()
                    out.stop_error = await hard_stop(running)
                    t_stopped = time.perf_counter()
                    out.delivered_after_stop = len(sim.delivered_at)
                    running = await launch()
                    out.stop_s = t_stopped - t_kill
                    out.start_s = time.perf_counter() - t_stopped
                    print(f"  [{name}] stopped at {out.delivered_at_kill:,} delivered "
                          f"(stop {out.stop_s:.2f} s, start {out.start_s:.2f} s)", flush=True)
                await asyncio.wait_for(sim.done.wait(), timeout=limit)
            finally:
                progress_task.cancel()
            t_last = sim.delivered_at[-1]
            # Let the outbox settle, then give any duplicate time to show up.
            await asyncio.wait_for(running.outbox.idle.wait(), timeout=60)
            await asyncio.sleep(2)
            faults.on = False

            progress_msgs = [m for m in bob.messages(chat=group)
                             if m.from_bot and (m.text or "").startswith("Siaran")]
            if progress_msgs:
                with_done = progress_msgs[-1]
                with contextlib.suppress(TimeoutError):
                    await sim.wait_until(
                        lambda: (with_done.text or "").startswith("Siaran selesai"), within=15)
                out.progress = with_done.text or ""
            broadcast_id = await _last_broadcast(running)
            out.outbox_rows = await broadcast_store.delivery(running.services.db.reader,
                                                             broadcast_id)

            out.delivered = len(sim.delivered_at)
            out.wall_s = t_last - t0
            out.first_delivery_s = sim.delivered_at[0] - t0
            out.msgs_per_s = n / out.wall_s
            span = t_last - sim.delivered_at[0]
            out.steady_msgs_per_s = (n - 1) / span if span > 0 else 0.0
            out.ratio_outbox_rate = out.msgs_per_s / args.rate
            out.ratio_telegram = out.msgs_per_s / TELEGRAM_CEILING
            out.lost = sum(1 for p in people if not sim.copies.get(p.id))
            doubled = [p.id for p in people if len(sim.copies.get(p.id, ())) > 1]
            out.duplicated = len(doubled)
            for chat_id in doubled[:5]:
                out.duplicates.append(await _explain(running, chat_id, sim.copies[chat_id],
                                                     t0, t_kill, t_stopped))
            if kill_halfway and out.delivered_after_stop is not None:
                before = sim.delivered_at[out.delivered_after_stop - 1]
                after = sim.delivered_at[out.delivered_after_stop] if (
                    out.delivered_after_stop < n) else before
                out.delivery_gap_s = after - before
            _count_calls(out, sim, since, faults)
            out.warnings = dict(counter.counts)
        finally:
            for bot in started:
                if bot.app.running:
                    await hard_stop(bot)
            await sim.stop()
    return out


async def hard_stop(running: RunningBot) -> str | None:
    """`await running.stop()`; if that raises, report it and tear down what it left running
    (polling, the Application, the database connections), as a crash would."""
    try:
        await asyncio.wait_for(running.stop(), timeout=STOP_TIMEOUT)
        return None
    except TimeoutError:
        error = f"stop() did not return within {STOP_TIMEOUT:g} s"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    print(f"  !! {error}; tearing down by hand", flush=True)
    updater = running.app.updater
    steps = [
        updater.stop() if updater is not None and updater.running else None,
        running.app.stop() if running.app.running else None,
        running.app.shutdown(),
        running.services.db.close(),  # closing rolls back a transaction left open
    ]
    for step in steps:
        if step is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(step, timeout=10)
    return error


async def _explain(running: RunningBot, chat_id: int, copies: list[float], t0: float,
                   t_kill: float | None, t_stopped: float | None) -> str:
    """When each copy arrived (seconds after the tap, and relative to the stop) and what the
    outbox row says."""
    parts = []
    for at in copies:
        where = ""
        if t_kill is not None and t_stopped is not None:
            if at < t_kill:
                where = " before the stop"
            elif at <= t_stopped:
                where = f" during the stop (+{at - t_kill:.2f} s; it returned at " \
                        f"+{t_stopped - t_kill:.2f} s)"
            else:
                where = f" after the stop returned (+{at - t_stopped:.2f} s)"
        parts.append(f"{at - t0:.2f} s{where}")
    async with running.services.db.reader.execute(
        "SELECT status, attempts, last_error FROM outbox WHERE chat_id = ? "
        "AND broadcast_id IS NOT NULL", (chat_id,)
    ) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    return f"chat {chat_id}: copies at {'; '.join(parts)}; outbox row(s) {rows}"


async def _last_broadcast(running: RunningBot) -> int:
    async with running.services.db.reader.execute("SELECT max(id) FROM broadcasts") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] is not None
    return int(row[0])


def _count_calls(out: Outcome, sim: BenchSimulator, since: int, faults: BroadcastFaults
                 ) -> None:
    for call in sim.calls[since:]:
        chat = call.params.get("chat_id")
        to_recipient = call.method == "sendMessage" and isinstance(chat, int) and (
            chat in sim.recipients)
        if to_recipient:
            out.send_calls += 1
            if call.status == 429:
                out.send_429_limits += 1  # minus the injected ones below
            elif call.status >= 500:
                out.send_5xx += 1
        elif call.status == 429:
            out.other_429 += 1
        elif call.status >= 500:
            out.other_5xx += 1
        if call.status not in (200, 429) and call.status < 500:
            key = f"{call.method} {call.status}"
            out.other_errors[key] = out.other_errors.get(key, 0) + 1
    out.send_429_injected = faults.injected_429
    out.send_429_limits -= faults.injected_429


def show(out: Outcome, args: argparse.Namespace) -> None:
    ok = "OK" if out.lost == 0 and out.duplicated == 0 and not out.stop_error else "FAIL"
    errors = out.send_429_injected + out.send_429_limits + out.send_5xx
    share = errors / out.send_calls if out.send_calls else 0.0
    lines = [
        f"== {out.scenario}: {ok}",
        f"  recipients            {out.recipients:,}",
        f"  wall time             {out.wall_s:.1f} s (tap -> last delivery; first copy after "
        f"{out.first_delivery_s:.2f} s)",
        f"  messages/s            {out.msgs_per_s:.2f} overall, {out.steady_msgs_per_s:.2f} "
        f"first -> last copy",
        f"  vs ceiling            {out.ratio_outbox_rate:.3f} of outbox_rate {args.rate:g}/s, "
        f"{out.ratio_telegram:.3f} of Telegram's {TELEGRAM_CEILING:g}/s",
        f"  lost                  {out.lost}",
        f"  duplicated            {out.duplicated}",
        f"  sendMessage calls     {out.send_calls:,} to recipients; errors {errors:,} "
        f"({share:.1%} of answers)",
        f"    429                 {out.send_429_injected + out.send_429_limits:,} "
        f"({out.send_429_injected:,} injected, {out.send_429_limits:,} from the limits)",
        f"    5xx                 {out.send_5xx:,} (injected)",
        f"  other calls           429: {out.other_429}, 5xx: {out.other_5xx}, "
        f"other errors: {out.other_errors or 'none'}",
        f"  outbox rows           {out.outbox_rows}",
        f"  progress message      {out.progress!r}",
    ]
    if out.stop_s is not None:
        lines += [
            f"  killed at             {out.delivered_at_kill:,} delivered "
            f"({out.delivered_after_stop:,} once the stop returned)",
            f"  restart               stop {out.stop_s:.2f} s + start {out.start_s:.2f} s = "
            f"{out.stop_s + (out.start_s or 0):.2f} s; gap between deliveries "
            f"{out.delivery_gap_s:.2f} s",
        ]
        if out.stop_error:
            lines.append(f"  stop() RAISED         {out.stop_error} (then torn down by hand)")
    for line in out.duplicates:
        lines.append(f"  duplicate             {line}")
    if out.warnings:
        lines.append(f"  bot log (WARNING+)    {out.warnings}")
    print("\n".join(lines), flush=True)


async def main_async(args: argparse.Namespace) -> int:
    counter = Counter()
    logging.basicConfig(level=logging.WARNING, handlers=[counter], force=True)
    if args.log:
        file_handler = logging.FileHandler(args.log)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s "
                                                    "%(message)s"))
        logging.getLogger().addHandler(file_handler)
    print(f"broadcast benchmark: N={args.n:,}, outbox_rate {args.rate:g}/s, simulator limits "
          f"on (30/s overall), injected faults {args.faults:.1%} of the broadcast's sends "
          f"({args.faults * args.share_429:.2%} 429 retry_after={args.retry_after} s, "
          f"{args.faults * (1 - args.share_429):.2%} 500/502), seed {args.seed}", flush=True)
    results = []
    for kill in (False, True)[(1 if args.only_restart else 0):(1 if args.only_plain else 2)]:
        out = await scenario(args, kill, counter)
        show(out, args)
        results.append(out)
    print("RESULT " + json.dumps({"n": args.n, "outbox_rate": args.rate, "faults": args.faults,
                                  "share_429": args.share_429, "seed": args.seed,
                                  "scenarios": [asdict(r) for r in results]}), flush=True)
    return 0 if all(r.lost == 0 and r.duplicated == 0 and not r.stop_error
                    for r in results) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="recipients (default 10000)")
    parser.add_argument("--quick", action="store_true", help="N=2000")
    parser.add_argument("--rate", type=float, default=None,
                        help="settings.outbox_rate (default: the setting's default, 28)")
    parser.add_argument("--faults", type=float, default=0.05,
                        help="share of the broadcast's sends answered 429/5xx (default 0.05)")
    parser.add_argument("--share-429", type=float, default=0.5,
                        help="share of those faults that are 429 (default 0.5)")
    parser.add_argument("--retry-after", type=int, default=1,
                        help="retry_after of injected 429s, seconds (default 1)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--via-services", action="store_true",
                        help="prepare applicants through the services (slow for large N)")
    parser.add_argument("--log", type=Path, default=None, help="write the bot's log here")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--only-plain", action="store_true", help="skip the restart scenario")
    only.add_argument("--only-restart", action="store_true",
                      help="skip the uninterrupted scenario")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 2000
    if args.rate is None:
        from bot.config import Settings

        args.rate = Settings.model_fields["outbox_rate"].default
    if args.n < 2 or not 0 <= args.faults < 1 or not 0 <= args.share_429 <= 1:
        parser.error("need --n >= 2, 0 <= --faults < 1, 0 <= --share-429 <= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
