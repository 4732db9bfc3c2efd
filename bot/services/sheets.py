"""Spreadsheets for staff, safe to open: text from people never becomes a live formula, and a
character a workbook cannot hold never breaks the export for everyone."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from question_bank.tabular import FORMULA_STARTS as TABULAR_FORMULA_STARTS

# A cell starting with one of these is a formula to Excel or LibreOffice (or becomes one when
# the sheet is saved as CSV); OWASP's advice: make it text with a leading apostrophe.
FORMULA_STARTS = (*TABULAR_FORMULA_STARTS, "\t", "\r")


def safe(value: Any) -> Any:
    """A value for a cell: text without control characters, never starting like a formula."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
