"""The outbox under Telegram's limits and faults: every message arrives exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.runner import RunningBot
from storage import outbox
from tests.e2e.conftest import TOKEN, StartBot, make_config
from tgsim import Limits, Simulator


@pytest.fixture
async def limited_sim() -> AsyncIterator[Simulator]:
    simulator = Simulator(token=TOKEN, limits=Limits(enabled=True, global_per_sec=30.0))
    await simulator.start()
    yield simulator
    await simulator.stop()


async def queue(bot: RunningBot, messages: dict[int, str]) -> None:
    services = bot.services
    async with services.db.write() as conn:
        for chat_id, text in messages.items():
            await outbox.enqueue(conn, chat_id, {"text": text}, services.clock.now(),
                                 dedupe_key=f"test:{chat_id}")
    services.on_outbox()


async def test_two_hundred_messages_under_limits_and_faults_arrive_once(
    limited_sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    sim = limited_sim
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3"))
    users = [sim.user(f"U{i}") for i in range(200)]
    sim.faults.seed = 7
    sim.faults.error_rate = 0.05
    sim.faults.force_429(3, retry_after=1)
    await queue(running, {u.id: f"Pesan untuk {u.id}" for u in users})
    for user in users:
        assert (await user.next_message(timeout=60)).text == f"Pesan untuk {user.id}"
    await running.outbox.idle.wait()
    for user in users:
        assert len(sim.sent_messages(user.id)) == 1
    counts = await outbox.counts(running.services.db.reader)
    assert counts == {"sent": 200}
    assert any(c.status == 429 for c in sim.calls) and any(c.status >= 500 for c in sim.calls)


async def test_blocked_bot_is_recorded_as_undeliverable(sim: Simulator, bot: RunningBot) -> None:
    alice, bob = sim.user("Alice"), sim.user("Bob")
    bob.block_bot()
    await queue(bot, {alice.id: "satu", bob.id: "dua"})
    await alice.next_message()
    await bot.outbox.idle.wait()
    assert await outbox.counts(bot.services.db.reader) == {"sent": 1, "undeliverable": 1}


async def test_queued_before_a_crash_is_sent_once_after_restart(
    sim: Simulator, bot_runner: StartBot
) -> None:
    first = await bot_runner()
    alice = sim.user("Alice")
    await first.outbox.stop()  # the sender dies; the committed row stays
    await queue(first, {alice.id: "keputusan"})
    await queue(first, {alice.id: "keputusan"})  # queued twice: the dedupe key keeps one
    await first.stop()
    assert sim.sent_messages(alice.id) == []
    second = await bot_runner()
    assert (await alice.next_message()).text == "keputusan"
    await second.outbox.idle.wait()
    assert len(sim.sent_messages(alice.id)) == 1
