'use strict'
// Secret hygiene end to end: a child process (helpers/secret-hygiene-child.js), with its cwd
// in a fresh temp dir and every Rust logging/backtrace switch on, exercises every export with
// distinctive secrets through success and every failure path. Nothing it prints, no error
// (message, stack, own properties, inspect), no warning, nothing on stderr and no file it
// wrote may contain a secret. (The Debug side is covered by src/secret_hygiene_tests.rs.)

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const SECRETS = {
  shortToken: 'IGAAshortLEAKCHECK7f2c9e1d0b3a4f5e6d7c8b9a0f1e2d3c4b5a6',
  longToken: 'IGAAlongLEAKCHECK1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9',
  fbToken: 'EAAfbLEAKCHECK9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0',
  clientSecret: 'clientsecretLEAKCHECK5d4c3b2a1f0e',
  appSecret: 'appsecretLEAKCHECK0a9b8c7d6e5f4',
  verifyToken: 'verifytokenLEAKCHECK3c2b1a0f9e8d',
}

let dir
let child
let lines

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-secret-hygiene-'))
  child = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'secret-hygiene-child.js'), JSON.stringify(SECRETS)], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 50000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, RUST_LOG: 'trace', RUST_BACKTRACE: 'full', NODE_DEBUG: '' },
  })
  lines = child.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
}, 60000)

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Each secret, and a 16-character piece of it (a partial echo is a leak too). */
function needles() {
  const out = []
  for (const [name, s] of Object.entries(SECRETS)) {
    out.push([name, s])
    out.push([`${name} (part)`, s.slice(s.length - 16)])
  }
  return out
}

function leaksIn(text) {
  return needles().filter(([, n]) => text.includes(n)).map(([name]) => name)
}

test('the child ran every path and exited cleanly', () => {
  expect(child.error).toBeUndefined()
  expect(child.signal).toBeNull()
  expect(child.status).toBe(0)
  expect(lines[lines.length - 1]).toEqual({ kind: 'done', value: true })
  const errors = lines.filter((l) => l.kind === 'error')
  const results = lines.filter((l) => l.kind === 'result')
  // Every failure kind was reached.
  const codes = new Set(errors.map((l) => l.value.error['own:code']))
  for (const c of ['INVALID_ARGUMENT', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'RATE_LIMITED', 'GRAPH_TRANSIENT', 'GRAPH_ERROR', 'NETWORK', 'TIMEOUT', 'BAD_RESPONSE']) {
    expect(codes).toContain(c)
  }
  // And successes, kept tokens with warnings, and every webhook outcome.
  expect(results.some((l) => l.value.result && l.value.result.action === 'kept' && l.value.result.warning)).toBe(true)
  expect(results.some((l) => l.value.result && l.value.result.action === 'refreshed')).toBe(true)
  const kinds = new Set(results.map((l) => l.value.result && (l.value.result.reason || l.value.result.kind)))
  for (const k of ['challenge', 'events', 'VERIFY_TOKEN_MISMATCH', 'HANDSHAKE_INVALID', 'SIGNATURE_MISSING', 'SIGNATURE_MISMATCH', 'PAYLOAD_TOO_LARGE', 'MALFORMED_PAYLOAD', 'METHOD_NOT_ALLOWED']) {
    expect(kinds).toContain(k)
  }
})

test('no error, warning or result the addon handed back contains a secret', () => {
  const leaks = []
  for (const l of lines) {
    const found = leaksIn(JSON.stringify(l.value))
    if (found.length) leaks.push(`${l.kind} ${l.value.name || ''}: ${found.join(', ')}`)
  }
  expect(leaks).toEqual([])
})

test('nothing on stderr, and no secret on it', () => {
  expect(leaksIn(child.stderr)).toEqual([])
  expect(child.stderr).toBe('')
})

test('no file was written, and none holds a secret', () => {
  const files = []
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else files.push(p)
    }
  }
  walk(dir)
  for (const f of files) expect(leaksIn(fs.readFileSync(f, 'latin1'))).toEqual([])
  expect(files).toEqual([])
})
