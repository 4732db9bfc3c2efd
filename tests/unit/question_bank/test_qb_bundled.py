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
    load_bank,
)


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
