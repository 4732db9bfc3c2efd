"""Parsers for the fields an applicant types (NIK, dates, phone, e-mail, name).

Every parser takes raw text and returns a normalised value or raises :class:`FieldError` whose
``code`` is a short stable key (e.g. ``"nik.length"``) that the caller maps to a polite message;
``params`` carry details for that message. All values in ``params`` are ``str`` or ``int``.
Pure functions: no I/O and no clock (``today`` is passed in).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

Sex = Literal["M", "F"]


class FieldError(ValueError):
    """A typed value is not acceptable. ``code`` is stable; ``params`` fill the message."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code, params)
        self.code = code
        self.params: dict[str, str | int] = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


def _dmy(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


# --------------------------------------------------------------------------- NIK

PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 20), 21, *range(31, 37), *range(51, 54), *range(61, 66),
        *range(71, 77), 81, 82, *range(91, 97),
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Nik:
    value: str  # the 16 digits
    province_code: str  # "52"
    regency_code: str  # "5207"
    district_code: str  # "520701"
    birth_date: date
    sex: Sex
    serial: str  # "0003"

    def in_regency(self, code: str) -> bool:
        """True if the NIK was issued in regency ``code`` ("5207" or "52.07")."""
        return self.regency_code == re.sub(r"[\s.]", "", code)


def parse_nik(text: str, today: date) -> Nik:
    digits = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"[0-9]*", digits):
        raise FieldError("nik.not_digits")
    if len(digits) != 16:
        raise FieldError("nik.length", expected=16, found=len(digits))
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    if province not in PROVINCE_CODES:
        raise FieldError("nik.province", province=province)
    if regency == "00":
        raise FieldError("nik.regency")
    if district == "00":
        raise FieldError("nik.district")
    raw_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: Sex = "F" if raw_day > 40 else "M"
    day = raw_day - 40 if raw_day > 40 else raw_day
    birth = _nik_birth_date(day, month, yy, today)
    if birth is None:
        raise FieldError("nik.date", digits=digits[6:12])
    serial = digits[12:16]
    if serial == "0000":
        raise FieldError("nik.serial")
    return Nik(
        value=digits,
        province_code=province,
        regency_code=digits[0:4],
        district_code=digits[0:6],
        birth_date=birth,
        sex=sex,
        serial=serial,
    )


def _nik_birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """2000+YY unless that is after ``today``, else 1900+YY; None if no such past date."""
    if not 1 <= day <= 31:  # rejects DD 00, 32-40 and 72-99
        return None
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            continue  # 29-02 of a year that is leap in one century only
        if candidate <= today:
            return candidate
    return None


def check_nik_sex(nik: Nik, sex: str) -> None:
    stated = sex.strip().upper()
    if stated not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    if stated != nik.sex:
        raise FieldError("nik.sex_mismatch", nik_sex=nik.sex, stated=stated)


def check_nik_birth_date(nik: Nik, birth: date) -> None:
    """The NIK holds DDMMYY only, so the century is not compared."""
    n = nik.birth_date
    if (n.day, n.month, n.year % 100) != (birth.day, birth.month, birth.year % 100):
        raise FieldError("nik.birth_mismatch", nik_date=_dmy(n), stated=_dmy(birth))


# --------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_NUMERIC_DATE = re.compile(r"([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NAMED_DATE = re.compile(r"([0-9]{1,2})\s*[-\s]\s*([a-z]+)\.?\s*[-\s,]\s*([0-9]{4})")


def parse_date(text: str, today: date) -> date:
    """A birth date: DD-MM-YYYY (also / or . and one-digit D, M), "15 Agustus 1995",
    "15 Aug 1995", or ISO YYYY-MM-DD."""
    s = text.strip().lower()
    if m := _NUMERIC_DATE.fullmatch(s):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO_DATE.fullmatch(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _NAMED_DATE.fullmatch(s)) and m[2] in _MONTHS:
        day, month, year = int(m[1]), _MONTHS[m[2]], int(m[3])
    else:
        raise FieldError("date.format")
    if year < 1900:
        raise FieldError("date.too_old", year=year, min_year=1900)
    try:
        result = date(year, month, day)
    except ValueError:
        raise FieldError("date.invalid", day=day, month=month, year=year) from None
    if result > today:
        raise FieldError("date.future", date=_dmy(result), today=_dmy(today))
    return result


