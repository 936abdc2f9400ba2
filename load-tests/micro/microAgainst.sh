#!/usr/bin/env bash
# Runs one micro-benchmark alternately (A B B A A B …) in this checkout and in another commit's tree,
# each run in a process of its own, and compares the numbers of the output lines that match a
# pattern: for lines of the same shape, per number in them, the median over the runs of each side
# and after ÷ before.
# Two emulators in one process (a micro's `--base`) share the JIT, the heap and fauxqs' patched
# modules, and measured the same tree against itself at 0.8× — separate processes do not.
#
#   bash load-tests/micro/microAgainst.sh <before> <rounds> <line pattern> -- <micro.ts> [micro options]
#   bash load-tests/micro/microAgainst.sh e1cea27 4 '^\| this tree' -- load-tests/micro/dynamodbCallCost.ts --protocol batched
#   bash load-tests/micro/microAgainst.sh e1cea27 4 '^round' -- load-tests/micro/fauxqsPersistenceCost.ts --cycles 300
#
# The other commit is exported with `git archive` (it shares this checkout's node_modules, so
# compare commits with the same lockfile) and gets this checkout's copy of the micro, so both
# sides take the same options. Timings are noisy on a shared machine: read the ratio of medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
usage='usage: microAgainst.sh <before> <rounds> <line pattern> -- <micro.ts> [options]'
rev=${1:?$usage}
rounds=${2:?$usage}
pattern=${3:?$usage}
shift 3
[[ ${1:-} == -- ]] && shift
micro=${1:?$usage}
shift
short=$(git rev-parse --short "$rev")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git archive "$rev" | tar -x -C "$scratch"
ln -s "$root/node_modules" "$scratch/node_modules"
mkdir -p "$scratch/$(dirname "$micro")"
cp "$root/$micro" "$scratch/$micro"
# The micros' own helpers, as in this checkout.
for helper in benchFlags.ts writtenBytes.ts idempotencyRecords.ts; do cp "$root/load-tests/micro/$helper" "$scratch/load-tests/micro/$helper"; done

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
lines=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then order=(before after); else order=(after before); fi
  for side in "${order[@]}"; do
    if [[ $side == before ]]; then dir=$scratch; else dir=$root; fi
    out=$(cd "$dir" && bash "$root/scripts/with-node.sh" npx tsx "$micro" "$@" 2>&1) || {
      echo "$side failed:"
      echo "$out"
      exit 1
    }
    while IFS= read -r line; do
      echo "round $round $side: $line"
      lines+=("$side $line")
    done < <(grep -E -- "$pattern" <<<"$out")
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${lines[@]}" | node -e '
  // Lines of the same shape (their text with the numbers taken out) are compared with each other.
  const NUMBER = /-?\d+(\.\d+)?/g;
  const rows = require("node:fs").readFileSync(0, "utf8").trim().split("\n").map((l) => {
    const side = l.slice(0, l.indexOf(" "));
    const text = l.slice(side.length + 1);
    return { side, shape: text.replace(NUMBER, "#"), numbers: (text.match(NUMBER) ?? []).map(Number) };
  });
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  for (const shape of new Set(rows.map((r) => r.shape))) {
    console.log(`lines like: ${shape}`);
    const same = rows.filter((r) => r.shape === shape);
    for (let i = 0; i < same[0].numbers.length; i++) {
      const of = (side) => median(same.filter((r) => r.side === side).map((r) => r.numbers[i]));
      const [b, a] = [of("before"), of("after")];
      if (b === a) continue; // labels and constants of the line
      console.log(`  number ${i + 1}: median before ${b}, after ${a}, ratio ${(a / b).toFixed(3)}`);
    }
  }
'
echo "before = $short, after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo -dirty)"
