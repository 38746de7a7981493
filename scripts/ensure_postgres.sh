#!/usr/bin/env bash
# The store's PostgreSQL tests start a throwaway cluster of their own (tests/pgcluster.py) with Debian's server
# binaries, and the scale-out test and `make hosted` put HAProxy in front of several app processes. Install what is
# missing (as root), else fail loudly: a missing tool must fail the run, never skip the tests.
set -euo pipefail
have_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
have_haproxy() { command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; }
missing=()
have_postgres || missing+=(postgresql)
have_haproxy || missing+=(haproxy)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for the PostgreSQL and scale-out tests: ${missing[*]}..."
  apt-get update -qq
  # Only the binaries are needed: a temporary policy-rc.d keeps the packages from starting a cluster or proxy service.
  policy=/usr/sbin/policy-rc.d; own_policy=0
  if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy && own_policy=1; fi
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
  if [ $own_policy = 1 ]; then rm -f $policy; fi
  [ $status = 0 ] || { echo "ERROR: apt-get install ${missing[*]} failed (exit $status)" >&2; exit 1; }
fi
if ! have_postgres; then
  echo "ERROR: PostgreSQL's server binaries (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin) are missing." >&2
  echo "       Install Debian's postgresql (sudo apt-get install postgresql)." >&2
  echo "       The PostgreSQL tests cannot run without it." >&2
  exit 1
fi
if ! have_haproxy; then
  echo "ERROR: haproxy is missing. Install Debian's haproxy (sudo apt-get install haproxy)." >&2
  echo "       The scale-out test, the benchmarks' proxy rows and 'make hosted' cannot run without it." >&2
  exit 1
fi
