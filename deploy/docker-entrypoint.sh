#!/bin/sh
# Container entry point: with a command, run it (e.g. `node dist/apps/scan/src/main.js`, or `sh` to debug);
# without one, run the app named by $SERVICE. Exec in both cases, so the app is the process that gets
# SIGTERM from `docker stop` and shuts down gracefully.
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

if [ -z "${SERVICE:-}" ]; then
  echo "modelguard: set SERVICE (gateway, ingest, scan, scoring, lineage, audit, embedded) or pass a command" >&2
  exit 64
fi
# SERVICE becomes part of a path: allow only plain app names, never '../' or absolute paths.
case "$SERVICE" in
  *[!a-z0-9-]*) echo "modelguard: invalid SERVICE '$SERVICE' (lowercase letters, digits and '-' only)" >&2; exit 64 ;;
esac
home="${MODELGUARD_HOME:-/app}"
main="$home/dist/apps/$SERVICE/src/main.js"
if [ ! -f "$main" ]; then
  # shellcheck disable=SC2012 # app folder names are plain [a-z-] words
  echo "modelguard: unknown SERVICE '$SERVICE': $main does not exist. Available: $(ls "$home/dist/apps" | tr '\n' ' ')" >&2
  exit 64
fi
if [ "$SERVICE" = embedded ]; then
  # The one-process registry's memory settings, as in scripts/start.sh (see there for why); overridable the same way.
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  export NODE_OPTIONS="--max-semi-space-size=4${NODE_OPTIONS:+ $NODE_OPTIONS}"
fi
exec node "$main"
