"""Registration screens: pure functions from a stored position to text and buttons."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot import callbacks, labels, texts
from bot.domain import registration as reg
from bot.domain.fields import FieldError
from bot.recruitment import Recruitment
from bot.services.registration import Position
from handlers import views
from handlers.keyboards import button

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


@dataclass(frozen=True)
class Screen:
    text: str
    markup: Markup = None


def _t(lang: str, key: str, **params: object) -> str:
    return texts.get(lang, key, **params)


def _rows(buttons: list, width: int) -> list[list]:  # type: ignore[type-arg]
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def field_error(lang: str, error: FieldError, r: Recruitment, step_markup: Markup = None
                ) -> Screen:
    """What was wrong, with the one-tap way out where there is one: change the NIK, keep the
    NIK just typed (the other field asked again), take the e-mail address as corrected.
    Otherwise the step's own keyboard stays (the phone's «Kirim nomor saya»)."""
    params: dict[str, object] = {**{k: texts.escape(v) for k, v in error.params.items()},
                                 "contact": views.contact(lang, r)}
    if "fields" in params:
        names = [_t(lang, f"reg.label_{key}").lower() for key in str(params["fields"]).split(",")]
        params["what"] = _t(lang, "reg.and").join(names)
    text = _t(lang, f"errors.{error.code}", **params)
    if error.code in ("nik.sex_mismatch", "nik.birth_mismatch"):
        return Screen(text, InlineKeyboardMarkup([[
            button(_t(lang, "reg.fix_nik"), callbacks.Edit("nik"))]]))
    if error.code == "nik.conflicts_stored":
        return Screen(text, InlineKeyboardMarkup([[
            button(_t(lang, "reg.keep_nik"), callbacks.KeepNik(str(error.params["nik"])))]]))
    if error.code == "email.typo":
        address = str(error.params["address"])
        with contextlib.suppress(ValueError):  # an address too long for a button: retype it
            return Screen(text, InlineKeyboardMarkup([[button(
                _t(lang, "reg.keep_email", address=address), callbacks.KeepEmail(address))]]))
    return Screen(text, step_markup)


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def typed_choice(lang: str, key: str, text: str, r: Recruitment) -> str | None:
    """A button's label typed instead of pressed ("Taliwang", "perempuan", "SMK"): the
    button's value, or None. Labels of both languages count, and each part of a label with
    slashes ("SMA/SMK/MA sederajat")."""
    typed = _normal(text)
    if not typed:
        return None
    if key == "district":
        options = [(name, str(i)) for i, name in enumerate(r.region.districts)]
    else:
        options = [(choice_label(language, key, _stored(key, v), r), v)
                   for v in reg.SPECS[key].choices for language in texts.LANGUAGES]
        options += [(v, v) for v in reg.SPECS[key].choices if key == "education"]
    for label, value in options:
        words = _normal(label).replace("sederajat", "").replace("(", "/").replace(")", "")
        if typed in (_normal(label), *(part.strip() for part in words.split("/"))):
            return value
    return None


def choice_label(lang: str, key: str, value: object, r: Recruitment) -> str:
    return labels.value_label(lang, key, value, r.region.regency_name)


def _choice_buttons(lang: str, key: str, r: Recruitment) -> InlineKeyboardMarkup:
    if key == "district":
        options = [(name, str(i)) for i, name in enumerate(r.region.districts)]
        options.append((_t(lang, "reg.outside", regency=r.region.regency_name), reg.OUTSIDE))
        width = 2
    else:
        spec = reg.SPECS[key]
        options = [(choice_label(lang, key, _stored(key, v), r), v) for v in spec.choices]
        width = 2
    buttons = [button(label, callbacks.Choose(key, value)) for label, value in options]
    if key == "education":  # SD, SMP, SMA with their equivalents; then D1-D4; then S1-S3
        return InlineKeyboardMarkup([buttons[0:2], buttons[2:3], buttons[3:7], buttons[7:]])
    return InlineKeyboardMarkup(_rows(buttons, width))


def _stored(key: str, value: str) -> object:
    return int(value) if key in ("experience", "motorbike") else value


def devices_keyboard(lang: str, ticked: str | None) -> InlineKeyboardMarkup:
    chosen = set((ticked or "").split(","))
    toggles = [
        button(("✅ " if d in chosen else "▫️ ") + _t(lang, f"reg.device_{d}"),
               callbacks.Device(d))
        for d in reg.DEVICES
    ]
    return InlineKeyboardMarkup(
        [
            toggles,
            [button(_t(lang, "reg.device_none"), callbacks.Device("none")),
             button(_t(lang, "reg.device_done"), callbacks.Device("done"))],
        ]
    )


def _declaration_buttons(lang: str, name: str) -> InlineKeyboardMarkup:
    """Ya / Tidak; a declaration asked the other way round has buttons that say the answer
    ("Bukan, saya bukan PNS/PPPK"), so nobody has to untangle a double negative."""
    labels = texts.flatten(texts.catalogue(lang))
    own = f"reg.declare_{name}_yes" in labels
    yes, no = ((f"reg.declare_{name}_yes", f"reg.declare_{name}_no") if own
               else ("reg.answer_yes", "reg.answer_no"))
    return InlineKeyboardMarkup([[button(_t(lang, yes), callbacks.Declare(name, "yes")),
                                  button(_t(lang, no), callbacks.Declare(name, "no"))]])


def step_screen(lang: str, pos: Position, r: Recruitment) -> Screen:
    step = pos.step
    if step.kind == "consent":
        return Screen(
            _t(lang, "reg.consent", regency=r.region.regency_name),
            InlineKeyboardMarkup([[button(_t(lang, "reg.consent_yes"), callbacks.Consent("yes")),
                                   button(_t(lang, "reg.consent_no"), callbacks.Consent("no"))]]),
        )
    if step.kind == "declaration":
        assert step.name
        number = reg.DECLARATIONS.index(step.name) + 1
        question = _t(lang, f"reg.declare_{step.name}")
        return Screen(_t(lang, "reg.declaration", number=number, question=question),
                      _declaration_buttons(lang, step.name))
    if step.kind == "declined":
        return Screen(
            _t(lang, f"reg.declined_{step.name}") + "\n\n" + _t(lang, "reg.declined_more"),
            InlineKeyboardMarkup([[button(_t(lang, "reg.redo"),
                                          callbacks.Declare(step.name, "redo"))]]),
        )
    if step.kind == "review":
        return review_screen(lang, pos, r)
    assert step.name
    if pos.draft.editing is not None:  # a change from the review: which item, not a count
        header = _t(lang, "reg.editing", item=_t(lang, f"reg.label_{pos.draft.editing}"))
    else:
        total = len(reg.missing(reg.Draft(True, {}, {}, frozenset())))
        done = total - len(reg.missing(pos.draft))
        header = _t(lang, "reg.progress", done=done, total=total)
    limit = f"{r.documents.max_file_mb:g}"
    prompt = _t(lang, f"reg.ask_{step.name}", limit_mb=limit)
    text = f"<i>{header}</i>\n{prompt}"
    if step.kind == "document":
        return Screen(text)
    spec = reg.SPECS[step.name]
    if spec.kind == "phone":
        share = KeyboardButton(_t(lang, "reg.share_phone"), request_contact=True)
        return Screen(text, ReplyKeyboardMarkup([[share]], resize_keyboard=True,
                                                one_time_keyboard=True))
    if spec.kind == "choice":
        return Screen(text, _choice_buttons(lang, step.name, r))
    if spec.kind == "multi":
        draft = pos.profile.get("devices_draft")
        return Screen(text, devices_keyboard(lang, draft if isinstance(draft, str) else None))
    return Screen(text)


def summary_lines(lang: str, pos: Position, r: Recruitment) -> list[str]:
    lines = []
    for spec in reg.FIELDS:
        if not reg.needed(spec.key, pos.profile):
            continue
        value = choice_label(lang, spec.key, pos.profile.get(spec.key), r)
        lines.append(f"{_t(lang, f'reg.label_{spec.key}')}: {texts.escape(value)}")
    for kind in reg.DOCUMENTS:
        doc = pos.documents.get(kind)
        state = _t(lang, f"reg.form_{reg.document_form(doc.media_type)}") if doc else "–"
        lines.append(f"{_t(lang, f'reg.label_{kind}')}: {state}")
    return lines


def document_saved(lang: str, kind: str, media_type: str) -> str:
    """"✅ KTP tersimpan (foto)": which document, in which form, so a mix-up shows at once."""
    return _t(lang, "reg.doc_saved", document=_t(lang, f"reg.label_{kind}"),
              form=_t(lang, f"reg.form_{reg.document_form(media_type)}"))


def my_data_button(lang: str, pos: Position) -> InlineKeyboardMarkup | None:
    """Once something was sent (not while filling in, not after withdrawing)."""
    if pos.application is None or pos.open or pos.status == "withdrawn":
        return None
    return InlineKeyboardMarkup([[button(_t(lang, "reg.my_data"), callbacks.MyData())]])


def my_data(lang: str, pos: Position, r: Recruitment) -> str:
    return "\n".join([_t(lang, "reg.my_data_title"), "", *summary_lines(lang, pos, r)])


def review_screen(lang: str, pos: Position, r: Recruitment) -> Screen:
    text = "\n".join(
        [_t(lang, "reg.review_title"), "", *summary_lines(lang, pos, r), "",
         _t(lang, "reg.review_hint")]
    )
    items = [i for i in reg.ITEMS if i in reg.DOCUMENTS or reg.needed(i, pos.profile)]
    if pos.status == "needs_fix":  # only what the committee reopened may change
        items = [i for i in items if i in pos.draft.reopened]
    edits = [button("✏️ " + _t(lang, f"reg.label_{i}"), callbacks.Edit(i)) for i in items]
    rows = _rows(edits, 3)
    rows.append([button(_t(lang, "reg.submit"), callbacks.Submit("ask"))])
    return Screen(text, InlineKeyboardMarkup(rows))


def submit_confirm(lang: str) -> Screen:
    return Screen(
        _t(lang, "reg.submit_confirm"),
        InlineKeyboardMarkup([[button(_t(lang, "reg.submit_yes"), callbacks.Submit("confirm")),
                               button(_t(lang, "reg.submit_no"), callbacks.Submit("cancel"))]]),
    )


def erase_confirm(lang: str) -> Screen:
    return Screen(
        _t(lang, "reg.erase_ask"),
        InlineKeyboardMarkup([[button(_t(lang, "reg.erase_yes"), callbacks.Erase("confirm")),
                               button(_t(lang, "reg.erase_no"), callbacks.Erase("cancel"))]]),
    )

