"""The outbox under Telegram's limits and faults: every message arrives exactly once."""

from __future__ import annotations

from pathlib import Path

from bot.runner import RunningBot
from storage import outbox
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.journeys import reply_with
from tgsim import Simulator


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
        delivered = await reply_with(user, f"Pesan untuk {user.id}", timeout=60)
        assert delivered.text == f"Pesan untuk {user.id}"
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
    await reply_with(alice, "satu")
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
    assert (await reply_with(alice, "keputusan")).text == "keputusan"
    await second.outbox.idle.wait()
    assert len(sim.sent_messages(alice.id)) == 1


async def test_an_edit_already_in_place_counts_as_delivered(
    sim: Simulator, bot: RunningBot
) -> None:
    """A test screen's final state, queued as an edit: a message that already shows it (the
    handler got there first) is delivered, not failed; a text and a photo's caption alike."""
    alice = sim.user("Alice")
    api = bot.app.bot
    text = await api.send_message(alice.id, "Soal 1/30")
    photo = await api.send_photo(alice.id, b"<png>", caption="Soal 2/30")
    services = bot.services
    async with services.db.write() as conn:
        for _ in range(2):  # the second of each finds it in place already
            await outbox.enqueue(conn, alice.id, {"method": "edit_text", "message_id":
                                                  text.message_id, "text": "Tes selesai."},
                                 services.clock.now())
            await outbox.enqueue(conn, alice.id, {"method": "edit_caption", "message_id":
                                                  photo.message_id, "caption": "Tes selesai."},
                                 services.clock.now())
    services.on_outbox()
    shown = sim.sent_messages(alice.id)
    await alice.wait_for(lambda: all(m.text == "Tes selesai." for m in shown))
    await bot.outbox.idle.wait()
    assert await outbox.counts(services.db.reader) == {"sent": 4}
    assert [m.edit_count for m in shown] == [1, 1]
