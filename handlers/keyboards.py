"""Keyboards: small pure builders from a language to Telegram markup."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, texts


def button(label: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.encode(data))


def main_menu(lang: str) -> InlineKeyboardMarkup:
    t = lambda key: texts.get(lang, key)  # noqa: E731
    return InlineKeyboardMarkup(
        [
            [button(t("menu.register"), callbacks.Menu("register"))],
            [
                button(t("menu.status"), callbacks.Menu("status")),
                button(t("menu.requirements"), callbacks.Menu("requirements")),
            ],
            [
                button(t("menu.schedule"), callbacks.Menu("schedule")),
                button(t("menu.help"), callbacks.Menu("help")),
            ],
            [
                button(t("menu.language"), callbacks.Menu("language")),
            ],
        ]
    )


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.get(code, "language_name"), callbacks.SetLanguage(code))
                for code in texts.LANGUAGES
            ]
        ]
    )
