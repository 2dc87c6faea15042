#!/usr/bin/env bash
# Idempotent set-up of retrieval's native parts (called by scripts/setup.sh):
# - faiss-node built from its sources against Debian's libfaiss-dev (its prebuild download
#   fails here), with the project's patch (rag/vector/faiss-node.patch: faiss 1.7.3's idx_t,
#   typed arrays, caught faiss exceptions, add_with_ids, efSearch/nprobe);
# - the jars of an embedded Neo4j with Bolt from Maven Central, and its launcher class,
#   under .cache/neo4j (the tests start it: rag/graph/neo4j-global-setup.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup-rag] %s\n' "$*" >&2; }

need_apt=()
[[ -f /usr/lib/x86_64-linux-gnu/libfaiss.a || -f /usr/lib/aarch64-linux-gnu/libfaiss.a ]] || need_apt+=(libfaiss-dev)
dpkg -s libopenblas-dev >/dev/null 2>&1 || need_apt+=(libopenblas-dev)
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
command -v javac >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# faiss-node: rebuilt when the package, the patch or the node version changed.
faiss_dir=node_modules/faiss-node
faiss_stamp=$faiss_dir/build/.nsgen-build-hash
faiss_want=$(cat rag/vector/faiss-node.patch "$faiss_dir/package.json" <(node -p process.versions.modules) | sha256sum | cut -d' ' -f1)
if [[ ! -f $faiss_stamp || $(cat "$faiss_stamp") != "$faiss_want" ]]; then
  log 'building faiss-node against libfaiss-dev'
  # A fresh install has the pristine sources; an earlier, interrupted build may have patched them.
  if patch -d "$faiss_dir" -p1 -N --dry-run --silent <rag/vector/faiss-node.patch >/dev/null 2>&1; then
    patch -d "$faiss_dir" -p1 -N --silent <rag/vector/faiss-node.patch
  fi
  gyp=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  [[ -f $gyp ]] || gyp=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  nodedir=()
  # Node's headers from the system package: node-gyp would otherwise download them.
  [[ -f /usr/include/node/common.gypi ]] && nodedir=(--nodedir=/usr)
  gyp_log=$(mktemp)
  if ! (cd "$faiss_dir" && node "$gyp" rebuild "${nodedir[@]}" --jobs=2 >"$gyp_log" 2>&1); then
    cat "$gyp_log" >&2
    exit 1
  fi
  rm -f "$gyp_log"
  echo "$faiss_want" >"$faiss_stamp"
fi

# Neo4j: jars once (cached), the launcher compiled when its source changed.
neo4j=.cache/neo4j
pom=rag/graph/neo4j-server/pom.xml
launcher=rag/graph/neo4j-server/NsgenNeo4jServer.java
jars_want=$(sha256sum "$pom" | cut -d' ' -f1)
if [[ ! -f $neo4j/lib/.pom-hash || $(cat "$neo4j/lib/.pom-hash") != "$jars_want" ]]; then
  log 'fetching Neo4j jars from Maven Central'
  rm -rf "$neo4j/lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$PWD/$neo4j/lib" \
    -Dmaven.repo.local="$PWD/.cache/m2" >&2
  echo "$jars_want" >"$neo4j/lib/.pom-hash"
fi
class_want=$(cat "$launcher" "$neo4j/lib/.pom-hash" | sha256sum | cut -d' ' -f1)
if [[ ! -f $neo4j/classes/.hash || $(cat "$neo4j/classes/.hash") != "$class_want" ]]; then
  log 'compiling the Neo4j launcher'
  rm -rf "$neo4j/classes"
  mkdir -p "$neo4j/classes"
  javac -d "$neo4j/classes" -cp "$neo4j/lib/*" "$launcher"
  echo "$class_want" >"$neo4j/classes/.hash"
fi
