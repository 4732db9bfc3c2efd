"""Reading CSV / XLSX question sheets into per-row dicts.

Row numbers are the ones a spreadsheet program shows (1-based; the header is normally row 1).
Rows before the header whose first cell starts with ``#`` are metadata, e.g. ``# version: 2024.1``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from question_bank.schema import LETTERS

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "kode", "kode_soal"),
    "category": ("category", "kategori"),
    "difficulty": ("difficulty", "tingkat", "tingkat_kesulitan", "kesulitan"),
    "text": ("text", "soal", "pertanyaan"),
    **{f"option_{x}": (f"option_{x}", f"pilihan_{x}", f"opsi_{x}", x) for x in LETTERS.lower()},
    "answer": ("answer", "kunci", "kunci_jawaban", "jawaban"),
    "explanation": ("explanation", "pembahasan"),
    "image": ("image", "gambar"),
    "groups": ("groups", "group", "kelompok"),
}
REQUIRED_COLUMNS = ("id", "category", "difficulty", "text", "option_a", "option_b", "answer")
EXPORT_COLUMNS = tuple(COLUMN_ALIASES)
QUESTIONS_SHEETS = ("questions", "soal", "bank")
FORMULA_STARTS = ("=", "+", "-", "@")  # how a spreadsheet recognises a formula
# A bank file is small: a committee's bank has hundreds of questions in about a dozen columns.
MAX_ROWS, MAX_COLUMNS, MAX_UNPACKED_MB = 5000, 40, 50
META_SHEET = "meta"
VERSION_KEYS = ("version", "versi")


class TableError(Exception):
    """The file as a whole cannot be read; ``code``/``ctx`` feed LoadError.make."""

    def __init__(self, code: str, **ctx: Any) -> None:
        super().__init__(code)
        self.code = code
        self.ctx = ctx


@dataclass
class Table:
    rows: list[tuple[int, list[Any]]]  # (row number, cells), every row of the sheet
    version: str | None = None


@dataclass
class ParsedTable:
    version: str | None
    header_row: int | None = None
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # column, code


def cell_text(value: Any) -> str | None:
    """A cell as stripped text; None when blank. Integral floats lose their '.0'."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        text = text[1:]  # written inert by our export (question_bank.export.inert)
    return text or None


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("qb_encoding")


def _pick_delimiter(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.lower().startswith("sep=") and len(stripped) >= 5:
            return stripped[4]
        counts = {d: line.count(d) for d in (";", ",", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
    return ","


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    delimiter = _pick_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise TableError("qb_too_many_rows", limit=MAX_ROWS)
            if number == 1 and len(record) == 1 and record[0].strip().lower().startswith("sep="):
                rows.append((number, []))  # Excel's delimiter hint line
                continue
            rows.append((number, list(record)))
    except csv.Error as exc:
        raise TableError("qb_invalid", detail=f"CSV: {exc}") from None
    return Table(rows)


def _check_unpacked_size(data: bytes) -> None:
    """A small file that unpacks to gigabytes (a zip bomb) is refused before it is opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TableError("qb_xlsx_unreadable", detail=type(exc).__name__) from None
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise TableError("qb_unpacked_too_large", limit_mb=MAX_UNPACKED_MB)


def read_xlsx(data: bytes) -> Table:
    """The questions sheet, read row by row within MAX_ROWS x MAX_COLUMNS whatever size the
    sheet claims (a forged dimension of a million rows must not fill the memory)."""
    import openpyxl  # local: only needed for Excel files

    _check_unpacked_size(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, xml and openpyxl errors all mean "unreadable"
        raise TableError("qb_xlsx_unreadable", detail=type(exc).__name__) from None
    try:
        by_name = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        sheet = next((by_name[n] for n in QUESTIONS_SHEETS if n in by_name), wb.worksheets[0])
        rows: list[tuple[int, list[Any]]] = []
        for i, r in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS,
                                              values_only=True), start=1):
            if i > MAX_ROWS and any(cell is not None for cell in r):
                raise TableError("qb_too_many_rows", limit=MAX_ROWS)
            rows.append((i, list(r)))
        while rows and not any(cell is not None for cell in rows[-1][1]):
            rows.pop()  # the empty rows a sheet may claim after its data
        version = None
        if META_SHEET in by_name and by_name[META_SHEET] is not sheet:
            for meta in by_name[META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True):
                key = cell_text(meta[0]) if meta else None
                if key and key.lower() in VERSION_KEYS and len(meta) > 1:
                    version = cell_text(meta[1])
        return Table(rows, version)
    finally:
        wb.close()


def _header_key(cell: Any) -> str:
    text = cell_text(cell) or ""
    return re.sub(r"[\s\-]+", "_", text.lower())


def _meta_version(cells: list[Any]) -> str | None:
    line = " ".join(t for t in (cell_text(c) for c in cells) if t).lstrip("#").strip()
    key, sep, value = line.partition(":")
    if sep and key.strip().lower() in VERSION_KEYS:
        return value.strip() or None
    return None


def parse_table(table: Table) -> ParsedTable:
    """Map the header row to canonical columns and each non-blank row to a field dict."""
    parsed = ParsedTable(table.version)
    rows = iter(table.rows)
    header: list[Any] | None = None
    for number, cells in rows:
        first = cell_text(cells[0]) if cells else None
        if not any(cell_text(c) for c in cells):
            continue
        if first and first.startswith("#"):
            parsed.version = _meta_version(cells) or parsed.version
            continue
        header, parsed.header_row = cells, number
        break
    if header is None:
        parsed.errors.append(("", "qb_no_questions", {}))
        return parsed
    alias_to_column = {a: col for col, aliases in COLUMN_ALIASES.items() for a in aliases}
    positions: dict[str, list[tuple[int, str]]] = {}
    for index, cell in enumerate(header):
        column = alias_to_column.get(_header_key(cell))
        if column:
            positions.setdefault(column, []).append((index, cell_text(cell) or ""))
    for column, found in positions.items():
        if len(found) > 1:
            names = ", ".join(name for _, name in found)
            parsed.errors.append(
                (column, "qb_duplicate_column", {"column": column, "names": names})
            )
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            aliases = ", ".join(COLUMN_ALIASES[column])
            parsed.errors.append(
                (column, "qb_missing_column", {"column": column, "aliases": aliases})
            )
    if parsed.errors:
        return parsed
    index_of = {column: found[0][0] for column, found in positions.items()}
    for number, cells in rows:
        values = {
            col: cell_text(cells[i]) if i < len(cells) else None for col, i in index_of.items()
        }
        if not any(values.values()):
            continue
        parsed.records.append((number, _record(values)))
    return parsed


def _record(values: dict[str, str | None]) -> dict[str, Any]:
    """Column values -> Question fields; blank cells are left out (reported as missing)."""
    options = [values.get(f"option_{x}") for x in LETTERS.lower()]
    while options and options[-1] is None:
        options.pop()
    record: dict[str, Any] = {
        k: v for k, v in values.items() if v is not None and not k.startswith("option_")
    }
    record["options"] = [o or "" for o in options]
    return record
