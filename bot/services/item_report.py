"""The item analysis for staff: an XLSX workbook (openpyxl) and a short summary for a chat message.

Every cell goes through `sheets.safe`, so a question id or an option text that looks like a
formula (``=HYPERLINK(...)``) stays inert text."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.item_analysis import BANDS, Analysis, Suspicion
from bot.services import sheets

PERCENT, DECIMAL = "0.0%", "0.00"
UNANSWERED = "(tidak dijawab)"


def kr20_reading(value: float | None) -> str:
    """KR-20 in plain words (the usual rule of thumb: 0.7 and above is good for a test)."""
    if value is None:
        return "belum bisa dihitung (peserta terlalu sedikit atau nilai semua sama)"
    if value >= 0.9:
        return "sangat baik (>= 0.9)"
    if value >= 0.7:
        return "baik (>= 0.7)"
    if value >= 0.5:
        return "cukup (0.5-0.7): selisih nilai yang kecil belum berarti"
    return "rendah (< 0.5): nilai kurang dapat diandalkan"


def _sheet(book: Workbook, title: str, headers: Sequence[str],
           widths: Sequence[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    _row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell, width in zip(sheet[1], widths, strict=True):
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _row(sheet: Worksheet, values: Iterable[Any], formats: Sequence[str | None] = ()) -> None:
    sheet.append([sheets.safe(v) for v in values])
    for cell, fmt in zip(sheet[sheet.max_row], formats, strict=False):
        if fmt and cell.value is not None:
            cell.number_format = fmt


def item_report_xlsx(analysis: Analysis, suspects: Sequence[Suspicion], title: str = "") -> bytes:
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    test = analysis.test
    summary = _sheet(book, "Ringkasan", ("Ukuran", "Nilai", "Keterangan"), (24, 12, 60))
    _row(summary, ("Peserta", test.attempts, "percobaan tes yang dinilai"))
    _row(summary, ("Rata-rata", test.mean, "bagian jawaban benar"), (None, PERCENT))
    _row(summary, ("Median", test.median, "nilai tengah"), (None, PERCENT))
    _row(summary, ("Simpangan baku", test.stdev, "sebaran nilai"), (None, PERCENT))
    _row(summary, ("KR-20", test.kr20, "keandalan tes: " + kr20_reading(test.kr20)),
         (None, DECIMAL))
    _row(summary, ("Susunan soal berbeda", test.forms, "kumpulan soal sah yang berbeda"))
    voided = [i.question_id for i in analysis.items if i.voided]
    _row(summary, ("Soal dibatalkan", len(voided), ", ".join(voided)))

    items = _sheet(book, "Soal", ("Soal", "Muncul", "Benar", "Point-biserial", "Indeks atas-bawah",
                                  "Median detik", "Catatan", "Status"),
                   (16, 9, 9, 14, 17, 13, 60, 12))
    for i in analysis.items:
        _row(items, (i.question_id, i.drawn, i.facility, i.discrimination, i.upper_lower,
                     i.median_seconds, "; ".join(i.flags), "dibatalkan" if i.voided else "sah"),
             (None, None, PERCENT, DECIMAL, DECIMAL, "0.0"))

    options = _sheet(book, "Pilihan", ("Soal", "Pilihan", "Dipilih", "Kunci"), (16, 50, 9, 7))
    for i in analysis.items:
        for text, count in i.option_counts.items():
            _row(options, (i.question_id, text, count, "ya" if text in i.keys else ""))
        _row(options, (i.question_id, UNANSWERED, i.unanswered, ""))

    spread = _sheet(book, "Sebaran", ("Nilai", "Peserta"), (10, 10))
    for band, count in zip(BANDS, test.distribution, strict=True):
        _row(spread, (band, count))
    chart = BarChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = "Sebaran nilai", "Peserta", "Nilai"
    chart.legend = None
    chart.add_data(Reference(spread, min_col=2, min_row=1, max_row=len(BANDS) + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(spread, min_col=1, min_row=2, max_row=len(BANDS) + 1))
    spread.add_chart(chart, "D2")

    check = _sheet(book, "Perlu dicek", ("Peserta", "Percobaan", "Alasan", "Rincian"),
                   (24, 11, 40, 60))
    for s in suspects:
        _row(check, (s.label, s.attempt_id, s.reason, s.detail))

    book.properties.title = title or "Analisis butir soal"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAX_LINES = 15  # flagged questions listed in a summary message


def summary_lines(analysis: Analysis, voided: Iterable[str] = ()) -> list[str]:
    """A short summary for a chat message (HTML parse mode: every text from data is escaped)."""
    test = analysis.test
    kr20 = "–" if test.kr20 is None else f"{test.kr20:.2f}"
    lines = [f"Peserta: {test.attempts}", f"KR-20: {kr20}, {html.escape(kr20_reading(test.kr20))}"]
    gone = sorted(voided)
    if gone:
        lines.append("Soal dibatalkan: " + html.escape(", ".join(gone)))
    flagged = [i for i in analysis.items if i.flags and not i.voided]
    if not flagged:
        lines.append("Tidak ada soal yang ditandai.")
    for i in flagged[:MAX_LINES]:
        right = "" if i.facility is None else f" (benar {round(100 * i.facility)}%)"
        lines.append(f"• {html.escape(i.question_id)}: {html.escape('; '.join(i.flags))}{right}")
    if len(flagged) > MAX_LINES:  # a chat message holds 4096 characters; the file holds all
        lines.append(f"… dan {len(flagged) - MAX_LINES} soal lain yang ditandai (lihat berkas).")
    return lines
