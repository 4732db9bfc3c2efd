"""The banks shipped in question_bank/data/. These must exist: a missing file is a failure."""

from __future__ import annotations

import pytest

from question_bank import (
    BUNDLED_BANK_PATH,
    CATEGORY_LABELS,
    DEFAULT_BLUEPRINT,
    PRACTICE_BANK_PATH,
    Bank,
    check_blueprint,
    draw,
    format_report,
    image_errors,
    load_bank,
)
from question_bank.lint import lint


def load_shipped(path: object) -> Bank:
    result = load_bank(str(path))
    assert result.bank is not None, f"{path} is not a valid bank:\n{format_report(result.errors)}"
    return result.bank


@pytest.fixture(scope="module")
def bank() -> Bank:
    assert BUNDLED_BANK_PATH.is_file(), f"missing bundled bank {BUNDLED_BANK_PATH}"
    return load_shipped(BUNDLED_BANK_PATH)


@pytest.fixture(scope="module")
def practice() -> Bank:
    assert PRACTICE_BANK_PATH.is_file(), f"missing practice bank {PRACTICE_BANK_PATH}"
    return load_shipped(PRACTICE_BANK_PATH)


def test_bundled_bank_is_big_enough_and_meets_the_default_blueprint(bank: Bank) -> None:
    assert len(bank.questions) >= 150, bank.counts()
    assert check_blueprint(bank, DEFAULT_BLUEPRINT) == []
    assert set(bank.counts()) <= set(CATEGORY_LABELS), bank.counts()
    for seed in range(5):
        assert len(draw(bank, DEFAULT_BLUEPRINT, seed)) == 30


def test_bundled_bank_passes_its_own_linter(bank: Bank) -> None:
    """What every office starts from: no key pattern, no leak the linter sees, every cell of
    the blueprint roomy."""
    _, warnings = lint(bank, DEFAULT_BLUEPRINT)
    assert [w.describe() for w in warnings] == []


def test_bundled_bank_declares_its_exclusion_groups_and_has_its_pictures(bank: Bank) -> None:
    grouped = [q for q in bank.questions if q.groups]
    assert len(grouped) >= 20
    for group in {g for q in grouped for g in q.groups}:
        assert sum(group in q.groups for q in bank.questions) >= 2, f"{group}: one member only"
    pictures = [q for q in bank.questions if q.image]
    assert len(pictures) >= 5
    assert image_errors(bank, "bank.yaml") == []
    instrument = [q for q in bank.questions if q.id.startswith("SRV-1")]
    assert len(instrument) >= 20  # the survey instrument: skip rules, periods, codes, maps


def test_practice_bank_is_separate_from_the_real_bank(bank: Bank, practice: Bank) -> None:
    assert len(practice.questions) >= 10
    assert set(practice.counts()) <= set(CATEGORY_LABELS), practice.counts()
    overlap = {q.id for q in bank.questions} & {q.id for q in practice.questions}
    assert not overlap, f"practice ids also used in the real bank: {sorted(overlap)}"


def test_accessors_return_the_same_banks(bank: Bank, practice: Bank) -> None:
    from question_bank import bundled_bank, practice_bank

    assert bundled_bank() == bank
    assert practice_bank() == practice


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_bundled_bank_survives_export_round_trip(bank: Bank, fmt: str) -> None:
    from question_bank import export_bank_bytes, load_bank_bytes

    assert load_bank_bytes(export_bank_bytes(bank, fmt), f"bank.{fmt}").bank == bank
