"""``python -m question_bank``: validate, export, draw."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from qb_helpers import make_bank

from question_bank import export_bank, load_bank
from question_bank.cli import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    export_bank(make_bank(per_category=9), path)
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id;kategori;tingkat;soal;a;b;kunci\nQ1;logika;1;Soal;ya;tidak;C\nQ2;;1;Soal;ya;tidak;A\n",
        encoding="utf-8",
    )
    return path


def test_validate_clean_file(good_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(good_file)]) == 0
    out = capsys.readouterr().out
    assert "45 questions" in out
    assert re.search(r"logika\s+9\s+3\s+3\s+3\s+Logic", out)  # per difficulty
    assert "default blueprint (30 questions): OK" in out


def test_lint_lists_warnings_but_does_not_fail(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.yaml"
    export_bank(make_bank(per_category=9), path)  # keys alternate A, B: a position pattern
    assert main(["lint", str(path), "--lang", "id"]) == 0
    out = capsys.readouterr().out
    assert "logika: 9 · mudah 3 sedang 3 sulit 3" in out
    assert "peringatan" in out and "acak urutan pilihannya" in out


def test_validate_reports_every_error(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(bad_file)]) == 1
    out = capsys.readouterr().out
    assert "2 error(s)" in out
    assert f"{bad_file}, row 2, answer: answer C is not among the options (only A-B)" in out
    assert f"{bad_file}, row 3, category:" in out
    assert main(["validate", str(bad_file), "--lang", "id"]) == 1
    assert "baris 3, category: kategori kosong" in capsys.readouterr().out


def test_validate_strict_blueprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.xlsx"
    export_bank(make_bank(per_category=3), path)
    assert main(["validate", str(path)]) == 0
    assert main(["validate", str(path), "--strict"]) == 1
    assert "NOT met" in capsys.readouterr().out


def test_export_converts_between_formats(good_file: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.xlsx"
    assert main(["export", str(good_file), str(dest)]) == 0
    assert load_bank(dest).bank == load_bank(good_file).bank
    assert main(["export", str(good_file), str(tmp_path / "out.txt")]) == 1


def test_export_refuses_a_broken_source(bad_file: Path, tmp_path: Path) -> None:
    assert main(["export", str(bad_file), str(tmp_path / "out.yaml")]) == 1
    assert not (tmp_path / "out.yaml").exists()


def test_draw_prints_30_questions(good_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draw", "--seed", "5", "--file", str(good_file)]) == 0
    out = capsys.readouterr().out
    assert "30. [" in out and "31. [" not in out
    assert out.count("  *") == 30


def test_module_entry_point_exit_codes(good_file: Path, bad_file: Path) -> None:
    def run(*args: str) -> int:
        cmd = [sys.executable, "-m", "question_bank", *args]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False).returncode

    assert run("validate", str(good_file)) == 0
    assert run("validate", str(bad_file)) == 1
    assert run("validate") == 2  # usage error from argparse
