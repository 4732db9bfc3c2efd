"""Shared fixtures, and a guard: no test may reach anything but this machine's loopback."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pgcluster

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as bot/__init__.py does, for tests of tgsim alone
ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "::1", "localhost", None}

_real_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in LOOPBACK and host != b"localhost":
        raise OSError(f"test tried to reach {host!r}: only the local simulator is allowed")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


@pytest.fixture
def example_recruitment_file() -> Path:
    return ROOT / "recruitment.example.yaml"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgcluster.PgCluster]:
    """A throwaway PostgreSQL cluster for the session, started by the first test that asks for it
    (about a second). Skipped, with the reason, when PostgreSQL is not installed, unless
    PGCLUSTER_REQUIRED is set (.ci/run sets it): then the tests fail instead."""
    try:
        with pgcluster.running_cluster() as cluster:
            yield cluster
    except pgcluster.PgUnavailable as error:
        if os.environ.get("PGCLUSTER_REQUIRED"):
            pytest.fail(f"PostgreSQL is required here: {error}")
        pytest.skip(str(error))


@pytest.fixture
def pg_dsn(pg_cluster: pgcluster.PgCluster) -> Iterator[str]:
    """The DSN (postgresql://...) of a fresh empty database of its own, dropped after the test."""
    dsn = pg_cluster.create_database()
    yield dsn
    pg_cluster.drop_database(dsn)
