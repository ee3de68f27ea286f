#!/usr/bin/env bash
# Runs the three registry benchmarks one after another (never in parallel: they would measure each other).
#   bash bench/registry/run-all.sh            full size (1 GiB package, 10,000 artifacts, 100 clients)
#   QUICK=1 bash bench/registry/run-all.sh    small smoke run (~3 minutes)
set -u
cd "$(dirname "$0")/../.."
echo "# ModelGuard registry benchmarks  $(date -u +%FT%TZ)  $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# node $(node --version)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
# Best effort: brings dist/ up to date (skipped when current). Each benchmark copies dist/ for itself, or compiles a
# private copy when dist/ is missing or mid-rebuild, so a failure here does not stop the run.
node scripts/build.mjs || echo "# build.mjs failed; the benchmarks will compile a private copy if needed"

if [ "${QUICK:-0}" = "1" ]; then
  UD_ARGS=(--gib 0.1 --downloads 1); SEARCH_ARGS=(--artifacts 2000 --n 20); CD_ARGS=(--clients 20 --per-client 2)
else
  UD_ARGS=(); SEARCH_ARGS=(); CD_ARGS=()
fi
status=0
for bench in "upload-download.mjs ${UD_ARGS[*]:-}" "upload-download.mjs --mode gateway ${UD_ARGS[*]:-}" "search.mjs ${SEARCH_ARGS[*]:-}" "concurrent-downloads.mjs ${CD_ARGS[*]:-}"; do
  echo; echo "## node bench/registry/${bench}"
  # shellcheck disable=SC2086
  node bench/registry/${bench} || { echo "# FAILED: ${bench}"; status=1; }
done
exit $status
