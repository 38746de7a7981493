"""The hosted set-up on one machine, for `make hosted`, the scale-out browser test and the benchmarks: a throwaway
PostgreSQL (tests/pgcluster.py), N `streamlit run app.py` processes on loopback ports sharing one database and one
cookie secret, and HAProxy in front of them with deploy/haproxy.cfg (only its `server` lines are rewritten, for N).

    with run_identity_provider() as issuer:
        stack = start_stack(Path(tmp), issuer, processes=2)
        ...                                   # stack.url is the proxy; stack.apps[i] the processes
        stack.stop()
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.server import REPO, StreamlitServer, free_port, start_server, stop_process
from tests.pgcluster import PgCluster

HAPROXY_CONFIG = REPO / "deploy" / "haproxy.cfg"
STICKY_COOKIE = "CALFSERVER"  # deploy/haproxy.cfg's `cookie` line: which process a browser is pinned to
_SERVER_LINE = re.compile(r"^\s*server\s+app\d+\s.*$", re.MULTILINE)


def server_name(index: int) -> str:
    """The name (and sticky-cookie value) of the index-th app process behind the proxy: app1, app2..."""
    return f"app{index + 1}"


def haproxy_config(backends: list[str]) -> str:
    """deploy/haproxy.cfg with one `server` line per backend address, so `make hosted` runs the file that is shipped."""
    text = HAPROXY_CONFIG.read_text()
    lines = _SERVER_LINE.findall(text)
    if not lines:
        raise RuntimeError(f"{HAPROXY_CONFIG} has no `server appN ...` lines to rewrite")
    ours = "\n".join(
        f"    server {server_name(i)} {address} cookie {server_name(i)}" for i, address in enumerate(backends)
    )
    first = text.index(lines[0])
    rest = _SERVER_LINE.sub("", text[first:]).rstrip("\n")
    return text[:first] + ours + rest + "\n"


def _haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if not found:
        raise RuntimeError(
            "haproxy is missing: run scripts/ensure_postgres.sh (make test does) or `sudo apt-get install haproxy`."
        )
    return found


@dataclass
class Proxy:
    process: subprocess.Popen
    url: str
    log_path: Path | None
    plain_url: str = ""  # with TLS: the plain-HTTP address (redirects and certificate challenges only)
    tls_cert: Path | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self) -> None:
        stop_process(self.process)

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client context trusting this proxy's (self-signed) certificate; None without TLS."""
        return ssl.create_default_context(cafile=str(self.tls_cert)) if self.tls_cert else None


def self_signed_certificate(folder: Path) -> Path:
    """A throwaway certificate for 127.0.0.1 (`openssl req`), certificate and key in one file as HAProxy takes it."""
    key, cert, both = folder / "tls-key.pem", folder / "tls-cert.pem", folder / "tls.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    both.write_text(cert.read_text() + key.read_text())
    both.chmod(0o600)
    key.unlink()
    return both


def start_proxy(
    backends: list[str],
    config_dir: Path,
    port: int | None = None,
    log_path: Path | None = None,
    timeout: float = 30,
    new_session: bool = False,
    tls_cert: Path | None = None,
) -> Proxy:
    """HAProxy in the foreground on 127.0.0.1:port, ready once it answers /_stcore/health from a backend.
    Its log (paths only, tokens masked) goes to `log_path`, or to this terminal when None. With `tls_cert`, port
    serves HTTPS (CALF_PROXY_CERT, as docs/deploy.md sets it) and plain HTTP, on another free port, only redirects."""
    port = port or free_port()
    config = config_dir / "haproxy.cfg"
    config.write_text(haproxy_config(backends))
    if tls_cert is None:
        scheme, environment = "http", {"CALF_PROXY_BIND": f"127.0.0.1:{port}"}
    else:
        scheme, environment = (
            "https",
            {
                "CALF_PROXY_BIND": f"127.0.0.1:{free_port()}",
                "CALF_PROXY_TLS_BIND": f"127.0.0.1:{port}",
                "CALF_PROXY_CERT": str(tls_cert),
            },
        )
    env = {**os.environ, **environment}
    check = subprocess.run([_haproxy(), "-c", "-q", "-f", str(config)], capture_output=True, text=True, env=env)
    if check.returncode != 0:
        raise RuntimeError(f"haproxy refuses {config}:\n{check.stdout}{check.stderr}")
    output = log_path.open("w") if log_path else None
    process = subprocess.Popen(
        [_haproxy(), "-db", "-f", str(config)],
        stdout=output,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=new_session,
    )
    proxy = Proxy(
        process, f"{scheme}://127.0.0.1:{port}", log_path, "http://" + environment["CALF_PROXY_BIND"], tls_cert
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"haproxy exited early ({process.returncode}):\n{proxy.log()}")
        try:
            with urllib.request.urlopen(f"{proxy.url}/_stcore/health", timeout=2, context=proxy.ssl_context()) as reply:
                if reply.status == 200:
                    return proxy
        except OSError:
            time.sleep(0.2)
    proxy.stop()
    raise RuntimeError(f"haproxy did not pass a request to an app process in {timeout}s:\n{proxy.log()}")


