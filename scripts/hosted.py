"""`make hosted`: the hosted set-up on this machine, to try it in one command.

A throwaway PostgreSQL, `python -m calfstore migrate` once, N app processes (`streamlit run app.py`, hosted mode)
sharing the database and one cookie_secret, and HAProxy (deploy/haproxy.cfg) in front on 127.0.0.1:PORT. Logins
go to a DEVELOPMENT identity provider (oidc-provider-mock, on loopback) that lets in whoever types a name: this is
for trying the set-up, never for real runners. Ctrl+C (or SIGTERM) stops everything and removes every file it made.

It prints a summary: where to log in and how the development provider logs someone in, every process's id, and the
database URL for `psql`. Enter prints it again at the end of the output (HAProxy's log scrolls it away), and the file
it names holds it while the set-up runs.

    python scripts/hosted.py [--processes 2] [--port 8080]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calfui.logs import mask_secrets  # noqa: E402
from tests.scaleout import Stack, port_is_free, run_identity_provider, start_stack  # noqa: E402

DEFAULT_PORT = 8080

with contextlib.redirect_stderr(io.StringIO()):
    # The identity provider's dependencies print deprecation notices on import (pyproject.toml's pytest settings
    # filter the same two); authlib turns its own back on, so a warnings filter cannot hide them.
    import oidc_provider_mock  # noqa: F401


class Stop(Exception):
    """SIGTERM: leave the wait and clean up, as Ctrl+C does."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stop


def _pid_of_postgres(stack: Stack) -> str:
    """The PostgreSQL server's process id (the first line of its postmaster.pid)."""
    try:
        return (stack.cluster.data_dir / "postmaster.pid").read_text().split("\n", 1)[0].strip()
    except OSError:
        return "?"


def _banner(stack: Stack, issuer: str, root: Path, summary_file: Path) -> str:
    assert stack.proxy is not None
    apps = "\n".join(
        f"    app{i + 1}: {app.url}  pid {app.process.pid}  log {app.log_path}" for i, app in enumerate(stack.apps)
    )
    return f"""
Calf Check, hosted set-up on this machine. Press Enter here to print this again; it is also in {summary_file}
  Open      {stack.url}
  Log in    On the home page press "Log in". The DEVELOPMENT identity provider's page, "Authorize Client", opens:
            type any name in its one box (it shows "sub"), e.g. alex@example.org, and press "Authorize". The same
            name is the same runner next time; another name is another runner. It lets in whoever types a name:
            never use it for real runners (a real server uses the club's OpenID Connect provider, docs/deploy.md).
            Provider: oidc-provider-mock at {issuer}, inside this script (pid {os.getpid()})
  Processes this script pid {os.getpid()}, HAProxy pid {stack.proxy.process.pid}, PostgreSQL pid {_pid_of_postgres(stack)}
  App processes, one database, one cookie_secret:
{apps}
  Database  psql '{stack.database_url}'
            a throwaway PostgreSQL on 127.0.0.1:{stack.cluster.port} in {stack.cluster.root} (removed on exit)
  Proxy     HAProxy with deploy/haproxy.cfg (sticky cookie CALFSERVER); its log, below, shows paths with tokens masked
  Secrets   {root / "secrets.toml"} (temporary, not in the repo)
Try it: log in as two people in two browsers; kill one app process (kill -9 <pid>) and carry on.
Ctrl+C stops everything.
"""


def _watch_enter(asked: queue.Queue[str]) -> None:
    """Each line typed here (Enter) asks for the summary again. Only when this script may read its terminal: a
    background job that reads it would be stopped (SIGTTIN). Input from a pipe is read too."""
    try:
        fd = sys.stdin.fileno()
        if os.isatty(fd) and os.getpgrp() != os.tcgetpgrp(fd):
            return
    except (OSError, ValueError):  # no stdin at all
        return

    def read() -> None:
        for line in sys.stdin:
            asked.put(line)

    threading.Thread(target=read, daemon=True, name="enter-reprints-summary").start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes behind the proxy (default 2)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the proxy's port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be 1 or more")
    if not port_is_free(args.port):
        parser.error(f"port {args.port} on 127.0.0.1 is taken: choose another (make hosted PORT=8081)")

    mask_secrets()  # the identity provider's own request log (login state=...) is written to this terminal too
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`cmd &`)
    root = Path(tempfile.mkdtemp(prefix="calf-hosted-"))
    stack: Stack | None = None
    try:
        with run_identity_provider() as issuer:
            print(f"Starting PostgreSQL, migrating, then {args.processes} app process(es) and HAProxy...", flush=True)
            # new_session: the children don't get the terminal's Ctrl+C; this script stops them in order.
            stack = start_stack(root, issuer, args.processes, args.port, proxy_log=None, new_session=True)
            summary_file = root / "hosted.txt"
            summary = _banner(stack, issuer, root, summary_file)
            summary_file.write_text(summary.lstrip("\n"))
            summary_file.chmod(0o600)  # it holds the throwaway database's password
            print(summary, flush=True)
            asked: queue.Queue[str] = queue.Queue()
            _watch_enter(asked)
            reported: set[int] = set()
            while True:  # report a process that dies, stop if the proxy itself does; Enter prints the summary
                try:
                    asked.get(timeout=1)
                    print(summary, flush=True)
                except queue.Empty:
                    pass
                for index, app in enumerate(stack.apps):
                    if app.process.poll() is not None and index not in reported:
                        reported.add(index)
                        print(
                            f"app{index + 1} (pid {app.process.pid}) exited ({app.process.returncode}): the proxy "
                            f"sends its visitors to the others.",
                            flush=True,
                        )
                assert stack.proxy is not None
                if stack.proxy.process.poll() is not None:
                    print(f"HAProxy exited ({stack.proxy.process.returncode}); stopping.", file=sys.stderr)
                    return 1
    except (KeyboardInterrupt, Stop):
        print("\nStopping...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"Could not start the hosted set-up: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if stack is not None:
            stack.stop()
        shutil.rmtree(root, ignore_errors=True)
        print(f"Stopped: proxy, app processes and PostgreSQL; removed {root}.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
