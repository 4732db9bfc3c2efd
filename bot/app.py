"""Wiring: build the python-telegram-bot Application around the services."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot import texts
from bot.context import BotContext, attach_services
from bot.processor import PerChatUpdateProcessor
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
        # Paces every request to Telegram's overall and per-group limits; a 429 that still
        # happens is retried after Telegram's retry_after, a few times, then reaches the caller.
        .rate_limiter(AIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=3))
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
