#!/usr/bin/env bash
# npm run bench: every bench/*.bench.ts in turn (or the ones named), each printing a table
# and writing bench/results/<name>.json. Benchmarks measure; tests never time anything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p bench/results
if (($#)); then files=("$@"); else files=(bench/*.bench.ts); fi
for file in "${files[@]}"; do
  printf '\n=== %s ===\n' "$file"
  npx tsx "$file"
done
