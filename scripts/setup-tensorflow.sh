#!/usr/bin/env bash
# Idempotent set-up of TensorFlow.js's native backend (called by scripts/setup.sh).
#
# @tensorflow/tfjs-node (an optional dependency) normally downloads libtensorflow and a
# prebuilt addon from Google's storage at install time, which is not reachable here. The
# TensorFlow C library is also inside the `tensorflow-cpu` wheel on PyPI (libtensorflow_cc
# exports the C and eager C APIs the addon calls), so this script takes the library and its
# headers from the pinned wheel and compiles the addon's own sources against them.
# Without it, training falls back to the wasm backend.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup-tensorflow] %s\n' "$*" >&2; }

tfjs_node=node_modules/@tensorflow/tfjs-node
if [[ ! -f $tfjs_node/binding.gyp ]]; then
  log "$tfjs_node is not installed (optional dependency): the native backend is unavailable"
  exit 1
fi
if [[ $(uname -s)-$(uname -m) != Linux-x86_64 ]]; then
  log "no pinned TensorFlow wheel for $(uname -s)-$(uname -m): the native backend is unavailable"
  exit 1
fi

# The wheel is chosen by platform, not by the local Python: only its shared libraries are used.
tf_version=2.15.1
wheel_dir=.cache/tensorflow
napi=8
addon=$tfjs_node/lib/napi-v$napi/tfjs_binding.node
stamp=$tfjs_node/deps/.nsgen-build-hash
want=$(cat "$0" "$tfjs_node/package.json" <(node -p process.versions.modules) | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $addon ]]; then
  exit 0
fi

wheel=$(ls "$wheel_dir"/tensorflow_cpu-"$tf_version"-*.whl 2>/dev/null | head -n1 || true)
if [[ -z $wheel ]]; then
  log "downloading tensorflow-cpu $tf_version from PyPI (about 200 MB, once)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --python-version 311 --dest "$wheel_dir" "tensorflow-cpu==$tf_version" >&2
  wheel=$(ls "$wheel_dir"/tensorflow_cpu-"$tf_version"-*.whl | head -n1)
fi

log "building the tfjs-node addon against libtensorflow $tf_version"
deps=$tfjs_node/deps
rm -rf "$deps" "$tfjs_node/lib" "$tfjs_node/build"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
python3 - "$wheel" "$unpacked" <<'PY'
import sys, zipfile
wanted = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
with zipfile.ZipFile(sys.argv[1]) as wheel:
    members = [n for n in wheel.namelist() if n in wanted or n.startswith('tensorflow/include/')]
    wheel.extractall(sys.argv[2], members)
PY
mkdir -p "$deps/lib"
mv "$unpacked/tensorflow/include" "$deps/include"
mv "$unpacked/tensorflow/libtensorflow_cc.so.2" "$unpacked/tensorflow/libtensorflow_framework.so.2" "$deps/lib/"
# binding.gyp links -ltensorflow -ltensorflow_framework; the addon's rpath finds deps/lib.
ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so"
ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so.2"
ln -s libtensorflow_framework.so.2 "$deps/lib/libtensorflow_framework.so"

gyp=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
[[ -f $gyp ]] || gyp=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
nodedir=()
# Node's headers from the system package: node-gyp would otherwise download them.
[[ -f /usr/include/node/common.gypi ]] && nodedir=(--nodedir=/usr)
gyp_log=$(mktemp)
if ! (cd "$tfjs_node" && node "$gyp" rebuild "${nodedir[@]}" --jobs=2 --module_name=tfjs_binding \
  --module_path="./lib/napi-v$napi" --napi_build_version="$napi" >"$gyp_log" 2>&1); then
  cat "$gyp_log" >&2
  rm -f "$gyp_log"
  exit 1
fi
rm -f "$gyp_log"
mkdir -p "$(dirname "$addon")"
cp "$tfjs_node/build/Release/tfjs_binding.node" "$addon"
# Headers and objects are only needed to compile (about 170 MB).
rm -rf "$deps/include" "$tfjs_node/build"

if ! node -e "require('./$tfjs_node'); const tf = require('@tensorflow/tfjs'); if (tf.getBackend() !== 'tensorflow') process.exit(1)" 2>/dev/null; then
  log 'the addon was built but the tensorflow backend does not start'
  exit 1
fi
echo "$want" >"$stamp"
log "tensorflow backend ready (libtensorflow $tf_version)"