def age_on(birth: date, on: date) -> int:
    """Completed years of age on ``on`` (someone born 29-02 turns a year older on 01-03)."""
    if on < birth:
        raise ValueError("age_on: 'on' is before the birth date")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------- phone


def parse_phone(text: str) -> str:
    """An Indonesian mobile number, returned as E.164 "+628..."."""
    s = re.sub(r"[\s.\-()]", "", text)
    international = s.startswith("+")
    digits = s[1:] if international else s
    if not re.fullmatch(r"[0-9]+", digits):
        raise FieldError("phone.format")
    if not international and digits.startswith("00"):  # international dialling prefix
        international, digits = True, digits[2:]
    if digits.startswith("62"):
        national = digits[2:]
        if national.startswith("0"):  # "+62 (0)812..."
            national = national[1:]
    elif international:
        raise FieldError("phone.foreign", number="+" + digits)
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if not national.startswith("8"):
        if 7 <= len(national) <= 12:
            raise FieldError("phone.not_mobile", number="0" + national)
        raise FieldError("phone.format")
    if not 9 <= len(national) <= 12:
        raise FieldError("phone.format", found=len(national) + 1, min=10, max=13)
    return "+62" + national


# --------------------------------------------------------------------------- e-mail

_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}")
_EMAIL_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_EMAIL_TYPOS: dict[str, str] = {
    f"{provider}.{bad}": f"{provider}.com"
    for provider in ("gmail", "yahoo", "ymail", "hotmail", "outlook")
    for bad in ("con", "co", "cm", "om", "cmo", "comm")
} | {typo: "gmail.com" for typo in ("gmial.com", "gmai.com", "gmal.com", "gamil.com")}


def parse_email(text: str) -> str:
    s = text.strip()
    if len(s) > 254 or s.count("@") != 1 or not s.isascii():
        raise FieldError("email.format")
    local, domain = s.split("@")
    domain = domain.lower()
    if (
        not _EMAIL_LOCAL.fullmatch(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise FieldError("email.format")
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        or not re.fullmatch(r"[a-z]{2,}", labels[-1])
    ):
        raise FieldError("email.format")
    if domain in _EMAIL_TYPOS:
        suggestion = _EMAIL_TYPOS[domain]
        raise FieldError("email.typo", suggestion=suggestion, address=f"{local}@{suggestion}")
    return f"{local}@{domain}"


# --------------------------------------------------------------------------- name

_NAME_PUNCTUATION = frozenset(" '.,-")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


def parse_name(text: str) -> str:
    """A full name as on the KTP: Latin letters (accents allowed), spaces and ' . , - only."""
    name = " ".join(unicodedata.normalize("NFC", text).translate(_APOSTROPHES).split())
    if not 3 <= len(name) <= 100:
        raise FieldError("name.length", found=len(name), min=3, max=100)
    bad = sorted({c for c in name if c not in _NAME_PUNCTUATION and not _is_letter(c)})
    if bad:
        raise FieldError("name.characters", found="".join(bad))
    marks = 0
    for c in name:
        marks = marks + 1 if unicodedata.category(c)[0] == "M" else 0
        if marks > MAX_MARKS:
            raise FieldError("name.characters", found=c)
    if sum(unicodedata.category(c).startswith("L") for c in name) < 2:
        raise FieldError("name.letters", min=2)
    return name


def _is_letter(c: str) -> bool:
    # Latin letters (as a KTP writes names), and the accents NFC cannot compose: no look-alike
    # from another script, no invisible "letter" such as the Hangul filler U+3164.
    if unicodedata.category(c)[0] == "M":
        return True
    return unicodedata.category(c)[0] == "L" and "LATIN" in unicodedata.name(c, "")


MAX_MARKS = 2  # combining marks on one letter (more only stacks marks over the line)


def clean_text(text: str) -> str:
    """Typed free text as stored: no control or invisible formatting character (right-to-left
    override, zero-width space...), spaces collapsed."""
    kept = (c for c in unicodedata.normalize("NFC", text)
            if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join("".join(kept).split())
