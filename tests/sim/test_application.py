"""A whole python-telegram-bot Application polling the simulator, driven by a person."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tgsim import Simulator

Ctx = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("Daftar", callback_data="reg:1"),
                                InlineKeyboardButton("Bantuan", callback_data="help")]])
    await update.effective_message.reply_text("Selamat datang", reply_markup=kb)


async def echo(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None and update.effective_message.text
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def pressed(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer(f"ok {query.data}")
    await query.edit_message_text(f"Dipilih: {query.data}")


async def got_document(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    file = await message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await message.reply_text(f"diterima {len(data)} byte")


@pytest.fixture(params=["http", "inproc"])
async def app(request: pytest.FixtureRequest, sim: Simulator) -> AsyncIterator[Application]:
    builder = ApplicationBuilder().token(sim.token)
    if request.param == "http":
        builder = builder.base_url(sim.base_url).base_file_url(sim.base_file_url)
    else:
        builder = builder.request(sim.request()).get_updates_request(sim.request())
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(MessageHandler(filters.Document.ALL, got_document))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_conversation(app: Application, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await alice.send("/start")
    welcome = await alice.next_message()
    assert welcome.text == "Selamat datang"
    assert welcome.buttons == [["Daftar", "Bantuan"]]
    assert welcome.button_data == [["reg:1", "help"]]
    answer = await alice.click("Daftar")
    assert answer.text == "ok reg:1"
    await alice.wait_for(lambda: welcome.text == "Dipilih: reg:1")
    assert welcome.edit_count == 1 and welcome.buttons == []
    await alice.send("halo")
    assert (await alice.next_message()).text == "echo: halo"
    await alice.send_document(b"x" * 1234, "ktp.pdf", "application/pdf")
    assert (await alice.next_message()).text == "diterima 1234 byte"
    assert [m.text for m in alice.messages()][-2:] == [None, "diterima 1234 byte"]
    assert alice.last_bot_message() is not None


async def test_many_users_in_parallel(app: Application, sim: Simulator) -> None:
    users = [sim.user(f"U{i}") for i in range(20)]
    for user in users:
        await user.send(f"hai {user.id}")
    for user in users:
        assert (await user.next_message()).text == f"echo: hai {user.id}"
