"""The foundation, as a person sees it: /start, the menu, languages, help, odd input."""

from __future__ import annotations

from bot.runner import RunningBot
from tests.e2e.journeys import reply_with, words
from tgsim import Simulator


async def test_start_shows_welcome_and_menu(sim: Simulator, bot: RunningBot) -> None:
    alice = sim.user("Alice", language_code="id")
    await alice.send("/start")
    welcome = await reply_with(alice, "Selamat datang")
    assert "tidak dipungut biaya" in welcome.text
    labels = [label for row in welcome.buttons for label in row]
    assert "📝 Daftar / lanjutkan pendaftaran" in labels and "🗓 Jadwal" in labels


async def test_menu_button_shows_the_schedule(sim: Simulator, bot: RunningBot) -> None:
    alice = sim.user("Alice")
    await alice.send("/start")
    await reply_with(alice, "Selamat datang")
    await alice.click("🗓 Jadwal")
    schedule = await reply_with(alice, "1 November 2023 – 30 November 2023")
    assert "15 Desember 2023 09.00" in schedule.text


async def test_language_switch_is_remembered(sim: Simulator, bot_runner) -> None:  # type: ignore[no-untyped-def]
    first = await bot_runner()
    bob = sim.user("Bob", language_code="id")
    await bob.send("/bahasa")
    await reply_with(bob, words("id", "language.choose"))
    answer = await bob.click("English")
    assert answer.text == "Language switched to English."
    confirmation = await reply_with(bob, "Language switched to English.")
    assert confirmation.text == "Language switched to English."
    await first.stop()
    await bot_runner()  # a new process on the same database
    await bob.send("/help")
    assert (await reply_with(bob, "/start – welcome page and menu")).text.startswith("Help")


async def test_english_telegram_users_start_in_english(sim: Simulator, bot: RunningBot) -> None:
    carol = sim.user("Carol", language_code="en-GB")
    await carol.send("/start")
    await reply_with(carol, "Welcome")


async def test_a_greeting_or_free_question_gets_a_friendly_answer_the_menu_and_a_person(
    sim: Simulator, bot: RunningBot
) -> None:
    dave = sim.user("Dave")
    asked = await dave.send("Assalamualaikum, bagaimana cara daftar mitra?")
    answer = await reply_with(dave, "Wa'alaikumsalam!")
    assert answer.text.startswith("Wa'alaikumsalam!") and "belum mengerti" not in answer.text
    assert "/daftar" in answer.text and "/status" in answer.text
    # a person to ask: the recruitment file's contact, in words
    assert "Hubungi panitia: email bps5207@bps.go.id" in answer.text
    assert "jam layanan Senin–Jumat 08.00–16.00 WITA" in answer.text
    assert answer.buttons[0] == ["📝 Daftar / lanjutkan pendaftaran"]  # the menu
    assert answer.message_id > asked.message_id
    await dave.send_sticker()
    assert (await reply_with(dave, "Halo!")).text.startswith("Halo!")
    await dave.send("/perintahaneh")
    unknown = await reply_with(dave, "Perintah /perintahaneh tidak dikenal")
    assert unknown.buttons
    await dave.send("/help")
    help_text = (await reply_with(dave, "/start – halaman awal dan menu")).text
    for command in ("/hasil", "/batal", "/hapus", "/daftar", "/jadwal"):
        assert command in help_text, command
    assert "Hubungi panitia: email bps5207@bps.go.id" in help_text


async def test_stale_and_forged_buttons_are_answered(sim: Simulator, bot: RunningBot) -> None:
    erin = sim.user("Erin")
    await erin.send("/start")
    welcome = await reply_with(erin, "Selamat datang")
    answer = await erin.click_data("m:does-not-exist", welcome)
    assert answer.text == "Tombol ini sudah tidak berlaku. Ketik /menu untuk melanjutkan."
    answer = await erin.click_data("zz:1:2", welcome)
    assert answer.text == "Tombol ini sudah tidak berlaku. Ketik /menu untuk melanjutkan."


async def test_commands_are_published_in_both_languages(sim: Simulator, bot: RunningBot) -> None:
    calls = [c for c in sim.calls if c.method == "setMyCommands"]
    assert {c.params.get("language_code") for c in calls} == {None, "en"}
