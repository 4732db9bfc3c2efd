"""Registration as data: which item comes next, how a typed answer becomes a stored value.

The position in the form is never kept in memory: `next_step` derives it from what is stored,
so an applicant can leave and come back on any device, after any restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.domain import fields
from bot.domain.fields import FieldError

DECLARATIONS = ("not_civil_servant", "healthy", "contract", "training", "literate")
EDUCATION = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
DEVICES = ("smartphone", "computer", "tablet")
OUTSIDE = "outside"
DOCUMENTS = ("ktp", "photo", "ijazah")
DOCUMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
# What each document may be: "photo" is a Telegram photo, the rest a file's MIME type. The
# pasfoto is a picture of the person, never a PDF.
ACCEPTED = {"ktp": ("photo", *DOCUMENT_TYPES), "photo": ("photo", "image/jpeg", "image/png"),
            "ijazah": ("photo", *DOCUMENT_TYPES)}


def accepts(kind: str, media_type: str) -> bool:
    return media_type in ACCEPTED[kind]


# A file is what its name and its first bytes say, not only what the sender declared.
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"),
              "image/png": (".png",)}
EXTENSION_OF = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SIGNATURES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff",
              "image/png": b"\x89PNG"}


def check_file(media_type: str, file_name: str | None, size: int | None,
               head: bytes | None) -> None:
    """A document's name ends as its type says ("KTP.pdf.exe" is not a PDF), it is not
    empty, and its first bytes are that type's (a web page named foto.png is not a PNG).
    A Telegram photo is Telegram's own JPEG: nothing to check."""
    if media_type == "photo":
        return
    if size == 0 or head == b"":
        raise FieldError("doc.empty")
    if not (file_name or "").lower().endswith(EXTENSIONS.get(media_type, ("\0",))):
        raise FieldError("doc.name", name=file_name or "")
    if head is not None and not head.startswith(SIGNATURES[media_type]):
        raise FieldError("doc.content")


def document_form(media_type: str) -> str:
    """How a stored document reads: a photo, a picture file, or a PDF (a text key)."""
    return {"photo": "photo", "application/pdf": "pdf"}.get(media_type, "image")

FieldKind = Literal["text", "phone", "choice", "multi"]


@dataclass(frozen=True)
class FieldSpec:
    key: str
    kind: FieldKind
    choices: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", "text"),
    FieldSpec("nik", "text"),
    FieldSpec("sex", "choice", ("M", "F")),
    FieldSpec("birth_place", "text"),
    FieldSpec("birth_date", "text"),
    FieldSpec("phone", "phone"),
    FieldSpec("email", "text"),
    FieldSpec("address", "text"),
    FieldSpec("district", "choice"),  # choices come from the recruitment's region
    FieldSpec("education", "choice", EDUCATION),
    FieldSpec("occupation", "text"),
    FieldSpec("experience", "choice", ("1", "0")),
    FieldSpec("experience_detail", "text"),
    FieldSpec("motorbike", "choice", ("1", "0")),
    FieldSpec("devices", "multi", (*DEVICES, "none")),
)
SPECS = {spec.key: spec for spec in FIELDS}
ITEMS = (*SPECS, *DOCUMENTS)  # everything a review can reopen
FREE_TEXT_LIMITS = {
    "birth_place": (2, 60),
    "address": (5, 200),
    "occupation": (2, 60),
    "experience_detail": (2, 200),
}

StepKind = Literal["consent", "declaration", "declined", "field", "document", "review"]


@dataclass(frozen=True)
class Step:
    kind: StepKind
    name: str | None = None


@dataclass(frozen=True)
class Draft:
    """Everything stored about one application in progress."""

    consent: bool
    declarations: Mapping[str, bool]
    profile: Mapping[str, object]
    documents: frozenset[str]
    editing: str | None = None
    reopened: tuple[str, ...] = field(default=())


def needed(key: str, profile: Mapping[str, object]) -> bool:
    if key == "experience_detail":
        return profile.get("experience") == 1
    return True


