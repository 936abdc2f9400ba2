#!/usr/bin/env bash
# Runs a command under Node.js >= 22.18 with the project's dependencies installed.
#
# Why: BEMS targets Node 24 (Lambda nodejs24.x), but some machines (and CI here) ship Node 20.
# When the system Node is too old we install the npm registry's `node@24` package into
# .cache/node (no downloads outside the npm registry) and put its bin first on PATH; its
# headers (include/node) become npm_config_nodedir so native builds match the runtime.
# Then `npm ci` runs once per lockfile change, so a clean clone needs no manual setup.
#
# Usage: scripts/with-node.sh <command> [args...]     (or `source` it to get the PATH)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly NODE_PACKAGE_VERSION="24.21.0"
readonly MIN_MAJOR=22 MIN_MINOR=18

node_is_new_enough() {
  local version
  version="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${version%%.*}" rest="${version#*.}"
  local minor="${rest%%.*}"
  (( major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR) ))
}

provision_node() {
  local cache="$root/.cache/node"
  local bin="$cache/node_modules/node/bin/node"
  if [[ ! -x "$bin" ]] || ! node_is_new_enough "$bin"; then
    echo "bems: system Node $(node --version 2>/dev/null || echo 'missing') is older than ${MIN_MAJOR}.${MIN_MINOR}; installing node@${NODE_PACKAGE_VERSION} into .cache/node" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node@${NODE_PACKAGE_VERSION}" >&2
  fi
  local platform_dir
  platform_dir="$(ls -d "$cache"/node_modules/node/node_modules/node-*-*/ 2>/dev/null | head -n 1)"
  export PATH="$cache/node_modules/node/bin:$PATH"
  if [[ -n "$platform_dir" && -d "$platform_dir/include/node" ]]; then
    export npm_config_nodedir="${platform_dir%/}"
  fi
}

if ! command -v node >/dev/null 2>&1 || ! node_is_new_enough node; then
  provision_node
fi

# Install dependencies when node_modules is missing or older than the lockfile.
stamp="$root/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$root/package-lock.json" -nt "$stamp" ]]; then
  echo "bems: installing dependencies (npm ci) under Node $(node --version)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  exec "$@"
fi
