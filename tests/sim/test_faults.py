"""Injected latency, 5xx errors and forced 429s, through both doors."""

from __future__ import annotations

import time

import pytest
import telegram
from telegram.error import NetworkError, RetryAfter, TimedOut

from tests.sim.sim_helpers import retry_seconds
from tgsim import Simulator


async def test_latency(bot: telegram.Bot, sim: Simulator) -> None:
    sim.faults.latency = 0.2
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.2
    assert sim.calls[-1].latency >= 0.2
    sim.faults.latency = 0.0


async def test_error_rate(bot: telegram.Bot, sim: Simulator) -> None:
    sim.faults.error_rate = 1.0
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert sim.calls[-1].status in (500, 502)
    assert sim.calls[-1].error in ("Internal Server Error", "Bad Gateway")
    sim.faults.error_rate = 0.0
    await bot.get_me()


async def test_error_rate_is_a_seeded_share(sim: Simulator) -> None:
    def run() -> list[int]:
        return [c.status for c in sim.calls[-200:]]

    sim.faults.seed = 7
    sim.faults.error_rate = 0.3
    for _ in range(200):
        await sim.call_api(sim.token, "getMe", {})
    first = run()
    sim.faults.seed = 7
    for _ in range(200):
        await sim.call_api(sim.token, "getMe", {})
    assert run() == first
    failures = sum(1 for s in first if s != 200)
    assert 30 < failures < 90
    assert {500, 502} <= set(first)


async def test_force_429(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    sim.faults.force_429(2, retry_after=3)
    await bot.get_me()  # not a message-sending call
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(alice.id, "x")
        assert retry_seconds(caught.value) == 3
    await bot.send_message(alice.id, "x")
    assert len(sim.sent_messages(alice.id)) == 1


async def test_inproc_read_timeout(sim: Simulator) -> None:
    sim.faults.latency = 0.5
    bot = telegram.Bot(sim.token, request=sim.request(read_timeout=0.1))
    with pytest.raises(TimedOut):
        await bot.get_me()
    sim.faults.latency = 0.0
