#!/usr/bin/env bash
# Runs the registry benchmarks one after another (never in parallel: they would measure each other).
#   bash bench/registry/run-all.sh            full size (1 GiB package, 10,000 artifacts, 100 clients)
#   QUICK=1 bash bench/registry/run-all.sh    small smoke run (~5 minutes)
# upload-download and concurrent-downloads run twice: the embedded registry (one process, PGlite) and the gateway
# alone on the local Postgres server (distributed-mode process layout).
set -u
cd "$(dirname "$0")/../.."
echo "# ModelGuard registry benchmarks  $(date -u +%FT%TZ)  $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# node $(node --version)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?') (+ working tree)"

# One private compile of the working tree for all benchmarks; the shared dist/ is left to others (see private-dist.mjs).
WORK="bench/registry/.work-dist-$$"
trap 'rm -rf "$WORK"' EXIT
BENCH_DIST="$(node bench/registry/lib/private-dist.mjs "$WORK")" || { echo "# FAILED: compiling the registry"; exit 1; }
export BENCH_DIST

if [ "${QUICK:-0}" = "1" ]; then
  UD_ARGS="--gib 0.1 --downloads 1"; SEARCH_ARGS="--artifacts 2000 --n 20"; CD_ARGS="--clients 20 --per-client 2"
  FS_ARGS="--rounds 1 --settle 5"
else
  UD_ARGS=""; SEARCH_ARGS=""; CD_ARGS=""; FS_ARGS=""
fi
status=0
run() {
  echo; echo "## node bench/registry/$*"
  node "bench/registry/$@" || { echo "# FAILED: $*"; status=1; }
}
# Word splitting of the *_ARGS strings is intended.
# shellcheck disable=SC2086
{
  run upload-download.mjs $UD_ARGS
  run upload-download.mjs --mode gateway $UD_ARGS
  run search.mjs $SEARCH_ARGS
  run concurrent-downloads.mjs $CD_ARGS
  run concurrent-downloads.mjs --mode gateway $CD_ARGS
  run first-start.mjs $FS_ARGS
}
exit $status
