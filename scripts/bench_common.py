"""The load side of the benchmark: the simulator and the simulated people (run in a child process).

The child process holds a `tgsim` Simulator (HTTP server, rate limits on, latency per call) and
N people. The bot under test runs in the parent process and talks to the simulator over HTTP on
loopback, so the parent's CPU time is the bot's alone. Protocol over the child's stdin/stdout,
one JSON object a line:

    child -> parent  {"url": ..., "user_ids": [...]}          the simulator is listening
    parent -> child  GO                                          the bot is up: start the load
    child -> parent  {"result": {...}}                           every person is done (or time up)
    parent -> child  FAST                                        measuring is over: no latency
    parent -> child  STOP                                        the bot has stopped: shut down

(`LoadProcess` is the parent's side; `load_process_or` a benchmark's `__main__`, which is also
the child's.)

Each person sends the start command, waits for the first question (a bot message with buttons),
then `answers` times: thinks (the think time, +-50 % jitter), taps one of the first row's
buttons, and waits until the bot has edited that message. Latency is tap -> edit observed in the
simulator (the bot edits first and answers the callback second, so the edit is what the person
sees). Edits are observed by hooking `Simulator.touch`, not by `wait_until`: a thousand waiters
woken on every state change would cost more CPU than the bot.

Also what every benchmark (and the chaos run) reports with: `percentile`, and at the end the
bot's log counted (`bot_log`), `fmt`, `ratio`, `print_table`, `load_average`, and a bot
process's CPU time (`cpu_seconds`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tgsim import Limits, SimMessage, Simulator, SimUser
from tgsim.render import message_dict, user_dict
from tgsim.simulator import PendingCallback

TOKEN = "123456:TEST-token"
TOO_OLD = "query is too old"


class Counter(logging.Handler):
    """Counts the bot's log records at WARNING and above, by level and logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}"
        self.counts[key] = self.counts.get(key, 0) + 1


