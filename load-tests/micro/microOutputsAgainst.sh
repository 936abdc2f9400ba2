#!/usr/bin/env bash
# Runs one micro-benchmark alternately (A B B A …) in another commit's tree and in this checkout,
# printing each run's output under its label: for micros without a `--base` of their own (e.g.
# requestValidation.ts). The other tree is `git archive`d into a temporary directory sharing this
# checkout's node_modules (compare commits with the same lockfile) and gets this checkout's copy of
# the micro, so both run the same measuring code over their own modules.
#
#   bash load-tests/micro/microOutputsAgainst.sh <before> [rounds] -- <micro.ts> [micro options]
#   bash load-tests/micro/microOutputsAgainst.sh e1cea27 4 -- load-tests/micro/requestValidation.ts --bodies 2000
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rev=${1:?usage: microOutputsAgainst.sh <before> [rounds] -- <micro.ts> [options]}
shift
rounds=2
if [[ $# -gt 0 && $1 != -- ]]; then rounds=$1; shift; fi
[[ ${1:-} == -- ]] && shift
micro=${1:?name the micro-benchmark to run}
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git archive "$rev" | tar -x -C "$scratch"
ln -s "$root/node_modules" "$scratch/node_modules"
cp "$root/$micro" "$scratch/$micro"
echo "before = $(git rev-parse --short "$rev"), after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo -dirty); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then order=(before after); else order=(after before); fi
  for side in "${order[@]}"; do
    if [[ $side == before ]]; then dir=$scratch; else dir=$root; fi
    (cd "$dir" && bash "$root/scripts/with-node.sh" npx tsx "$micro" "$@") 2>&1 | sed "s/^/round $round $side: /"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
