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
    lines = [texts.get(lang, "schedule.title", recruitment=recruitment.name,
                       zone=recruitment.zone_name)]
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


def contact(lang: str, recruitment: Recruitment) -> str:
    """One sentence with every way to reach the committee that the recruitment file gives."""
    c = recruitment.contact
    ways = [texts.get(lang, f"contact.{name}", value=texts.escape(value))
            for name in ("whatsapp", "phone", "email", "address", "hours")
            if (value := getattr(c, name))]
    if not c.reachable() and not c.address:
        ways.insert(0, texts.get(lang, "contact.office", regency=recruitment.region.regency_name))
    return texts.get(lang, "contact.lead", ways=", ".join(ways))


def help_text(lang: str, recruitment: Recruitment) -> str:
    return texts.get(lang, "help", contact=contact(lang, recruitment))


def _is_salam(text: str) -> bool:
    """"Assalamualaikum", "asalamu'alaikum wr wb", "Salam": answered in kind."""
    folded = "".join(ch for ch in text.casefold() if ch.isalpha())
    return folded.startswith(("assalam", "asalam", "salam"))


def fallback(lang: str, recruitment: Recruitment, text: str | None) -> str:
    """A greeting or a free question outside any step: a friendly answer, what the bot can
    do, and a person to ask."""
    if text and text.startswith("/"):
        return texts.get(lang, "unknown_command", command=texts.escape(text.split()[0]))
    greeting = texts.get(lang, "greeting_salam" if text and _is_salam(text) else "greeting_hello")
    return texts.get(lang, "fallback", greeting=greeting, recruitment=recruitment.name,
                     contact=contact(lang, recruitment))
