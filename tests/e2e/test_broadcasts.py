"""Broadcasts: preview, confirmation, progress; 2,000 recipients under Telegram's limits with
faults, stopped halfway and restarted: every message exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_staff_commands import ask, ask_message
from tgsim import Simulator

N = 2000


@pytest.mark.timeout(300)  # 2,000 messages at Telegram's 30/s take over a minute
async def test_broadcast_to_two_thousand_exactly_once_across_a_restart(
    limited_sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    sim = limited_sim
    bob, carol = sim.user("Bob"), sim.user("Carol")
    group = sim.group("Panitia", members=[bob, carol], admins=[bob])
    config = make_config(sim, tmp_path / "db.sqlite3", staff_chat_id=group.chat_id)
    first = await bot_runner(config)
    people = [sim.user(f"P{i}") for i in range(N)]
    for person in people:  # everyone has started registering
        applicant = await first.services.applicants.seen(person.id, None, "id")
        await first.services.registration.begin(applicant.id)
    assert "hanya untuk admin" in await ask(carol, group, "/siaran semua halo")
    assert "Segmen: semua" in await ask(bob, group, "/siaran kemana halo")
    preview = await ask_message(bob, group,
                                "/siaran belum_kirim Pendaftaran ditutup 30 November.")
    assert f"{N} penerima" in (preview.text or "")
    sim.faults.seed = 3
    sim.faults.error_rate = 0.05
    await bob.click(f"📨 Kirim ke {N} penerima", message=preview)

    def delivered() -> int:
        return sum(1 for m in sim.sent_messages() if m.text == "Pendaftaran ditutup 30 November.")

    await sim.wait_until(lambda: delivered() >= N // 2, within=90)
    await first.stop()  # halfway
    halfway = delivered()
    assert halfway < N
    second = await bot_runner(config)
    await sim.wait_until(lambda: delivered() >= N, within=110)
    await second.outbox.idle.wait()
    for person in people:
        got = [m for m in sim.sent_messages(person.id) if "ditutup 30 November" in (m.text or "")]
        assert len(got) == 1, person
    assert any(c.status == 429 for c in sim.calls) or any(c.status >= 500 for c in sim.calls)
    progress = [m for m in bob.messages(chat=group) if (m.text or "").startswith("Siaran")]
    await bob.wait_for(lambda: (progress[-1].text or "").startswith("Siaran selesai"),
                       timeout=15)
    assert f"{N:,} / {N:,} terkirim" in progress[-1].text
