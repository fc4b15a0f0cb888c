#!/bin/sh
# Runs serve.test.mjs; exits 77 (skipped) when node or Chromium is missing.
# Usage: run.sh IQTS_SCAN_EXECUTABLE EXPORT_ZIP [SCREENSHOT_PNG]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node not found; install Debian's nodejs package"
    exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "SKIP: ${CHROMIUM:-/usr/bin/chromium} not found; install Debian's chromium package"
    exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund)
fi
exec node "$here/serve.test.mjs" "$@"
