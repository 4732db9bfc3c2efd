"""A result people can trust: with `results.show_score` on, /hasil shows how the applicant's
score is made up (points that add up exactly to the final score), their rank and the cut-off;
the public list carries the final score. With it off, no score anywhere."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import ManualClock
from bot.runner import RunningBot
from tests.e2e.conftest import WITA, StartBot, make_config
from tests.e2e.test_registration_rules import recruitment_with
from tests.e2e.test_results import ANNOUNCEMENT, take_test
from tests.e2e.test_staff_commands import ask, ask_message
from tests.e2e.test_timed_test import S1_START, book_s1, passed_applicant
from tgsim import SimChat, SimMessage, Simulator, SimUser

# How each language writes the numbers of the breakdown.
WORDS = {
    "id": {"points": r"→ (\d+,\d\d) poin", "final": r"Nilai akhir Anda: (\d+,\d\d)",
           "rank": r"Peringkat Anda: (\d+)", "cut_off": r"Nilai batas [^:]*: (\d+,\d\d)",
           "test": r"(\d+) dari (\d+) soal benar \((\d+(?:,\d+)?)%\)"},
    "en": {"points": r"→ (\d+\.\d\d) points", "final": r"Your final score: (\d+\.\d\d)",
           "rank": r"Your rank: (\d+)", "cut_off": r"Cut-off score [^:]*: (\d+\.\d\d)",
           "test": r"(\d+) of (\d+) questions correct \((\d+(?:\.\d+)?)%\)"},
}


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def read_breakdown(text: str, lang: str) -> dict[str, object]:
    """The numbers of a result message: points per line, final score, rank, cut-off, test."""
    words = WORDS[lang]
    final = re.search(words["final"], text)
    rank = re.search(words["rank"], text)
    cut_off = re.search(words["cut_off"], text)
    test = re.search(words["test"], text)
    assert final and rank and test, text
    return {"points": [number(p) for p in re.findall(words["points"], text)],
            "final": number(final.group(1)), "rank": int(rank.group(1)),
            "cut_off": number(cut_off.group(1)) if cut_off else None,
            "correct": int(test.group(1)), "questions": int(test.group(2)),
            "share": number(test.group(3))}


async def to_announcement(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path, show_score: bool
) -> tuple[RunningBot, SimUser, SimChat, SimUser, SimUser]:
    """Siti (all 30 answered) and John (English, 2 answered) tested; quota 1; ranked,
    approved and announced. Returns the bot, the admin, the staff group, Siti and John."""
    bob = sim.user("Bob")
    group = sim.group("Panitia", members=[bob], admins=[bob])
    path = recruitment_with(tmp_path, quota__accepted=1, results__show_score=show_score)
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3", path,
                                           staff_chat_id=group.chat_id))
    siti, john = sim.user("Siti"), sim.user("John", language_code="en")
    for n, person in enumerate((siti, john), start=1):
        await passed_applicant(running, person, n)
        await book_s1(person)
    await running.services.applicants.set_language(john.id, "en")
    clock.set(S1_START + timedelta(minutes=1))
    await take_test(siti, 30)
    await take_test(john, 2, "en")
    clock.set(datetime(2023, 12, 2, 10, 0, tzinfo=WITA))  # the final selection
    command = await bob.send("/peringkat", chat=group)
    await bob.next_message_with("Pratinjau peringkat", chat=group, timeout=20)
    summary = [m for m in bob.messages(chat=group) if m.from_bot and
               m.extra.get("reply_to_message_id") == command.message_id][-1]
    await bob.click("✅ Setujui peringkat #1", message=summary)
    await bob.next_message_with("disetujui", chat=group)
    assert "15 Desember 2023 09.00" in await ask(bob, group, "/umumkan")
    clock.set(ANNOUNCEMENT)
    await running.services.tick()
    await running.outbox.idle.wait()
    return running, bob, group, siti, john


async def public_list(sim: Simulator, bob: SimUser, group: SimChat) -> list[tuple[object, ...]]:
    listing = await ask_message(bob, group, "/daftarditerima")
    assert listing.kind == "document" and listing.file is not None
    book = load_workbook(io.BytesIO(sim.file_bytes(listing.file["file_id"])))
    return list(book.active.iter_rows(values_only=True))[1:]  # the header, then the rows


async def test_the_result_shows_a_breakdown_that_adds_up_with_rank_and_cut_off(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    running, bob, group, siti, john = await to_announcement(sim, bot_runner, clock, tmp_path,
                                                            show_score=True)
    stored = {r["application_id"]: dict(r) for r in await running.services.db.fetchall(
        "SELECT application_id, rank, final_score, test_correct FROM ranking_rows")}
    cut = (await running.services.db.fetchone("SELECT cut_off FROM rankings"))["cut_off"]
    assert cut is not None
    weights = running.services.config.recruitment.ranking
    for application_id, (person, lang) in enumerate(((siti, "id"), (john, "en")), start=1):
        announced = [m for m in sim.sent_messages(person.id) if "→" in (m.text or "")]
        assert len(announced) == 1  # the announcement itself carries the breakdown
        text = (await reply_of(person)).text or ""
        got = read_breakdown(text, lang)
        row = stored[application_id]
        assert len(got["points"]) == 7  # the test and the six supporting criteria
        assert sum(got["points"]) == got["final"]  # exactly, to the hundredth
        assert got["final"] == Decimal(f"{row['final_score']:.2f}")
        assert got["rank"] == row["rank"]
        assert got["cut_off"] == Decimal(f"{cut:.2f}")
        assert (got["correct"], got["questions"]) == (row["test_correct"], 30)
        assert abs(got["share"] - Decimal(row["test_correct"] * 100) / 30) < Decimal("0.01")
        test_points = Decimal(weights.test) * row["test_correct"] / 30 / Decimal(weights.total)
        assert abs(got["points"][0] - test_points * 100) <= Decimal("0.01")
        assert sum(read_breakdown(announced[0].text or "", lang)["points"]) == got["final"]
    assert "Pendidikan terakhir (bobot 10 dari 100)" in (await reply_of(siti)).text
    assert "Education (weight 10 of 100)" in (await reply_of(john)).text
    header, *listed = await public_list(sim, bob, group)
    assert header == ("No", "ID", "Nama", "Kecamatan", "Nilai akhir")
    assert listed == [(1, 1, "Siti Aminah", "Taliwang", stored[1]["final_score"])]


async def reply_of(person: SimUser) -> SimMessage:
    """The bot's answer to /hasil (the first message after it; the announcement came before)."""
    sent = await person.send("/hasil")

    def after() -> list[SimMessage]:
        return [m for m in person.messages() if m.from_bot and m.message_id > sent.message_id]

    await person.wait_for(lambda: bool(after()), timeout=10)
    return after()[0]


async def test_without_show_score_no_score_is_shown(
    sim: Simulator, bot_runner: StartBot, clock: ManualClock, tmp_path: Path
) -> None:
    _, bob, group, siti, john = await to_announcement(sim, bot_runner, clock, tmp_path,
                                                      show_score=False)
    for person, words in ((siti, ("Nilai akhir", "poin", "Peringkat", "Nilai batas")),
                          (john, ("final score", "points", "rank", "Cut-off"))):
        text = (await reply_of(person)).text or ""
        assert "DITERIMA" in text or "not been accepted" in text
        assert not [w for w in words if w in text], text
        assert not [m for m in sim.sent_messages(person.id) if "→" in (m.text or "")]
    header, *listed = await public_list(sim, bob, group)
    assert header == ("No", "ID", "Nama", "Kecamatan")
    assert listed == [(1, 1, "Siti Aminah", "Taliwang")]