def missing(draft: Draft) -> list[str]:
    """Profile fields and documents still to be given, in form order."""
    gaps = [s.key for s in FIELDS if needed(s.key, draft.profile) and draft.profile.get(s.key)
            is None]
    return gaps + [d for d in DOCUMENTS if d not in draft.documents]


def next_step(draft: Draft) -> Step:
    if not draft.consent:
        return Step("consent")
    for name in DECLARATIONS:
        answer = draft.declarations.get(name)
        if answer is False:
            return Step("declined", name)
        if answer is None:
            return Step("declaration", name)
    if draft.editing is not None:
        return _item_step(draft.editing)
    gaps = missing(draft)
    return _item_step(gaps[0]) if gaps else Step("review")


def _item_step(item: str) -> Step:
    return Step("document", item) if item in DOCUMENTS else Step("field", item)


def parse_text(key: str, text: str, today: date) -> object:
    """A typed answer for a text field, as stored; raises FieldError with a message code."""
    if key == "full_name":
        return fields.parse_name(text)
    if key == "nik":
        return fields.parse_nik(text, today).value
    if key == "birth_date":
        return fields.parse_date(text, today).isoformat()
    if key == "phone":
        return fields.parse_phone(text)
    if key == "email":
        return fields.parse_email(text)
    low, high = FREE_TEXT_LIMITS[key]
    value = fields.clean_text(text)
    if not low <= len(value) <= high:
        raise FieldError("text.length", low=low, high=high)
    return value


def parse_choice(spec: FieldSpec, value: str, districts: tuple[str, ...]) -> object:
    """A button's value as stored. Districts travel as their index (names may be long)."""
    if spec.key == "district":
        if value == OUTSIDE:
            return OUTSIDE
        if value.isdigit() and int(value) < len(districts):
            return districts[int(value)]
        raise FieldError("choice.unknown")
    if value not in spec.choices:
        raise FieldError("choice.unknown")
    return int(value) if spec.key in ("experience", "motorbike") else value


def cross_check(profile: Mapping[str, object], today: date) -> None:
    """The NIK against the stated sex and birth date (the +40 rule for women)."""
    nik_text = profile.get("nik")
    if not isinstance(nik_text, str):
        return
    nik = fields.parse_nik(nik_text, today)
    sex = profile.get("sex")
    if isinstance(sex, str):
        fields.check_nik_sex(nik, sex)
    birth = profile.get("birth_date")
    if isinstance(birth, str):
        fields.check_nik_birth_date(nik, date.fromisoformat(birth))


NIK_CHECKED = ("sex", "birth_date")  # the stored fields the NIK is cross-checked with


def nik_conflicts(profile: Mapping[str, object], today: date) -> tuple[str, ...]:
    """The stored fields (of NIK_CHECKED) that disagree with the profile's NIK."""
    clashing = []
    for key in NIK_CHECKED:
        try:
            cross_check({"nik": profile.get("nik"), key: profile.get(key)}, today)
        except fields.FieldError:
            clashing.append(key)
    return tuple(clashing)


def toggle_device(current: str | None, device: str) -> str:
    """Devices are stored as a comma list; "none" is its own answer ("" means none)."""
    if device == "none":
        return ""
    chosen = {d for d in (current or "").split(",") if d}
    chosen ^= {device}
    return ",".join(d for d in DEVICES if d in chosen)


@dataclass(frozen=True)
class Preferred:
    """The letter's "diutamakan" points: recorded for the ranking, never blocking."""

    age: int | None
    age_18_50: bool
    sma_or_higher: bool
    domicile_in_regency: bool
    motorbike: bool
    device: bool
    experience: bool


def preferred(profile: Mapping[str, object], on: date) -> Preferred:
    birth = profile.get("birth_date")
    age = fields.age_on(date.fromisoformat(birth), on) if isinstance(birth, str) else None
    education = profile.get("education")
    district = profile.get("district")
    return Preferred(
        age=age,
        age_18_50=age is not None and 18 <= age <= 50,
        sma_or_higher=education in EDUCATION[EDUCATION.index("SMA"):],
        domicile_in_regency=isinstance(district, str) and district != OUTSIDE,
        motorbike=profile.get("motorbike") == 1,
        device=bool(profile.get("devices")),
        experience=profile.get("experience") == 1,
    )
