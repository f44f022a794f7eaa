// tsc copies no assets: put each node's icons and codex file next to its compiled file.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
for (const dir of fs.readdirSync(path.join(root, 'nodes'))) {
  for (const f of fs.readdirSync(path.join(root, 'nodes', dir))) {
    if (!f.endsWith('.svg') && !f.endsWith('.node.json')) continue
    fs.mkdirSync(path.join(root, 'dist', 'nodes', dir), { recursive: true })
    fs.copyFileSync(path.join(root, 'nodes', dir, f), path.join(root, 'dist', 'nodes', dir, f))
  }
}
