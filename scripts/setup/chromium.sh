#!/usr/bin/env bash
# Debian's Chromium for @inferlog/browser's tests (driven by playwright-core; never
# `playwright install`, never a downloaded browser). Idempotent and quick when installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $($CHROMIUM --version 2>/dev/null | tail -n1)"
  exit 0
fi

echo "chromium: $CHROMIUM missing; installing Debian's package"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Without recommends: Chromium's own dependencies are enough headless (216 packages with them).
$SUDO apt-get install -y --no-install-recommends chromium ||
  { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium; }
"$CHROMIUM" --version
