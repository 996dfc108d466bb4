#!/usr/bin/env bash
# Installs, from Debian 12's packages, whatever Shoal needs to build and test that is missing.
set -euo pipefail
pkgs=(build-essential g++ meson ninja-build pkg-config
      libabsl-dev libjemalloc-dev libspdlog-dev libcli11-dev
      libgtest-dev libgmock-dev libbenchmark-dev liburing-dev liblzf-dev
      redis-server redis-tools python3 python3-redis python3-pytest)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a system redis-server on 6379 when it installs one; Shoal's tests start their own.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
