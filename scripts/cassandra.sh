#!/usr/bin/env bash
# Single-node, loopback-only, throwaway Apache Cassandra 5.0 for tests and local dev.
# Jars come from Maven Central (cassandra-all + runtime deps); no tarball, no Docker.
#
#   scripts/cassandra.sh fetch    resolve the jars into the cache (idempotent)
#   scripts/cassandra.sh start    fetch if needed, start in the background, wait for CQL
#   scripts/cassandra.sh stop     TERM, then KILL after CASSANDRA_STOP_TIMEOUT seconds (the data stays)
#   scripts/cassandra.sh resume   start again on the data a stop left (an outage, not a new node);
#                                 a fresh start when there is none
#   scripts/cassandra.sh status   exit 0 = running and answering CQL, 1 = running but not
#                                 answering, 3 = not running
#   scripts/cassandra.sh run      in the foreground (exec java; a container's command), on the data a
#                                 previous run left, if any; the jars must be in the cache already
#   scripts/cassandra.sh cluster start|stop|status
#                                 a cluster of one node per address in CASSANDRA_CLUSTER_ADDRESSES
#                                 (127.0.0.2 127.0.0.3 127.0.0.4: each node binds its own loopback
#                                 address, same ports), started together, for a keyspace at RF 3
#   scripts/cassandra.sh cluster stop-node|resume-node <address>
#                                 one replica's outage and return (its data stays)
#
# Every `start` uses a FRESH data dir: data never survives a stop/start. `stop` then `resume` keeps it
# (fault tests stop a node and bring it back with its data).
# See scripts/cassandra.md for the numbers measured on the dev box.
#
# Environment (all optional):
#   CASSANDRA_VERSION       cassandra-all version                     (5.0.9)
#   CASSANDRA_HOME_DIR      jar cache root                            ($HOME/.cache/chat-cassandra)
#   CASSANDRA_ADDRESS       the loopback address the node binds       (127.0.0.1)
#   CASSANDRA_PORT          CQL native port, on that address only     (9042)
#   CASSANDRA_STORAGE_PORT  internode port, on that address only      (7000)
#   CASSANDRA_SEEDS         seed list                                 (the node itself)
#   CASSANDRA_INITIAL_TOKEN the node's one token                      (0)
#   CASSANDRA_CLUSTER_ADDRESSES  the cluster command's nodes          (127.0.0.2 127.0.0.3 127.0.0.4)
#   CASSANDRA_JMX_PORT      if set, local-only JMX for nodetool       (unset: no JMX at all)
#   CASSANDRA_RUN_DIR       run dir (conf, data, logs, pid)           (/tmp/chat-cassandra-$CASSANDRA_PORT,
#                                                                      -<address>-<port> off 127.0.0.1)
#   CASSANDRA_JAVA          java binary, must be JDK 17               (/usr/lib/jvm/java-17-openjdk-amd64/bin/java)
#   CASSANDRA_HEAP_MIN / CASSANDRA_HEAP_MAX                           (256m / 768m)
#   CASSANDRA_JVM_OPTS      extra JVM flags, appended last
#   CASSANDRA_SKIP_SYNC     true: no fsync of commitlog/sstables      (true; throwaway data)
#   CASSANDRA_START_TIMEOUT seconds to wait for CQL                   (180)
#   CASSANDRA_STOP_TIMEOUT  seconds between TERM and KILL             (30)
#   CASSANDRA_MVN           maven binary                              (mvn)
#   CASSANDRA_MVN_ARGS      extra maven args (e.g. -Dmaven.repo.local=...)
set -euo pipefail

