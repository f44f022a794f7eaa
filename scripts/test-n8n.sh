#!/usr/bin/env bash
# npm run test:n8n — n8n-nodes-instagram in real n8n releases.
#
#  1. installs the pinned n8n releases once into $TEST_N8N_CACHE (default .cache/test-n8n, git-
#     ignored): n8n 2.41.1 on Node 24 (what users run) and n8n 1.123.50 on Node 20 (the last 1.x)
#  2. `npm run test:install -- --export …`: publishes the platform package, instagram-native and
#     n8n-nodes-instagram to a local registry and installs the node package from it the way n8n's
#     UI does
#  3. for each n8n: copies that install into a fresh n8n user folder, imports a credential and a
#     Trigger → Instagram workflow with the n8n CLI, starts n8n and drives it against the mock
#     Graph server (scripts/test-n8n/drive.js) inside a network namespace that has only a loopback
#     interface (`unshare -n`), so nothing can reach another address
#
# Options are passed to install-test.sh (e.g. --no-build). TEST_N8N_VERSIONS="2 1" picks releases.
# Queue mode (main + workers, Redis, PostgreSQL): scripts/test-n8n-queue.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/test-n8n/lib.sh"
WORK="$(mktemp -d /tmp/instagram-native-test-n8n.XXXXXX)"
VERSIONS="${TEST_N8N_VERSIONS:-2 1}"
trap 'echo "work directory: $WORK"' EXIT

for v in $VERSIONS; do install_n8n "$v" "$WORK"; done
export_package "$WORK" "$@"

for v in $VERSIONS; do
  dir="$CACHE/n8n-${N8N[$v]}"
  run_driver "n8n ${N8N[$v]}" "$WORK/drive-$v" "$WORK/n8n-${N8N[$v]}.log" \
    "$(cat "$dir/node-path")" "$ROOT/scripts/test-n8n/drive.js" "$dir" "$WORK/package" "$WORK"
done
print_table
exit $FAILED
