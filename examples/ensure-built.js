// Builds the addon (debug profile) when no binary for this platform is there yet, so that a
// fresh clone runs `npm install && npm run demo` without a separate build step.
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')

function loadable() {
  try {
    require(root)
    return true
  } catch {
    return false
  }
}

module.exports = function ensureBuilt() {
  if (loadable()) return
  console.log('Building the native addon (first run only, a few minutes)…')
  const napi = path.join(root, 'node_modules', '.bin', 'napi')
  const r = spawnSync(napi, ['build', '--platform', '--no-const-enum'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('The build failed: is Rust installed (https://rustup.rs) and `npm install` done?')
    process.exit(r.status || 1)
  }
}
