#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) for tests and local runs, without Docker.
# The jars come from Maven Central through pom.xml beside this script; the JVM is the machine's Java 17.
#
#   kafka-broker.sh fetch    copy the broker classpath into $KAFKA_HOME_DIR/libs (mvn, once)
#   kafka-broker.sh start    fetch if needed, format fresh storage, start in the background, wait until ready
#   kafka-broker.sh stop     stop the broker this script started (by its recorded pid), wait for it to exit
#   kafka-broker.sh status   exit 0 if our broker runs and accepts connections
#
# Environment (all optional):
#   KAFKA_PORT             client listener on 127.0.0.1                 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1       (default 9093)
#   KAFKA_VERSION          Kafka release from Maven Central             (default: pom's kafka.version, 3.9.1)
#   KAFKA_HOME_DIR         libs/ config/ data/ logs/ kafka.pid          (default <this dir>/.kafka, git-ignored)
#   KAFKA_LIBS_DIR         where the jars go                            (default $KAFKA_HOME_DIR/libs)
#   KAFKA_HEAP_OPTS        JVM heap                                     (default "-Xms256m -Xmx768m")
#   KAFKA_JVM_PERFORMANCE_OPTS  JVM flags (default: serial GC + C1 only, the quickest start on 2 cores)
#   KAFKA_OPTS             extra JVM options
#   KAFKA_START_TIMEOUT    seconds to wait for "Kafka Server started"   (default 90)
#   KAFKA_KEEP_DATA=1      keep data/ between starts (default: wipe and re-format, so every run starts clean)
#   MVN                    maven command                (default "mvn -B -q -Dstyle.color=never")
#
# What the script runs mirrors Kafka's bin/ scripts: kafka-storage.sh (kafka.tools.StorageTool format) and
# kafka-server-start.sh (kafka.Kafka server.properties), both through java -cp "libs/*".
# Topics are created from Node (tools/kafka/create-topics.mjs), so the heavy kafka-tools jar is not needed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KHOME="${KAFKA_HOME_DIR:-$HERE/.kafka}"
LIBS="${KAFKA_LIBS_DIR:-$KHOME/libs}"
HOST=127.0.0.1
# set_node ID PORT CPORT HOME: the per-node paths and ports. kafka-cluster.sh sources this script and calls
# set_node/write_config/format_storage/launch_node once per node, so every node shares one jar download.
set_node() {
  NODE_ID="$1"; PORT="$2"; CPORT="$3"
  CONF="$4/config"; DATA="$4/data"; LOGS="$4/logs"; PIDFILE="$4/kafka.pid"
}
set_node 1 "${KAFKA_PORT:-9092}" "${KAFKA_CONTROLLER_PORT:-9093}" "$KHOME"
# One node by default; kafka-cluster.sh sets a three-voter quorum and replication factor 3.
VOTERS="1@$HOST:$CPORT"
RF=1
MIN_ISR=1
# Extra server.properties lines (kafka-cluster.sh: failure detection tuned for fast failover).
EXTRA_PROPS=""
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# Storage is re-formatted on every start, so a constant cluster id is fine. It is 16 bytes in base64url
# (what StorageTool expects) and must not start with '-' (the argument parser would read it as a flag).
CLUSTER_ID="${KAFKA_CLUSTER_ID:-TW9kZWxHdWFyZFRlc3QxAA}"
MVN="${MVN:-mvn -B -q -Dstyle.color=never}"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
HEAP="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
# Kafka's own default is G1 with C2; on a 2-core box the serial collector and C1-only JIT start faster and
# leave the CPU to the tests. ExitOnOutOfMemoryError: a broken broker must die, not limp on.
PERF="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
# A function, not a variable: LOGS and CONF change per node in kafka-cluster.sh.
log4j_opts() { echo "-Dkafka.logs.dir=$LOGS -Dlog4j.configuration=file:$CONF/log4j.properties"; }

# shellcheck disable=SC2034 # read by the sourced helpers
LOG_TAG=kafka-broker
# shellcheck source=SCRIPTDIR/../lib/java-service.sh
. "$HERE/../lib/java-service.sh"

cmd_fetch() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install a JDK 17 or set JAVA_HOME)"
  command -v "${MVN%% *}" >/dev/null 2>&1 || die "maven not found (apt-get install maven)"
  # The stamp names the version so that changing KAFKA_VERSION re-fetches instead of mixing jars.
  local stamp="$LIBS/.fetched-${KAFKA_VERSION:-pom}"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$HERE/pom.xml" ] && ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  local args=(-f "$HERE/pom.xml" dependency:copy-dependencies "-DoutputDirectory=$LIBS")
  [ -n "${KAFKA_VERSION:-}" ] && args+=("-Dkafka.version=$KAFKA_VERSION")
  log "fetching broker jars: $MVN ${args[*]}"
  mvn_run "${args[@]}" || die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka_2.13 jar missing after fetch"
  touch "$stamp"
  log "$(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1) in $LIBS"
}

