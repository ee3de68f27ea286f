#!/usr/bin/env bash
# Makes sure the machine's own PostgreSQL and Redis are up, starting them if not, and waits until they answer.
# These two come from Debian packages on the project's machines (no Docker); Kafka and S3Mock are separate
# (tools/kafka/kafka-broker.sh, tools/s3mock/s3mock.sh) because they are fetched from Maven Central.
#
#   scripts/ensure-services.sh            exit 0 when both answer, non-zero with a reason otherwise
#
# Environment (optional): PG_HOST/PG_PORT (127.0.0.1/5432), REDIS_HOST/REDIS_PORT (127.0.0.1/6379),
# SERVICES_START_TIMEOUT seconds per service (default 60).
set -euo pipefail

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
TIMEOUT="${SERVICES_START_TIMEOUT:-60}"

log() { echo "[ensure-services] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

# A PONG, not just an open port: Redis accepts connections while still loading, answering LOADING errors.
redis_answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
  else
    local reply
    # The braces scope the 2>/dev/null: on a bare 'exec' it would silence this shell's stderr for good.
    { exec 4<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&4
    IFS= read -r -t 2 reply <&4 || true
    exec 4<&- 4>&-
    [ "${reply%$'\r'}" = "+PONG" ]
  fi
}

wait_for() { # check-function
  local deadline=$((SECONDS + TIMEOUT))
  until "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

ensure_postgres() {
  if pg_answers; then log "postgres: up on $PG_HOST:$PG_PORT"; return 0; fi
  command -v pg_ctlcluster >/dev/null 2>&1 || die "postgres is down and pg_ctlcluster is missing (apt-get install postgresql)"
  # Debian layout: /etc/postgresql/<version>/<cluster>; take the newest installed version's 'main' cluster.
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$version" ] || die "no cluster under /etc/postgresql"
  log "postgres: starting cluster $version/main"
  # --skip-systemctl-redirect: there is no systemd here; start the cluster directly.
  pg_ctlcluster --skip-systemctl-redirect "$version" main start \
    || die "pg_ctlcluster $version main start failed (see /var/log/postgresql/postgresql-$version-main.log)"
  wait_for pg_answers || die "postgres did not answer on $PG_HOST:$PG_PORT within ${TIMEOUT}s"
  log "postgres: up on $PG_HOST:$PG_PORT"
}

ensure_redis() {
  if redis_answers; then log "redis: up on $REDIS_HOST:$REDIS_PORT"; return 0; fi
  command -v redis-server >/dev/null 2>&1 || die "redis is down and redis-server is missing (apt-get install redis-server)"
  log "redis: starting on $REDIS_HOST:$REDIS_PORT"
  # Test/dev cache only: no snapshots, no AOF, so nothing is written to disk and restarts start empty.
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    || die "redis-server failed to start"
  wait_for redis_answers || die "redis did not answer PING on $REDIS_HOST:$REDIS_PORT within ${TIMEOUT}s"
  log "redis: up on $REDIS_HOST:$REDIS_PORT"
}

ensure_postgres
ensure_redis
