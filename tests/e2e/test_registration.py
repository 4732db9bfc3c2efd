"""Registration from /start to submitted, as applicants do it, in both languages."""

from __future__ import annotations

import pytest

from bot.runner import RunningBot
from storage import registrations
from tests.e2e.journeys import Person, register, reply_with, submit, t, words
from tgsim import Simulator

pytestmark = pytest.mark.both_engines  # a main journey: on SQLite and on PostgreSQL


async def stored(bot: RunningBot, telegram_id: int) -> tuple[dict, dict, str | None]:
    db = bot.services.db
    row = await db.fetchone("SELECT id FROM applicants WHERE telegram_id = ?", (telegram_id,))
    assert row is not None
    app = await registrations.get_application(db.reader, row[0], "mitra-ksb-2024")
    profile = await registrations.get_profile(db.reader, row[0])
    docs = await registrations.get_documents(db.reader, row[0])
    return profile, docs, app.status if app else None


async def test_full_registration_in_indonesian(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti", language_code="id")
    review = await register(siti, "id")
    assert "Periksa data pendaftaran Anda" in review.text
    assert "NIK: 5207014508950003" in review.text
    assert "No. HP: +6281234567890" in review.text
    assert "Kecamatan: Taliwang" in review.text
    done = await submit(siti, "id")
    assert "menunggu pemeriksaan administrasi" in done.text
    profile, docs, status = await stored(bot, siti.id)
    assert status == "submitted"
    assert profile["nik"] == "5207014508950003" and profile["sex"] == "F"
    assert profile["birth_date"] == "1995-08-05" and profile["phone"] == "+6281234567890"
    assert profile["devices"] == "smartphone" and profile["experience"] == 1
    assert set(docs) == {"ktp", "photo", "ijazah"}
    assert docs["ijazah"].media_type == "application/pdf" and docs["ktp"].media_type == "photo"
    await siti.send("/status")
    status = await reply_with(siti, words("id", "status.submitted"))
    assert "menunggu pemeriksaan administrasi" in status.text


async def test_full_registration_in_english(sim: Simulator, bot: RunningBot) -> None:
    john = sim.user("John", language_code="en")
    person = Person(name="John Doe", nik="5207011508950004", sex="M", birth_date="15 August 1995",
                    email="john@example.com", experience=None, motorbike=False,
                    district="Maluk", education="S1")
    review = await register(john, "en", person)
    assert "Check your registration" in review.text
    assert "Date of birth: 15-08-1995" in review.text
    done = await submit(john, "en")
    assert "waiting for the administrative check" in done.text
    profile, _, status = await stored(bot, john.id)
    assert status == "submitted" and profile["experience"] == 0 and profile["motorbike"] == 0


async def test_submitted_profile_is_read_only(sim: Simulator, bot: RunningBot) -> None:
    siti = sim.user("Siti")
    review = await register(siti)
    await submit(siti)
    answer = await siti.click("✏️ " + t("id", "reg.label_nik"), message=review)
    assert answer.text == t("id", "stale_button")
    await reply_with(siti, words("id", "status.submitted"))  # the status, instead of the form
    await siti.send("9999999999999999")
    await reply_with(siti, words("id", "fallback"))  # free text, not a NIK
    profile, _, _ = await stored(bot, siti.id)
    assert profile["nik"] == "5207014508950003"
