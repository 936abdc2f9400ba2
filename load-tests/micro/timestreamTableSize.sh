#!/usr/bin/env bash
# The Timestream store's write cost against the number of records it already holds: one line per
# (prefill, key spread, page cache) of `timestreamWriteCost.ts --phases store` (the read model's
# indexes on, background checkpoints every 250 ms as in the cell), each in its own process.
# CPU is noisy on a shared machine; read and written KiB per call are exact.
#
#   bash load-tests/micro/timestreamTableSize.sh [calls] [prefills] [keys] [cache KiB values]
#   bash load-tests/micro/timestreamTableSize.sh 2000 "0 100000 500000" "ordered cell" "default 65536"
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-2000}
prefills=${2:-0 100000 500000}
spreads=${3:-ordered cell}
caches=${4:-default 65536}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "prefill keys cacheKiB | cpuMsPerCall mainCpuMsPerCall writtenKiBPerCall readKiBPerCall | load"
for prefill in $prefills; do
  for keys in $spreads; do
    for cache in $caches; do
      out=$(bash scripts/with-node.sh npx tsx load-tests/micro/timestreamWriteCost.ts --phases store --calls "$calls" \
        --prefill "$prefill" --keys "$keys" --cache-kib "$cache")
      node -e '
        const r = JSON.parse(process.argv[1]).store;
        console.log(`${process.argv[2]} ${process.argv[3]} ${process.argv[4]} | ${r.cpuMsPerCall} ${r.mainCpuMsPerCall} ${r.writtenKiBPerCall} ${r.readKiBPerCall} | ${process.argv[5]}`);
      ' "$out" "$prefill" "$keys" "$cache" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
