"""Staff review in the group: cards with documents and flags; the first decision wins."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.runner import RunningBot
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.journeys import Person, register, reply, submit
from tgsim import SimChat, SimMessage, Simulator, SimUser


async def staff_setup(sim: Simulator, bot_runner: StartBot, tmp_path: Path
                      ) -> tuple[RunningBot, SimChat, SimUser, SimUser]:
    bob, carol = sim.user("Bob", username="bob_bps"), sim.user("Carol")
    group = sim.group("Panitia Mitra", members=[bob, carol], admins=[bob])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                           staff_chat_id=group.chat_id))
    return running, group, bob, carol


async def card_for(staff: SimUser, group: SimChat) -> tuple[list[SimMessage], SimMessage]:
    """The next review card in the group, and the three documents posted just before it."""
    card = await staff.next_message_with("menunggu pemeriksaan administrasi", chat=group,
                                         timeout=10)
    files = [m for m in staff.messages(chat=group)
             if m.from_bot and m.file is not None and m.message_id < card.message_id]
    return files[-3:], card


async def test_submitted_application_is_reviewed_and_the_applicant_told(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    john = sim.user("John", language_code="en")
    await register(john, "en", Person(name="John Doe", nik="5201011508950004", sex="M",
                                      birth_date="15-08-1995"))
    await submit(john, "en")
    documents, card = await card_for(bob, group)
    assert [d.kind for d in documents] == ["photo", "photo", "document"]
    album = {d.media_group_id for d in documents[:2]}
    assert len(album) == 1 and None not in album  # KTP and photo together
    assert "KTP" in documents[0].text and "Ijazah" in documents[2].text
    assert "NIK: 5201011508950004" in card.text
    assert "NIK diterbitkan di luar kabupaten ini" in card.text  # 5201 is not 5207
    answer = await bob.click("✅ Lulus", message=card)
    assert answer.text == "Tersimpan: ✅ Lulus."
    told = await john.next_message(timeout=10)
    assert "passed the administrative check" in told.text
    row = await running.services.db.fetchone(
        "SELECT actor_name, action FROM audit_log ORDER BY id DESC LIMIT 1")
    assert tuple(row) == ("Bob", "decide_pass")


async def test_two_staff_deciding_at_once_store_one_decision(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    _, card = await card_for(bob, group)
    app_id = int(card.text.split("#")[1].split()[0])
    answers = await asyncio.gather(bob.click_data(f"sv:{app_id}:pass", card),
                                   carol.click_data(f"sr:{app_id}:documents", card))
    texts_ = sorted(a.text or "" for a in answers)
    assert texts_[0].startswith("Sudah diputuskan oleh") and texts_[1].startswith("Tersimpan")
    decision = await siti.next_message(timeout=10)
    await running.outbox.idle.wait()
    assert len([m for m in sim.sent_messages(siti.id) if "seleksi administrasi" in m.text
                and m.message_id >= decision.message_id]) == 1
    rows = await running.services.db.fetchall(
        "SELECT status FROM applications WHERE status IN ('admin_passed', 'admin_failed')")
    assert len(rows) == 1
    # a later click on the old card is told who decided, and changes nothing
    late = await carol.click_data(f"sv:{app_id}:fix", card)
    assert (late.text or "").startswith("Sudah diputuskan oleh")


async def test_fail_with_a_chosen_or_typed_reason(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    siti, john = sim.user("Siti"), sim.user("John", language_code="en")
    await register(siti)
    await submit(siti)
    _, siti_card = await card_for(bob, group)
    await register(john, "en", Person(name="John Doe", nik="5207011508950004", sex="M",
                                      birth_date="15-08-1995"))
    await submit(john, "en")
    _, john_card = await card_for(bob, group)
    await bob.click("❌ Tidak lulus", message=siti_card)
    await bob.click("Dokumen tidak lengkap atau tidak terbaca", message=siti_card)
    told = await siti.next_message(timeout=10)
    assert "tidak lulus seleksi administrasi" in told.text
    assert "Alasan: Dokumen tidak lengkap atau tidak terbaca" in told.text
    await carol.click("❌ Tidak lulus", message=john_card)
    await carol.click("✍️ Ketik alasan lain", message=john_card)
    await carol.wait_for(lambda: "ketik alasan" in (carol.last_bot_message(chat=group).text or ""))
    await bob.send("pesan lain dari Bob", chat=group)  # not Carol: not taken as the reason
    await carol.send("Ijazah tidak sesuai nama pada KTP", chat=group)
    told = await john.next_message(timeout=10)
    assert "did not pass" in told.text and "Reason: Ijazah tidak sesuai nama pada KTP" in told.text
    row = await running.services.db.fetchone(
        "SELECT decision_reason FROM applications WHERE status = 'admin_failed' "
        "AND decided_by_name = 'Carol'")
    assert row[0] == "Ijazah tidak sesuai nama pada KTP"


async def test_needs_fixing_reopens_exactly_those_items_then_back_to_the_queue(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    _, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    _, card = await card_for(bob, group)
    await bob.click("🔧 Perlu perbaikan", message=card)
    answer = await bob.click("📨 Kirim ke pendaftar (0)", message=card)
    assert answer.show_alert and "minimal satu" in (answer.text or "")
    await bob.click("▫️ Email", message=card)
    await bob.click("▫️ KTP", message=card)
    await bob.click("📨 Kirim ke pendaftar (2)", message=card)
    told = await siti.next_message(timeout=10)
    assert "perlu diperbaiki" in told.text and "Email, KTP" in told.text
    await siti.send("/daftar")
    assert "alamat email" in (await reply(siti)).text  # straight to the first reopened item
    await siti.send("siti.baru@gmail.com")
    assert "KTP" in (await reply(siti)).text
    await siti.send_photo(b"a sharper ktp")
    review = await reply(siti)
    assert "siti.baru@gmail.com" in review.text
    edit_labels = [label for row in review.buttons for label in row if label.startswith("✏️")]
    assert edit_labels == ["✏️ Email", "✏️ KTP"]  # nothing else may change now
    await siti.click("📨 Kirim pendaftaran", message=review)
    await reply(siti)
    await siti.click("Ya, kirim")
    assert "sudah diterima" in (await reply(siti)).text
    _, second_card = await card_for(bob, group)  # back in the queue, with a fresh card
    assert "siti.baru@gmail.com" in second_card.text
    await bob.click("✅ Lulus", message=second_card)
    assert "lulus seleksi administrasi" in (await siti.next_message(timeout=10)).text


async def test_decision_survives_a_crash_before_its_message_is_sent(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    _, card = await card_for(bob, group)
    await running.outbox.stop()  # the sender is gone: the decision commits, nothing is sent
    await bob.click("✅ Lulus", message=card)
    await running.stop()
    before = len(sim.sent_messages(siti.id))
    restarted = await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                             staff_chat_id=group.chat_id))
    assert "lulus seleksi administrasi" in (await siti.next_message(timeout=10)).text
    await restarted.outbox.idle.wait()
    assert len(sim.sent_messages(siti.id)) == before + 1


async def test_decision_buttons_outside_the_staff_group_do_nothing(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    _, card = await card_for(bob, group)
    mallory = sim.user("Mallory")
    await mallory.send("/start")
    welcome = await reply(mallory)
    answer = await mallory.click_data(card.button_data[0][0], welcome)
    assert answer.text == "Tombol ini hanya untuk panitia di grup panitia."
    row = await running.services.db.fetchone("SELECT status FROM applications")
    assert row[0] == "submitted"


async def test_only_group_admins_open_and_close_registration(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    refused = await carol.send("/tutup", chat=group)  # a member, not an administrator
    assert "hanya untuk admin" in (await carol.reply_to(refused)).text
    await carol.send("/tutup")  # in a private chat: refused too
    assert "hanya untuk panitia di grup panitia" in (await carol.next_message()).text
    siti = sim.user("Siti")
    await siti.send("/daftar")
    assert "Sebelum mendaftar" in (await reply(siti)).text  # still open
    closed = await bob.send("/tutup", chat=group)
    assert "ditutup" in (await bob.reply_to(closed)).text
    ani = sim.user("Ani")
    await ani.send("/daftar")
    assert "sudah ditutup" in (await reply(ani)).text
    rows = await running.services.db.fetchall(
        "SELECT actor_name, action, allowed FROM audit_log ORDER BY id")
    assert [tuple(r) for r in rows] == [("Carol", "close", 0),
                                        ("Carol", "outside_group:tutup", 0),
                                        ("Bob", "registration_closed", 1)]
