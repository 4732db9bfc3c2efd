"""The bot's description and short description: per language_code, Telegram's limits (0-512
and 0-120 characters) with Telegram's errors, and an empty one removes a language's own."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from tests.sim.sim_helpers import API_JSON
from tests.sim.test_schema import call as schema_call
from tgsim import Simulator


async def test_descriptions_are_kept_per_language(bot: telegram.Bot, sim: Simulator) -> None:
    assert (await bot.get_my_description()).description == ""
    assert (await bot.get_my_short_description()).short_description == ""
    assert await bot.set_my_description("Bot pendaftaran")
    assert await bot.set_my_description("The registration bot", language_code="en")
    assert await bot.set_my_short_description("Daftar di sini")
    assert await bot.set_my_short_description("Apply here", language_code="en")
    assert (await bot.get_my_description()).description == "Bot pendaftaran"
    assert (await bot.get_my_description(language_code="en")).description == (
        "The registration bot")
    assert (await bot.get_my_short_description()).short_description == "Daftar di sini"
    english = await bot.get_my_short_description(language_code="en")
    assert isinstance(english, telegram.BotShortDescription)
    assert english.short_description == "Apply here" and not english.api_kwargs
    assert sim.descriptions == {"": "Bot pendaftaran", "en": "The registration bot"}
    assert await bot.set_my_description("", language_code="en")  # removes the English one
    assert (await bot.get_my_description(language_code="en")).description == ""
    assert sim.descriptions == {"": "Bot pendaftaran"}


async def test_descriptions_within_telegrams_limits(bot: telegram.Bot, sim: Simulator) -> None:
    assert await bot.set_my_description("d" * 512)
    assert await bot.set_my_short_description("s" * 120, language_code="en")
    with pytest.raises(BadRequest):
        await bot.set_my_description("d" * 513)
    assert sim.calls[-1].status == 400
    assert sim.calls[-1].error == "Bad Request: description is too long"
    with pytest.raises(BadRequest):
        await bot.set_my_short_description("s" * 121, language_code="en")
    assert sim.calls[-1].error == "Bad Request: short description is too long"
    # What was refused changed nothing.
    assert (await bot.get_my_description()).description == "d" * 512
    assert (await bot.get_my_short_description(language_code="en")).short_description == (
        "s" * 120)


@pytest.mark.skipif(not API_JSON.exists(), reason="api.min.json not available")
async def test_results_match_the_bot_api_schema(sim: Simulator) -> None:
    for method, params in (("setMyDescription", {"description": "x", "language_code": "en"}),
                           ("getMyDescription", {"language_code": "en"}),
                           ("setMyShortDescription", {"short_description": "y"}),
                           ("getMyShortDescription", {})):
        await schema_call(sim, method, **params)
