"""Broadcasts from the staff group (administrators): /siaran <segment> <message>, a preview
with the number of recipients, confirmation, and a progress message edited every few seconds."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.broadcasts import broadcast_cost
from bot.services.review import STAFF_LANG
from handlers.keyboards import button
from handlers.staff_commands import is_admin

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 5.0


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def compose(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and message.text and user is not None and chat is not None
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, "broadcast")
        await message.reply_text(_t("staff.admin_only"))
        return
    parts = message.text.split(maxsplit=2)
    svc = context.services.broadcasts
    if len(parts) < 3 or not svc.valid_segment(parts[1]):
        await message.reply_text(_t("staff.broadcast_usage"))
        return
    segment, text = parts[1], parts[2]
    draft = await svc.draft(text, segment, user.id, user.full_name)
    cost = broadcast_cost(draft.recipients, context.services.config.recruitment)
    await message.reply_text(
        _t("staff.broadcast_preview", id=draft.broadcast_id, segment=texts.escape(segment),
           count=draft.recipients, text=texts.escape(text)) + (f"\n\n{cost}" if cost else ""),
        reply_markup=InlineKeyboardMarkup([[
            button(_t("staff.broadcast_send", count=draft.recipients),
                   callbacks.BroadcastKey(draft.broadcast_id, "send")),
            button(_t("staff.broadcast_cancel"),
                   callbacks.BroadcastKey(draft.broadcast_id, "cancel")),
        ]]))


async def on_key(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and isinstance(query.message, Message)
    data = callbacks.decode(query.data)
    staff_chat = context.services.config.settings.staff_chat_id
    if query.message.chat.id != staff_chat or not isinstance(data, callbacks.BroadcastKey):
        await query.answer(_t("staff.not_staff"), show_alert=True)
        return
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, "broadcast_send")
        await query.answer(_t("staff.admin_only"), show_alert=True)
        return
    svc = context.services.broadcasts
    await query.edit_message_reply_markup(None)
    await query.answer()
    if data.action == "cancel":
        if await svc.cancel(data.broadcast):
            await query.message.reply_text(_t("staff.broadcast_cancelled"))
        return
    queued = await svc.confirm(data.broadcast, user.id, user.full_name)
    if queued is None:
        await query.message.reply_text(_t("stale_button"))
        return
    context.services.notify_outbox()
    text = _t("staff.broadcast_progress", sent=0, total=f"{queued.recipients or 0:,}",
              blocked=0, failed=0)
    progress = await query.message.reply_text(text)
    await svc.set_progress_message(queued.id, progress.chat_id, progress.message_id, text)


async def update_progress(context: BotContext) -> None:
    """Every few seconds: edit each running broadcast's progress message if it moved."""
    for found, text in await context.services.broadcasts.progress_updates():
        assert found.progress_chat is not None and found.progress_msg is not None
        try:
            await context.bot.edit_message_text(text, found.progress_chat, found.progress_msg)
        except TelegramError as exc:
            log.warning("broadcast %s progress not updated: %s", found.id, type(exc).__name__)
            continue
        await context.services.broadcasts.set_progress_message(found.id, found.progress_chat,
                                                               found.progress_msg, text)


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is None:
        return
    app.add_handler(CommandHandler(["siaran", "broadcast"], compose,
                                   filters=filters.Chat(staff_chat_id)))
    app.add_handler(CallbackQueryHandler(on_key, pattern=r"^bc:"))
    if app.job_queue is not None:
        app.job_queue.run_repeating(update_progress, interval=PROGRESS_SECONDS,  # type: ignore[arg-type]
                                    first=PROGRESS_SECONDS, name="broadcast-progress")
