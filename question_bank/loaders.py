"""Loading question banks from YAML, CSV or XLSX, reporting every problem at once."""

from __future__ import annotations

from os import PathLike
from pathlib import Path, PurePath
from typing import Any

import yaml
from pydantic import ValidationError

from question_bank.messages import LoadError, LoadResult, errors_from_validation
from question_bank.schema import Bank, Question, bank_fingerprint
from question_bank.tabular import TableError, decode_text, parse_table, read_csv, read_xlsx

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}
MAX_FILE_BYTES = 5 * 1024 * 1024
WHOLE_FILE = "(whole file)"

Records = list[tuple[str, Any]]  # (location, raw question data)


def format_of(filename: str) -> str | None:
    """'yaml', 'csv' or 'xlsx' from the file name's suffix; None when unsupported."""
    return FORMATS.get(PurePath(filename).suffix.lower())


def load_bank(path: str | PathLike[str]) -> LoadResult:
    """Load a bank file; the format is chosen by suffix (.yaml/.yml, .csv, .xlsx)."""
    name = str(path)
    if format_of(name) is None:
        return load_bank_bytes(b"", name)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return LoadResult(None, [LoadError.make(name, WHOLE_FILE, None, "qb_file_not_found")])
    return load_bank_bytes(data, name)


def load_bank_bytes(data: bytes, filename: str) -> LoadResult:
    """Load a bank from raw bytes (e.g. a document uploaded through Telegram)."""
    fmt = format_of(filename)

    def whole(code: str, **ctx: Any) -> LoadResult:
        return LoadResult(None, [LoadError.make(filename, WHOLE_FILE, None, code, **ctx)])

    if fmt is None:
        return whole("qb_unsupported_format", suffix=PurePath(filename).suffix or filename)
    if len(data) > MAX_FILE_BYTES:
        return whole("qb_file_too_large", size=len(data), limit=MAX_FILE_BYTES)
    try:
        if fmt == "yaml":
            version, records, errors = _yaml_records(data, filename)
        else:
            version, records, errors = _table_records(data, filename, fmt)
    except TableError as exc:
        return whole(exc.code, **exc.ctx)
    return _build(filename, version, records, errors)


def _build(file: str, version: Any, records: Records, errors: list[LoadError]) -> LoadResult:
    questions: list[Question] = []
    first_seen: dict[str, str] = {}
    for location, record in records:
        if not isinstance(record, dict):
            errors.append(LoadError.make(file, location, None, "qb_yaml_item"))
            continue
        raw_id = record.get("id")
        if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id).strip():
            key = str(raw_id).strip()
            if key in first_seen:
                errors.append(
                    LoadError.make(
                        file,
                        location,
                        "id",
                        "qb_duplicate_id",
                        id=key,
                        first=first_seen[key],
                        second=location,
                    )
                )
            else:
                first_seen[key] = location
        try:
            questions.append(Question.model_validate(record))
        except ValidationError as exc:
            errors.extend(errors_from_validation(exc, file, location))
    if not records and not errors:
        errors.append(LoadError.make(file, WHOLE_FILE, None, "qb_no_questions"))
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, str | int | float)
    ):
        errors.append(LoadError.make(file, "version", "version", "qb_not_text", field="version"))
    if errors:
        return LoadResult(None, errors)
    text_version = str(version).strip() if version is not None else ""
    bank = Bank(version=text_version or bank_fingerprint(questions), questions=tuple(questions))
    return LoadResult(bank, [])


def _table_records(data: bytes, file: str, fmt: str) -> tuple[Any, Records, list[LoadError]]:
    table = read_csv(data) if fmt == "csv" else read_xlsx(data)
    parsed = parse_table(table)
    where = f"row {parsed.header_row} (header)" if parsed.header_row else WHOLE_FILE
    errors = [
        LoadError.make(file, where, col or None, code, **ctx) for col, code, ctx in parsed.errors
    ]
    records: Records = [(f"row {number}", record) for number, record in parsed.records]
    return parsed.version, records, errors


def _yaml_records(data: bytes, file: str) -> tuple[Any, Records, list[LoadError]]:
    text = decode_text(data)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TableError("qb_yaml_syntax", detail=_yaml_detail(exc)) from None
    version: Any = None
    items: Any = document
    errors: list[LoadError] = []
    if isinstance(document, dict):
        version = document.get("version")
        items = document.get("questions")
        for key in document:
            if key not in ("version", "questions"):
                errors.append(LoadError.make(file, str(key), None, "qb_unknown_field", name=key))
    if document is None:
        items = []
    if not isinstance(items, list):
        raise TableError("qb_yaml_top")
    lines = _item_lines(text)
    records: Records = []
    for index, item in enumerate(items):
        line = f" (line {lines[index]})" if index < len(lines) else ""
        records.append((f"questions[{index}]{line}", item))
    return version, records, errors


def _yaml_detail(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        return f"{exc.problem} (line {exc.problem_mark.line + 1})"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _item_lines(text: str) -> list[int]:
    """1-based line of each question item, for friendlier YAML locations."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == "questions"), None)
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []
