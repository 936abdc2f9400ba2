#!/usr/bin/env bash
# `npm run schemas [-- --check]`: the files generated from the zod contract (schemas/generated/, the
# OpenAPI document among them), then the producer client's types generated from that document. The
# arguments (`--check`) go to both, in that order, so the client is always typed from the current document.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/with-node.sh tsx schemas/generate.ts "$@"
bash scripts/with-node.sh tsx clients/producer/generate.ts "$@"
