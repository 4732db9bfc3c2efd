"""The draw: equivalent forms (category x difficulty, exclusion groups), its keyed seed, the
snapshot format, and scoring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qb_helpers import banks_with_blueprint, banks_with_cells, make_bank, make_question

from question_bank import (
    DEFAULT_BLUEPRINT,
    Bank,
    DrawError,
    DrawnQuestion,
    blueprint_total,
    check_blueprint,
    draw,
    form_seed,
    score,
    seed_to_int,
)
from question_bank.draw import plan

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEEDS = st.integers(0, 2**64) | st.text(max_size=20)


@settings(max_examples=80, deadline=None)
@given(case=banks_with_blueprint(), seed=SEEDS)
def test_draw_properties(case: tuple[Bank, dict[str, int]], seed: int | str) -> None:
    """A category given as one count: that many, split over difficulties as the bank holds."""
    bank, blueprint = case
    drawn = draw(bank, blueprint, seed)
    counts = Counter(d.category for d in drawn)
    assert {c: n for c, n in blueprint.items() if n} == dict(counts)
    cells, _ = plan(bank, blueprint)
    assert Counter((d.category, d.difficulty) for d in drawn) == Counter(cells)
    ids = [d.question_id for d in drawn]
    assert len(ids) == len(set(ids))
    for d in drawn:
        original = bank.get(d.question_id)
        assert original is not None and original.category == d.category
        assert sorted(d.options) == sorted(original.options)
        assert d.options[d.correct_index] == original.answer_text
        assert d.text == original.text and d.explanation == original.explanation
    assert draw(bank, blueprint, seed) == drawn


@settings(max_examples=150, deadline=None)
@given(case=banks_with_cells(), secret=st.text(min_size=1, max_size=20),
       application=st.integers(1, 10**6))
def test_every_form_meets_the_blueprint_and_the_groups(
    case: tuple[Bank, dict[str, dict[int, int]]], secret: str, application: int
) -> None:
    bank, blueprint = case
    seed = form_seed(secret, "mitra-ksb-2024", application)
    drawn = draw(bank, blueprint, seed)
    wanted = Counter({(c, d): n for c, split in blueprint.items() for d, n in split.items()})
    assert Counter((q.category, q.difficulty) for q in drawn) == wanted
    groups = [g for q in drawn for g in bank.get(q.question_id).groups]  # type: ignore[union-attr]
    assert len(groups) == len(set(groups)), "two questions of one exclusion group"
    assert len({q.question_id for q in drawn}) == len(drawn)
    # The same secret and attempt: the same form, options in the same order.
    assert draw(bank, blueprint, form_seed(secret, "mitra-ksb-2024", application)) == drawn


def test_groups_are_honoured_where_a_naive_draw_would_break_them() -> None:
    """Two cells whose questions all share one group: only one per form is possible, and
    the draw finds the forms that exist (backtracking), never a form with both."""
    qs = [make_question(f"A{i}", "logika", difficulty=1, groups=["pair"] if i < 3 else [])
          for i in range(4)]
    qs += [make_question(f"B{i}", "numerik", difficulty=1, groups=["pair"]) for i in range(2)]
    bank = Bank(version="t", questions=tuple(qs))
    blueprint = {"logika": {1: 1}, "numerik": {1: 1}}
    for seed in range(40):
        ids = {q.question_id for q in draw(bank, blueprint, seed)}
        assert "A3" in ids and len(ids & {"A0", "A1", "A2", "B0", "B1"}) == 1
    impossible = {"logika": {1: 2}, "numerik": {1: 1}}
    problems = check_blueprint(bank, impossible)
    assert len(problems) == 1 and "kelompok" in problems[0] and "exclusion groups" in problems[0]
    with pytest.raises(DrawError):
        draw(bank, impossible, 1)


def test_the_secret_decides_the_form() -> None:
    bank = make_bank(per_category=12)
    forms = {tuple(q.question_id for q in draw(bank, DEFAULT_BLUEPRINT, form_seed(s, "r", 7)))
             for s in ("secret-1", "secret-2", "secret-3")}
    assert len(forms) == 3
    assert form_seed("k", "r", 7) != form_seed("k", "r", 8) != form_seed("k", "s", 7)


def test_default_blueprint_is_30_questions_2_easy_3_medium_1_hard_per_category() -> None:
    assert blueprint_total(DEFAULT_BLUEPRINT) == 30
    assert len(DEFAULT_BLUEPRINT) == 5
    assert all(dict(split) == {1: 2, 2: 3, 3: 1} for split in DEFAULT_BLUEPRINT.values())


def test_a_single_count_is_split_like_the_bank() -> None:
    bank = make_bank(per_category=9)  # 3 easy, 3 medium, 3 hard per category
    cells, problems = plan(bank, {"logika": 6, "numerik": 4})
    assert problems == []
    assert cells == {("logika", 1): 2, ("logika", 2): 2, ("logika", 3): 2,
                     ("numerik", 1): 1, ("numerik", 2): 2, ("numerik", 3): 1}


def test_different_seeds_usually_differ() -> None:
    bank = make_bank(per_category=12)
    draws = {
        tuple(d.to_dict()["question_id"] for d in draw(bank, DEFAULT_BLUEPRINT, s))
        for s in range(20)
    }
    assert len(draws) == 20


def test_draw_is_stable_across_runs_and_bank_order() -> None:
    bank = make_bank(per_category=12)
    reversed_bank = Bank(version=bank.version, questions=tuple(reversed(bank.questions)))
    first = draw(bank, DEFAULT_BLUEPRINT, "applicant-42")
    assert draw(reversed_bank, DEFAULT_BLUEPRINT, "applicant-42") == first
    assert seed_to_int("applicant-42") == 0xAF49A1466FD8BC0D  # sha256, never hash()
    assert seed_to_int(12345) == 12345
    # The option order is shuffled too: not every question keeps the original order.
    assert any(d.options != bank.get(d.question_id).options for d in first)  # type: ignore[union-attr]


def test_draw_does_not_depend_on_the_hash_seed() -> None:
    code = (
        "from question_bank import draw, DEFAULT_BLUEPRINT;"
        "from qb_helpers import make_bank;"
        "print([d.question_id for d in draw(make_bank(12), DEFAULT_BLUEPRINT, 'abc')])"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_a_short_cell_is_named() -> None:
    bank = make_bank(per_category=5)  # 2 easy, 2 medium, 1 hard per category
    problems = check_blueprint(bank, {**DEFAULT_BLUEPRINT, "lain": 1})
    assert len(problems) == 6
    assert any(p.startswith("logika · sedang: bank berisi 2 soal, cetak biru meminta 3")
               and "(category logika, medium: the bank has 2, the blueprint needs 3)" in p
               for p in problems)
    assert any(p.startswith("lain: bank berisi 0 soal") for p in problems)
    with pytest.raises(DrawError) as exc:
        draw(bank, DEFAULT_BLUEPRINT, 1)
    assert "numerik · sedang" in str(exc.value)


def test_blueprint_with_bad_counts() -> None:
    bank = make_bank(per_category=2)
    assert check_blueprint(bank, {"logika": -1}) != []
    assert check_blueprint(bank, {"logika": {1: -1}}) != []
    assert check_blueprint(bank, {"logika": 0}) == [
        "cetak biru tidak meminta soal apa pun (the blueprint asks for no questions)"]
    assert check_blueprint(bank, {"logika": 2}) == []


def test_snapshot_round_trips_through_json() -> None:
    drawn = draw(make_bank(per_category=9), DEFAULT_BLUEPRINT, 7)
    stored = json.dumps([d.to_dict() for d in drawn])
    restored = [DrawnQuestion.from_dict(d) for d in json.loads(stored)]
    assert restored == drawn
    with pytest.raises(ValueError):
        DrawnQuestion.from_dict({**drawn[0].to_dict(), "correct_index": 9})


def test_score() -> None:
    drawn = draw(make_bank(per_category=9), DEFAULT_BLUEPRINT, "s")
    all_right = {i: d.correct_index for i, d in enumerate(drawn)}
    assert score(drawn, all_right) == 30
    assert score(drawn, {}) == 0
    wrong = {0: (drawn[0].correct_index + 1) % len(drawn[0].options), 1: drawn[1].correct_index}
    assert score(drawn, wrong) == 1
    with pytest.raises(ValueError):
        score(drawn, {30: 0})
