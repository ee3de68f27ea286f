#!/usr/bin/env bash
# `npm start`: install if needed, build if needed, then run ModelGuard in embedded mode (one process, no
# external services). Arguments and environment pass straight through to the app
# (e.g. `npm start -- --help`, `HTTP_PORT=8080 npm start`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"

MAIN="$ROOT/dist/apps/embedded/src/main.js"
[ -f "$MAIN" ] || { echo "[start] ERROR: $MAIN was not built (does apps/embedded/src/main.ts exist?)" >&2; exit 1; }
cd "$ROOT"
# Memory of the one embedded process (issue 13, bench/RESULTS.md "Embedded memory: V8's young generation and
# malloc arenas"); both must be set before node starts, so they live here (and in deploy/docker-entrypoint.sh):
# - at most 2 glibc malloc arenas: V8's background threads (WebAssembly tier-up of PGlite, concurrent GC) would
#   otherwise each keep an arena of freed memory resident;
# - a 4 MiB semi-space (the default grows to 16 MiB; 2 of them make the young generation): the registry's
#   short-lived garbage is small, and the full-size young generation was resident memory it never needed.
# Either can be overridden: MALLOC_ARENA_MAX=8 npm start, NODE_OPTIONS=--max-semi-space-size=16 npm start.
# (The app itself bounds the old generation's growth between full GCs: libs/embedded/src/embedded-app.ts.)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export NODE_OPTIONS="--max-semi-space-size=4${NODE_OPTIONS:+ $NODE_OPTIONS}"
# exec: the app becomes this process, so Ctrl-C / SIGTERM reach it directly and its exit code is ours.
exec node "$MAIN" "$@"
