"""Review where it scales: each staff member in their private chat with the bot, one
application after another, never the same one as a colleague at the same time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.runner import RunningBot
from tests.e2e.conftest import StartBot
from tests.e2e.test_registration_rules import fill_by_service
from tests.e2e.test_staff_review import staff_setup
from tgsim import SimMessage, Simulator, SimUser

N = 30


async def submitted(sim: Simulator, running: RunningBot, count: int) -> list[int]:
    """`count` applications submitted (through the services), their numbers."""
    svc, numbers = running.services, []
    for n in range(1, count + 1):
        person = sim.user(f"Pendaftar {n}")
        applicant = await svc.applicants.seen(person.id, None, "id")
        await fill_by_service(svc, applicant.id, nik=f"520701450895{n:04d}", sim=sim)
        outcome, pos = await svc.registration.submit(applicant.id)
        assert outcome == "submitted" and pos.application
        numbers.append(pos.application.id)
    svc.notify_outbox()
    return numbers


def number(card: SimMessage) -> int:
    return int((card.text or "").split("#")[1].split()[0])


async def test_two_reviewers_in_private_never_get_the_same_application_at_once(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    numbers = await submitted(sim, running, N)
    holding: dict[str, int] = {}
    decided: dict[str, list[int]] = {"Bob": [], "Carol": []}

    async def next_card_or_done(person: SimUser, after: int) -> SimMessage:
        """The next card offered to this reviewer, or the message that none is left."""
        def found() -> list[SimMessage]:
            return [m for m in person.messages() if m.from_bot and m.message_id > after and (
                "menunggu pemeriksaan" in (m.text or "") or "Tidak ada lagi" in (m.text or ""))]
        await person.wait_for(lambda: bool(found()), timeout=10)
        return found()[0]

    async def review(person: SimUser, verdict: str) -> None:
        card = await next_card_or_done(person, (await person.send("/periksa")).message_id)
        while "Tidak ada lagi" not in (card.text or ""):
            app_id = number(card)
            others = {n for who, n in holding.items() if who != person.first_name}
            assert app_id not in others, f"#{app_id} offered to two reviewers at once"
            holding[person.first_name] = app_id
            photos = [m for m in person.messages() if m.from_bot and f"· #{app_id}" in
                      (m.text or "") and m.kind == "photo"]
            assert len(photos) == 3 and all(m.protect_content for m in (*photos, card))
            await person.click(verdict, message=card)
            decided[person.first_name].append(app_id)
            card = await next_card_or_done(person, card.message_id)
        holding.pop(person.first_name, None)

    await asyncio.gather(review(bob, "✅ Lulus"), review(carol, "✅ Lulus"))
    assert sorted(decided["Bob"] + decided["Carol"]) == numbers  # each exactly once
    assert decided["Bob"] and decided["Carol"]  # both worked
    rows = await running.services.db.fetchall(
        "SELECT status, decided_by_name FROM applications ORDER BY id")
    assert [r[0] for r in rows] == ["admin_passed"] * N
    # Every copy of every card shows its outcome: in the private chats at once; in the group
    # (20 messages a minute) a card not posted yet goes out decided, a posted one is edited.
    await sim.wait_until(lambda: not open_cards(sim, bob) and not open_cards(sim, carol), 20)
    group_rows = await running.services.db.fetchall(
        "SELECT status, payload FROM outbox WHERE chat_id = ? AND payload LIKE '%Pendaftaran #%'",
        (group.chat_id,))
    cards = [r for r in group_rows if '"edit_text"' not in r[1]]
    edits = [r for r in group_rows if '"edit_text"' in r[1] and "✅ Lulus —" in r[1]]
    posted_undecided = [r for r in cards if "menunggu pemeriksaan" in r[1]]
    assert len(cards) == N and all(r[0] == "sent" for r in posted_undecided)
    # Each posted card is edited to its outcome; so is one sent in the instant it was decided
    # (waiting in the group's lane, it left with the old text: bot.outbox follows it up).
    assert len(posted_undecided) <= len(edits) <= N
    assert all("reply_markup" not in r[1] for r in cards if "✅ Lulus —" in r[1])


def open_cards(sim: Simulator, person: SimUser) -> list[SimMessage]:
    """Cards in this person's chat that still wait for a decision (or show its buttons)."""
    return [m for m in sim.chats[person.id].history() if m.from_bot and (
        ("Pendaftaran #" in (m.text or "") and "✅ Lulus —" not in (m.text or "")) or any(
            "Lulus" in b for row in m.buttons for b in row))]


async def test_only_staff_review_in_private_and_a_skipped_one_goes_to_the_next_reviewer(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, _, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    first, second = await submitted(sim, running, 2)
    stranger = sim.user("Eve")
    await stranger.send("/periksa")
    assert "hanya untuk panitia" in (await stranger.next_message_with("panitia")).text
    await bob.send("/periksa")
    card = await bob.next_message_with(f"Pendaftaran #{first}", timeout=10)
    await bob.click("⏭ Lewati", message=card)
    card = await bob.next_message_with(f"Pendaftaran #{second}", timeout=10)
    await carol.send("/periksa")  # the one Bob skipped; Bob still holds the second
    theirs = await carol.next_message_with(f"Pendaftaran #{first}", timeout=10)
    await carol.click("❌ Tidak lulus", message=theirs)
    await carol.click("✍️ Ketik alasan lain", message=theirs)
    prompt = await carol.next_message_with("balas pesan ini")
    typed = await carol.send("KTP milik orang lain", reply_to=prompt)
    confirm = await carol.reply_to(typed)
    await carol.click("✅ Ya, tidak lulus", message=confirm)
    await carol.next_message_with("Tidak ada lagi pendaftaran", timeout=10)
    await bob.click("⏹ Berhenti", message=card)
    await bob.next_message_with("dijeda")
    rows = await running.services.db.fetchall(
        "SELECT id, status, decision_reason FROM applications ORDER BY id")
    assert [tuple(r) for r in rows] == [(first, "admin_failed", "KTP milik orang lain"),
                                        (second, "submitted", None)]
    # Carol's reason went to the card, never to a registration form of her own
    assert not await running.services.db.fetchall(
        "SELECT 1 FROM applications AS p JOIN applicants AS a ON a.id = p.applicant_id "
        f"WHERE a.telegram_id = {carol.id}")
