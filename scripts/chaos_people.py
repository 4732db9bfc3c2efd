"""Chaos run, the people (scripts/chaos.py runs them): what the bot says as a person reads it
(the texts each step is recognised by), the run's shared state (`Run`: the simulator, the bot,
the people, the recruitment file the committee edits, the database read as an auditor would),
when to kill the bot at people's moments (`Chaos`), and the simulated people: applicants
(`Applicant`, `Journey`: register, fix, book, take the test, read the result), reviewers
(`Reviewer`) and the administrator (`Committee`: broadcast, ranking, announcement).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import random
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot import fake_people, texts
from bot.domain import registration as reg
from bot.fake_people import Person
from scripts.chaos_world import (
    TOKEN,
    WITA,
    BotProcess,
    ChaosSimulator,
    Shape,
    find_button,
    say,
)
from tgsim import Limits, SimMessage, SimUser
from tgsim.models import CallbackAnswer

ROOT = Path(__file__).resolve().parents[1]


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


# ---- when to kill ---------------------------------------------------------------------------
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


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


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
