#!/usr/bin/env bash
# Counts the pairs of places outside test/ that share six or more lines of the same shape (issue 13's
# "repeated code outside tests"), with the `duplicates` tool of the development machine:
#   bash scripts/duplicate-pairs.sh          # the count, then the pairs
# A pair counts when neither side is under test/.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=$(duplicates --most 200 --seconds 120 | grep '^D' | grep -v ' test/' | grep -v '^D[0-9]* test/' || true)
echo "non-test pairs: $(printf '%s' "$pairs" | grep -c '^D' || true)"
printf '%s\n' "$pairs"
