"""Staff review in the group: cards with documents and flags; the first decision wins."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.runner import RunningBot
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.journeys import Person, register, reply_with, submit, words
from tgsim import SimChat, SimMessage, Simulator, SimUser

pytestmark = pytest.mark.both_engines  # a main journey: on SQLite and on PostgreSQL


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


async def one_card(sim: Simulator, staff: SimUser, group: SimChat
                   ) -> tuple[SimUser, SimMessage]:
    """Siti registers and submits; her card as the staff group sees it."""
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    _, card = await card_for(staff, group)
    return siti, card


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
    assert all(m.protect_content for m in (*documents, card))  # personal data stays put
    # the ijazah under the committee's name, never the applicant's file name
    assert documents[2].file and documents[2].file.get("file_name") == "Ijazah-1.pdf"
    assert sim.file_bytes(documents[2].file["file_id"]).startswith(b"%PDF")
    album = {d.media_group_id for d in documents[:2]}
    assert len(album) == 1 and None not in album  # KTP and photo together
    assert "KTP" in documents[0].text and "Ijazah" in documents[2].text
    assert "NIK: 5201011508950004" in card.text
    assert "NIK diterbitkan di luar kabupaten ini" in card.text  # 5201 is not 5207
    answer = await bob.click("✅ Lulus", message=card)
    assert answer.text == "Tersimpan: ✅ Lulus."
    await reply_with(john, "passed the administrative check")
    row = await running.services.db.fetchone(
        "SELECT actor_name, action FROM audit_log ORDER BY id DESC LIMIT 1")
    assert tuple(row) == ("Bob", "decide_pass")


async def test_two_staff_deciding_at_once_store_one_decision(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    siti, card = await one_card(sim, bob, group)
    app_id = int(card.text.split("#")[1].split()[0])
    answers = await asyncio.gather(bob.click_data(f"sv:{app_id}:pass", card),
                                   carol.click_data(f"sr:{app_id}:documents", card))
    texts_ = sorted(a.text or "" for a in answers)
    assert texts_[0].startswith("Sudah diputuskan: ") and texts_[1].startswith("Tersimpan")
    # the late clicker is told what was decided, by whom and when; the card says the same
    what = texts_[0].removeprefix("Sudah diputuskan: ")
    assert what.startswith(("✅ Lulus — Bob, 10 November 2023 10.00",
                            "❌ Tidak lulus (Dokumen tidak lengkap atau tidak terbaca) — Carol"))
    await bob.wait_for(lambda: what.rstrip(".") in (card.text or ""), timeout=10)
    assert card.text.startswith(f"Pendaftaran #{app_id} · ") and card.buttons == []
    decision = await reply_with(siti, "seleksi administrasi")  # passed or failed: one of them
    await running.outbox.idle.wait()
    assert len([m for m in sim.sent_messages(siti.id) if "seleksi administrasi" in m.text
                and m.message_id >= decision.message_id]) == 1
    rows = await running.services.db.fetchall(
        "SELECT status FROM applications WHERE status IN ('admin_passed', 'admin_failed')")
    assert len(rows) == 1
    # a later click on the old card is told who decided, and changes nothing
    late = await carol.click_data(f"sv:{app_id}:fix", card)
    assert (late.text or "").startswith("Sudah diputuskan: ✅ Lulus — Bob")


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
    told = await reply_with(siti, "tidak lulus seleksi administrasi")
    assert "Alasan: Dokumen tidak lengkap atau tidak terbaca" in told.text
    await carol.click("❌ Tidak lulus", message=john_card)
    await carol.click("✍️ Ketik alasan lain", message=john_card)
    prompt = await carol.next_message_with("balas pesan ini", chat=group)
    assert (prompt.reply_markup or {}).get("force_reply") and "#2" in prompt.text
    # A remark for a colleague, a reply to the prompt by someone else: neither is the reason.
    await carol.send("Bu, kartu #8 tolong dicek juga ya", chat=group)
    await bob.send("saya setuju", chat=group, reply_to=prompt)
    reply = await carol.send("Ijazah tidak sesuai nama pada KTP", chat=group, reply_to=prompt)
    confirm = await carol.reply_to(reply)
    assert "«Ijazah tidak sesuai nama pada KTP»" in confirm.text
    row = await running.services.db.fetchone("SELECT status FROM applications WHERE id = 2")
    assert row[0] == "submitted"  # nothing decided before the confirmation
    await carol.click("✅ Ya, tidak lulus", message=confirm)
    told = await reply_with(john, "did not pass")
    assert "Reason: Ijazah tidak sesuai nama pada KTP" in told.text
    row = await running.services.db.fetchone(
        "SELECT decision_reason FROM applications WHERE status = 'admin_failed' "
        "AND decided_by_name = 'Carol'")
    assert row[0] == "Ijazah tidak sesuai nama pada KTP"
    await bob.wait_for(lambda: "❌ Tidak lulus (Ijazah tidak sesuai nama pada KTP) — Carol"
                       in (john_card.text or ""))


async def test_a_late_reply_to_a_reason_prompt_is_not_taken(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path, clock: ManualClock
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    _, card = await one_card(sim, bob, group)
    await bob.click("❌ Tidak lulus", message=card)
    await bob.click("✍️ Ketik alasan lain", message=card)
    prompt = await bob.next_message_with("balas pesan ini", chat=group)
    clock.advance(minutes=11)
    late = await bob.send("Foto buram", chat=group, reply_to=prompt)
    assert "kedaluwarsa" in (await bob.reply_to(late)).text
    row = await running.services.db.fetchone("SELECT status FROM applications")
    assert row[0] == "submitted"


async def test_needs_fixing_reopens_exactly_those_items_then_back_to_the_queue(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    _, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti, card = await one_card(sim, bob, group)
    await bob.click("🔧 Perlu perbaikan", message=card)
    answer = await bob.click("📨 Kirim ke pendaftar (0)", message=card)
    assert answer.show_alert and "minimal satu" in (answer.text or "")
    await bob.click("▫️ Email", message=card)
    await bob.click("▫️ KTP", message=card)
    await bob.click("📝 Tambah catatan", message=card)
    prompt = await bob.next_message_with("catatan untuk pendaftar #1", chat=group)
    note = await bob.send("Foto KTP terpotong; email tidak aktif.", chat=group, reply_to=prompt)
    assert "tersimpan" in (await bob.reply_to(note)).text
    await bob.click("⏰ Batas: tanpa", message=card)
    await bob.click("⏰ Batas: 1 hari", message=card)  # 1, then 3 days
    assert ["📝 Catatan ✅ (ubah)", "⏰ Batas: 3 hari"] in card.buttons
    await bob.click("📨 Kirim ke pendaftar (2)", message=card)
    told = await reply_with(siti, "perlu diperbaiki")
    assert "Email, KTP" in told.text
    assert "Catatan panitia: Foto KTP terpotong; email tidak aktif." in told.text
    assert "Batas perbaikan: 13 November 2023 23.59 WITA." in told.text
    await bob.wait_for(lambda: "🔧 Perlu perbaikan: Email, KTP — Bob" in (card.text or ""))
    assert card.buttons == []  # the card says what was decided, and takes no more clicks
    await siti.send("/daftar")
    await reply_with(siti, words("id", "reg.ask_email"))  # the first reopened item
    await siti.send("siti.baru@gmail.com")
    await reply_with(siti, words("id", "reg.ask_ktp"))
    await siti.send_photo(b"a sharper ktp")
    review = await reply_with(siti, words("id", "reg.review_title"))
    assert "siti.baru@gmail.com" in review.text
    edit_labels = [label for row in review.buttons for label in row if label.startswith("✏️")]
    assert edit_labels == ["✏️ Email", "✏️ KTP"]  # nothing else may change now
    await siti.click("📨 Kirim pendaftaran", message=review)
    await reply_with(siti, words("id", "reg.submit_confirm"))
    await siti.click("Ya, kirim")
    await reply_with(siti, "sudah diterima")
    _, second_card = await card_for(bob, group)  # back in the queue, with a fresh card
    assert "siti.baru@gmail.com" in second_card.text
    assert "dikirim ulang setelah perbaikan (Email, KTP)" in second_card.text
    await bob.click("✅ Lulus", message=second_card)
    await reply_with(siti, "lulus seleksi administrasi")
    await bob.wait_for(lambda: "· ✅ Lulus — Bob" in (second_card.text or ""))


async def test_a_card_decided_before_it_was_posted_arrives_decided_and_forged_ids_are_named(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti, ani = sim.user("Siti"), sim.user("Ani")
    await register(siti, photo=b"one face")
    await register(ani, person=Person(name="Ani Lestari", nik="5207014508950002"),
                   photo=b"one face")
    await running.outbox.stop()  # the group is slow today: nothing is posted yet
    await submit(siti)
    await submit(ani)
    rows = await running.services.db.fetchall("SELECT id FROM applications ORDER BY id")
    first, second = rows[0][0], rows[1][0]
    assert (await running.services.review.decide(first, "pass", 1, "Rina")).decided
    running.outbox.start()
    decided = await bob.next_message_with(f"Pendaftaran #{first} · ✅ Lulus — Rina", chat=group,
                                          timeout=10)
    assert decided.buttons == []
    waiting = await bob.next_message_with(f"Pendaftaran #{second} menunggu", chat=group,
                                          timeout=10)
    # the same photo for both: each card names the other application
    assert f"Pasfoto yang sama dipakai pendaftaran #{first}" in waiting.text
    assert f"Pasfoto yang sama dipakai pendaftaran #{second}" in decided.text
    forged = await bob.click_data("sv:999:pass", waiting)
    assert forged.text == "Pendaftaran #999 tidak ada."


async def test_decision_survives_a_crash_before_its_message_is_sent(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti, card = await one_card(sim, bob, group)
    await running.outbox.stop()  # the sender is gone: the decision commits, nothing is sent
    await bob.click("✅ Lulus", message=card)
    await running.stop()
    before = len(sim.sent_messages(siti.id))
    restarted = await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                             staff_chat_id=group.chat_id))
    await reply_with(siti, "lulus seleksi administrasi")
    await restarted.outbox.idle.wait()
    assert len(sim.sent_messages(siti.id)) == before + 1


async def test_decision_buttons_outside_the_staff_group_do_nothing(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    _, card = await one_card(sim, bob, group)
    mallory = sim.user("Mallory")
    await mallory.send("/start")
    welcome = await reply_with(mallory, "Selamat datang")
    answer = await mallory.click_data(card.button_data[0][0], welcome)
    assert answer.text == "Tombol ini hanya untuk panitia di grup panitia."
    row = await running.services.db.fetchone("SELECT status FROM applications")
    assert row[0] == "submitted"


async def test_only_group_admins_open_and_close_registration(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    chatter = await bob.send("halo semua", chat=group)
    await bob.edit(chatter, "/tutup")  # an old message edited into a command: never run
    rina = sim.user("Rina")
    answer = await rina.send("Rina Wati")
    await rina.edit(answer, "/hapus")
    assert "tidak dibaca ulang" in (await reply_with(rina, "Pesan yang diedit")).text
    assert await running.services.registration.window() == "open"
    refused = await carol.send("/tutup", chat=group)  # a member, not an administrator
    assert "hanya untuk admin" in (await carol.reply_to(refused)).text
    await carol.send("/tutup")  # in a private chat: refused too
    await reply_with(carol, "hanya untuk panitia di grup panitia")
    siti = sim.user("Siti")
    await siti.send("/daftar")
    await reply_with(siti, "Sebelum mendaftar")  # still open
    dave = sim.user("Dave")
    group.set_admin(dave, True)  # a second administrator; his rights are checked once (cached)
    opened = await dave.send("/buka", chat=group)
    assert "dibuka" in (await dave.reply_to(opened)).text
    group.set_admin(dave, False)  # demoted: at once, not after the cache expires
    refused = await dave.send("/tutup", chat=group)
    assert "hanya untuk admin" in (await dave.reply_to(refused)).text
    closed = await bob.send("/tutup", chat=group)
    assert "ditutup" in (await bob.reply_to(closed)).text
    ani = sim.user("Ani")
    await ani.send("/daftar")
    await reply_with(ani, "sudah ditutup")
    rows = await running.services.db.fetchall(
        "SELECT actor_name, action, allowed FROM audit_log ORDER BY id")
    assert [tuple(r) for r in rows] == [("Carol", "close", 0),
                                        ("Carol", "outside_group:tutup", 0),
                                        ("Dave", "registration_open", 1),
                                        ("Dave", "close", 0),
                                        ("Bob", "registration_closed", 1)]


async def test_erasing_after_submitting_removes_what_staff_were_shown(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    siti, card = await one_card(sim, bob, group)
    await bob.send("/antrian", chat=group)  # a second copy of the card
    copy = await bob.next_message_with("Pendaftaran #1 menunggu", chat=group)
    posted = [m for m in group.history() if m.from_bot and "#1" in (m.text or "")]
    assert len(posted) == 5  # three documents, the card, its /antrian copy
    file_ids = [r[0] for r in await running.services.db.fetchall("SELECT file_id FROM documents")]
    assert len(file_ids) == 3
    await siti.send("/hapus")
    confirm = await reply_with(siti, "Hapus pendaftaran")
    await siti.click("Ya, hapus data saya", message=confirm)
    await reply_with(siti, "telah dihapus")
    await sim.wait_until(lambda: all(m.deleted for m in posted), 10)
    assert card.deleted and copy.deleted
    nik = Person().nik
    rows = await running.services.db.fetchall("SELECT payload FROM outbox")
    assert not [r for r in rows if nik in r[0] or any(f in r[0] for f in file_ids)]
    audit = await running.services.db.fetchall(
        "SELECT action, detail FROM audit_log WHERE action = 'applicant_erased'")
    assert len(audit) == 1 and nik not in audit[0][1]  # that it happened, not what was erased
