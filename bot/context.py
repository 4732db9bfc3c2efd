"""The typed handler context: services as properties instead of raw bot_data lookups."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services

SERVICES_KEY = "services"
PHOTO_IDS_KEY = "photo_ids"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @property
    def photo_ids(self) -> dict[str, str]:
        """Telegram's file_id of each question image sent once (a cache: a restart refills
        it by uploading the file again)."""
        ids: dict[str, str] = self.application.bot_data.setdefault(PHOTO_IDS_KEY, {})
        return ids


def attach_services(application: Application[Any, Any, Any, Any, Any, Any], s: Services) -> None:
    application.bot_data[SERVICES_KEY] = s
