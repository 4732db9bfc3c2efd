"""A NIK typo is never a dead end: the bot says which field disagrees with the NIK and offers
the way out in one tap (change the NIK; or keep the NIK just typed and answer the other again).
Walked as an applicant, through the simulator."""

from __future__ import annotations

from bot.runner import RunningBot
from tests.e2e.journeys import Person, register, reply_with, submit, t
from tests.e2e.test_registration import stored
from tests.e2e.test_registration_rules import to_field
from tgsim import Simulator

TRUE_NIK = "5207014508950003"  # a woman born 05-08-1995
WRONG_DATE_DIGIT = "5207014608950003"  # says 06-08-1995
WRONG_SEX_DIGIT = "5207010508950003"  # says a man born 05-08-1995


async def test_a_wrong_date_digit_is_fixed_in_one_step(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    await siti.send(WRONG_DATE_DIGIT)
    await reply_with(siti, "Tersimpan")
    await siti.click(t("id", "reg.sex_F"))
    await reply_with(siti, "Ketik tempat lahir")
    await siti.send("Taliwang")
    await reply_with(siti, "Ketik tanggal lahir")
    await siti.send("05-08-1995")
    refused = await reply_with(siti, "tidak sesuai dengan NIK")
    assert "05-08-1995" in refused.text and "06-08-1995" in refused.text
    assert "/batal" not in refused.text  # advice that names something that works
    await siti.click("✏️ Ubah NIK", message=refused)
    await reply_with(siti, "Ketik NIK")
    await siti.send(TRUE_NIK)
    again = await reply_with(siti, "Tersimpan")
    assert "tanggal lahir" in again.text.lower()  # back to the date, which is still missing
    await siti.send("05-08-1995")
    await reply_with(siti, "Tersimpan")
    profile, _, _ = await stored(bot, siti.id)
    assert (profile["nik"], profile["sex"], profile["birth_date"]) == (TRUE_NIK, "F",
                                                                      "1995-08-05")


async def test_a_wrong_sex_digit_is_fixed_in_one_step(sim: Simulator, bot: RunningBot) -> None:
    ani = sim.user("Ani")
    await to_field(ani, "Ani Lestari")
    await ani.send(WRONG_SEX_DIGIT)
    await reply_with(ani, "Tersimpan")
    await ani.click(t("id", "reg.sex_F"))
    refused = await reply_with(ani, "Jenis kelamin itu tidak sesuai dengan NIK")
    await ani.click("✏️ Ubah NIK", message=refused)
    await reply_with(ani, "Ketik NIK")
    await ani.send(TRUE_NIK)
    await reply_with(ani, "Pilih jenis kelamin")  # asked again: it was never stored
    await ani.click(t("id", "reg.sex_F"))
    await reply_with(ani, "Ketik tempat lahir")
    profile, _, _ = await stored(bot, ani.id)
    assert (profile["nik"], profile["sex"]) == (TRUE_NIK, "F")


async def test_a_nik_matched_by_a_wrong_sex_is_corrected_at_the_review(
    sim: Simulator, bot: RunningBot
) -> None:
    """She gave the wrong sex to get past the typo; at the review she fixes the NIK, and the
    bot keeps it and asks the sex again (the dead end the walk found)."""
    dewi = sim.user("Dewi")
    await register(dewi, "id", Person(name="Dewi Sartika", nik=WRONG_SEX_DIGIT, sex="M"))
    await dewi.click("✏️ NIK")
    await reply_with(dewi, "Ketik NIK")
    await dewi.send(TRUE_NIK)
    conflict = await reply_with(dewi, "tidak cocok dengan jenis kelamin")
    profile, _, _ = await stored(bot, dewi.id)
    assert profile["nik"] == WRONG_SEX_DIGIT  # nothing changed before she decides
    await dewi.click("✅ Pakai NIK ini", message=conflict)
    await reply_with(dewi, "Pilih jenis kelamin")
    await dewi.click(t("id", "reg.sex_F"))
    await reply_with(dewi, "Periksa data pendaftaran Anda")
    profile, _, _ = await stored(bot, dewi.id)
    assert (profile["nik"], profile["sex"]) == (TRUE_NIK, "F")
    done = await submit(dewi)
    assert "diterima" in done.text


async def test_after_submitting_my_data_shows_every_field_and_document(
    sim: Simulator, bot: RunningBot
) -> None:
    rina = sim.user("Rina")
    await register(rina, "id", Person(name="Rina Wati"))
    done = await submit(rina)
    assert done.buttons == [["📄 Lihat data saya"]]
    await rina.click("📄 Lihat data saya", message=done)
    data = await reply_with(rina, "Data pendaftaran yang Anda kirim")
    for line in ("Nama: Rina Wati", f"NIK: {TRUE_NIK}", "KTP: foto", "Pasfoto: foto",
                 "Ijazah: file PDF", "Kecamatan: Taliwang"):
        assert line in data.text, line
    documents = [await reply_with(rina, label) for label in ("KTP", "Pasfoto", "Ijazah")]
    assert [m.kind for m in documents] == ["photo", "photo", "document"]
    assert all(m.protect_content for m in documents)
    await rina.send("/status")
    status = await reply_with(rina, "menunggu pemeriksaan administrasi")
    assert status.buttons == [["📄 Lihat data saya"]]
