#!/usr/bin/env bash
# A local PostgreSQL 15 (Debian's, /usr/lib/postgresql/15/bin) in a folder,
# for running evtrade on its PostgreSQL store (scripts/run.sh --store
# postgres). Listens on 127.0.0.1 only; its unix socket is in DIR/run
# (mode 0700), never in /var/run/postgresql.
#
#   bash scripts/local_postgres.sh start [DIR]    DIR defaults to var/postgres
#       initdb into DIR/data the first time, start on a free port (55432
#       when free), make sure the role and the database evtrade (owned by
#       it) exist, and print the libpq URI the services take as --db. The
#       URI carries no password: it is in DIR/password (mode 0600), which
#       libpq reads from PGPASSWORD. A server left running from an earlier
#       start is stopped first. Log: DIR/postgres.log.
#   bash scripts/local_postgres.sh stop [DIR]     stop it (fast: rolls back
#       open transactions); nothing to do when it is not running
#   bash scripts/local_postgres.sh status [DIR]   print "ADDRESS STATUS
#       pid=PID", STATUS SERVING when it accepts connections; exit 0 then,
#       else 1
#
# PostgreSQL refuses to run as root. As root (CI, containers), the server
# and its tools run as the `postgres` system user that Debian's package
# creates (runuser), and DIR/data, DIR/run and the log belong to it; the
# password file stays the caller's.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }
command=${1:-}
dir=${2:-var/postgres}
case "$command" in
  start | stop | status) ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/pg_ctl ]]; then
  echo "local_postgres: no PostgreSQL 15 in $pg_bin (bash scripts/install_deps.sh installs it)" >&2
  exit 1
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
run=$dir/run
log=$dir/postgres.log
password_file=$dir/password
port_file=$dir/port

as_server=()
if ((EUID == 0)); then
  as_server=(runuser -u postgres --)
fi
# pg TOOL ARGS...: a PostgreSQL program, as the user the server runs as.
pg() {
  local tool=$1
  shift
  "${as_server[@]}" "$pg_bin/$tool" "$@"
}

running() { [[ -s $data/postmaster.pid ]] && pg pg_ctl -D "$data" status >/dev/null 2>&1; }

stop() {
  if running; then
    pg pg_ctl -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
}

# Prefers 55432; any free loopback port otherwise.
free_port() {
  python3 - <<'EOF'
import socket
for port in (55432, 0):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(s.getsockname()[1])
    break
EOF
}

start() {
  stop
  if [[ ! -s $password_file ]]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$password_file")
  fi
  chmod 600 "$password_file"
  mkdir -p "$data" "$run"
  chmod 700 "$data" "$run"
  touch "$log"
  if ((EUID == 0)); then
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "local_postgres: the postgres user cannot reach $dir (a parent folder is not searchable by others)" >&2
      exit 1
    fi
    chown -R postgres:postgres "$data" "$run" "$log"
  fi
  if [[ ! -s $data/PG_VERSION ]] && [[ -n $(ls -A "$data") ]]; then
    echo "local_postgres: $data is no database folder (an initdb that failed?); remove it" >&2
    exit 1
  fi
  if [[ ! -s $data/PG_VERSION ]]; then
    # The superuser postgres connects only through the socket (trust, but
    # the socket's folder is 0700); TCP connections need a password.
    pg initdb -D "$data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >>"$log" 2>&1
  fi
  local port
  port=$(free_port)
  pg pg_ctl -D "$data" -l "$log" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$run'" \
    start >/dev/null
  echo "$port" >"$port_file"
  # The password goes in on stdin, never on a command line. It is hex, so
  # it needs no quoting.
  pg psql -h "$run" -p "$port" -U postgres -d postgres -X -q \
    -v ON_ERROR_STOP=1 >/dev/null <<EOF
SELECT 'CREATE ROLE evtrade LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'evtrade')\\gexec
ALTER ROLE evtrade PASSWORD '$(cat "$password_file")';
SELECT 'CREATE DATABASE evtrade OWNER evtrade'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'evtrade')\\gexec
EOF
  echo "postgresql://evtrade@127.0.0.1:$port/evtrade?sslmode=disable"
}

status() {
  local port pid=none
  port=$(cat "$port_file" 2>/dev/null || echo 0)
  if [[ -s $data/postmaster.pid ]]; then
    pid=$(head -n 1 "$data/postmaster.pid")
  fi
  if running && pg pg_isready -h 127.0.0.1 -p "$port" -q; then
    echo "127.0.0.1:$port SERVING pid=$pid"
    return 0
  fi
  echo "127.0.0.1:$port NOT_SERVING pid=$pid"
  return 1
}

"$command"
