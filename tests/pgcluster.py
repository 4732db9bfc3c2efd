"""A throwaway PostgreSQL cluster for the tests: Debian's initdb and pg_ctl in a temporary folder,
reachable only through a Unix socket in that folder (no TCP port), tuned for speed, not safety.

    with running_cluster() as cluster:
        dsn = cluster.create_database()   # a fresh empty database: postgresql://...
        ...

As root (here and in CI) the server runs as the `postgres` system user, since initdb refuses root.
Without PostgreSQL's binaries, running_cluster() raises PgUnavailable with the reason.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

PORT = 5432  # only names the socket file (.s.PGSQL.5432) inside the private folder
SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "16MB",
}


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be run on this machine; the message says why."""


def find_bindir() -> Path:
    """The folder with initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/N/bin, else
    what pg_config says, else the folder of an initdb on PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)])
    candidates = [p.parent for p in reversed(versions)]
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 check=True).stdout
            candidates.append(Path(out.strip()))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PgUnavailable("PostgreSQL server binaries not found (no initdb in "
                        "/usr/lib/postgresql/*/bin or on PATH); install Debian's "
                        "`postgresql` package")


class PgCluster:
    """A running cluster. `dsn` is the superuser's DSN for the `postgres` database."""

    def __init__(self, folder: Path, bindir: Path, as_user: list[str]) -> None:
        self.folder = folder
        self.bindir = bindir
        self.data = folder / "data"
        self.log = folder / "server.log"
        self._as_user = as_user  # e.g. ["runuser", "-u", "postgres", "--"] when we are root
        self._numbers = itertools.count(1)
        self.dsn = self.dsn_for("postgres")
        self.startup_seconds = 0.0  # initdb + start, measured by start()

    def dsn_for(self, dbname: str) -> str:
        return f"postgresql://postgres@/{dbname}?host={quote(str(self.folder), safe='/')}"

    def _pg(self, tool: str, *args: str, timeout: float = 120) -> None:
        command = [*self._as_user, str(self.bindir / tool), *args]
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        began = time.monotonic()
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        settings = {**SETTINGS, "unix_socket_directories": f"'{self.folder}'"}
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/pgcluster.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Stop the server at once (no checkpoint) and delete the folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self, sql: str) -> None:
        """Run one statement as the superuser. asyncpg runs in a worker thread with its own event
        loop, so this works from sync fixtures whatever the caller's loop is doing."""
        import asyncpg  # here, so that a missing asyncpg only matters to tests that use it

        async def execute() -> None:
            conn = await asyncpg.connect(self.dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, execute()).result()

    def create_database(self) -> str:
        """A new empty database (test_1, test_2, ...); returns its DSN."""
        name = f"test_{next(self._numbers)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.dsn_for(name)

    def drop_database(self, dsn: str) -> None:
        """Drop a database made by create_database(), closing any connections still open to it."""
        name = urlsplit(dsn).path.lstrip("/")
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run_as() -> list[str]:
    """The command prefix that runs PostgreSQL's tools: as `postgres` when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PgUnavailable("running as root, and there is no `postgres` user to run "
                            "PostgreSQL as (initdb refuses root)") from None
    if not shutil.which("runuser"):
        raise PgUnavailable("running as root, and `runuser` is missing (initdb refuses root)")
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def running_cluster() -> Iterator[PgCluster]:
    """Start a cluster in a new folder under /tmp (short, for the socket path, and reachable by
    the `postgres` user); stop it and delete the folder on exit."""
    bindir = find_bindir()
    as_user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="pgtest-", dir="/tmp" if Path("/tmp").is_dir() else None))
    if as_user:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    cluster = PgCluster(folder, bindir, as_user)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
