"""Before anybody presses START, Telegram shows the bot's description (and its short one on the
profile and in shared links): set at start-up in Indonesian for everyone and in English for
English-speaking Telegram, naming the recruitment, within Telegram's limits."""

from __future__ import annotations

from pathlib import Path

from bot.runner import RunningBot
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_registration_rules import recruitment_with
from tgsim import Simulator

DESCRIPTION_MAX, SHORT_MAX = 512, 120  # Telegram's limits


async def test_description_and_short_description_in_both_languages(
    sim: Simulator, bot: RunningBot
) -> None:
    name = bot.services.config.recruitment.name
    for method in ("setMyDescription", "setMyShortDescription"):
        calls = [c for c in sim.calls if c.method == method and c.status == 200]
        assert {c.params.get("language_code") for c in calls} == {None, "en"}, method
    api = bot.app.bot  # read back through the Bot API, as any client would
    indonesian = (await api.get_my_description()).description
    english = (await api.get_my_description(language_code="en")).description
    short_id = (await api.get_my_short_description()).short_description
    short_en = (await api.get_my_short_description(language_code="en")).short_description
    for text in (indonesian, english):
        assert name in text and len(text) <= DESCRIPTION_MAX
    for text in (short_id, short_en):
        assert name in text and len(text) <= SHORT_MAX
    # What the bot is for, and that it costs nothing.
    for step in ("mendaftar", "mengunggah dokumen", "sesi tes", "mengikuti tes", "hasil",
                 "gratis"):
        assert step in indonesian, step
    for step in ("apply", "upload your documents", "test session", "take the test", "result",
                 "free of charge"):
        assert step in english, step
    assert "Gratis" in short_id and "Free" in short_en
    assert indonesian != english and short_id != short_en


async def test_a_long_recruitment_name_is_shortened_to_fit(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    long_name = "Rekrutmen Mitra Statistik " + "Kabupaten Sumbawa Barat " * 10 + "2024"
    path = recruitment_with(tmp_path, name=long_name)
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path))
    assert running.app.running  # no 400 from Telegram stopped the start-up
    for code in ("", "en"):
        short = sim.short_descriptions[code]
        assert len(short) <= SHORT_MAX and long_name not in short
        assert short.startswith("Rekrutmen Mitra Statistik Kabupaten") and "…" in short
        assert short.endswith("Gratis." if code == "" else "Free.")
        assert len(sim.descriptions[code]) <= DESCRIPTION_MAX
