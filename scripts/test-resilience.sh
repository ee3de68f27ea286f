#!/usr/bin/env bash
# The resilience suite (`npm run test:resilience`): builds, starts the three-broker Kafka cluster
# (tools/kafka/kafka-cluster.sh) unless it already runs, runs tests/resilience with vitest.resilience.config.ts, and
# stops the cluster again only if it started it. Not part of `npm test` or .ci/run: it kills brokers and workers on
# purpose and takes a few minutes.
#
#   npm run test:resilience [-- <vitest filter>]
#   env: TEST_DATABASE_URL / TEST_REDIS_URL / TEST_S3_ENDPOINT as for npm test; KAFKA_CLUSTER_* as for kafka-cluster.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER="$ROOT/tools/kafka/kafka-cluster.sh"
cd "$ROOT"

node scripts/build.mjs
started=0
if ! bash "$CLUSTER" status >/dev/null 2>&1; then
  bash "$CLUSTER" start
  started=1
fi
cleanup() { if [ "$started" = 1 ]; then bash "$CLUSTER" stop || true; fi; }
trap cleanup EXIT

KAFKA_BROKERS="$(bash "$CLUSTER" brokers)" KAFKAJS_NO_PARTITIONER_WARNING=1 \
  node "$ROOT/node_modules/vitest/vitest.mjs" run --config vitest.resilience.config.ts "$@"
