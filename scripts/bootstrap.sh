#!/usr/bin/env bash
# Shared first step of `npm start` and `npm test`: make node_modules match package-lock.json, then build dist/.
# Both steps are skipped when already current, so a second run costs well under a second.
#
#   scripts/bootstrap.sh          (run from anywhere; works on the repository this script belongs to)
#   MODELGUARD_SKIP_BUILD=1       install only
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "[bootstrap] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v node >/dev/null 2>&1 || die "node not found: install Node.js 20.19+ (see package.json engines)"
# package.json engines says >=20.19; older 20.x lacks APIs that vite 8 / vitest 4 use.
# shellcheck disable=SC2016 # JavaScript template literal, not a shell expansion
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj < 20 || (maj === 20 && min < 19)) { console.error(`node ${process.versions.node} is too old`); process.exit(1); }
' || die "Node.js 20.19 or newer is required"

# npm writes node_modules/.package-lock.json after every successful install: it is the install's receipt.
# A lockfile newer than the receipt means dependencies changed since (a pull, a new package).
# When only the mtimes disagree, compare the contents before wiping node_modules (lockfile-in-sync.mjs).
receipt="node_modules/.package-lock.json"
if [ ! -d node_modules ] || [ ! -f "$receipt" ] \
  || { [ package-lock.json -nt "$receipt" ] && ! node scripts/lockfile-in-sync.mjs "$ROOT"; }; then
  log "installing dependencies (npm ci)"
  t0=$SECONDS
  # Several people may share one checkout: take the same lock as their `flock /tmp/npm.lock npm install`.
  if command -v flock >/dev/null 2>&1; then
    flock /tmp/npm.lock npm ci --no-audit --no-fund || die "npm ci failed"
  else
    npm ci --no-audit --no-fund || die "npm ci failed"
  fi
  log "dependencies installed in $((SECONDS - t0))s"
else
  log "dependencies up to date"
fi

if [ "${MODELGUARD_SKIP_BUILD:-0}" != 1 ]; then
  node scripts/build.mjs || die "build failed"
fi
