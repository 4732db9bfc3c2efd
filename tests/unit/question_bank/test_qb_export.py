"""Export then load gives back the same bank, for YAML, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from qb_helpers import banks, make_bank, make_question

from question_bank import (
    Bank,
    bank_fingerprint,
    export_bank,
    export_bank_bytes,
    load_bank,
    load_bank_bytes,
)

FORMATS = ("yaml", "csv", "xlsx")

TRICKY = (
    make_question("T-001", text='Kutip "ganda"; titik-koma, koma\nbaris kedua', answer="A"),
    make_question("T-002", options=("=1+1", "#N/A", "TRUE", "007"), answer="D"),
    make_question("T-003", options=("yes", "no", "null", "2024-01-01"), explanation="# bukan"),
    make_question("T-004", category="numerik", options=("1,5", "1.5", "1e3"), answer="C"),
    make_question("T-005", text="Ünïcødé — ½ × ², 人口", image="img/peta.png", groups=("peta",)),
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("version", ["2024.1", None])
def test_round_trip_via_files(tmp_path: Path, fmt: str, version: str | None) -> None:
    bank = Bank(version=version or bank_fingerprint(TRICKY), questions=TRICKY)
    path = tmp_path / f"bank.{fmt}"
    export_bank(bank, path)
    result = load_bank(path)
    assert result.errors == []
    assert result.bank == bank


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_a_full_bank(fmt: str) -> None:
    bank = make_bank(per_category=10)
    assert load_bank_bytes(export_bank_bytes(bank, fmt), f"x.{fmt}").bank == bank


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bank=banks())
def test_round_trip_property(bank: Bank) -> None:
    for fmt in FORMATS:
        result = load_bank_bytes(export_bank_bytes(bank, fmt), f"bank.{fmt}")
        assert result.errors == [], (fmt, result.errors)
        assert result.bank == bank, fmt


def test_csv_export_uses_semicolons_and_bom() -> None:
    data = export_bank_bytes(make_bank(per_category=1), "csv")
    assert data.startswith(b"\xef\xbb\xbf# version: test-1")
    assert b"id;category;difficulty;text;option_a" in data


def test_yaml_export_is_the_native_format() -> None:
    text = export_bank_bytes(make_bank(per_category=1), ".yml").decode()
    assert text.startswith("version: test-1\nquestions:\n- id: STA-000\n")


def test_unsupported_export_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        export_bank(make_bank(per_category=1), tmp_path / "bank.json")
    with pytest.raises(ValueError, match="unsupported"):
        export_bank_bytes(make_bank(per_category=1), "pdf")


def test_a_csv_export_never_holds_a_live_formula_and_reads_back_the_same() -> None:
    from question_bank import Bank, bundled_bank, export_bank_bytes, load_bank_bytes

    first = bundled_bank().questions[0]
    tricky = first.model_copy(update={"text": "=1+1 adalah ...", "explanation": "-2 dan +2"})
    bank = Bank(version="uji", questions=(tricky, *bundled_bank().questions[1:]))
    data = export_bank_bytes(bank, "csv")
    assert b"'=1+1 adalah" in data and b"'-2 dan +2" in data  # inert in a spreadsheet
    back = load_bank_bytes(data, "bank.csv").bank
    assert back is not None and back.questions[0].text == "=1+1 adalah ..."
    assert back.questions[0].explanation == "-2 dan +2"
