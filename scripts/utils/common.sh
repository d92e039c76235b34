#!/usr/bin/env bash
# Shared helpers for our shell scripts: where caches live, progress lines with timings, and
# bounded waits. Sourced, never executed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=versions.env
source "$REPO_ROOT/scripts/utils/versions.env"

# Caches live outside the repository so a fresh clone reuses them; override with
# VPSIE_AUTOSCALER_CACHE (CI, shared runners) or XDG_CACHE_HOME.
CACHE_DIR="${VPSIE_AUTOSCALER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpsie-autoscaler}"
# Per-checkout runtime state (kubeconfigs, data files, logs) lives in a gitignored folder.
LOCAL_DIR="${VPSIE_AUTOSCALER_LOCAL:-$REPO_ROOT/.local}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# timed LABEL CMD...: run CMD, then say how long LABEL took.
timed() {
  local label="$1" start end
  shift
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  log "$label took $((end - start))s"
}

# wait_for LABEL SECONDS CMD...: poll CMD until it succeeds, or fail naming LABEL.
wait_for() {
  local label="$1" limit="$2" waited=0
  shift 2
  until "$@" >/dev/null 2>&1; do
    sleep 0.5
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 2)) ]; then
      die "$label did not become ready within ${limit}s"
    fi
  done
}

require_go() {
  command -v go >/dev/null 2>&1 || die "Go is required to build $1 (install Go >= 1.24, or put a prebuilt $1 on PATH)"
}

# apt_install PKG...: install Debian packages without letting them start system services.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Debian packages: $*"
  # policy-rc.d exit 101 = 'do not start services'; we start our own on 127.0.0.1 instead.
  local had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ "$had_policy" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  [ "$had_policy" -eq 1 ] || $sudo rm -f /usr/sbin/policy-rc.d
}
