#!/usr/bin/env bash
# Runs the evtrade benchmarks and writes docs/BENCHMARKS.md.
#
#   bench/run.sh [--sizes=100k,1m] [--build-dir=build] [--no-build]
#                [--out=docs/BENCHMARKS.md] [--work=DIR] [--smoke]
#
# For each store size: starts the real services (ingest, query, gateway) on
# loopback ports with a fresh store, plus the gRPC echo baseline server,
# runs build/bin/evtrade_bench (baselines and load, see bench/README.md),
# reads each service's peak RSS (VmHWM), stops everything, and at the end
# turns the results into the report. --smoke runs a tiny size with short
# measurements, writes the report into the work folder and checks that every
# figure is well formed (what the ctest "bench.smoke" test runs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="100k,1m"
build_dir="$repo/build"
do_build=1
out=""
work=""
smoke=0
for arg in "$@"; do
  case "$arg" in
    --sizes=*) sizes="${arg#*=}" ;;
    --build-dir=*) build_dir="${arg#*=}" ;;
    --no-build) do_build=0 ;;
    --out=*) out="${arg#*=}" ;;
    --work=*) work="${arg#*=}" ;;
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# Measurement settings: the full run, or a smoke run that only proves the
# pipeline works end to end.
if (( smoke )); then
  [[ "$sizes" == "100k,1m" ]] && sizes="2k"
  load_args=(--duration_s=0.3 --callers=1,4 --channels=2 --sql_reports=2
             --big_ingest_records=2000 --during_ingest_records=2000)
else
  load_args=(--duration_s=2 --callers=1,8,32 --channels=4 --sql_reports=5
             --big_ingest_records=1000000 --during_ingest_records=1000000)
fi

if [[ -z "$work" ]]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/evtrade-bench.XXXXXX")"
fi
mkdir -p "$work"
[[ -z "$out" ]] && { (( smoke )) && out="$work/BENCHMARKS.md" || out="$repo/docs/BENCHMARKS.md"; }
bin="$build_dir/bin"
results="$work/results.jsonl"
: > "$results"

# "100k" -> 100000, "1m" -> 1000000, "2000" -> 2000.
records_of() {
  local s="${1,,}"
  case "$s" in
    *k) echo $(( ${s%k} * 1000 )) ;;
    *m) echo $(( ${s%m} * 1000000 )) ;;
    *[!0-9]*|"") echo "run.sh: bad size $1" >&2; exit 2 ;;
    *) echo "$s" ;;
  esac
}

if (( do_build )); then
  cmake -S "$repo" -B "$build_dir" -G Ninja > "$work/cmake.log"
  cmake --build "$build_dir" -j2 --target ingest_service query_service \
    gateway evtrade_bench evtrade_bench_echo
fi
for b in ingest_service query_service gateway evtrade_bench evtrade_bench_echo; do
  [[ -x "$bin/$b" ]] || { echo "run.sh: $bin/$b is not built" >&2; exit 1; }
done

# Every process this script starts, stopped on exit however it exits.
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT

# start NAME LOG BINARY ARGS...: starts a server on a port it picks itself
# (--listen=127.0.0.1:0) and sets $started_pid and $started_addr from its
# "serving gRPC on ADDR" log line.
start() {
  local name="$1" log="$2"
  shift 2
  : > "$log"
  # The services read EVTRADE_<FLAG> variables; the caller's must not leak in.
  env $(env | sed -n 's/^\(EVTRADE_[A-Z_]*\)=.*/-u \1/p') "$@" > "$log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  local i
  for (( i = 0; i < 300; i++ )); do
    started_addr="$(sed -n 's/.*serving gRPC on \([^ ]*\).*/\1/p' "$log" | head -1)"
    [[ -n "$started_addr" ]] && return 0
    if ! kill -0 "$started_pid" 2>/dev/null; then
      echo "run.sh: $name exited; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "run.sh: $name did not start in 30 s; its log:" >&2
  cat "$log" >&2
  exit 1
}

