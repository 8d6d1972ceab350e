#!/usr/bin/env bash
# A Docker engine of this project's own, for the container test (test/docker) and for people trying the images:
# its own data, exec root and socket, no bridge, no iptables rules, so it touches nothing of the machine's
# network. Containers then run with --network host (loopback ports) or --network none.
#
#   scripts/docker-engine.sh start    start dockerd as root (idempotent), wait until it answers
#   scripts/docker-engine.sh stop     TERM the dockerd this script started (pid file), wait for it to exit
#   scripts/docker-engine.sh status   exit 0 = answering, 3 = not running
#   scripts/docker-engine.sh env      print the export line for the client (eval "$(... env)")
#   scripts/docker-engine.sh can-run  exit 0 when this machine can start the engine; else say why, exit 1
#
# Environment (all optional):
#   CHAT_DOCKER_ROOT      data root, images and layer cache, kept between runs   (/var/lib/chat-docker)
#   CHAT_DOCKER_EXEC      exec root, socket and pid file                         (/run/chat-docker)
#   CHAT_DOCKER_INSTALL   1: apt-get install docker.io when dockerd is missing   (0)
set -euo pipefail

DATA_ROOT="${CHAT_DOCKER_ROOT:-/var/lib/chat-docker}"
EXEC_ROOT="${CHAT_DOCKER_EXEC:-/run/chat-docker}"
SOCK="$EXEC_ROOT/docker.sock"
PIDFILE="$EXEC_ROOT/dockerd.pid"
LOG="$EXEC_ROOT/dockerd.log"
export DOCKER_HOST="unix://$SOCK"

log() { echo "[docker-engine] $*"; }
die() { echo "[docker-engine] ERROR: $*" >&2; exit 1; }

# The Debian client matches the Debian daemon; another docker on PATH may be newer than the daemon's API.
client() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi; }

running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

answers() { timeout 5 "$(command -v /usr/bin/docker || command -v docker)" -H "unix://$SOCK" version >/dev/null 2>&1; }

# Why the engine cannot start here, or nothing (exit 0) when it can.
cmd_can_run() {
  if [ "$(id -u)" != 0 ]; then echo "not root: dockerd needs root"; return 1; fi
  # debootstrap makes the base image (scripts/docker-images.sh) unless its tarball is cached.
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    if [ "${CHAT_DOCKER_INSTALL:-0}" = 1 ] && command -v apt-get >/dev/null; then
      log "installing docker.io and debootstrap from Debian" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap; } >/dev/null 2>&1 ||
        { echo "apt-get install docker.io debootstrap failed"; return 1; }
    elif ! command -v dockerd >/dev/null; then
      echo "no dockerd (apt-get install docker.io)"; return 1
    fi
  fi
  if ! grep -q cgroup /proc/filesystems; then echo "no cgroup filesystem in this kernel"; return 1; fi
  return 0
}

cmd_start() {
  local pid why
  if pid="$(running_pid)" && answers; then
    log "already running (pid $pid), $DOCKER_HOST"
    return 0
  fi
  why="$(cmd_can_run)" || die "cannot start: $why"
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  [ -S "$SOCK" ] && ! answers && rm -f "$SOCK"
  local t0=$SECONDS
  # setsid: the daemon outlives the calling shell. No bridge (docker0 is never made), no iptables/NAT rules.
  setsid dockerd \
    --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" -H "unix://$SOCK" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
    </dev/null >"$LOG" 2>&1 &
  local spawned=$!
  for _ in $(seq 1 120); do
    answers && break
    kill -0 "$spawned" 2>/dev/null || { tail -n 30 "$LOG" >&2; die "dockerd exited during start-up (log: $LOG)"; }
    sleep 0.5
  done
  answers || { tail -n 30 "$LOG" >&2; die "dockerd not answering on $SOCK after 60 s (log: $LOG)"; }
  log "started (pid $(cat "$PIDFILE")) in $((SECONDS - t0)) s, $DOCKER_HOST, data root $DATA_ROOT"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && die "dockerd (pid $pid) still running 30 s after TERM"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && answers; then
    log "running (pid $pid), $DOCKER_HOST, $(client version --format '{{.Server.Version}}' 2>/dev/null)"
    return 0
  fi
  log "not running"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  can-run) cmd_can_run ;;
  *) echo "usage: $0 {start|stop|status|env|can-run}" >&2; exit 2 ;;
esac
