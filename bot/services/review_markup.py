"""The review card's keyboards, as Bot API JSON (queued in the outbox, or edited in place)."""

from __future__ import annotations

from typing import Any

from bot import callbacks, texts
from bot.domain import registration as reg
from bot.domain.review import FAIL_REASONS
from storage.reviews import Draft

LANG = "id"  # the committee works in Indonesian
Markup = dict[str, Any]


def _b(label: str, data: object) -> dict[str, str]:
    return {"text": label, "callback_data": callbacks.encode(data)}


def _t(key: str, **params: object) -> str:
    return texts.get(LANG, key, **params)


def main(application_id: int, private: bool = False) -> Markup:
    """The card's buttons; in a reviewer's private chat also skip and stop."""
    rows = [
        [_b(_t("staff.pass"), callbacks.Verdict(application_id, "pass")),
         _b(_t("staff.fail"), callbacks.Verdict(application_id, "fail"))],
        [_b(_t("staff.fix"), callbacks.Verdict(application_id, "fix"))],
    ]
    if private:
        rows.append([_b(_t("staff.review_skip"), callbacks.ReviewNext(application_id, "skip")),
                     _b(_t("staff.review_stop"), callbacks.ReviewNext(application_id, "stop"))])
    return {"inline_keyboard": rows}


def reasons(application_id: int) -> Markup:
    rows = [[_b(_t(f"staff.reason_{r}"), callbacks.FailReason(application_id, r))]
            for r in FAIL_REASONS]
    rows.append([_b(_t("staff.reason_type"), callbacks.FailReason(application_id, "other"))])
    rows.append([_b(_t("staff.back"), callbacks.Verdict(application_id, "back"))])
    return {"inline_keyboard": rows}


def fix_items(application_id: int, draft: Draft) -> Markup:
    """Tick what to fix; a note and a deadline for the applicant; send, or back."""
    toggles = [
        _b(("✅ " if item in draft.items else "▫️ ") + _t(f"reg.label_{item}"),
           callbacks.FixItem(application_id, item))
        for item in reg.ITEMS
    ]
    rows = [toggles[i : i + 3] for i in range(0, len(toggles), 3)]
    days = (_t("staff.deadline_days", days=draft.deadline_days) if draft.deadline_days
            else _t("staff.deadline_none"))
    rows.append([_b(_t("staff.fix_note_set" if draft.note else "staff.fix_note"),
                    callbacks.FixExtra(application_id, "note")),
                 _b(_t("staff.fix_deadline", days=days),
                    callbacks.FixExtra(application_id, "deadline"))])
    rows.append([_b(_t("staff.fix_send", count=len(draft.items)),
                    callbacks.Verdict(application_id, "fixsend")),
                 _b(_t("staff.back"), callbacks.Verdict(application_id, "back"))])
    return {"inline_keyboard": rows}


def reason_confirm(application_id: int) -> Markup:
    return {"inline_keyboard": [[
        _b(_t("staff.reason_send"), callbacks.ReasonConfirm(application_id, "send")),
        _b(_t("staff.reason_retype"), callbacks.ReasonConfirm(application_id, "retype")),
        _b(_t("staff.reason_cancel"), callbacks.ReasonConfirm(application_id, "cancel")),
    ]]}
