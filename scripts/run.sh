#!/usr/bin/env bash
# Builds evtrade and runs the three services on loopback, with the store in
# var/ (token var/ingest.token, logs var/log/). Stops them all cleanly on
# Ctrl-C.
#
#   bash scripts/run.sh            start, load the sample data, stay up
#   bash scripts/run.sh --status   start, load, print one line per service
#                                  (name address status pid), stop; exit 0
#                                  if all were SERVING, else 1
#   --store sqlite                 the store is var/evtrade.db (default)
#   --store postgres               the store is a local PostgreSQL 15 in
#                                  var/postgres/ (scripts/local_postgres.sh:
#                                  created once, started on 127.0.0.1 before
#                                  the services, stopped after them)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
store=sqlite
while (($#)); do
  case "$1" in
    --status) mode=status ;;
    --store) store=${2:-}; shift ;;
    --store=*) store=${1#--store=} ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (use --status, --store or --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$store" in
  sqlite|postgres) ;;
  *) echo "run.sh: --store '$store': use sqlite or postgres" >&2; exit 2 ;;
esac

bash scripts/install_deps.sh
bash scripts/build.sh

bin=build/bin
mkdir -p var/log
if [[ ! -s var/ingest.token ]]; then
  (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >var/ingest.token)
fi
chmod 600 var/ingest.token

ingest_addr=127.0.0.1:50051
query_addr=127.0.0.1:50052
gateway_addr=127.0.0.1:50050
http_addr=127.0.0.1:8080

names=()
addrs=()
pids=()
postgres_dir=var/postgres
postgres_started=0

# The services first, then the PostgreSQL they write to.
stop_all() {
  trap - INT TERM EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((postgres_started)); then
    bash scripts/local_postgres.sh stop "$postgres_dir" ||
      echo "run.sh: stopping PostgreSQL failed; see $postgres_dir/postgres.log" >&2
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

if [[ $store == postgres ]]; then
  postgres_started=1
  if ! db=$(bash scripts/local_postgres.sh start "$postgres_dir"); then
    echo "run.sh: PostgreSQL did not start; $postgres_dir/postgres.log:" >&2
    tail -n 5 "$postgres_dir/postgres.log" >&2 || true
    exit 1
  fi
  # libpq reads the password from the environment; the URI has none.
  PGPASSWORD=$(cat "$postgres_dir/password")
  export PGPASSWORD
  store_text="PostgreSQL $db (data in $postgres_dir/, log $postgres_dir/postgres.log)"
else
  db=var/evtrade.db
  store_text=$db
fi

# start NAME ADDRESS ARGS...: runs build/bin/NAME in the background (flags
# given explicitly, so stray EVTRADE_* variables cannot move a service) and
# waits until it reports SERVING.
start() {
  local name=$1 addr=$2
  shift 2
  "$bin/$name" --listen="$addr" "$@" >"var/log/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  addrs+=("$addr")
  if ! "$bin/health_probe" --addr="$addr" --wait_seconds=30 >/dev/null; then
    echo "run.sh: $name did not become SERVING on $addr; var/log/$name.log:" >&2
    tail -n 5 "var/log/$name.log" >&2
    exit 1
  fi
}

# Ingest first: it creates or migrates the schema, which query waits for
# (NOT_SERVING until then).
start ingest_service "$ingest_addr" --db="$db" \
  --token_file=var/ingest.token --metrics_listen=127.0.0.1:9091
start query_service "$query_addr" --db="$db" \
  --metrics_listen=127.0.0.1:9092
start gateway "$gateway_addr" --query_addr="$query_addr" \
  --http_listen="$http_addr"

# --- Sample data load (the ingest helper owns this spot) --------------------
# One import per file, each with a fixed request id made of the file's name
# and a hash of its content: re-running run.sh on the same store replays
# (writes nothing), while regenerated sample data gets a new id and loads.
if [[ -x "$bin/evtrade" ]] && "$bin/evtrade" import --help >/dev/null 2>&1; then
  shopt -s nullglob
  samples=(data/sample/*.csv)
  shopt -u nullglob
  for file in "${samples[@]}"; do
    name=$(basename "$file" .csv)
    hash=$(sha256sum "$file" | cut -c1-12)
    echo "run.sh: loading $file"
    if ! "$bin/evtrade" import --ingest_addr="$ingest_addr" \
      --token_file=var/ingest.token --request-id="sample-$name-$hash" \
      --source="sample:$name" "$file"; then
      echo "run.sh: loading $file failed" >&2
      exit 1
    fi
  done
  # The headline the project exists for; the gateway may still be warming
  # up its view of the store, so a failure here is only reported.
  if ((${#samples[@]} > 0)); then
    "$bin/evtrade" report --gateway_addr="$gateway_addr" CHN 2022-11 ||
      echo "run.sh: (no CHN 2022-11 report from the gateway yet)" >&2
  fi
fi
# -----------------------------------------------------------------------------

if [[ $mode == status ]]; then
  all_serving=0
  for i in "${!names[@]}"; do
    status=$("$bin/health_probe" --addr="${addrs[$i]}") || all_serving=1
    echo "${names[$i]} ${addrs[$i]} $status pid=${pids[$i]}"
  done
  if ((postgres_started)); then
    status=$(bash scripts/local_postgres.sh status "$postgres_dir") || all_serving=1
    echo "postgres $status"
  fi
  stop_all
  exit "$all_serving"
fi

cat <<EOT
evtrade is running (logs in var/log/, store $store_text):
  gateway         gRPC $gateway_addr   HTTP http://$http_addr/
  query_service   gRPC $query_addr   metrics http://127.0.0.1:9092/metrics
  ingest_service  gRPC $ingest_addr   metrics http://127.0.0.1:9091/metrics
                  bearer token in var/ingest.token
Ctrl-C stops all three$( ((postgres_started)) && echo " and PostgreSQL").
EOT
# Stay up until Ctrl-C, or until one service exits on its own.
set +e
wait -n "${pids[@]}"
code=$?
set -e
echo "run.sh: a service exited (code $code); stopping the others" >&2
exit 1
