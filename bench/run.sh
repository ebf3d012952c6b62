#!/usr/bin/env bash
# Runs the evtrade benchmarks and writes docs/BENCHMARKS.md.
#
#   bench/run.sh [--store=sqlite[,postgres]] [--sizes=100k,1m]
#                [--build-dir=build] [--no-build] [--out=docs/BENCHMARKS.md]
#                [--work=DIR] [--earlier=FILE.md] [--smoke]
#
# For each store kind (--store, default sqlite; postgres starts a throwaway
# PostgreSQL 15 server per size on loopback, see start_postgres) and each
# store size: starts the real services (ingest, query, gateway) on loopback
# ports with a fresh store, plus the gRPC echo baseline server,
# runs build/bin/evtrade_bench (baselines and load, see bench/README.md),
# reads each service's peak RSS (VmHWM), stops everything, and at the end
# turns the results into the report; a full run appends the newest report
# in bench/earlier/ (an earlier run's figures; --earlier= for none).
# --smoke runs a tiny size with short measurements, writes the report into
# the work folder and checks that every figure is well formed (what the
# ctest "bench.smoke" test runs, and "bench.smoke_postgres" with
# --store=postgres).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="100k,1m"
build_dir="$repo/build"
do_build=1
out=""
work=""
smoke=0
earlier="-"
stores="sqlite"
args=("$@")
for (( i = 0; i < ${#args[@]}; i++ )); do
  arg="${args[$i]}"
  # "--store sqlite,postgres" is "--store=sqlite,postgres".
  if [[ "$arg" == --store ]] && (( i + 1 < ${#args[@]} )); then
    (( i += 1 ))
    arg="--store=${args[$i]}"
  fi
  case "$arg" in
    --store=*) stores="${arg#*=}" ;;
    --sizes=*) sizes="${arg#*=}" ;;
    --build-dir=*) build_dir="${arg#*=}" ;;
    --no-build) do_build=0 ;;
    --out=*) out="${arg#*=}" ;;
    --work=*) work="${arg#*=}" ;;
    --earlier=*) earlier="${arg#*=}" ;;
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
IFS=',' read -r -a store_list <<< "$stores"
for store in "${store_list[@]}"; do
  case "$store" in
    sqlite|postgres) ;;
    *) echo "run.sh: --store: want sqlite and/or postgres, got $store" >&2
       exit 2 ;;
  esac
done

# Measurement settings: the full run, or a smoke run that only proves the
# pipeline works end to end.
if (( smoke )); then
  [[ "$sizes" == "100k,1m" ]] && sizes="2k"
  load_args=(--duration_s=0.3 --callers=1,4 --channels=2 --sql_reports=2
             --big_ingest_records=2000 --during_ingest_records=2000)
  pg_load_args=()
else
  load_args=(--duration_s=2 --callers=1,8,32 --channels=4 --sql_reports=5
             --big_ingest_records=1000000 --during_ingest_records=1000000)
  # The PostgreSQL store ingests about 1-2k records/s on this kind of
  # machine (a few statements per record, each a round trip): its extra
  # ingests are smaller so that a run ends in minutes, not an hour.
  pg_load_args=(--big_ingest_records=100000 --during_ingest_records=20000)
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

