// The token lifecycle through the built binding: exchangeToken, refreshToken, tokenStatus and
// preAuthenticate, against the mock Graph server (which stands in for Meta only).
const { exchangeToken, refreshToken, tokenStatus, preAuthenticate } = require('..')
const { startMockGraph } = require('../mock')
const { errorCollector } = require('./helpers/errors')

const T0 = Date.parse('2026-11-28T12:00:00Z')
const HOUR = 3600e3
const DAY = 24 * HOUR
const APP_SECRET = 'test-app-secret-9f1c'
const APP_ID = '1234567890'

let mock
let opts
const { errors, rejection, thrown, expectNoSecrets } = errorCollector()

beforeAll(async () => {
  mock = await startMockGraph({ now: T0, appId: APP_ID, appSecret: APP_SECRET })
})
afterAll(() => mock.close())
beforeEach(() => {
  mock.clock.set(T0)
  mock.clearFaults()
  mock.resetLog()
  opts = { instagramUrl: mock.url, facebookUrl: mock.url, now: T0, maxRetries: 0, timeoutMs: 5000 }
})

describe('exchangeToken', () => {
  test('an Instagram short-lived token becomes a 60-day token', async () => {
    const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const grant = await exchangeToken({ accessToken: short, clientSecret: APP_SECRET }, opts)
    expect(grant).toEqual({
      accessToken: expect.stringMatching(/^IGAA/),
      tokenType: 'bearer',
      expiresIn: 5183944,
      issuedAt: T0,
      expiresAt: T0 + 5183944 * 1000,
      loginType: 'instagram',
    })
    expect(mock.tokens.get(grant.accessToken).kind).toBe('long')
    const [req] = mock.requestsTo('/access_token')
    expect(req.query).toMatchObject({ grant_type: 'ig_exchange_token', client_secret: APP_SECRET, access_token: short })
  })

  test('a Facebook token goes to the versioned oauth endpoint with the client id', async () => {
    const short = mock.tokens.issueShortLived({ loginType: 'facebook' })
    const grant = await exchangeToken({ accessToken: short, clientSecret: APP_SECRET, clientId: APP_ID }, opts)
    expect(grant.loginType).toBe('facebook')
    expect(grant.accessToken).toMatch(/^EAA/)
    const [req] = mock.requestsTo('/v24.0/oauth/access_token')
    expect(req.query).toMatchObject({ grant_type: 'fb_exchange_token', client_id: APP_ID, fb_exchange_token: short })
  })

  test('a Facebook exchange without clientId is refused before any request', async () => {
    const e = await rejection(exchangeToken({ accessToken: 'EAAshort', clientSecret: APP_SECRET }, opts))
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.message).toMatch(/^clientId/)
    expect(mock.requests).toHaveLength(0)
  })

  test('an expired short-lived token is TOKEN_EXPIRED with Meta\'s numbers', async () => {
    const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
    mock.clock.advance(2 * HOUR)
    const e = await rejection(exchangeToken({ accessToken: short, clientSecret: APP_SECRET }, opts))
    expect(e).toMatchObject({ code: 'TOKEN_EXPIRED', graphCode: 190, graphSubcode: 463, httpStatus: 400, retryable: false })
    expect(e.fbtraceId).toEqual(expect.any(String))
  })

  test('a wrong client secret is a Graph error, not a success', async () => {
    const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const e = await rejection(exchangeToken({ accessToken: short, clientSecret: 'wrong-secret-value' }, opts))
    expect(e.code).toBe('GRAPH_ERROR')
    expect(e.graphCode).toBe(101)
  })
})

describe('refreshToken', () => {
  test('a token at least 24 h old is refreshed for 60 days from now', async () => {
    const long = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 2 * DAY })
    const grant = await refreshToken({ accessToken: long }, opts)
    expect(grant.accessToken).not.toBe(long)
    expect(grant.expiresAt).toBe(T0 + grant.expiresIn * 1000)
    const [req] = mock.requestsTo('/refresh_access_token')
    expect(req.query).toMatchObject({ grant_type: 'ig_refresh_token', access_token: long })
  })

  test('Meta refuses a token younger than 24 h', async () => {
    const long = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - HOUR })
    const e = await rejection(refreshToken({ accessToken: long }, opts))
    expect(e.code).toBe('GRAPH_ERROR')
  })

  test('a Facebook-login token cannot be refreshed, and the message says why', async () => {
    const e = await rejection(refreshToken({ accessToken: 'EAAlongtoken' }, opts))
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.message).toMatch(/page token/)
    expect(mock.requests).toHaveLength(0)
  })
})

