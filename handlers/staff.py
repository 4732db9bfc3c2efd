"""The staff group: decisions on review cards. Only the configured group's members act."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.review import STAFF_LANG


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


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_verdict, pattern=r"^sv:"))
