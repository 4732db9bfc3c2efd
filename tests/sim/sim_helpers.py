"""Checks that simulator output is what python-telegram-bot and the Bot API expect."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from telegram import TelegramObject

API_JSON = Path("/work/shared/telegram-bot-api/api.min.json")


def assert_no_api_kwargs(obj: Any, path: str = "result") -> None:
    """Every TelegramObject (recursively) parsed without unknown fields."""
    if isinstance(obj, TelegramObject):
        assert dict(obj.api_kwargs) == {}, f"{path}: unknown fields {dict(obj.api_kwargs)}"
        for name, value in obj._get_attrs(recursive=False).items():
            assert_no_api_kwargs(value, f"{path}.{name}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            assert_no_api_kwargs(item, f"{path}[{i}]")


@cache
def api_types() -> dict[str, Any]:
    if not API_JSON.exists():
        return {}
    return json.loads(API_JSON.read_text())["types"]


def schema_errors(type_name: str, value: Any, path: str = "") -> list[str]:
    """Compare a JSON object with api.min.json: required fields present, no unknown fields."""
    types = api_types()
    spec = types.get(type_name)
    if spec is None or not isinstance(value, dict):
        return []
    if "subtypes" in spec:
        options = [schema_errors(sub, value, path) for sub in spec["subtypes"]]
        return [] if any(not o for o in options) else [f"{path}: matches no {type_name} subtype"]
    fields = {f["name"]: f for f in spec.get("fields", [])}
    errors = [f"{path}.{name} missing" for name, f in fields.items()
              if f["required"] and name not in value]
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            errors.append(f"{path}.{key} is not a field of {type_name}")
            continue
        for type_ref in field["types"]:
            errors += _check_ref(type_ref, item, f"{path}.{key}")
    return errors


def _check_ref(type_ref: str, item: Any, path: str) -> list[str]:
    if type_ref.startswith("Array of "):
        if not isinstance(item, list):
            return [f"{path} should be an array"]
        inner = type_ref[len("Array of "):]
        return [e for i, x in enumerate(item) for e in _check_ref(inner, x, f"{path}[{i}]")]
    if type_ref in api_types():
        return schema_errors(type_ref, item, path)
    return []


def assert_schema(type_name: str, value: Any) -> None:
    errors = schema_errors(type_name, value, type_name)
    assert not errors, errors


def retry_seconds(exc: Any) -> float:
    """RetryAfter.retry_after in seconds (int or timedelta depending on PTB_TIMEDELTA)."""
    import datetime as dtm
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
