#!/usr/bin/env bash
# Obtain a Kubernetes control plane without kubelets: etcd (Debian), kube-apiserver,
# kube-scheduler and kube-controller-manager (built from the Go module proxy) and kwok.
# Prints the directory holding all binaries on stdout; progress goes to stderr.
# Order for each binary: PATH (only when the versions match) -> cache -> build.
source "$(dirname "${BASH_SOURCE[0]}")/../utils/common.sh"

KUBE_DIR="$CACHE_DIR/kubernetes-v$KUBERNETES_VERSION"
BIN_DIR="$KUBE_DIR/bin"
KUBE_CMDS=(kube-apiserver kube-scheduler kube-controller-manager)
mkdir -p "$BIN_DIR"

ensure_etcd() {
  if [ -x "$BIN_DIR/etcd" ]; then return; fi
  if ! command -v etcd >/dev/null 2>&1; then
    timed "installing etcd ($ETCD_DEB_PACKAGE)" apt_install "$ETCD_DEB_PACKAGE"
  fi
  ln -sf "$(command -v etcd)" "$BIN_DIR/etcd"
  log "etcd: using $(command -v etcd) ($(etcd --version | head -n1))"
}

# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces every staging module with a
# local folder. A wrapper module requires it and points each staging module at the published
# v0.<minor>.<patch> instead, derived from the real go.mod so nothing is listed by hand.
write_wrapper_module() {
  local mod_dir="$1" staging_version="v0.${KUBERNETES_VERSION#*.}" gomod
  mkdir -p "$mod_dir"
  gomod=$(cd "$mod_dir" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" |
    sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@v$KUBERNETES_VERSION from the Go module proxy"
  {
    echo "module vpsie-autoscaler.local/kube-binaries"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "$gomod"
    echo
    echo "require k8s.io/kubernetes v$KUBERNETES_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$gomod"
    echo ")"
  } > "$mod_dir/go.mod"
}

build_kube() {
  local missing=()
  for cmd in "${KUBE_CMDS[@]}"; do [ -x "$BIN_DIR/$cmd" ] || missing+=("$cmd"); done
  [ "${#missing[@]}" -gt 0 ] || return 0
  require_go "${missing[*]}"
  local mod_dir="$KUBE_DIR/src"
  write_wrapper_module "$mod_dir"
  local pkg="k8s.io/component-base/version" minor="${KUBERNETES_VERSION#*.}"
  minor="${minor%%.*}"
  local ldflags="-s -w -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  for cmd in "${missing[@]}"; do
    log "building $cmd v$KUBERNETES_VERSION from the Go module proxy (cold: several minutes on 2 cores)"
    (cd "$mod_dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod timed "build $cmd" \
      go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$BIN_DIR/$cmd.tmp" "$BIN_DIR/$cmd"
  done
}

ensure_kwok() {
  if [ ! -x "$BIN_DIR/kwok" ]; then
    require_go kwok
    log "building kwok v$KWOK_VERSION with go install"
    CGO_ENABLED=0 GOBIN="$BIN_DIR" timed "build kwok" go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  fi
  [ -f "$BIN_DIR/kwok-stages.yaml" ] && return 0
  # The kwok binary ships no default behaviour: it needs Stage objects. We use the upstream
  # "fast" set (nodes Ready with a lease heartbeat, pods Running at once) from the same module.
  local kwok_dir
  kwok_dir=$(cd "$KUBE_DIR" && go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$kwok_dir/kustomize/stage" ] || die "kwok v$KWOK_VERSION stages not found in the module cache"
  local stages="$kwok_dir/kustomize/stage"
  for file in "$stages"/node/fast/node-initialize.yaml \
    "$stages"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$stages"/pod/fast/pod-ready.yaml "$stages"/pod/fast/pod-complete.yaml \
    "$stages"/pod/fast/pod-delete.yaml; do
    printf -- '---\n'
    cat "$file"
    echo
  done > "$BIN_DIR/kwok-stages.yaml"
}

ensure_etcd
build_kube
ensure_kwok
for cmd in etcd "${KUBE_CMDS[@]}" kwok kwok-stages.yaml; do
  [ -e "$BIN_DIR/$cmd" ] || die "$cmd missing from $BIN_DIR after install"
done
log "Kubernetes control plane binaries ready in $BIN_DIR"
echo "$BIN_DIR"
