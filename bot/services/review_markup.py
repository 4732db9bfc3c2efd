"""The review card's keyboards, as Bot API JSON (queued in the outbox, or edited in place)."""

from __future__ import annotations

from typing import Any

from bot import callbacks, texts
from bot.domain import registration as reg
from bot.domain.review import FAIL_REASONS

LANG = "id"  # the committee works in Indonesian
Markup = dict[str, Any]


def _b(label: str, data: object) -> dict[str, str]:
    return {"text": label, "callback_data": callbacks.encode(data)}


def _t(key: str, **params: object) -> str:
    return texts.get(LANG, key, **params)


def main(application_id: int) -> Markup:
    return {"inline_keyboard": [
        [_b(_t("staff.pass"), callbacks.Verdict(application_id, "pass")),
         _b(_t("staff.fail"), callbacks.Verdict(application_id, "fail"))],
        [_b(_t("staff.fix"), callbacks.Verdict(application_id, "fix"))],
    ]}


def reasons(application_id: int) -> Markup:
    rows = [[_b(_t(f"staff.reason_{r}"), callbacks.FailReason(application_id, r))]
            for r in FAIL_REASONS]
    rows.append([_b(_t("staff.reason_type"), callbacks.FailReason(application_id, "other"))])
    rows.append([_b(_t("staff.back"), callbacks.Verdict(application_id, "back"))])
    return {"inline_keyboard": rows}


def fix_items(application_id: int, ticked: list[str]) -> Markup:
    toggles = [
        _b(("✅ " if item in ticked else "▫️ ") + _t(f"reg.label_{item}"),
           callbacks.FixItem(application_id, item))
        for item in reg.ITEMS
    ]
    rows = [toggles[i : i + 3] for i in range(0, len(toggles), 3)]
    rows.append([_b(_t("staff.fix_send", count=len(ticked)),
                    callbacks.Verdict(application_id, "fixsend")),
                 _b(_t("staff.back"), callbacks.Verdict(application_id, "back"))])
    return {"inline_keyboard": rows}