# PostgreSQL 15 from Debian's packages (scripts/install_deps.sh). The
# server refuses to run as root: then it runs as the `postgres` system user,
# in a folder that user owns (the work folder is private to us).
pg_bin=/usr/lib/postgresql/15/bin
pg_root=""
pg_data=""
pg_port=""
as_pg() {
  if (( EUID == 0 )); then runuser -u postgres -- "$@"; else "$@"; fi
}
# start_postgres: initdb + pg_ctl start on 127.0.0.1 on a free port, trust
# authentication; sets pg_port. Settings are the defaults (fsync on: every
# commit is durable, as with SQLite) but for the socket folder.
start_postgres() {
  [[ -x "$pg_bin/pg_ctl" ]] || {
    echo "run.sh: $pg_bin/pg_ctl missing: bash scripts/install_deps.sh" >&2
    exit 1
  }
  pg_root="$(mktemp -d "${TMPDIR:-/tmp}/evtrade-bench-pg.XXXXXX")"
  (( EUID == 0 )) && chown postgres: "$pg_root"
  pg_data="$pg_root/data"
  as_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 \
    --locale=C > "$pg_root/initdb.log" 2>&1 || {
    cat "$pg_root/initdb.log" >&2
    exit 1
  }
  pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_pg "$pg_bin/pg_ctl" start -w -t 60 -D "$pg_data" -l "$pg_root/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_root" \
    > /dev/null || { cat "$pg_root/server.log" >&2; exit 1; }
}
pg_uri() { echo "postgresql://postgres@127.0.0.1:$pg_port/$1"; }
pg_sql() {
  env -u PGUSER -u PGPASSWORD -u PGDATABASE -u PGHOST -u PGPORT \
    "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_uri postgres)" -c "$1"
}
stop_postgres() {
  [[ -n "$pg_data" ]] || return 0
  as_pg "$pg_bin/pg_ctl" stop -w -m fast -D "$pg_data" > /dev/null 2>&1 || true
  [[ -n "${1:-}" ]] && cp "$pg_root/server.log" "$1" 2>/dev/null
  rm -rf "$pg_root"
  pg_data=""
}

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
  stop_postgres
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

