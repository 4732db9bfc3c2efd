"""Every bad answer gets its own clear message and changes nothing; windows, quota, restarts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import yaml

from bot.clock import ManualClock
from bot.fake_people import fill_registration, sim_uploads
from bot.runner import RunningBot
from tests.e2e.conftest import ROOT, WITA, StartBot, make_config
from tests.e2e.journeys import (
    Person,
    answer_consent_and_declarations,
    arrived,
    register,
    reply_with,
    submit,
    t,
    words,
)
from tests.e2e.test_registration import stored
from tgsim import Simulator, SimUser

NIK_ERRORS = {
    "52070145089500": "NIK harus 16 angka, yang Anda ketik 14 angka",
    "52070145O8950003": "NIK hanya berisi angka",
    "5200014508950003": "kode kabupaten/kota) tidak boleh 00",
    "0007014508950003": "bukan kode provinsi",
    "5207013102950003": "bukan tanggal lahir yang mungkin",
    "5207014508950000": "tidak boleh 0000",
}


async def to_field(user: SimUser, name: str = "Siti Aminah") -> None:
    """Start registering and answer up to the NIK prompt."""
    await user.send("/daftar")
    await answer_consent_and_declarations(user, "id")
    await user.send(name)
    await reply_with(user, words("id", "reg.ask_nik"))


async def test_bad_niks_each_get_their_own_message(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    for nik, expected in NIK_ERRORS.items():
        await siti.send(nik)
        await reply_with(siti, expected)
    profile, _, _ = await stored(bot, siti.id)
    assert profile["nik"] is None
    await siti.send("5207014508950003")
    assert "Tersimpan" in (await reply_with(siti, words("id", "reg.ask_sex"))).text


async def test_nik_sex_and_birth_date_mismatch_are_explained(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    await siti.send("5207014508950003")  # the +40 rule: a woman
    await reply_with(siti, words("id", "reg.ask_sex"))
    await siti.click(t("id", "reg.sex_M"))
    await reply_with(siti, "ditambah 40")
    await siti.click(t("id", "reg.sex_F"))
    await reply_with(siti, words("id", "reg.ask_birth_place"))
    await siti.send("Taliwang")
    await reply_with(siti, words("id", "reg.ask_birth_date"))
    await siti.send("06-08-1995")
    mismatch = (await reply_with(siti, words("id", "errors.nik.birth_mismatch"))).text
    assert "06-08-1995" in mismatch and "05-08-1995" in mismatch
    profile, _, _ = await stored(bot, siti.id)
    assert profile["sex"] == "F" and profile["birth_date"] is None


async def test_a_nik_is_held_by_a_submitted_application_not_by_whoever_types_it(
    sim: Simulator, bot: RunningBot
) -> None:
    siti, mallory = sim.user("Siti"), sim.user("Mallory")
    # Mallory fills in Siti's NIK: typing it locks nobody out, and tells nobody anything.
    await register(mallory)
    await register(siti)
    assert "sudah diterima" in (await submit(mallory)).text
    # Siti submits: refused while Mallory's application holds her NIK, with a way out.
    refused = await submit(siti, expect=words("id", "errors.nik.taken"))
    assert refused.text.startswith("Pendaftaran belum terkirim")
    assert refused.buttons == [["✏️ Ubah NIK"]] and "bps5207@bps.go.id" in refused.text
    rows = await bot.services.db.fetchall("SELECT id, status FROM applications ORDER BY id")
    assert [r[1] for r in rows] == ["submitted", "registering"]
    # The committee releases it by failing the application that took it; Siti submits.
    await bot.services.review.decide(rows[0][0], "fail", 1, "Panitia", "NIK milik orang lain")
    assert "sudah diterima" in (await submit(siti)).text


async def test_bad_phone_and_email(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    for answer in ("5207014508950003",):
        await siti.send(answer)
        await reply_with(siti, words("id", "reg.ask_sex"))
    await siti.click(t("id", "reg.sex_F"))
    await reply_with(siti, words("id", "reg.ask_birth_place"))
    for answer, then in (("Taliwang", "reg.ask_birth_date"), ("05-08-1995", "reg.ask_phone")):
        await siti.send(answer)
        await reply_with(siti, words("id", then))
    await siti.send("0370 123456")
    await reply_with(siti, "telepon rumah")
    await siti.send("12345")
    await reply_with(siti, "Nomor HP belum benar")
    await siti.share_contact("6281299998888")
    await reply_with(siti, "Tersimpan")
    await reply_with(siti, words("id", "reg.ask_email"))
    await siti.send("siti@@gmail")
    await reply_with(siti, "Alamat email belum benar")
    await siti.send("siti@gmail.con")
    await reply_with(siti, "siti@gmail.com")
    profile, _, _ = await stored(bot, siti.id)
    assert profile["phone"] == "+6281299998888" and profile["email"] is None


async def test_wrong_documents_are_refused_and_change_nothing(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    review = await register(siti)
    assert "KTP: foto" in review.text and "Ijazah: file PDF" in review.text  # kind, not "ok"
    await siti.click("✏️ KTP", message=review)
    assert "KTP" in (await reply_with(siti, words("id", "reg.ask_ktp"))).text
    _, before, _ = await stored(bot, siti.id)
    await siti.send_sticker()
    await reply_with(siti, "Stiker")
    await siti.send_document(b"PK\x03\x04docx", "cv.docx",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml"
                             ".document")
    await reply_with(siti, "Jenis file itu tidak dapat diterima")
    await siti.send_document(b"%PDF big", "ktp.pdf", "application/pdf",
                             file_size=12 * 1024 * 1024)
    await reply_with(siti, "maksimal 5 MB")
    await siti.send_voice()
    await reply_with(siti, "pesan suara")
    # Files judged by what they are, not by what they declare:
    await siti.send_document(b"%PDF-1.4 MZ", "KTP.pdf.exe", "application/pdf")
    await reply_with(siti, "Nama file «KTP.pdf.exe» tidak sesuai")
    await siti.send_document(b"<html><script>", "ktp.pdf", "application/pdf")
    await reply_with(siti, "Isi file itu tidak sesuai dengan jenisnya")
    await siti.send_document(b"", "ktp.pdf", "application/pdf")
    await reply_with(siti, "File itu kosong")
    _, after, _ = await stored(bot, siti.id)
    assert after == before
    await siti.send_photo(b"a better ktp photo")  # replacing is allowed until submitting
    saved = await reply_with(siti, "✅ KTP tersimpan (foto).")
    assert saved.text.startswith("✅ KTP tersimpan (foto).") and "Periksa data" in saved.text
    _, replaced, _ = await stored(bot, siti.id)
    assert replaced["ktp"].file_unique_id != before["ktp"].file_unique_id
    # The pasfoto is a picture: a PDF there is refused, saying what is accepted.
    await siti.click("✏️ Pasfoto", message=saved)
    await reply_with(siti, words("id", "reg.ask_photo"))
    await siti.send_document(b"%PDF-1.4 ijazah", "ijazah.pdf", "application/pdf")
    refused = await reply_with(siti, "Pasfoto harus berupa gambar")
    assert "JPG atau PNG" in refused.text
    _, unchanged, _ = await stored(bot, siti.id)
    assert unchanged["photo"] == replaced["photo"]
    await siti.send_document(b"<html>", "foto.html", "image/png")
    await reply_with(siti, "Nama file «foto.html»")
    await siti.send_document(b"\x89PNG pasfoto", "pasfoto.png", "image/png")
    done = await reply_with(siti, "✅ Pasfoto tersimpan (file gambar).")
    assert done.text.startswith("✅ Pasfoto tersimpan (file gambar).")


async def test_restart_mid_form_continues_at_the_same_field(
    sim: Simulator, bot_runner: StartBot
) -> None:
    first = await bot_runner()
    siti = sim.user("Siti")
    await to_field(siti)
    await siti.send("5207014508950003")
    await reply_with(siti, words("id", "reg.ask_sex"))
    await first.stop()
    await bot_runner()  # a new process, the same database
    await siti.send("/daftar")
    await reply_with(siti, "jenis kelamin")  # the same question again
    await siti.click(t("id", "reg.sex_F"))
    await reply_with(siti, "tempat lahir")


async def test_a_no_ends_politely_and_can_be_taken_back(sim: Simulator, bot: RunningBot) -> None:
    budi = sim.user("Budi")
    await budi.send("/daftar")
    await reply_with(budi, words("id", "reg.consent"))
    await budi.click(t("id", "reg.consent_yes"))
    await reply_with(budi, "Persyaratan 1/5")
    await budi.click(t("id", "reg.declare_not_civil_servant_no"))
    declined = await reply_with(budi, "tidak dapat dilanjutkan")
    assert "PNS/PPPK" in declined.text
    await budi.send("Budi Santoso")  # nothing more is collected
    await reply_with(budi, words("id", "reg.use_buttons"))
    profile, _, _ = await stored(bot, budi.id)
    assert profile == {}
    await budi.click(t("id", "reg.redo"))
    await reply_with(budi, "Persyaratan 1/5")


async def test_cancel_keeps_everything_and_erase_removes_it(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    await to_field(siti)
    await siti.send("/batal")
    await reply_with(siti, "tetap tersimpan")
    await reply_with(siti, words("id", "start.menu_hint"))  # the menu
    profile, _, _ = await stored(bot, siti.id)
    assert profile["full_name"] == "Siti Aminah"
    await siti.send("/hapus")
    await reply_with(siti, words("id", "reg.erase_ask"))
    await siti.click(t("id", "reg.erase_yes"))
    await reply_with(siti, "telah dihapus")
    profile, docs, status = await stored(bot, siti.id)
    assert profile == {} and docs == {} and status == "withdrawn"


def recruitment_with(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load((ROOT / "recruitment.example.yaml").read_text())
    for dotted, value in changes.items():
        target = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            target = target[key]
        target[leaf] = value
    path = tmp_path / "recruitment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


async def test_registration_window(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock
) -> None:
    await bot_runner()
    early = sim.user("Early")
    clock.set(datetime(2023, 10, 31, 23, 0, tzinfo=WITA))
    await early.send("/daftar")
    await reply_with(early, "dibuka pada 1 November 2023 00.00 WITA")
    clock.set(datetime(2023, 12, 1, 0, 0, tzinfo=WITA))
    await early.send("/daftar")
    await reply_with(early, "sudah ditutup")


async def test_fifty_submit_at_once_against_ten_places(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    config = make_config(sim, tmp_path / "db.sqlite3",
                         recruitment_with(tmp_path, quota__registrations=10))
    running = await bot_runner(config)
    users = [sim.user(f"U{i}") for i in range(50)]
    svc = running.services
    for i, user in enumerate(users):  # bring everyone to the review screen through the service
        applicant = await svc.applicants.seen(user.id, None, "id")
        await fill_by_service(svc, applicant.id, nik=f"520701450895{i + 1:04d}")
    reviews = []
    for user in users:
        await user.send("/daftar")
        reviews.append(await reply_with(user, words("id", "reg.review_title")))

    async def submit_now(user: SimUser, review) -> str:  # type: ignore[no-untyped-def]
        await user.click(t("id", "reg.submit"), message=review)
        confirm = await reply_with(user, words("id", "reg.submit_confirm"))
        await user.click(t("id", "reg.submit_yes"), message=confirm)
        outcome = await arrived(user, words("id", "reg.submitted"), words("id", "reg.full"),
                                after=confirm, timeout=30)
        return outcome.text

    outcomes = await asyncio.gather(*(submit_now(u, r) for u, r in zip(users, reviews,
                                                                        strict=True)))
    accepted = [o for o in outcomes if "sudah diterima" in o]
    full = [o for o in outcomes if "kuota pendaftar sudah terpenuhi" in o]
    assert len(accepted) == 10 and len(full) == 40
    row = await svc.db.fetchone("SELECT count(*) FROM applications WHERE status = 'submitted'")
    assert row[0] == 10


async def fill_by_service(svc, applicant_id: int, nik: str,  # type: ignore[no-untyped-def]
                          sim: Simulator | None = None) -> None:
    """A whole registration through the services: the default person with this NIK, no
    experience, no device; with `sim`, the documents are real pictures in the simulator (so
    the bot can show them again)."""
    person = replace(Person(), nik=nik, experience=None, devices=())
    uploads = sim_uploads(sim, nik) if sim is not None else None
    filled = await fill_registration(svc, applicant_id, person, uploads)
    assert filled, "registration is not open"


async def test_a_returning_applicant_only_checks_the_profile_next_year(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    first = await bot_runner(make_config(sim, db))
    siti = sim.user("Siti")
    await register(siti)
    await submit(siti)
    await first.stop()
    next_year = recruitment_with(tmp_path, code="mitra-ksb-2025")
    await bot_runner(make_config(sim, db, next_year))
    await siti.send("/daftar")
    review = await answer_consent_and_declarations(
        siti, "id", then=words("id", "reg.review_title"))
    assert "Periksa data pendaftaran Anda" in review.text  # nothing to type again
    assert "NIK: 5207014508950003" in review.text and "KTP: foto" in review.text


async def test_a_sticker_where_a_name_is_asked_changes_nothing(
    sim: Simulator, bot: RunningBot
) -> None:
    siti = sim.user("Siti")
    await siti.send("/daftar")
    await answer_consent_and_declarations(siti, "id")
    await siti.send_sticker()
    answer = (await reply_with(siti, "silakan ketik jawabannya")).text
    assert "nama lengkap" in answer
    profile, _, _ = await stored(bot, siti.id)
    assert profile == {}


async def test_erasing_frees_the_nik_and_registering_again_still_works(
    sim: Simulator, bot: RunningBot
) -> None:
    siti, other = sim.user("Siti"), sim.user("Other")
    await register(siti)
    assert "sudah diterima" in (await submit(siti)).text
    await siti.send("/hapus")
    await siti.click(t("id", "reg.erase_yes"),
                     message=await reply_with(siti, words("id", "reg.erase_ask")))
    await reply_with(siti, "telah dihapus")
    rows = await bot.services.db.fetchall("SELECT nik FROM applications")
    assert [r[0] for r in rows] == [None]  # erased means erased: no NIK kept anywhere
    await register(other)  # the same NIK, now free
    assert "sudah diterima" in (await submit(other)).text
    await siti.send("/daftar")  # starting again is never a crash
    await reply_with(siti, "Sebelum mendaftar")
