#!/usr/bin/env bash
# Compares `npm run bench` of this checkout with another commit, in one sitting on one machine:
# the two run alternately (A B A B …) so that load from other work falls on both alike, and the
# figures are compared as ratios of medians (see docs/PERFORMANCE.md, "Before and after").
#
#   bash load-tests/benchAgainst.sh <before>[..<after>] [rounds] [-- bench options]
#   bash load-tests/benchAgainst.sh b71a3b2 2 -- --duration 30 --burst-events 10000
#   bash load-tests/benchAgainst.sh b71a3b2..7b4ca7d 3 -- --duration 20 --rate 500
#
# "after" is this checkout unless given. A commit is checked out in a temporary git worktree
# (removed at the end) with its own `npm ci`; results go to load-tests/results/against-<before>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
range=${1:?usage: benchAgainst.sh <before>[..<after>] [rounds] [-- bench options]}
shift
rev=${range%%..*}
after_rev=
[[ $range == *..* ]] && after_rev=${range#*..}
rounds=2
if [[ $# -gt 0 && $1 != -- ]]; then rounds=$1; shift; fi
[[ ${1:-} == -- ]] && shift
short=$(git rev-parse --short "$rev")
out="$root/load-tests/results/against-$short"
scratch=$(mktemp -d)
other=$scratch/bems-$short
after_dir=$root
mkdir -p "$out"
trap 'git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || true
      [[ $after_dir != "$root" ]] && git -C "$root" worktree remove --force "$after_dir" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$other" "$rev" >/dev/null
(cd "$other" && bash scripts/with-node.sh true >/dev/null)
if [[ -n $after_rev ]]; then
  after_dir=$scratch/bems-$(git rev-parse --short "$after_rev")
  git worktree add --detach "$after_dir" "$after_rev" >/dev/null
  (cd "$after_dir" && bash scripts/with-node.sh true >/dev/null)
fi

for ((round = 1; round <= rounds; round++)); do
  echo "== round $round/$rounds: $short (before)" >&2
  (cd "$other" && bash scripts/with-node.sh npx tsx load-tests/bench.ts "$@" --out "$out/before-$round.json") >"$out/before-$round.log" 2>&1 \
    || echo "   (exit $? — see $out/before-$round.log)" >&2
  echo "== round $round/$rounds: $(git -C "$after_dir" rev-parse --short HEAD) (after)" >&2
  (cd "$after_dir" && bash scripts/with-node.sh npx tsx load-tests/bench.ts "$@" --out "$out/after-$round.json") >"$out/after-$round.log" 2>&1 \
    || echo "   (exit $? — see $out/after-$round.log)" >&2
done
bash scripts/with-node.sh npx tsx load-tests/compareBenchResults.ts "$out" | tee "$out/comparison.md"
