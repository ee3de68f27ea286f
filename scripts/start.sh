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
# exec: the app becomes this process, so Ctrl-C / SIGTERM reach it directly and its exit code is ours.
exec node "$MAIN" "$@"
