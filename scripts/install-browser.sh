#!/usr/bin/env bash
# Debian's Chromium (for the web worklist's browser tests, driven by Playwright with
# executable_path=/usr/bin/chromium) and a Japanese font for its screenshots.
# Never `playwright install`: it downloads browsers from the internet.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi ipa; then
  exit 0
fi
echo "installing Debian's chromium and fonts-ipafont-gothic ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
apt-get install -y -qq chromium fonts-ipafont-gothic >&2
