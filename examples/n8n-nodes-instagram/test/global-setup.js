'use strict'
// Builds the package (tsc) before the suites when dist/ is missing or older than a source.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')

function newest(dir, ext) {
  let t = 0
  if (!fs.existsSync(dir)) return t
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) t = Math.max(t, newest(p, ext))
    else if (e.name.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs)
  }
  return t
}

module.exports = async function globalSetup() {
  const src = Math.max(newest(path.join(root, 'credentials'), '.ts'), newest(path.join(root, 'nodes'), '.ts'), newest(path.join(root, 'nodes'), '.svg'))
  const built = newest(path.join(root, 'dist'), '.js')
  if (built >= src && built > 0) return
  if (!fs.existsSync(path.join(root, 'node_modules', 'n8n-workflow'))) {
    throw new Error('examples/n8n-nodes-instagram: run `npm install` there first (n8n-workflow, typescript)')
  }
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('tsc failed')
  require(path.join(root, 'scripts', 'copy-icons.js'))
}
