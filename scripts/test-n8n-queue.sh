#!/usr/bin/env bash
# npm run test:n8n:queue — n8n-nodes-instagram in n8n's queue mode: one main instance takes the
# webhooks and puts executions on a Redis queue, two `n8n worker` processes run them, all share
# one PostgreSQL database; nothing locks the credential between the workers.
#
#  1. the pinned n8n release (cached, see test-n8n.sh) and n8n-nodes-instagram from a local
#     registry, installed the way n8n's UI does
#  2. inside a network namespace with only a loopback interface: Redis and PostgreSQL from
#     Debian's packages (`apt-get install redis-server postgresql`), on loopback ports with their
#     data in the work directory, stopped by PID at the end (scripts/test-n8n/queue-services.sh);
#     n8n main + 2 workers and the mock Graph server (scripts/test-n8n/queue-drive.js): a burst of
#     50 deliveries, the token in its refresh window on every worker under each refresh model of
#     the mock, a worker killed in the middle of a refresh
#
# Options are passed to install-test.sh (e.g. --no-build). TEST_N8N_VERSIONS picks releases
# (default 2: n8n 2.41.1 on Node 24; "1", n8n 1.123.50, has not been tried in queue mode).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/test-n8n/lib.sh"
WORK="$(mktemp -d /tmp/instagram-native-test-n8n-queue.XXXXXX)"
chmod 755 "$WORK" # PostgreSQL runs as the postgres user, its data folder is in here
VERSIONS="${TEST_N8N_VERSIONS:-2}"
trap 'echo "work directory: $WORK"' EXIT

for bin in redis-server /usr/lib/postgresql/*/bin/postgres setpriv ss; do
  compgen -G "$bin" >/dev/null || command -v "$bin" >/dev/null || { echo "missing $bin: apt-get install -y redis-server postgresql iproute2" >&2; exit 1; }
done
id postgres >/dev/null 2>&1 || { echo "no postgres user: apt-get install -y postgresql" >&2; exit 1; }

for v in $VERSIONS; do install_n8n "$v" "$WORK"; done
export_package "$WORK" "$@"

for v in $VERSIONS; do
  dir="$CACHE/n8n-${N8N[$v]}"
  run_driver "n8n ${N8N[$v]} queue mode" "$WORK/queue-$v" "$WORK/queue-$v/" \
    bash "$ROOT/scripts/test-n8n/queue-services.sh" "$(cat "$dir/node-path")" "$dir" "$WORK/package" "$WORK/queue-$v"
done
print_table
exit $FAILED
