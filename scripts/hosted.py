"""`make hosted`: the hosted set-up on this machine, to try it in one command.

A throwaway PostgreSQL, `python -m calfstore migrate` once, N app processes (`streamlit run app.py`, hosted mode)
sharing the database and one cookie_secret, and HAProxy (deploy/haproxy.cfg) in front on 127.0.0.1:PORT. Logins
go to a DEVELOPMENT identity provider (oidc-provider-mock, on loopback) that lets in whoever types a name: this is
for trying the set-up, never for real runners. Ctrl+C (or SIGTERM) stops everything and removes every file it made.

    python scripts/hosted.py [--processes 2] [--port 8080]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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


def _banner(stack: Stack, issuer: str, root: Path) -> str:
    apps = "\n".join(
        f"    app{i + 1}: {app.url}  pid {app.process.pid}  log {app.log_path}" for i, app in enumerate(stack.apps)
    )
    return f"""
Calf Check, hosted set-up on this machine
  Open  {stack.url}
  Proxy HAProxy with deploy/haproxy.cfg (sticky cookie CALFSERVER; its log below shows paths, never query strings)
  App processes, one database, one cookie_secret:
{apps}
  Database  a throwaway PostgreSQL on 127.0.0.1:{stack.cluster.port} in {stack.cluster.root} (removed on exit)
  Login     DEVELOPMENT identity provider (oidc-provider-mock) at {issuer}: it logs in whoever types a name.
            Never use it for real runners: a real server uses the club's OpenID Connect provider (docs/deploy.md).
  Secrets   {root / "secrets.toml"} (temporary, not in the repo)
Try it: log in as two people in two browsers; kill one app process (kill -9 <pid>) and carry on.
Ctrl+C stops everything.
"""


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

    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`cmd &`)
    root = Path(tempfile.mkdtemp(prefix="calf-hosted-"))
    stack: Stack | None = None
    try:
        with run_identity_provider() as issuer:
            print(f"Starting PostgreSQL, migrating, then {args.processes} app process(es) and HAProxy...", flush=True)
            # new_session: the children don't get the terminal's Ctrl+C; this script stops them in order.
            stack = start_stack(root, issuer, args.processes, args.port, proxy_log=None, new_session=True)
            print(_banner(stack, issuer, root), flush=True)
            reported: set[int] = set()
            while True:  # report a process that dies, stop if the proxy itself does
                time.sleep(1)
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
