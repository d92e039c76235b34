#!/usr/bin/env bash
# Obtain prometheus and promtool (Debian packages) without starting the packaged daemon; our
# scripts start Prometheus themselves on 127.0.0.1 when needed. Prints the folder of both.
source "$(dirname "${BASH_SOURCE[0]}")/../utils/common.sh"

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  timed "installing $PROMETHEUS_DEB_PACKAGE" apt_install "$PROMETHEUS_DEB_PACKAGE"
  # The package enables its service; on systemd machines keep it from running beside ours.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
log "prometheus: $(prometheus --version 2>&1 | head -n1)"
dirname "$(command -v promtool)"
