#!/usr/bin/env bash
# Compares the local cell's CPU per event and end-to-end rate with another commit's, in one sitting:
# `load-tests/profile.ts` runs alternately (A B A B …) on the two trees so that load from other work
# falls on both alike; compare the ratio of the medians, not the absolute figures.
#
#   bash load-tests/profileAgainst.sh <before> [rounds] [-- profile.ts options]
#   bash load-tests/profileAgainst.sh 5a8bb5f 3 -- --events 10000 --idempotency off
#
# The other commit is exported with `git archive` into a temporary directory (no worktree, no
# `npm ci`: it shares this checkout's node_modules, so compare commits with the same lockfile) and
# gets this checkout's profile.ts, so both sides take the same options.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rev=${1:?usage: profileAgainst.sh <before> [rounds] [-- profile.ts options]}
shift
rounds=3
if [[ $# -gt 0 && $1 != -- ]]; then rounds=$1; shift; fi
[[ ${1:-} == -- ]] && shift
short=$(git rev-parse --short "$rev")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git archive "$rev" | tar -x -C "$scratch"
ln -s "$root/node_modules" "$scratch/node_modules"
cp "$root/load-tests/profile.ts" "$scratch/load-tests/profile.ts"
mkdir -p "$scratch/load-tests/micro" && cp "$root"/load-tests/micro/{writtenBytes.ts,idempotencyRecords.ts} "$scratch/load-tests/micro/"

run() { # <label> <dir> -> "label cpu_ms_per_event events_per_s"
  local out
  out=$(cd "$2" && bash "$root/scripts/with-node.sh" npx tsx load-tests/profile.ts "${@:3}" 2>&1)
  local cpu rate other
  cpu=$(sed -n 's/^cell CPU: \([0-9.]*\) ms per event/\1/p' <<<"$out")
  rate=$(sed -n 's/^end to end: .* = \([0-9]*\) events\/s/\1/p' <<<"$out")
  other=$(sed -n 's/.*other threads: \([0-9.]*\) ms per event/\1/p' <<<"$out")
  written=$(sed -n 's/^written: \([0-9.]*\) KiB per event/\1/p' <<<"$out")
  echo "$1 $cpu $rate $other $written"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
results=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then order=(before after); else order=(after before); fi
  for side in "${order[@]}"; do
    if [[ $side == before ]]; then dir=$scratch; else dir=$root; fi
    line=$(run "$side" "$dir" "$@")
    echo "round $round: $line (cell cpu ms/event, events/s end to end, emulator-side cpu ms/event, KiB written/event)"
    results+=("$line")
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${results[@]}" | node -e '
  const rows = require("node:fs").readFileSync(0, "utf8").trim().split("\n").map((l) => l.split(" "));
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const of = (side, i) => median(rows.filter((r) => r[0] === side).map((r) => Number(r[i])));
  const line = (label, i) => { const [b, a] = [of("before", i), of("after", i)]; console.log(`median ${label}: before ${b}, after ${a}, ratio ${(a / b).toFixed(3)}`); };
  line("cell cpu ms/event", 1);
  line("end-to-end events/s", 2);
  line("cpu ms/event outside the main thread (emulators)", 3);
  line("KiB written per event (SQLite)", 4);
'
echo "before = $short, after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo -dirty)"
