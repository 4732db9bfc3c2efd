"""Item analysis: expected values computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.domain.item_analysis import (
    FLAG_DISTRACTOR,
    FLAG_EASY,
    FLAG_HARD,
    FLAG_WRONG_KEY,
    REASON_FAST,
    REASON_IDENTICAL,
    AttemptData,
    Response,
    analyse,
    correct_and_total,
    share_score,
    suspicious,
)

OPTIONS = ("A", "B", "C", "D")


def resp(qid: str, ok: bool | None, seconds: float | None = None,
         options: tuple[str, ...] = OPTIONS, wrong: str = "B") -> Response:
    """Key "A"; a wrong answer chooses `wrong`; ok=None is unanswered."""
    chosen = None if ok is None else ("A" if ok else wrong)
    return Response(qid, options, frozenset({"A"}), chosen, seconds)


def att(aid: int, marks: dict[str, bool | None], form: str = "F",
        seconds: float | None = None) -> AttemptData:
    return AttemptData(aid, f"#{aid} P{aid}", form,
                       tuple(resp(q, ok, seconds) for q, ok in marks.items()))


def matrix(rows: list[str], qids: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4"),
           form: str = "F", first: int = 1) -> list[AttemptData]:
    return [att(first + n, {q: c == "1" for q, c in zip(qids, row, strict=True)}, form)
            for n, row in enumerate(rows)]


def item(analysis, qid):  # type: ignore[no-untyped-def]
    return next(i for i in analysis.items if i.question_id == qid)


# A classic 5 x 4 matrix (a Guttman pattern), everyone had the same four questions.
CLASSIC = ["1111", "1110", "1100", "1000", "0000"]


def test_classic_matrix_kr20_and_test_figures() -> None:
    # p = 4/5, 3/5, 2/5, 1/5; p*q = 4/25 + 6/25 + 6/25 + 4/25 = 20/25 = 0.8
    # totals 4, 3, 2, 1, 0: mean 2, population variance (4+1+0+1+4)/5 = 2
    # KR-20 = 4/3 * (1 - 0.8/2) = 4/3 * 0.6 = 0.8
    a = analyse(matrix(CLASSIC))
    t = a.test
    assert t.attempts == 5 and t.forms == 1
    assert t.kr20 == pytest.approx(0.8)
    # shares 1, .75, .5, .25, 0: mean .5, median .5, variance 2/16 = .125, sd = sqrt(.125)
    assert t.mean == pytest.approx(0.5) and t.median == pytest.approx(0.5)
    assert t.stdev == pytest.approx(0.125 ** 0.5)
    # bands: 0 -> 0-9%, .25 -> 20-29%, .5 -> 50-59%, .75 -> 70-79%, 1 -> 90-100%
    assert t.distribution == (1, 0, 1, 0, 0, 1, 0, 1, 0, 1)


def test_classic_matrix_item_figures() -> None:
    a = analyse(matrix(CLASSIC))
    q1 = item(a, "Q1")
    assert q1.drawn == 5 and q1.facility == pytest.approx(0.8)
    # Q1 against the rest score (other three questions, share):
    #   x = 1, 1, 1, 1, 0   mean 4/5, deviations .2 .2 .2 .2 -.8, Sxx = 4*.04 + .64 = .8
    #   y = 1, 2/3, 1/3, 0, 0   mean 2/5, deviations 3/5 4/15 -1/15 -2/5 -2/5,
    #   Syy = (81 + 16 + 1 + 36 + 36)/225 = 170/225 = 34/45
    #   Sxy = .2*(3/5 + 4/15 - 1/15 - 2/5) + (-.8)(-2/5) = .2*.4 + .32 = .4
    #   r = .4 / sqrt(.8 * 34/45) = .4 / sqrt(.60444) = .4 / .777460 = .514496
    assert q1.discrimination == pytest.approx(0.514496, abs=1e-6)
    # 27% of 5 = 1.35 -> groups of 1: top #1 (right), bottom #5 (wrong): 1 - 0 = 1
    assert q1.upper_lower == pytest.approx(1.0)
    # Q4: right only for #1 (p = .2, not below .2: no flag); top #1 right, bottom #5 wrong
    q4 = item(a, "Q4")
    assert q4.facility == pytest.approx(0.2) and q4.upper_lower == pytest.approx(1.0)
    # five attempts: too few for any discrimination flag
    assert all(i.flags == [] for i in a.items)


def test_distractor_counts_follow_text_not_position() -> None:
    orders = [("Jakarta", "Bandung", "Surabaya"), ("Surabaya", "Jakarta", "Bandung"),
              ("Bandung", "Surabaya", "Jakarta"), ("Jakarta", "Surabaya", "Bandung")]
    chosen = ["Bandung", "Bandung", "Jakarta", None]  # positions 2, 3, 3, -
    attempts = [AttemptData(n, f"#{n}", "F",
                            (Response("CAP", o, frozenset({"Jakarta"}), c, 10.0 + n),))
                for n, (o, c) in enumerate(zip(orders, chosen, strict=True))]
    q = item(analyse(attempts), "CAP")
    assert q.option_counts == {"Bandung": 2, "Jakarta": 1, "Surabaya": 0}
    assert q.unanswered == 1 and q.keys == frozenset({"Jakarta"})
    assert q.facility == pytest.approx(0.25)  # unanswered counts as wrong: 1 of 4
    assert q.median_seconds == pytest.approx(11.0)  # answered: 10, 11, 12 -> 11


def test_two_accepted_answers() -> None:
    r = Response("RK", ("x", "y", "z"), frozenset({"x", "y"}), "y", None)
    assert correct_and_total(AttemptData(1, "#1", "F", (r,)), frozenset()) == (1, 1)


# Two forms sharing Q2 and Q3:      Q1 Q2 Q3 Q4   share
#   X1 (form X)                      1  1  1  -    3/3
#   X2                               1  1  0  -    2/3
#   X3                               0  0  0  -    0
#   Y1 (form Y)                      -  1  1  1    3/3
#   Y2                               -  0  1  0    1/3
def forms() -> list[AttemptData]:
    return (matrix(["111", "110", "000"], ("Q1", "Q2", "Q3"), "X", 1)
            + matrix(["111", "010"], ("Q2", "Q3", "Q4"), "Y", 4))


def test_forms_of_different_questions() -> None:
    a = analyse(forms())
    assert {i.question_id: i.drawn for i in a.items} == {"Q1": 3, "Q2": 5, "Q3": 5, "Q4": 2}
    assert item(a, "Q1").facility == pytest.approx(2 / 3)
    assert item(a, "Q2").facility == pytest.approx(3 / 5)
    assert item(a, "Q3").facility == pytest.approx(3 / 5)
    assert a.test.forms == 2
    # pooled KR-20: p*q = Q1 2/9, Q2 6/25, Q3 6/25, Q4 1/4
    #   form X error: (2/9 + 12/25)/9 = (158/225)/9; form Y: (12/25 + 1/4)/9 = (73/100)/9
    #   mean error = (3 * 158/225 + 2 * 73/100) / 9 / 5 = (158/75 + 73/50)/45 = 107/1350
    #   shares 1, 2/3, 0, 1, 1/3: mean 3/5, variance (34/45)/5 = 34/225 = 204/1350
    #   KR-20 = 3/2 * (1 - 107/204) = 3/2 * 97/204 = 97/136 = 0.713235
    assert a.test.kr20 == pytest.approx(97 / 136)


def test_voided_question_changes_scores_and_is_listed() -> None:
    x2 = forms()[1]
    assert correct_and_total(x2, frozenset()) == (2, 3)
    assert share_score(x2, frozenset()) == Fraction(2, 3)
    voided = frozenset({"Q1"})
    assert correct_and_total(x2, voided) == (1, 2) and share_score(x2, voided) == Fraction(1, 2)
    a = analyse(forms(), voided)
    q1 = item(a, "Q1")
    assert q1.voided and q1.drawn == 3 and q1.facility is None and q1.flags == []
    assert a.items[-1] is q1  # voided after the valid ones
    # shares now 2/2, 1/2, 0/2, 3/3, 1/3: mean (1 + .5 + 0 + 1 + 1/3)/5 = 17/30
    assert a.test.mean == pytest.approx(17 / 30)
    # an attempt whose only question is voided has no score and is left out
    only = att(99, {"Q1": True})
    assert share_score(only, voided) == 0
    assert analyse([*forms(), only], voided).test.attempts == 5


def wrong_key_attempts() -> list[AttemptData]:
    """12 attempts, ability i = 0..11. Good item Gt is right when i >= t (t = 2, 4, 6, 8).
    BAD is keyed "A" but "B" is the real answer: the six strongest (i >= 6) choose "B"."""
    out = []
    for i in range(12):
        good = [resp(f"G{t}", i >= t) for t in (2, 4, 6, 8)]
        shown = OPTIONS[i % 4:] + OPTIONS[:i % 4]  # shuffled differently per attempt
        bad = resp("BAD", i < 6, options=shown)
        out.append(AttemptData(i, f"#{i}", "F", (*good, bad)))
    return out


def test_wrong_key_is_flagged_and_good_items_are_not() -> None:
    a = analyse(wrong_key_attempts())
    bad = a.items[0]  # flagged first
    assert bad.question_id == "BAD" and bad.facility == pytest.approx(0.5)
    # rest score of BAD = good items right / 4; by i: 0,0,.25,.25,.5,.5 (BAD right, mean .25)
    #   and .75,.75,1,1,1,1 (BAD wrong, mean 11/12); y mean 7/12, var E[y^2] - mean^2 =
    #   (5.75/12) - 49/144 = 5/36, sd sqrt(5)/6; r = (M1 - M0)/sd * sqrt(pq)
    #   = (-2/3) / (sqrt(5)/6) * 1/2 = -2/sqrt(5) = -0.894427
    assert bad.discrimination == pytest.approx(-0.894427, abs=1e-6)
    # 27% of 12 = 3.24 -> groups of 3: top i = 11, 10, 9 all chose "B"; bottom 0, 1, 2 right
    assert bad.upper_lower == pytest.approx(-1.0)
    assert bad.flags == [FLAG_WRONG_KEY, FLAG_DISTRACTOR]
    assert bad.option_counts == {"A": 6, "B": 6, "C": 0, "D": 0}
    for q in ("G2", "G4", "G6", "G8"):
        stats = item(a, q)
        assert stats.discrimination is not None and stats.discrimination > 0.2
        assert stats.flags == []


def test_hard_and_easy_flags() -> None:
    attempts = [att(n, {"HARD": False, "EASY": True, "MID": n % 2 == 0}) for n in range(5)]
    a = analyse(attempts)
    assert item(a, "HARD").flags == [FLAG_HARD] and item(a, "EASY").flags == [FLAG_EASY]
    assert item(a, "MID").flags == []


def test_zero_variance_and_tiny_samples_give_none() -> None:
    same = [att(n, {"Q1": True, "Q2": True}) for n in range(4)]
    a = analyse(same)
    assert a.test.kr20 is None and a.test.stdev == 0
    assert item(a, "Q1").discrimination is None  # x constant
    assert item(a, "Q1").upper_lower == pytest.approx(0.0)
    one = analyse([att(1, {"Q1": True, "Q2": False})])
    assert one.test.kr20 is None
    assert item(one, "Q1").discrimination is None and item(one, "Q1").upper_lower is None
    nothing = analyse([])
    assert nothing.items == [] and nothing.test.attempts == 0 and nothing.test.mean is None
    assert nothing.test.distribution == (0,) * 10
    single_question = analyse([att(1, {"Q1": True}), att(2, {"Q1": False})])
    assert item(single_question, "Q1").discrimination is None  # no rest score at all
    assert single_question.test.kr20 is None  # k = 1


def ten(pattern: str, seconds: float | None = None, wrong: str = "B") -> tuple[Response, ...]:
    return tuple(resp(f"S{n}", c == "1", seconds, wrong=wrong) for n, c in enumerate(pattern))


def test_fast_attempts_with_a_good_score_are_listed() -> None:
    attempts = [
        AttemptData(1, "#1 Cepat", "F1", ten("1111111100", 3.0)),  # 80% in 3 s each
        AttemptData(2, "#2 Teliti", "F2", ten("1111111111", 20.0)),  # good but slow
        AttemptData(3, "#3 Tebak", "F3", ten("1110000000", 2.0)),  # fast guessing: 30%
        AttemptData(4, "#4 Batas", "F4", ten("1111111000", 7.5)),  # 70% at 7.5 s: listed
        AttemptData(5, "#5 Delapan", "F5", ten("1111111111", 8.0)),  # 8 s is not below 8
    ]
    found = suspicious(attempts)
    assert [(s.attempt_id, s.reason) for s in found] == [(1, REASON_FAST), (4, REASON_FAST)]
    assert found[0].label == "#1 Cepat" and "median 3 detik" in found[0].detail
    assert "benar 80%" in found[0].detail
    # a lower threshold: #1 (3 s) is no longer listed, #3 (2 s) still scores too low
    assert suspicious(attempts, min_seconds_per_question=2.5) == []


def test_identical_answer_sequences() -> None:
    same = ten("1111111100", 30.0)  # two wrong answers ("B") in common
    attempts = [
        AttemptData(1, "#1 Ani", "F", same),
        AttemptData(2, "#2 Budi", "F", same),
        AttemptData(3, "#3 Citra", "F", ten("1111111100", 30.0, wrong="C")),  # other wrongs
        AttemptData(4, "#4 Dedi", "G", same),  # another form
        AttemptData(5, "#5 Eka", "H", ten("1111111111")),  # right everywhere, twice:
        AttemptData(6, "#6 Fitri", "H", ten("1111111111")),  # not suspicious
        AttemptData(7, "#7 Gita", "K", ten("111111100")),  # nine answered: too few
        AttemptData(8, "#8 Hadi", "K", ten("111111100")),
    ]
    found = suspicious(attempts)
    assert [(s.attempt_id, s.reason) for s in found] == [(1, REASON_IDENTICAL),
                                                         (2, REASON_IDENTICAL)]
    assert "#2 Budi" in found[0].detail and "#1 Ani" in found[1].detail
    assert "10 jawaban" in found[0].detail and "2 salah" in found[0].detail
