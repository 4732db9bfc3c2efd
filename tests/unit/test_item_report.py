"""The item analysis workbook and chat summary: sheets, inert formula-like text, the chart."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from bot.domain.item_analysis import (
    AttemptData,
    Response,
    Suspicion,
    analyse,
    suspicious,
)
from bot.services.item_report import item_report_xlsx, kr20_reading, summary_lines

HOSTILE_ID = '=HYPERLINK("http://evil.example","klik")'
HOSTILE_OPTION = "=1+1"
OPTIONS = ("A", "B", "C", "D")


def attempts() -> list[AttemptData]:
    """12 attempts as in test_item_analysis: good items G2..G8, a mis-keyed LOG-026, a voided
    VOID and a question whose id and one option look like formulas."""
    out = []
    for i in range(12):
        rows = [Response(f"G{t}", OPTIONS, frozenset({"A"}), "A" if i >= t else "B", 12.0)
                for t in (2, 4, 6, 8)]
        rows.append(Response("LOG-026", OPTIONS, frozenset({"A"}), "A" if i < 6 else "B", 12.0))
        rows.append(Response("VOID", OPTIONS, frozenset({"A"}), "C", 12.0))
        rows.append(Response(HOSTILE_ID, ("ok", HOSTILE_OPTION), frozenset({"ok"}),
                             "ok" if i % 3 else HOSTILE_OPTION, 12.0))
        out.append(AttemptData(i, f"#{i} P{i}", "F", tuple(rows)))
    return out


VOIDED = frozenset({"VOID"})


def build() -> tuple[bytes, list[Suspicion]]:
    analysis = analyse(attempts(), VOIDED)
    suspects = [*suspicious(attempts(), VOIDED),
                Suspicion(1, "=cmd|' /C calc'!A0", "terlalu cepat untuk nilainya", "-1+2")]
    return item_report_xlsx(analysis, suspects, "Tes 2023"), suspects


def test_workbook_sheets_and_rows() -> None:
    data, _ = build()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Ringkasan", "Soal", "Pilihan", "Sebaran", "Perlu dicek"]
    summary = {row[0]: row[1:] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Peserta"][0] == 12
    assert summary["KR-20"][1].startswith("keandalan tes: ")
    assert summary["Soal dibatalkan"][:2] == (1, "VOID")
    items = {row[0]: row for row in book["Soal"].iter_rows(min_row=2, values_only=True)}
    assert items["VOID"][7] == "dibatalkan" and items["G2"][7] == "sah"
    assert "periksa kunci" in items["LOG-026"][6]
    assert items["LOG-026"][2] == 0.5
    assert book["Soal"]["C2"].number_format == "0.0%"
    options = [row for row in book["Pilihan"].iter_rows(min_row=2, values_only=True)
               if row[0] == "LOG-026"]
    assert options == [("LOG-026", "A", 6, "ya"), ("LOG-026", "B", 6, None),
                       ("LOG-026", "C", 0, None), ("LOG-026", "D", 0, None),
                       ("LOG-026", "(tidak dijawab)", 0, None)]
    spread = list(book["Sebaran"].iter_rows(min_row=2, values_only=True))
    assert len(spread) == 10 and spread[0][0] == "0-9%" and spread[-1][0] == "90-100%"
    assert sum(count for _, count in spread) == 12
    checks = list(book["Perlu dicek"].iter_rows(min_row=2, values_only=True))
    assert checks[-1][1:3] == (1, "terlalu cepat untuk nilainya")


def test_formula_like_text_arrives_inert() -> None:
    data, _ = build()
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    assert not cell.value.startswith(("=", "-", "+", "@")), cell.value
                    texts.append(cell.value)
    assert "'" + HOSTILE_ID in texts and "'" + HOSTILE_OPTION in texts
    assert "'=cmd|' /C calc'!A0" in texts and "'-1+2" in texts


def test_chart_exists() -> None:
    data, _ = build()
    book = load_workbook(io.BytesIO(data))
    assert len(book["Sebaran"]._charts) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_summary_lines() -> None:
    analysis = analyse(attempts(), VOIDED)
    lines = summary_lines(analysis, VOIDED)
    assert lines[0] == "Peserta: 12"
    assert lines[1].startswith("KR-20: ")
    assert "Soal dibatalkan: VOID" in lines
    assert ("• LOG-026: peserta terbaik justru salah: periksa kunci; "
            "pengecoh lebih dipilih dari kunci (benar 50%)") in lines
    assert not any("VOID:" in line or "G2" in line for line in lines)


def test_summary_without_flags_and_escaped() -> None:
    rows = [AttemptData(n, f"#{n}", "F", (
        Response("<b>Q1</b>", OPTIONS, frozenset({"A"}), "A" if n % 2 else "B", None),
        Response("Q2", OPTIONS, frozenset({"A"}), "A" if n % 2 else "B", None)))
        for n in range(4)]
    assert summary_lines(analyse(rows))[-1] == "Tidak ada soal yang ditandai."
    hard = [AttemptData(n, f"#{n}", "F", (
        Response("<b>Q1</b>", OPTIONS, frozenset({"A"}), "B", None),)) for n in range(5)]
    lines = summary_lines(analyse(hard))
    assert "• &lt;b&gt;Q1&lt;/b&gt;: hampir tidak ada yang benar (benar 0%)" in lines
    assert lines[1] == "KR-20: –, " + kr20_reading(None)


def test_kr20_reading() -> None:
    assert kr20_reading(0.92).startswith("sangat baik")
    assert kr20_reading(0.7).startswith("baik")
    assert kr20_reading(0.6).startswith("cukup")
    assert kr20_reading(0.2).startswith("rendah")


def test_a_summary_lists_at_most_fifteen_flagged_questions() -> None:
    rows = [AttemptData(n, f"#{n}", "F", tuple(
        Response(f"Q{q:02d}", OPTIONS, frozenset({"A"}), "B", None) for q in range(40)))
        for n in range(6)]
    lines = summary_lines(analyse(rows))
    assert sum(line.startswith("• ") for line in lines) == 15
    assert lines[-1] == "… dan 25 soal lain yang ditandai (lihat berkas)."
    assert len("\n".join(lines)) < 4096
