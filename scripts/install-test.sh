#!/usr/bin/env bash
# npm run test:install — install the n8n community node the way n8n's UI does, from a local
# registry, and smoke-test it.
#
#  1. verdaccio 6.8.0 on 127.0.0.1 (installed once into $INSTALL_TEST_CACHE, default
#     /tmp/instagram-native-install-test-cache; fresh storage per run; everything but our
#     three packages is proxied to registry.npmjs.org)
#  2. the release addon for x86_64-unknown-linux-gnu → npm/linux-x64-gnu/
#  3. publish instagram-native-linux-x64-gnu, instagram-native (optionalDependencies: every
#     platform package at the same version; only linux-x64-gnu exists in this registry),
#     n8n-nodes-instagram exactly as `npm pack` makes it (its "instagram-native" dependency is the
#     semver range in packages/n8n-nodes-instagram/package.json; a `file:` dependency or a range the
#     addon's version does not satisfy stops the run)
#  4. in an empty directory, as n8n ≥ 1.93 does: fetch + unpack the node package, delete its
#     devDependencies, peerDependencies and optionalDependencies, `npm install --audit=false --fund=false --bin-links=false
#     --install-strategy=shallow --ignore-scripts=true --package-lock=false`
#  5. require the installed credential / node / trigger and run them (fake n8n context, real
#     addon from the installed platform package) against the mock Graph server
#
# Options: --no-build    reuse npm/linux-x64-gnu/*.node from an earlier run instead of building
#          --keep        keep the work directory (printed at the end)
#          --export DIR  copy the installed package directory (with its node_modules) to DIR
#                        (scripts/test-n8n.sh puts it into real n8n installs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXAMPLE="$ROOT/packages/n8n-nodes-instagram"
CACHE="${INSTALL_TEST_CACHE:-/tmp/instagram-native-install-test-cache}"
VERDACCIO_VERSION=6.8.0
BUILD=1
KEEP=0
EXPORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    --export) EXPORT="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

WORK="$(mktemp -d /tmp/instagram-native-install-test.XXXXXX)"
VERDACCIO_PID=""
ROWS=()
SUBROWS=()   # rows a step adds below its own (the smoke checks)
NOTE=""      # a step may set a note shown in its result column
T_START=$(date +%s.%N)

