"""tests/pgcluster.py: the throwaway PostgreSQL cluster the store's tests, benchmarks and `make hosted` stand on."""

from __future__ import annotations

import socket
import threading
import time

import psycopg
import pytest

from tests.pgcluster import PgCluster, PgClusterError


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_fresh_database_takes_the_app_users_password_and_nothing_else(
    postgres_cluster: PgCluster, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as connection:
        user, address, tables = connection.execute(
            "SELECT current_user, inet_server_addr()::text,"
            " (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')"
        ).fetchone()
        listen = connection.execute("SHOW listen_addresses").fetchone()[0]
    assert (user, address, tables, listen) == ("calf", "127.0.0.1/32", 0, "127.0.0.1")  # empty, loopback only
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_cluster.socket_url(name)) as connection:  # libpq's ?host=/socket/dir form
        assert connection.execute("SELECT current_database()").fetchone()[0] == name
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_cluster.url(name, password="not-the-password"), connect_timeout=5)


def test_two_tests_never_share_a_database(postgres_cluster: PgCluster) -> None:
    first, second = postgres_cluster.create_database(), postgres_cluster.create_database()
    try:
        with psycopg.connect(postgres_cluster.url(first)) as connection:
            connection.execute("CREATE TABLE marker (x int)")
        with psycopg.connect(postgres_cluster.url(second)) as connection:
            assert connection.execute("SELECT to_regclass('marker')").fetchone()[0] is None
    finally:
        postgres_cluster.drop_database(first)
        postgres_cluster.drop_database(second)
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(postgres_cluster.url(first), connect_timeout=5)


def test_an_outage_refuses_connections_then_the_same_url_works_again() -> None:
    cluster = PgCluster.start(fsync=False)
    try:
        url = cluster.url(cluster.create_database())
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE saved (x int)")
            connection.execute("INSERT INTO saved VALUES (1)")
        outage = threading.Thread(target=cluster.stop_for, args=(3,))
        outage.start()
        deadline = time.monotonic() + 10
        while cluster.is_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2)
        outage.join(timeout=60)
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT x FROM saved").fetchall() == [(1,)]
    finally:
        cluster.stop()


def test_stop_removes_the_cluster_and_frees_its_port() -> None:
    cluster = PgCluster.start(fsync=False)
    assert _port_open(cluster.port) and (cluster.data_dir / "PG_VERSION").exists()
    cluster.stop()
    assert not cluster.root.exists()
    assert not _port_open(cluster.port)


def test_missing_binaries_say_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CALF_PG_BIN", str(tmp_path))  # a folder without initdb
    with pytest.raises(PgClusterError, match="ensure_postgres.sh.*apt-get install postgresql"):
        PgCluster.start()