@contextlib.contextmanager
def run_identity_provider() -> Iterator[str]:
    """oidc-provider-mock on loopback: a development identity provider that logs in whoever types a name. Its issuer."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        yield f"http://127.0.0.1:{server.server_port}"


def write_secrets(path: Path, public_url: str, issuer: str, cookie_secret: str | None = None) -> Path:
    """Hosted mode's [auth] secrets, one file for every process (one cookie_secret: a login made through one process
    is valid on all of them). Written to the stack's temp dir, never into the repo."""
    path.write_text(f"""[auth]
redirect_uri = "{public_url}/oauth2callback"
cookie_secret = "{cookie_secret or secrets.token_urlsafe(32)}"
client_id = "calf-check-hosted"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
""")
    path.chmod(0o600)
    return path


def migrate(database_url: str) -> None:
    """`python -m calfstore migrate` once, before any app process starts (as docs/deploy.md says to upgrade)."""
    result = subprocess.run(
        [sys.executable, "-m", "calfstore", "migrate"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "CALF_DATABASE_URL": database_url},
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m calfstore migrate failed ({result.returncode}):\n{result.stdout}{result.stderr}")


@dataclass
class Stack:
    root: Path
    cluster: PgCluster
    database_url: str
    apps: list[StreamlitServer] = field(default_factory=list)
    proxy: Proxy | None = None

    @property
    def url(self) -> str:
        assert self.proxy is not None
        return self.proxy.url

    def stop(self) -> None:
        """Proxy first (no new requests), then the app processes, then the database; nothing left running."""
        if self.proxy is not None:
            self.proxy.stop()
        for app in self.apps:
            app.stop()
        self.cluster.stop()


def start_stack(
    root: Path,
    issuer: str,
    processes: int = 2,
    port: int | None = None,
    proxy_log: Path | None = None,
    env: Mapping[str, str] | None = None,
    new_session: bool = False,
    tls_cert: Path | None = None,
) -> Stack:
    """PostgreSQL, `calfstore migrate` once, `processes` app processes in hosted mode, HAProxy on 127.0.0.1:port.
    App logs go to root/streamlit-<port>.log; the proxy's to `proxy_log` (None: this terminal). With `tls_cert` the
    proxy serves HTTPS on the port (the login's redirect URI too)."""
    if processes < 1:
        raise ValueError("at least one app process")
    cluster = PgCluster.start()
    stack = Stack(root, cluster, cluster.url(cluster.create_database("calfcheck")))
    try:
        migrate(stack.database_url)
        port = port or free_port()
        cookie_secret = secrets.token_urlsafe(32)
        public_url = f"{'https' if tls_cert else 'http'}://127.0.0.1:{port}"
        secrets_file = write_secrets(root / "secrets.toml", public_url, issuer, cookie_secret)
        app_env = {
            "CALF_DATABASE_URL": stack.database_url,
            # Streamlit's own cookies (the upload form's XSRF token) are signed with this: one for all too.
            "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
            **(env or {}),
        }
        for _ in range(processes):
            stack.apps.append(
                start_server(
                    root / "unused.duckdb",
                    root,
                    env=app_env,
                    new_session=new_session,
                    args=("--secrets.files", str(secrets_file)),
                )
            )
        stack.proxy = start_proxy(
            [app.url.removeprefix("http://") for app in stack.apps],
            root,
            port,
            proxy_log,
            new_session=new_session,
            tls_cert=tls_cert,
        )
    except BaseException:
        stack.stop()
        raise
    return stack


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0
