"""Telegram's limits never freeze the bot: a staff group over its budget, even answered with a
429, holds up only itself; applicants keep their pace (simulator limits on)."""

from __future__ import annotations

from pathlib import Path

from bot.runner import RunningBot
from storage import outbox
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_outbox import queue
from tgsim import SimChat, Simulator


async def with_staff_group(sim: Simulator, bot_runner: StartBot, tmp_path: Path
                           ) -> tuple[RunningBot, SimChat]:
    bob = sim.user("Bob")
    group = sim.group("Panitia", members=[bob], admins=[bob])
    return await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                        staff_chat_id=group.chat_id)), group


async def queue_cards(running: RunningBot, group: SimChat, count: int) -> None:
    async with running.services.db.write() as conn:
        for n in range(count):
            await outbox.enqueue(conn, group.chat_id, {"text": f"Kartu {n}"},
                                 running.services.clock.now(), dedupe_key=f"card:{n}")
    running.services.on_outbox()


async def test_a_busy_staff_group_with_a_429_holds_up_nobody_else(
    limited_sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    sim = limited_sim
    running, group = await with_staff_group(sim, bot_runner, tmp_path)
    # Telegram answers the group's next message with "retry after 30 s", and 25 cards wait
    # for a group that takes 20 a minute.
    sim.faults.force_429(1, retry_after=30, chat_id=group.chat_id)
    await queue_cards(running, group, 25)
    await sim.wait_until(lambda: any(c.status == 429 for c in sim.calls), 10)

    siti = sim.user("Siti")
    asked = await siti.send("/status")
    status = await siti.next_message_with("Anda belum mendaftar", timeout=10)
    assert status.message_id > asked.message_id
    menu = await siti.send("/start")
    welcome = await siti.next_message_with("Selamat datang", timeout=10)
    assert welcome.message_id > menu.message_id
    await siti.click("📋 Persyaratan", message=welcome)
    await siti.next_message_with("Persyaratan calon Mitra Statistik", timeout=10)
    # ... all while the group is still paused: its cards are still waiting
    counts = await outbox.counts(running.services.db.reader)
    assert counts.get("pending", 0) >= 20, counts
    assert not [m for m in sim.sent_messages(group.chat_id) if (m.text or "").startswith("Kartu")]


async def test_private_chats_are_not_paced_by_the_groups_budget(
    limited_sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    sim = limited_sim
    running, group = await with_staff_group(sim, bot_runner, tmp_path)
    await queue_cards(running, group, 30)  # a minute and a half of the group's budget
    people = [sim.user(f"P{i}") for i in range(30)]
    await queue(running, {p.id: f"Pesan {p.id}" for p in people})
    for person in people:
        await person.next_message_with(f"Pesan {person.id}", timeout=20)
    assert len(sim.sent_messages(group.chat_id)) <= 20  # the group keeps its own pace
    assert not any(c.status == 429 for c in sim.calls)  # and Telegram never had to say so
