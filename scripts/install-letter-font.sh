#!/usr/bin/env bash
# The Japanese Mincho font the letters' PDFs embed (Debian's fonts-ipafont-mincho, IPA明朝),
# installed only when missing.
set -euo pipefail
if [ -f /usr/share/fonts/opentype/ipafont-mincho/ipam.ttf ]; then
  exit 0
fi
echo "installing fonts-ipafont-mincho for the letters' PDFs ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
apt-get install -y -qq fonts-ipafont-mincho >&2
