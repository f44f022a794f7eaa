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
  const src = Math.max(newest(path.join(root, 'credentials'), '.ts'), newest(path.join(root, 'nodes'), '.ts'), newest(path.join(root, 'nodes'), '.svg'), newest(path.join(root, 'nodes'), '.json'))
  const built = newest(path.join(root, 'dist'), '.js')
  if (built >= src && built > 0) return
  if (!fs.existsSync(require.resolve('typescript/package.json', { paths: [root] }))) {
    throw new Error('packages/n8n-nodes-instagram: run `npm install` at the repository root first')
  }
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('tsc failed')
  require(path.join(root, 'scripts', 'copy-assets.js'))
}
