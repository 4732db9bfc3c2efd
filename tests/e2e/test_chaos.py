"""Chaos: a reply Telegram failed to take still reaches the person; and the quick chaos run
(scripts/chaos.py --quick: 30 applicants, the bot process killed at least 3 times, 5xx,
timeouts and 429s) keeps every invariant."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.runner import RunningBot
from tests.e2e.journeys import reply_with
from tgsim import Simulator, server

ROOT = Path(__file__).resolve().parents[2]
FAILED = {"ok": False, "error_code": 500, "description": "Internal Server Error"}


def fail_once(monkeypatch: pytest.MonkeyPatch, method: str, chat_id: int | None = None
              ) -> list[str]:
    """The simulator answers the next `method` call (to `chat_id`) with a 500 once, without
    doing it; the list it returns records that it did."""
    real, failed = server.dispatch, []

    async def dispatch(sim: Simulator, token: str, name: str, raw: dict[str, Any],
                       files: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if name == method and not failed and (chat_id is None
                                              or str(raw.get("chat_id")) == str(chat_id)):
            failed.append(name)
            return 500, FAILED
        return await real(sim, token, name, raw, files)

    monkeypatch.setattr(server, "dispatch", dispatch)
    return failed


async def test_a_reply_answered_with_a_5xx_still_reaches_the_person(
    sim: Simulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    siti = sim.user("Siti")
    failed = fail_once(monkeypatch, "sendMessage", siti.id)
    await siti.send("/status")
    answer = await reply_with(siti, "Anda belum mendaftar", timeout=10)
    assert failed == ["sendMessage"]  # Telegram said no once: the bot sent it again
    assert [m.text for m in sim.sent_messages(siti.id)] == [answer.text]  # once


async def test_a_tap_whose_answer_got_a_5xx_still_stops_the_spinner(
    sim: Simulator, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ani = sim.user("Ani")
    await ani.send("/start")
    welcome = await reply_with(ani, "Selamat datang")
    failed = fail_once(monkeypatch, "answerCallbackQuery")
    answer = await ani.click("📋 Persyaratan", message=welcome, timeout=10)
    assert failed == ["answerCallbackQuery"] and answer is not None
    await reply_with(ani, "Persyaratan calon Mitra Statistik", timeout=10)


@pytest.mark.timeout(230)
async def test_a_quick_chaos_run_keeps_every_invariant(tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "scripts" / "chaos.py"), "--quick", "--seed", "1",
        "--json", str(figures_file), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await child.communicate()
    printed = output.decode(errors="replace")
    assert figures_file.exists(), f"the chaos run stopped early:\n{printed[-4000:]}"
    figures = json.loads(figures_file.read_text())
    report = printed[printed.find("== chaos run"):]
    assert figures["kills"] >= 3, report
    assert figures["crashes"] == 0 and not figures["harness_errors"], report
    # The run did what it says: decisions of every kind, a test, automatic submissions.
    assert figures["decisions"].get("fix") and figures["decisions"].get("pass"), report
    assert figures["taps_acknowledged"] > 0 and figures["booked"] > 0, report
    assert figures["submitted_by"].get("deadline"), report
    assert not figures["broken"], report  # every invariant held
    assert child.returncode == 0, report
