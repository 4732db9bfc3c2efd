"""The applicants' export for the committee, as an XLSX workbook (openpyxl): one row per
applicant, headers and values in the committee's words (never a stored code), dates and times as
real Excel dates in the recruitment's local time."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot import labels, texts
from bot.services import sheets, staff_words
from bot.services.review import STAFF_LANG
from storage.registrations import PROFILE_COLUMNS
from storage.timestamps import from_db

COLUMNS = ("application_id", *PROFILE_COLUMNS, "username", "status", "submitted_at",
           "decided_by_name", "decided_at", "decision_reason")
HEADER_KEYS = {"application_id": "application", "decided_by_name": "decided_by",
               "decision_reason": "reason"}
TIME_COLUMNS = ("submitted_at", "decided_at")
TEXT_COLUMNS = ("nik", "phone")  # as text: a number would lose digits (and the leading 0)
WORD_COLUMNS = ("sex", "district", "education", "experience", "motorbike", "devices")
DATE_FORMAT, TIME_FORMAT = "DD-MM-YYYY", "DD-MM-YYYY HH:MM"


def applicants_xlsx(rows: list[dict[str, Any]], zone: ZoneInfo, title: str,
                    regency: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.get(STAFF_LANG, "staff_words.sheet")
    headers = [staff_words.column(HEADER_KEYS.get(name, name)) for name in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        values = [_cell(name, row.get(name), zone, regency) for name in COLUMNS]
        sheet.append(values)
        for index, (name, value) in enumerate(zip(COLUMNS, values, strict=True)):
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            if name in TIME_COLUMNS and value is not None:
                cell.number_format = TIME_FORMAT
            elif name == "birth_date" and value is not None:
                cell.number_format = DATE_FORMAT
            shown = TIME_FORMAT if isinstance(value, datetime) else str(value or "")
            widths[index] = max(widths[index], len(shown))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(50, max(12, width + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(name: str, value: Any, zone: ZoneInfo, regency: str) -> Any:
    if value is None or value == "":
        return None
    if name in TIME_COLUMNS:
        return from_db(value).astimezone(zone).replace(tzinfo=None)
    if name == "birth_date":
        born = date.fromisoformat(str(value))
        return datetime(born.year, born.month, born.day)
    if name in TEXT_COLUMNS:  # validated digits (a phone's leading + is not a formula in XLSX)
        return str(value)
    if name in WORD_COLUMNS:
        return labels.value_label(STAFF_LANG, name, value, regency)
    if name == "status":
        return staff_words.status(value)
    if name == "decision_reason":
        return sheets.safe(staff_words.reason(value))
    if name == "username":
        return f"@{value}"
    return sheets.safe(value)  # an address typed as =HYPERLINK(...) stays text