# stop PID: SIGTERM, wait, and forget it.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local rest=() pid
  for pid in "${pids[@]}"; do [[ "$pid" != "$1" ]] && rest+=("$pid"); done
  pids=("${rest[@]}")
}

# Peak resident memory of a running process, kB.
vmhwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  src="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build_dir/CMakeCache.txt")"
  echo "binaries built from: ${src:-?} at commit $(git -C "${src:-$repo}" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load average at start (the machine is shared): $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc: $(nproc)"
  echo "memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  lscpu | sed -n 's/^\(Model name\|Architecture\|CPU(s)\|Thread(s) per core\|Core(s) per socket\|CPU max MHz\|L2 cache\|L3 cache\):\s*/\1: /p'
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
  echo "build type: ${build_type:-RelWithDebInfo (the project default)}"
  echo "sizes: $sizes"
  echo "smoke: $smoke"
  echo "load: ${load_args[*]}"
} > "$work/machine.txt"

mkdir -p "$work/logs"
start echo "$work/logs/echo.log" "$bin/evtrade_bench_echo" --listen=127.0.0.1:0
echo_pid=$started_pid
echo_addr=$started_addr

IFS=',' read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  records="$(records_of "$size")"
  dir="$work/$size"
  rm -rf "$dir"
  mkdir -p "$dir"
  head -c 24 /dev/urandom | base64 > "$dir/ingest.token"
  echo "== size $size ($records records), work folder $dir" >&2

  start ingest_service "$dir/ingest.log" "$bin/ingest_service" \
    --listen=127.0.0.1:0 --db="$dir/evtrade.db" \
    --token_file="$dir/ingest.token" --metrics_listen=127.0.0.1:0 \
    --log_level=info --drain_seconds=0
  ingest_pid=$started_pid
  ingest_addr=$started_addr
  start query_service "$dir/query.log" "$bin/query_service" \
    --listen=127.0.0.1:0 --db="$dir/evtrade.db" \
    --metrics_listen=127.0.0.1:0 --log_level=info --drain_seconds=0
  query_pid=$started_pid
  query_addr=$started_addr
  start gateway "$dir/gateway.log" "$bin/gateway" \
    --listen=127.0.0.1:0 --query_addr="$query_addr" \
    --http_listen=127.0.0.1:0 --log_level=info --drain_seconds=0
  gateway_pid=$started_pid
  gateway_addr=$started_addr

  "$bin/evtrade_bench" --label="$size" --records="$records" \
    --results="$results" --ingest_addr="$ingest_addr" \
    --gateway_addr="$gateway_addr" --echo_addr="$echo_addr" \
    --token_file="$dir/ingest.token" --db="$dir/evtrade.db" \
    --store_limit_db="$dir/store_limit.db" "${load_args[@]}" \
    2> >(tee "$dir/bench.log" >&2)

  for svc in ingest_service:$ingest_pid query_service:$query_pid gateway:$gateway_pid echo:$echo_pid; do
    printf '{"name": "rss", "size": "%s", "service": "%s", "vmhwm_kb": %s}\n' \
      "$size" "${svc%%:*}" "$(vmhwm_kb "${svc#*:}")" >> "$results"
  done
  stop "$gateway_pid"
  stop "$query_pid"
  stop "$ingest_pid"
  printf '{"name": "db_size", "size": "%s", "bytes": %s}\n' \
    "$size" "$(stat -c %s "$dir/evtrade.db")" >> "$results"
  # The stores are large at big sizes; the figures are in the results.
  (( smoke )) || rm -f "$dir"/*.db "$dir"/*.db-wal "$dir"/*.db-shm
done
stop "$echo_pid"

check=()
(( smoke )) && check=(--check)
python3 "$repo/bench/write_report.py" --results="$results" \
  --machine="$work/machine.txt" --out="$out" "${check[@]}"
echo "run.sh: wrote $out (raw results: $results)" >&2
