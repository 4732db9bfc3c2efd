"""Views: pure functions that compose the text of a reply from stored facts."""

from __future__ import annotations

from bot import texts
from bot.recruitment import Recruitment


def welcome(lang: str, recruitment: Recruitment) -> str:
    return "\n\n".join(
        [
            texts.get(lang, "start.greeting", recruitment=recruitment.name),
            texts.get(lang, "start.intro"),
            texts.get(lang, "start.menu_hint"),
        ]
    )


def requirements(lang: str, recruitment: Recruitment) -> str:
    return texts.get(lang, "requirements", regency=recruitment.region.regency_name)


def schedule(lang: str, recruitment: Recruitment) -> str:
    zone = recruitment.zone
    stages = recruitment.stages
    lines = [texts.get(lang, "schedule.title", recruitment=recruitment.name, zone=zone.key)]
    for name in ("registration", "administrative", "test", "final_selection"):
        window = getattr(stages, name)
        start, end = window.start.astimezone(zone), window.end.astimezone(zone)
        when = f"{texts.format_date(lang, start)} – {texts.format_date(lang, end)}"
        lines.append(
            texts.get(lang, "schedule.line", stage=texts.get(lang, f"schedule.stage_{name}"),
                      when=when)
        )
    announcement = texts.format_datetime(lang, stages.announcement.astimezone(zone))
    lines.append(texts.get(lang, "schedule.announcement", when=announcement))
    lines.append("")
    lines.append(texts.get(lang, "schedule.registration_note"))
    return "\n".join(lines)
