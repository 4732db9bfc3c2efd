"""Flood limits on a manual clock, and a bulk send that respects 30 messages/s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.error import RetryAfter

from tests.sim.conftest import make_bot
from tests.sim.sim_helpers import retry_seconds
from tgsim import Limits, ManualClock, Simulator


@pytest.fixture(params=["http", "inproc"])
async def limited(request: pytest.FixtureRequest, clock: ManualClock
                  ) -> AsyncIterator[tuple[Simulator, telegram.Bot]]:
    sim = Simulator(limits=Limits(global_per_sec=5, private_per_sec=1, private_burst=3,
                                  group_per_min=4), clock=clock)
    await sim.start()
    async with make_bot(sim, request.param) as bot:
        yield sim, bot
    await sim.stop()


async def test_private_chat_burst_then_one_per_second(
        limited: tuple[Simulator, telegram.Bot], clock: ManualClock) -> None:
    sim, bot = limited
    alice = sim.user("Alice")
    for i in range(3):
        await bot.send_message(alice.id, f"m{i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(alice.id, "too fast")
    assert retry_seconds(caught.value) == 1
    last = sim.calls[-1]
    assert last.status == 429 and last.error == "Too Many Requests: retry after 1"
    clock.advance(1.0)
    await bot.send_message(alice.id, "allowed again")
    assert [m.text for m in sim.sent_messages(alice.id)] == ["m0", "m1", "m2", "allowed again"]
    # getChatMember and answerCallbackQuery are not rate limited
    for _ in range(5):
        await bot.get_chat_member(alice.id, alice.id)


async def test_global_limit(limited: tuple[Simulator, telegram.Bot], clock: ManualClock) -> None:
    sim, bot = limited
    users = [sim.user(f"U{i}") for i in range(6)]
    for user in users[:5]:
        await bot.send_message(user.id, "hi")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[5].id, "hi")
    clock.advance(0.2)  # one token back at 5/s
    await bot.send_message(users[5].id, "hi")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[0].id, "hi")


async def test_group_limit_counts_edits(
        limited: tuple[Simulator, telegram.Bot], clock: ManualClock) -> None:
    sim, bot = limited
    staff = sim.group("Panitia")
    first = await bot.send_message(staff.id, "1")
    await bot.send_message(staff.id, "2")
    await bot.send_message(staff.id, "3")
    clock.advance(1)
    await bot.edit_message_text("1 (edited)", chat_id=staff.id, message_id=first.message_id)
    clock.advance(1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(staff.id, "5")
    assert retry_seconds(caught.value) == 58
    clock.advance(57.5)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(staff.id, "5")
    assert retry_seconds(caught.value) == 1
    clock.advance(0.5)
    await bot.send_message(staff.id, "5")


async def test_private_edits_only_count_globally(
        limited: tuple[Simulator, telegram.Bot], clock: ManualClock) -> None:
    sim, bot = limited
    alice = sim.user("Alice")
    msg = await bot.send_message(alice.id, "0")
    for i in range(1, 5):
        await bot.edit_message_text(str(i), chat_id=alice.id, message_id=msg.message_id)
    with pytest.raises(RetryAfter):  # the 6th call in the same instant hits 5/s globally
        await bot.edit_message_text("5", chat_id=alice.id, message_id=msg.message_id)


async def test_disabled_limits(sim: Simulator) -> None:
    async with make_bot(sim, "inproc") as bot:
        alice = sim.user("Alice")
        for i in range(20):
            await bot.send_message(alice.id, str(i))
        assert len(sim.sent_messages(alice.id)) == 20


async def test_bulk_send_at_thirty_per_second() -> None:
    """200 users, real clock, real HTTP: a retry-on-RetryAfter loop delivers each exactly once."""
    sim = Simulator(limits=Limits(global_per_sec=30.0))
    await sim.start()
    try:
        users = [sim.user(f"User {i}") for i in range(200)]
        async with make_bot(sim, "http") as bot:
            retries = 0
            for user in users:
                while True:
                    try:
                        await bot.send_message(user.id, f"Pengumuman untuk {user.id}")
                        break
                    except RetryAfter as exc:
                        retries += 1
                        await asyncio.sleep(retry_seconds(exc))
        for user in users:
            texts = [m.text for m in sim.sent_messages(user.id)]
            assert texts == [f"Pengumuman untuk {user.id}"]
        assert retries > 0
        assert sum(1 for c in sim.calls if c.status == 429) == retries
    finally:
        await sim.stop()
