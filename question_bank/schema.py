"""Question and bank models (pydantic v2, frozen).

Validation problems are raised as ``PydanticCustomError`` with a stable error *type*
(``qb_...``) so that the loaders can turn them into bilingual messages
(see :mod:`question_bank.messages`, whose wording this module uses; it imports nothing back).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from question_bank.messages import MESSAGES

LETTERS = "ABCDE"
MIN_OPTIONS = 2
MAX_OPTIONS = 5
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one text message
HEADER_RESERVE = 200  # room for "Soal 12/30 - 41 menit tersisa" etc.
OPTION_OVERHEAD = 4  # "A. " + newline
MAX_TEXT_CHARS = MAX_MESSAGE_CHARS - HEADER_RESERVE - MIN_OPTIONS * (1 + OPTION_OVERHEAD)
MAX_EXPLANATION_CHARS = MAX_MESSAGE_CHARS - HEADER_RESERVE
MAX_CAPTION_CHARS = 1024  # Telegram's limit for a photo's caption (an image question)
ID_PATTERN_TEXT = r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}"
ID_PATTERN = re.compile(f"^{ID_PATTERN_TEXT}$")
GROUP_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,39}$")
# A file in the bank's image folder (sub-folders allowed, never "..", never absolute).
IMAGE_PATTERN = re.compile(r"^(?:\w[\w.\-]*/){0,3}\w[\w.\-]{0,79}\.(png|jpe?g)$",
                           re.IGNORECASE | re.ASCII)
CATEGORY_PATTERN = re.compile(r"^[a-z0-9_]+$")
DIFFICULTY_WORDS = {
    "mudah": 1,
    "easy": 1,
    "sedang": 2,
    "medium": 2,
    "sulit": 3,
    "sukar": 3,
    "hard": 3,
}

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "statistik_dasar": ("Statistik Dasar", "Basic statistics"),
    "survei_lapangan": ("Survei Lapangan", "Field survey practice"),
    "logika": ("Logika", "Logic"),
    "numerik": ("Numerik", "Numeracy"),
    "pengetahuan_bps": ("Pengetahuan BPS", "Knowledge of BPS"),
}


def difficulty_level(value: Any) -> int | None:
    """1, 2 or 3 from a number or a word (mudah/sedang/sulit, easy/medium/hard); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        value = DIFFICULTY_WORDS.get(word, word)
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                return None
    if isinstance(value, int | float) and value == int(value) and 1 <= value <= 3:
        return int(value)
    return None


def _err(code: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, MESSAGES[code][0], ctx)


def normalize_option(option: str) -> str:
    """Key used to detect duplicate options: case- and whitespace-insensitive."""
    return " ".join(option.split()).casefold()


def rendered_size(text: str, options: tuple[str, ...]) -> int:
    """Characters one question needs in a Telegram message, header reserve included."""
    return HEADER_RESERVE + len(text) + sum(len(o) + OPTION_OVERHEAD for o in options)


def _as_text(value: Any, field: str) -> str:
    """Accept str (and plain numbers, e.g. unquoted YAML ``5``); normalise newlines."""
    if value is None:
        raise _err("qb_blank", field=field)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _err("qb_not_text", field=field)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = [c for c in text if _forbidden_char(c)]
    if bad:
        raise _err("qb_control_char", field=field, char=f"U+{ord(bad[0]):04X}")
    return text


def _forbidden_char(char: str) -> bool:
    if char in "\n\t":
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff"


def _required_text(value: Any, field: str) -> str:
    text = _as_text(value, field)
    if not text:
        raise _err("qb_blank", field=field)
    return text


def _optional_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    return _as_text(value, field) or None


