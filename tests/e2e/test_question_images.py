"""A question whose picture is the question: sent as a photo with the question as its caption
and the buttons; moving between picture and text questions keeps one live screen; every
answer records when its question was shown."""

from __future__ import annotations

import io
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image

import question_bank.bundled
from bot.clock import ManualClock
from bot.runner import RunningBot
from question_bank import Bank, Question, export_bank_bytes
from storage import attempts
from tests.e2e.journeys import reply_with, tap
from tests.e2e.test_timed_test import in_the_test
from tgsim import Simulator, SimUser

CATEGORIES = ("statistik_dasar", "survei_lapangan", "logika", "numerik", "pengetahuan_bps")


def picture_bank() -> Bank:
    """Exactly the default blueprint (30 questions); every third one has a picture."""
    questions = []
    for category in CATEGORIES:
        for n, difficulty in enumerate((1, 1, 2, 2, 2, 3)):
            number = len(questions)
            questions.append(Question(
                id=f"P-{number:02d}", category=category, difficulty=difficulty,
                text=f"Soal nomor {number} ({category.replace('_', ' ')})",
                options=("satu", "dua", "tiga"),
                answer="B", image=f"peta-{number}.png" if number % 3 == 0 else None))
            assert n < 6
    return Bank(version="gambar-1", questions=tuple(questions))


def live_screens(user: SimUser) -> list[object]:
    return [m for m in user.messages() if m.from_bot and any(
        d.startswith("t:") for row in m.button_data for d in row)]


@pytest.fixture
def images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    for number in range(0, 30, 3):
        out = io.BytesIO()
        Image.new("P", (320, 240), color=number).save(out, "PNG")
        (folder / f"peta-{number}.png").write_bytes(out.getvalue())
    monkeypatch.setattr(question_bank.bundled, "IMAGES_DIR", folder)
    return folder


async def test_picture_questions_are_photos_and_navigation_keeps_one_screen(
    sim: Simulator, bot: RunningBot, clock: ManualClock, images: Path
) -> None:
    svc = bot.services
    report = await svc.bank.prepare_import(export_bank_bytes(picture_bank(), "yaml"),
                                           "gambar.yaml", 1, "Admin")
    assert report.import_id is not None, report
    assert await svc.bank.decide_import(report.import_id, True, 1, "Admin")
    siti = sim.user("Siti")
    current = await in_the_test(bot, siti, clock)
    applicant = await svc.applicants.seen(siti.id, None, "id")
    attempt = await attempts.latest(svc.db.reader, applicant.id, "test")
    assert attempt is not None
    form = attempt.questions
    kinds = []
    for position in range(30):
        assert current.text.startswith(f"Soal {position + 1}/30"), current.text
        assert form[position]["text"] in current.text
        expected = "photo" if form[position]["image"] else "text"
        assert current.kind == expected and current.protect_content
        kinds.append(current.kind)
        assert len(live_screens(siti)) == 1  # a replaced screen is gone
        if position == 4:  # the list and the way back, from whatever screen this is
            listed = await tap(siti, "📋 Daftar soal")
            assert listed.message_id == current.message_id  # edited (a photo's caption)
            assert "Daftar soal" in listed.text
            current = await tap(siti, "↩️ Kembali ke soal")
            assert current.text.startswith("Soal 5/30") and current.kind == expected
        clock.advance(seconds=7 + position)  # reading time, different for each question
        current = await tap(siti, "ABC"[form[position]["correct_index"]])
    assert {"photo", "text"} == set(kinds)
    assert any(a != b for a, b in pairwise(kinds))  # it switched kinds
    # Every answer: when its question was shown and when it was answered.
    timings = await attempts.answer_timings(svc.db.reader, attempt.id)
    assert [t.position for t in timings] == list(range(30))
    for t in timings:
        assert t.shown_at is not None
        assert t.answered_at - t.shown_at == timedelta(seconds=7 + t.position), t
    await tap(siti, "🏁 Selesai")
    await tap(siti, "Ya, selesai")
    done = await reply_with(siti, "dari 30 soal dijawab")
    assert "30 dari 30" in done.text
    final = await attempts.get(svc.db.reader, attempt.id)
    assert final is not None and final.score == 30
