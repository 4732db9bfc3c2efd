"""Wiring: build the python-telegram-bot Application around the services."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot import texts
from bot.context import BotContext, attach_services
from bot.processor import PerChatUpdateProcessor
from bot.ratelimit import ChatRateLimiter
from bot.services import Services
from handlers import register_all

PRIVATE_COMMANDS = (
    "start", "daftar", "status", "jadwal", "mulai", "lanjut", "latihan", "hasil", "menu", "batal",
    "hapus", "help", "bahasa",
)


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    settings = services.config.settings
    assert settings.bot_token is not None
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=services.config.recruitment.zone))
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        # Paces every request to Telegram's overall and per-group limits; a 429 pauses only the
        # chat it concerns (bot.ratelimit), is retried a few times, then reaches the caller.
        .rate_limiter(ChatRateLimiter(overall_per_second=30, group_per_minute=20,
                                      max_retries=3))
    )
    if settings.bot_api_base_url:
        builder = builder.base_url(settings.bot_api_base_url.rstrip("/"))
        builder = builder.base_file_url(settings.file_url or "")
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app = builder.build()
    attach_services(app, services)
    register_all(app, settings.staff_chat_id)
    return app


async def publish_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu Telegram shows next to the text box, in both languages."""
    scope = BotCommandScopeAllPrivateChats()
    for lang in texts.LANGUAGES:
        commands = [BotCommand(c, texts.get(lang, f"commands.{c}")) for c in PRIVATE_COMMANDS]
        code = None if lang == texts.DEFAULT_LANGUAGE else lang
        await app.bot.set_my_commands(commands, scope=scope, language_code=code)


DESCRIPTION_LIMIT, SHORT_DESCRIPTION_LIMIT = 512, 120  # Telegram's limits, in characters


def about_text(lang: str, key: str, recruitment: str, limit: int) -> str:
    """`about.<key>` naming the recruitment; a name too long for Telegram's limit is cut."""
    text = texts.get(lang, f"about.{key}", recruitment=recruitment)
    if len(text) > limit:
        keep = max(len(recruitment) - (len(text) - limit) - 1, 0)
        text = texts.get(lang, f"about.{key}", recruitment=recruitment[:keep].rstrip() + "…")
    return text[:limit]


async def publish_description(app: Application[Any, Any, Any, Any, Any, Any],
                              recruitment: str) -> None:
    """What Telegram shows before the first START (the description) and on the bot's profile
    (the short description), in both languages: Indonesian for everyone, English for those
    whose Telegram is in English."""
    for lang in texts.LANGUAGES:
        code = None if lang == texts.DEFAULT_LANGUAGE else lang
        await app.bot.set_my_description(
            about_text(lang, "description", recruitment, DESCRIPTION_LIMIT), language_code=code)
        await app.bot.set_my_short_description(
            about_text(lang, "short_description", recruitment, SHORT_DESCRIPTION_LIMIT),
            language_code=code)
