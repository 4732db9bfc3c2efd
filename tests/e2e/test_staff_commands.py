"""Committee commands in the staff group, and the same commands refused everywhere else."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.e2e.conftest import StartBot
from tests.e2e.journeys import Person, register, reply_with, submit, words
from tests.e2e.test_staff_review import card_for, staff_setup
from tgsim import SimChat, SimMessage, Simulator, SimUser

STAFF_COMMANDS = ["/antrian", "/cari Siti", "/data 1", "/jejak 1", "/statistik", "/ekspor",
                  "/buka", "/tutup"]


async def ask_message(staff: SimUser, group: SimChat, command: str) -> SimMessage:
    """Send a command in the group; the bot's reply to it (the message quoting it)."""
    return await staff.reply_to(await staff.send(command, chat=group), timeout=10)


async def ask(staff: SimUser, group: SimChat, command: str) -> str:
    """The text (or caption) of the bot's reply to `command` in the group."""
    return (await ask_message(staff, group, command)).text or ""


async def two_applicants(sim: Simulator, bob: SimUser, group: SimChat) -> None:
    siti, john = sim.user("Siti", username="siti_ksb"), sim.user("John", language_code="en")
    await register(siti)
    await submit(siti)
    await card_for(bob, group)
    await register(john, "en", Person(name="John Doe", nik="5207011508950004", sex="M",
                                      birth_date="15-08-1995", district="Maluk",
                                      education="S1"))
    await submit(john, "en")
    _, card = await card_for(bob, group)
    await bob.click("✅ Lulus", message=card)


