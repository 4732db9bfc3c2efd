"""Review in private chats, and a compact feed in the staff group (the recruitment file's
default): one line per submission and per decision, posted together at most once a minute."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_private_review import submitted
from tgsim import Simulator


async def test_the_group_gets_a_feed_and_staff_review_in_private(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path, clock: ManualClock
) -> None:
    bob = sim.user("Bob")
    group = sim.group("Panitia", members=[bob], admins=[bob])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", group_cards=False,
                                           staff_chat_id=group.chat_id))
    first, second, third = await submitted(sim, running, 3)
    await running.services.tick()
    feed = await bob.next_message_with("Ringkasan pendaftaran", chat=group, timeout=10)
    for n in (first, second, third):
        assert f"📥 #{n} masuk" in feed.text
    assert "Siti" not in feed.text  # numbers only: nothing to erase from the group later
    assert feed.protect_content and feed.buttons == []
    await bob.send("/periksa")
    card = await bob.next_message_with(f"Pendaftaran #{first}", timeout=10)
    await bob.click("✅ Lulus", message=card)
    await bob.next_message_with(f"Pendaftaran #{second}", timeout=10)
    await running.services.tick()  # within the minute: nothing more in the group yet
    clock.advance(minutes=1)
    await running.services.tick()
    later = await bob.next_message_with("Ringkasan pendaftaran", chat=group, timeout=10)
    assert f"#{first} ✅ Lulus — Bob" in later.text and "📥" not in later.text
    await running.outbox.idle.wait()
    in_group = [m for m in group.history() if m.from_bot]
    assert in_group == [feed, later]  # no card, no document: two messages for all of it
