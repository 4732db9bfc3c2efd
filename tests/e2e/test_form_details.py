"""The small things of the form, walked as a first-time applicant on a phone: a typed button
label is understood, the answer given by a button stays in the chat, an error keeps the
step's keyboard, a likely e-mail typo is fixed with one tap, a change from the review says
what is being changed, and the education choices name their equivalents."""

from __future__ import annotations

from bot.runner import RunningBot
from tests.e2e.journeys import Person, register, reply_with, t
from tests.e2e.test_registration import stored
from tests.e2e.test_registration_rules import to_field
from tgsim import Simulator, SimUser


async def to_email(user: SimUser) -> None:
    """From the NIK prompt to the e-mail prompt; the sex is answered by its button."""
    p = Person()
    await user.send(p.nik)
    sex = await reply_with(user, "Pilih jenis kelamin")
    await user.click(t("id", "reg.sex_F"), message=sex)
    # the pressed question keeps its answer in the chat, without buttons
    await user.wait_for(lambda: "Jawaban: Perempuan" in (sex.text or ""))
    assert sex.buttons == []
    await reply_with(user, "Ketik tempat lahir")
    await user.send(p.birth_place)
    await reply_with(user, "Ketik tanggal lahir")
    await user.send(p.birth_date)
    await reply_with(user, "Kirim nomor HP")
    await user.send("0812")  # too short: refused, and the share button is still offered
    refused = await reply_with(user, "Nomor HP belum benar")
    assert refused.reply_markup and refused.reply_markup.get("keyboard")
    assert refused.reply_markup["keyboard"][0][0]["text"] == "📱 Kirim nomor saya"
    await user.send(p.phone)
    await reply_with(user, "Ketik alamat email")


async def test_typed_labels_recorded_answers_kept_keyboards_and_a_one_tap_email_fix(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    await to_email(siti)
    await siti.send("siti.aminah@gmial.com")
    typo = await reply_with(siti, "Apakah maksud Anda")
    assert "siti.aminah@gmail.com" in typo.text
    await siti.click("✅ Pakai siti.aminah@gmail.com", message=typo)
    await reply_with(siti, "Ketik alamat domisili")
    profile, _, _ = await stored(bot, siti.id)
    assert profile["email"] == "siti.aminah@gmail.com"
    await siti.send("Jl. Sudirman No. 5, Taliwang")
    await reply_with(siti, "Pilih kecamatan")
    await siti.send("taliwang")  # the button's label, typed
    education = await reply_with(siti, "Pilih pendidikan terakhir")
    assert education.buttons[1] == ["SMA/SMK/MA sederajat"]
    await siti.send("Kota Mataram")  # not a button: refused, the buttons come again
    again = await reply_with(siti, "silakan pilih salah satu tombol")
    assert ["SMA/SMK/MA sederajat"] in again.buttons
    await siti.send("SMK")  # an equivalent named on the button
    await reply_with(siti, "Ketik pekerjaan")
    profile, _, _ = await stored(bot, siti.id)
    assert (profile["district"], profile["education"]) == ("Taliwang", "SMA")


async def test_a_change_from_the_review_names_what_is_changed(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    review = await register(siti)
    assert "Pendidikan: SMA/SMK/MA sederajat" in review.text
    await siti.click("✏️ Nama", message=review)
    prompt = await reply_with(siti, "Ketik nama lengkap")
    assert prompt.text.startswith("Mengubah data: Nama") and "Data " not in prompt.text
    await siti.send("Siti Aminah Rahmawati")
    assert "Nama: Siti Aminah Rahmawati" in (await reply_with(siti, "Periksa data")).text


async def test_english_labels_are_understood_when_typed(sim: Simulator, bot: RunningBot) -> None:
    john = sim.user("John", language_code="en")
    review = await register(john, "en", Person(name="John Doe", nik="5207011508950004",
                                               sex="M", birth_date="15-08-1995",
                                               education="S1"))
    assert "Education: Bachelor (S1)" in review.text
    await john.click("✏️ Sex", message=review)
    await reply_with(john, "Choose your sex")
    await john.send("male")
    await reply_with(john, "Check your registration")
    profile, _, _ = await stored(bot, john.id)
    assert profile["sex"] == "M"
