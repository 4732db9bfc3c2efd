"""Staff read words, never internal codes (in the group and in the export), and every reading of
personal data is audited like a decision."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.e2e.conftest import CODE, STATUS_CODES, StartBot
from tests.e2e.journeys import Person, register, submit
from tests.e2e.test_staff_commands import ask, ask_message, two_applicants
from tests.e2e.test_staff_review import card_for, staff_setup
from tgsim import SimChat, Simulator

STATUS_WORD = re.compile(rf"\b(?:{'|'.join(STATUS_CODES)})\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
SENDING = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "sendMediaGroup",
           "editMessageCaption", "editMessageReplyMarkup")


def codes_in(text: str) -> list[str]:
    """Internal codes in one text: a snake_case token (an e-mail's local part or an @username
    excepted: a person's own text), an application status code, an ISO timestamp."""
    return [m.group(0) for pattern in (CODE, STATUS_WORD, ISO_TIME)
            for m in pattern.finditer(text)]


def texts_to_group(sim: Simulator, group: SimChat) -> list[str]:
    """Every text, caption and button label the bot sent or edited into the group, and every
    callback answer (staff are the only ones pressing buttons here), from the call log."""
    found: list[str] = []
    for call in sim.calls:
        if call.method == "answerCallbackQuery" and isinstance(call.params.get("text"), str):
            found.append(call.params["text"])
        if call.method not in SENDING or str(call.params.get("chat_id")) != str(group.chat_id):
            continue
        media = call.params.get("media")
        items = json.loads(media) if isinstance(media, str) else media or []
        for item in [call.params, *items]:
            for key in ("text", "caption"):
                if isinstance(item.get(key), str):
                    found.append(re.sub(r"<[^>]+>", "", item[key]))
        markup = call.params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup or {}
        found += [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
    return found


async def test_staff_views_and_the_export_show_words_never_codes(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    # The bot sends a group at most 20 messages a minute: this walk-through sends 17.
    _, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    siti, ani = sim.user("Siti", username="siti_ksb"), sim.user("Ani")
    await register(siti)
    await submit(siti)
    await card_for(bob, group)  # #1 waits
    await register(ani, "id", Person(name="Ani Lestari", nik="5207015203900005",
                                     birth_date="12-03-1990", district="Maluk", education="D3"))
    await submit(ani)
    _, card = await card_for(bob, group)
    await bob.click("❌ Tidak lulus", message=card)
    await bob.click("Dokumen tidak lengkap atau tidak terbaca", message=card)  # #2 failed

    assert "1 pendaftaran menunggu" in await ask(carol, group, "/antrian")
    found = await ask(carol, group, "/cari 5207")
    assert "#1 Siti Aminah" in found and "· menunggu pemeriksaan" in found
    assert "#2 Ani Lestari" in found and "· tidak lulus administrasi" in found
    record = await ask(carol, group, "/data 2")
    assert "status: tidak lulus administrasi" in record
    assert "Alasan: Dokumen tidak lengkap atau tidak terbaca" in record
    trail = await ask(carol, group, "/jejak 2")
    assert ("Bob · memutuskan tidak lulus administrasi · alasan: Dokumen tidak lengkap atau "
            "tidak terbaca") in trail
    assert "Carol · melihat data" in trail
    assert "Carol · mencari pendaftar · lewat NIK/nomor, 2 hasil" in trail
    stats = await ask(carol, group, "/statistik")
    for line in ("• menunggu pemeriksaan: 1", "• tidak lulus administrasi: 1",
                 "• SMA/SMK/MA sederajat: 1", "• D3: 1", "• Maluk: 1"):
        assert line in stats, line
    document = await ask_message(bob, group, "/ekspor")

    shown = texts_to_group(sim, group)
    assert any("Ijazah · #1" in t for t in shown) and any("Statistik" in t for t in shown)
    leaks = sorted({code for text in shown for code in codes_in(text)})
    assert not leaks, f"internal codes shown to staff: {leaks}"

    assert document.file is not None
    sheet = load_workbook(io.BytesIO(sim.file_bytes(document.file["file_id"]))).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[:3] == ["No. pendaftaran", "Nama", "NIK"] and "Status" in header
    assert len(rows) == 3  # one row per applicant
    for row in rows:
        for cell in row:
            if isinstance(cell.value, str):
                assert not codes_in(cell.value), (header[cell.column - 1], cell.value)
                assert cell.value not in STATUS_CODES
    record_of = [dict(zip(header, [c.value for c in row], strict=True)) for row in rows[1:]]
    assert [r["Status"] for r in record_of] == ["menunggu pemeriksaan", "tidak lulus administrasi"]
    assert record_of[1]["Alasan keputusan"] == "Dokumen tidak lengkap atau tidak terbaca"
    assert record_of[1]["Diputuskan oleh"] == "Bob" and record_of[0]["Diputuskan oleh"] is None
    assert record_of[0]["Pendidikan"] == "SMA/SMK/MA sederajat"
    assert record_of[0]["Jenis kelamin"] == "Perempuan"
    assert {r["Sepeda motor"] for r in record_of} | {r["Pengalaman BPS"] for r in record_of} <= {
        "Ya", "Tidak"}
    assert all(r["Perangkat"] and "_" not in r["Perangkat"] for r in record_of)
    by_name = {name: index for index, name in enumerate(header)}
    for row in rows[1:]:
        for name in ("Tanggal lahir", "Dikirim pada"):
            cell = row[by_name[name]]
            assert cell.is_date and isinstance(cell.value, datetime), name
            assert cell.value.tzinfo is None and "YY" in cell.number_format.upper(), name
    assert record_of[0]["Tanggal lahir"] == datetime(1995, 8, 5)
    assert record_of[0]["Dikirim pada"] == datetime(2023, 11, 10, 10, 0)  # WITA, as lived
    decided = rows[2][by_name["Diputuskan pada"]]
    assert decided.is_date and isinstance(decided.value, datetime)


async def test_reading_personal_data_is_audited(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    running, group, bob, carol = await staff_setup(sim, bot_runner, tmp_path)
    await two_applicants(sim, bob, group)
    assert "Carol" not in await ask(bob, group, "/jejak 2")
    await ask(carol, group, "/data 2")
    trail = await ask(bob, group, "/jejak 2")
    assert "Carol · melihat data" in trail
    assert "Bob · melihat jejak audit" in trail  # the first /jejak 2 is a read too
    await ask(carol, group, "/cari 5207014508950003")
    await ask(carol, group, "/cari 0812 3456 7890")
    await ask(carol, group, "/antrian")
    await ask(carol, group, "/statistik")
    rows = await running.services.db.fetchall(
        "SELECT actor_name, action, applicant_id, detail FROM audit_log "
        "WHERE actor_name = 'Carol' ORDER BY id")
    reads = [(r[1], r[2] is not None, json.loads(r[3])) for r in rows]
    assert [(action, has_applicant) for action, has_applicant, _ in reads] == [
        ("view_record", True), ("search", True), ("search", False), ("view_queue", True),
        ("view_stats", False)]
    assert reads[0][2] == {"application": 2}
    assert reads[1][2] == {"by": "number", "results": 1, "application": 1}
    assert reads[2][2] == {"by": "number", "results": 0}
    everything = " ".join(str(tuple(r)) for r in rows)
    assert "5207014508950003" not in everything and "3456" not in everything  # never the term
    trail = await ask(bob, group, "/jejak 1")
    assert "Carol · mencari pendaftar · lewat NIK/nomor, 1 hasil" in trail
    assert "Carol · melihat di antrian" in trail
