"""Every implemented method, driven by a real python-telegram-bot Bot over both doors."""

from __future__ import annotations

import asyncio

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto

from tests.sim.sim_helpers import assert_no_api_kwargs
from tgsim import Simulator

KB = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes"),
                            InlineKeyboardButton("Tidak", callback_data="no")]])


async def test_get_me_and_bot_info(bot: telegram.Bot, sim: Simulator) -> None:
    me = await bot.get_me()
    assert_no_api_kwargs(me)
    assert me.is_bot and me.username == sim.bot_username and me.id == sim.bot_id
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_send_and_edit_message(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice", username="alice")
    msg = await bot.send_message(alice.id, "<b>Halo</b> &amp; selamat", parse_mode="HTML",
                                 reply_markup=KB, protect_content=True)
    assert_no_api_kwargs(msg)
    assert msg.text == "Halo & selamat"
    assert msg.reply_markup == KB
    assert msg.has_protected_content is True
    assert msg.from_user is not None and msg.from_user.is_bot
    assert msg.chat.type == "private" and msg.chat.first_name == "Alice"
    assert isinstance(msg.date.timestamp(), float)
    second = await bot.send_message(alice.id, "dua", reply_to_message_id=msg.message_id)
    assert second.message_id == msg.message_id + 1
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == msg.message_id
    assert_no_api_kwargs(second)

    edited = await bot.edit_message_text("Baru", chat_id=alice.id, message_id=msg.message_id,
                                         reply_markup=KB)
    assert isinstance(edited, telegram.Message)
    assert_no_api_kwargs(edited)
    assert edited.text == "Baru" and edited.edit_date is not None
    stripped = await bot.edit_message_reply_markup(alice.id, msg.message_id, reply_markup=None)
    assert isinstance(stripped, telegram.Message)
    assert stripped.reply_markup is None
    sim_msg = sim.sent_messages(alice.id)[0]
    assert sim_msg.text == "Baru" and sim_msg.edit_count == 2 and sim_msg.protect_content
    assert await bot.delete_message(alice.id, msg.message_id) is True
    assert sim_msg.deleted
    assert await bot.send_chat_action(alice.id, "typing") is True


async def test_media(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    photo = await bot.send_photo(alice.id, b"\xff\xd8fake-jpeg" * 50, caption="<i>foto</i>",
                                 parse_mode="HTML")
    assert_no_api_kwargs(photo)
    assert len(photo.photo) == 3 and photo.caption == "foto"
    assert photo.photo[-1].width > photo.photo[0].width
    doc = await bot.send_document(alice.id, b"%PDF-1.4 data", filename="ktp.pdf",
                                  caption="dokumen")
    assert_no_api_kwargs(doc)
    assert doc.document is not None and doc.document.file_name == "ktp.pdf"
    assert doc.document.mime_type == "application/pdf"
    again = await bot.send_document(alice.id, doc.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == doc.document.file_unique_id
    resend_photo = await bot.send_photo(alice.id, photo.photo[-1].file_id)
    assert resend_photo.photo[-1].file_id == photo.photo[-1].file_id

    file = await bot.get_file(doc.document.file_id)
    assert_no_api_kwargs(file)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 data"
    assert sim.file_bytes(doc.document.file_id) == b"%PDF-1.4 data"

    album = await bot.send_media_group(alice.id, [
        InputMediaPhoto(b"photo-one", caption="satu"),
        InputMediaPhoto(photo.photo[-1].file_id),
        InputMediaDocument(b"doc-bytes", filename="cv.txt"),
    ])
    assert_no_api_kwargs(album)
    assert len(album) == 3
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert album[0].caption == "satu"
    for method, kwargs in (
        (bot.send_video, {"video": b"mp4"}),
        (bot.send_voice, {"voice": b"ogg"}),
        (bot.send_audio, {"audio": b"mp3"}),
        (bot.send_sticker, {"sticker": b"webp"}),
        (bot.send_animation, {"animation": b"gif"}),
    ):
        sent = await method(alice.id, **kwargs)  # type: ignore[operator]
        assert_no_api_kwargs(sent)
    located = await bot.send_location(alice.id, latitude=-8.7, longitude=116.8)
    contact = await bot.send_contact(alice.id, phone_number="+62811", first_name="BPS")
    assert_no_api_kwargs([located, contact])


async def test_copy_and_forward(bot: telegram.Bot, sim: Simulator) -> None:
    alice, bob = sim.user("Alice"), sim.user("Bob")
    staff = sim.group("Panitia", members=[bob], admins=[bob])
    user_doc = await alice.send_document(b"ijazah", "ijazah.pdf", "application/pdf",
                                         caption="ijazah saya")
    copied = await bot.copy_message(staff.id, alice.id, user_doc.message_id,
                                    caption="Dokumen Alice", reply_markup=KB)
    assert_no_api_kwargs(copied)
    in_group = sim.sent_messages(staff.id)[-1]
    assert in_group.message_id == copied.message_id
    assert in_group.text == "Dokumen Alice" and in_group.file == user_doc.file
    assert in_group.buttons == [["Ya", "Tidak"]]
    forwarded = await bot.forward_message(staff.id, alice.id, user_doc.message_id)
    assert_no_api_kwargs(forwarded)
    assert forwarded.forward_origin is not None
    assert forwarded.chat.type == "supergroup" and forwarded.chat.title == "Panitia"
    assert forwarded.document is not None and forwarded.caption == "ijazah saya"


async def test_chats_and_members(bot: telegram.Bot, sim: Simulator) -> None:
    bob, carol, dave = sim.user("Bob"), sim.user("Carol"), sim.user("Dave")
    staff = sim.group("Panitia", members=[bob, carol], admins=[bob])
    assert str(staff.id).startswith("-100")
    chat = await bot.get_chat(staff.id)
    assert_no_api_kwargs(chat)
    assert chat.title == "Panitia" and chat.type == "supergroup"
    private = await bot.get_chat(dave.id)
    assert_no_api_kwargs(private)
    assert private.first_name == "Dave"
    owner = await bot.get_chat_member(staff.id, bob.id)
    member = await bot.get_chat_member(staff.id, carol.id)
    left = await bot.get_chat_member(staff.id, dave.id)
    me = await bot.get_chat_member(staff.id, sim.bot_id)
    assert_no_api_kwargs([owner, member, left, me])
    assert isinstance(owner, telegram.ChatMemberOwner)
    assert isinstance(member, telegram.ChatMemberMember)
    assert isinstance(left, telegram.ChatMemberLeft)
    assert isinstance(me, telegram.ChatMemberAdministrator)
    staff.add_member(dave, admin=True)
    admins = await bot.get_chat_administrators(staff.id)
    assert_no_api_kwargs(admins)
    assert {a.user.id for a in admins} == {bob.id, dave.id, sim.bot_id}
    assert isinstance(await bot.get_chat_member(staff.id, dave.id),
                      telegram.ChatMemberAdministrator)
    assert await bot.get_chat_member_count(staff.id) == 4


async def test_commands(bot: telegram.Bot) -> None:
    assert await bot.set_my_commands([("start", "Mulai"), ("lanjut", "Lanjutkan tes")])
    commands = await bot.get_my_commands()
    assert_no_api_kwargs(commands)
    assert [c.command for c in commands] == ["start", "lanjut"]
    scope = telegram.BotCommandScopeAllGroupChats()
    assert await bot.set_my_commands([("rekap", "Rekap")], scope=scope)
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["rekap"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_user_updates_parse_cleanly(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice", "Wijaya", "alice_w")
    staff = sim.group("Panitia", members=[alice])
    await bot.send_message(alice.id, "Pilih", reply_markup=KB)
    await alice.send("/start")
    await alice.send("/rekap@mitra_test_bot", chat=staff)
    await alice.send_photo(b"jpeg", caption="ktp")
    await alice.send_document(b"pdf", "a.pdf", "application/pdf")
    await alice.share_contact()
    await alice.send_sticker()
    await alice.send_voice()
    await alice.send_video()
    await alice.send_location(-8.7, 116.8)
    alice.block_bot()
    alice.unblock_bot()
    click = asyncio.create_task(alice.click("Ya"))
    updates: list[telegram.Update] = []
    while not any(u.callback_query for u in updates):
        updates += await bot.get_updates(offset=updates[-1].update_id + 1 if updates else None,
                                         timeout=5)
    assert_no_api_kwargs(updates)
    messages = [u.message for u in updates if u.message]
    assert messages[0].text == "/start"
    assert messages[0].entities[0].type == "bot_command"
    assert messages[1].chat.id == staff.id
    assert messages[2].photo and messages[2].caption == "ktp"
    assert messages[3].document and messages[3].document.file_name == "a.pdf"
    contact = messages[4].contact
    assert contact is not None and contact.user_id == alice.id
    assert [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member] == [
        "kicked", "member"]
    query = next(u.callback_query for u in updates if u.callback_query)
    assert query.data == "yes" and query.from_user.id == alice.id
    assert query.message is not None and query.message.chat.id == alice.id
    assert await bot.answer_callback_query(query.id, text="Tersimpan", show_alert=True)
    answer = await click
    assert answer.text == "Tersimpan" and answer.show_alert is True
