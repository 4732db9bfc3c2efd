"""The runnable bot: webhook mode, concurrency with per-chat order, `python -m bot` itself."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import sys
from pathlib import Path

import aiohttp

from bot.__main__ import QUIET_LIBRARIES, setup_logging
from bot.clock import ManualClock
from bot.runner import RunningBot
from tests.e2e.conftest import ROOT, TOKEN, StartBot, make_config
from tests.e2e.journeys import Person, register, reply_with, submit, tap
from tests.e2e.test_staff_review import card_for, staff_setup
from tests.e2e.test_timed_test import book_s1, start_test
from tgsim import Simulator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SECRET = "s3cret-token_1-long-enough-for-32-chars"


async def test_webhook_mode_answers_and_refuses_a_wrong_secret(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    config = make_config(sim, tmp_path / "db.sqlite3", bot_mode="webhook", webhook_url=url,
                         webhook_secret=SECRET, webhook_port=port)
    running = await bot_runner(config)
    assert running.webhook is not None
    assert not any(c.method == "getUpdates" for c in sim.calls)
    alice = sim.user("Alice")
    await alice.send("/start")
    await reply_with(alice, "Selamat datang")

    forged = {"update_id": 999, "message": {
        "message_id": 1, "date": 0, "chat": {"id": alice.id, "type": "private"},
        "from": {"id": alice.id, "is_bot": False, "first_name": "Mallory"}, "text": "/start"}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=forged, headers=headers) as resp:
                assert resp.status == 403
        signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for body in ([forged], "null", 7):  # not an update object: refused, no crash
            async with http.post(url, json=body, headers=signed) as resp:
                assert resp.status == 400
        replayed = {**forged, "update_id": 5000, "message": {
            **forged["message"], "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
        for _ in range(2):  # the same update twice (a replay): handled once
            async with http.post(url, json=replayed, headers=signed) as resp:
                assert resp.status == 200
        assert (await alice.next_message_with("Bantuan")).text.startswith("Bantuan")
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["ok"] is True
    await alice.send("/help")  # the next real update is still served, and nothing else was
    help_again = await alice.next_message_with("Bantuan")
    assert help_again.text.startswith("Bantuan")
    assert len(sim.sent_messages(alice.id)) == 3  # start, the replayed /help once, this /help


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = current = 0
    for _, step in events:
        current += step
        best = max(best, current)
    return best


async def test_fifty_users_at_once_are_served_concurrently_each_chat_in_order(
    sim: Simulator, bot: RunningBot
) -> None:
    sim.faults.latency = 0.1  # like the real Telegram: every call takes 100 ms
    users = [sim.user(f"User{i}") for i in range(50)]

    async def start(user) -> str:  # type: ignore[no-untyped-def]
        await user.send("/start")
        return (await reply_with(user, "Selamat datang", timeout=30)).text

    assert all("Selamat datang" in text for text in
               await asyncio.gather(*(start(u) for u in users)))
    sends = [(c.at, c.at + c.latency) for c in sim.calls if c.method == "sendMessage"]
    assert len(sends) == 50
    # One-at-a-time processing never has two replies in flight. (How many fit at once is
    # bounded by the 30 msg/s pacing and measured in the benchmark, not asserted here.)
    assert max_overlap(sends) >= 10, f"only {max_overlap(sends)} replies were in flight at once"

    async def three_messages(user) -> list[str]:  # type: ignore[no-untyped-def]
        for text in ("/help", "apa kabar", "/start"):
            await user.send(text)
        # each named, in the order sent: a wait only sees what came after the one before
        return [(await reply_with(user, fragment, timeout=30)).text for fragment in
                ("/start – halaman awal dan menu", "Halo!", "Selamat datang")]

    for replies in await asyncio.gather(*(three_messages(u) for u in users[:10])):
        assert replies[0].startswith("Bantuan")
        assert replies[1].startswith("Halo!") and "/daftar" in replies[1]
        assert "Selamat datang" in replies[2]


async def run_module(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


def clean_env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, "PYTHONPATH": str(ROOT), **values}


async def test_without_a_token_it_says_what_to_do_and_exits(tmp_path: Path) -> None:
    proc = await run_module(env=clean_env(RECRUITMENT_FILE=str(ROOT / "recruitment.example.yaml")),
                            cwd=tmp_path)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 2
    assert "@BotFather" in err.decode() and "BOT_TOKEN" in err.decode()


async def test_bad_recruitment_file_is_explained_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text((ROOT / "recruitment.example.yaml").read_text().replace(
        "timezone: Asia/Makassar", "timezone: Mars/Olympus"))
    proc = await run_module("check-config", env=clean_env(BOT_TOKEN=TOKEN,
                            RECRUITMENT_FILE=str(bad)), cwd=tmp_path)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 2
    assert "timezone: unknown time zone 'Mars/Olympus'" in err.decode()
    assert "Traceback" not in err.decode()


async def test_python_m_bot_answers_start_through_the_simulator(
    sim: Simulator, tmp_path: Path
) -> None:
    env = clean_env(BOT_TOKEN=TOKEN, BOT_API_BASE_URL=sim.base_url,
                    RECRUITMENT_FILE=str(ROOT / "recruitment.example.yaml"),
                    DATABASE_PATH=str(tmp_path / "db.sqlite3"))
    proc = await run_module(env=env, cwd=tmp_path)
    try:
        alice = sim.user("Alice")
        await alice.send("/start")
        await reply_with(alice, "Selamat datang", timeout=30)
    finally:
        proc.terminate()
        _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert TOKEN not in err.decode()  # the token never reaches the log


async def test_check_config_says_why_the_bundled_bank_is_not_scored(tmp_path: Path) -> None:
    demo = tmp_path / "demo.yaml"
    demo.write_text((ROOT / "recruitment.example.yaml").read_text().replace(
        "allow_bundled_bank: false", "allow_bundled_bank: true"))
    outputs = {}
    for name, path in (("real", ROOT / "recruitment.example.yaml"), ("demo", demo)):
        proc = await run_module("check-config", env=clean_env(BOT_TOKEN=TOKEN,
                                RECRUITMENT_FILE=str(path)), cwd=tmp_path)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert proc.returncode == 0
        outputs[name] = out.decode()
    assert "bundled bank is public" in outputs["real"] and "/impor" in outputs["real"]
    assert "WARNING: test.allow_bundled_bank is true" in outputs["demo"]


async def test_check_config_warns_when_applicants_have_nobody_to_reach(tmp_path: Path) -> None:
    silent = tmp_path / "silent.yaml"
    silent.write_text((ROOT / "recruitment.example.yaml").read_text().replace(
        "  email: bps5207@bps.go.id\n", ""))
    outputs = {}
    for name, path in (("example", ROOT / "recruitment.example.yaml"), ("silent", silent)):
        proc = await run_module("check-config", env=clean_env(BOT_TOKEN=TOKEN,
                                RECRUITMENT_FILE=str(path)), cwd=tmp_path)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert proc.returncode == 0
        outputs[name] = out.decode()
    assert "contact has no whatsapp" not in outputs["example"]
    assert "WARNING: contact has no whatsapp, phone or email" in outputs["silent"]


async def test_debug_logging_never_holds_a_message_text_nik_or_token(
    sim: Simulator, tmp_path: Path
) -> None:
    env = clean_env(BOT_TOKEN=TOKEN, BOT_API_BASE_URL=sim.base_url, LOG_LEVEL="DEBUG",
                    RECRUITMENT_FILE=str(ROOT / "recruitment.example.yaml"),
                    DATABASE_PATH=str(tmp_path / "db.sqlite3"))
    proc = await run_module(env=env, cwd=tmp_path)
    try:
        alice = sim.user("Alice")
        await alice.send("NIK saya 5207014508950003, HP 081234567890")
        await reply_with(alice, "Halo!", timeout=30)
    finally:
        proc.terminate()
        _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    log = err.decode()
    assert proc.returncode == 0, log[-2000:]
    for secret in (TOKEN, "5207014508950003", "081234567890", "NIK saya", "Alice"):
        assert secret not in log, secret


async def test_a_whole_journey_logged_at_debug_holds_no_personal_data(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    """Registration with documents, a staff decision, booking, the test, a result request and
    /hapus's refusal, all with LOG_LEVEL=DEBUG set up as the bot's own main does."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET_LIBRARIES}
    stream = io.StringIO()
    root.handlers = []
    setup_logging("DEBUG", logging.StreamHandler(stream))
    try:
        assert root.getEffectiveLevel() == logging.DEBUG
        running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
        siti = sim.user("Siti Aminah", username="siti_ksb")
        await register(siti)
        await submit(siti)
        _, card = await card_for(bob, group)
        await bob.click("✅ Lulus", message=card)
        await siti.next_message_with("lulus")
        await book_s1(siti)
        await start_test(siti, clock)
        for _ in range(3):
            await tap(siti, "B")
        await siti.send("/hasil")
        await siti.next_message_with("Hasil seleksi belum diumumkan")
        await running.stop()
    finally:
        root.handlers, root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    log = stream.getvalue()
    assert "is running (polling, mitra-ksb-2024)" in log  # the bot's own lines were captured
    p = Person()
    for secret in (TOKEN, p.nik, p.phone, p.phone.replace(" ", ""), p.name, p.email, p.address,
                   "siti_ksb", "Siti"):
        assert secret not in log, secret
