#!/usr/bin/env bash
# Helpers shared by the scripts that run a Java test server from Maven Central jars (tools/kafka, tools/s3mock).
# Sourced, not run. The caller sets: LOG_TAG (log prefix), HOST, PIDFILE, MVN (maven command line).

log() { echo "[$LOG_TAG] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# bash's /dev/tcp: no dependency on nc/ss being installed.
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Maven 3.8 prints stray ANSI resets ("\e[0m") even in batch mode; strip them so logs stay readable.
mvn_run() {
  # shellcheck disable=SC2086 # MVN is a command line on purpose
  $MVN "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
}

# The pid this script recorded, if that process is still alive (never someone else's process).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# stop_recorded_pid SECONDS: SIGTERM (controlled shutdown), wait up to SECONDS, then SIGKILL; only our own pid.
stop_recorded_pid() {
  local grace="$1" pid
  pid="$(running_pid)" || { log "not running"; rm -f "$PIDFILE"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "still alive after ${grace}s, sending KILL to $pid"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

# wait_until_ready PID LOGFILE WHAT TIMEOUT_S CHECK...: polls CHECK until it succeeds; if the process dies or the
# timeout passes, prints the log tail and dies (a started-but-stuck process is left for '$0 stop').
wait_until_ready() {
  local pid="$1" logfile="$2" what="$3" timeout="$4"; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 60 "$logfile" >&2; rm -f "$PIDFILE"; die "$what exited during start-up (see $logfile)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 60 "$logfile" >&2; die "not ready after ${timeout}s (pid $pid left running; '$0 stop' ends it)"
    fi
    sleep 0.2
  done
}
