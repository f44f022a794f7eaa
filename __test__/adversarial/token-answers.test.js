'use strict'
// Hostile token answers (issue #10, findings 5 and 6). Whatever a server answers to an
// exchange or a refresh, preAuthenticate never returns an empty, unusable or already expired
// token and never loses a stored token that is still valid; exchangeToken and refreshToken
// call an implausible answer BAD_RESPONSE. A caller that joins another's request in flight
// keeps its own deadline and its own clock.

const ig = require('../..')
const { hostileServer, grantBody, settle } = require('./helpers')

const DAY = 864e5
const NOW = Date.parse('2026-11-28T12:00:00Z')
const STORED = 'IGAAstoredLongLived0123456789abcdef'
const OAUTH = 'IGAAnewShortLived0123456789abcdef'

let server
let answer
beforeAll(async () => {
  server = await hostileServer(async () => answer())
})
afterAll(() => server.close())

const opts = (extra = {}) => ({ instagramUrl: server.url, facebookUrl: server.url, maxRetries: 0, timeoutMs: 5000, now: NOW, ...extra })

// A stored token inside its refresh window (3 days left, 57 days old), and one with an OAuth token to exchange.
const dueForRefresh = { accessToken: STORED, accessTokenExpiresAt: NOW + 3 * DAY, accessTokenIssuedAt: NOW - 57 * DAY }
const reconnected = { ...dueForRefresh, accessTokenExpiresAt: NOW + 30 * DAY, oauthAccessToken: OAUTH, clientSecret: 'hostile-client-secret-0123' }

const HOSTILE = {
  'expires_in 0': grantBody('IGAAfresh0123456789abcdef', 0),
  'expires_in 1': grantBody('IGAAfresh0123456789abcdef', 1),
  'expires_in 120': grantBody('IGAAfresh0123456789abcdef', 120),
  'expires_in -5': grantBody('IGAAfresh0123456789abcdef', -5),
  'expires_in as text': grantBody('IGAAfresh0123456789abcdef', 'soon'),
  'expires_in 1e400-ish': '{"access_token":"IGAAfresh0123456789abcdef","token_type":"bearer","expires_in":1e400}',
  'expires_in missing': { access_token: 'IGAAfresh0123456789abcdef', token_type: 'bearer' },
  'blank token': grantBody('   ', 5183944),
  'empty token': grantBody('', 5183944),
  'token with CR/LF': grantBody('IGAAx\r\nX-Evil: 1', 5183944),
  'token with a space': grantBody('IGAA fresh', 5183944),
  'token as number': grantBody(12345, 5183944),
  'null token': grantBody(null, 5183944),
  'no body': '',
  'an array': '[]',
}

describe('exchangeToken and refreshToken: an implausible answer is BAD_RESPONSE', () => {
  for (const [name, body] of Object.entries(HOSTILE)) {
    test(name, async () => {
      answer = () => ({ body })
      for (const call of [
        () => ig.exchangeToken({ accessToken: OAUTH, clientSecret: 'hostile-client-secret-0123' }, opts()),
        () => ig.refreshToken({ accessToken: STORED }, opts()),
      ]) {
        const r = await settle(call())
        expect(r.ok).toBe(false)
        expect(r.error.code).toBe('BAD_RESPONSE')
      }
    })
  }
})

describe('preAuthenticate keeps a valid stored token whatever the answer', () => {
  const HOSTILE_OR_SHORTER = { ...HOSTILE, 'a refresh that would shorten its life (1 day)': grantBody('IGAAshorter0123456789abcdef', 86400) }
  for (const [name, body] of Object.entries(HOSTILE_OR_SHORTER)) {
    for (const [flow, credentials] of [
      ['refresh', dueForRefresh],
      ['exchange', reconnected],
    ]) {
      test(`${flow}: ${name}`, async () => {
        answer = () => ({ body })
        const r = await ig.preAuthenticate(credentials, opts())
        if (flow === 'exchange' && name.startsWith('a refresh')) {
          // A shorter lifetime is fine for a new connection (the user chose the new token).
          expect(r.action).toBe('exchanged')
          return
        }
        expect(r).toMatchObject({ action: 'kept', changed: false, accessToken: STORED, accessTokenExpiresAt: credentials.accessTokenExpiresAt })
        expect(r.warning).toMatch(/BAD_RESPONSE/)
      })
    }
  }

  test('a policy with a longer skew refuses a grant that would be expired under it', async () => {
    answer = () => ({ body: grantBody('IGAAfresh0123456789abcdef', 3600) })
    const r = await ig.preAuthenticate(dueForRefresh, opts({ expirySkewMs: 2 * 3600e3 }))
    expect(r).toMatchObject({ action: 'kept', accessToken: STORED })
  })

  test('a good answer is still taken', async () => {
    answer = () => ({ body: grantBody('IGAAfresh0123456789abcdef') })
    const r = await ig.preAuthenticate(dueForRefresh, opts())
    expect(r).toMatchObject({ action: 'refreshed', changed: true, accessToken: 'IGAAfresh0123456789abcdef', accessTokenIssuedAt: NOW, accessTokenExpiresAt: NOW + 5183944e3 })
  })
})

describe('single flight keeps each caller’s own limits', () => {
  // The server holds every token request until the test releases them.
  let held = []
  const hold = (token) => () => new Promise((resolve) => held.push(() => resolve({ body: grantBody(token) })))
  const releaseAll = () => held.splice(0).forEach((release) => release())
  const arrived = async (n) => {
    while (held.length < n) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  test('a joined caller with a short timeout gets its own deadline', async () => {
    answer = hold('IGAAslowFresh0123456789abcdef')
    const before = server.requests.length
    const slow = ig.preAuthenticate(dueForRefresh, opts({ timeoutMs: 20000 }))
    await arrived(1) // the slow caller's request is at the server: the fast one joins it
    const t0 = Date.now()
    const fastResult = await ig.preAuthenticate(dueForRefresh, opts({ timeoutMs: 300 }))
    const fastMs = Date.now() - t0
    releaseAll()
    const slowResult = await slow
    // The short caller gave up on its own (kept: the stored token is valid) while the long one waited.
    expect(fastResult).toMatchObject({ action: 'kept', accessToken: STORED, warning: expect.stringMatching(/TIMEOUT/) })
    expect(fastMs).toBeLessThan(15000)
    expect(slowResult).toMatchObject({ action: 'refreshed', accessToken: 'IGAAslowFresh0123456789abcdef' })
    expect(server.requests.length - before).toBe(1)
  }, 30000)

  test('a joined caller sees the grant in its own clock (options.now)', async () => {
    answer = hold('IGAAclockFresh0123456789abcdef')
    const before = server.requests.length
    const a = ig.preAuthenticate(dueForRefresh, opts())
    await arrived(1)
    const b = ig.preAuthenticate(dueForRefresh, opts({ now: NOW + 60000 }))
    // Released once b has had ample time to join; if it had not, it would have sent a second
    // request, which the count below would show.
    await new Promise((resolve) => setTimeout(resolve, 300))
    releaseAll()
    const [ra, rb] = await Promise.all([a, b])
    releaseAll()
    expect(server.requests.length - before).toBe(1)
    expect(ra).toMatchObject({ accessTokenIssuedAt: NOW, accessTokenExpiresAt: NOW + 5183944e3 })
    expect(rb).toMatchObject({ accessTokenIssuedAt: NOW + 60000, accessTokenExpiresAt: NOW + 60000 + 5183944e3 })
  }, 30000)
})
