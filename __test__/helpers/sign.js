'use strict'
// Shared helpers for the webhook tests: signing raw bytes the way Meta does, building
// requests, loading the fixtures, and scanning outputs for leaked secrets.

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'webhooks')

// Distinctive values, so a leak is unambiguous when scanning output.
const APP_SECRET = 'app-secret-7f3c9d1e-LEAKCHECK-a'
const OTHER_SECRET = 'app-secret-other-LEAKCHECK-b'
const VERIFY_TOKEN = 'verify-token-5b8e2a-LEAKCHECK-c'

/** hex HMAC of `body` (Buffer | Uint8Array | string, strings as UTF-8). */
function hmacHex(secret, body, algorithm = 'sha256') {
  return crypto.createHmac(algorithm, secret).update(body).digest('hex')
}

/** The `X-Hub-Signature-256` value Meta would send. */
function sign256(body, secret = APP_SECRET) {
  return 'sha256=' + hmacHex(secret, body, 'sha256')
}

/** The legacy `X-Hub-Signature` value. */
function sign1(body, secret = APP_SECRET) {
  return 'sha1=' + hmacHex(secret, body, 'sha1')
}

/** A signed POST request over exactly `body`. */
function signedPost(body, { secret = APP_SECRET, signOver = body, method = 'POST' } = {}) {
  return {
    method,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign256(signOver, secret) },
    body,
  }
}

/** A GET handshake request with the given query. */
function handshake(query, method = 'GET') {
  return { method, query }
}

/** Every fixture: `{ name, raw (Buffer), expected (parsed .expected.json) }`, sorted by name. */
function loadFixtures() {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length)
      const expectedFile = path.join(FIXTURE_DIR, `${name}.expected.json`)
      return {
        name,
        raw: fs.readFileSync(path.join(FIXTURE_DIR, f)),
        expectedFile,
        expected: fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : undefined,
      }
    })
}

function loadFixture(name) {
  const found = loadFixtures().find((f) => f.name === name)
  if (!found) throw new Error(`no fixture ${name}`)
  return found
}

/** The event without its `id`. */
function withoutId(event) {
  const { id, ...rest } = event
  return rest
}

/** Every string an error exposes: String(err), message, stack and each own property's value. */
function errorText(err) {
  const parts = [String(err)]
  if (err && typeof err === 'object') {
    parts.push(String(err.message), String(err.stack))
    for (const key of Object.getOwnPropertyNames(err)) {
      const v = err[key]
      parts.push(key, typeof v === 'string' ? v : safeStringify(v))
    }
    for (const key of Object.keys(err)) parts.push(safeStringify(err[key]))
  }
  return parts.join('\n')
}

function safeStringify(v) {
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s
  } catch {
    return String(v)
  }
}

/** Calls `fn` expecting a throw; returns the error (fails the test if nothing was thrown). */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected the call to throw, but it returned')
}

/** Walks a value, returning the paths of every BigInt in it. */
function bigintPaths(value, at = '$') {
  if (typeof value === 'bigint') return [at]
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => bigintPaths(v, `${at}.${k}`))
  }
  return []
}

module.exports = {
  APP_SECRET,
  OTHER_SECRET,
  VERIFY_TOKEN,
  FIXTURE_DIR,
  hmacHex,
  sign256,
  sign1,
  signedPost,
  handshake,
  loadFixtures,
  loadFixture,
  withoutId,
  errorText,
  thrown,
  bigintPaths,
}