class WatchedSimulator(Simulator):
    """A Simulator that resolves per-chat and per-message futures when the bot writes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_waiters: dict[int, asyncio.Future[tuple[float, SimMessage]]] = {}
        self.edit_waiters: dict[tuple[int, int], tuple[int, asyncio.Future[float]]] = {}

    def touch(self, msg: SimMessage | None = None) -> None:
        super().touch(msg)
        if msg is None or not msg.from_bot or msg.deleted:  # a deleted screen is no new one
            return
        now = time.perf_counter()
        first = self.first_waiters.get(msg.chat_id)
        if first is not None and msg.edit_count == 0 and msg.buttons and not first.done():
            first.set_result((now, msg))
            del self.first_waiters[msg.chat_id]
        key = (msg.chat_id, msg.message_id)
        edit = self.edit_waiters.get(key)
        if edit is not None and msg.edit_count > edit[0] and not edit[1].done():
            edit[1].set_result(now)
            del self.edit_waiters[key]


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Tally:
    q1_at: list[float] = field(default_factory=list)  # seconds after GO, per person
    taps: int = 0
    latencies: list[float] = field(default_factory=list)
    first_tap: float | None = None
    last_edit: float | None = None
    lost_taps: int = 0  # tapped, no edit before the time limit
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (tapped, took), s


def press(sim: Simulator, user: SimUser, msg: SimMessage, data: str) -> PendingCallback:
    """What SimUser.click does, minus the wait for the callback answer."""
    pending = PendingCallback(sim.new_query_id(), user.id, sim.clock.time())
    sim.callbacks[pending.query_id] = pending
    sim.enqueue_update("callback_query", {
        "id": pending.query_id,
        "from": user_dict(user),
        "message": message_dict(sim, msg),
        "chat_instance": str(abs(hash((sim.bot_id, msg.chat_id)))),
        "data": data,
    })
    return pending


async def person(sim: WatchedSimulator, user: SimUser, index: int, cfg: dict[str, Any],
                 go: float, deadline: float, tally: Tally) -> None:
    """Start, then tap answers. The updated question is either an edit of the question message
    or, when the kind of screen changes (a question with a picture is a photo, which Telegram
    cannot edit into text or back), a new bot message with buttons that replaces it."""
    loop = asyncio.get_running_loop()
    rng = random.Random(cfg["seed"] * 1_000_003 + index)
    first: asyncio.Future[tuple[float, SimMessage]] = loop.create_future()
    sim.first_waiters[user.id] = first
    await user.send(cfg["start_command"])
    try:
        async with asyncio.timeout(deadline - time.perf_counter()):
            at, msg = await first
    except TimeoutError:
        sim.first_waiters.pop(user.id, None)
        return
    tally.q1_at.append(at - go)
    for _ in range(cfg["answers"]):
        await asyncio.sleep(cfg["think"] * rng.uniform(0.5, 1.5))
        if time.perf_counter() >= deadline:
            return
        row = msg.button_data[0]
        data = row[rng.randrange(len(row))]
        key = (msg.chat_id, msg.message_id)
        edited: asyncio.Future[float] = loop.create_future()
        fresh: asyncio.Future[tuple[float, SimMessage]] = loop.create_future()
        sim.edit_waiters[key] = (msg.edit_count, edited)
        sim.first_waiters[user.id] = fresh
        tapped = time.perf_counter()
        tally.taps += 1
        if tally.first_tap is None:
            tally.first_tap = tapped - go
        press(sim, user, msg, data)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.perf_counter())):
                await asyncio.wait({edited, fresh}, return_when=asyncio.FIRST_COMPLETED)
                if not fresh.done() and not msg.buttons:  # an old screen lost its buttons
                    await fresh
                if fresh.done():
                    seen, msg = fresh.result()
                else:
                    seen = edited.result()
        except TimeoutError:
            tally.lost_taps += 1
            return
        finally:
            if sim.edit_waiters.get(key, (0, None))[1] is edited:
                del sim.edit_waiters[key]
            if sim.first_waiters.get(user.id) is fresh:
                del sim.first_waiters[user.id]
        tally.latencies.append(seen - tapped)
        tally.timeline.append((tapped - go, seen - tapped))
        tally.last_edit = max(tally.last_edit or 0.0, seen - go)


def call_stats(sim: Simulator, since: int) -> dict[str, Any]:
    calls = sim.calls[since:]
    return {
        "calls": len(calls),
        "by_method": _count(c.method for c in calls),
        "status_429": sum(1 for c in calls if c.status == 429),
        "status_429_by_method": _count(c.method for c in calls if c.status == 429),
        "callback_answers_ok": sum(1 for c in calls
                                   if c.method == "answerCallbackQuery" and c.status == 200),
        "callback_answers_too_old": sum(1 for c in calls if c.method == "answerCallbackQuery"
                                        and TOO_OLD in (c.error or "")),
        "other_errors": _count(f"{c.method} {c.status}" for c in calls
                               if c.status not in (200, 429) and TOO_OLD not in (c.error or "")),
    }


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


async def run_load(cfg: dict[str, Any], sim: WatchedSimulator, users: list[SimUser]
                   ) -> dict[str, Any]:
    sim.faults.latency = cfg["latency"]
    sim.limits.enabled = True
    since = len(sim.calls)
    go = time.perf_counter()
    cpu = time.process_time()
    deadline = go + cfg["max_seconds"]
    tally = Tally()
    await asyncio.gather(*(person(sim, u, i, cfg, go, deadline, tally)
                           for i, u in enumerate(users)))
    wall = time.perf_counter() - go
    # The bot answers each callback after its edit: give the last answers time to arrive.
    await asyncio.sleep(min(2.0, 3 * cfg["latency"] + 0.2))
    lat = tally.latencies
    window = ((tally.last_edit - tally.first_tap)
              if tally.last_edit is not None and tally.first_tap is not None else None)
    sends_to_people = sum(1 for chat in sim.chats.values() if chat.type == "private"
                          for m in chat.messages.values() if m.from_bot)
    return {
        "n": len(users),
        "timeline": tally.timeline,
        "wall": wall,
        "timed_out": time.perf_counter() >= deadline,
        "with_q1": len(tally.q1_at),
        "q1_all": max(tally.q1_at) if len(tally.q1_at) == len(users) else None,
        "q1_p50": percentile(tally.q1_at, 50),
        "q1_last": max(tally.q1_at) if tally.q1_at else None,
        "taps": tally.taps,
        "answers": len(lat),
        "lost_taps": tally.lost_taps,
        "window": window,
        "rate": len(lat) / window if window else None,
        # starts and answers the bot got through, per second from GO to its last one
        "updates_rate": ((len(tally.q1_at) + len(lat))
                         / max(tally.last_edit or 0.0, max(tally.q1_at, default=0.0))
                         if tally.q1_at else None),
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "max": max(lat) if lat else None,
        "bot_messages": sends_to_people,
        "harness_cpu": time.process_time() - cpu,
        **call_stats(sim, since),
    }


class LoadProcess:
    """The benchmark's side of the protocol above: `script --child CFG`, a child process."""

    def __init__(self, name: str) -> None:
        self.name = name  # the phase, in errors
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, script: Path, cfg: dict[str, Any]) -> dict[str, Any]:
        """Start it; its first line: the simulator's url and the people's user_ids."""
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, str(script), "--child", json.dumps(cfg),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 24)
        return await self._hear("did not start")

    async def run(self) -> dict[str, Any]:
        """GO: the load runs; its result once every person is done (or the time is up)."""
        await self.say("GO")
        result: dict[str, Any] = (await self._hear("died"))["result"]
        return result

    async def say(self, word: str) -> None:
        if self.proc is not None and self.proc.returncode is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write(f"{word}\n".encode())
            await self.proc.stdin.drain()

    async def stop(self) -> None:
        """STOP (the bot has stopped), and wait until it has."""
        if self.proc is not None and self.proc.returncode is None:
            await self.say("STOP")
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            await self.proc.wait()

    async def _hear(self, failure: str) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name}: the load process {failure}")
        heard: dict[str, Any] = json.loads(line)
        return heard