CASSANDRA_VERSION="${CASSANDRA_VERSION:-5.0.9}"
HOME_DIR="${CASSANDRA_HOME_DIR:-${HOME:-/root}/.cache/chat-cassandra}"
LIB="$HOME_DIR/lib-$CASSANDRA_VERSION"
ADDRESS="${CASSANDRA_ADDRESS:-127.0.0.1}"
CQL_PORT="${CASSANDRA_PORT:-9042}"
STORAGE_PORT="${CASSANDRA_STORAGE_PORT:-7000}"
SEEDS="${CASSANDRA_SEEDS:-$ADDRESS:$STORAGE_PORT}"
INITIAL_TOKEN="${CASSANDRA_INITIAL_TOKEN:-0}"
CLUSTER_ADDRESSES="${CASSANDRA_CLUSTER_ADDRESSES:-127.0.0.2 127.0.0.3 127.0.0.4}"
if [ "$ADDRESS" = 127.0.0.1 ]; then DEFAULT_RUN="/tmp/chat-cassandra-$CQL_PORT"; else DEFAULT_RUN="/tmp/chat-cassandra-$ADDRESS-$CQL_PORT"; fi
RUN="${CASSANDRA_RUN_DIR:-$DEFAULT_RUN}"
JAVA="${CASSANDRA_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}"
HEAP_MIN="${CASSANDRA_HEAP_MIN:-256m}"
HEAP_MAX="${CASSANDRA_HEAP_MAX:-768m}"
SKIP_SYNC="${CASSANDRA_SKIP_SYNC:-true}"
START_TIMEOUT="${CASSANDRA_START_TIMEOUT:-180}"
STOP_TIMEOUT="${CASSANDRA_STOP_TIMEOUT:-30}"
MVN="${CASSANDRA_MVN:-mvn}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
READY_LINE="Starting listening for CQL clients"
PIDFILE="$RUN/cassandra.pid"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"

log() { echo "[cassandra] $*"; }
die() { echo "[cassandra] ERROR: $*" >&2; exit 1; }

for v in HOME_DIR LIB RUN; do
  [ -n "${!v}" ] && [ "${!v}" != "/" ] || die "$v is empty or /"
done
case "$CQL_PORT$STORAGE_PORT" in *[!0-9]*) die "ports must be numeric";; esac

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -1; }

check_java() {
  [ -x "$JAVA" ] || die "no java at $JAVA (Cassandra 5.0 needs JDK 17; set CASSANDRA_JAVA)"
  local m; m="$(java_major "$JAVA")"
  # 5.0 calls System.setSecurityManager at boot: JDK 21 needs extra flags, JDK >= 24 cannot run it.
  [ "$m" = 17 ] || die "$JAVA is JDK $m; this script runs Cassandra 5.0 on JDK 17 only"
}

