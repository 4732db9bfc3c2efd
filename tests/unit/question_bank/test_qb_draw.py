"""The deterministic draw, its snapshot format, and scoring."""

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
from qb_helpers import banks_with_blueprint, make_bank

from question_bank import (
    DEFAULT_BLUEPRINT,
    Bank,
    DrawError,
    DrawnQuestion,
    blueprint_total,
    check_blueprint,
    draw,
    score,
    seed_to_int,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEEDS = st.integers(0, 2**64) | st.text(max_size=20)


@settings(max_examples=80, deadline=None)
@given(case=banks_with_blueprint(), seed=SEEDS)
def test_draw_properties(case: tuple[Bank, dict[str, int]], seed: int | str) -> None:
    bank, blueprint = case
    drawn = draw(bank, blueprint, seed)
    counts = Counter(d.category for d in drawn)
    assert {c: n for c, n in blueprint.items() if n} == dict(counts)
    ids = [d.question_id for d in drawn]
    assert len(ids) == len(set(ids))
    for d in drawn:
        original = bank.get(d.question_id)
        assert original is not None and original.category == d.category
        assert sorted(d.options) == sorted(original.options)
        assert d.options[d.correct_index] == original.answer_text
        assert d.text == original.text and d.explanation == original.explanation
    assert draw(bank, blueprint, seed) == drawn


def test_default_blueprint_is_30_questions_6_per_category() -> None:
    assert blueprint_total(DEFAULT_BLUEPRINT) == 30
    assert set(DEFAULT_BLUEPRINT.values()) == {6}
    assert len(DEFAULT_BLUEPRINT) == 5


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


def test_too_few_questions_names_every_short_category() -> None:
    bank = make_bank(per_category=5)
    problems = check_blueprint(bank, {**DEFAULT_BLUEPRINT, "lain": 1})
    assert len(problems) == 6
    assert any("'logika' has 5" in p for p in problems)
    assert any("'lain' has 0" in p for p in problems)
    with pytest.raises(DrawError) as exc:
        draw(bank, DEFAULT_BLUEPRINT, 1)
    assert "numerik" in str(exc.value)


def test_blueprint_with_bad_counts() -> None:
    bank = make_bank(per_category=2)
    assert check_blueprint(bank, {"logika": -1}) != []
    assert check_blueprint(bank, {"logika": 0}) == ["the blueprint asks for no questions"]
    assert check_blueprint(bank, {"logika": 2}) == []


def test_snapshot_round_trips_through_json() -> None:
    drawn = draw(make_bank(per_category=6), DEFAULT_BLUEPRINT, 7)
    stored = json.dumps([d.to_dict() for d in drawn])
    restored = [DrawnQuestion.from_dict(d) for d in json.loads(stored)]
    assert restored == drawn
    with pytest.raises(ValueError):
        DrawnQuestion.from_dict({**drawn[0].to_dict(), "correct_index": 9})


def test_score() -> None:
    drawn = draw(make_bank(per_category=6), DEFAULT_BLUEPRINT, "s")
    all_right = {i: d.correct_index for i, d in enumerate(drawn)}
    assert score(drawn, all_right) == 30
    assert score(drawn, {}) == 0
    wrong = {0: (drawn[0].correct_index + 1) % len(drawn[0].options), 1: drawn[1].correct_index}
    assert score(drawn, wrong) == 1
    with pytest.raises(ValueError):
        score(drawn, {30: 0})
