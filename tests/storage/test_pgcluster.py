"""The PostgreSQL test cluster: pg_dsn is a working, empty database of its own for each use."""

from __future__ import annotations

import asyncpg
import pytest

from tests import pgcluster


async def test_pg_dsn_is_a_working_empty_database(pg_dsn: str) -> None:
    assert pg_dsn.startswith("postgresql://")
    conn = await asyncpg.connect(pg_dsn)
    try:
        assert await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        await conn.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        await conn.executemany("INSERT INTO notes (body) VALUES ($1)", [("satu",), ("dua",)])
        rows = await conn.fetch("SELECT id, body FROM notes ORDER BY id")
        assert [tuple(row) for row in rows] == [(1, "satu"), (2, "dua")]
    finally:
        await conn.close()


async def test_two_databases_are_independent(pg_cluster: pgcluster.PgCluster,
                                             pg_dsn: str) -> None:
    other = pg_cluster.create_database()
    try:
        assert other != pg_dsn
        first = await asyncpg.connect(pg_dsn)
        second = await asyncpg.connect(other)
        try:
            await first.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
            await second.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (2), (3)")
            assert await first.fetchval("SELECT array_agg(x) FROM t") == [1]
            assert await second.fetchval("SELECT array_agg(x) FROM t") == [2, 3]
        finally:
            await first.close()
            await second.close()
    finally:
        pg_cluster.drop_database(other)


def test_the_server_takes_no_tcp_connections(pg_cluster: pgcluster.PgCluster) -> None:
    settings = (pg_cluster.data / "postgresql.conf").read_text()
    assert "listen_addresses = ''" in settings
    assert pg_cluster.startup_seconds > 0


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_a_fresh_database(pg_dsn: str, run: int) -> None:
    conn = await asyncpg.connect(pg_dsn)
    try:
        # Fails in the second run if the first run's table were still there.
        await conn.execute("CREATE TABLE once (x int)")
    finally:
        await conn.close()
