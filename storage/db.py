"""The SQLite database: connections, pragmas, migrations and write transactions.

One writer connection, guarded by a lock, runs every write inside `BEGIN IMMEDIATE`; a separate
reader connection serves plain reads, so a read never sees another coroutine's uncommitted write.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseTooNew(RuntimeError):
    pass


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every bundled migration, in order; numbers must be 1, 2, 3..."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (number, name, _) in enumerate(found, start=1):
        if number != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


async def uncancellable(step: Awaitable[Any]) -> Any:
    """Run `step` to its end even if the caller is cancelled meanwhile, once or more; the
    cancel is raised after it."""
    task = asyncio.ensure_future(step)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return task.result()


def private_file(path: Path) -> None:
    """Create `path` (if missing) readable and writable by its owner only, and keep it so."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


async def _connect(path: Path | str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA busy_timeout = 5000")
    await conn.execute("PRAGMA synchronous = NORMAL")
    await conn.execute("PRAGMA secure_delete = ON")  # erased data is overwritten, not left
    return conn


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database, each in its own transaction."""
    known = migrations()
    latest = known[-1][0] if known else 0
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    if current > latest:
        raise DatabaseTooNew(
            f"the database is at schema version {current}, but this code only knows up to "
            f"{latest}; run a newer version of the bot (or restore a backup)"
        )
    for number, _name, sql in known:
        if number <= current:
            continue
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except Exception:
            if conn.in_transaction:
                await conn.rollback()
            raise
    return latest


class _Rows:
    """A finished query's rows, with the cursor interface the storage modules use."""

    def __init__(self, rows: list[aiosqlite.Row]) -> None:
        self._rows = rows

    async def fetchone(self) -> aiosqlite.Row | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[aiosqlite.Row]:
        return self._rows


class _Query:
    def __init__(self, reader: ReadConnection, sql: str, params: Any) -> None:
        self._reader, self._sql, self._params = reader, sql, params

    async def __aenter__(self) -> _Rows:
        return await self._reader.run(self._sql, self._params)

    async def __aexit__(self, *exc: object) -> None:
        return None


class ReadConnection:
    """The shared read connection, one statement at a time, each read to its end.

    Interleaved cursors on one SQLite connection would keep its read transaction (and so its
    snapshot) open across another coroutine's commit, and a read right after a write could
    miss it. Here every query runs alone and its rows are fetched at once, so each read sees
    everything committed before it started."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    def execute(self, sql: str, params: Any = ()) -> _Query:
        return _Query(self, sql, params)

    async def run(self, sql: str, params: Any) -> _Rows:
        async with self._lock, self._conn.execute(sql, params) as cur:
            return _Rows(list(await cur.fetchall()))

    async def close(self) -> None:
        await self._conn.close()


class Database:
    shared = False  # one bot process at a time

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = ReadConnection(reader)
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":  # personal data: only the bot's own user may read it
            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            private_file(Path(path))
        writer = await _connect(path)
        try:
            await migrate(writer)
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        return cls(writer, reader)

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back on any error.

        BEGIN, COMMIT and ROLLBACK run on aiosqlite's thread: a task cancelled meanwhile (once
        or more) waits for them to finish, so the next writer never finds the connection
        inside a transaction."""
        async with self._write_lock:
            try:
                await uncancellable(self._writer.execute("BEGIN IMMEDIATE"))
            except asyncio.CancelledError:  # begun meanwhile: undone
                await uncancellable(self._writer.rollback())
                raise
            try:
                yield self._writer
                await uncancellable(self._writer.commit())
            except BaseException:
                await uncancellable(self._writer.rollback())
                raise

    def side_write(self, lock: str | None = None) -> AbstractAsyncContextManager[
            aiosqlite.Connection]:
        """PostgreSQL's short transaction beside the write lock; SQLite has one writer, so a
        write transaction."""
        return self.write()

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        return await (await self._reader.run(sql, tuple(params))).fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return await (await self._reader.run(sql, tuple(params))).fetchall()

    async def healthy(self) -> bool:
        return await self.fetchone("SELECT 1") is not None

    @property
    def reader(self) -> aiosqlite.Connection:
        """For the storage modules' read functions (they take a connection-like object)."""
        return self._reader  # type: ignore[return-value]
