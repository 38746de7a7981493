#!/usr/bin/env bash
# The browser tests drive Debian's chromium. Install it when missing (as root), else fail loudly:
# a missing browser must fail the run, never skip the tests.
set -euo pipefail
CHROMIUM="${CALF_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ERROR: $CHROMIUM is missing. Install Debian's chromium (sudo apt-get install chromium)" >&2
  echo "       or point CALF_CHROMIUM at a Chromium binary. The browser tests cannot run without it." >&2
  exit 1
fi
