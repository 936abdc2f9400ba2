#!/usr/bin/env bash
# The ingest path's CPU per event (`load-tests/micro/ingestPathCost.ts`) of this checkout against
# another commit's, in one process: the other commit's tree is exported with `git archive` into a
# temporary directory (sharing this checkout's node_modules: compare commits with the same lockfile)
# and passed as `--base`, so both trees' code serves the same requests, alternately, against the
# same emulators.
#
# With `--after <rev>` the "after" side is that commit's tree instead of this checkout (both get this
# checkout's copy of the micro and its helpers), to measure one commit of a series against its parent.
#
#   bash load-tests/micro/ingestPathAgainst.sh <before> [--after <rev>] [-- ingestPathCost.ts options]
#   bash load-tests/micro/ingestPathAgainst.sh e1cea27 -- --requests 300 --rounds 6
#   bash load-tests/micro/ingestPathAgainst.sh HEAD~1 --after HEAD -- --rounds 6
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rev=${1:?usage: ingestPathAgainst.sh <before> [--after <rev>] [-- ingestPathCost.ts options]}
shift
after=
if [[ ${1:-} == --after ]]; then after=${2:?--after needs a commit}; shift 2; fi
[[ ${1:-} == -- ]] && shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tree() { # <rev> <dir>: the commit's files, this checkout's node_modules and measuring code
  mkdir -p "$2"
  git archive "$1" | tar -x -C "$2"
  ln -s "$root/node_modules" "$2/node_modules"
  cp "$root"/load-tests/micro/{ingestPathCost.ts,benchEmulators.ts,benchFlags.ts} "$2/load-tests/micro/"
}
tree "$rev" "$scratch/before"
side=$root
label="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo -dirty)"
if [[ -n $after ]]; then
  tree "$after" "$scratch/after"
  side=$scratch/after
  label=$(git rev-parse --short "$after")
fi
echo "before = $(git rev-parse --short "$rev"), after = $label"
cd "$side"
bash "$root/scripts/with-node.sh" npx tsx load-tests/micro/ingestPathCost.ts --base "$scratch/before" "$@"
