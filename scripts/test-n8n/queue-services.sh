#!/usr/bin/env bash
# Part of scripts/test-n8n-queue.sh, run inside the loopback-only network namespace: starts Redis
# and PostgreSQL (Debian's packages) on loopback ports with their data under <work dir>, runs
# queue-drive.js against them, and stops both by PID on exit (whatever happened).
#
#   queue-services.sh <node binary> <n8n dir> <installed package dir> <work dir>
set -euo pipefail
NODE_BIN="$1"; N8N_DIR="$2"; PACKAGE="$3"; WORK="$4"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
REDIS_PID=""; PG_PID=""
mkdir -p "$WORK"; chmod 755 "$WORK"

# the ROW lines of the table (see test-n8n.sh), for the services' own steps
t_row() { local t0="$1"; shift; printf 'ROW|%s|%s|%s\n' "$1" "$2" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"; }
stop_pid() { # stop_pid <pid> <signal>: signal, then wait up to 30 s for the exit
  local pid="$1" sig="$2" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid"
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "pid $pid did not stop" >&2; return 1
}
cleanup() {
  local rc=$? stopped=ok t; t=$(date +%s.%N)
  stop_pid "$PG_PID" INT || stopped=FAILED # PostgreSQL's "fast shutdown"
  stop_pid "$REDIS_PID" TERM || stopped=FAILED
  t_row "$t" "stop PostgreSQL and Redis (by PID)" "$stopped"
  [ "$stopped" = ok ] || rc=1
  exit $rc
}
trap cleanup EXIT INT TERM
free_port() { "$NODE_BIN" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for() { # wait_for <seconds> <command…>
  local n="$1" i; shift
  for i in $(seq $((n * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  "$@"
}

t=$(date +%s.%N)
REDIS_PORT=$(free_port)
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly no \
  --daemonize no --logfile "$WORK/redis.log" &
REDIS_PID=$!
wait_for 20 redis-cli -p "$REDIS_PORT" ping
t_row "$t" "start Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-) on 127.0.0.1:$REDIS_PORT" "ok (pid $REDIS_PID)"

t=$(date +%s.%N)
PG_PORT=$(free_port)
mkdir -p "$WORK/pg"; chown postgres:postgres "$WORK/pg"
AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups) # execs: $! is the server's PID
# trust on loopback only: this namespace has no other interface, and no password to leak
"${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U n8n --auth=trust -E UTF8 >"$WORK/pg-initdb.log" 2>&1
"${AS_POSTGRES[@]}" "$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$WORK/pg" -c fsync=off -c max_connections=200 >"$WORK/postgres.log" 2>&1 &
PG_PID=$!
wait_for 60 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U n8n n8n
t_row "$t" "start PostgreSQL $("$PG_BIN/postgres" --version | grep -oP '\(PostgreSQL\) \K[0-9.]+') on 127.0.0.1:$PG_PORT" "ok (pid $PG_PID)"

QUEUE_REDIS_PORT="$REDIS_PORT" QUEUE_PG_PORT="$PG_PORT" "$NODE_BIN" "$HERE/queue-drive.js" "$N8N_DIR" "$PACKAGE" "$WORK"