class Question(BaseModel):
    """One multiple-choice question; ``answer`` is the letter of the correct option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    category: str
    difficulty: int
    text: str
    options: tuple[str, ...]
    answer: str
    explanation: str | None = None
    image: str | None = None  # a file name in the bank's image folder: sent as a photo
    groups: tuple[str, ...] = ()  # exclusion groups: a form holds one question of each at most

    @property
    def answer_index(self) -> int:
        return LETTERS.index(self.answer)

    @property
    def answer_text(self) -> str:
        return self.options[self.answer_index]

    @field_validator("id", mode="before")
    @classmethod
    def _check_id(cls, value: Any) -> str:
        text = _required_text(value, "id")
        if not ID_PATTERN.match(text):
            raise _err("qb_id_format", value=text)
        return text

    @field_validator("category", mode="before")
    @classmethod
    def _check_category(cls, value: Any) -> str:
        text = _required_text(value, "category")
        key = re.sub(r"[\s\-]+", "_", text.lower())
        if not CATEGORY_PATTERN.match(key):
            raise _err("qb_category_format", value=text)
        return key

    @field_validator("difficulty", mode="before")
    @classmethod
    def _check_difficulty(cls, value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise _err("qb_blank", field="difficulty")
        level = difficulty_level(value)
        if level is None:
            raise _err("qb_difficulty", value=value)
        return level

    @field_validator("text", mode="before")
    @classmethod
    def _check_text(cls, value: Any) -> str:
        text = _required_text(value, "text")
        if len(text) > MAX_TEXT_CHARS:
            raise _err("qb_text_too_long", length=len(text), limit=MAX_TEXT_CHARS)
        return text

    @field_validator("options", mode="before")
    @classmethod
    def _check_options(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise _err("qb_options_not_list")
        if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
            raise _err("qb_options_count", count=len(value))
        options = tuple(_as_text(v, "options") for v in value)
        seen: dict[str, str] = {}
        for letter, option in zip(LETTERS, options, strict=False):
            if not option:
                raise _err("qb_option_blank", letter=letter)
            key = normalize_option(option)
            if key in seen:
                raise _err("qb_option_duplicate", first=seen[key], second=letter)
            seen[key] = letter
        return options

    @field_validator("answer", mode="before")
    @classmethod
    def _check_answer(cls, value: Any, info: ValidationInfo) -> str:
        text = _required_text(value, "answer").upper()
        if len(text) != 1 or text not in LETTERS:
            raise _err("qb_answer_letter", value=text)
        options = info.data.get("options")
        if options is not None and LETTERS.index(text) >= len(options):
            raise _err("qb_answer_range", value=text, last=LETTERS[len(options) - 1])
        return text

    @field_validator("explanation", mode="before")
    @classmethod
    def _check_explanation(cls, value: Any) -> str | None:
        text = _optional_text(value, "explanation")
        if text is not None and len(text) > MAX_EXPLANATION_CHARS:
            raise _err("qb_explanation_too_long", length=len(text), limit=MAX_EXPLANATION_CHARS)
        return text

    @field_validator("image", mode="before")
    @classmethod
    def _check_image(cls, value: Any) -> str | None:
        text = _optional_text(value, "image")
        if text is not None and not IMAGE_PATTERN.match(text):
            raise _err("qb_image_name", value=text)
        return text

    @field_validator("groups", mode="before")
    @classmethod
    def _check_groups(cls, value: Any) -> tuple[str, ...]:
        """A list, or one text with the names separated by commas (a spreadsheet cell)."""
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        if not isinstance(value, list | tuple):
            raise _err("qb_groups_not_list")
        names: list[str] = []
        for item in value:
            name = _as_text(item, "groups").lower()
            if not name:
                continue
            if not GROUP_PATTERN.match(name):
                raise _err("qb_group_format", value=name)
            if name not in names:
                names.append(name)
        return tuple(names)

    @model_validator(mode="after")
    def _check_size(self) -> Question:
        size = rendered_size(self.text, self.options)
        limit = MAX_CAPTION_CHARS if self.image else MAX_MESSAGE_CHARS
        if size > limit:
            code = "qb_caption_too_long" if self.image else "qb_message_too_long"
            raise _err(code, size=size, limit=limit)
        return self


class Bank(BaseModel):
    """An immutable set of questions with unique ids."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Bank:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise _err("qb_duplicate_id_bank", id=q.id)
            seen.add(q.id)
        if not self.version.strip():
            raise _err("qb_blank", field="version")
        return self

    def by_category(self) -> dict[str, tuple[Question, ...]]:
        groups: dict[str, list[Question]] = {}
        for q in self.questions:
            groups.setdefault(q.category, []).append(q)
        return {cat: tuple(qs) for cat, qs in groups.items()}

    def counts(self) -> dict[str, int]:
        return {cat: len(qs) for cat, qs in self.by_category().items()}

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def bank_fingerprint(bank: Bank | Iterable[Question]) -> str:
    """Short sha256 of the questions' canonical content (order-independent, version excluded)."""
    questions = bank.questions if isinstance(bank, Bank) else bank
    rows = sorted((_canonical(q) for q in questions), key=lambda r: r["id"])
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _canonical(question: Question) -> dict[str, Any]:
    """A question as JSON; without exclusion groups exactly as before they existed, so the
    fingerprint of a bank that has none does not change."""
    row = question.model_dump(mode="json")
    if not row["groups"]:
        del row["groups"]
    return row
