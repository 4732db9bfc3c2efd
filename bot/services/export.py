"""The applicants' export for the committee, as an XLSX workbook (openpyxl)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from storage.timestamps import from_db

TIME_COLUMNS = ("submitted_at", "decided_at")


def applicants_xlsx(rows: list[dict[str, Any]], zone: ZoneInfo, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "pendaftar"
    columns = list(rows[0]) if rows else ["application_id", "status"]
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(name, row[name], zone) for name in columns])
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(name: str, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return None
    if name in TIME_COLUMNS:
        return from_db(value).astimezone(zone).replace(tzinfo=None)
    if name == "birth_date":
        return datetime.fromisoformat(value).date()
    if name == "nik":
        return str(value)  # as text: a number would lose digits in Excel
    return value
