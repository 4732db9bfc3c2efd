"""Online backups of the SQLite database (SQLite's backup API: consistent while the bot writes)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup(source: Path, destination: Path) -> Path:
    """Copy the live database to `destination` page by page, as one consistent snapshot."""
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_suffix(destination.suffix + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # a copy of personal data: its owner's alone, from the start
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    partial.replace(destination)  # never leaves a half-written file under the real name
    return destination


def daily_backup(source: Path, folder: Path, when: datetime, keep: int) -> Path:
    """`folder/<name>-YYYYMMDD.sqlite3`, keeping the newest `keep` of them."""
    made = backup(source, folder / f"{source.stem}-{when:%Y%m%d}.sqlite3")
    olds = sorted(folder.glob(f"{source.stem}-*.sqlite3"))
    for old in olds[:-keep] if keep > 0 else []:
        old.unlink()
    return made


def check(path: Path) -> str:
    """SQLite's own integrity check ("ok" when the file is sound)."""
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