cleanup() {
  local rc=$?
  if [ -n "$VERDACCIO_PID" ] && kill -0 "$VERDACCIO_PID" 2>/dev/null; then
    kill "$VERDACCIO_PID" 2>/dev/null || true
    wait "$VERDACCIO_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then
    echo "work directory kept: $WORK (verdaccio log: $WORK/verdaccio.log)"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

log() { printf '\n▶ %s\n' "$*"; }

# step "name" command...: runs it, records result and seconds; stops the script on failure.
step() {
  local name="$1"; shift
  log "$name"
  local t0 t1 rc=0
  NOTE=""
  SUBROWS=()
  t0=$(date +%s.%N)
  "$@" || rc=$?
  t1=$(date +%s.%N)
  local secs; secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if [ $rc -eq 0 ]; then ROWS+=("$name|ok${NOTE:+ ($NOTE)}|$secs"); else ROWS+=("$name|FAILED (exit $rc)|$secs"); fi
  ROWS+=(${SUBROWS[@]+"${SUBROWS[@]}"})
  if [ $rc -ne 0 ]; then print_table; exit $rc; fi
}

print_table() {
  local total; total=$(awk -v a="$T_START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo
  printf '%-56s | %-44s | %7s\n' "step" "result" "seconds"
  printf '%-56s-+-%-44s-+-%7s\n' "$(printf '%.0s-' {1..56})" "$(printf '%.0s-' {1..44})" "-------"
  local row name result secs
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name result secs <<<"$row"
    printf '%-56s | %-44s | %7s\n' "$name" "$result" "$secs"
  done
  printf '%-56s | %-44s | %7s\n' "total" "" "$total"
}

VERSION=$(node -p "require('$ROOT/package.json').version")
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
REGISTRY="http://127.0.0.1:$PORT"
NPMRC="$WORK/npmrc"
: >"$NPMRC"
# npm for our steps: its own config and cache, so nothing comes from the user's setup.
npmx() { npm --userconfig "$NPMRC" --cache "$WORK/npm-cache" --registry "$REGISTRY/" --no-update-notifier "$@"; }

install_verdaccio() {
  if [ -x "$CACHE/node_modules/.bin/verdaccio" ] && [ "$(node -p "require('$CACHE/node_modules/verdaccio/package.json').version")" = "$VERDACCIO_VERSION" ]; then
    echo "cached in $CACHE"
    NOTE="cached"
    return 0
  fi
  mkdir -p "$CACHE"
  cat >"$CACHE/package.json" <<EOF
{
  "name": "instagram-native-install-test-registry",
  "private": true,
  "dependencies": { "verdaccio": "$VERDACCIO_VERSION" },
  "overrides": { "node-fetch": "2.7.0" }
}
EOF
  (cd "$CACHE" && npm install --no-audit --no-fund --no-update-notifier --registry https://registry.npmjs.org/)
  NOTE="installed into $CACHE"
}

start_verdaccio() {
  mkdir -p "$WORK/storage"
  cat >"$WORK/verdaccio.yaml" <<EOF
storage: $WORK/storage
auth:
  htpasswd:
    file: $WORK/htpasswd
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  'instagram-native':
    access: \$all
    publish: \$authenticated
  'instagram-native-*':
    access: \$all
    publish: \$authenticated
  'n8n-nodes-instagram':
    access: \$all
    publish: \$authenticated
  '**':
    access: \$all
    proxy: npmjs
server:
  keepAliveTimeout: 60
log: { type: stdout, format: pretty, level: warn }
EOF
  "$CACHE/node_modules/.bin/verdaccio" --config "$WORK/verdaccio.yaml" --listen "127.0.0.1:$PORT" >"$WORK/verdaccio.log" 2>&1 &
  VERDACCIO_PID=$!
  # wait until it answers (or died / 60 s passed)
  local i
  for i in $(seq 1 600); do
    if curl -sf "$REGISTRY/-/ping" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$VERDACCIO_PID" 2>/dev/null; then cat "$WORK/verdaccio.log"; return 1; fi
    sleep 0.1
  done
  curl -sf "$REGISTRY/-/ping" >/dev/null
  # a throwaway user (this registry only lives for this run); its token never leaves $WORK
  local password token
  password=$(node -p "require('crypto').randomBytes(18).toString('hex')")
  token=$(curl -sf -X PUT -H 'content-type: application/json' \
    -d "{\"name\":\"install-test\",\"password\":\"$password\"}" \
    "$REGISTRY/-/user/org.couchdb.user:install-test" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).token||''))")
  [ -n "$token" ] || { echo "could not create the registry user" >&2; return 1; }
  printf '//127.0.0.1:%s/:_authToken=%s\n' "$PORT" "$token" >"$NPMRC"
  echo "verdaccio $VERDACCIO_VERSION at $REGISTRY (pid $VERDACCIO_PID)"
}

build_addon() {
  if [ "$BUILD" = 0 ]; then
    ls "$ROOT"/npm/linux-x64-gnu/*.node >/dev/null 2>&1 || { echo "--no-build: no binary in npm/linux-x64-gnu/" >&2; return 1; }
    echo "reusing $(ls "$ROOT"/npm/linux-x64-gnu/*.node)"
    NOTE="--no-build: reused"
    return 0
  fi
  # Built into a scratch directory: the generated index.js / index.d.ts and the debug binary
  # at the repository root stay untouched.
  (cd "$ROOT" && npx napi build --platform --release --no-const-enum --target x86_64-unknown-linux-gnu --output-dir "$WORK/build")
  cp "$WORK/build/instagram-native.linux-x64-gnu.node" "$ROOT/npm/linux-x64-gnu/"
  ls -l "$ROOT/npm/linux-x64-gnu/instagram-native.linux-x64-gnu.node"
}

publish_platform() {
  mkdir -p "$WORK/pub/linux-x64-gnu"
  cp -r "$ROOT/npm/linux-x64-gnu/." "$WORK/pub/linux-x64-gnu/"
  (cd "$WORK/pub/linux-x64-gnu" && npmx publish --ignore-scripts)
}

# A copy of the root package as it would be published: package.json `files` plus `main`,
# optionalDependencies = every platform package of npm/*/ at the same version.
publish_main() {
  local dir="$WORK/pub/instagram-native"
  mkdir -p "$dir"
  node - "$ROOT" "$dir" "$VERSION" <<'EOF'
const fs = require('fs'), path = require('path')
const [root, dir, version] = process.argv.slice(2)
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const files = new Set([...(pkg.files || []), pkg.main || 'index.js'])
pkg.files = [...files]
for (const f of files) fs.cpSync(path.join(root, f), path.join(dir, f), { recursive: true })
const platforms = fs.readdirSync(path.join(root, 'npm')).sort()
pkg.optionalDependencies = {}
for (const p of platforms) {
  const name = JSON.parse(fs.readFileSync(path.join(root, 'npm', p, 'package.json'), 'utf8')).name
  pkg.optionalDependencies[name] = version
}
delete pkg.devDependencies
delete pkg.scripts
delete pkg.jest
delete pkg.workspaces
delete pkg.overrides
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
console.log(`main: ${pkg.main}; files: ${pkg.files.join(', ')}`)
console.log(`optionalDependencies: ${Object.keys(pkg.optionalDependencies).join(', ')}`)
EOF
  (cd "$dir" && npmx publish --ignore-scripts)
}

publish_node_package() {
  (cd "$ROOT" && npm run build --workspace n8n-nodes-instagram >/dev/null)
  local dir="$WORK/pub/n8n-nodes-instagram"
  mkdir -p "$dir"
  (cd "$EXAMPLE" && npm pack --ignore-scripts --pack-destination "$WORK/pub" >/dev/null)
  tar -xzf "$WORK"/pub/n8n-nodes-instagram-*.tgz -C "$dir" --strip-components=1
  # the tarball is published unchanged: check that what it says makes sense on a registry
  node - "$dir/package.json" "$VERSION" <<'EOF2'
const fs = require('fs')
const [file, version] = process.argv.slice(2)
const p = JSON.parse(fs.readFileSync(file, 'utf8'))
const deps = { ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies }
const local = Object.entries(deps).filter(([, v]) => /^(file|link|workspace|portal):/.test(v))
if (local.length) throw new Error(`local dependencies in the tarball: ${JSON.stringify(local)}`)
const range = p.dependencies && p.dependencies['instagram-native']
const m = /^\^(\d+\.\d+\.\d+)$/.exec(range || '')
if (!m || m[1] !== version) throw new Error(`instagram-native must be "^${version}" (the addon released with it), not ${JSON.stringify(range)}`)
if (p.version !== version) throw new Error(`n8n-nodes-instagram ${p.version} and instagram-native ${version} must be released together`)
console.log('dependencies:', JSON.stringify(p.dependencies), 'peerDependencies:', JSON.stringify(p.peerDependencies || {}))
EOF2
  (cd "$WORK/pub" && npmx publish --ignore-scripts n8n-nodes-instagram-*.tgz)
  rm "$WORK"/pub/n8n-nodes-instagram-*.tgz
}

# What n8n's UI install does (CommunityPackagesService, n8n ≥ 1.93).
APP="$WORK/n8n-nodes/n8n-nodes-instagram"
fetch_and_unpack() {
  mkdir -p "$WORK/n8n-nodes" "$APP"
  local tgz
  tgz=$(cd "$WORK/n8n-nodes" && npmx pack "n8n-nodes-instagram@$VERSION" --ignore-scripts --silent)
  tar -xzf "$WORK/n8n-nodes/$tgz" -C "$APP" --strip-components=1
  rm "$WORK/n8n-nodes/$tgz"
  node -e "
    const fs = require('fs'), f = '$APP/package.json', p = JSON.parse(fs.readFileSync(f, 'utf8'))
    delete p.optionalDependencies
    delete p.devDependencies
    delete p.peerDependencies
    fs.writeFileSync(f, JSON.stringify(p, null, 2))"
  ls "$APP"
}

n8n_install() {
  (cd "$APP" && npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow \
    --ignore-scripts=true --package-lock=false --registry "$REGISTRY" \
    --userconfig "$WORK/empty-npmrc" --cache "$WORK/npm-cache-n8n" --no-update-notifier)
  echo "top level of node_modules: $(ls "$APP/node_modules" | tr '\n' ' ')"
  # the platform package, where npm put it (nested under instagram-native with --install-strategy=shallow)
  local binary
  binary=$(cd "$APP/node_modules/instagram-native" && node -p "require.resolve('instagram-native-linux-x64-gnu/instagram-native.linux-x64-gnu.node')")
  echo "binary: ${binary#"$APP/"}"
  # the other platform packages are listed as optional but absent from this registry: npm skipped them
  local name code missing=()
  for name in $(node -p "Object.keys(require('$APP/node_modules/instagram-native/package.json').optionalDependencies).join(' ')"); do
    [ "$name" = instagram-native-linux-x64-gnu ] && continue
    code=$(curl -s -o /dev/null -w '%{http_code}' "$REGISTRY/$name")
    [ "$code" = 404 ] || { echo "$name: expected 404 from the registry, got $code" >&2; return 1; }
    [ ! -e "$APP/node_modules/$name" ] && [ ! -e "$APP/node_modules/instagram-native/node_modules/$name" ] || return 1
    missing+=("$name")
  done
  echo "optional dependencies missing from the registry (404), tolerated by npm: ${missing[*]}"
  NOTE="${#missing[@]} absent optional platforms skipped"
}

smoke() {
  mkdir -p "$APP/.install-smoke"
  cp "$EXAMPLE/test/helpers/fake-n8n.js" "$ROOT/scripts/install-smoke.js" "$APP/.install-smoke/"
  local rc=0 line
  # n8n resolves require('n8n-workflow') in a community node to its own copy; here the
  # package's devDependency (the version n8n 1.123 ships) stands in for it.
  mkdir -p "$WORK/n8n-provided/node_modules"
  ln -sfn "$(cd "$ROOT" && node -p "require('path').dirname(require.resolve('n8n-workflow/package.json', { paths: ['$EXAMPLE'] }))")" "$WORK/n8n-provided/node_modules/n8n-workflow"
  (cd "$APP" && NODE_PATH="$WORK/n8n-provided/node_modules" node .install-smoke/install-smoke.js "$ROOT/mock" >"$WORK/smoke.out") || rc=$?
  grep -v '^ROW|' "$WORK/smoke.out" || true
  while IFS= read -r line; do SUBROWS+=("  ${line#ROW|}"); done < <(grep '^ROW|' "$WORK/smoke.out")
  rm -rf "$APP/.install-smoke"
  return $rc
}

export_app() {
  rm -rf "$EXPORT"
  mkdir -p "$(dirname "$EXPORT")"
  cp -a "$APP" "$EXPORT"
  echo "installed package copied to $EXPORT"
}

: >"$WORK/empty-npmrc"
step "install verdaccio $VERDACCIO_VERSION" install_verdaccio
step "start verdaccio on 127.0.0.1:$PORT" start_verdaccio
step "build release addon x86_64-unknown-linux-gnu" build_addon
step "publish instagram-native-linux-x64-gnu@$VERSION" publish_platform
step "publish instagram-native@$VERSION" publish_main
step "build + publish n8n-nodes-instagram@$VERSION" publish_node_package
step "n8n: fetch + unpack, delete dev/peer/optional deps" fetch_and_unpack
step "n8n: npm install (n8n's flags, shallow, no scripts)" n8n_install
step "smoke test (installed package, mock Graph server)" smoke
if [ -n "$EXPORT" ]; then step "export the installed package" export_app; fi
print_table
