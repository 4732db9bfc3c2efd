"""Writing a bank to YAML, CSV or XLSX such that loading the result gives the same bank."""

from __future__ import annotations

import csv
import io
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import yaml

from question_bank.loaders import format_of
from question_bank.schema import LETTERS, Bank, bank_fingerprint
from question_bank.tabular import EXPORT_COLUMNS, FORMULA_STARTS, META_SHEET

Format = Literal["yaml", "csv", "xlsx"]
CSV_DELIMITER = ";"  # what Excel with Indonesian regional settings expects


def export_bank(bank: Bank, path: str | PathLike[str]) -> None:
    """Write ``bank`` to ``path``; the format is chosen by suffix (.yaml/.yml, .csv, .xlsx)."""
    fmt = format_of(str(path))
    if fmt is None:
        raise ValueError(f"unsupported export format for {path!s} (use .yaml, .yml, .csv, .xlsx)")
    Path(path).write_bytes(export_bank_bytes(bank, fmt))


def export_bank_bytes(bank: Bank, fmt: Format | str) -> bytes:
    """The bank encoded as 'yaml', 'csv' or 'xlsx' (a leading dot and 'yml' are accepted)."""
    fmt = fmt.lower().lstrip(".")
    if fmt in ("yaml", "yml"):
        return _yaml(bank)
    if fmt == "csv":
        return _csv(bank)
    if fmt == "xlsx":
        return _xlsx(bank)
    raise ValueError(f"unsupported export format {fmt!r} (use yaml, csv or xlsx)")


def _rows(bank: Bank) -> list[list[Any]]:
    rows: list[list[Any]] = [list(EXPORT_COLUMNS)]
    for q in bank.questions:
        options = [q.options[i] if i < len(q.options) else "" for i in range(len(LETTERS))]
        rows.append(
            [
                q.id,
                q.category,
                q.difficulty,
                q.text,
                *options,
                q.answer,
                q.explanation or "",
                q.image or "",
                ", ".join(q.groups),
            ]
        )
    return rows


def _custom_version(bank: Bank) -> str | None:
    """The version, unless it is just the fingerprint (which loading recomputes anyway)."""
    return None if bank.version == bank_fingerprint(bank) else bank.version


def _yaml(bank: Bank) -> bytes:
    questions = [q.model_dump(mode="json", exclude_defaults=True) for q in bank.questions]
    document = {"version": bank.version, "questions": questions}
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)
    return text.encode("utf-8")


def _csv(bank: Bank) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    version = _custom_version(bank)
    if version is not None:
        writer.writerow([f"# version: {version}"])
    # A cell starting like a formula gets an apostrophe (read back without it by the loader):
    # a spreadsheet opening this CSV never evaluates a question's text.
    writer.writerows([[inert(value) for value in row] for row in _rows(bank)])
    return buffer.getvalue().encode("utf-8-sig")  # BOM: Excel then reads UTF-8 correctly


def inert(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _xlsx(bank: Bank) -> bytes:
    import openpyxl  # local: only needed for Excel files

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "questions"
    for r, row in enumerate(_rows(bank), start=1):
        for c, value in enumerate(row, start=1):
            if value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula or error code, even for "=1+1"
    ws.freeze_panes = "A2"
    version = _custom_version(bank)
    if version is not None:
        meta = wb.create_sheet(META_SHEET)
        meta.cell(row=1, column=1, value="version")
        meta.cell(row=1, column=2, value=version).data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
