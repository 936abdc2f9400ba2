#!/usr/bin/env bash
# The ingest path's CPU per event (`load-tests/micro/ingestPathCost.ts`) of this checkout against
# another commit's, in one process: the other commit's tree is exported with `git archive` into a
# temporary directory (sharing this checkout's node_modules: compare commits with the same lockfile)
# and passed as `--base`, so both trees' code serves the same requests, alternately, against the
# same emulators.
#
#   bash load-tests/micro/ingestPathAgainst.sh <before> [-- ingestPathCost.ts options]
#   bash load-tests/micro/ingestPathAgainst.sh e1cea27 -- --requests 300 --rounds 6
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rev=${1:?usage: ingestPathAgainst.sh <before> [-- ingestPathCost.ts options]}
shift
[[ ${1:-} == -- ]] && shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git archive "$rev" | tar -x -C "$scratch"
ln -s "$root/node_modules" "$scratch/node_modules"
echo "before = $(git rev-parse --short "$rev"), after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo -dirty)"
bash "$root/scripts/with-node.sh" npx tsx load-tests/micro/ingestPathCost.ts --base "$scratch" "$@"
