#!/usr/bin/env bash
# Checks that shoal-bench is not the bottleneck: throughput and client CPU per request vs redis-benchmark.
#
# Starts a redis-server on a free loopback port (no persistence), then runs the same workloads
# with both tools in alternation (A B, B A, ...): SET and GET, 100-byte values, 1M keys of the
# same 16-byte shape, 50 connections, pipeline 1 and 16, one client thread each. Client CPU is
# user+sys from /usr/bin/time. Prints medians as a markdown table.
#
#   tools/shoal-bench/vs_redis_benchmark.sh            # ROUNDS=3 N1=500000 N16=2000000
#   SHOAL_BENCH=path/to/shoal-bench ROUNDS=5 tools/shoal-bench/vs_redis_benchmark.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${SHOAL_BUILD_DIR:-$here/../../build}
bench=${SHOAL_BENCH:-$build/tools/shoal-bench/shoal-bench}
rounds=${ROUNDS:-3}
n1=${N1:-500000}
n16=${N16:-2000000}
clients=${CLIENTS:-50}
[[ -x $bench ]] || { echo "shoal-bench not found at $bench (set SHOAL_BENCH or SHOAL_BUILD_DIR)" >&2; exit 2; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not installed" >&2; exit 2; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null; wait $redis_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# redis-benchmark -r 1000000 uses keys key:000000000000 .. key:000000999999; shoal-bench uses
# prefix key:000000 with numbers 100000..999999, the same 16-byte keys (90% of them).
sb_keys=(--key-prefix key:000000 --key-min 100000 --key-max 999999)

# Runs one tool; prints "ops_per_sec cpu_us_per_request".
run_rb() {  # cmd pipeline n
  /usr/bin/time -f '%U %S' -o "$work/time" redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" -P "$2" \
    -n "$3" -r 1000000 -d 100 -t "$1" -q >"$work/out" 2>&1
  local ops cpu
  ops=$(tr '\r' '\n' <"$work/out" | awk '/requests per second/ {print $2}' | tail -1)
  cpu=$(awk -v n="$3" '{printf "%.3f", ($1 + $2) / n * 1e6}' "$work/time")
  echo "$ops $cpu"
}
run_sb() {  # cmd pipeline n
  local ratio=1:0
  [[ $1 == get ]] && ratio=0:1
  /usr/bin/time -f '%U %S' -o "$work/time" "$bench" --host 127.0.0.1 --port "$port" -c "$clients" -P "$2" \
    -n "$3" --ratio "$ratio" -d 100 "${sb_keys[@]}" >"$work/out" 2>&1
  local ops cpu
  ops=$(awk '/^run:/ {print $(NF-1)}' "$work/out")
  cpu=$(awk -v n="$3" '{printf "%.3f", ($1 + $2) / n * 1e6}' "$work/time")
  echo "$ops $cpu"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

populate() {
  # Every key either tool can ask for: key:000000000000 .. key:000000999999.
  local w lo hi
  for w in 6 5 4 3 2 1; do
    lo=$((10 ** (w - 1))); hi=$((10 ** w - 1)); [[ $w == 1 ]] && lo=0
    "$bench" --port "$port" --preload -n 0 -P 64 -d 100 --key-prefix "key:$(printf '%0*d' $((12 - w)) 0)" \
      --key-min "$lo" --key-max "$hi" >/dev/null
  done
}

echo "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port; $(nproc) cores; rounds: $rounds"
echo
echo "| workload | tool | ops/s (median) | client CPU µs/request (median) |"
echo "|---|---|---:|---:|"
for cmd in set get; do
  [[ $cmd == get ]] && { redis-cli -p "$port" flushall >/dev/null; populate; }
  for p in 1 16; do
    n=$n1; [[ $p == 16 ]] && n=$n16
    : >"$work/rb"; : >"$work/sb"
    for r in $(seq "$rounds"); do
      if (( r % 2 )); then order="rb sb"; else order="sb rb"; fi
      for tool in $order; do
        [[ $cmd == set ]] && redis-cli -p "$port" flushall >/dev/null
        "run_$tool" "$cmd" "$p" "$n" >>"$work/$tool"
      done
    done
    for tool in rb sb; do
      name=redis-benchmark; [[ $tool == sb ]] && name=shoal-bench
      printf '| %s -c %d -P %d -n %d | %s | %.0f | %.3f |\n' "${cmd^^}" "$clients" "$p" "$n" "$name" \
        "$(cut -d' ' -f1 "$work/$tool" | median)" "$(cut -d' ' -f2 "$work/$tool" | median)"
    done
  done
done