write_config() {
  mkdir -p "$CONF" "$LOGS"
  cat >"$CONF/server.properties" <<PROPS
# Combined broker+controller, loopback only (one node, or one of kafka-cluster.sh's three).
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/kraft-combined-logs

# Small thread pools: a test broker sharing a 2-core machine.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
num.replica.fetchers=1

# Internal topics must not ask for more replicas than there are nodes, or the group and transaction
# coordinators never become available (consumers loop on "group coordinator not available").
num.partitions=1
default.replication.factor=$RF
min.insync.replicas=$MIN_ISR
offsets.topic.replication.factor=$RF
# The default 50 partitions make the first group join take seconds.
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=$RF
transaction.state.log.min.isr=$MIN_ISR
transaction.state.log.num.partitions=1

# Fast tests: no 3 s wait before a new group's first rebalance; allow short client session timeouts.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
delete.topic.enable=true

# Keep disk use small: test data is throw-away.
log.retention.hours=1
log.segment.bytes=16777216
log.retention.check.interval.ms=60000
$EXTRA_PROPS
PROPS
  cat >"$CONF/log4j.properties" <<'PROPS'
# reload4j (log4j 1.x API), console only; the start command redirects it to logs/kafka.out.
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# start waits for this logger's "Kafka Server started" line.
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.Kafka$=INFO
PROPS
}

# Ready = the broker logged its start-up line (it waits until unfenced) and the client port accepts.
broker_ready() { grep -q "Kafka Server started" "$LOGS/kafka.out" 2>/dev/null && port_open "$PORT"; }

# Fresh storage unless KAFKA_KEEP_DATA=1 and this node was formatted before.
format_storage() {
  if [ "${KAFKA_KEEP_DATA:-0}" != 1 ] || [ ! -f "$DATA/kraft-combined-logs/meta.properties" ]; then
    rm -rf "$DATA"; mkdir -p "$DATA"
    # shellcheck disable=SC2086
    "$JAVA" -Xmx256m $PERF $(log4j_opts) -cp "$LIBS/*" kafka.tools.StorageTool format \
      -t "$CLUSTER_ID" -c "$CONF/server.properties" >"$LOGS/format.out" 2>&1 \
      || { cat "$LOGS/format.out" >&2; die "StorageTool format failed"; }
  fi
}

# Starts the JVM in the background and records its pid; does not wait (a quorum member cannot be ready alone).
launch_node() {
  : >"$LOGS/kafka.out"
  # Like kafka-run-class.sh -daemon; setsid detaches it from the caller's process group, so a Ctrl-C in the
  # terminal that started it (or a CI job's group kill) goes through 'stop', not straight to the JVM.
  # shellcheck disable=SC2086
  setsid nohup "$JAVA" $HEAP $PERF $(log4j_opts) -cp "$LIBS/*" ${KAFKA_OPTS:-} kafka.Kafka "$CONF/server.properties" \
    >"$LOGS/kafka.out" 2>&1 </dev/null &
  echo "$!" >"$PIDFILE"
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    port_open "$PORT" && { log "already running (pid $pid) on $HOST:$PORT"; return 0; }
    die "pid $pid is alive but $HOST:$PORT is closed; run '$0 stop' first"
  fi
  port_open "$PORT" && die "$HOST:$PORT is already in use by another process"
  port_open "$CPORT" && die "$HOST:$CPORT is already in use by another process"
  cmd_fetch
  write_config
  local t0=$SECONDS
  format_storage
  launch_node
  pid="$(cat "$PIDFILE")"
  wait_until_ready "$pid" "$LOGS/kafka.out" broker "$START_TIMEOUT" broker_ready
  log "ready on $HOST:$PORT (pid $pid, $((SECONDS - t0))s incl. format); KAFKA_BROKERS=$HOST:$PORT"
}

cmd_stop() { stop_recorded_pid 30; }

cmd_status() {
  local pid
  if pid="$(running_pid)" && port_open "$PORT"; then log "running (pid $pid) on $HOST:$PORT"; return 0; fi
  log "not running"; return 1
}

# kafka-cluster.sh sources this file for its functions; only a direct run dispatches a command.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 {fetch|start|stop|status}" >&2; exit 2 ;;
esac
