"""Review in a staff member's private chat with the bot, where it scales: /periksa shows the
next undecided application (its documents, then its card), held for that reviewer alone;
after each decision the next one follows. Only members of the staff group may; the group
stays usable for review by whoever prefers it."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.domain.registration import EXTENSION_OF
from bot.services import review_markup
from bot.services.review import STAFF_LANG
from handlers import staff_roles

PRIVATE = filters.ChatType.PRIVATE
log = logging.getLogger(__name__)


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def begin(update: Update, context: BotContext) -> None:
    """/periksa: start (or resume) reviewing here."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if await staff_roles.role_of(context, user.id) == "none":
        await message.reply_text(_t("staff.staff_only"))
        return
    await send_next(message, context, user.id)


async def send_next(message: Message, context: BotContext, actor_id: int) -> None:
    """The next application for this reviewer, as the group would show it (protected)."""
    offer = await context.services.review_queue.next_for(actor_id)
    if offer is None:
        await message.reply_text(_t("staff.review_done"))
        return
    app_id = offer.application_id
    for doc in offer.documents:
        label = _t(f"reg.label_{doc.kind}")
        caption = f"{label} · #{app_id}"
        try:
            if doc.media_type == "photo":
                sent = await message.reply_photo(doc.file_id, caption=caption,
                                                 protect_content=True)
            else:  # under the committee's name, never the applicant's file name
                data = await (await context.bot.get_file(doc.file_id)).download_as_bytearray()
                name = f"{label}-{app_id}.{EXTENSION_OF[doc.media_type]}"
                sent = await message.reply_document(InputFile(bytes(data), filename=name),
                                                    caption=caption, protect_content=True)
            await context.services.review.remember_copy(app_id, sent.chat_id, sent.message_id,
                                                        is_card=False)
        except TelegramError as exc:  # a file Telegram no longer has: the card still comes
            log.warning("document of application %s not shown: %s", app_id,
                        type(exc).__name__)
    card = await message.reply_text(offer.card, protect_content=True, reply_markup=(
        InlineKeyboardMarkup.de_json(review_markup.main(app_id, private=True), message.get_bot())))
    await context.services.review.remember_copy(app_id, card.chat_id, card.message_id)


async def on_queue_button(update: Update, context: BotContext) -> None:
    """⏭ Skip this one (the next follows), or ⏹ stop for now (it is free for the others)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and isinstance(query.message, Message)
    data = callbacks.decode(query.data)
    if not isinstance(data, callbacks.ReviewNext) or query.message.chat.type != "private":
        await query.answer(_t("stale_button"))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    queue = context.services.review_queue
    if data.action == "skip":
        await queue.skip(data.application, user.id)
        await send_next(query.message, context, user.id)
    else:
        await queue.stop(data.application, user.id)
        await query.message.reply_text(_t("staff.review_paused"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["periksa", "review"], begin, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_queue_button, pattern=r"^sn:"))
