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
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TEST_N8N_CACHE:-$ROOT/.cache/test-n8n}"
WORK="$(mktemp -d /tmp/instagram-native-test-n8n.XXXXXX)"
VERSIONS="${TEST_N8N_VERSIONS:-2 1}"
declare -A N8N=([2]=2.41.1 [1]=1.123.50)
declare -A NODE=([2]=24.22.3 [1]=system)
ROWS=()
T_START=$(date +%s.%N)
trap 'echo "work directory: $WORK"' EXIT

secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
row() { ROWS+=("$1|$2|$3"); }
print_table() {
  echo
  printf '%-74s | %-92s | %7s\n' "step" "result" "seconds"
  printf '%s\n' "$(printf '%.0s-' {1..180})"
  local r name result secs
  for r in "${ROWS[@]}"; do
    IFS='|' read -r name result secs <<<"$r"
    printf '%-74s | %-92s | %7s\n' "$name" "$result" "$secs"
  done
  printf '%-74s | %-92s | %7s\n' "total" "" "$(secs_since "$T_START")"
}

FAILED=0
for v in $VERSIONS; do
  t=$(date +%s.%N)
  dir="$CACHE/n8n-${N8N[$v]}"
  note=$([ -f "$dir/.complete" ] && echo cached || echo installed)
  if bash "$ROOT/scripts/test-n8n/install-n8n.sh" "${N8N[$v]}" "${NODE[$v]}" "$dir" >"$WORK/install-n8n-$v.log" 2>&1; then
    row "install n8n ${N8N[$v]} (Node ${NODE[$v]/system/$(node --version)})" "ok ($note)" "$(secs_since "$t")"
  else
    tail -20 "$WORK/install-n8n-$v.log"
    row "install n8n ${N8N[$v]}" "FAILED" "$(secs_since "$t")"; print_table; exit 1
  fi
done

t=$(date +%s.%N)
if bash "$ROOT/scripts/install-test.sh" --export "$WORK/package" "$@" >"$WORK/install-test.log" 2>&1; then
  row "local registry: publish 3 packages, install n8n-nodes-instagram" "ok" "$(secs_since "$t")"
else
  tail -40 "$WORK/install-test.log"
  row "local registry: publish 3 packages, install n8n-nodes-instagram" "FAILED" "$(secs_since "$t")"; print_table; exit 1
fi

for v in $VERSIONS; do
  dir="$CACHE/n8n-${N8N[$v]}"
  node_bin="$(cat "$dir/node-path")"
  t=$(date +%s.%N)
  run=(env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY "$node_bin" "$ROOT/scripts/test-n8n/drive.js" "$dir" "$WORK/package" "$WORK")
  isolation="loopback-only network namespace"
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
    # TEST_N8N_NETNS=1: drive.js then proves the isolation (outside addresses unreachable)
    cmd=(unshare -n sh -c 'ip link set lo up && exec env TEST_N8N_NETNS=1 "$@"' sh "${run[@]}")
  else
    cmd=("${run[@]}"); isolation="NOT isolated (no unshare -n here)"
  fi
  rc=0
  "${cmd[@]}" >"$WORK/drive-$v.out" 2>"$WORK/drive-$v.err" || rc=$?
  while IFS= read -r line; do ROWS+=("  ${line#ROW|}"); done < <(grep '^ROW|' "$WORK/drive-$v.out")
  if [ $rc -eq 0 ]; then row "n8n ${N8N[$v]}: all checks ($isolation)" "ok" "$(secs_since "$t")"
  else
    FAILED=1; row "n8n ${N8N[$v]}: checks" "FAILED (exit $rc)" "$(secs_since "$t")"
    echo "--- n8n ${N8N[$v]} driver errors:"; tail -40 "$WORK/drive-$v.err"
    echo "--- n8n log: $WORK/n8n-${N8N[$v]}.log"
  fi
done
print_table
exit $FAILED
