#!/usr/bin/env bash
# The browser tests drive Debian's chromium, the local-mode visitor test makes a test host of its own with
# iproute2's `ip netns`, and the PDF report's test draws the page with poppler-utils' `pdftoppm`. Runners' names in
# Chinese, Japanese, Korean and emoji are drawn with Noto's fonts, as on a phone (without them Chromium draws boxes,
# and a screenshot can't show whether a name fits). Install what is missing (as root), else fail loudly: a missing
# tool must fail the run, never skip the tests.
set -euo pipefail
CHROMIUM="${CALF_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
has_font() { fc-list "$1" family 2>/dev/null | grep -q .; }
has_font ':lang=zh' || missing+=(fonts-noto-cjk)
has_font 'Noto Color Emoji' || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for the browser tests: ${missing[*]}..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ERROR: $CHROMIUM is missing. Install Debian's chromium (sudo apt-get install chromium)" >&2
  echo "       or point CALF_CHROMIUM at a Chromium binary. The browser tests cannot run without it." >&2
  exit 1
fi
if ! command -v ip >/dev/null 2>&1; then
  echo "ERROR: iproute2's 'ip' is missing (sudo apt-get install iproute2): the local-mode visitor test needs it." >&2
  exit 1
fi
for font in ':lang=zh' 'Noto Color Emoji'; do
  if ! has_font "$font"; then
    echo "ERROR: no font for $font (sudo apt-get install fonts-noto-cjk fonts-noto-color-emoji): the browser tests" >&2
    echo "       draw runners' names in Chinese and emoji." >&2
    exit 1
  fi
done
if ! command -v pdftoppm >/dev/null 2>&1; then
  echo "ERROR: poppler-utils' 'pdftoppm' is missing (sudo apt-get install poppler-utils): the PDF report test needs it." >&2
  exit 1
fi
