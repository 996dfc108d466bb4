#!/usr/bin/env bash
# Installs what is missing, builds a release shoal-server and starts it on 127.0.0.1:6379.
# Extra arguments go to shoal-server (e.g. tools/run.sh --port 7000 --threads 4).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build server/shoal-server tools/shoal-bench/shoal-bench >/dev/null
exec build/server/shoal-server "$@"
