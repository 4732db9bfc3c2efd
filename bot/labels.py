"""How a stored profile value reads to a person, in their language."""

from __future__ import annotations

from datetime import date

from bot import texts
from bot.domain import registration as reg


def value_label(lang: str, key: str, value: object, regency: str) -> str:
    if value is None:
        return "–"
    if key == "sex":
        return texts.get(lang, f"reg.sex_{value}")
    if key == "district" and value == reg.OUTSIDE:
        return texts.get(lang, "reg.outside", regency=regency)
    if key == "education" and value in reg.EDUCATION:
        return texts.get(lang, f"reg.education_{value}")
    if key in ("experience", "motorbike"):
        return texts.get(lang, "reg.answer_yes" if value == 1 else "reg.answer_no")
    if key == "devices":
        chosen = [d for d in str(value).split(",") if d]
        return ", ".join(texts.get(lang, f"reg.device_{d}") for d in chosen) or texts.get(
            lang, "reg.none"
        )
    if key == "birth_date":
        return date.fromisoformat(str(value)).strftime("%d-%m-%Y")
    return str(value)
