#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS (default 60) each and prints, per target, the
# executions reached and the crashes found. Seeds come from fuzz/seeds/<target>/ (committed);
# the working corpus is fuzz/corpus/<target>/ (ignored). A crash leaves its input in
# fuzz/artifacts/<target>/ and makes this script exit 1.
#
#   npm run fuzz                    # 60 s per target
#   FUZZ_SECONDS=600 npm run fuzz   # longer
#   FUZZ_TARGETS="graph_response" npm run fuzz
#
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1 on stable, see fuzz-ci.sh).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-webhook_verify webhook_normalise graph_response}"
TOOLCHAIN="${FUZZ_TOOLCHAIN:-+nightly}"
JOBS="${FUZZ_JOBS:-1}"

status=0
printf '%-20s %12s %10s %8s %s\n' target executions exec/s crashes seconds
for t in $TARGETS; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  before=$(ls "artifacts/$t" | wc -l)
  cargo $TOOLCHAIN fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -jobs="$JOBS" -workers="$JOBS" -print_final_stats=1 -max_len=65536 \
    >"$log" 2>&1
  rc=$?
  after=$(ls "artifacts/$t" | wc -l)
  execs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  rate=$(grep -ho 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  crashes=$((after - before))
  printf '%-20s %12s %10s %8s %s\n' "$t" "$execs" "$rate" "$crashes" "$SECONDS_EACH"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    echo "--- $t failed (exit $rc); the last lines of its log:" >&2
    tail -n 40 "$log" >&2
  fi
  rm -f "$log"
done
exit $status
