#!/usr/bin/env bash
# Phase functions are called indirectly through 'phase', which shellcheck cannot follow.
# shellcheck disable=SC2317
# `npm test`: the whole gate, the same on a laptop and in CI.
#   bootstrap (npm ci if needed, build) -> deploy file checks -> PostgreSQL + Redis -> Kafka + S3Mock
#   -> the tests' Python (a pinned virtualenv, scripts/ensure-python.sh) -> topics
#   -> Kafka/S3 smoke round trips -> lint
#   -> vitest unit -> integration -> e2e
# Stops at the first failing phase and exits non-zero. Kafka and S3Mock are reused when already running and
# healthy; those this script starts are stopped when it exits (also on Ctrl-C), the others are left alone.
#
#   npm test                                  everything
#   npm test -- <vitest filter...>            the same phases, each vitest tier narrowed to the filter
#   TEST_TIERS="unit integration" npm test    choose tiers (default: unit integration e2e)
#   SKIP_LINT=1 npm test                      skip the lint phase (local iteration only; CI always lints)
#   TEST_KEEP_GOING=1 npm test                run every phase even after a failure, then exit non-zero
#   TEST_TIER_TIMEOUT=1800                    seconds one vitest tier may take before it is killed (exit 124)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
RESULTS="$ROOT/.tmp/test-results"
mkdir -p "$RESULTS"

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export S3MOCK_PORT="${S3MOCK_PORT:-9090}"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export TEST_S3_ENDPOINT="http://127.0.0.1:$S3MOCK_PORT"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

KAFKA_SH="$ROOT/tools/kafka/kafka-broker.sh"
S3MOCK_SH="$ROOT/tools/s3mock/s3mock.sh"
STARTED=()      # services this run started, stopped again on exit
SUMMARY=()      # one line per finished phase
FAILED_PHASES=()

log() { echo "[test] $*" >&2; }

cleanup() {
  local svc
  for svc in "${STARTED[@]}"; do
    log "stopping $svc (started by this run)"
    case "$svc" in
      kafka) "$KAFKA_SH" stop || true ;;
      s3mock) "$S3MOCK_SH" stop || true ;;
    esac
  done
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# phase NAME CMD...: runs CMD, prints one timing line, records it; on failure stops the run (or notes it).
phase() {
  local name="$1"; shift
  local t0 rc
  t0="$(now)"
  log "==> $name"
  "$@"; rc=$?
  local line
  if [ "$rc" -eq 0 ]; then line="$(printf '%-22s ok      %6ss' "$name" "$(elapsed "$t0")")"
  else line="$(printf '%-22s FAILED  %6ss  (exit %s)' "$name" "$(elapsed "$t0")" "$rc")"; fi
  echo "[test] phase $line" >&2
  SUMMARY+=("$line")
  if [ "$rc" -ne 0 ]; then
    FAILED_PHASES+=("$name")
    [ "${TEST_KEEP_GOING:-0}" = 1 ] || finish
  fi
}

# A service counts as usable when our script says it is running, or when something else already serves the
# port (another checkout's broker): the topic creation and the tests that follow then prove it really works.
kafka_up() {
  if "$KAFKA_SH" status 2>/dev/null; then log "kafka: reusing the running broker on $KAFKA_BROKERS (left running)"; return 0; fi
  (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null || return 1
  log "127.0.0.1:$KAFKA_PORT is served by a process this checkout did not start; using it"
}
s3mock_up() {
  if "$S3MOCK_SH" status 2>/dev/null; then log "s3mock: reusing the running server on $TEST_S3_ENDPOINT (left running)"; return 0; fi
  curl -sf -o /dev/null --max-time 2 "$TEST_S3_ENDPOINT/" || return 1
  log "$TEST_S3_ENDPOINT is served by a process this checkout did not start; using it"
}

# Starts whichever of the two is down. The two JVMs warm up in parallel (about 4-6 s each, mostly waiting).
# A service goes on STARTED before its start, so the exit trap also stops one whose start failed half-way
# or was interrupted; 'stop' only ever signals the pid its own script recorded.
start_infra() {
  local s3_pid="" rc=0
  if ! s3mock_up; then STARTED+=(s3mock); "$S3MOCK_SH" start & s3_pid=$!; fi
  if ! kafka_up; then STARTED+=(kafka); "$KAFKA_SH" start || rc=1; fi
  if [ -n "$s3_pid" ]; then wait "$s3_pid" || rc=1; fi
  return "$rc"
}

# The fixture generators' Python (numpy, scipy pinned): first on PATH for every test this script starts.
python_env() {
  local bin
  bin="$(bash "$ROOT/scripts/ensure-python.sh")" || return 1
  export PATH="$bin:$PATH"
  # The generators run from the source tree: no __pycache__ beside them (the checkout stays as cloned).
  export PYTHONDONTWRITEBYTECODE=1
  log "python3 for the tests: $(command -v python3) ($(python3 --version 2>&1))"
}

infra_smoke() {
  node "$ROOT/tools/kafka/smoke.mjs" && node --no-warnings "$ROOT/tools/s3mock/smoke.mjs"
}

# vitest_tier NAME: one tier, with a JSON report so the closing line can count tests across tiers.
vitest_tier() {
  local tier="$1"
  rm -f "$RESULTS/$tier.json"
  # A bound per tier, so a test that hangs (an open handle, a consumer that never joins) fails the run
  # instead of eating CI's whole budget. --foreground keeps Ctrl-C working; vitest runs directly (not via
  # npx) so the process timeout signals is vitest itself.
  timeout --foreground --kill-after=30 "${TEST_TIER_TIMEOUT:-1800}" \
    node "$ROOT/node_modules/vitest/vitest.mjs" run --project "$tier" --passWithNoTests \
    --reporter=default --reporter=json --outputFile.json="$RESULTS/$tier.json" "${VITEST_ARGS[@]}"
}

# Prints per-tier counts and the closing "total: N passed, N failed, N skipped" line, then exits.
finish() {
  trap - EXIT
  cleanup
  node "$ROOT/scripts/test-summary.mjs" "$RESULTS" "${TIERS[@]}"
  echo "[test] ---- phases ----"
  local line; for line in "${SUMMARY[@]}"; do echo "[test]   $line"; done
  if [ "${#FAILED_PHASES[@]}" -gt 0 ]; then
    echo "[test] FAILED: ${FAILED_PHASES[*]} (total $(elapsed "$T_START")s)"
    exit 1
  fi
  echo "[test] ALL GREEN (total $(elapsed "$T_START")s)"
  exit 0
}

T_START="$(now)"
read -r -a TIERS <<<"${TEST_TIERS:-unit integration e2e}"
VITEST_ARGS=("$@")
for tier in "${TIERS[@]}"; do rm -f "$RESULTS/$tier.json"; done

phase bootstrap bash "$ROOT/scripts/bootstrap.sh"
phase deploy-config node "$ROOT/tools/deploy/check-deploy.mjs"
phase postgres+redis bash "$ROOT/scripts/ensure-services.sh"
phase kafka+s3mock start_infra
phase python python_env
phase kafka-topics node "$ROOT/tools/kafka/create-topics.mjs"
# A real round trip through each server, so a broken broker or S3 server fails here with a plain message
# instead of as a pile of unrelated-looking integration-test timeouts.
phase infra-smoke infra_smoke
if [ "${SKIP_LINT:-0}" = 1 ]; then log "lint skipped (SKIP_LINT=1)"; else phase lint npm run --silent lint; fi
for tier in "${TIERS[@]}"; do phase "vitest $tier" vitest_tier "$tier"; done
finish
