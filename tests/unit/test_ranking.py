"""Final selection: weights, scores and their breakdown, tie-breaks, quotas, exclusions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.domain.ranking import (
    COMPONENTS,
    EDUCATION_SCALE,
    Candidate,
    RankingWeights,
    cut_off,
    rank,
    score,
    unranked,
)
from bot.domain.registration import Preferred

WITA = ZoneInfo("Asia/Makassar")
T0 = datetime(2023, 11, 1, 8, 0, tzinfo=WITA)
DEFAULT = RankingWeights()


def cand(
    applicant_id: int,
    correct: int | None = 24,
    *,
    district: str | None = "Taliwang",
    education: str | None = "SMA",
    experience: bool = False,
    motorbike: bool = False,
    device: bool = False,
    adult: bool = True,
    minutes: int = 0,
    status: str = "tested",
    total: int = 30,
) -> Candidate:
    preferred = Preferred(
        age=30 if adult else 55,
        age_18_50=adult,
        sma_or_higher=education in ("SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"),
        domicile_in_regency=district not in (None, "outside"),
        motorbike=motorbike,
        device=device,
        experience=experience,
    )
    return Candidate(
        applicant_id=applicant_id,
        application_id=1000 + applicant_id,
        name=f"Pelamar {applicant_id}",
        district=district,
        education=education,
        preferred=preferred,
        test_correct=correct,
        test_total=total,
        submitted_at=T0 + timedelta(minutes=minutes),
        status=status,
    )


def ids(ranked) -> list[int]:  # type: ignore[no-untyped-def]
    return [r.candidate.applicant_id for r in ranked]


def accepted_ids(ranked) -> list[int]:  # type: ignore[no-untyped-def]
    return [r.candidate.applicant_id for r in ranked if r.accepted]


def cents(value: float) -> int:
    return round(value * 100)


# --------------------------------------------------------------------------- weights


def test_default_weights() -> None:
    assert DEFAULT.model_dump() == {
        "test": 70, "education": 10, "experience": 8, "domicile": 5,
        "age": 3, "motorbike": 2, "device": 2,
    }
    assert DEFAULT.total == 100


@pytest.mark.parametrize(
    "raw",
    [
        {"test": -1},
        {"test": 0, "education": 0, "experience": 0, "domicile": 0, "age": 0, "motorbike": 0,
         "device": 0},
        {"test": float("nan")},
        {"test": float("inf")},
        {"bonus": 5},
    ],
)
def test_invalid_weights(raw: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        RankingWeights.model_validate(raw)


def test_weights_are_frozen_and_only_one_needed() -> None:
    only_test = RankingWeights(
        test=1, education=0, experience=0, domicile=0, age=0, motorbike=0, device=0
    )
    assert score(cand(1, 15), only_test)[0] == 50.0
    with pytest.raises(ValidationError):
        only_test.test = 2  # type: ignore[misc]


# --------------------------------------------------------------------------- score


@pytest.mark.parametrize(
    ("level", "value"),
    [("SD", 0), ("SMP", 0), ("SMA", 0.6), ("D1", 0.8), ("D3", 0.8), ("D4", 1), ("S1", 1),
     ("S3", 1), (None, 0)],
)
def test_education_scale(level: str | None, value: float) -> None:
    if level is not None:
        assert EDUCATION_SCALE[level] == Fraction(value).limit_denominator(10)
    _, breakdown = score(cand(1, education=level), DEFAULT)
    assert breakdown["education"] == pytest.approx(10 * value)


def test_worked_example() -> None:
    c = cand(1, 24, education="SMA", experience=True, device=True)
    final, breakdown = score(c, DEFAULT)
    assert breakdown == {
        "test": 56.0, "education": 6.0, "experience": 8.0, "domicile": 5.0,
        "age": 3.0, "motorbike": 0.0, "device": 2.0,
    }
    assert final == 80.0


def test_extremes() -> None:
    best = cand(1, 30, education="S1", experience=True, motorbike=True, device=True)
    worst = cand(2, 0, district="outside", education="SD", adult=False)
    assert score(best, DEFAULT)[0] == 100.0
    assert score(worst, DEFAULT)[0] == 0.0


def test_breakdown_adds_up_exactly_despite_rounding() -> None:
    weights = RankingWeights(test=7, education=3, experience=1, domicile=1, age=1)
    final, breakdown = score(cand(1, 17, education="D2", experience=True), weights)
    exact = (7 * Fraction(17, 30) + 3 * Fraction(8, 10) + 1 + 1 + 1) / 17 * 100
    assert final == round(float(exact), 2)
    assert sum(cents(v) for v in breakdown.values()) == cents(final)


weights_st = (
    st.fixed_dictionaries({n: st.integers(0, 100) | st.floats(0, 50) for n in COMPONENTS})
    .filter(lambda raw: sum(raw.values()) > 0)
    .map(RankingWeights.model_validate)
)


@given(
    weights=weights_st,
    correct=st.integers(0, 30),
    flags=st.lists(st.booleans(), min_size=5, max_size=5),
    education=st.sampled_from([*EDUCATION_SCALE, None]),
)
def test_breakdown_sums_to_score(
    weights: RankingWeights, correct: int, flags: list[bool], education: str | None
) -> None:
    exp, bike, device, adult, local = flags
    c = cand(1, correct, education=education, experience=exp, motorbike=bike, device=device,
             adult=adult, district="Maluk" if local else "outside")
    final, breakdown = score(c, weights)
    assert set(breakdown) == set(COMPONENTS)
    assert sum(cents(v) for v in breakdown.values()) == cents(final)
    w = {n: getattr(weights, n) for n in COMPONENTS}
    v = {"test": correct / 30, "education": float(EDUCATION_SCALE.get(education or "", 0)),
         "experience": exp, "domicile": local, "age": adult, "motorbike": bike, "device": device}
    for n in COMPONENTS:
        assert abs(breakdown[n] - w[n] * v[n] / weights.total * 100) <= 0.01 + 1e-9
    assert abs(final - sum(w[n] * v[n] for n in COMPONENTS) / weights.total * 100) <= 0.005 + 1e-9


# --------------------------------------------------------------------------- tie-breaks

TIE = RankingWeights(test=10, education=0, experience=0, domicile=0, age=0, motorbike=1, device=0)


def test_tie_broken_by_test_score() -> None:
    strong_test = cand(2, 30, minutes=9)  # 10*1.0 + 0 = 10
    with_bike = cand(1, 27, motorbike=True, experience=True)  # 10*0.9 + 1 = 10
    ranked = rank([with_bike, strong_test], TIE, accepted=1)
    assert ranked[0].final_score == ranked[1].final_score
    assert ids(ranked) == [2, 1]
    assert accepted_ids(ranked) == [2]


def test_then_by_experience() -> None:
    ranked = rank([cand(1, 20), cand(2, 20, experience=True, minutes=5)], TIE, accepted=1)
    assert ids(ranked) == [2, 1]


def test_then_by_earlier_submission() -> None:
    ranked = rank([cand(1, 20, minutes=1), cand(2, 20, minutes=0)], TIE, accepted=1)
    assert ids(ranked) == [2, 1]


def test_then_by_applicant_id() -> None:
    ranked = rank([cand(7, 20), cand(3, 20)], TIE, accepted=1)
    assert ids(ranked) == [3, 7]
    assert [r.rank for r in ranked] == [1, 2]


def test_score_beats_every_tie_break() -> None:
    pool = [cand(1, 29, experience=True), cand(2, 30, minutes=60)]  # experience weighs 0 in TIE
    ranked = rank(pool, TIE, accepted=1)
    assert ids(ranked) == [2, 1]


# --------------------------------------------------------------------------- quotas


def test_without_districts_the_top_are_accepted() -> None:
    pool = [cand(i, 10 + i) for i in range(1, 8)]
    ranked = rank(pool, DEFAULT, accepted=3)
    assert accepted_ids(ranked) == [7, 6, 5]
    assert [r.reason for r in ranked[:4]] == ["overall"] * 3 + ["below cut-off"]
    assert cut_off(ranked) == ranked[2].final_score


def test_weaker_candidate_from_a_district_with_seats_wins() -> None:
    pool = [cand(1, 30), cand(2, 29), cand(3, 12, district="Maluk")]
    ranked = rank(pool, DEFAULT, accepted=2, per_district={"Taliwang": 1, "Maluk": 1})
    assert ids(ranked) == [1, 2, 3]
    assert accepted_ids(ranked) == [1, 3]
    reasons = {r.candidate.applicant_id: r.reason for r in ranked}
    assert reasons == {1: "district quota Taliwang", 2: "district quota Taliwang full",
                       3: "district quota Maluk"}
    assert cut_off(ranked) == ranked[2].final_score


def test_remaining_seats_go_overall_and_outsiders_only_get_those() -> None:
    pool = [cand(1, 30), cand(2, 29), cand(3, 12, district="Maluk"),
            cand(4, 13, district="Maluk"), cand(5, 30, district="outside", education="S1")]
    quotas = {"Taliwang": 1, "Maluk": 1}
    ranked = rank(pool, DEFAULT, accepted=2, per_district=quotas)
    assert accepted_ids(ranked) == [1, 4]
    outsider = next(r for r in ranked if r.candidate.applicant_id == 5)
    assert outsider.rank == 2 and outsider.reason == "no district seat"

    ranked = rank(pool, DEFAULT, accepted=4, per_district=quotas)
    assert accepted_ids(ranked) == [1, 5, 2, 4]
    assert {r.candidate.applicant_id: r.reason for r in ranked if r.accepted} == {
        1: "district quota Taliwang", 4: "district quota Maluk", 5: "overall", 2: "overall"}
    assert ranked[-1].reason == "below cut-off"


def test_unfilled_district_seats_stay_empty_unless_released() -> None:
    pool = [cand(1, 30), cand(2, 29), cand(3, 20, district="outside")]
    quotas = {"Taliwang": 1, "Brang Rea": 1}
    assert accepted_ids(rank(pool, DEFAULT, 3, quotas)) == [1, 2]
    assert accepted_ids(rank(pool, DEFAULT, 3, quotas, release_unfilled=True)) == [1, 2, 3]


def test_accepted_never_exceeds_the_quota() -> None:
    pool = [cand(i, 30, district=d) for i, d in enumerate(["Maluk", "Jereweh", "outside"] * 4)]
    for accepted in range(8):
        ranked = rank(pool, DEFAULT, accepted, {"Maluk": min(accepted, 2)})
        assert sum(r.accepted for r in ranked) == accepted
    assert sum(r.accepted for r in rank(pool[:3], DEFAULT, 10)) == 3


def test_bad_quotas_rejected() -> None:
    with pytest.raises(ValueError, match="add up to 3"):
        rank([cand(1)], DEFAULT, accepted=2, per_district={"Taliwang": 2, "Maluk": 1})
    with pytest.raises(ValueError):
        rank([cand(1)], DEFAULT, accepted=-1)
    with pytest.raises(ValueError):
        rank([cand(1)], DEFAULT, accepted=2, per_district={"Taliwang": -1})


def test_nobody_accepted_has_no_cut_off() -> None:
    assert cut_off(rank([cand(1)], DEFAULT, accepted=0)) is None
    assert cut_off([]) is None


# --------------------------------------------------------------------------- exclusions


def test_absent_failed_and_unscored_are_not_ranked() -> None:
    pool = [cand(1, 30, status="absent"), cand(2, 30, status="admin_failed"),
            cand(3, 30, status="withdrawn"), cand(4, None), cand(5, 3)]
    ranked = rank(pool, DEFAULT, accepted=5)
    assert ids(ranked) == [5] and ranked[0].accepted and ranked[0].rank == 1
    assert [(u.candidate.applicant_id, u.reason) for u in unranked(pool)] == [
        (1, "absent"), (2, "admin_failed"), (3, "withdrawn"), (4, "no test score")]


def test_inconsistent_input_rejected() -> None:
    with pytest.raises(ValueError, match="twice"):
        rank([cand(1), replace(cand(1), application_id=5)], DEFAULT, 1)
    with pytest.raises(ValueError, match="bad test score"):
        rank([cand(1, 31)], DEFAULT, 1)
    with pytest.raises(ValueError, match="bad test score"):
        rank([cand(1, 0, total=0)], DEFAULT, 1)


# --------------------------------------------------------------------------- properties

DISTRICTS = ("Taliwang", "Maluk", "Seteluk", "outside")
candidate_st = st.builds(
    cand,
    applicant_id=st.just(0),
    correct=st.integers(25, 30) | st.none(),
    district=st.sampled_from(DISTRICTS),
    education=st.sampled_from(["SMP", "SMA", "D3", "S1"]),
    experience=st.booleans(),
    motorbike=st.booleans(),
    device=st.booleans(),
    adult=st.booleans(),
    minutes=st.integers(0, 3),
    status=st.sampled_from(["tested", "tested", "tested", "absent", "admin_failed"]),
)
pool_st = st.lists(candidate_st, max_size=25).map(
    lambda cs: [replace(c, applicant_id=i * 7 % 101) for i, c in enumerate(cs)]
)


def expected_key(r):  # type: ignore[no-untyped-def]
    c = r.candidate
    return (-r.final_score, -Fraction(c.test_correct, c.test_total), not c.preferred.experience,
            c.submitted_at, c.applicant_id)


@given(pool=pool_st, accepted=st.integers(0, 30), weights=weights_st | st.just(DEFAULT))
def test_ranking_properties(pool: list[Candidate], accepted: int, weights: RankingWeights) -> None:
    ranked = rank(pool, weights, accepted)
    eligible = [c for c in pool if c.status == "tested" and c.test_correct is not None]
    assert sorted(ids(ranked)) == sorted(c.applicant_id for c in eligible)
    assert [r.rank for r in ranked] == list(range(1, len(eligible) + 1))
    keys = [expected_key(r) for r in ranked]
    assert all(a < b for a, b in pairwise(keys))
    assert sum(r.accepted for r in ranked) == min(accepted, len(eligible))
    assert all(r.accepted == (r.rank <= accepted) for r in ranked)
    assert rank(list(reversed(pool)), weights, accepted) == ranked


@given(pool=pool_st, quotas=st.lists(st.integers(0, 4), min_size=3, max_size=3),
       extra=st.integers(0, 5))
def test_district_quota_properties(pool: list[Candidate], quotas: list[int], extra: int) -> None:
    per_district = dict(zip(DISTRICTS[:3], quotas, strict=True))
    accepted = sum(quotas) + extra
    ranked = rank(pool, DEFAULT, accepted, per_district)
    taken = sum(r.accepted for r in ranked)
    assert taken <= accepted
    for district, quota in per_district.items():
        mine = [r for r in ranked if r.candidate.district == district]
        seated = [r for r in mine if r.reason == f"district quota {district}"]
        assert seated == mine[:quota]
    overall = [r for r in ranked if r.reason == "overall"]
    assert len(overall) == min(extra, len(ranked) - sum(min(q, len(
        [r for r in ranked if r.candidate.district == d])) for d, q in per_district.items()))
    assert all(r.candidate.district != "outside" or r.reason in ("overall", "below cut-off",
                                                                 "no district seat")
               for r in ranked)
