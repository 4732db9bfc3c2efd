"""Automatic flags on an application, for the reviewer's eye (they never decide by themselves)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.domain import fields, registration


def flags(
    profile: Mapping[str, object], regency_code: str, on: date, shared_documents: Sequence[str]
) -> list[str]:
    """Flag codes: nik_birth_mismatch, age_outside, nik_other_region, shared_<kind>, no_sma."""
    found: list[str] = []
    nik_text = profile.get("nik")
    nik = None
    if isinstance(nik_text, str):
        try:
            nik = fields.parse_nik(nik_text, on)
        except fields.FieldError:
            found.append("nik_birth_mismatch")
    birth = profile.get("birth_date")
    if nik is not None and isinstance(birth, str):
        try:
            fields.check_nik_birth_date(nik, date.fromisoformat(birth))
            fields.check_nik_sex(nik, str(profile.get("sex") or nik.sex))
        except fields.FieldError:
            found.append("nik_birth_mismatch")
    preferred = registration.preferred(profile, on)
    if not preferred.age_18_50:
        found.append("age_outside")
    if nik is not None and not nik.in_regency(regency_code):
        found.append("nik_other_region")
    found += [f"shared_{kind}" for kind in shared_documents if kind in ("photo", "ktp")]
    if not preferred.sma_or_higher:
        found.append("no_sma")
    return found


FAIL_REASONS = ("documents", "mismatch", "requirements")
