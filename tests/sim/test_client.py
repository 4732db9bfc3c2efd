"""The person-side API: clicking, reading, waiting, groups, raw updates, the call log."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton as Btn
from telegram import InlineKeyboardMarkup as Kb

from tgsim import ManualClock, Simulator

ROOT = Path(__file__).resolve().parents[2]


async def test_click_finds_buttons_and_reports_missing(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    old = await bot.send_message(alice.id, "lama",
                                 reply_markup=Kb([[Btn("Ya", callback_data="old")]]))
    await bot.send_message(alice.id, "baru", reply_markup=Kb([[
        Btn("Ya", callback_data="new"), Btn("Lihat situs", url="https://example.org")]]))
    with pytest.raises(AssertionError, match=r"no button 'Nanti'.*Ya"):
        await alice.click("Nanti")
    with pytest.raises(AssertionError, match="URL button"):
        await alice.click("Lihat situs")
    with pytest.raises(TimeoutError, match="did not answer"):
        await alice.click("Ya", timeout=0.2)
    assert sim.updates[-1]["callback_query"]["data"] == "new"  # newest message wins
    old_msg = alice.messages()[0]
    assert old_msg.message_id == old.message_id
    with pytest.raises(TimeoutError):
        await alice.click("Y", message=old_msg, timeout=0.1)  # substring fallback
    assert sim.updates[-1]["callback_query"]["data"] == "old"
    with pytest.raises(TimeoutError):
        await alice.click_data("forged:999", old_msg, timeout=0.1)
    assert sim.updates[-1]["callback_query"]["data"] == "forged:999"


async def test_next_message_cursor_and_timeout(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await alice.send("hai")
    await bot.send_message(alice.id, "satu")
    await bot.send_message(alice.id, "dua")
    assert (await alice.next_message()).text == "satu"
    assert (await alice.next_message()).text == "dua"
    with pytest.raises(TimeoutError, match=re.escape("'dua'")):
        await alice.next_message(timeout=0.1)
    waiting = asyncio.create_task(alice.next_message(timeout=5))
    await bot.send_message(alice.id, "tiga")
    assert (await waiting).text == "tiga"
    assert [m.text for m in alice.messages()] == ["hai", "satu", "dua", "tiga"]
    assert alice.last_bot_message().text == "tiga"  # type: ignore[union-attr]


async def test_wait_for_edit_and_delete(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    sent = await bot.send_message(alice.id, "Soal 1/30")
    msg = await alice.next_message()
    waiter = asyncio.create_task(alice.wait_for(lambda: msg.text == "Soal 2/30"))
    await bot.edit_message_text("Soal 2/30", alice.id, sent.message_id)
    await waiter
    gone = asyncio.create_task(alice.wait_for(lambda: msg.deleted))
    await bot.delete_message(alice.id, sent.message_id)
    await gone
    assert alice.messages() == [] and alice.last_bot_message() is None
    with pytest.raises(TimeoutError):
        await alice.wait_for(lambda: False, timeout=0.05)


async def test_groups_and_commands(bot: telegram.Bot, sim: Simulator) -> None:
    bob, carol = sim.user("Bob"), sim.user("Carol")
    staff = sim.group("Panitia", members=[bob, carol], admins=[bob])
    cmd = await carol.send("/rekap@mitra_test_bot semua", chat=staff)
    assert cmd.entities == [{"type": "bot_command", "offset": 0, "length": 21}]
    await bot.send_message(staff.id, "Rekap: 3 pendaftar")
    assert (await bob.next_message(chat=staff)).text == "Rekap: 3 pendaftar"
    assert (await carol.next_message(chat=staff)).text == "Rekap: 3 pendaftar"
    assert [m.text for m in bob.messages(chat=staff)] == ["/rekap@mitra_test_bot semua",
                                                           "Rekap: 3 pendaftar"]
    updates = await bot.get_updates()
    assert updates[0].effective_chat is not None and updates[0].effective_chat.id == staff.id


async def test_user_media_messages(sim: Simulator) -> None:
    alice = sim.user("Alice")
    photo = await alice.send_photo(b"jpeg-bytes", caption="KTP")
    assert photo.kind == "photo" and photo.text == "KTP" and photo.file is not None
    assert sim.file_bytes(photo.file["file_id"]) == b"jpeg-bytes"
    doc = await alice.send_document(b"pdf", "a.pdf", "application/pdf")
    again = await alice.send_document(b"pdf", "b.pdf", "application/pdf")
    assert doc.file and again.file
    assert doc.file["file_unique_id"] == again.file["file_unique_id"]
    assert doc.file["file_id"] != again.file["file_id"]
    contact = await alice.share_contact("+628111")
    assert contact.kind == "contact"
    assert isinstance(contact.date, int)


async def test_inject_update_and_call_log(clock: ManualClock) -> None:
    sim = Simulator(clock=clock)
    async with telegram.Bot(sim.token, request=sim.request(),
                            get_updates_request=sim.request()) as bot:
        sim.inject_update({"message": {"message_id": 1, "date": 0, "text": "raw",
                                       "chat": {"id": 1, "type": "private"}}})
        updates = await bot.get_updates()
        assert updates[0].message is not None and updates[0].message.text == "raw"
    assert [c.method for c in sim.calls] == ["getMe", "getUpdates"]
    assert sim.calls[0].at == clock.time() and sim.calls[0].status == 200


async def test_module_entry_point(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tgsim", "--port", "0", "--token", "123:ABC", "--no-limits",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        base = re.search(r"(http://127\.0\.0\.1:\d+/bot)", line)
        assert base, line
        async with aiohttp.ClientSession() as http, \
                http.get(f"{base.group(1)}123:ABC/getMe") as r:
            assert (await r.json())["result"]["id"] == 123
    finally:
        proc.terminate()
        await proc.wait()


def test_guard_refuses_the_internet() -> None:
    import socket

    with pytest.raises(OSError, match="only"):
        socket.create_connection(("93.184.215.14", 80), timeout=1)
    with pytest.raises(OSError, match="only"):
        socket.getaddrinfo("api.telegram.org", 443)
