#!/usr/bin/env bash
# Installs Artillery into load-tests/node_modules, on demand: it is ~470 MB (cloud SDKs, Playwright),
# so it lives in its own package and the root `npm ci` stays small. Idempotent and safe to run
# concurrently (a lock serialises installers); reinstalls when the lockfile changes.
# Browsers are never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the scenarios are HTTP only.
#
# Usage: bash load-tests/install.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd)"
stamp="$here/node_modules/.package-lock.json"

installed() {
  [[ -f "$stamp" && ! "$here/package-lock.json" -nt "$stamp" && -x "$here/node_modules/.bin/artillery" ]]
}

if [[ "${1:-}" != "--force" ]] && installed; then exit 0; fi

exec 9>"${TMPDIR:-/tmp}/bems-load-tests-install.lock"
flock 9
# Another installer may have finished while we waited for the lock.
if [[ "${1:-}" != "--force" ]] && installed; then exit 0; fi

echo "load-tests: installing Artillery (npm ci --prefix load-tests)" >&2
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# with-node.sh provisions Node >= 22.18 (Artillery 2 requires it) when the system one is older.
bash "$here/../scripts/with-node.sh" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
