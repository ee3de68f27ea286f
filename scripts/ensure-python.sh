#!/usr/bin/env bash
# Makes a Python for the tests: a virtualenv with a pinned requirements file (default tests/python/requirements.txt,
# the fixture generators' numpy and scipy), built from the machine's configured pip index (CI's local mirror) and
# never from what someone installed by hand. Prints its bin directory. scripts/test.sh puts the default one first
# on PATH, so every `python3` a test starts is that one; the HF-mirror e2e suite builds
# tests/python/hf-hub-requirements.txt.
#
#   scripts/ensure-python.sh [requirements-file]
#
# Built once per requirements file and Python under the user's cache directory (shared by every clone on the
# machine), in a fresh directory renamed into place when complete: concurrent runs never see a half-installed venv,
# and the loser of the rename race uses the winner's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUIREMENTS="${1:-$ROOT/tests/python/requirements.txt}"
[ -f "$REQUIREMENTS" ] || { echo "[python] ERROR: no requirements file $REQUIREMENTS" >&2; exit 1; }
log() { echo "[python] $*" >&2; }

command -v python3 >/dev/null 2>&1 || { log "ERROR: python3 not found (apt-get install python3 python3-venv)"; exit 1; }
key="$( (python3 -c 'import sys; print(sys.version)'; cat "$REQUIREMENTS") | sha256sum | cut -c1-16)"
# Without HOME (a bare CI environment) the cache falls back into the checkout, which a fresh clone rebuilds.
home="${XDG_CACHE_HOME:-${HOME:-$ROOT/.tmp}/.cache}/modelguard/python-$key"

if [ ! -f "$home/.complete" ]; then
  mkdir -p "$(dirname "$home")"
  building="$(mktemp -d "$home.building-XXXXXX")"
  trap 'rm -rf "$building"' EXIT
  t0=$SECONDS
  log "creating $home from $REQUIREMENTS"
  python3 -m venv "$building"
  # --retries 0: an unreachable default index must not cost minutes; the configured extra index answers locally.
  "$building/bin/python" -m pip install --quiet --disable-pip-version-check --retries 0 --timeout 15 -r "$REQUIREMENTS" >&2 \
    || { log "ERROR: could not install $REQUIREMENTS (is a pip index configured? pip config list)"; exit 1; }
  touch "$building/.complete"
  if ! mv -T "$building" "$home" 2>/dev/null; then
    [ -f "$home/.complete" ] || { log "ERROR: could not move the virtualenv into $home"; exit 1; }
  fi
  log "ready in $((SECONDS - t0))s"
fi
echo "$home/bin"