describe('tokenStatus', () => {
  const stored = (over = {}) => ({ accessToken: 'IGAAstored', ...over })

  test.each([
    ['ms', T0 + 30 * DAY, T0 - 30 * DAY],
    ['seconds', (T0 + 30 * DAY) / 1000, (T0 - 30 * DAY) / 1000],
    ['RFC 3339', new Date(T0 + 30 * DAY).toISOString(), new Date(T0 - 30 * DAY).toISOString()],
    ['numeric strings', String(T0 + 30 * DAY), String(T0 - 30 * DAY)],
  ])('times as %s are read alike', (_, expiresAt, issuedAt) => {
    const s = tokenStatus(stored({ accessTokenExpiresAt: expiresAt, accessTokenIssuedAt: issuedAt }), { now: T0 })
    expect(s).toEqual({ next: 'none', expiresInMs: 30 * DAY, ageMs: 30 * DAY })
  })

  test('every branch of the decision', () => {
    const st = (c, o = {}) => tokenStatus(c, { now: T0, ...o }).next
    // 1. a new OAuth token
    expect(st({ oauthAccessToken: 'IGAAshort' })).toBe('exchange')
    expect(st(stored({ oauthAccessToken: 'IGAAshort', accessTokenExpiresAt: T0 + 50 * DAY }))).toBe('exchange')
    // 3. expired, and within the 5-minute skew
    expect(st(stored({ accessTokenExpiresAt: T0 - 1 }))).toBe('expired')
    expect(st(stored({ accessTokenExpiresAt: T0 + 5 * 60e3 }))).toBe('expired')
    expect(st(stored({ accessTokenExpiresAt: T0 + 5 * 60e3 + 1 }))).toBe('refresh')
    // 4. inside the window (or expiry unknown) and old enough
    expect(st(stored({ accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - 54 * DAY }))).toBe('refresh')
    expect(st(stored())).toBe('refresh')
    expect(st(stored({ accessToken: 'EAAfacebook', accessTokenExpiresAt: T0 + DAY }))).toBe('none')
    // 5. inside the window but too young
    expect(st(stored({ accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - HOUR }))).toBe('wait')
    // 6. nothing due; the window and age limits are options
    expect(st(stored({ accessTokenExpiresAt: T0 + 8 * DAY }))).toBe('none')
    expect(st(stored({ accessTokenExpiresAt: T0 + 8 * DAY }), { refreshWindowMs: 9 * DAY })).toBe('refresh')
    expect(st(stored({ accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - HOUR }), { minRefreshAgeMs: HOUR })).toBe('refresh')
  })

  test('nothing to work with throws INVALID_ARGUMENT', () => {
    for (const c of [{}, { accessToken: '' }, { accessToken: '', oauthAccessToken: '' }]) {
      expect(thrown(() => tokenStatus(c)).code).toBe('INVALID_ARGUMENT')
    }
  })

  test('wrong types throw INVALID_ARGUMENT naming the field', () => {
    expect(thrown(() => tokenStatus({ accessToken: 5 })).message).toMatch(/^accessToken/)
    expect(thrown(() => tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: 'tomorrow' })).message).toMatch(/^accessTokenExpiresAt/)
    expect(thrown(() => tokenStatus(null)).code).toBe('INVALID_ARGUMENT')
    expect(thrown(() => tokenStatus({ accessToken: 'IGAAx' }, { now: 'soon' })).message).toMatch(/^options\.now/)
  })
})

