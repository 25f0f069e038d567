#!/usr/bin/env bash
# What WeasyPrint needs to write the letters as PDF: Pango (from Debian's packages) and a
# Japanese Mincho font to embed (IPA fonts). Installed only when missing.
set -euo pipefail
# (read whole before grep: with pipefail, grep -q closing the pipe early fails the test)
libraries="$(ldconfig -p 2>/dev/null || true)"
fonts="$(fc-list 2>/dev/null || true)"
if grep -q libpangoft2-1.0 <<<"$libraries" && grep -qi IPAMincho <<<"$fonts"; then
  exit 0
fi
echo "installing Pango and the IPA fonts for letters as PDF ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-ipafont-mincho \
  fonts-ipafont-gothic >&2
