"""The error handler: log what failed (never message contents), apologise to the person."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import texts
from bot.context import BotContext

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """A log-safe description of an update: its id and kind, no text, names or numbers."""
    if not isinstance(update, Update):
        return type(update).__name__
    kinds = [k for k in ("message", "callback_query", "edited_message") if getattr(update, k)]
    return f"update {update.update_id} ({', '.join(kinds) or 'other'})"


def harmless(error: BaseException | None) -> bool:
    """A button answered too late (the bot was busy): the person already got the new screen,
    so this is no reason to send them an apology."""
    return isinstance(error, BadRequest) and "query is too old" in error.message.lower()


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if harmless(error):
        log.info("late callback answer for %s", describe(update))
        return
    # The traceback's frames, never the exception's message: it may quote what a person typed.
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("handler failed for %s: %s\n%s", describe(update), type(error).__name__, frames)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden) or update.effective_chat.type != "private":
        return
    try:
        lang = await context.services.applicants.language_of(update.effective_chat.id)
    except Exception:
        lang = texts.DEFAULT_LANGUAGE
    try:
        await context.bot.send_message(update.effective_chat.id, texts.get(lang, "error"))
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", type(exc).__name__)
