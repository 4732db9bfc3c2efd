"""Benchmark: the timed test's answer path with one and two bot processes on PostgreSQL, beside one
process on SQLite (issue 17).

    .venv/bin/python scripts/bench_processes.py            # N=200, 10 answers each: about 5 min
    .venv/bin/python scripts/bench_processes.py --quick    # N=60, 5 answers each: about 70 s
    .venv/bin/python scripts/bench_processes.py --quick --repeat 3    # medians of 3 runs each
    .venv/bin/python scripts/bench_processes.py --n 200 --answers 5 --think 10  # below the ceiling
    .venv/bin/python scripts/bench_processes.py --only sqlite-1,pg-3   # any pg-<k>

The load is scripts/bench_test.py's (its "ours" phase), in the same harness: N applicants who
passed the administrative check and booked session S1, prepared through the services before the
timed part (not timed); each sends /mulai, then answers `--answers` questions by tapping an
option button, thinking `--think` seconds (+-50 %) between answers; the simulator (a child
process, `scripts.bench_common.child_main`: Telegram's rate limits on, `--latency` per Bot API
call) records when each person sees the next question. What differs is the bot, run as a
deployment runs it: `python -m bot` processes, settings in the environment, in webhook mode,
each on its own port behind one URL (`tgsim.balancer.Balancer`, in this process: each POST to
one of them at random, as nginx would), each update stored in the inbox and each chat served by
one process at a time (bot/inbox.py). Phases, each on a fresh database:

- sqlite-1: one process on a SQLite file;
- pg-1: one process on PostgreSQL (a throwaway cluster, tests/pgcluster.py: fsync off);
- pg-2: two processes on the same PostgreSQL database, which share Telegram's limits for the
  bot (each paces itself to half of them once it sees the other: measuring starts then).

The processes read the real clock, so the recruitment file is the one bench_test writes, moved
in time so that the real now is where bench_test sets its ManualClock (5 minutes into S1); the
applicants are prepared at the moved "during registration" instant with a ManualClock. Every
phase has the same DRAW_SECRET, so each database draws the same forms (picture questions,
which cost more, come as often in each). The simulator delivers webhook updates one POST at a
time (Telegram opens up to 40 connections), through the balancer, each answered once the
update is stored: that round trip bounds the updates/s, far above the 30/s here.

Figures per phase, as bench_test prints them (time until everyone has question 1, answers/s
against the offered rate and the ceiling of 30 edits/s, tap -> next question p50/p95/p99 as the
person sees it, 429s, late callback answers), with the CPU of the bot processes themselves
(/proc/<pid>/stat, user + system, from GO to the last answer: everything they did meanwhile,
the inbox, the heartbeat and the 5-second tick included) per answer, and for PostgreSQL also
the database server's CPU (all its processes) per answer, since on SQLite that work is inside
the bot process. Then a side-by-side table. Nothing here asserts on timing. The machine's load
average is printed before and after: other work on the machine shares its cores, and moves
the tails (p95, p99) and the CPU per answer from run to run; `--repeat K` runs the phases K
times in turns and the table gives each figure's median, with the lowest and the highest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any

import yaml

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
if str(ROOT) not in sys.path:  # the project's packages (bot, storage, tgsim) and tests/
    sys.path.insert(0, str(ROOT))

from scripts.bench_common import (  # noqa: E402
    TOKEN,
    LoadProcess,
    cpu_seconds,
    fmt,
    load_process_or,
    print_table,
    ratio,
)
from scripts.bench_test import (  # noqa: E402
    CEILING,
    DURING_REGISTRATION,
    INSIDE_S1,
    ROWS,
    WITA,
    figures,
    make_config,
    parse_load,
    prepare,
    print_phase,
    print_setup,
    recruitment_file,
)
from tgsim.balancer import Balancer  # noqa: E402

SECRET = "bench-processes-webhook-secret-0123456789"
# The key of every form's seed, the same in every phase: each database draws the same forms
# (how many picture questions, which cost more, is then no difference between phases).
DRAW_SECRET = "bench-processes-draw-secret"
PHASES = ("sqlite-1", "pg-1", "pg-2")


# ---- the recruitment, around the real now --------------------------------------------------
@dataclass
class Moved:
    path: Path
    during: datetime  # bench_test's DURING_REGISTRATION, moved: when the applicants register
    inside: datetime  # its INSIDE_S1, moved: the real now when the file was written


def moved_recruitment(tmp: Path, n: int) -> Moved:
    """bench_test's recruitment file with every stage and session moved by the same amount,
    so that the real now is 5 minutes into S1 (2 hours long: every phase fits in it)."""
    path = recruitment_file(tmp, n)
    now = datetime.now(WITA).replace(microsecond=0)
    shift = now - INSIDE_S1
    data = yaml.safe_load(path.read_text())

    def move(value: Any, end: bool = False) -> str:
        if isinstance(value, datetime):
            at = value
        elif isinstance(value, date):  # a whole day: from its first to its last second
            at = datetime.combine(value, day_time.max if end else day_time.min)
        else:
            at = datetime.fromisoformat(str(value))
        return (at + shift).strftime("%Y-%m-%d %H:%M:%S")

    for name, stage in data["stages"].items():
        data["stages"][name] = ({"start": move(stage["start"]), "end": move(stage["end"], True)}
                                if isinstance(stage, dict) else move(stage))
    for session in data["sessions"]:
        session["start"], session["end"] = move(session["start"]), move(session["end"], True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return Moved(path, DURING_REGISTRATION + shift, now)


# ---- the bot processes -----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kind_of(phase: str) -> tuple[str, int]:
    """The engine and the number of processes: pg-2 -> ("pg", 2)."""
    engine, _, count = phase.partition("-")
    return engine, int(count)


class Processes:
    """`count` bot processes (`python -m bot`, webhook mode) behind one balancer."""

    def __init__(self, phase: str, tmp: Path, seed: int) -> None:
        self.phase, self.tmp = phase, tmp
        self.balancer = Balancer(seed)
        self.procs: list[asyncio.subprocess.Process] = []
        self.ports: list[int] = []
        self.logs: list[Path] = []

    async def start(self, count: int, sim_url: str, recruitment: Path,
                    database: dict[str, str]) -> None:
        await self.balancer.start()
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
        base = {k: v for k, v in os.environ.items() if k in keep}
        for i in range(count):
            port = free_port()
            env = {**base, **database, "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": f"{sim_url}/bot",
                   "BOT_MODE": "webhook", "WEBHOOK_URL": self.balancer.url,
                   "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1",
                   "WEBHOOK_PORT": str(port), "STAFF_CHAT_ID": "-1001",
                   "RECRUITMENT_FILE": str(recruitment), "DRAW_SECRET": DRAW_SECRET,
                   "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
            log = self.tmp / f"{self.phase}-{i + 1}.log"
            with log.open("ab") as out:  # the child keeps its own copy
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", env=env, cwd=self.tmp,
                    stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
            self.procs.append(proc)
            self.ports.append(port)
            self.logs.append(log)
            await self.balancer.add(port, proc, within=60)
        await self.settled(count)

    async def settled(self, count: int, within: float = 60.0) -> None:
        """Every process has finished its start (the runner's "is running" line) and, with
        several, sees them all (so each paces itself to its share of Telegram's limits: a
        process learns of a newer one at its next heartbeat, within CLAIM_LEASE_SECONDS / 3)."""
        wanted = ["is running"] + ([f"alive on this database: {count}"] if count > 1 else [])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not all(all(w in log.read_text(errors="replace") for w in wanted)
                      for log in self.logs):
            for proc in self.procs:
                if proc.returncode is not None:
                    raise RuntimeError(f"{self.phase}: a bot process exited "
                                       f"({proc.returncode}):\n{self.tails()}")
            if loop.time() > deadline:
                raise RuntimeError(f"{self.phase}: the processes did not settle within "
                                   f"{within:.0f} s:\n{self.tails()}")
            await asyncio.sleep(0.2)

    def tails(self, lines: int = 15) -> str:
        """The end of each process's log (the folder goes when the run ends)."""
        return "\n".join(f"-- {log.name}\n" + "\n".join(
            log.read_text(errors="replace").splitlines()[-lines:]) for log in self.logs)

    def cpu(self) -> list[float]:
        return [cpu_seconds(proc.pid) for proc in self.procs]

    async def stop(self) -> float:
        """SIGTERM to each, as systemd would (killed after 30 s); the seconds it took."""
        began = time.perf_counter()
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                async with asyncio.timeout(30):
                    await proc.wait()
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await self.balancer.stop()
        return time.perf_counter() - began

    def log_counts(self) -> dict[str, int]:
        """The processes' log records at WARNING and above, by level and logger."""
        counts: dict[str, int] = {}
        for log in self.logs:
            for line in log.read_text(errors="replace").splitlines():
                parts = line.split(" ", 4)  # date time LEVEL logger: message
                if len(parts) == 5 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
                    key = f"{parts[2]} {parts[3].rstrip(':')}"
                    counts[key] = counts.get(key, 0) + 1
        return counts


# ---- PostgreSQL --------------------------------------------------------------------------
def server_cpu(cluster: Any) -> float:
    """The CPU time of the whole PostgreSQL server: the postmaster, the processes it runs now
    (a backend per connection, the background writers) and those that have ended."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster, reaped=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                total += cpu_seconds(int(stat.parent.name))
    return total


@contextlib.contextmanager
def maybe_cluster(wanted: bool) -> Iterator[Any]:
    """A throwaway PostgreSQL cluster when a phase needs one; None without one (said why)."""
    if not wanted:
        yield None
        return
    from tests.pgcluster import PgUnavailable, running_cluster

    try:
        with running_cluster() as cluster:
            print(f"PostgreSQL cluster up in {cluster.startup_seconds:.1f} s "
                  f"({cluster.bindir})", flush=True)
            yield cluster
    except PgUnavailable as exc:
        print(f"PostgreSQL phases skipped: {exc}", flush=True)
        yield None


# ---- one phase -----------------------------------------------------------------------------
async def run_phase(label: str, phase: str, args: argparse.Namespace, tmp: Path, moved: Moved,
                    cluster: Any) -> dict[str, Any]:
    """One run of `phase` (sqlite-1, pg-<k>), named `label` in messages and file names."""
    from bot.clock import ManualClock

    engine, count = kind_of(phase)
    cfg = {"n": args.n, "answers": args.answers, "think": args.think, "latency": args.latency,
           "seed": args.seed, "start_command": "/mulai", "max_seconds": args.max_seconds}
    load = LoadProcess(label)
    bots = Processes(label, tmp, args.seed)
    try:
        hello = await load.start(SCRIPT, cfg)
        if engine == "pg":
            dsn = cluster.create_database()
            database, extra = {"DATABASE_URL": dsn}, {"database_url": dsn}
        else:
            database, extra = {"DATABASE_PATH": str(tmp / f"{label}.sqlite3")}, {}
        print(f"[{label}] simulator up; preparing {args.n} applicants...", flush=True)
        config = make_config(f"{hello['url']}/bot", tmp / f"{label}.sqlite3", moved.path,
                             draw_secret=DRAW_SECRET, **extra)
        began = time.perf_counter()
        await prepare(config, ManualClock(moved.during), hello["user_ids"], moved.during,
                      moved.inside)
        prep_seconds = time.perf_counter() - began
        began = time.perf_counter()
        await bots.start(count, hello["url"], moved.path, database)
        up_seconds = time.perf_counter() - began
        print(f"[{label}] {count} bot process{'es' if count > 1 else ''} up and settled in "
              f"{up_seconds:.1f} s (preparation {prep_seconds:.1f} s); load running "
              f"(at most {args.max_seconds:.0f} s)...", flush=True)
        bot_cpu, db_cpu = bots.cpu(), server_cpu(cluster) if engine == "pg" else 0.0
        own_cpu = time.process_time()
        result = await load.run()
        own_cpu = time.process_time() - own_cpu
        bot_cpu = [after - before for after, before in zip(bots.cpu(), bot_cpu, strict=True)]
        db_cpu = server_cpu(cluster) - db_cpu if engine == "pg" else 0.0
        result.update(bot_cpu=sum(bot_cpu), process_cpu=bot_cpu, server_cpu=db_cpu,
                      balancer_cpu=own_cpu, prep_seconds=prep_seconds, up_seconds=up_seconds,
                      engine=engine, processes=count,
                      served=[bots.balancer.served[port] for port in bots.ports])
    finally:
        await load.say("FAST")  # no latency, no limits: the bots get through what is left
        stopped = await bots.stop()
        print(f"[{label}] bot processes stopped in {stopped:.1f} s", flush=True)
        await load.stop()
    result["log_counts"] = bots.log_counts()
    return result


# ---- printing ------------------------------------------------------------------------------
def per_answer(seconds: float, r: dict[str, Any]) -> float | None:
    return seconds / r["answers"] if r["answers"] else None


def print_processes(r: dict[str, Any]) -> None:
    """What bench_test's phase lines do not say: each process, the database server."""
    each = ", ".join(f"{cpu:.2f} s CPU / {posts} POSTs"
                     for cpu, posts in zip(r["process_cpu"], r["served"], strict=True))
    print(f"  bot processes: {r['processes']} on {r['engine']} ({each}); up and settled in "
          f"{r['up_seconds']:.1f} s")
    if r["engine"] == "pg":
        print(f"  PostgreSQL server CPU: {r['server_cpu']:.2f} s, "
              f"{fmt(per_answer(r['server_cpu'], r), 'ms')} per answer; bot + server "
              f"{fmt(per_answer(r['bot_cpu'] + r['server_cpu'], r), 'ms')} per answer")
    print(f"  balancer (this process) CPU: {r['balancer_cpu']:.1f} s")


EXTRA_ROWS: tuple[tuple[str, Any, bool, Any], ...] = (
    ("answers/s / ceiling", lambda r, f: f["rate"] / CEILING if f["rate"] else None, True,
     lambda v: f"{v:.2f}"),
    ("PostgreSQL server CPU per answer",
     lambda r, f: per_answer(r["server_cpu"], r) if r["engine"] == "pg" else None, False,
     lambda v: fmt(v, "ms", 1)),
    ("bot + server CPU per answer", lambda r, f: per_answer(r["bot_cpu"] + r["server_cpu"], r),
     False, lambda v: fmt(v, "ms", 1)),
)
COMPARED = (("pg-1", "sqlite-1"), ("pg-2", "pg-1"), ("pg-2", "sqlite-1"))


def side_by_side(runs: dict[str, list[dict[str, Any]]]) -> None:
    """Every phase in one column; then pg-1 / sqlite-1, pg-2 / pg-1 and pg-2 / sqlite-1. With
    several runs of each phase, each figure is their median (a count: the lower middle one),
    with the lowest and highest after it where they differ; the ratios are of the medians."""
    phases = list(runs)
    pairs = [(a, b) for a, b in COMPARED if a in runs and b in runs]
    table = [["", *phases, *(f"{a} / {b}" for a, b in pairs)]]
    for label, get, _, show in (*ROWS[:3], EXTRA_ROWS[0], *ROWS[3:], *EXTRA_ROWS[1:]):
        values = {p: [v for r in runs[p] if (v := get(r, figures(r))) is not None]
                  for p in phases}
        middle = {p: (statistics.median_low if all(isinstance(v, int) for v in values[p])
                      else statistics.median)(values[p]) if values[p] else None
                  for p in phases}
        cells = [label]
        for p in phases:
            cell = show(middle[p]) if middle[p] is not None else "—"
            low, high = (show(min(values[p])), show(max(values[p]))) if values[p] else ("", "")
            if low != high:
                cell += f" ({low} to {high})"
            cells.append(cell)
        table.append([*cells, *(ratio(middle[a], middle[b]) for a, b in pairs)])
    repeats = max(len(r) for r in runs.values())
    print_table(f"side by side (N={runs[phases[0]][0]['n']}"
                + (f"; median of {repeats} runs each, lowest to highest after it)" if repeats > 1
                   else ")"), table)


def report(args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]]) -> None:
    print_setup(args)
    print("bot: `python -m bot` processes in webhook mode behind one URL (a balancer sending "
          "each POST to one of them at random); the simulator delivers updates one POST at a "
          "time")
    for turn in range(args.repeat):
        for phase, results in runs.items():
            if turn < len(results):
                print_phase(args, phase + (f" (run {turn + 1})" if args.repeat > 1 else ""),
                            results[turn])
                print_processes(results[turn])
    if runs:
        side_by_side(runs)