# The DuckDB baseline (bench/duckdb/): DuckDB from npm, pinned by
# bench/duckdb/package-lock.json, installed once into the build folder.
duckdb_dir="$build_dir/bench/duckdb"
install_duckdb() {
  mkdir -p "$duckdb_dir"
  if ! cmp -s "$repo/bench/duckdb/package-lock.json" \
       "$duckdb_dir/package-lock.json" ||
     [[ ! -d "$duckdb_dir/node_modules/@duckdb/node-api" ]]; then
    cp "$repo/bench/duckdb/package.json" "$repo/bench/duckdb/package-lock.json" \
      "$duckdb_dir/"
    (cd "$duckdb_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
  cp "$repo/bench/duckdb/report.mjs" "$duckdb_dir/"
}
# duckdb_baseline DIR DB SIZE RECORDS: the size's current records (the base
# batch, revisions applied) as CSV (read-only, while the services run),
# then report.mjs computes the sql
# phase's reports with one DuckDB statement each and compares them with the
# service's (DIR/reports.jsonl).
duckdb_baseline() {
  local dir="$1" db="$2" size="$3" records="$4"
  python3 - "$db" "$dir/records.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
with open(sys.argv[2], "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["reporter", "partner", "flow", "hs_code", "period",
                  "manufacturer", "value_usd", "quantity"])
    # The size's records: the base data's batch (the first), not the
    # later months the ingest phases appended (new keys, later batches).
    out.writerows(db.execute(
        "SELECT reporter, partner, flow, hs_code, period, manufacturer, "
        "value_usd, quantity FROM records "
        "WHERE batch_id = (SELECT min(batch_id) FROM batches)"))
PY
  node "$duckdb_dir/report.mjs" --csv="$dir/records.csv" \
    --reports="$dir/reports.jsonl" --results="$results" --store=sqlite \
    --size="$size" --store_records="$records" 2> >(tee -a "$dir/bench.log" >&2)
  rm -f "$dir/records.csv"
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
  echo "stores: $stores"
  if [[ ",$stores," == *,postgres,* ]]; then
    echo "postgresql: $("$pg_bin/postgres" --version 2>/dev/null || echo missing), default settings (fsync on, shared_buffers 128MB), a fresh server per size"
  fi
  echo "sizes: $sizes"
  echo "smoke: $smoke"
  echo "load: ${load_args[*]}"
  if [[ ",$stores," == *,postgres,* ]] && (( ${#pg_load_args[@]} )); then
    echo "load on postgres: the same but ${pg_load_args[*]}"
  fi
} > "$work/machine.txt"

[[ ",$stores," == *,sqlite,* ]] && install_duckdb
mkdir -p "$work/logs"
start echo "$work/logs/echo.log" "$bin/evtrade_bench_echo" --listen=127.0.0.1:0
echo_pid=$started_pid
echo_addr=$started_addr

IFS=',' read -r -a size_list <<< "$sizes"
for store in "${store_list[@]}"; do
for size in "${size_list[@]}"; do
  records="$(records_of "$size")"
  dir="$work/$store/$size"
  rm -rf "$dir"
  mkdir -p "$dir"
  head -c 24 /dev/urandom | base64 > "$dir/ingest.token"
  echo "== store $store, size $size ($records records), work folder $dir" >&2

  if [[ "$store" == postgres ]]; then
    start_postgres
    for db in evtrade evtrade_limit evtrade_raw; do
      pg_sql "CREATE DATABASE $db"
    done
    db="$(pg_uri evtrade)"
    store_args=(--store=postgres --store_limit_db="$(pg_uri evtrade_limit)"
                --raw_db="$(pg_uri evtrade_raw)"
                --phases=store,raw,ingest,echo,queries,big_ingest,during
                "${load_args[@]}" "${pg_load_args[@]}")
  else
    db="$dir/evtrade.db"
    store_args=(--store=sqlite --store_limit_db="$dir/store_limit.db"
                --raw_db="$dir/raw.db" --reports_out="$dir/reports.jsonl"
                "${load_args[@]}")
  fi

  start ingest_service "$dir/ingest.log" "$bin/ingest_service" \
    --listen=127.0.0.1:0 --db="$db" \
    --token_file="$dir/ingest.token" --metrics_listen=127.0.0.1:0 \
    --log_level=info --drain_seconds=0
  ingest_pid=$started_pid
  ingest_addr=$started_addr
  start query_service "$dir/query.log" "$bin/query_service" \
    --listen=127.0.0.1:0 --db="$db" \
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
    --token_file="$dir/ingest.token" --db="$db" \
    "${store_args[@]}" \
    2> >(tee "$dir/bench.log" >&2)

  if [[ "$store" == sqlite ]]; then
    duckdb_baseline "$dir" "$db" "$size" "$records"
  fi

  for svc in ingest_service:$ingest_pid query_service:$query_pid gateway:$gateway_pid echo:$echo_pid; do
    printf '{"name": "rss", "store": "%s", "size": "%s", "service": "%s", "vmhwm_kb": %s}\n' \
      "$store" "$size" "${svc%%:*}" "$(vmhwm_kb "${svc#*:}")" >> "$results"
  done
  stop "$gateway_pid"
  stop "$query_pid"
  stop "$ingest_pid"
  if [[ "$store" == postgres ]]; then
    bytes="$(pg_sql "SELECT pg_database_size('evtrade')")"
    stop_postgres "$dir/postgres.log"
  else
    bytes="$(stat -c %s "$dir/evtrade.db")"
  fi
  printf '{"name": "db_size", "store": "%s", "size": "%s", "bytes": %s}\n' \
    "$store" "$size" "$bytes" >> "$results"
  # The stores are large at big sizes; the figures are in the results.
  (( smoke )) || rm -f "$dir"/*.db "$dir"/*.db-wal "$dir"/*.db-shm
done
done
stop "$echo_pid"

report_args=()
(( smoke )) && report_args=(--check)
if [[ "$earlier" == - ]]; then
  earlier=""
  (( smoke )) || earlier="$(ls "$repo"/bench/earlier/*.md 2>/dev/null | sort | tail -1)"
fi
[[ -n "$earlier" ]] && report_args+=(--earlier="$earlier")
python3 "$repo/bench/write_report.py" --results="$results" \
  --machine="$work/machine.txt" --out="$out" "${report_args[@]}"
echo "run.sh: wrote $out (raw results: $results)" >&2
