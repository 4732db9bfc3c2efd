"""Applicant basics in private chats: /start, /menu, /help, /bahasa, the menu, and a fallback."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, texts
from bot.context import BotContext
from handlers import keyboards, views
from storage.applicants import Applicant

PRIVATE = filters.ChatType.PRIVATE


async def applicant_of(update: Update, context: BotContext) -> Applicant:
    user = update.effective_user
    assert user is not None
    return await context.services.applicants.seen(user.id, user.username, user.language_code)


async def _language(update: Update, context: BotContext) -> str:
    return (await applicant_of(update, context)).language


async def start(update: Update, context: BotContext) -> None:
    lang = await _language(update, context)
    recruitment = context.services.config.recruitment
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        views.welcome(lang, recruitment), reply_markup=keyboards.main_menu(lang)
    )


async def help_command(update: Update, context: BotContext) -> None:
    lang = await _language(update, context)
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        views.help_text(lang, context.services.config.recruitment))


async def language_command(update: Update, context: BotContext) -> None:
    await _language(update, context)
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        texts.get(texts.DEFAULT_LANGUAGE, "language.choose"), reply_markup=keyboards.languages()
    )


async def menu_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    choice = callbacks.decode(query.data)
    lang = await _language(update, context)
    if not isinstance(choice, callbacks.Menu):
        await query.answer(texts.get(lang, "stale_button"))
        return
    await query.answer()
    recruitment = context.services.config.recruitment
    if choice.item == "requirements":
        await query.message.reply_text(views.requirements(lang, recruitment))
    elif choice.item == "schedule":
        await query.message.reply_text(views.schedule(lang, recruitment))
    elif choice.item == "help":
        await query.message.reply_text(views.help_text(lang, recruitment))
    else:
        await query.message.reply_text(
            texts.get(lang, "language.choose"), reply_markup=keyboards.languages()
        )


async def set_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.message is not None and user is not None
    choice = callbacks.decode(query.data)
    if not isinstance(choice, callbacks.SetLanguage):
        await query.answer(texts.get(await _language(update, context), "stale_button"))
        return
    await context.services.applicants.set_language(user.id, choice.code)
    await query.answer(texts.get(choice.code, "language.set"))
    await query.message.reply_text(
        texts.get(choice.code, "language.set"), reply_markup=keyboards.main_menu(choice.code)
    )


async def fallback(update: Update, context: BotContext) -> None:
    """Anything outside a step: a greeting, a free question, an unknown command."""
    lang = await _language(update, context)
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        views.fallback(lang, context.services.config.recruitment, message.text),
        reply_markup=keyboards.main_menu(lang))


async def stale_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(texts.get(await _language(update, context), "stale_button"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["start", "menu"], start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    app.add_handler(CommandHandler(["bahasa", "language"], language_command, filters=PRIVATE))
    app.add_handler(
        CallbackQueryHandler(menu_button, pattern=r"^m:(requirements|schedule|help|language)$")
    )
    app.add_handler(CallbackQueryHandler(set_language, pattern=r"^lang:"))


async def edited(update: Update, context: BotContext) -> None:
    """An edited message is never read again (editing "halo" into /tutup must not close
    registration); a person in a private chat is told to send it anew."""
    message = update.edited_message
    if message is not None and message.chat.type == "private":
        await message.reply_text(texts.get(await _language(update, context), "edited_ignored"))
    raise ApplicationHandlerStop


def register_edits(app: Application) -> None:  # type: ignore[type-arg]
    """First of all: edited messages stop here, for every handler and every chat."""
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=-1)


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Last resort, registered after every feature: anything nothing else claimed."""
    app.add_handler(MessageHandler(PRIVATE, fallback))
    app.add_handler(CallbackQueryHandler(stale_callback))
