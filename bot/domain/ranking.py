"""Final selection: score every tested applicant, order them, fill the quota.

Pure functions only. The score of one applicant is

    final = sum(weight_i * value_i) / sum(weights) * 100, rounded half-up to 2 decimals,

where every value_i lies in 0..1: the test value is correct / total, the education value comes
from `EDUCATION_SCALE`, the other values are the letter's "diutamakan" points (1 when met, else 0).
Arithmetic is exact (fractions), so equal inputs give equal scores on any machine, and the
breakdown (points per component) is rounded so that it adds up exactly to the final score.

Only candidates with status "tested" and a test score are ranked; `unranked` lists the others
with the reason. Order: final score desc, test score desc, BPS experience first, earlier
submission, lower applicant_id; so the order is total and fully deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from math import floor
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.registration import EDUCATION, Preferred

# Education level -> value in 0..1: below SMA 0, SMA 0.6, D1-D3 0.8, D4/S1 and above 1.0.
# A missing or unknown level counts as 0.
EDUCATION_SCALE: Mapping[str, Fraction] = {
    "SD": Fraction(0),
    "SMP": Fraction(0),
    "SMA": Fraction(6, 10),
    "D1": Fraction(8, 10),
    "D2": Fraction(8, 10),
    "D3": Fraction(8, 10),
    "D4": Fraction(1),
    "S1": Fraction(1),
    "S2": Fraction(1),
    "S3": Fraction(1),
}
assert tuple(EDUCATION_SCALE) == EDUCATION

RANKED_STATUS = "tested"
COMPONENTS = ("test", "education", "experience", "domicile", "age", "motorbike", "device")

Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class RankingWeights(BaseModel):
    """`ranking:` in the recruitment file. Weights are relative: only their ratios matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: Weight = 70  # competency test, value = correct / total
    education: Weight = 10  # value from EDUCATION_SCALE
    experience: Weight = 8  # BPS census/survey experience
    domicile: Weight = 5  # lives in the regency
    age: Weight = 3  # aged 18-50 at registration
    motorbike: Weight = 2  # owns and rides a motorbike
    device: Weight = 2  # owns a computer, tablet or smartphone

    @model_validator(mode="after")
    def _positive_total(self) -> RankingWeights:
        if self.total <= 0:
            raise ValueError("at least one ranking weight must be above 0")
        return self

    @property
    def total(self) -> float:
        return sum(getattr(self, name) for name in COMPONENTS)


@dataclass(frozen=True)
class Candidate:
    applicant_id: int
    application_id: int
    name: str
    district: str | None  # "outside" when living outside the regency
    education: str | None
    preferred: Preferred
    test_correct: int | None
    test_total: int
    submitted_at: datetime
    status: str  # "tested", "absent", "admin_failed", "withdrawn", ...


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    rank: int  # 1-based position in the overall order
    final_score: float
    breakdown: dict[str, float]  # points per component (COMPONENTS), adding up to final_score
    accepted: bool
    # accepted: "district quota <name>" or "overall"; refused: "below cut-off" (ranked after the
    # last accepted), "district quota <name> full" or "no district seat" (outranked someone
    # accepted on a district quota: from a full district / from no district with a quota)
    reason: str


@dataclass(frozen=True)
class Unranked:
    candidate: Candidate
    reason: str  # the status ("absent", "admin_failed", ...) or "no test score"


def exclusion(candidate: Candidate) -> str | None:
    """Why a candidate is not ranked, or None when they are."""
    if candidate.status != RANKED_STATUS:
        return candidate.status
    if candidate.test_correct is None:
        return "no test score"
    return None


def unranked(candidates: Iterable[Candidate]) -> list[Unranked]:
    return [Unranked(c, why) for c in candidates if (why := exclusion(c)) is not None]


def correct_share(candidate: Candidate) -> Fraction:
    correct, total = candidate.test_correct, candidate.test_total
    if correct is None or total <= 0 or not 0 <= correct <= total:
        raise ValueError(f"applicant {candidate.applicant_id}: bad test score {correct}/{total}")
    return Fraction(correct, total)


def values(candidate: Candidate) -> dict[str, Fraction]:
    """Each component's value in 0..1."""
    p = candidate.preferred
    return {
        "test": correct_share(candidate),
        "education": EDUCATION_SCALE.get(candidate.education or "", Fraction(0)),
        "experience": Fraction(p.experience),
        "domicile": Fraction(p.domicile_in_regency),
        "age": Fraction(p.age_18_50),
        "motorbike": Fraction(p.motorbike),
        "device": Fraction(p.device),
    }


