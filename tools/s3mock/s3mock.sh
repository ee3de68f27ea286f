#!/usr/bin/env bash
# Adobe S3Mock (an S3-compatible server: multipart, ranged GET, versioning, checksums) for tests and local
# runs, without Docker. The runnable "exec" jar comes from Maven Central; the JVM is the machine's Java 17.
#
#   s3mock.sh fetch    download com.adobe.testing:s3mock:<version>:jar:exec into $S3MOCK_HOME_DIR (once)
#   s3mock.sh start    fetch if needed, start in the background on http://127.0.0.1:$S3MOCK_PORT, wait until ready
#   s3mock.sh stop     stop the server this script started (by its recorded pid), wait for it to exit
#   s3mock.sh status   exit 0 if our server runs and answers S3 requests
#
# Environment (all optional):
#   S3MOCK_PORT          HTTP port on 127.0.0.1                      (default 9090)
#   S3MOCK_HTTPS_PORT    HTTPS port (self-signed; unused by our tests) (default 9191)
#   S3MOCK_VERSION       release on Maven Central                    (default 5.2.0)
#   S3MOCK_HOME_DIR      jar, data/, logs/, s3mock.pid              (default <this dir>/.s3mock, git-ignored)
#   S3MOCK_HEAP_OPTS     JVM heap                                    (default "-Xms64m -Xmx512m")
#   S3MOCK_MAX_PAYLOAD   largest request body S3Mock accepts         (default 5GB, the S3 single-PUT limit;
#                        S3Mock's own default of 10MB would reject ordinary model files)
#   S3MOCK_INITIAL_BUCKETS  comma-separated buckets created at start (default none: tests create their own)
#   S3MOCK_START_TIMEOUT seconds to wait until it answers            (default 90)
#   S3MOCK_KEEP_DATA=1   keep data/ between starts (default: wipe, so every run starts clean)
#   MVN                  maven command                  (default "mvn -B -q -Dstyle.color=never")
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHOME="${S3MOCK_HOME_DIR:-$HERE/.s3mock}"
VERSION="${S3MOCK_VERSION:-5.2.0}"
JAR="$SHOME/s3mock-$VERSION-exec.jar"
DATA="$SHOME/data"
LOGS="$SHOME/logs"
PIDFILE="$SHOME/s3mock.pid"
HOST=127.0.0.1
PORT="${S3MOCK_PORT:-9090}"
HTTPS_PORT="${S3MOCK_HTTPS_PORT:-9191}"
START_TIMEOUT="${S3MOCK_START_TIMEOUT:-90}"
MAX_PAYLOAD="${S3MOCK_MAX_PAYLOAD:-5GB}"
MVN="${MVN:-mvn -B -q -Dstyle.color=never}"
# Pinned plugin version: a bare "dependency:copy" outside a project uses whatever old default Maven picks.
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
HEAP="${S3MOCK_HEAP_OPTS:--Xms64m -Xmx512m}"
# Serial GC + C1 only: quickest start on a 2-core machine shared with the tests.
PERF="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"

# shellcheck disable=SC2034 # read by the sourced helpers
LOG_TAG=s3mock
# shellcheck source=SCRIPTDIR/../lib/java-service.sh
. "$HERE/../lib/java-service.sh"

# An S3 ListBuckets answer, not just an open port: Spring Boot opens the port before the app is usable.
answers() { curl -sf -o /dev/null --max-time 2 "http://$HOST:$PORT/"; }

cmd_fetch() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install a JDK 17 or set JAVA_HOME)"
  [ -s "$JAR" ] && return 0
  command -v "${MVN%% *}" >/dev/null 2>&1 || die "maven not found (apt-get install maven)"
  mkdir -p "$SHOME"
  log "fetching com.adobe.testing:s3mock:$VERSION:jar:exec"
  mvn_run "$DEP_PLUGIN:copy" "-Dartifact=com.adobe.testing:s3mock:$VERSION:jar:exec" "-DoutputDirectory=$SHOME" \
    || die "mvn dependency:copy failed (is Maven Central reachable? is $VERSION served?)"
  [ -s "$JAR" ] || die "$JAR missing after fetch"
  log "$(du -sh "$JAR" | cut -f1) in $JAR"
}

cmd_start() {
  command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install curl)"
  local pid
  if pid="$(running_pid)"; then
    answers && { log "already running (pid $pid) on http://$HOST:$PORT"; return 0; }
    die "pid $pid is alive but http://$HOST:$PORT does not answer; run '$0 stop' first"
  fi
  port_open "$PORT" && die "$HOST:$PORT is already in use by another process"
  cmd_fetch
  mkdir -p "$LOGS"
  [ "${S3MOCK_KEEP_DATA:-0}" = 1 ] || rm -rf "$DATA"
  mkdir -p "$DATA"
  local t0=$SECONDS
  : >"$LOGS/s3mock.out"
  # The store settings are Spring properties; environment variables keep them out of 'ps' noise.
  # RETAIN_FILES_ON_EXIT: S3Mock deletes its root on shutdown unless told otherwise; we wipe at start instead
  # so a failed run's objects can still be inspected. setsid: a Ctrl-C in the caller goes through 'stop'.
  # server.address binds the HTTPS port to loopback; S3Mock 5.2 adds its HTTP connector in code without an
  # address, so port $PORT listens on all interfaces (no property changes that). Tests use 127.0.0.1 only.
  # shellcheck disable=SC2086
  COM_ADOBE_TESTING_S3MOCK_STORE_ROOT="$DATA" \
  COM_ADOBE_TESTING_S3MOCK_STORE_RETAIN_FILES_ON_EXIT=true \
  COM_ADOBE_TESTING_S3MOCK_STORE_INITIAL_BUCKETS="${S3MOCK_INITIAL_BUCKETS:-}" \
    setsid nohup "$JAVA" $HEAP $PERF -jar "$JAR" \
      "--http.port=$PORT" "--server.port=$HTTPS_PORT" "--server.address=$HOST" \
      "--com.adobe.testing.s3mock.max-payload-size=$MAX_PAYLOAD" \
      >"$LOGS/s3mock.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_until_ready "$pid" "$LOGS/s3mock.out" S3Mock "$START_TIMEOUT" answers
  log "ready on http://$HOST:$PORT (pid $pid, $((SECONDS - t0))s); TEST_S3_ENDPOINT=http://$HOST:$PORT"
}

cmd_stop() { stop_recorded_pid 20; }

cmd_status() {
  local pid
  if pid="$(running_pid)" && answers; then log "running (pid $pid) on http://$HOST:$PORT"; return 0; fi
  log "not running"; return 1
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 {fetch|start|stop|status}" >&2; exit 2 ;;
esac
