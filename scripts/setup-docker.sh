#!/usr/bin/env bash
# Idempotent Docker set-up for the Docker sandbox: install and start an engine when none
# answers, then build the sandbox image when it is missing. Called by scripts/setup.sh.
#
# The image is built offline from the host's own runtime files (Debian's python3.11, the
# node binary that runs nsgen, a shell and a few coreutils, and every shared library they
# load), so no registry is needed and the container runs the same interpreters as the
# process sandbox. Building takes seconds. The tag names a recipe version: change
# IMAGE_VERSION (and DOCKER_SANDBOX_DEFAULTS.image in sandbox/docker) when the recipe changes.
#
# Environment: NSGEN_DOCKER=skip skips everything (machines that will never run Docker jobs);
# NSGEN_DOCKER_IMAGE overrides the tag.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup-docker] %s\n' "$*" >&2; }

IMAGE_VERSION=1
IMAGE=${NSGEN_DOCKER_IMAGE:-nsgen-sandbox:$IMAGE_VERSION}
SANDBOX_UID=10001
DOCKERD_LOG=/var/log/nsgen-dockerd.log

if [[ ${NSGEN_DOCKER:-} == skip ]]; then
  log 'NSGEN_DOCKER=skip: not setting up Docker'
  exit 0
fi

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if ! engine_answers; then
  if ! command -v dockerd >/dev/null; then
    if [[ $(id -u) != 0 ]]; then
      log 'no Docker engine and not root: install docker.io and start dockerd, then rerun'
      exit 1
    fi
    log 'installing docker.io from Debian'
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
  if ! engine_answers; then
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid: the engine must outlive this script and the test run that called it.
    setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
    for _ in $(seq 1 60); do
      engine_answers && break
      sleep 0.5
    done
    if ! engine_answers; then
      log "dockerd did not answer within 30 s; its log ends with:"
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
  fi
fi

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi

log "building the sandbox image $IMAGE from the host's runtime files"
python=$(readlink -f /usr/bin/python3)
node=$(readlink -f "$(command -v node)")
if [[ ! -x $python || ! -x $node ]]; then
  log "need Debian's /usr/bin/python3 and node on the host (found: '$python', '$node')"
  exit 1
fi
pylib=/usr/lib/$(basename "$python")
rootfs=$(mktemp -d /tmp/nsgen-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

copy() { # copy PATH into the rootfs at the same place, keeping links and modes
  local path=$1
  mkdir -p "$rootfs$(dirname "$path")"
  cp -a "$path" "$rootfs$path"
}

# Mirror the host's merged-/usr links (/bin -> usr/bin, /lib64 -> usr/lib64, ...) first, so
# that library links such as /lib64/ld-linux-x86-64.so.2 resolve inside the image too.
for top in bin sbin lib lib32 lib64; do
  if [[ -L /$top ]]; then
    mkdir -p "$rootfs/$(readlink "/$top")"
    ln -s "$(readlink "/$top")" "$rootfs/$top"
  fi
done

binaries=("$python" "$node" /bin/sh /bin/dash /bin/sleep /bin/cat /bin/ls /bin/echo /bin/true /usr/bin/env)
for path in "${binaries[@]}"; do copy "$(readlink -f "$path")"; done
ln -s "$(basename "$python")" "$rootfs/usr/bin/python3"
ln -s python3 "$rootfs/usr/bin/python"
[[ $node == /usr/bin/node ]] || ln -s "$node" "$rootfs/usr/bin/node"
[[ -e $rootfs/bin/sh ]] || ln -s dash "$rootfs/bin/sh"

mkdir -p "$rootfs$pylib"
tar -C "$pylib" --exclude=./test --exclude=./idlelib --exclude=./tkinter --exclude=./turtledemo \
  --exclude=./ensurepip --exclude=./lib2to3/tests -cf - . | tar -C "$rootfs$pylib" -xf -
# Make sure the bytecode of the standard library exists, so imports never write (read-only root).
"$python" -m compileall -q -j 0 "$rootfs$pylib" >/dev/null 2>&1 || true

# Every shared library any ELF file in the image loads, with its links.
mapfile -t elves < <(find "$rootfs" -type f \( -perm -u+x -o -name '*.so*' \) -print)
declare -A seen=()
for file in "${elves[@]}"; do
  while read -r lib; do
    [[ -n $lib && -z ${seen[$lib]:-} ]] || continue
    seen[$lib]=1
    copy "$lib"
    real=$(readlink -f "$lib")
    [[ $real == "$lib" ]] || copy "$real"
  done < <(ldd "$file" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' || true)
done

mkdir -p "$rootfs"/{etc,tmp,proc,sys,dev,home/sandbox,opt/nsgen}
chmod 1777 "$rootfs/tmp"
chown "$SANDBOX_UID:$SANDBOX_UID" "$rootfs/home/sandbox"
printf 'root:x:0:0:root:/root:/bin/sh\nsandbox:x:%s:%s:sandbox:/home/sandbox:/bin/sh\n' \
  "$SANDBOX_UID" "$SANDBOX_UID" >"$rootfs/etc/passwd"
printf 'root:x:0:\nsandbox:x:%s:\n' "$SANDBOX_UID" >"$rootfs/etc/group"

tar -C "$rootfs" -cf - . | docker import \
  --change "USER $SANDBOX_UID:$SANDBOX_UID" \
  --change 'WORKDIR /tmp' \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8' \
  --change 'LABEL org.nsgen.sandbox-image=1' \
  --change 'CMD ["/bin/sleep", "infinity"]' \
  - "$IMAGE" >/dev/null
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
