"""Telegram's errors, in Telegram's exact wording, through a real PTB Bot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
import telegram
from telegram import InlineKeyboardButton as Btn
from telegram import InlineKeyboardMarkup as Kb
from telegram import InputMediaPhoto
from telegram.error import BadRequest, Forbidden, InvalidToken

from tests.sim.conftest import make_bot
from tgsim import Limits, ManualClock, Simulator


async def expect(sim: Simulator, exc: type[Exception], call: Awaitable[Any], text: str) -> None:
    with pytest.raises(exc):
        await call
    assert sim.calls[-1].error == text


async def test_text_limits(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await expect(sim, BadRequest, bot.send_message(alice.id, "a" * 4097),
                 "Bad Request: message is too long")
    await bot.send_message(alice.id, "a" * 4096)
    await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await expect(sim, BadRequest, bot.send_message(alice.id, "   "),
                 "Bad Request: message text is empty")
    await expect(sim, BadRequest, bot.send_message(alice.id, "<b></b>", parse_mode="HTML"),
                 "Bad Request: message text is empty")
    await expect(sim, BadRequest, bot.send_photo(alice.id, b"jpg", caption="c" * 1025),
                 "Bad Request: message caption is too long")
    await expect(sim, BadRequest, bot.send_message(alice.id, "<b>x", parse_mode="HTML"),
                 "Bad Request: can't parse entities: Can't find end tag corresponding to "
                 'start tag "b"')
    await expect(sim, BadRequest, bot.send_message(alice.id, "1 < 2", parse_mode="HTML"),
                 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2')
    await expect(sim, BadRequest, bot.send_message(alice.id, "Hi.", parse_mode="MarkdownV2"),
                 "Bad Request: can't parse entities: Character '.' is reserved and must be "
                 "escaped with the preceding '\\'")
    assert sim.sent_messages(alice.id)[-1].text == "a" * 4096


async def test_keyboard_limits(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await expect(sim, BadRequest,
                 bot.send_message(alice.id, "x", reply_markup=Kb([[Btn("a", callback_data="d"
                                                                       * 65)]])),
                 "Bad Request: BUTTON_DATA_INVALID")
    await expect(sim, BadRequest,
                 bot.send_message(alice.id, "x", reply_markup=Kb([[Btn("a", callback_data="é"
                                                                       * 33)]])),
                 "Bad Request: BUTTON_DATA_INVALID")
    await bot.send_message(alice.id, "x", reply_markup=Kb([[Btn("a", callback_data="é" * 32)]]))
    nine = Kb([[Btn(str(i), callback_data=str(i)) for i in range(9)]])
    await expect(sim, BadRequest, bot.send_message(alice.id, "x", reply_markup=nine),
                 "Bad Request: BUTTONS_TOO_MUCH")
    many = Kb([[Btn(f"{r}{c}", callback_data=f"{r}{c}") for c in range(8)] for r in range(13)])
    await expect(sim, BadRequest, bot.send_message(alice.id, "x", reply_markup=many),
                 "Bad Request: BUTTONS_TOO_MUCH")


async def test_edit_and_delete_errors(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    kb = Kb([[Btn("a", callback_data="a")]])
    msg = await bot.send_message(alice.id, "sama", reply_markup=kb)
    await expect(sim, BadRequest,
                 bot.edit_message_text("sama", alice.id, msg.message_id, reply_markup=kb),
                 "Bad Request: message is not modified: specified new message content and "
                 "reply markup are exactly the same as a current content and reply markup of "
                 "the message")
    await expect(sim, BadRequest, bot.edit_message_reply_markup(alice.id, msg.message_id,
                                                                reply_markup=kb),
                 "Bad Request: message is not modified: specified new message content and "
                 "reply markup are exactly the same as a current content and reply markup of "
                 "the message")
    await expect(sim, BadRequest, bot.edit_message_text("x", alice.id, 999),
                 "Bad Request: message to edit not found")
    await expect(sim, BadRequest, bot.delete_message(alice.id, 999),
                 "Bad Request: message to delete not found")
    await bot.delete_message(alice.id, msg.message_id)
    await expect(sim, BadRequest, bot.edit_message_text("x", alice.id, msg.message_id),
                 "Bad Request: message to edit not found")
    await expect(sim, BadRequest, bot.delete_message(alice.id, msg.message_id),
                 "Bad Request: message to delete not found")
    mine = await alice.send("halo")
    await expect(sim, BadRequest, bot.edit_message_text("x", alice.id, mine.message_id),
                 "Bad Request: message can't be edited")
    await expect(sim, BadRequest,
                 bot.send_message(alice.id, "x", reply_to_message_id=999),
                 "Bad Request: message to be replied not found")


async def test_chats_files_and_media_groups(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await expect(sim, BadRequest, bot.send_message(42, "x"), "Bad Request: chat not found")
    await expect(sim, BadRequest, bot.send_document(alice.id, "no-such-file-id"),
                 "Bad Request: wrong file identifier/HTTP URL specified")
    await expect(sim, BadRequest, bot.get_file("no-such-file-id"), "Bad Request: invalid file_id")
    big = await alice.send_document(b"tiny", "big.zip", "application/zip",
                                    file_size=20 * 1024 * 1024 + 1)
    assert big.file is not None
    await expect(sim, BadRequest, bot.get_file(big.file["file_id"]),
                 "Bad Request: file is too big")
    edge = await alice.send_document(b"edge", "edge.zip", "application/zip",
                                     file_size=20 * 1024 * 1024)
    assert edge.file is not None
    assert (await bot.get_file(edge.file["file_id"])).file_size == 20 * 1024 * 1024
    await expect(sim, BadRequest, bot.send_media_group(alice.id, [InputMediaPhoto(b"1")]),
                 "Bad Request: too few messages to send as an album")
    await expect(sim, BadRequest,
                 bot.send_media_group(alice.id, [InputMediaPhoto(b"%d" % i) for i in range(11)]),
                 "Bad Request: too much messages to send as an album")


async def test_forbidden(bot: telegram.Bot, sim: Simulator) -> None:
    alice, stranger = sim.user("Alice"), sim.user("Stranger", started=False)
    alice.block_bot()
    await expect(sim, Forbidden, bot.send_message(alice.id, "x"),
                 "Forbidden: bot was blocked by the user")
    await expect(sim, Forbidden, bot.send_photo(alice.id, b"jpg"),
                 "Forbidden: bot was blocked by the user")
    alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    await expect(sim, Forbidden, bot.send_message(stranger.id, "x"),
                 "Forbidden: bot can't initiate conversation with a user")
    await stranger.send("/start")
    await bot.send_message(stranger.id, "now fine")


async def test_callback_query_errors(bot: telegram.Bot, sim: Simulator) -> None:
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    alice = sim.user("Alice")
    await expect(sim, BadRequest, bot.answer_callback_query("123"), too_old)
    await bot.send_message(alice.id, "x", reply_markup=Kb([[Btn("a", callback_data="a")]]))
    click = asyncio.create_task(alice.click("a"))
    updates = await bot.get_updates(timeout=5)
    query = updates[-1].callback_query
    assert query is not None
    await bot.answer_callback_query(query.id)
    await click
    await expect(sim, BadRequest, bot.answer_callback_query(query.id), too_old)


async def test_stale_callback_query(clock: ManualClock) -> None:
    sim = Simulator(limits=Limits(enabled=False, callback_answer_timeout=15), clock=clock)
    alice = sim.user("Alice")
    async with make_bot(sim, "inproc") as bot:
        msg = await bot.send_message(alice.id, "x", reply_markup=Kb([[Btn("a", callback_data="a")
                                                                      ]]))
        click = asyncio.create_task(alice.click("a", timeout=0.2))
        updates = await bot.get_updates(timeout=5)
        clock.advance(15.5)
        with pytest.raises(BadRequest, match="Query is too old"):
            await updates[-1].callback_query.answer()  # type: ignore[union-attr]
        with pytest.raises(TimeoutError, match="did not answer"):
            await click
        assert msg.message_id == 1


async def test_bad_token(sim: Simulator) -> None:
    for door in ("http", "inproc"):
        if door == "http":
            wrong = telegram.Bot("999:WRONG", base_url=sim.base_url)
        else:
            wrong = telegram.Bot("999:WRONG", request=sim.request())
        try:
            with pytest.raises(InvalidToken):
                await wrong.get_me()
        finally:
            await wrong.request.shutdown()
        assert sim.calls[-1].status == 401 and sim.calls[-1].error == "Unauthorized"
