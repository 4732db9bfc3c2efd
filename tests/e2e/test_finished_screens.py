"""A finished test stops asking "Selesaikan tes sekarang?": once the attempt is submitted, every
copy of its screen still in the chat (another device's /lanjut copy, a picture question's
caption) is edited into its final state without buttons. Time running out, also while the bot
was down, is in test_timed_test.py."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from bot.runner import RunningBot
from question_bank import Bank, export_bank_bytes
from storage import attempts
from tests.e2e.journeys import reply_with, screen, tap
from tests.e2e.test_question_images import images, picture_bank  # noqa: F401 (a fixture)
from tests.e2e.test_timed_test import closed, in_the_test
from tgsim import Simulator

FINISHED = "Tes ini sudah selesai; jawaban tidak dapat diubah lagi."


def plain_picture_bank() -> Bank:
    """test_question_images' bank (every third question a picture), its texts without the
    category codes that applicants must never read."""
    bank = picture_bank()
    return bank.model_copy(update={"questions": tuple(
        q.model_copy(update={"text": f"Soal nomor {i}"}) for i, q in enumerate(bank.questions))})


async def test_finishing_on_one_device_closes_the_question_left_on_the_other(
    sim: Simulator, bot: RunningBot, clock: ManualClock
) -> None:
    rina = sim.user("Rina")
    await in_the_test(bot, rina, clock)
    first = await tap(rina, "A")  # question 1 answered; the screen moves on to question 2
    await rina.send("/lanjut")  # another device: a second copy of the screen
    await rina.wait_for(lambda: screen(rina) is not first)  # the copy: the newest live screen
    second = screen(rina)
    assert second.text.startswith("Soal 2/30") and first.text.startswith("Soal 2/30")
    await rina.click("🏁 Selesai", message=first)  # the first device asks to confirm...
    assert "Selesaikan tes sekarang?" in first.text
    confirm_on_first = first.button_data[0][0]
    await rina.click("🏁 Selesai", message=second)  # ...and the second device finishes
    await rina.click("Ya, selesai", message=second)
    await reply_with(rina, "1 dari 30 soal dijawab")
    await closed(rina, first, second)
    for copy in (first, second):
        assert copy.text.startswith("Tes · 1/30 soal dijawab")
        assert "Selesaikan tes sekarang?" not in copy.text and "Soal 2/30" not in copy.text
        assert copy.protect_content
    answer = await rina.click_data(confirm_on_first, first)  # pressed before it closed
    assert answer.text == FINISHED
    assert "Tes selesai; jawaban tersimpan." in first.text  # and still says so


async def test_a_picture_question_is_closed_in_its_caption(
    sim: Simulator, bot: RunningBot, clock: ManualClock, images: Path  # noqa: F811
) -> None:
    svc = bot.services
    report = await svc.bank.prepare_import(export_bank_bytes(plain_picture_bank(), "yaml"),
                                           "gambar.yaml", 1, "Admin")
    assert report.import_id is not None and await svc.bank.decide_import(
        report.import_id, True, 1, "Admin")
    budi = sim.user("Budi")
    current = await in_the_test(bot, budi, clock)
    applicant = await svc.applicants.seen(budi.id, None, "id")
    attempt = await attempts.latest(svc.db.reader, applicant.id, "test")
    assert attempt is not None
    first_picture = next(i for i, q in enumerate(attempt.questions) if q["image"])
    for _ in range(first_picture):
        current = await tap(budi, "A")
    assert current.kind == "photo" and current.text.startswith(f"Soal {first_picture + 1}/30")
    confirm = await tap(budi, "🏁 Selesai")  # the confirmation in the photo's caption
    assert confirm.message_id == current.message_id and "Selesaikan tes sekarang?" in current.text
    await tap(budi, "Ya, selesai")
    await reply_with(budi, f"{first_picture} dari 30 soal dijawab")
    await closed(budi, current)
    assert current.kind == "photo" and not current.deleted
    assert current.text.startswith(f"Tes · {first_picture}/30 soal dijawab")
