#!/usr/bin/env bash
# The test command of the README: set-up, lint, type-check, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx biome check . >&2
npx tsc -p tsconfig.json --noEmit >&2
npx vitest run "$@"
