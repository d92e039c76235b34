#!/usr/bin/env bash
# Obtain every real component the tests and the demo use, then record where each one is in
# .local/components.json (read by test/support and scripts/dev). Safe to re-run: warm runs only
# check the caches.
source "$(dirname "${BASH_SOURCE[0]}")/../utils/common.sh"

start=$(date +%s)
log "obtaining real components (cache: $CACHE_DIR)"
temporal_bin=$(bash "$REPO_ROOT/scripts/dev/get-temporal.sh")
kube_bin_dir=$(bash "$REPO_ROOT/scripts/dev/get-kubernetes.sh")
prom_bin_dir=$(bash "$REPO_ROOT/scripts/dev/get-prometheus.sh")

mkdir -p "$LOCAL_DIR"
cat > "$LOCAL_DIR/components.json" <<JSON
{
  "temporal": "$temporal_bin",
  "temporalVersion": "$TEMPORAL_CLI_VERSION",
  "kubernetesBinDir": "$kube_bin_dir",
  "kubernetesVersion": "$KUBERNETES_VERSION",
  "prometheusBinDir": "$prom_bin_dir"
}
JSON
log "components ready in $(( $(date +%s) - start ))s; manifest: $LOCAL_DIR/components.json"
