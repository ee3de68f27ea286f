#!/usr/bin/env bash
# Three-node Apache Kafka cluster (KRaft, each node a combined broker+controller, quorum of 3) on loopback, for
# the resilience suite (tests/resilience): a broker can be kill -9'd while the other two keep every partition
# writable (replication factor 3, min.insync.replicas=2). Same jars, config and JVM flags as kafka-broker.sh,
# whose functions this script sources.
#
#   kafka-cluster.sh start    fetch if needed, format three fresh nodes, start them, wait until all are ready and
#                             every contract topic (replication factor 3) has a serving leader
#   kafka-cluster.sh stop     stop the three nodes this script started (recorded pids)
#   kafka-cluster.sh status   exit 0 if all three run and accept connections
#   kafka-cluster.sh start-node N / kill-node N   one node (N = 1..3); kill-node sends SIGKILL (the crash test)
#
# Environment (all optional; the rest as for kafka-broker.sh: KAFKA_VERSION, KAFKA_HEAP_OPTS, KAFKA_OPTS, MVN):
#   KAFKA_CLUSTER_HOME        node1/ node2/ node3/ (config, data, logs, pid)  (default <this dir>/.kafka-cluster)
#   KAFKA_LIBS_DIR            the jars, shared with kafka-broker.sh            (default <this dir>/.kafka/libs)
#   KAFKA_CLUSTER_BASE_PORT   clients on BASE+1..3, controllers on BASE+101..103 (default 29091: 29092-29094 and
#                             29192-29194, clear of the single broker's 9092/9093 and the dev 19092/19093)
#   KAFKA_HEAP_OPTS           per node (default "-Xms128m -Xmx384m": three JVMs on a small machine)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$HERE/.kafka/libs}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx384m}"
# shellcheck source=SCRIPTDIR/kafka-broker.sh
. "$HERE/kafka-broker.sh"
# shellcheck disable=SC2034 # read by java-service.sh's log()
LOG_TAG=kafka-cluster
CHOME="${KAFKA_CLUSTER_HOME:-$HERE/.kafka-cluster}"
BASE="${KAFKA_CLUSTER_BASE_PORT:-29091}"
NODES=(1 2 3)
VOTERS="$(printf "%s@$HOST:%s," 1 $((BASE + 101)) 2 $((BASE + 102)) 3 $((BASE + 103)))"
VOTERS="${VOTERS%,}"
RF=3
MIN_ISR=2
# A kill -9ed broker holds its partitions' leadership until the controller fences it: that is
# broker.session.timeout.ms (default 9 s) without a heartbeat. 3 s (heartbeats every 500 ms) keeps the stall short;
# a follower that stops fetching leaves the ISR after replica.lag.time.max.ms (default 30 s), so acks=all writes
# do not wait on it for long either.
EXTRA_PROPS="broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
replica.lag.time.max.ms=5000"
BROKERS="$HOST:$((BASE + 1)),$HOST:$((BASE + 2)),$HOST:$((BASE + 3))"

use_node() { set_node "$1" $((BASE + $1)) $((BASE + 100 + $1)) "$CHOME/node$1"; }

start_node() {
  use_node "$1"
  if running_pid >/dev/null; then log "node $1 already running"; return 0; fi
  port_open "$PORT" && die "$HOST:$PORT is already in use by another process"
  port_open "$CPORT" && die "$HOST:$CPORT is already in use by another process"
  write_config
  # A restarted node keeps its data (it rejoins and catches up, like a crashed broker coming back).
  KAFKA_KEEP_DATA=1 format_storage
  launch_node
}

wait_node() {
  use_node "$1"
  local pid; pid="$(cat "$PIDFILE")"
  wait_until_ready "$pid" "$LOGS/kafka.out" "node $1" "$START_TIMEOUT" broker_ready
}

cmd_cluster_start() {
  local t0=$SECONDS n
  cmd_fetch
  for n in "${NODES[@]}"; do
    use_node "$n"
    if running_pid >/dev/null; then continue; fi
    # Fresh storage per start unless KAFKA_KEEP_DATA=1 (as kafka-broker.sh).
    [ "${KAFKA_KEEP_DATA:-0}" = 1 ] || rm -rf "$DATA"
  done
  # All three start before any is waited for: no node finishes start-up without a quorum majority.
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in "${NODES[@]}"; do wait_node "$n"; done
  log "3 brokers up in $((SECONDS - t0))s"
  if [ -f "$HERE/../../dist/libs/contracts/src/index.js" ]; then
    KAFKA_BROKERS="$BROKERS" KAFKA_REPLICATION_FACTOR=3 node "$HERE/create-topics.mjs" >&2 \
      || die "topics did not get leaders on all brokers"
  else
    log "dist/ not built: contract topics not created (node scripts/build.mjs, then start again)"
  fi
  log "ready in $((SECONDS - t0))s; KAFKA_BROKERS=$BROKERS"
}

cmd_cluster_stop() { local n; for n in "${NODES[@]}"; do use_node "$n"; stop_recorded_pid 30; done; }

cmd_cluster_status() {
  local n up=0
  for n in "${NODES[@]}"; do
    use_node "$n"
    if pid="$(running_pid)" && port_open "$PORT"; then log "node $n running (pid $pid) on $HOST:$PORT"; up=$((up + 1))
    else log "node $n not running"; fi
  done
  [ "$up" = 3 ]
}

cmd_kill_node() {
  use_node "$1"
  local pid; pid="$(running_pid)" || { log "node $1 not running"; return 0; }
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PIDFILE"
  log "node $1 killed (pid $pid)"
}

node_arg() { case "${1:-}" in 1 | 2 | 3) ;; *) die "node must be 1, 2 or 3" ;; esac; }

case "${1:-}" in
  start) cmd_cluster_start ;;
  stop) cmd_cluster_stop ;;
  status) cmd_cluster_status ;;
  start-node) node_arg "${2:-}"; start_node "$2"; wait_node "$2"; log "node $2 ready on $HOST:$PORT" ;;
  kill-node) node_arg "${2:-}"; cmd_kill_node "$2" ;;
  brokers) echo "$BROKERS" ;;
  *) echo "usage: $0 {start|stop|status|brokers|start-node N|kill-node N}" >&2; exit 2 ;;
esac
