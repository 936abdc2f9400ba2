#!/usr/bin/env bash
# Runs `npm run soak` under several memory settings, alternately (A B C A B C …), so that load from
# other work falls on every variant alike, then prints one table of them all (summarizeSoaks.ts).
# A variant is `name:` followed by environment assignments separated by `;` (empty = as is):
#
#   bash load-tests/soak/soakVariants.sh OUT_DIR ROUNDS VARIANT... [-- soak options]
#   bash load-tests/soak/soakVariants.sh /tmp/soaks 2 'semi32:NODE_OPTIONS=--max-semi-space-size=32' \
#     'semi8:NODE_OPTIONS=--max-semi-space-size=8' 'semi8-arenas2:NODE_OPTIONS=--max-semi-space-size=8;MALLOC_ARENA_MAX=2' \
#     -- --rate 500 --warmup-s 30 --duration-s 180
#
# NODE_OPTIONS reaches the cell's main thread and, since a V8 flag takes precedence over a worker's
# `resourceLimits`, its worker threads too; MALLOC_ARENA_MAX only works when set before the process
# starts, which this does. Results: OUT_DIR/<name>-<round>.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: soakVariants.sh OUT_DIR ROUNDS VARIANT... [-- soak options]}
rounds=${2:?usage: soakVariants.sh OUT_DIR ROUNDS VARIANT... [-- soak options]}
shift 2
variants=()
while [[ $# -gt 0 && $1 != -- ]]; do variants+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
mkdir -p "$out"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  for variant in "${variants[@]}"; do
    name=${variant%%:*}
    IFS=';' read -r -a assignments <<<"${variant#*:}"
    echo "round $round, $name (${assignments[*]:-as is}), load average $(cut -d' ' -f1 /proc/loadavg)"
    env "${assignments[@]}" bash scripts/with-node.sh npx tsx load-tests/soak.ts "$@" \
      --out "$out/$name-$round.json" >"$out/$name-$round.log" 2>&1 || true
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bash scripts/with-node.sh npx tsx load-tests/soak/summarizeSoaks.ts "$out"/*.json