# ---------------------------------------------------------------- fetch
cmd_fetch() {
  if [ -f "$LIB/.done" ]; then
    log "jars cached in $LIB"
    return 0
  fi
  command -v "$MVN" >/dev/null || die "maven ($MVN) not found"
  local pomdir="$HOME_DIR/pom-$CASSANDRA_VERSION" tmp="$LIB.tmp.$$"
  mkdir -p "$pomdir"
  cat >"$pomdir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.chat</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>$CASSANDRA_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  log "resolving org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION with Maven into $LIB"
  rm -rf "$tmp"
  local t0=$SECONDS
  local jhome="${JAVA_HOME:-}"
  [ -x "$JAVA" ] && jhome="$(dirname "$(dirname "$(readlink -f "$JAVA")")")"
  # shellcheck disable=SC2086
  if ! JAVA_HOME="$jhome" \
      "$MVN" -B -Dstyle.color=never -f "$pomdir/pom.xml" ${CASSANDRA_MVN_ARGS:-} \
      "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$tmp" \
      >"$pomdir/mvn.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$pomdir/mvn.log" >&2
    die "maven failed to resolve cassandra-all:$CASSANDRA_VERSION (full log: $pomdir/mvn.log)"
  fi
  ls "$tmp"/cassandra-all-"$CASSANDRA_VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "cassandra-all jar missing after fetch"; }
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  touch "$LIB/.done"
  log "fetched $(ls "$LIB"/*.jar | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- helpers
running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: it must be our CassandraDaemon
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon' || return 1
  echo "$pid"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$ADDRESS/$1" 2>/dev/null; }

# A real native-protocol round trip: send a v4 OPTIONS frame, expect SUPPORTED (0x84 .. 0x06).
cql_answers() {
  local r
  r="$(timeout 3 bash -c "exec 3<>/dev/tcp/$ADDRESS/$CQL_PORT || exit 1
        printf '\x04\x00\x00\x01\x05\x00\x00\x00\x00' >&3
        head -c 5 <&3 | od -An -tx1" 2>/dev/null)" || return 1
  [[ "$r" == *"84 00 00 01 06"* ]]
}

ready() {
  [ -f "$RUN/logs/system.log" ] && grep -q "$READY_LINE" "$RUN/logs/system.log" && cql_answers
}

# Optional: a real CQL query through the Node driver, if the repo has it installed.
driver_check() {
  [ -d "$REPO_DIR/node_modules/cassandra-driver" ] && command -v node >/dev/null || return 0
  local out
  if out="$(cd "$REPO_DIR" && CQL_HOST="$ADDRESS" CQL_PORT="$CQL_PORT" timeout 30 node -e '
      const c = new (require("cassandra-driver").Client)({contactPoints: [process.env.CQL_HOST + ":" + process.env.CQL_PORT], localDataCenter: "datacenter1"});
      c.execute("SELECT release_version FROM system.local")
        .then(r => { console.log(r.rows[0].release_version); return c.shutdown(); })
        .catch(e => { console.error(e.message); c.shutdown(); process.exit(1); });' 2>&1)"; then
    log "driver check: SELECT release_version FROM system.local -> $out"
  else
    log "WARNING: node cassandra-driver query failed: $out"
    return 1
  fi
}

fail_start() {
  echo "[cassandra] ERROR: $1" >&2
  echo "----- tail of $RUN/logs/system.log -----" >&2
  tail -n 40 "$RUN/logs/system.log" >&2 2>/dev/null || true
  echo "----- tail of $RUN/logs/stdout.log -----" >&2
  tail -n 30 "$RUN/logs/stdout.log" >&2 2>/dev/null || true
  exit 1
}

wait_ready() { # $1 = pid, $2 = start epoch (ms)
  local pid="$1" t0="$2" deadline=$((SECONDS + START_TIMEOUT))
  while ! ready; do
    kill -0 "$pid" 2>/dev/null || fail_start "Cassandra (pid $pid) exited during start-up"
    [ "$SECONDS" -lt "$deadline" ] || {
      kill -KILL "$pid" 2>/dev/null || true
      fail_start "CQL not answering on $ADDRESS:$CQL_PORT after ${START_TIMEOUT}s (killed pid $pid)"
    }
    sleep 0.25
  done
  local ms=$(( $(date +%s%3N) - t0 ))
  driver_check || true
  log "CQL ready on $ADDRESS:$CQL_PORT (pid $pid) - start-up took $((ms / 1000)).$(printf %03d $((ms % 1000)) | cut -c1-2) s"
}

write_conf() {
  mkdir -p "$RUN"/conf/triggers "$RUN"/data "$RUN"/logs "$RUN"/tmp
  cat >"$RUN/conf/cassandra.yaml" <<EOF
# Generated by scripts/cassandra.sh - throwaway node for tests, loopback only.
cluster_name: chat-test
num_tokens: 1
initial_token: $INITIAL_TOKEN
# A new, empty cluster: nothing to stream, so every node starts at once.
auto_bootstrap: false
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$SEEDS"
listen_address: $ADDRESS
rpc_address: $ADDRESS
storage_port: $STORAGE_PORT
native_transport_port: $CQL_PORT
start_native_transport: true
data_file_directories: [ $RUN/data/data ]
commitlog_directory: $RUN/data/commitlog
saved_caches_directory: $RUN/data/saved_caches
hints_directory: $RUN/data/hints
cdc_raw_directory: $RUN/data/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 16MiB
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
auto_snapshot: false
incremental_backups: false
snapshot_before_compaction: false
hinted_handoff_enabled: false
dynamic_snitch: false
key_cache_size: 0MiB
counter_cache_size: 0MiB
row_cache_size: 0MiB
prepared_statements_cache_size: 8MiB
networking_cache_size: 16MiB
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
memtable_flush_writers: 1
concurrent_reads: 4
concurrent_writes: 4
concurrent_counter_writes: 4
concurrent_materialized_view_writes: 2
concurrent_compactors: 1
compaction_throughput: 0MiB/s
# Paxos v2 (5.0): two round trips per lightweight transaction instead of four; send dedupe uses one per send.
paxos_variant: v2
EOF
  cat >"$RUN/conf/logback.xml" <<'EOF'
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${cassandra.logdir}/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
}

jvm_flags() {
  local jamm; jamm="$(ls "$LIB"/jamm-*.jar 2>/dev/null | head -1)"
  cat <<EOF
-ea
-da:net.openhft...
-Xss256k
-XX:+UseTLAB
-XX:+ResizeTLAB
-XX:+PerfDisableSharedMem
-XX:+ExitOnOutOfMemoryError
-Xms$HEAP_MIN
-Xmx$HEAP_MAX
-XX:+UseG1GC
-XX:+ParallelRefProcEnabled
-XX:MaxTenuringThreshold=1
-XX:G1RSetUpdatingPauseTimePercent=5
-XX:MaxGCPauseMillis=300
-XX:InitiatingHeapOccupancyPercent=70
-Djava.net.preferIPv4Stack=true
-Dchronicle.analytics.disable=true
-Djdk.attach.allowAttachSelf=true
--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports=java.sql/java.sql=ALL-UNNAMED
--add-exports=java.base/java.lang.ref=ALL-UNNAMED
--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens=java.base/java.lang.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens=java.base/jdk.internal.math=ALL-UNNAMED
--add-opens=java.base/jdk.internal.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED
--add-opens=java.base/java.nio=ALL-UNNAMED
-Dio.netty.tryReflectionSetAccessible=true
-Dio.netty.allocator.useCacheForAllThreads=true
-Dio.netty.allocator.maxOrder=11
-Dcassandra.skip_wait_for_gossip_to_settle=0
-Dcassandra.ring_delay_ms=1000
-Dcassandra.superuser_setup_delay_ms=0
-Dcassandra.shutdown_announce_in_ms=0
-Dcassandra.libjemalloc=-
-Dcassandra.test.flush_local_schema_changes=false
-Dcassandra.skip_sync=$SKIP_SYNC
-Dcassandra.config=file://$RUN/conf/cassandra.yaml
-Dlogback.configurationFile=$RUN/conf/logback.xml
-Dcassandra.logdir=$RUN/logs
-Dcassandra.storagedir=$RUN/data
-Dcassandra.triggers_dir=$RUN/conf/triggers
-Dcassandra-foreground=yes
-Djava.io.tmpdir=$RUN/tmp
-Djna.tmpdir=$RUN/tmp
EOF
  [ -n "$jamm" ] && echo "-javaagent:$jamm"
  [ -n "${CASSANDRA_JMX_PORT:-}" ] && echo "-Dcassandra.jmx.local.port=$CASSANDRA_JMX_PORT"
  return 0
}

# ---------------------------------------------------------------- start / stop / status
cmd_start() {
  local keep="${1:-fresh}"
  local pid
  if pid="$(running_pid)"; then
    if ready; then
      log "already running (pid $pid) and answering CQL on $ADDRESS:$CQL_PORT"
      return 0
    fi
    log "already starting (pid $pid); waiting for CQL"
    wait_ready "$pid" "$(date +%s%3N)"
    return 0
  fi
  port_open "$CQL_PORT" && die "$ADDRESS:$CQL_PORT is already in use by another process (set CASSANDRA_PORT)"
  port_open "$STORAGE_PORT" && die "$ADDRESS:$STORAGE_PORT is already in use by another process (set CASSANDRA_STORAGE_PORT)"
  check_java
  cmd_fetch

  if [ "$keep" = keep ] && [ -d "$RUN/data" ]; then
    log "resuming on the data in $RUN/data"
  else
    rm -rf "$RUN"
  fi
  write_conf
  local -a flags
  mapfile -t flags < <(jvm_flags)
  # shellcheck disable=SC2206
  local -a extra=(${CASSANDRA_JVM_OPTS:-})
  local t0; t0="$(date +%s%3N)"
  # setsid: own session, so the daemon survives the calling shell and its Ctrl-C.
  ( cd "$RUN" && exec setsid "$JAVA" "${flags[@]}" "${extra[@]}" -cp "$RUN/conf:$LIB/*" \
      org.apache.cassandra.service.CassandraDaemon </dev/null >"$RUN/logs/stdout.log" 2>&1 ) &
  pid=$!
  echo "$pid" >"$PIDFILE"
  log "started Cassandra $CASSANDRA_VERSION (pid $pid, run dir $RUN, heap $HEAP_MIN..$HEAP_MAX); waiting up to ${START_TIMEOUT}s for CQL"
  wait_ready "$pid" "$t0"
}

# The container's command (docker/local/cassandra.Dockerfile): java becomes this process and gets the stop signal.
cmd_run() {
  check_java
  [ -f "$LIB/.done" ] || die "no jars in $LIB (scripts/cassandra.sh fetch)"
  [ -d "$RUN/data" ] && log "resuming on the data in $RUN/data"
  write_conf
  local -a flags
  mapfile -t flags < <(jvm_flags)
  # shellcheck disable=SC2206
  local -a extra=(${CASSANDRA_JVM_OPTS:-})
  log "running Cassandra $CASSANDRA_VERSION in the foreground (run dir $RUN, CQL on $ADDRESS:$CQL_PORT)"
  cd "$RUN"
  # exec keeps this pid: `status` (the container's health check) finds the daemon by it.
  echo $$ >"$PIDFILE"
  exec "$JAVA" "${flags[@]}" "${extra[@]}" -cp "$RUN/conf:$LIB/*" org.apache.cassandra.service.CassandraDaemon
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  local t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - t0)) -ge "$STOP_TIMEOUT" ]; then
      log "still alive after ${STOP_TIMEOUT}s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$PIDFILE"
  log "stopped (pid $pid) in $((SECONDS - t0)) s"
}

cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running (run dir $RUN)"
    return 3
  fi
  local rss; rss="$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ')"
  if ready; then
    log "running (pid $pid, RSS $((rss / 1024)) MiB), CQL answering on $ADDRESS:$CQL_PORT"
    return 0
  fi
  log "running (pid $pid, RSS $((rss / 1024)) MiB) but CQL NOT answering on $ADDRESS:$CQL_PORT"
  return 1
}

# The cluster command: one node per address, tokens evenly spaced over Murmur3's range, the first address
# the seed. Each node is this script with CASSANDRA_ADDRESS set (own run dir, own log); `start` starts them
# together and waits for all. The single node at 127.0.0.1 is not touched.
cluster_tokens() { # $1 = node count: evenly spaced tokens, from -2^63
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    echo "-9223372036854775808 + $i * (18446744073709551616 / $n)" | bc
  done
}

cmd_cluster() {
  local action="${1:-}" addr i=0 rc=0 seed
  local -a addrs tokens pids
  read -r -a addrs <<<"$CLUSTER_ADDRESSES"
  seed="${addrs[0]}:$STORAGE_PORT"
  mapfile -t tokens < <(cluster_tokens "${#addrs[@]}")
  case "$action" in
    start)
      cmd_fetch
      for addr in "${addrs[@]}"; do
        CASSANDRA_ADDRESS="$addr" CASSANDRA_SEEDS="$seed" CASSANDRA_INITIAL_TOKEN="${tokens[$i]}" \
          CASSANDRA_CLUSTER_ADDRESSES='' bash "$0" start &
        pids+=($!)
        if [ "$i" = 0 ]; then
          # The others gossip with the seed as they start ("Unable to gossip with any peers" otherwise): wait
          # until it listens on its storage port.
          local deadline=$((SECONDS + START_TIMEOUT))
          until ADDRESS="${addrs[0]}" port_open "$STORAGE_PORT"; do
            kill -0 "${pids[0]}" 2>/dev/null || die "the seed ${addrs[0]} did not start"
            [ "$SECONDS" -lt "$deadline" ] || die "the seed ${addrs[0]} is not listening on $STORAGE_PORT"
            sleep 0.5
          done
        fi
        i=$((i + 1))
      done
      for i in "${pids[@]}"; do wait "$i" || rc=1; done
      [ "$rc" = 0 ] || die "a cluster node did not start (see the lines above)"
      log "cluster of ${#addrs[@]} up: contact points $(printf '%s:'"$CQL_PORT"',' "${addrs[@]}" | sed 's/,$//')"
      ;;
    stop | status)
      for addr in "${addrs[@]}"; do
        CASSANDRA_ADDRESS="$addr" bash "$0" "$action" || rc=$?
      done
      return "$rc"
      ;;
    stop-node | resume-node) # $2 = one of the addresses: an outage of that replica, then its return
      local want="${2:-}" verb=stop
      [ "$action" = resume-node ] && verb=resume
      for addr in "${addrs[@]}"; do
        if [ "$addr" = "$want" ]; then
          CASSANDRA_ADDRESS="$addr" CASSANDRA_SEEDS="$seed" CASSANDRA_INITIAL_TOKEN="${tokens[$i]}" \
            CASSANDRA_CLUSTER_ADDRESSES='' bash "$0" "$verb"
          return
        fi
        i=$((i + 1))
      done
      die "$want is not one of the cluster's addresses ($CLUSTER_ADDRESSES)"
      ;;
    *) echo "usage: $0 cluster {start|stop|status|stop-node <address>|resume-node <address>}" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  cluster) cmd_cluster "${2:-}" "${3:-}" ;;
  fetch)  cmd_fetch ;;
  start)  cmd_start ;;
  stop)   cmd_stop ;;
  status) cmd_status ;;
  resume) cmd_start keep ;;
  run) cmd_run ;;
  restart) cmd_stop; cmd_start ;;
  *) echo "usage: $0 {fetch|start|stop|resume|status|restart|run|cluster start|cluster stop|cluster status}" >&2; exit 2 ;;
esac
