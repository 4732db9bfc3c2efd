"""Question-bank files made to hurt the bot are refused cheaply: a sheet that claims a million
rows and the full width, a zip bomb, a file with more rows than any bank."""

from __future__ import annotations

import asyncio
import io
import re
import threading
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from question_bank import cage, load_bank_bytes
from question_bank.tabular import MAX_ROWS
from tests.unit.question_bank.test_qb_loaders import GOOD, HEADER, csv_bytes, xlsx_bytes


def rewrite_sheet(data: bytes, change: object) -> bytes:
    """The same workbook with its first sheet's XML changed by `change(xml) -> xml`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()  # type: ignore[operator]
            target.writestr(item, content)
    return out.getvalue()


def test_a_sheet_claiming_a_million_rows_and_every_column_is_read_within_bounds() -> None:
    good = xlsx_bytes([HEADER, ["N-1", *GOOD]])

    def inflate(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    hostile = rewrite_sheet(good, inflate)
    assert len(hostile) < 10_000
    tracemalloc.start()
    result = load_bank_bytes(hostile, "soal.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"{peak / 2**20:.0f} MB to read a {len(hostile)} byte file"
    assert result.bank is not None or result.errors  # read, or refused in words; never a crash


def test_a_zip_bomb_is_refused_before_it_is_opened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    result = load_bank_bytes(out.getvalue(), "soal.xlsx")
    assert result.bank is None
    assert "unpacks to more than 50 MB" in result.errors[0].message


def test_more_rows_than_any_bank_is_refused() -> None:
    rows = [HEADER, *([f"N-{n}", *GOOD] for n in range(MAX_ROWS + 1))]
    for data, name in ((csv_bytes(rows), "soal.csv"),):
        result = load_bank_bytes(data, name)
        assert result.bank is None and f"more than {MAX_ROWS} rows" in result.errors[0].message


def hog_memory() -> int:
    return len(bytearray(4 * 1024 * 1024 * 1024))  # 4 GiB: past the cage's ceiling


def never_ends() -> None:
    while True:
        pass


def answer() -> int:
    return 42


async def test_a_reader_in_the_cage_is_stopped_for_memory_or_time_and_the_bot_goes_on() -> None:
    assert await cage.run(answer) == 42
    with pytest.raises(cage.Caged) as memory:
        await cage.run(hog_memory)
    assert memory.value.reason == "memory"
    ticks = 0

    async def meanwhile() -> None:  # the bot's own loop keeps running while the reader spins
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    beat = asyncio.create_task(meanwhile())
    with pytest.raises(cage.Caged) as time_out:
        await cage.run(never_ends, seconds=1.0)
    beat.cancel()
    assert time_out.value.reason == "time" and ticks > 1000


async def test_an_import_is_read_in_the_cage_and_linted_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_recruitment_file: Path
) -> None:
    import bot.services.bank as bank_module
    from bot.clock import ManualClock
    from bot.recruitment import load_recruitment
    from question_bank import bundled_bank, export_bank_bytes
    from storage.db import Database

    loop_thread = threading.current_thread()
    caged: list[object] = []
    linted: list[threading.Thread] = []
    real_run, real_lint = cage.run, bank_module.lint

    async def spy_run(function: Any, *args: Any, **kwargs: Any) -> Any:
        caged.append(function)
        return await real_run(function, *args, **kwargs)

    def spy_lint(*args: Any, **kwargs: Any) -> Any:
        linted.append(threading.current_thread())
        return real_lint(*args, **kwargs)

    monkeypatch.setattr(bank_module.cage, "run", spy_run)
    monkeypatch.setattr(bank_module, "lint", spy_lint)
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        recruitment = load_recruitment(example_recruitment_file)
        service = bank_module.BankService(db, ManualClock(datetime(2023, 11, 10, tzinfo=UTC)),
                                          recruitment)
        report = await service.prepare_import(export_bank_bytes(bundled_bank(), "yaml"),
                                              "bank.yaml", 1, "Bob")
    finally:
        await db.close()
    assert report.bank is not None
    assert caged == [bank_module.load_bank_bytes]
    assert linted and all(thread is not loop_thread for thread in linted)
