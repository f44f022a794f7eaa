#!/usr/bin/env node
// `npm test`: build the addon (debug), run the Rust unit tests, then the Jest suites through
// the built binding (the project's and the example n8n package's). Stops at the first failing
// step with its exit code.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const example = path.join(root, 'examples', 'n8n-nodes-instagram')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

const steps = [
  // The example n8n node package has its own dependencies (n8n-workflow, TypeScript); its
  // Jest suites run with the others.
  ...(fs.existsSync(path.join(example, 'node_modules'))
    ? []
    : [['install the n8n example package', npm, ['--prefix', example, 'ci', '--no-audit', '--no-fund']]]),
  ['build the addon (debug)', bin('napi'), ['build', '--platform', '--no-const-enum']],
  ['Rust unit tests', 'cargo', ['test', '--lib', '--quiet']],
  ['Jest suites', bin('jest'), process.argv.slice(2)],
]

for (const [title, cmd, args] of steps) {
  console.log(`\n▶ ${title}: ${path.basename(cmd)} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.error) {
    console.error(`${title}: cannot run ${cmd}: ${r.error.message}`)
    process.exit(1)
  }
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`)
    process.exit(r.status || 1)
  }
}
