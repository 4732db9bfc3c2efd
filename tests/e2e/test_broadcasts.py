"""Broadcasts: preview, confirmation, progress; 2,000 recipients under Telegram's limits with
faults, stopped halfway and restarted: every message exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_registration_rules import recruitment_with
from tests.e2e.test_staff_commands import ask, ask_message
from tgsim import Call, Simulator

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
    assert f"{N} penerima" in (preview.text or "") and "Star" not in (preview.text or "")
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


async def test_a_paid_broadcast_shows_its_cost_and_goes_out_as_paid(
    limited_sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    sim = limited_sim
    bob = sim.user("Bob")
    group = sim.group("Panitia", members=[bob], admins=[bob])
    path = recruitment_with(tmp_path, results__paid_broadcast=True)
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path,
                                           staff_chat_id=group.chat_id))
    people = [sim.user(f"P{i}") for i in range(300)]
    for person in people:
        applicant = await running.services.applicants.seen(person.id, None, "id")
        await running.services.registration.begin(applicant.id)
    preview = await ask_message(bob, group, "/siaran belum_kirim Pendaftaran ditutup besok.")
    assert "300 pesan × 0,1 Star = 30,0 Star" in (preview.text or "")
    await bob.click("📨 Kirim ke 300 penerima", message=preview)

    def delivered() -> list[Call]:
        return [c for c in sim.calls if c.method == "sendMessage" and c.status == 200
                and c.params.get("text") == "Pendaftaran ditutup besok."]

    await sim.wait_until(lambda: len(delivered()) >= 300, within=60)
    assert all(c.params.get("allow_paid_broadcast") in (True, "true") for c in delivered())
    assert sim.limiter.paid_messages == 300  # each charged once: 30 Stars
    # Other messages stay free: the preview and replies were not paid.
    assert not any(c.params.get("allow_paid_broadcast") for c in sim.calls
                   if c.params.get("chat_id") in (group.chat_id, str(group.chat_id)))
