"""The staff group: decisions on review cards and committee commands.

Only the configured group counts. Its members may review; its administrators (asked of Telegram
with getChatMember, remembered for a minute) may also run the irreversible commands.
"""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.review import STAFF_LANG

ROLE_TTL_SECONDS = 60.0


async def is_admin(context: BotContext, chat_id: int, user_id: int) -> bool:
    roles = context.services.staff.role_cache
    cached = roles.get(user_id)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    member = await context.bot.get_chat_member(chat_id, user_id)
    admin = member.status in ("administrator", "creator")
    roles[user_id] = (admin, time.monotonic() + ROLE_TTL_SECONDS)
    return admin


async def on_verdict(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    staff_chat = context.services.config.settings.staff_chat_id
    data = callbacks.decode(query.data)
    if query.message is None or query.message.chat.id != staff_chat:
        await query.answer(texts.get(STAFF_LANG, "staff.not_staff"), show_alert=True)
        return
    if not isinstance(data, callbacks.Verdict):
        await query.answer(texts.get(STAFF_LANG, "stale_button"))
        return
    outcome = await context.services.review.decide(
        data.application, data.decision, user.id, user.full_name
    )
    context.services.notify_outbox()
    if outcome.decided:
        label = texts.get(STAFF_LANG, f"staff.{data.decision}")
        await query.answer(texts.get(STAFF_LANG, "staff.decided", decision=label))
        await query.edit_message_reply_markup(None)
    elif outcome.by:
        await query.answer(texts.get(STAFF_LANG, "staff.already", by=outcome.by, at=outcome.at),
                           show_alert=True)
    else:
        await query.answer(texts.get(STAFF_LANG, "stale_button"))


async def staff_help(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.get(STAFF_LANG, "staff.help"))


async def registration_switch(update: Update, context: BotContext) -> None:
    """/buka and /tutup: administrators only; every attempt is audited."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None and message.text
    command = message.text.split()[0].split("@")[0].lstrip("/").lower()
    opening = command in ("buka", "open")
    if not await is_admin(context, chat.id, user.id):
        await context.services.staff.refused(user.id, user.full_name, f"registration_{command}")
        await message.reply_text(texts.get(STAFF_LANG, "staff.admin_only"))
        return
    await context.services.staff.set_registration(opening, user.id, user.full_name)
    key = "staff.registration_opened" if opening else "staff.registration_closed"
    await message.reply_text(texts.get(STAFF_LANG, key, by=user.full_name))


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_verdict, pattern=r"^sv:"))
    if staff_chat_id is None:
        return
    group = filters.Chat(staff_chat_id)
    app.add_handler(CommandHandler("help", staff_help, filters=group))
    app.add_handler(CommandHandler(["buka", "open", "tutup", "close"], registration_switch,
                                   filters=group))