async def test_queue_search_record_trail_and_statistics(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    _, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    await two_applicants(sim, bob, group)
    queue = await ask(carol, group, "/antrian")
    assert "1 pendaftaran menunggu" in queue
    card = await carol.next_message_with("Pendaftaran #1 menunggu", chat=group)
    assert card.buttons[0] == ["✅ Lulus", "❌ Tidak lulus"]
    for term in ("aminah", "5207014508950003", "@siti_ksb"):
        found = await ask(carol, group, f"/cari {term}")
        assert found.startswith("Ditemukan 1") and "#1 Siti Aminah" in found, term
    assert await ask(carol, group, "/cari zzz") == "Tidak ditemukan."
    record = await ask(carol, group, "/data 2")
    assert "Pendaftaran #2 · status: lulus administrasi" in record and "John Doe" in record
    assert "Diputuskan oleh Bob" in record and "Bob · memutuskan lulus administrasi" in record
    trail = await ask(carol, group, "/jejak 2")
    assert "Bob · memutuskan lulus administrasi" in trail
    assert "Carol · melihat data" in trail  # the read of /data 2 just before
    stats = await ask(carol, group, "/statistik")
    assert "• menunggu pemeriksaan: 1" in stats and "• lulus administrasi: 1" in stats
    assert "• Maluk: 1" in stats and "• S1: 1" in stats
    assert "• SMA/SMK/MA sederajat: 1" in stats


async def test_export_is_an_xlsx_for_administrators_only(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    await two_applicants(sim, bob, group)
    assert "hanya untuk admin" in await ask(carol, group, "/ekspor")
    document = await ask_message(bob, group, "/ekspor")
    assert "Ekspor 2 pendaftar oleh Bob" in (document.text or "")
    assert document.kind == "document" and document.file is not None
    assert document.file["file_name"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(sim.file_bytes(document.file["file_id"])))
    rows = list(book.active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 2
    record = [dict(zip(header, row, strict=True)) for row in data]
    assert [r["Nama"] for r in record] == ["Siti Aminah", "John Doe"]
    assert [r["Status"] for r in record] == ["menunggu pemeriksaan", "lulus administrasi"]
    assert record[0]["NIK"] == "5207014508950003" and record[1]["Diputuskan oleh"] == "Bob"
    assert record[0]["No. HP"] == "+6281234567890" and record[0]["Username Telegram"] == "@siti_ksb"
    audit = await running.services.db.fetchall(
        "SELECT actor_name, action, allowed FROM audit_log WHERE action = 'export' ORDER BY id")
    assert [tuple(r) for r in audit] == [("Carol", "export", 0), ("Bob", "export", 1)]


async def test_staff_commands_from_outside_the_group_give_nothing(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    await two_applicants(sim, bob, group)
    mallory = sim.user("Mallory")
    before = await running.services.db.fetchall("SELECT status FROM applications ORDER BY id")
    for command in STAFF_COMMANDS:
        await mallory.send(command)
        reply = await reply_with(mallory, "hanya untuk panitia di grup panitia")
        assert reply.text == "Perintah ini hanya untuk panitia di grup panitia.", command
        assert reply.kind == "text"
    after = await running.services.db.fetchall("SELECT status FROM applications ORDER BY id")
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    refused = await running.services.db.fetchall(
        "SELECT action FROM audit_log WHERE actor_name = 'Mallory' AND allowed = 0")
    assert len(refused) == len(STAFF_COMMANDS)
    flag = await running.services.db.fetchone("SELECT count(*) FROM recruitment_flags")
    assert flag[0] == 0


async def test_an_anonymous_administrator_is_asked_to_post_as_themselves(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    _, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    await two_applicants(sim, bob, group)
    sent = await bob.send("/data 1", chat=group, anonymous=True)
    answer = await bob.reply_to(sent)
    assert "admin anonim" in answer.text and "NIK" not in answer.text
    assert "Siti Aminah" not in answer.text  # nothing served to an unidentified account
    assert "NIK: 5207014508950003" in await ask(bob, group, "/data 1")  # as himself: served


async def test_a_disputed_nik_reaches_staff_and_an_administrator_releases_it(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    mallory, siti = sim.user("Mallory"), sim.user("Siti")
    await register(mallory)  # with Siti's NIK (the default person's)
    await register(siti)
    await submit(mallory)
    await card_for(bob, group)
    refused = await submit(siti, expect=words("id", "errors.nik.taken"))
    assert "panitia sudah diberi tahu" in refused.text
    notice = await bob.next_message_with("NIK disengketakan", chat=group)
    assert "Pendaftaran #2 tidak bisa dikirim" in notice.text and "/lepasnik 1" in notice.text
    assert "5207014508950003" not in notice.text  # numbers of applications, not the NIK
    assert await ask(carol, group, "/lepasnik 1 KTP asli milik #2") == (
        "Perintah ini hanya untuk admin grup panitia. Percobaan ini dicatat.")
    assert (await ask(bob, group, "/lepasnik 1")).startswith("Tulis nomor pendaftaran")
    released = await ask(bob, group, "/lepasnik 1 KTP asli milik pendaftar #2")
    assert released.startswith("NIK pendaftaran #1 dilepaskan oleh Bob")
    told = await mallory.next_message_with("perlu diperbaiki")
    assert "NIK" in told.text and "KTP asli milik pendaftar #2" in told.text
    assert "sudah diterima" in (await submit(siti)).text  # the owner gets through
    rows = await running.services.db.fetchall(
        "SELECT status, nik IS NULL FROM applications ORDER BY id")
    assert [tuple(r) for r in rows] == [("needs_fix", 1), ("submitted", 0)]
    audit = await running.services.db.fetchall(
        "SELECT actor_name, action, allowed, detail FROM audit_log "
        "WHERE action IN ('release_nik', 'nik_disputed') ORDER BY id")
    assert [(r[0], r[1], r[2]) for r in audit] == [
        ("pendaftar", "nik_disputed", 1), ("Carol", "release_nik", 0),
        ("Bob", "release_nik", 1)]
    assert "KTP asli milik pendaftar #2" in audit[2][3]
    assert "5207014508950003" not in "".join(r[3] or "" for r in audit)
    # Once released, a second time finds nothing to release (and says so).
    assert "tidak dapat dilepaskan" in await ask(bob, group, "/lepasnik 1 lagi")


async def test_another_recruitments_application_is_out_of_reach(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    """Another regency's (or year's) application in the same database: staff of this one
    neither see it nor act on it."""
    from datetime import UTC, datetime

    from storage import applicants, registrations

    running, group, bob, _ = await staff_setup(sim, bot_runner, tmp_path)
    now = datetime(2023, 11, 10, 2, 0, tzinfo=UTC)
    async with running.services.db.write() as conn:
        person = await applicants.upsert_seen(conn, 999, "lain", "id", now)
        other = await registrations.start_application(conn, person.id, "mitra-lain-2024", now)
    assert await ask(bob, group, f"/data {other.id}") == "Tidak ditemukan."
    assert await ask(bob, group, f"/jejak {other.id}") == "Tidak ditemukan."
    assert await ask(bob, group, f"/lepasnik {other.id} coba") == "Tidak ditemukan."
    assert not await running.services.testing.give_extra(other.id, 10, 1, "Bob")
