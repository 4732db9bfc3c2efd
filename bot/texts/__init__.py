"""The text catalogue: every user-facing sentence, one YAML file per language.

`texts.get("id", "schedule.line", stage=..., when=...)` looks up a dotted key and fills in the
placeholders. Indonesian is the first language and the fallback.
"""

from __future__ import annotations

import html
import string
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@cache
def catalogue(language: str) -> dict[str, Any]:
    text = resources.files("bot.texts").joinpath(f"{language}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@cache
def _flat(language: str) -> dict[str, Any]:
    return flatten(catalogue(language))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def normalise_language(code: str | None) -> str:
    """Telegram's language_code (e.g. `en-GB`) to one of ours; Indonesian otherwise."""
    if code and code.split("-")[0].lower() in LANGUAGES:
        return code.split("-")[0].lower()
    return DEFAULT_LANGUAGE


def get(language: str, key: str, **params: Any) -> str:
    flat = _flat(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    template = flat[key]
    return template.format(**params) if params else template


def escape(value: object) -> str:
    """Text from people (names, addresses, typed reasons) made safe inside HTML messages."""
    return html.escape(str(value), quote=False)


def format_datetime(language: str, when: datetime) -> str:
    """`15 Desember 2023 09.00` (id) / `15 December 2023 09:00` (en), in `when`'s own zone."""
    month = _flat(language)["months"][when.month - 1]
    clock = f"{when:%H.%M}" if language == "id" else f"{when:%H:%M}"
    return f"{when.day} {month} {when.year} {clock}"


def format_date(language: str, when: datetime) -> str:
    month = _flat(language)["months"][when.month - 1]
    return f"{when.day} {month} {when.year}"
