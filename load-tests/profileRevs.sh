#!/usr/bin/env bash
# `load-tests/profile.ts` on several commits in one sitting, in rotating order (A B C, B C A, …), each
# exported with `git archive` (so this checkout may change meanwhile) and sharing its node_modules
# and its profile.ts, like profileAgainst.sh; prints one line per run and, per commit, the medians
# and their ratio to the first commit's.
#
#   bash load-tests/profileRevs.sh <rounds> <rev> <rev>... [-- profile.ts options]
#   bash load-tests/profileRevs.sh 5 e1cea27 b32c9b8 32f99bf -- --events 8000 --idempotency off
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${1:?usage: profileRevs.sh <rounds> <rev>... [-- profile.ts options]}
shift
revs=()
while [[ $# -gt 0 && $1 != -- ]]; do revs+=("$(git rev-parse --short "$1")"); shift; done
[[ ${1:-} == -- ]] && shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for rev in "${revs[@]}"; do
  mkdir -p "$scratch/$rev"
  git archive "$rev" | tar -x -C "$scratch/$rev"
  ln -s "$root/node_modules" "$scratch/$rev/node_modules"
  cp "$root/load-tests/profile.ts" "$scratch/$rev/load-tests/profile.ts"
done
log=$scratch/runs.txt
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  for ((k = 0; k < ${#revs[@]}; k++)); do
    rev=${revs[$(((k + round) % ${#revs[@]}))]}
    out=$(cd "$scratch/$rev" && bash "$root/scripts/with-node.sh" npx tsx load-tests/profile.ts "$@" 2>&1)
    line="$rev $(sed -n 's/^cell CPU: \([0-9.]*\) ms per event/\1/p' <<<"$out")"
    line+=" $(sed -n 's/.*main thread: \([0-9.]*\) ms.*/\1/p' <<<"$out")"
    line+=" $(sed -n 's/.*other threads: \([0-9.]*\) ms per event/\1/p' <<<"$out")"
    line+=" $(sed -n 's/^end to end: .* = \([0-9]*\) events\/s/\1/p' <<<"$out")"
    echo "round $round: $line (cell, main thread, other threads: cpu ms/event; events/s end to end)"
    echo "$line" >>"$log"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
node -e '
  const rows = require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const of = (rev, i) => median(rows.filter((r) => r[0] === rev).map((r) => Number(r[i])));
  const revs = [...new Set(rows.map((r) => r[0]))].sort((a, b) => process.argv.indexOf(a) - process.argv.indexOf(b));
  for (const rev of revs) {
    const cells = ["cell", "main", "other", "events/s"].map((label, i) => `${label} ${of(rev, i + 1)} (${(of(rev, i + 1) / of(revs[0], i + 1)).toFixed(3)}×)`);
    console.log(`median ${rev}: ${cells.join(", ")}`);
  }
' "$log" "${revs[@]}"
