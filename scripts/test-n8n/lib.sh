# Sourced by scripts/test-n8n.sh and scripts/test-n8n-queue.sh: the result table, the pinned n8n
# releases (installed once into $CACHE), the node package from a local registry, and the
# loopback-only network namespace the drivers run in.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${TEST_N8N_CACHE:-$ROOT/.cache/test-n8n}"
declare -A N8N=([2]=2.41.1 [1]=1.123.50)
declare -A NODE=([2]=24.22.3 [1]=system)
ROWS=()
FAILED=0
T_START=$(date +%s.%N)

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

# install_n8n <major> <work dir>: the pinned release (cached after the first run); stops on failure.
install_n8n() {
  local v="$1" work="$2" t dir note
  t=$(date +%s.%N)
  dir="$CACHE/n8n-${N8N[$v]}"
  note=$([ -f "$dir/.complete" ] && echo cached || echo installed)
  if bash "$ROOT/scripts/test-n8n/install-n8n.sh" "${N8N[$v]}" "${NODE[$v]}" "$dir" >"$work/install-n8n-$v.log" 2>&1; then
    row "install n8n ${N8N[$v]} (Node ${NODE[$v]/system/$(node --version)})" "ok ($note)" "$(secs_since "$t")"
  else
    tail -20 "$work/install-n8n-$v.log"
    row "install n8n ${N8N[$v]}" "FAILED" "$(secs_since "$t")"; print_table; exit 1
  fi
}

# export_package <work dir> [install-test.sh options]: n8n-nodes-instagram installed from a local
# registry the way n8n's UI does, copied to <work dir>/package; stops on failure.
export_package() {
  local work="$1" t; shift
  t=$(date +%s.%N)
  if bash "$ROOT/scripts/install-test.sh" --export "$work/package" "$@" >"$work/install-test.log" 2>&1; then
    row "local registry: publish 3 packages, install n8n-nodes-instagram" "ok" "$(secs_since "$t")"
  else
    tail -40 "$work/install-test.log"
    row "local registry: publish 3 packages, install n8n-nodes-instagram" "FAILED" "$(secs_since "$t")"; print_table; exit 1
  fi
}

# run_driver <name> <output prefix> <where the logs are> <command…>: runs a driver in a network
# namespace with only a loopback interface (TEST_N8N_NETNS=1 tells it to prove that), or as it is
# where `unshare -n` is not available; adds its `ROW|…` lines indented under a summary row; sets
# FAILED=1 when it fails.
run_driver() {
  local name="$1" out="$2" logs="$3" t rc=0 isolation="loopback-only network namespace" line
  shift 3
  t=$(date +%s.%N)
  local cmd=(env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY "$@")
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
    cmd=(unshare -n sh -c 'ip link set lo up && exec env TEST_N8N_NETNS=1 "$@"' sh "${cmd[@]}")
  else
    isolation="NOT isolated (no unshare -n here)"
  fi
  "${cmd[@]}" >"$out.out" 2>"$out.err" || rc=$?
  while IFS= read -r line; do ROWS+=("  ${line#ROW|}"); done < <(grep '^ROW|' "$out.out")
  if [ $rc -eq 0 ]; then row "$name: all checks ($isolation)" "ok" "$(secs_since "$t")"
  else
    FAILED=1; row "$name: checks" "FAILED (exit $rc)" "$(secs_since "$t")"
    echo "--- $name: driver errors"; tail -40 "$out.err"
    echo "--- logs: $logs"
  fi
}