describe('preAuthenticate', () => {
  const base = () => ({ clientId: APP_ID, clientSecret: APP_SECRET })

  test('first connect: the OAuth token is exchanged and a fingerprint recorded', async () => {
    const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const r = await preAuthenticate({ ...base(), accessToken: '', oauthAccessToken: short }, opts)
    expect(r).toMatchObject({ action: 'exchanged', changed: true, accessTokenIssuedAt: T0, accessTokenExpiresAt: T0 + 5183944e3 })
    expect(r.accessToken).toMatch(/^IGAA/)
    expect(r.sourceTokenFingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(r.sourceTokenFingerprint).not.toContain(short)
    expect(r.warning).toBeUndefined()
    // Stored back as n8n would: nothing more to do now.
    const again = await preAuthenticate({ ...base(), ...r, oauthAccessToken: short }, opts)
    expect(again).toMatchObject({ action: 'none', changed: false, accessToken: r.accessToken })
    expect(mock.requestsTo('/access_token')).toHaveLength(1)
  })

  test('a reconnect (new OAuth token) replaces the stored token', async () => {
    const first = await preAuthenticate({ ...base(), oauthAccessToken: mock.tokens.issueShortLived() }, opts)
    const second = mock.tokens.issueShortLived()
    const r = await preAuthenticate({ ...base(), ...first, oauthAccessToken: second }, opts)
    expect(r.action).toBe('exchanged')
    expect(r.accessToken).not.toBe(first.accessToken)
    expect(r.sourceTokenFingerprint).not.toBe(first.sourceTokenFingerprint)
  })

  test('a failed exchange keeps a stored token that is still valid, with a warning', async () => {
    const stored = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - DAY })
    mock.fail('/access_token', { html: true, status: 502 })
    const cred = { ...base(), accessToken: stored, accessTokenExpiresAt: T0 + 50 * DAY, accessTokenIssuedAt: T0 - DAY, oauthAccessToken: mock.tokens.issueShortLived() }
    const r = await preAuthenticate(cred, opts)
    expect(r).toMatchObject({ action: 'kept', changed: false, accessToken: stored, accessTokenExpiresAt: T0 + 50 * DAY })
    expect(r.warning).toMatch(/GRAPH_TRANSIENT/)
    expect(r.warning).not.toContain(APP_SECRET)
  })

  test('an OAuth token Meta refuses is kept out of future attempts (fingerprint recorded)', async () => {
    const stored = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - DAY })
    const dead = mock.tokens.issueShortLived()
    mock.clock.advance(2 * HOUR)
    const cred = { ...base(), accessToken: stored, accessTokenExpiresAt: T0 + 50 * DAY, accessTokenIssuedAt: T0 - DAY, oauthAccessToken: dead }
    const r = await preAuthenticate(cred, opts)
    expect(r).toMatchObject({ action: 'kept', changed: true, accessToken: stored, sourceTokenFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) })
    expect(r.warning).toMatch(/TOKEN_EXPIRED/)
    const again = await preAuthenticate({ ...cred, sourceTokenFingerprint: r.sourceTokenFingerprint }, opts)
    expect(again).toMatchObject({ action: 'none', changed: false })
    expect(mock.requestsTo('/access_token')).toHaveLength(1)
  })

  test('a failed exchange with nothing stored rejects with the cause', async () => {
    mock.fail('/access_token', { html: true, status: 503 })
    const e = await rejection(preAuthenticate({ ...base(), oauthAccessToken: mock.tokens.issueShortLived() }, opts))
    expect(e.code).toBe('GRAPH_TRANSIENT')
  })

  test('54 days later the token is refreshed; fingerprint carried over', async () => {
    const first = await preAuthenticate({ ...base(), oauthAccessToken: mock.tokens.issueShortLived() }, opts)
    const later = T0 + 54 * DAY
    mock.clock.set(later)
    const r = await preAuthenticate({ ...base(), ...first }, { ...opts, now: later })
    expect(r).toMatchObject({ action: 'refreshed', changed: true, accessTokenIssuedAt: later, sourceTokenFingerprint: first.sourceTokenFingerprint })
    expect(r.accessToken).not.toBe(first.accessToken)
    expect(r.accessTokenExpiresAt).toBeGreaterThan(later + 59 * DAY)
  })

  test('a failed refresh keeps the still-valid token, with a warning; no change to persist', async () => {
    const stored = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 54 * DAY })
    mock.fail('/refresh_access_token', { graphError: { code: 2, is_transient: true }, status: 503 })
    const cred = { accessToken: stored, accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - 54 * DAY }
    const r = await preAuthenticate(cred, opts)
    expect(r).toEqual({
      action: 'kept',
      changed: false,
      accessToken: stored,
      accessTokenExpiresAt: T0 + 6 * DAY,
      accessTokenIssuedAt: T0 - 54 * DAY,
      warning: expect.stringMatching(/refresh/),
    })
  })

  test('Meta saying the token is invalid during a refresh is an error, not kept', async () => {
    const stored = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 54 * DAY })
    mock.tokens.revoke(stored, 460)
    const e = await rejection(preAuthenticate({ accessToken: stored, accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - 54 * DAY }, opts))
    expect(e).toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190, graphSubcode: 460 })
  })

  test('an expired stored token is TOKEN_EXPIRED telling the user to reconnect, with no request', async () => {
    const e = await rejection(preAuthenticate({ accessToken: 'IGAAold', accessTokenExpiresAt: T0 - DAY }, opts))
    expect(e.code).toBe('TOKEN_EXPIRED')
    expect(e.message).toMatch(/[Rr]econnect/)
    expect(mock.requests).toHaveLength(0)
  })

  test('too young to refresh: none, with no request', async () => {
    const r = await preAuthenticate({ accessToken: 'IGAAyoung', accessTokenExpiresAt: T0 + 3 * DAY, accessTokenIssuedAt: T0 - HOUR }, opts)
    expect(r).toMatchObject({ action: 'none', changed: false, accessToken: 'IGAAyoung' })
    expect(mock.requests).toHaveLength(0)
  })

  test('Facebook login never refreshes', async () => {
    const r = await preAuthenticate({ accessToken: 'EAApage', accessTokenExpiresAt: T0 + DAY }, opts)
    expect(r.action).toBe('none')
    expect(mock.requests).toHaveLength(0)
  })

  test('times in seconds and RFC 3339 come back as epoch ms and do not count as a change', async () => {
    const r = await preAuthenticate(
      { accessToken: 'IGAAx', accessTokenExpiresAt: (T0 + 30 * DAY) / 1000, accessTokenIssuedAt: new Date(T0 - DAY).toISOString() },
      opts,
    )
    expect(r).toMatchObject({ action: 'none', changed: false, accessTokenExpiresAt: T0 + 30 * DAY, accessTokenIssuedAt: T0 - DAY })
  })

  test('nothing stored and no OAuth token rejects with INVALID_ARGUMENT', async () => {
    expect((await rejection(preAuthenticate({ accessToken: '' }, opts))).code).toBe('INVALID_ARGUMENT')
  })

  test('100 concurrent calls on a refresh-due token share one refresh request', async () => {
    const stored = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 54 * DAY })
    const cred = { accessToken: stored, accessTokenExpiresAt: T0 + 6 * DAY, accessTokenIssuedAt: T0 - 54 * DAY }
    mock.fail('/refresh_access_token', { delayMs: 200 })
    const results = await Promise.all(Array.from({ length: 100 }, () => preAuthenticate(cred, opts)))
    expect(mock.requestsTo('/refresh_access_token')).toHaveLength(1)
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1)
    expect(results.every((r) => r.action === 'refreshed')).toBe(true)
    expect(results[0].accessToken).not.toBe(stored)
  })

  test('100 concurrent first connects share one exchange request', async () => {
    const cred = { ...base(), oauthAccessToken: mock.tokens.issueShortLived() }
    mock.fail('/access_token', { delayMs: 200 })
    const results = await Promise.all(Array.from({ length: 100 }, () => preAuthenticate(cred, opts)))
    expect(mock.requestsTo('/access_token')).toHaveLength(1)
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1)
  })
})

test('no error of this suite holds the app secret', () => {
  expect(errors.length).toBeGreaterThan(10)
  expectNoSecrets([APP_SECRET])
})
