"""A throwaway PostgreSQL cluster for tests, benchmarks and `make hosted`: Debian's server binaries, a temp dir of its
own, 127.0.0.1 on a free port (and a unix socket in the temp dir), password logins like a real deployment.

    cluster = PgCluster.start()          # or: with PgCluster.start() as cluster:
    url = cluster.url(cluster.create_database())
    cluster.stop_for(3)                  # an outage: the server is down for 3 s, then back on the same port
    cluster.stop()                       # the server stops and its directory is removed

Missing binaries raise PgClusterError with the fix (scripts/ensure_postgres.sh): callers fail, never skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

APP_USER = "calf"
SUPERUSER = "postgres"
# initdb refuses to run as root; Debian's package creates this account for its own clusters.
ROOT_RUNS_AS = "postgres"
START_TIMEOUT_S = 60


class PgClusterError(RuntimeError):
    """The cluster could not be set up or started; the message says why and what to do."""


def find_bin_dir() -> Path:
    """Debian's server binaries (/usr/lib/postgresql/<version>/bin), newest version first; CALF_PG_BIN overrides."""

    def version(bin_dir: str) -> int:
        name = Path(bin_dir).parent.name
        return int(name) if name.isdigit() else 0

    candidates = (
        [os.environ["CALF_PG_BIN"]]
        if os.environ.get("CALF_PG_BIN")
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    )
    for candidate in candidates:
        if all(os.access(Path(candidate) / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    raise PgClusterError(
        "PostgreSQL's server binaries (initdb, pg_ctl, postgres under /usr/lib/postgresql/<version>/bin) are missing. "
        "Run scripts/ensure_postgres.sh (make test does), or `sudo apt-get install postgresql`, or set CALF_PG_BIN."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _settings(port: int, socket_dir: Path, fsync: bool) -> str:
    lines = {
        "listen_addresses": "'127.0.0.1'",  # test traffic stays on loopback
        "port": str(port),
        "unix_socket_directories": f"'{socket_dir}'",
        "max_connections": "300",  # 50 writer threads, app processes' pools and the admin connection at once
        "shared_buffers": "'64MB'",
        "timezone": "'UTC'",
        "log_min_messages": "warning",
        "log_timezone": "'UTC'",
        # Nothing a throwaway cluster needs: no replication, no archive, no planner statistics daemon's work.
        "wal_level": "minimal",
        "max_wal_senders": "0",
        "fsync": "on" if fsync else "off",
    }
    if not fsync:  # fast and unsafe on a power cut; never for the crash tests, which keep the default
        lines.update({"synchronous_commit": "off", "full_page_writes": "off"})
    return "".join(f"{key} = {value}\n" for key, value in lines.items())


@dataclass
class PgCluster:
    root: Path
    bin_dir: Path
    port: int
    password: str
    superuser_password: str
    fsync: bool
    _run_as: pwd.struct_passwd | None = None
    _databases: set[str] = field(default_factory=set)

    # --- set-up ---------------------------------------------------------------------------------------------------

    @classmethod
    def start(cls, fsync: bool = True, app_user_password: str | None = None) -> PgCluster:
        """initdb, start on a free loopback port, create the app's login role. `fsync=False` is faster and loses
        committed data on an OS crash (never a process crash): fine for tests that don't kill anything."""
        bin_dir = find_bin_dir()
        run_as = None
        if os.geteuid() == 0:
            try:
                run_as = pwd.getpwnam(ROOT_RUNS_AS)
            except KeyError:
                raise PgClusterError(
                    f"Running as root, and PostgreSQL refuses to run as root: the '{ROOT_RUNS_AS}' system user "
                    "(created by Debian's postgresql package) is missing. Install postgresql or run as another user."
                ) from None
        root = Path(tempfile.mkdtemp(prefix="calf-pg-"))
        cluster = cls(
            root, bin_dir, 0, app_user_password or secrets.token_urlsafe(18), secrets.token_urlsafe(18), fsync, run_as
        )
        try:
            cluster._initdb()
            cluster._start_on_a_free_port()
            cluster._admin(f"CREATE ROLE {APP_USER} LOGIN PASSWORD {{}}", cluster.password)
        except BaseException:
            cluster.stop()
            raise
        return cluster

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def _run(self, *args: str, check: bool = True, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        user = (
            {}
            if self._run_as is None
            else {"user": self._run_as.pw_uid, "group": self._run_as.pw_gid, "extra_groups": []}
        )
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
            **user,
        )
        if check and result.returncode != 0:
            raise PgClusterError(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{self.log()}"
            )
        return result

    def _initdb(self) -> None:
        self.socket_dir.mkdir()
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.superuser_password + "\n")
        if self._run_as is not None:
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, self._run_as.pw_uid, self._run_as.pw_gid)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()

    def _start_on_a_free_port(self) -> None:
        for attempt in range(3):  # another process may take the free port between choosing and binding it
            self.port = _free_port()
            (self.data_dir / "postgresql.auto.conf").write_text(_settings(self.port, self.socket_dir, self.fsync))
            if self._run_as is not None:
                os.chown(self.data_dir / "postgresql.auto.conf", self._run_as.pw_uid, self._run_as.pw_gid)
            result = self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(self.log_path), check=False)
            if result.returncode == 0:
                return
            if "could not bind" not in self.log() or attempt == 2:
                raise PgClusterError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{self.log()}")

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args, check=check)

    # --- addresses ------------------------------------------------------------------------------------------------

    def url(self, dbname: str, user: str = APP_USER, password: str | None = None) -> str:
        """A libpq URL over TCP on 127.0.0.1, as a deployment would write it (user:password@host:port/db)."""
        secret = self.password if password is None else password
        return f"postgresql://{user}:{quote(secret, safe='')}@127.0.0.1:{self.port}/{dbname}"

    def socket_url(self, dbname: str) -> str:
        """The same database over the unix socket in the cluster's dir (libpq's `?host=/socket/dir`)."""
        return (
            f"postgresql://{APP_USER}:{quote(self.password, safe='')}@/{dbname}"
            f"?host={quote(str(self.socket_dir), safe='/')}&port={self.port}"
        )

    @property
    def admin_url(self) -> str:
        return self.url("postgres", SUPERUSER, self.superuser_password)

    # --- databases ------------------------------------------------------------------------------------------------

    def _admin(self, statement: str, *literals: str) -> None:
        """One statement as the superuser. Utility statements take no bound parameters: values are quoted literals."""
        try:
            import psycopg
            from psycopg import sql
        except ImportError:
            raise PgClusterError("psycopg is missing from the venv: pip install -r requirements.lock") from None
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL(statement).format(*map(sql.Literal, literals)))  # type: ignore[arg-type]

    def create_database(self, name: str | None = None) -> str:
        """A new, empty database owned by the app's role; returns its name."""
        name = name or f"calf_{secrets.token_hex(6)}"
        if not name.replace("_", "").isalnum():
            raise ValueError(f"database names here are letters, digits and _: {name!r}")
        self._admin(f'CREATE DATABASE "{name}" OWNER {APP_USER}')
        self._databases.add(name)
        return name

    def drop_database(self, name: str) -> None:
        """Drops it even if an app's pool still holds connections to it (they are ended)."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._databases.discard(name)

    # --- outages --------------------------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def server_stop(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data. "fast" ends open sessions (a restart by an operator); "immediate" is a
        crash: no shutdown checkpoint, WAL replay on the next start."""
        self._pg_ctl("stop", "-w", "-m", mode)

    def server_start(self) -> None:
        """Start again on the same port, so the URLs handed out keep working."""
        self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(self.log_path))

    def restart(self, mode: str = "fast") -> None:
        self.server_stop(mode)
        self.server_start()

    def stop_for(self, seconds: float, mode: str = "fast") -> None:
        """An outage: down for `seconds` (blocking; run it in a thread to save meanwhile), then back."""
        self.server_stop(mode)
        time.sleep(seconds)
        self.server_start()

    # --- teardown -------------------------------------------------------------------------------------------------

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the server (if it runs) and remove its directory: data, socket and log."""
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", "immediate", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
