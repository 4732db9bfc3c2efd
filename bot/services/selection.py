"""The final selection: compute a ranking (a preview), approve it (frozen), announce it at the
set time through the outbox, and answer /hasil."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot import callbacks, texts
from bot.clock import Clock
from bot.domain import ranking as rules
from bot.domain.registration import preferred
from bot.recruitment import Recruitment
from bot.services import sheets
from bot.services.review_markup import LANG as STAFF_LANG
from storage import outbox, results, reviews
from storage.db import Database
from storage.results import Ranking
from storage.timestamps import from_db


@dataclass(frozen=True)
class Preview:
    ranking_id: int
    ranked: int
    accepted: int
    unranked: int
    cut_off: float | None


class SelectionService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    def _candidate(self, row: dict[str, Any]) -> rules.Candidate:
        submitted = from_db(row["submitted_at"])
        return rules.Candidate(
            applicant_id=row["applicant_id"], application_id=row["application_id"],
            name=row["full_name"] or "", district=row["district"], education=row["education"],
            preferred=preferred(row, submitted.astimezone(self._r.zone).date()),
            test_correct=row["test_correct"], test_total=self._r.test.questions,
            submitted_at=submitted, status=row["status"])

    async def compute(self, actor_id: int, actor_name: str) -> Preview:
        """Rank everyone tested; absentees and those who failed the check are not ranked."""
        now = self._clock.now()
        pool = [self._candidate(r) for r in await results.candidates(self._db.reader,
                                                                     self._r.code)]
        ranked = rules.rank(pool, self._r.ranking, self._r.quota.accepted,
                            self._r.quota.per_district,
                            release_unfilled=self._r.results.release_unfilled_district_seats)
        cut = rules.cut_off(ranked)
        rows = [{"application_id": r.candidate.application_id, "rank": r.rank,
                 "final_score": r.final_score, "test_correct": r.candidate.test_correct or 0,
                 "breakdown": r.breakdown, "accepted": r.accepted, "reason": r.reason}
                for r in ranked]
        async with self._db.write() as conn:
            ranking_id = await results.save(conn, self._r.code, rows, cut, actor_id, now)
            await reviews.audit(conn, actor_id, actor_name, "ranking_preview", now,
                                detail={"ranking": ranking_id, "ranked": len(ranked)})
        return Preview(ranking_id, len(ranked), sum(r.accepted for r in ranked),
                       len(pool) - len(ranked), cut)

    async def rows(self, ranking_id: int) -> list[dict[str, Any]]:
        return await results.rows(self._db.reader, ranking_id)

    async def final(self) -> Ranking | None:
        return await results.final(self._db.reader, self._r.code)

    async def approve(self, ranking_id: int, actor_id: int, actor_name: str) -> bool:
        now = self._clock.now()
        async with self._db.write() as conn:
            done = await results.approve(conn, ranking_id, actor_name, now)
            await reviews.audit(conn, actor_id, actor_name, "ranking_approve", now,
                                detail={"ranking": ranking_id, "done": done})
        return done

    async def schedule(self, now_instead: bool, actor_id: int, actor_name: str
                       ) -> tuple[Literal["scheduled", "announced", "nothing"], datetime | None]:
        """Announce at the configured time (or now): when. Or the results went out already
        (when they did), or nothing is approved to announce."""
        now = self._clock.now()
        when = now if now_instead else max(now, self._r.stages.announcement)
        async with self._db.write() as conn:
            ranking = await results.final(conn, self._r.code)
            if ranking is not None and ranking.status == "announced":
                return "announced", ranking.announce_at
            if ranking is None or not await results.schedule(conn, ranking.id, when):
                return "nothing", None
            await reviews.audit(conn, actor_id, actor_name, "announcement_schedule", now,
                                detail={"ranking": ranking.id, "at": when.isoformat()})
        return "scheduled", when

    async def tick(self) -> None:
        """At the announcement time: every ranked applicant's result, once, in one go."""
        now = self._clock.now()
        ranking = await results.final(self._db.reader, self._r.code)
        if ranking is None or ranking.status != "approved" or ranking.announce_at is None \
                or ranking.announce_at > now:
            return
        async with self._db.write() as conn:
            if not await results.mark_announced(conn, ranking.id):
                return
            for row in await results.rows(conn, ranking.id):
                status = "accepted" if row["accepted"] else "not_accepted"
                await conn.execute("UPDATE applications SET status = ? WHERE id = ?",
                                   (status, row["application_id"]))
                lang = row["language"]
                await outbox.enqueue(conn, row["telegram_id"], {
                    "text": self.result_text(lang, row),
                    "reply_markup": callbacks.button_json(texts.get(lang, "results.go_result"),
                                                          callbacks.Go("result"))},
                    now, f"result:{row['application_id']}")

    def result_text(self, lang: str, row: dict[str, Any]) -> str:
        key = "results.accepted" if row["accepted"] else "results.not_accepted"
        text = texts.get(lang, key, recruitment=self._r.name)
        if self._r.results.show_score:
            text += "\n" + texts.get(lang, "results.score", score=f"{row['final_score']:.2f}")
        return text

    async def announced(self) -> bool:
        ranking = await results.final(self._db.reader, self._r.code)
        return ranking is not None and ranking.status == "announced"

    async def result_of(self, application_id: int) -> dict[str, Any] | None:
        ranking = await results.final(self._db.reader, self._r.code)
        if ranking is None or ranking.status != "announced":
            return None
        found = [r for r in await results.rows(self._db.reader, ranking.id)
                 if r["application_id"] == application_id]
        return found[0] if found else None


