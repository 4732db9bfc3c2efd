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
from bot.services.broadcasts import paid
from bot.services.review_markup import LANG as STAFF_LANG
from storage import outbox, results, reviews, rulings, sessions
from storage.db import Database
from storage.results import Ranking
from storage.timestamps import from_db

Approval = Literal["approved", "open", "stale", "not_preview"]


@dataclass(frozen=True)
class Preview:
    ranking_id: int
    ranked: int
    accepted: int
    unranked: int
    cut_off: float | None
    rulings: str = ""  # questions voided or re-keyed, in words ("" when none)


class SelectionService:
    def __init__(self, db: Database, clock: Clock, recruitment: Recruitment) -> None:
        self._db, self._clock, self._r = db, clock, recruitment

    def _candidate(self, row: dict[str, Any]) -> rules.Candidate:
        submitted = from_db(row["submitted_at"])
        return rules.Candidate(
            applicant_id=row["applicant_id"], application_id=row["application_id"],
            name=row["full_name"] or "", district=row["district"], education=row["education"],
            preferred=preferred(row, submitted.astimezone(self._r.zone).date()),
            test_correct=row["test_correct"],
            test_total=row["scored_of"] or self._r.test.questions,  # voided questions left out
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
                 "test_total": r.candidate.test_total,
                 "breakdown": r.breakdown, "accepted": r.accepted, "reason": r.reason}
                for r in ranked]
        async with self._db.write() as conn:
            ranking_id = await results.save(conn, self._r.code, rows, cut, actor_id, now)
            await reviews.audit(conn, actor_id, actor_name, "ranking_preview", now,
                                detail={"ranking": ranking_id, "ranked": len(ranked)})
        ruled = await rulings.all_rulings(self._db.reader, self._r.code)
        words = ", ".join(texts.get(STAFF_LANG, "staff.ruling_void" if r.void
                                    else "staff.ruling_rekey", question=q)
                          for q, r in sorted(ruled.items()))
        return Preview(ranking_id, len(ranked), sum(r.accepted for r in ranked),
                       len(pool) - len(ranked), cut, words)

    async def rows(self, ranking_id: int) -> list[dict[str, Any]]:
        return await results.rows(self._db.reader, ranking_id)

    async def final(self) -> Ranking | None:
        return await results.final(self._db.reader, self._r.code)

    async def still_open(self) -> dict[str, int]:
        """What is not over yet, that the ranking would leave out or misjudge (0s: nothing)."""
        now = self._clock.now()
        held = [x for x in await sessions.all_sessions(self._db.reader, self._r.code)
                if x.status == "open"]
        found = await self._db.fetchone(
            "SELECT count(*) FILTER (WHERE t.status = 'active'), "
            "(SELECT count(*) FROM applications WHERE recruitment = ? AND "
            "status IN ('submitted', 'needs_fix')) "
            "FROM attempts AS t JOIN applications AS p ON p.id = t.application_id "
            "WHERE p.recruitment = ? AND t.kind = 'test'", (self._r.code, self._r.code))
        return {
            "sessions_running": sum(x.start <= now < x.end for x in held),
            "sessions_coming": sum(now < x.start for x in held),
            "attempts_active": int(found[0] or 0) if found else 0,
            "undecided": int(found[1] or 0) if found else 0,
        }

    async def approve(self, ranking_id: int, actor_id: int, actor_name: str,
                      override: bool = False) -> tuple[Approval, dict[str, int]]:
        """Freeze a preview, unless something is still open (then only an administrator's
        explicit override, audited with what was open) or the preview predates a ruling on a
        question (its scores are gone: compute it again)."""
        now = self._clock.now()
        open_now = {k: n for k, n in (await self.still_open()).items() if n}
        async with self._db.write() as conn:
            ranking = await results.get(conn, ranking_id)
            if ranking is None or ranking.status != "preview":
                outcome: Approval = "not_preview"
            elif ranking.stale:
                outcome = "stale"
            elif open_now and not override:
                outcome = "open"
            else:
                outcome = ("approved" if await results.approve(conn, ranking_id, actor_name, now)
                           else "not_preview")
            action = "ranking_approve_override" if override and open_now else "ranking_approve"
            await reviews.audit(conn, actor_id, actor_name, action, now, detail={
                "ranking": ranking_id, "done": outcome == "approved", "open": open_now})
        return outcome, open_now

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
                await outbox.enqueue(conn, row["telegram_id"], paid({
                    "text": self.result_text(lang, row, ranking.cut_off),
                    "reply_markup": callbacks.button_json(texts.get(lang, "results.go_result"),
                                                          callbacks.Go("result"))}, self._r),
                    now, f"result:{row['application_id']}")

    def result_text(self, lang: str, row: dict[str, Any], cut_off: float | None = None) -> str:
        """The applicant's result. With `results.show_score`, how their score is made up, in
        words: the test share, each criterion's weight and points (adding up exactly to the
        final score), the final score, their rank and (when given) the cut-off."""
        key = "results.accepted" if row["accepted"] else "results.not_accepted"
        text = texts.get(lang, key, recruitment=self._r.name)
        if not self._r.results.show_score:
            return text
        weights, points = self._r.ranking, row["breakdown"]
        questions = row.get("test_total") or self._r.test.questions
        correct = row["test_correct"] or 0
        total = local_number(lang, weights.total, None)
        lines = [text, "", texts.get(lang, "results.breakdown.title"), texts.get(
            lang, "results.breakdown.test", weight=local_number(lang, weights.test, None),
            total=total, correct=correct, questions=questions,
            share=local_number(lang, correct * 100 / questions, None),
            points=local_number(lang, points.get("test", 0.0)))]
        for name in rules.COMPONENTS[1:]:
            if getattr(weights, name) > 0 or points.get(name):
                lines.append(texts.get(
                    lang, "results.breakdown.criterion",
                    criterion=texts.get(lang, f"results.criteria.{name}"),
                    weight=local_number(lang, getattr(weights, name), None), total=total,
                    points=local_number(lang, points.get(name, 0.0))))
        lines.append(texts.get(lang, "results.score",
                               score=local_number(lang, row["final_score"])))
        lines.append(texts.get(lang, "results.breakdown.rank", rank=row["rank"]))
        if cut_off is not None:
            lines.append(texts.get(lang, "results.breakdown.cut_off",
                                   cut_off=local_number(lang, cut_off)))
        reason = str(row.get("reason") or "")
        district = texts.escape(reason.removeprefix("district quota ").removesuffix(" full"))
        if reason.startswith("district quota "):
            note = "district_full" if reason.endswith(" full") else "district"
            lines.append(texts.get(lang, f"results.breakdown.{note}", district=district))
        elif reason == "no district seat":
            lines.append(texts.get(lang, "results.breakdown.no_district_seat"))
        elif cut_off is not None and not row["accepted"] and row["final_score"] >= cut_off:
            lines.append(texts.get(lang, "results.breakdown.tie"))
        return "\n".join(lines)

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


def local_number(lang: str, value: float, places: int | None = 2) -> str:
    """A number as applicants read it: `56,00` in Indonesian, `56.00` in English. With `places`
    None, at most 2 decimals and no trailing zeros (a weight `70`, a share `6,67`)."""
    shown = f"{float(value):.{2 if places is None else places}f}"
    if places is None and "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return shown.replace(".", ",") if lang == "id" else shown


def public_list_xlsx(rows: list[dict[str, Any]], title: str, show_score: bool = False) -> bytes:
    """The accepted partners as the real process publishes them: number, ID, name, district;
    with `show_score` (the recruitment's `results.show_score`) also each one's final score."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "diterima"
    sheet.append([title])
    sheet.append(["No", "ID", "Nama", "Kecamatan", *(["Nilai akhir"] if show_score else [])])
    accepted = [r for r in rows if r["accepted"]]
    for n, r in enumerate(sorted(accepted, key=lambda r: (r["full_name"] or "")), start=1):
        sheet.append([n, r["application_id"], sheets.safe(r["full_name"]),
                      sheets.safe(r["district"]),
                      *([r["final_score"]] if show_score else [])])
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

