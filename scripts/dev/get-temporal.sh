#!/usr/bin/env bash
# Obtain the Temporal CLI (dev server + Web UI) at the pinned version and print its path on
# stdout. Order: `temporal` on PATH at the pinned version -> cached build -> `go install` from
# the Go module proxy -> the official release download (for machines with internet access).
source "$(dirname "${BASH_SOURCE[0]}")/../utils/common.sh"

VERSION="$TEMPORAL_CLI_VERSION"
DEST_DIR="$CACHE_DIR/temporal-cli-v$VERSION"
DEST="$DEST_DIR/temporal"

found() { log "temporal CLI $VERSION: $2 ($1)"; echo "$1"; exit 0; }

if command -v temporal >/dev/null 2>&1 && temporal --version 2>/dev/null | grep -q "version $VERSION"; then
  found "$(command -v temporal)" "from PATH"
fi
[ -x "$DEST" ] && found "$DEST" "cached"
mkdir -p "$DEST_DIR"

if command -v go >/dev/null 2>&1; then
  log "building temporal CLI v$VERSION with go install (cold: several minutes on 2 cores)"
  # The version is stamped by ldflags as the official release does; CGO off = static binary.
  if CGO_ENABLED=0 GOBIN="$DEST_DIR" timed "go install temporal" go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$VERSION" \
    "github.com/temporalio/cli/cmd/temporal@v$VERSION"; then
    found "$DEST" "built with go install"
  fi
  log "go install failed; trying the official download"
fi

url="https://temporal.download/cli/archive/v$VERSION?platform=linux&arch=amd64"
if command -v curl >/dev/null 2>&1 && curl -fsSL --max-time 120 "$url" -o "$DEST_DIR/temporal.tgz"; then
  tar -xzf "$DEST_DIR/temporal.tgz" -C "$DEST_DIR" temporal && rm -f "$DEST_DIR/temporal.tgz"
  found "$DEST" "downloaded"
fi
die "could not obtain the Temporal CLI v$VERSION: install Go (go install needs the Go module proxy) or put temporal $VERSION on PATH"
