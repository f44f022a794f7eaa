#!/usr/bin/env node
// `npm test`: build the addon (debug), run the Rust unit tests (the generated TypeScript
// header included), lint the n8n package with n8n's own linter, then the Jest suites through the
// built binding (the project's and the n8n package's), the mock Graph server's self-test, and
// the n8n package's error tests in one realm with n8n's real error classes.
// Stops at the first failing step with its exit code.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const n8nPackage = path.join(root, 'packages', 'n8n-nodes-instagram')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (!fs.existsSync(bin('n8n-node'))) {
  console.error('The n8n package\'s tools are missing: run `npm install` at the repository root (npm workspaces).')
  process.exit(1)
}

const steps = [
  ['build the addon (debug)', bin('napi'), ['build', '--platform', '--no-const-enum']],
  ['Rust unit tests', 'cargo', ['test', '--lib', '--quiet']],
  ['n8n package: n8n-node lint (self-hosted config)', npm, ['run', 'lint', '--workspace', 'n8n-nodes-instagram']],
  ['Jest suites', bin('jest'), process.argv.slice(2)],
  ['the mock Graph server\'s self-test (node --test)', process.execPath, ['--test', path.join(root, 'mock', 'selftest.test.js'), path.join(root, 'mock', 'conversations.test.js'), path.join(root, 'mock', 'messenger-profile.test.js')]],
  ["n8n package: errors through n8n's own classes, n8n-workflow 1.x and 2.x (node --test)", process.execPath, ['--test', path.join(n8nPackage, 'test', 'realm', 'errors-in-n8n-realm.js')]],
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
