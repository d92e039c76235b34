#!/usr/bin/env bash
# Obtain the real components, then run the demo (scripts/dev/demo.ts).
source "$(dirname "${BASH_SOURCE[0]}")/../utils/common.sh"
bash "$REPO_ROOT/scripts/test/ensure-components.sh"
exec "$REPO_ROOT/node_modules/.bin/tsx" "$REPO_ROOT/scripts/dev/demo.ts" "$@"
