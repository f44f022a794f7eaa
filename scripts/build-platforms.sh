#!/usr/bin/env bash
# `npm run build:platforms`: release builds of the four Linux targets on this Linux x86_64 host,
# each copied into its per-platform package folder npm/<platform>/instagram-native.<platform>.node.
#
#   x86_64-unknown-linux-gnu   glibc floor pinned to 2.28 (zig: x86_64-unknown-linux-gnu.2.28)
#   aarch64-unknown-linux-gnu  glibc floor pinned to 2.28
#   x86_64-unknown-linux-musl  must not need libc.so.6 (a plain cargo build on glibc would link it)
#   aarch64-unknown-linux-musl
#
# Every target goes through cargo-zigbuild (zig from PyPI `ziglang`, in a venv under .zig/).
# The script installs what is missing (rust targets, the zig venv, a `zig` wrapper, cargo-zigbuild)
# and skips what is there. It builds in its own target dir (target/platforms, override with
# CARGO_TARGET_DIR) so that it never fights over artifacts with the debug/release host builds.
#
# Usage: scripts/build-platforms.sh [target ...]     (default: the four above)
# Checks: musl → `readelf -d` lists no libc.so.6; gnu → highest GLIBC_x.y symbol version ≤ 2.28.
# Exit status non-zero when a build or a check fails. Prints a table at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

GLIBC_FLOOR="2.28"
ZIG_VERSION="0.14.1"
ALL_TARGETS=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
TARGETS=("${@:-${ALL_TARGETS[@]}}")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/platforms}"
LIB_NAME="libinstagram_native.so"   # cdylib of the crate `instagram_native`
BINARY_NAME="instagram-native"       # napi.binaryName in package.json

log() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }
now() { date +%s; }

platform_of() {   # rust triple → napi platform folder name
  case "$1" in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-musl) echo linux-arm64-musl ;;
    *) echo "unsupported target for this script: $1" >&2; return 1 ;;
  esac
}

# ---------------------------------------------------------------- tools (idempotent)
T0=$(now)
for tool in readelf objdump; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y binutils" >&2; exit 1; }
done

log "rust targets"
installed_targets="$(rustup target list --installed)"
for t in "${TARGETS[@]}"; do
  platform_of "$t" >/dev/null
  if grep -qx "$t" <<<"$installed_targets"; then echo "  $t: installed"; else rustup target add "$t"; fi
done

log "zig $ZIG_VERSION (PyPI ziglang, venv .zig/)"
if [ ! -x .zig/bin/python ]; then python3 -m venv .zig; fi
if .zig/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('ziglang') != '$ZIG_VERSION')" 2>/dev/null; then
  echo "  ziglang $ZIG_VERSION: installed"
else
  .zig/bin/pip install --quiet "ziglang==$ZIG_VERSION"
fi
mkdir -p .zig/wrapper
cat > .zig/wrapper/zig.tmp <<EOF
#!/bin/sh
exec "$ROOT/.zig/bin/python" -m ziglang "\$@"
EOF
chmod +x .zig/wrapper/zig.tmp
if cmp -s .zig/wrapper/zig.tmp .zig/wrapper/zig; then rm .zig/wrapper/zig.tmp; else mv .zig/wrapper/zig.tmp .zig/wrapper/zig; fi
export PATH="$ROOT/.zig/wrapper:$PATH"
echo "  zig $(zig version) at $(command -v zig)"

log "cargo-zigbuild"
# (`cargo-zigbuild --version`: the `cargo zigbuild` subcommand form rejects --version, and a failed
# check would run `cargo install` on every build, which also upgrades it when crates.io has a newer one)
if cargo-zigbuild --version >/dev/null 2>&1; then
  echo "  $(cargo-zigbuild --version): installed"
else
  cargo install cargo-zigbuild --locked
fi
TOOLS_S=$(( $(now) - T0 ))

# ---------------------------------------------------------------- builds and checks
declare -a ROWS=()
FAILED=0

glibc_max() {  # highest GLIBC_x.y symbol version a binary needs
  objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1
}
version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]; }

for t in "${TARGETS[@]}"; do
  platform="$(platform_of "$t")"
  out="npm/$platform/$BINARY_NAME.$platform.node"
  case "$t" in
    *-gnu) zig_target="$t.$GLIBC_FLOOR" ;;
    *) zig_target="$t" ;;
  esac
  log "build $zig_target → $out"
  t1=$(now)
  env_var="CARGO_TARGET_$(echo "$t" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
  flags=()
  # Rust's musl targets link the C runtime statically by default, which makes a cdylib
  # impossible; napi build adds the same flag.
  case "$t" in *-musl) flags=("$env_var=${!env_var:-} -C target-feature=-crt-static") ;; esac
  if ! env "${flags[@]}" cargo zigbuild --release --lib --target "$zig_target"; then
    ROWS+=("$t|$out|-|BUILD FAILED|$(( $(now) - t1 ))s")
    FAILED=1
    continue
  fi
  cp "$CARGO_TARGET_DIR/$t/release/$LIB_NAME" "$out"
  secs=$(( $(now) - t1 ))
  size="$(du -h "$out" | cut -f1) ($(stat -c %s "$out") B)"
  needed="$(readelf -d "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
  echo "  NEEDED: $needed"
  case "$t" in
    *-musl)
      if grep -qw 'libc.so.6' <<<"$needed"; then
        check="FAIL: needs libc.so.6 (glibc)"; FAILED=1
      elif ! grep -qw 'libc.so' <<<"$needed"; then
        check="FAIL: no libc.so in NEEDED"; FAILED=1
      else
        check="ok: musl (NEEDED ${needed% })"
      fi ;;
    *-gnu)
      max="$(glibc_max "$out")"
      echo "  highest GLIBC symbol version: GLIBC_$max"
      if [ -z "$max" ]; then check="FAIL: no GLIBC symbols found"; FAILED=1
      elif version_le "$max" "$GLIBC_FLOOR"; then check="ok: GLIBC_$max ≤ $GLIBC_FLOOR"
      else check="FAIL: GLIBC_$max > $GLIBC_FLOOR"; FAILED=1; fi ;;
  esac
  file_kind="$(file -b "$out" 2>/dev/null | cut -d, -f1-2 || true)"
  [ -n "$file_kind" ] && echo "  $file_kind"
  ROWS+=("$t|$out|$size|$check|${secs}s")
done

log "summary (tools ${TOOLS_S}s, total $(( $(now) - T0 ))s)"
{
  echo "target|file|size|libc check|build"
  echo "------|----|----|----------|-----"
  printf '%s\n' "${ROWS[@]}"
} | column -t -s '|'
exit "$FAILED"
