#!/usr/bin/env bash
# scripts/local_postgres.sh against a real server (Debian's PostgreSQL 15):
# start prints a URI the owner evtrade reaches with the password file and
# not without it, status follows the server, a restart keeps the data and
# stop leaves nothing running. Runs as root too (the server then runs as
# the postgres system user). Usage: local_postgres_test.sh REPO_DIR
set -euo pipefail
repo=$1
script=$repo/scripts/local_postgres.sh
dir=$(mktemp -d /tmp/evtrade-local-pg-test.XXXXXX)
chmod 755 "$dir"  # the postgres user (when run as root) must reach it
cleanup() {
  bash "$script" stop "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', want '$2'"; }

uri=$(bash "$script" start "$dir")
port=$(cat "$dir/port")
expect_eq "$uri" "postgresql://evtrade@127.0.0.1:$port/evtrade?sslmode=disable" "start's URI"
expect_eq "$(stat -c %a "$dir/password")" 600 "password file mode"

who=$(PGPASSWORD=$(cat "$dir/password") psql "$uri" -w -X -q -Atc \
  "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42);
   SELECT current_user || ' ' || current_database()")
expect_eq "$who" "evtrade evtrade" "user and database"
if env -u PGPASSWORD psql "$uri" -w -X -Atc "SELECT 1" >/dev/null 2>&1; then
  fail "connected without the password"
fi

status=$(bash "$script" status "$dir")
[[ $status =~ ^127\.0\.0\.1:$port\ SERVING\ pid=[0-9]+$ ]] || fail "status: $status"

# A second start stops the running server and starts on the same data.
uri=$(bash "$script" start "$dir")
kept=$(PGPASSWORD=$(cat "$dir/password") psql "$uri" -w -X -Atc "SELECT n FROM kept")
expect_eq "$kept" 42 "data after a restart"

bash "$script" stop "$dir"
if status=$(bash "$script" status "$dir"); then
  fail "status after stop exited 0: $status"
fi
expect_eq "$status" "127.0.0.1:$(cat "$dir/port") NOT_SERVING pid=none" "status after stop"
bash "$script" stop "$dir"  # stopping a stopped server is fine
echo "local_postgres: ok"
