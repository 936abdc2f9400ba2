#!/usr/bin/env bash
# What a memory setting costs in CPU: `load-tests/profile.ts` (a burst through a fresh local cell)
# under several settings, alternately, in rounds whose order rotates, so that load from other work
# falls on every variant alike; prints the medians and their ratio to the first variant.
# A variant is `name:` followed by environment assignments separated by `;` (as in soakVariants.sh):
#
#   bash load-tests/soak/profileVariants.sh ROUNDS VARIANT... [-- profile.ts options]
#   bash load-tests/soak/profileVariants.sh 3 'semi32:NODE_OPTIONS=--max-semi-space-size=32' \
#     'semi8:NODE_OPTIONS=--max-semi-space-size=8' -- --events 8000
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:?usage: profileVariants.sh ROUNDS VARIANT... [-- profile.ts options]}
shift
variants=()
while [[ $# -gt 0 && $1 != -- ]]; do variants+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
results=()
for ((round = 0; round < rounds; round++)); do
  for ((i = 0; i < ${#variants[@]}; i++)); do
    variant=${variants[(i + round) % ${#variants[@]}]}
    name=${variant%%:*}
    IFS=';' read -r -a assignments <<<"${variant#*:}"
    out=$(env "${assignments[@]}" bash scripts/with-node.sh npx tsx load-tests/profile.ts "$@" 2>&1)
    cpu=$(sed -n 's/^cell CPU: \([0-9.]*\) ms per event/\1/p' <<<"$out")
    rate=$(sed -n 's/^end to end: .* = \([0-9]*\) events\/s/\1/p' <<<"$out")
    echo "round $((round + 1)): $name ${cpu:-?} ms/event, ${rate:-?} events/s end to end (load average $(cut -d' ' -f1 /proc/loadavg))"
    results+=("$name ${cpu:-NaN} ${rate:-NaN}")
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${results[@]}" | node -e '
  const rows = require("node:fs").readFileSync(0, "utf8").trim().split("\n").map((l) => l.split(" "));
  const names = [...new Set(rows.map((r) => r[0]))];
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const of = (name, i) => median(rows.filter((r) => r[0] === name).map((r) => Number(r[i])));
  for (const name of names) {
    const [cpu, rate] = [of(name, 1), of(name, 2)];
    console.log(`median ${name}: ${cpu} ms/event (x${(cpu / of(names[0], 1)).toFixed(3)}), ${rate} events/s (x${(rate / of(names[0], 2)).toFixed(3)})`);
  }
'