def score(candidate: Candidate, weights: RankingWeights) -> tuple[float, dict[str, float]]:
    """Final score and its breakdown in points; the breakdown adds up exactly to the score."""
    w = {name: Fraction(getattr(weights, name)) for name in COMPONENTS}
    total = sum(w.values(), Fraction(0))
    v = values(candidate)
    exact = {name: w[name] * v[name] / total * 10000 for name in COMPONENTS}  # hundredths
    cents = floor(sum(exact.values(), Fraction(0)) + Fraction(1, 2))  # round half up
    parts = {name: floor(x) for name, x in exact.items()}
    # Largest remainders get the hundredths lost to flooring (ties: COMPONENTS order).
    order = sorted(COMPONENTS, key=lambda n: (-(exact[n] - parts[n]), COMPONENTS.index(n)))
    for name in order[: cents - sum(parts.values())]:
        parts[name] += 1
    return cents / 100, {name: parts[name] / 100 for name in COMPONENTS}


def sort_key(candidate: Candidate, final_score: float) -> tuple[object, ...]:
    return (
        -final_score,
        -correct_share(candidate),
        not candidate.preferred.experience,
        candidate.submitted_at,
        candidate.applicant_id,
    )


def check_quota(accepted: int, per_district: Mapping[str, int] | None) -> None:
    if accepted < 0:
        raise ValueError("accepted must not be negative")
    if per_district:
        if any(q < 0 for q in per_district.values()):
            raise ValueError("per-district quotas must not be negative")
        if sum(per_district.values()) > accepted:
            raise ValueError(
                f"per-district quotas add up to {sum(per_district.values())}, "
                f"above the {accepted} accepted"
            )


def rank(
    candidates: Iterable[Candidate],
    weights: RankingWeights,
    accepted: int,
    per_district: Mapping[str, int] | None = None,
    *,
    release_unfilled: bool = False,
) -> list[RankedCandidate]:
    """Rank the eligible candidates (see `unranked` for the others) and mark who is accepted.

    With per-district quotas each district first gets its quota from its own candidates, in
    rank order; the `accepted - sum(quotas)` remaining seats then go in overall rank order to
    anyone not yet accepted (the only seats open to candidates from outside the regency or from
    districts without a quota). District seats left empty for lack of candidates stay empty,
    unless `release_unfilled`, which adds them to the remaining seats.
    """
    check_quota(accepted, per_district)
    pool = list(candidates)
    ids = [c.applicant_id for c in pool]
    if len(set(ids)) != len(ids):
        raise ValueError("an applicant appears twice")
    scored = []
    for c in pool:
        if exclusion(c) is None:
            final, breakdown = score(c, weights)
            scored.append((sort_key(c, final), c, final, breakdown))
    scored.sort(key=lambda item: item[0])
    order = [c for _, c, _, _ in scored]

    reasons: dict[int, str] = {}
    open_seats = accepted
    for district, quota in (per_district or {}).items():
        mine = [c for c in order if c.district == district][:quota]
        reasons.update((c.applicant_id, f"district quota {district}") for c in mine)
        open_seats -= len(mine) if release_unfilled else quota
    for c in order:
        if open_seats <= 0:
            break
        if c.applicant_id not in reasons:
            reasons[c.applicant_id] = "overall"
            open_seats -= 1

    last = max((i for i, c in enumerate(order) if c.applicant_id in reasons), default=-1)

    def refused(position: int, c: Candidate) -> str:
        if position > last:
            return "below cut-off"
        if c.district in (per_district or {}):
            return f"district quota {c.district} full"
        return "no district seat"  # outranked only by district-quota seats

    return [
        RankedCandidate(
            candidate=c,
            rank=i + 1,
            final_score=final,
            breakdown=breakdown,
            accepted=c.applicant_id in reasons,
            reason=reasons.get(c.applicant_id) or refused(i, c),
        )
        for i, (_, c, final, breakdown) in enumerate(scored)
    ]


def cut_off(ranked: Sequence[RankedCandidate]) -> float | None:
    """The lowest final score among the accepted, None when nobody is accepted."""
    scores = [r.final_score for r in ranked if r.accepted]
    return min(scores) if scores else None
