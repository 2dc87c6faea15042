#!/usr/bin/env bash
# The README's main command: nsgen on embedded defaults (process sandbox, in-memory stores,
# no model server), after its own set-up. Three runs, each writing journal.jsonl,
# report.json and report.html under runs/main-<time>/:
#   symbolic   the quickstart tasks solved with no language model (synthesis + Z3);
#   samples    recorded right and wrong programs for them scored by every verifier;
#   humaneval  HumanEval's 164 reference solutions through the evaluation harness.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

out=runs/main-$(date +%Y%m%d-%H%M%S)
nsgen() { node dist/src/cli/main.js "$@"; }

printf '\n== symbolic mode: examples/tasks/quickstart.jsonl, no model ==\n'
nsgen run examples/tasks/quickstart.jsonl --mode symbolic --out "$out/symbolic"

printf '\n== recorded samples for the same tasks, scored by every verifier ==\n'
nsgen run examples/tasks/quickstart.jsonl --model replay:examples/tasks/quickstart-samples.jsonl \
  --timeout-ms 3000 --concurrency 2 --out "$out/samples"

printf '\n== HumanEval, reference solutions ==\n'
nsgen eval --dataset humaneval --model replay:canonical --concurrency 2 --out "$out/humaneval"

printf '\nReports: %s/{symbolic,samples,humaneval}/report.html\n' "$out"
