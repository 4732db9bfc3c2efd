"""A last line of defence for the log: whatever a line says, a NIK- or phone-like number and
the bot token never reach it (the libraries that would log message texts stay at WARNING, see
bot.__main__.setup_logging; this catches what slips through, such as a number in an error)."""

from __future__ import annotations

import logging
import re

NUMBER = re.compile(r"(?<!\d)\+?\d(?:[\s.-]?\d){9,}(?!\d)")  # 10 digits or more: NIK, phone
TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")  # a Bot API token (also in URLs)


def redact(text: str) -> str:
    return NUMBER.sub("[angka]", TOKEN.sub("[token]", text))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install() -> None:
    """On every handler of the root logger (so every logger's lines pass through it)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
