#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: system packages, npm packages, the build.
# Every entry point (npm run main, npm test, npm run bench) calls it first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
command -v unshare >/dev/null || need_apt+=(util-linux)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm packages: reinstall only when the lock file changed since the last install.
stamp=node_modules/.nsgen-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  log 'installing npm packages (npm ci)'
  # No install scripts: faiss-node's would download a prebuild or clone faiss (neither is
  # reachable; scripts/setup-rag.sh builds it), tree-sitter's native builds are unused (the
  # .wasm grammars are), and esbuild runs from its platform package without its check.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  echo "$want" >"$stamp"
fi

# llama.cpp (node-llama-cpp), the peer that checks GGUF exports in the tests. It lives outside
# the lock file because the registry here lacks its other platforms' packages, which `npm ci`
# would demand; tsconfig.json and vitest.config.ts map the module name to this folder.
llama_version=3.22.1
tools=.cache/tools
if [[ $(node -p "try{require('./$tools/node_modules/node-llama-cpp/package.json').version}catch{''}") != "$llama_version" ]]; then
  log "installing node-llama-cpp@$llama_version under $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error "node-llama-cpp@$llama_version" >&2
fi

# Retrieval's native parts: faiss-node against libfaiss-dev, Neo4j's jars.
bash scripts/setup-rag.sh

# TensorFlow.js's native backend (scripts/setup-tensorflow.sh), the fastest for training. In
# CI a failure here is a failure; elsewhere training falls back to the wasm backend.
if ! bash scripts/setup-tensorflow.sh; then
  [[ ${CI:-} == true ]] && exit 1
  log 'TensorFlow set-up failed: training runs on the wasm backend (see the lines above)'
fi

log 'building (tsc)'
npx tsc -p tsconfig.build.json >&2

# The Docker sandbox's engine and image (scripts/setup-docker.sh). In CI a failure here is a
# failure; elsewhere the Docker tests are skipped with a note.
if ! bash scripts/setup-docker.sh; then
  [[ ${CI:-} == true ]] && exit 1
  log 'Docker set-up failed: the Docker sandbox tests will be skipped (see the lines above)'
fi