# ---- command line --------------------------------------------------------------------------
def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--max-seconds", type=float, default=None,
                   help="time limit of each phase's load (default 300; quick 120)")
    p.add_argument("--only", default=",".join(PHASES),
                   help=f"comma-separated phases, of {', '.join(PHASES)} or any pg-<k> "
                        f"(default {','.join(PHASES)})")
    p.add_argument("--quick", action="store_true", help="N=60, 5 answers")
    p.add_argument("--repeat", type=int, default=1,
                   help="run the phases this many times, in turns (the table: medians)")
    args = parse_load(p, argv, n=(200, 60), answers=(10, 5))
    if args.max_seconds is None:
        args.max_seconds = 120.0 if args.quick else 300.0
    if not 1 <= args.repeat <= 10:
        p.error("--repeat must be 1-10")
    args.only = args.only.split(",")
    for phase in args.only:
        engine, _, count = phase.partition("-")
        if (engine, count) != ("sqlite", "1") and not (engine == "pg" and count.isdigit()
                                                       and 1 <= int(count) <= 8):
            p.error(f"--only: unknown phase {phase!r} (sqlite-1, or pg-1 ... pg-8)")
    return args


async def main(args: argparse.Namespace) -> None:
    runs: dict[str, list[dict[str, Any]]] = {}
    pg = [phase for phase in args.only if phase.startswith("pg-")]
    with (tempfile.TemporaryDirectory(prefix="bench-processes-") as name,
          maybe_cluster(bool(pg)) as cluster):
        tmp = Path(name)
        moved = moved_recruitment(tmp, args.n)
        for turn in range(args.repeat):
            for phase in args.only:
                if phase in pg and cluster is None:
                    continue
                label = phase + (f"-run{turn + 1}" if args.repeat > 1 else "")
                result = await run_phase(label, phase, args, tmp, moved, cluster)
                runs.setdefault(phase, []).append(result)
    report(args, runs)


if __name__ == "__main__":
    load_process_or(lambda arguments: main(parse(arguments)))