def load_process_or(start: Callable[[list[str]], Awaitable[None]],
                    child: Callable[[dict[str, Any]], Awaitable[None]] | None = None) -> None:
    """A benchmark's `__main__`: started as `SCRIPT --child CFG` by the benchmark itself, this
    is the load process (`child`, by default `child_main`); otherwise `start(arguments)` runs."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["--child"]:
        logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
        asyncio.run((child or child_main)(json.loads(arguments[1])))
    else:
        asyncio.run(start(arguments))


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def wind_down(sim: Simulator) -> None:
    """Until STOP: at FAST (measuring is over) no latency and no limits, so that the bot gets
    through whatever it still has queued quickly and can stop (PTB's stop processes every
    queued update)."""
    while (await asyncio.to_thread(sys.stdin.readline)).strip() == "FAST":
        sim.faults.latency = 0.0
        sim.limits.enabled = False


async def child_main(cfg: dict[str, Any]) -> None:
    # Limits are on from the start (Telegram's defaults); latency is switched on at GO so the
    # bot's start-up (getMe, setMyCommands, deleteWebhook) does not count.
    sim = WatchedSimulator(token=TOKEN, limits=Limits(enabled=True))
    await sim.start()
    users = [sim.user(f"U{i}") for i in range(cfg["n"])]
    emit({"url": sim.url, "user_ids": [u.id for u in users]})
    try:
        line = await asyncio.to_thread(sys.stdin.readline)
        if line.strip() != "GO":
            return
        emit({"result": await run_load(cfg, sim, users)})
        await wind_down(sim)
    finally:
        sim.faults.latency = 0.0
        await sim.stop()


# ---- reporting (every benchmark's, and the chaos run's) ------------------------------------
@contextmanager
def bot_log(path: Path) -> Iterator[Counter]:
    """The bot's log records at WARNING and above while inside: written to `path`, and
    counted by the Counter this yields."""
    counter, file_log = Counter(), logging.FileHandler(path)
    file_log.setLevel(logging.WARNING)
    logging.basicConfig(level=logging.WARNING, handlers=[file_log, counter], force=True)
    try:
        yield counter
    finally:
        logging.getLogger().removeHandler(file_log)
        file_log.close()


def fmt(value: float | None, unit: str = "s", digits: int = 2) -> str:
    """A figure with its unit ("—" for none); the unit "ms" shows seconds as milliseconds."""
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:.{digits}f} ms"
    return f"{value:.{digits}f} {unit}".rstrip()


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}x"


def print_table(title: str, table: list[list[str]]) -> None:
    """Rows of cells under `== title ==`: the first column left-aligned, the others right."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print()
    print(f"== {title} ==")
    for row in table:
        print("  " + row[0].ljust(widths[0]) + "  "
              + "  ".join(cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)))


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """A process's CPU time so far (user + system, /proc on Linux); with `reaped`, also that of
    its children that have ended and been waited for."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (Linux)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"
