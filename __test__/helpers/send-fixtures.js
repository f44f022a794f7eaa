'use strict'
// Shared fixtures of the sendMessage suites (__test__/send-*.test.js).
//
//   const { withSendMock, rejection, ... } = require('./helpers/send-fixtures')
//   const ctx = withSendMock()            // beforeAll: start the mock; afterAll: close it
//   ... ctx.mock, ctx.opts, ctx.igToken, ctx.fbToken ...
//
// Every error a test obtains through `rejection()` is remembered (per test file: Jest gives each
// file its own module registry), so the last test of a file can scan them all for secrets with
// `expectNoSecretsInErrors()`.

const crypto = require('node:crypto')
const net = require('node:net')
const util = require('node:util')

const { startMockGraph } = require('../../mock')
const native = require('../..')

const API_VERSION = 'v24.0'
const MESSAGES_PATH = `/${API_VERSION}/me/messages`
const RECIPIENT = '1254477777772919'

/** Every error seen by `rejection()` in this test file. */
const collectedErrors = []
/** Every secret used in this test file (tokens, app secrets). */
const knownSecrets = new Set()
/** Every mock started here: their issued tokens and app secrets count as secrets too. */
const mocks = []

/** Registers a mock started outside `withSendMock` for the secrets scan. */
function trackMock(mock) {
  mocks.push(mock)
  return mock
}

function rememberSecret(s) {
  if (typeof s === 'string' && s.length > 0) knownSecrets.add(s)
  return s
}

/**
 * Starts a mock Graph server for the enclosing describe/file and resets its log, faults,
 * usage and recipient rules before every test.
 */
function withSendMock(mockOptions = {}) {
  const ctx = {
    mock: null,
    opts: null,
    igToken: null,
    fbToken: null,
    appSecret: null,
  }
  beforeAll(async () => {
    const mock = trackMock(await startMockGraph({ appSecret: 'fb-app-secret-5f3c9d2e8a71b4c6', ...mockOptions }))
    ctx.mock = mock
    ctx.opts = { instagramUrl: mock.url, facebookUrl: mock.url }
    ctx.igToken = rememberSecret(mock.tokens.issueLongLived({ loginType: 'instagram' }))
    ctx.fbToken = rememberSecret(mock.tokens.issuePageToken({ pageId: mock.pages[0].id }))
    ctx.appSecret = rememberSecret(mock.appSecret)
  })
  beforeEach(() => {
    const m = ctx.mock
    m.clearFaults()
    m.resetLog()
    m.usage.reset()
    m.recipients.clear()
  })
  afterAll(async () => {
    if (ctx.mock) await ctx.mock.close()
  })
  return ctx
}

/**
 * Runs `fn` and returns what it rejected (or threw) with; fails when it resolved.
 * The error is remembered for the final secrets scan.
 */
async function rejection(fn) {
  let value
  try {
    value = await fn()
  } catch (err) {
    collectedErrors.push(err)
    return err
  }
  throw new Error(`expected a rejection, but it resolved with ${util.inspect(value, { depth: 4 })}`)
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * True when `message` names exactly the field path `path` (not a longer one such as
 * `message.quickReplies[130]` or `message.quickReplies[13].title` for `message.quickReplies[13]`).
 */
function namesField(message, path) {
  const re = new RegExp(`(?<![\\w.\\]])${escapeRe(path)}(?![\\w\\[.])`)
  return re.test(message)
}

/**
 * Asserts `err` is a JS Error. (The addon builds its errors in Node's main realm, so
 * `instanceof Error` inside Jest's sandbox is false: check the brand instead.)
 */
function expectJsError(err) {
  expect(util.types.isNativeError(err)).toBe(true)
  expect(typeof err.message).toBe('string')
}

/** Asserts an INVALID_ARGUMENT naming exactly `path`. */
function expectInvalid(err, path) {
  expectJsError(err)
  expect(err.code).toBe('INVALID_ARGUMENT')
  expect(err.retryable).toBe(false)
  if (!namesField(err.message, path)) {
    throw new Error(`expected the message to name the field ${path}, got: ${err.message}`)
  }
}

/** hex HMAC-SHA256(token) keyed by the app secret, computed independently of the mock. */
function appsecretProof(token, appSecret) {
  return crypto.createHmac('sha256', appSecret).update(token).digest('hex')
}

/** A 127.0.0.1 port that nothing listens on (bound, then released). */
async function closedPort() {
  const srv = net.createServer()
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address()
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/** Every string view of an error: message, stack, own properties, inspect, JSON. */
function errorTexts(err) {
  const texts = []
  if (err === null || err === undefined) return texts
  if (typeof err !== 'object') return [String(err)]
  texts.push(String(err.message), String(err.stack), String(err))
  for (const k of Object.getOwnPropertyNames(err)) {
    const v = err[k]
    texts.push(k, typeof v === 'object' ? util.inspect(v, { depth: 6 }) : String(v))
  }
  texts.push(util.inspect(err, { showHidden: true, depth: 6 }))
  try {
    texts.push(JSON.stringify(err))
  } catch {
    // a cycle: inspect covered it
  }
  if (err.cause) texts.push(...errorTexts(err.cause))
  return texts
}

/**
 * Asserts that no remembered error contains a known secret (whole, or a 24-character slice
 * from its middle, for long tokens).
 */
function expectNoSecretsInErrors(extraSecrets = []) {
  for (const s of extraSecrets) rememberSecret(s)
  for (const m of mocks) {
    rememberSecret(m.appSecret)
    for (const t of m.tokens.list()) rememberSecret(t.token)
  }
  const needles = []
  for (const s of knownSecrets) {
    needles.push(s)
    if (s.length >= 48) {
      const mid = Math.floor(s.length / 2)
      needles.push(s.slice(mid - 12, mid + 12))
    }
  }
  const leaks = []
  collectedErrors.forEach((err, i) => {
    const all = errorTexts(err).join('\n')
    for (const n of needles) {
      if (all.includes(n)) leaks.push(`error #${i} (${err && err.code}: ${String(err && err.message).slice(0, 80)}) contains a secret`)
    }
  })
  expect(leaks).toEqual([])
  return collectedErrors.length
}

/** Asserts the request log entry carried the token only as `Authorization: Bearer`. */
function expectBearerOnly(entry, token) {
  expect(entry.headers.authorization).toBe(`Bearer ${token}`)
  expect(entry.auth).toBe('bearer')
  expect(entry.query.access_token).toBeUndefined()
  for (const v of Object.values(entry.query)) expect(v).not.toContain(token)
  expect(entry.path).not.toContain(token)
}

module.exports = {
  native,
  sendMessage: native.sendMessage,
  startMockGraph,
  API_VERSION,
  MESSAGES_PATH,
  RECIPIENT,
  withSendMock,
  rejection,
  namesField,
  expectInvalid,
  expectJsError,
  appsecretProof,
  closedPort,
  rememberSecret,
  trackMock,
  collectedErrors,
  expectNoSecretsInErrors,
  expectBearerOnly,
}
