// The generated index.d.ts types the public surface as API.md says: code written against
// the contract (types/api-usage.ts) compiles under `tsc --strict`, and known misuse does not.
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('index.d.ts matches the contract (tsc --noEmit --strict)', () => {
  const tsc = path.join(__dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc')
  const file = path.join(__dirname, 'types', 'api-usage.ts')
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2020', '--module', 'commonjs', '--types', 'node', file], {
    encoding: 'utf8',
  })
  expect(r.stdout + r.stderr).toBe('')
  expect(r.status).toBe(0)
}, 60000)