def ranking_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "peringkat"
    words = texts.catalogue(STAFF_LANG)["ranking_words"]
    sheet.append([*words["header"], *(words["points"][c] for c in rules.COMPONENTS),
                  words["accepted"], words["why"]])
    for r in rows:
        sheet.append([r["rank"], r["application_id"], sheets.safe(r["full_name"]),
                      sheets.safe(r["district"]),
                      r["final_score"], r["test_correct"],
                      *(r["breakdown"].get(c, 0.0) for c in rules.COMPONENTS),
                      words["yes"] if r["accepted"] else words["no"], reason_words(r["reason"])])
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RANKING_REASONS = {"overall": "overall", "below cut-off": "below_cut_off",
                   "no district seat": "no_district_seat"}


def reason_words(reason: str) -> str:
    """Why a candidate is in or out, as the ranking records it, in the staff's words."""
    words = texts.catalogue(STAFF_LANG)["ranking_words"]["reasons"]
    if reason.startswith("district quota "):
        district = reason.removeprefix("district quota ")
        if district.endswith(" full"):
            return str(words["district_full"]).format(district=district.removesuffix(" full"))
        return str(words["district"]).format(district=district)
    return str(words[RANKING_REASONS[reason]]) if reason in RANKING_REASONS else reason


def public_list_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    """The accepted partners as the real process publishes them: number, ID, name, district."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "diterima"
    sheet.append([title])
    sheet.append(["No", "ID", "Nama", "Kecamatan"])
    accepted = [r for r in rows if r["accepted"]]
    for n, r in enumerate(sorted(accepted, key=lambda r: (r["full_name"] or "")), start=1):
        sheet.append([n, r["application_id"], sheets.safe(r["full_name"]),
                      sheets.safe(r["district"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def distribution_png(scores: list[float], cut_off: float | None, title: str) -> bytes:
    """A histogram of final scores with the cut-off marked (matplotlib, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    axes.hist(scores or [0.0], bins=20, range=(0, 100), color="#4a90d9", edgecolor="white")
    if cut_off is not None:
        axes.axvline(cut_off, color="#d0021b", linestyle="--", label=f"batas {cut_off:.2f}")
        axes.legend()
    axes.set_xlabel("nilai akhir")
    axes.set_ylabel("jumlah pendaftar")
    axes.set_title(title)
    out = io.BytesIO()
    figure.tight_layout()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()

