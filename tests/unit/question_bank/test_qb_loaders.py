"""Loading CSV / XLSX / YAML banks, and reporting every problem in one go."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from question_bank import LoadError, LoadResult, format_report, load_bank, load_bank_bytes

HEADER = ["ID", "Kategori", "Tingkat", "Soal", "Pilihan A", "Pilihan B", "Pilihan C"]
HEADER += ["Pilihan D", "Kunci", "Pembahasan"]
GOOD = ["numerik", "1", "Berapa 2 + 2?", "3", "4", "5", "6", "B", "2 + 2 = 4"]
BROKEN_ROWS: list[list[Any]] = [
    ["N-1", *GOOD],  # row 2 ok
    ["N-2", "numerik", "2", "Kunci kosong", "a", "b", "c", "d", "", ""],  # row 3
    ["N-3", "numerik", "2", "Kunci E", "a", "b", "c", "d", "E", ""],  # row 4
    ["N-1", "logika", "mudah", "Id kembar", "ya", "tidak", "", "", "a", ""],  # row 5
    ["N-4", "logika", "3", "x" * 5000, "a", "b", "", "", "A", ""],  # row 6
    ["N-5", "", "1", "Kategori kosong", "a", "b", "", "", "A", ""],  # row 7
    ["", "", "", "", "", "", "", "", "", ""],  # row 8 blank: skipped
    ["N-6", "logika", "susah", "Tingkat bukan angka", "a", "b", "", "", "b", ""],  # row 9
    ["N-7", *GOOD],  # row 10 ok
]
EXPECTED = {
    ("row 3", "answer"),
    ("row 4", "answer"),
    ("row 5", "id"),
    ("row 6", "text"),
    ("row 7", "category"),
    ("row 9", "difficulty"),
}


def xlsx_bytes(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def assert_broken_report(result: LoadResult, file: str) -> None:
    assert result.bank is None
    assert {(e.location, e.field) for e in result.errors} == EXPECTED
    assert all(e.file == file for e in result.errors)
    duplicate = next(e for e in result.errors if e.location == "row 5")
    assert "row 2" in duplicate.message and "row 5" in duplicate.message
    assert "baris 2" in duplicate.message_id
    key_e = next(e for e in result.errors if e.location == "row 4")
    assert "E" in key_e.message and "A-D" in key_e.message
    assert all(e.message and e.message_id and e.message != e.message_id for e in result.errors)


def test_broken_xlsx_reports_every_bad_row_and_field() -> None:
    result = load_bank_bytes(xlsx_bytes([HEADER, *BROKEN_ROWS]), "upload.xlsx")
    assert_broken_report(result, "upload.xlsx")


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True), (";", False)])
def test_broken_csv_reports_every_bad_row_and_field(delimiter: str, bom: bool) -> None:
    data = csv_bytes([HEADER, *BROKEN_ROWS], delimiter, bom)
    assert_broken_report(load_bank_bytes(data, "soal.csv"), "soal.csv")


def test_broken_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "soal.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *BROKEN_ROWS]))
    assert_broken_report(load_bank(path), str(path))


def test_good_rows_load_with_aliases_and_excel_numbers() -> None:
    rows = [
        ["kode", "category", "difficulty", "pertanyaan", "a", "b", "c", "jawaban", "gambar"],
        ["S-1", "Statistik Dasar", 2.0, "Median dari 1, 2, 3?", 1, 2, 0.5, "b", "img/x.png"],
        ["S-2", "statistik_dasar", "Sulit", "Soal kedua", "ya", "tidak", None, "A", None],
    ]
    result = load_bank_bytes(xlsx_bytes(rows, title="soal"), "bank.xlsx")
    assert result.ok and result.bank is not None
    first, second = result.bank.questions
    assert first.category == "statistik_dasar"
    assert first.difficulty == 2
    assert first.options == ("1", "2", "0.5")
    assert first.image == "img/x.png"
    assert second.difficulty == 3 and second.options == ("ya", "tidak")
    assert len(result.bank.version) == 12  # fingerprint when the file gives no version


def test_semicolon_csv_with_comma_inside_text() -> None:
    rows = [HEADER, ["N-1", "numerik", "1", "Rata-rata dari 4, 6, dan 8?", "5", "6", "7", "8", "B"]]
    result = load_bank_bytes(csv_bytes(rows, ";", bom=True), "x.csv")
    assert result.bank is not None
    assert result.bank.questions[0].text == "Rata-rata dari 4, 6, dan 8?"


def test_csv_in_windows_1252_is_read() -> None:
    rows = [HEADER, ["N-1", "numerik", "1", "Suhu 30°C – panas?", "ya", "tidak", "", "", "A"]]
    data = csv_bytes(rows).decode("utf-8").encode("cp1252")
    result = load_bank_bytes(data, "x.csv")
    assert result.bank is not None and result.bank.questions[0].text == "Suhu 30°C – panas?"


def test_missing_required_columns_are_each_named_once() -> None:
    rows = [["id", "kategori", "soal", "pilihan_a", "pilihan_b"], ["Q1", "logika", "x", "a", "b"]]
    result = load_bank_bytes(csv_bytes(rows), "x.csv")
    assert result.bank is None
    assert [(e.location, e.field, e.code) for e in result.errors] == [
        ("row 1 (header)", "difficulty", "qb_missing_column"),
        ("row 1 (header)", "answer", "qb_missing_column"),
    ]
    assert "kunci" in result.errors[1].message


def test_option_gap_and_duplicate_columns() -> None:
    rows = [["id", "soal", "text", "kategori", "tingkat", "a", "b", "kunci"]]
    result = load_bank_bytes(csv_bytes(rows), "x.csv")
    assert [e.code for e in result.errors] == ["qb_duplicate_column"]
    rows = [HEADER, ["Q1", "logika", "1", "x", "a", "", "c", "", "A"]]
    result = load_bank_bytes(csv_bytes(rows), "x.csv")
    assert [(e.location, e.field, e.code) for e in result.errors] == [
        ("row 2", "options", "qb_option_blank")
    ]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.csv", "qb_no_questions"),
        (b"questions: []\n", "empty.yaml", "qb_no_questions"),
        (b"not a zip", "bad.xlsx", "qb_xlsx_unreadable"),
        (b"\xff\x00\x81\x8d", "bad.csv", "qb_encoding"),
        (b"questions: [\n", "bad.yaml", "qb_yaml_syntax"),
        (b"questions: 5\n", "bad.yml", "qb_yaml_top"),
        (b"x", "bank.txt", "qb_unsupported_format"),
    ],
)
def test_whole_file_problems(data: bytes, name: str, code: str) -> None:
    result = load_bank_bytes(data, name)
    assert result.bank is None
    assert [e.code for e in result.errors] == [code]


def test_missing_file(tmp_path: Path) -> None:
    result = load_bank(tmp_path / "nope.yaml")
    assert [e.code for e in result.errors] == ["qb_file_not_found"]


def yaml_question(qid: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": qid,
        "category": "statistik_dasar",
        "difficulty": 1,
        "text": "Rata-rata dari 4, 6, dan 8 adalah ...",
        "options": ["5", "6", "7", "8"],
        "answer": "B",
        "explanation": "(4+6+8)/3 = 6.",
        "image": None,
    }
    data.update(overrides)
    return data


def test_broken_yaml_reports_paths() -> None:
    items = [
        yaml_question("STA-001"),
        yaml_question("STA-002", answer=None),
        yaml_question("STA-003", answer="E"),
        yaml_question("STA-001"),
        yaml_question("STA-004", text="x" * 5000, category=" "),
        yaml_question("STA-005", difficulty="banyak", answr="A"),
    ]
    data = yaml.safe_dump({"version": "2024.1", "questions": items}).encode()
    result = load_bank_bytes(data, "bank.yaml")
    assert result.bank is None
    found = {(e.location.split(" ")[0], e.field) for e in result.errors}
    assert found == {
        ("questions[1]", "answer"),
        ("questions[2]", "answer"),
        ("questions[3]", "id"),
        ("questions[4]", "text"),
        ("questions[4]", "category"),
        ("questions[5]", "difficulty"),
        ("questions[5]", "answr"),
    }
    assert all("(line " in e.location for e in result.errors)


def test_good_yaml_with_unquoted_numbers_and_version() -> None:
    text = "version: '2024.1'\nquestions:\n" + yaml.safe_dump(
        [yaml_question("STA-001", options=[5, 6, 7, 8], answer="b")]
    )
    result = load_bank_bytes(text.encode(), "bank.yaml")
    assert result.bank is not None
    assert result.bank.version == "2024.1"
    assert result.bank.questions[0].options == ("5", "6", "7", "8")
    assert result.bank.questions[0].answer == "B"


def test_format_report_and_describe() -> None:
    errors = [
        LoadError.make("f.csv", f"row {i}", "category", "qb_blank", field="category")
        for i in range(2, 7)
    ]
    assert errors[0].describe() == "f.csv, row 2, category: category is blank or missing"
    assert errors[0].describe("id") == "f.csv, baris 2, category: kategori kosong atau tidak diisi"
    report = format_report(errors, "id", max_errors=2)
    assert report.splitlines()[-1] == "... dan 3 lainnya"


def test_oversized_upload_is_refused() -> None:
    from question_bank import MAX_FILE_BYTES

    result = load_bank_bytes(b"x" * (MAX_FILE_BYTES + 1), "big.csv")
    assert [e.code for e in result.errors] == ["qb_file_too_large"]
