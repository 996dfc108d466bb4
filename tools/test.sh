#!/usr/bin/env bash
# Installs what is missing, builds (release, debug with ASan+UBSan, and ThreadSanitizer), runs every
# test: GoogleTest unit tests under the sanitizers, the integration suite (pytest, real clients
# against real servers) against the ASan server, the concurrency tests again against the TSan
# server, the whole integration suite again on the epoll event loop, and the shoal-bench and
# eviction tests, and the concurrency and protocol tests on io_uring, against the release build.
# Ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
PY=/usr/bin/python3
results=$(mktemp -d)
status=0

build() {  # dir, meson options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$results/setup-$dir.log" 2>&1 || { cat "$results/setup-$dir.log"; return 1; }
  fi
  ninja -C "$dir" >"$results/ninja-$dir.log" 2>&1 || { tail -50 "$results/ninja-$dir.log"; return 1; }
}

echo "== build (release)"
build build --buildtype=release || status=1
echo "== build (debug, ASan+UBSan)"
build build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
  -Djemalloc=false -Dbenchmarks=disabled || status=1
echo "== build (ThreadSanitizer)"
build build-tsan --buildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false \
  -Djemalloc=false -Dbenchmarks=disabled -Dtests=disabled || status=1

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

echo "== unit tests (ASan+UBSan)"
for t in $(find build-asan/tests/unit -type f -name '*_test' -perm -u+x | sort); do
  name=$(basename "$t")
  if ! timeout 600 "$t" --gtest_brief=1 --gtest_output="xml:$results/unit-$name.xml" >"$results/$name.log" 2>&1; then
    echo "FAILED: $name"; tail -30 "$results/$name.log"; status=1
    [ -f "$results/unit-$name.xml" ] || echo '<testsuites><testsuite><testcase name="'"$name"'"><failure/></testcase></testsuite></testsuites>' >"$results/unit-$name.xml"
  fi
done

echo "== integration tests (shoal-server with ASan+UBSan against redis-server)"
SHOAL_BUILD_DIR=$PWD/build-asan timeout 1800 $PY -m pytest tests/integration -q \
  --ignore=tests/integration/test_shoal_bench.py --junitxml="$results/integration.xml" || status=1

echo "== concurrency tests (shoal-server with ThreadSanitizer against redis-server)"
# Every cross-thread path: many clients on both workers, blocking pops woken from the other
# worker, EXEC across shards, Pub/Sub delivery between workers, eviction from both workers,
# clients held by CLIENT PAUSE, invalidations between workers (CLIENT TRACKING). A
# data race TSan sees is written to tsan.* and fails the run even when the test itself passed.
mkdir -p "$results/tsan"
TSAN_OPTIONS="log_path=$results/tsan/tsan second_deadlock_stack=1" SHOAL_BUILD_DIR=$PWD/build-tsan \
  timeout 900 $PY -m pytest -q tests/integration/test_concurrency.py \
  tests/integration/test_blocking.py tests/integration/test_transactions.py \
  tests/integration/test_pubsub.py tests/integration/test_eviction.py \
  tests/integration/test_client_controls.py tests/integration/test_monitor.py \
  tests/integration/test_client_pause.py tests/integration/test_client_tracking.py \
  --junitxml="$results/tsan.xml" || status=1
if ls "$results"/tsan/tsan.* >/dev/null 2>&1; then
  echo "FAILED: ThreadSanitizer reports:"; cat "$results"/tsan/tsan.*
  echo '<testsuites><testsuite><testcase name="tsan-reports"><failure/></testcase></testsuite></testsuites>' \
    >"$results/tsan-reports.xml"
  status=1
fi

echo "== integration tests again on the epoll event loop (release build)"
# The suite above ran on io_uring where the kernel has it (io-engine auto); epoll is the fallback
# everywhere else, so it gets the whole suite too.
SHOAL_EXTRA_ARGS="--io-engine epoll" SHOAL_BUILD_DIR=$PWD/build timeout 900 $PY -m pytest \
  tests/integration -q --ignore=tests/integration/test_shoal_bench.py \
  --junitxml="$results/integration-epoll.xml" || status=1

echo "== shoal-bench tests, and eviction again with jemalloc's accounting (release)"
# The sanitizer builds use their allocator's totals; the release build counts used memory from
# jemalloc's per-thread counters (server/store/memory.h), which eviction relies on.
SHOAL_BUILD_DIR=$PWD/build timeout 600 $PY -m pytest tests/integration/test_shoal_bench.py -q \
  --junitxml="$results/bench.xml" || status=1
SHOAL_BUILD_DIR=$PWD/build timeout 300 $PY -m pytest tests/integration/test_eviction.py -q \
  --junitxml="$results/eviction-release.xml" || status=1
echo "== concurrency and protocol tests on io_uring (release)"
# Only the release build names entries by handles, where the lookups' prefetch reads buckets
# without the shard locks (DbTable::PrefetchChain), and the round-wide prefetch runs on io_uring.
SHOAL_BUILD_DIR=$PWD/build timeout 600 $PY -m pytest tests/integration/test_concurrency.py \
  tests/integration/test_protocol.py -q --junitxml="$results/release-uring.xml" || status=1

$PY - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.xml"):
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError:
        failed += 1
        continue
    for tc in root.iter("testcase"):
        kinds = {c.tag for c in tc}
        if kinds & {"failure", "error"}:
            failed += 1
        elif "skipped" in kinds or tc.get("result") == "skipped" or tc.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
if failed == 0 and int(sys.argv[2]) != 0:
    failed = 1  # a build or runner step failed outside any test case (see above)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
