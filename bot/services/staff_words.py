"""Words for the committee: the one place where a stored code (an application status, an audit
action, a preset fail reason, the export's columns) becomes what staff read. Staff views and the
XLSX export show only these; an unknown code reads as "another status/action", never as itself."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from bot import texts
from bot.domain import registration as reg
from bot.domain.review import FAIL_REASONS
from bot.services.review import STAFF_LANG

# Every reading of personal data is audited under one of these actions (see StaffService).
READ_ACTIONS = ("view_record", "view_trail", "view_queue", "view_stats", "search")
OUTSIDE_GROUP = "outside_group:"  # + the command, for a committee command outside the group


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


@cache
def _known(key: str) -> bool:
    return isinstance(texts.flatten(texts.catalogue(STAFF_LANG)).get(key), str)


def status(code: str | None) -> str:
    """`admin_passed` -> "lulus administrasi"."""
    key = f"staff_words.status.{code}"
    return _t(key) if code and _known(key) else _t("staff_words.status.other")


def action(code: str) -> str:
    """`decide_pass` -> "memutuskan lulus administrasi"; `outside_group:ekspor` -> "memakai
    perintah panitia /ekspor di luar grup"."""
    if code.startswith(OUTSIDE_GROUP):
        command = code.removeprefix(OUTSIDE_GROUP)
        return _t("staff_words.action.outside_group", command=texts.escape(command))
    key = f"staff_words.action.{code}"
    return _t(key) if _known(key) else _t("staff_words.action.other")


def reason(stored: str | None) -> str | None:
    """A fail reason: a preset (`documents`) in words, typed words as they are."""
    if not stored:
        return None
    return _t(f"staff.reason_{stored}") if stored in FAIL_REASONS else stored


def search_kind(term: str) -> str:
    """What a search was made by, for the audit log: never the term itself (a NIK, a phone)."""
    term = term.strip()
    if term.startswith("@"):
        return "username"
    if term.replace(" ", "").replace("-", "").lstrip("+").isdigit():
        return "number"
    return "name"


def audit_entry(code: str, detail: str | dict[str, Any] | None, allowed: bool) -> str:
    """One audit row's action with its details, as HTML-safe words: "memutuskan tidak lulus
    administrasi · alasan: Dokumen tidak lengkap atau tidak terbaca"."""
    found: dict[str, Any] = json.loads(detail) if isinstance(detail, str) else (detail or {})
    parts = [action(code)]
    if found.get("reason"):
        parts.append(_t("staff_words.detail_reason", reason=texts.escape(reason(found["reason"]))))
    if found.get("items"):
        items = ", ".join(_t(f"reg.label_{i}") for i in found["items"] if i in reg.ITEMS)
        parts.append(_t("staff_words.detail_items", items=items))
    if found.get("minutes"):
        parts.append(_t("staff_words.detail_minutes", minutes=int(found["minutes"])))
    if found.get("won") is False:
        parts.append(_t("staff_words.detail_lost"))
    if code == "search" and found.get("by") in ("number", "username", "name"):
        parts.append(_t("staff_words.detail_search", by=_t(f"staff_words.search_by.{found['by']}"),
                        count=int(found.get("results", 0))))
    text = " · ".join(parts)
    return text if allowed else f"{text} ({_t('staff_words.refused')})"


def column(key: str) -> str:
    """The export's header for a column: a staff word, or the profile field's own label."""
    own = f"staff_words.column.{key}"
    return _t(own) if _known(own) else _t(f"reg.label_{key}")
