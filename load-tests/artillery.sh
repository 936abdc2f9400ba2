#!/usr/bin/env bash
# Runs Artillery from load-tests/node_modules (installing it first if needed) under Node >= 22.18.
# Telemetry is off: load tests here must not call out of the machine.
#
# Usage: BEMS_URL=… BEMS_API_KEY=… bash load-tests/artillery.sh run load-tests/month-end.yml
#   BEMS_ACCEPTED_FILE  where accepted eventIds are appended; by default load-tests/out/accepted.jsonl,
#                       emptied at the start of each run so the verifier checks this run only
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd)"
bash "$here/install.sh"
: "${BEMS_URL:?set BEMS_URL to the cell API, e.g. http://127.0.0.1:4010}"
: "${BEMS_API_KEY:?set BEMS_API_KEY to an API key of that cell}"
export ARTILLERY_DISABLE_TELEMETRY=true
if [[ -z "${BEMS_ACCEPTED_FILE:-}" ]]; then
  export BEMS_ACCEPTED_FILE="$here/out/accepted.jsonl"
  mkdir -p "$here/out" && : > "$BEMS_ACCEPTED_FILE"
fi
echo "load-tests: accepted eventIds go to $BEMS_ACCEPTED_FILE" >&2
exec bash "$here/../scripts/with-node.sh" "$here/node_modules/.bin/artillery" "$@"
