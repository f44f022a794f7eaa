#!/usr/bin/env bash
# CI's short fuzz run: installs what a clean machine lacks (cargo-fuzz; a nightly toolchain,
# or stable with RUSTC_BOOTSTRAP=1 when nightly cannot be installed), then runs every target
# for FUZZ_SECONDS (default 10) with scripts/fuzz.sh. Exits non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

toolchain="+nightly"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  if ! rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    echo "fuzz-ci: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
    export RUSTC_BOOTSTRAP=1
    toolchain=""
  fi
fi

FUZZ_SECONDS="${FUZZ_SECONDS:-10}" FUZZ_TOOLCHAIN="$toolchain" bash scripts/fuzz.sh
