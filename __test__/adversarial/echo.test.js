'use strict'
// Secret echo (issue #10, finding 4): a server that echoes the call's secrets back, in any
// encoding a server could plausibly use (plain, upper-cased, percent/form-encoded,
// JSON-escaped, base64 at any alignment, truncated), in any field of its answer, never gets
// one back to the caller: not in the message, graphType, fbtraceId, userTitle, userMessage,
// the stack, any other property, nor in preAuthenticate's `kept` warning.

const ig = require('../..')
const { hostileServer, ENCODINGS, leaks, exposed, settle } = require('./helpers')

const SECRETS = {
  token: 'IGAAechoToken/With+Specials=0123456789abcdef',
  fbToken: 'EAAechoPageToken0123456789abcdefABCDEF',
  oauth: 'IGAAechoOauthShortLived0123456789abcdef',
  clientSecret: 'echo-client-secret-0a1b2c3d4e5f6a7b',
  appSecret: 'echo-app-secret-9f8e7d6c5b4a3f2e1d',
}
const ALL = Object.values(SECRETS)

let server
let encode = ENCODINGS.plain
let shape = 'graph'

/** An answer that carries every secret the request carried, encoded, in every field a Graph error has. */
function echoAnswer(req, body) {
  const seen = decodeURIComponent(`${req.url} ${JSON.stringify(req.headers)} ${body}`)
  const sent = ALL.filter((s) => seen.includes(s))
  if (sent.length === 0) throw new Error(`no secret reached the server: ${req.url}`)
  const text = sent.map((s) => encode(s)).join(' | ')
  if (shape === 'graph') {
    return {
      status: 400,
      body: { error: { message: `Invalid token ${text}`, type: `OAuthException ${text}`, code: 190, error_subcode: 460, fbtrace_id: text, error_user_title: text, error_user_msg: text } },
    }
  }
  if (shape === 'transient') {
    return { status: 500, body: { error: { message: text, type: text, code: 2, is_transient: true, fbtrace_id: text } } }
  }
  // Not a Graph body: an HTML page with the secrets, and a content type that echoes them.
  return { status: 502, headers: { 'content-type': `text/html; echo=${encodeURIComponent(text).slice(0, 3000)}` }, body: `<html>${text}</html>` }
}

beforeAll(async () => {
  server = await hostileServer((req, body) => echoAnswer(req, body))
})
afterAll(() => server.close())

const opts = () => ({ instagramUrl: server.url, facebookUrl: server.url, maxRetries: 0, timeoutMs: 5000 })
const day = 864e5
const now = Date.parse('2026-11-28T12:00:00Z')

const CALLS = {
  exchangeToken: () => ig.exchangeToken({ accessToken: SECRETS.oauth, clientSecret: SECRETS.clientSecret }, opts()),
  'exchangeToken (facebook)': () => ig.exchangeToken({ accessToken: SECRETS.fbToken, clientSecret: SECRETS.clientSecret, clientId: '123' }, opts()),
  refreshToken: () => ig.refreshToken({ accessToken: SECRETS.token }, opts()),
  getAccount: () => ig.getAccount({ accessToken: SECRETS.token }, opts()),
  'getAccount (facebook)': () => ig.getAccount({ accessToken: SECRETS.fbToken }, opts()),
  sendMessage: () => ig.sendMessage({ accessToken: SECRETS.token, recipient: { id: '2' }, message: { text: 'hi' } }, opts()),
  'sendMessage (facebook, appsecret_proof)': () =>
    ig.sendMessage({ accessToken: SECRETS.fbToken, appSecret: SECRETS.appSecret, recipient: { id: '2' }, message: { text: 'hi' } }, opts()),
  'preAuthenticate (refresh → kept)': () =>
    ig.preAuthenticate({ accessToken: SECRETS.token, accessTokenExpiresAt: now + 3 * day, accessTokenIssuedAt: now - 50 * day }, { ...opts(), now }),
  'preAuthenticate (exchange → kept)': () =>
    ig.preAuthenticate(
      { accessToken: SECRETS.token, accessTokenExpiresAt: now + 30 * day, accessTokenIssuedAt: now - 5 * day, oauthAccessToken: SECRETS.oauth, clientSecret: SECRETS.clientSecret },
      { ...opts(), now },
    ),
}

for (const s of ['graph', 'transient', 'html']) {
  describe(`a ${s} answer echoing the secrets`, () => {
    for (const [encoding, fn] of Object.entries(ENCODINGS)) {
      test(`${encoding}: no export lets one through`, async () => {
        shape = s
        encode = fn
        for (const [name, call] of Object.entries(CALLS)) {
          const r = await settle(call())
          const text = r.ok ? exposed(r.value) : exposed(r.error)
          // The result of a kept token is the token itself: only the warning is server text.
          const scanned = r.ok ? String(r.value.warning) : text
          expect({ name, leaks: leaks(scanned, ALL) }).toEqual({ name, leaks: [] })
          if (!r.ok) expect(r.error.code).toMatch(/^[A-Z_]+$/)
          else expect(r.value).toMatchObject({ action: 'kept' })
        }
      }, 30000)
    }
  })
}

test('the check itself finds each encoding (so a pass above means something)', () => {
  for (const [encoding, fn] of Object.entries(ENCODINGS)) {
    expect({ encoding, found: leaks(`x ${fn(SECRETS.token)} y`, [SECRETS.token]).length }).toEqual({ encoding, found: 1 })
  }
})
