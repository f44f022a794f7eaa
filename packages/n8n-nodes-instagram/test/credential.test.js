'use strict'
// The InstagramNativeApi credential driven the way n8n drives it: its preAuthentication hook runs
// inside helpers.httpRequestWithAuthentication (fake n8n, real HTTP to the mock Graph server,
// real addon), and what it returns is written to the fake credential store.

const { InstagramNativeApi, startMockGraph } = require('./helpers/load')
const { createCredentialStore, httpRequestWithAuthentication, testCredential, fakeNode } = require('./helpers/fake-n8n')

const DAY = 24 * 3600e3
const META_LONG_LIVED_MS = 5183944 * 1000
const credentialType = new InstagramNativeApi()
const node = { name: 'Instagram', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [0, 0], parameters: {} }

let mock
beforeEach(async () => {
  mock = await startMockGraph({ now: Date.now(), appId: '1234567890', appSecret: 'test-app-secret' })
})
afterEach(() => mock.close())

function newStore(extra = {}) {
  return createCredentialStore(credentialType, {
    clientId: mock.appId,
    clientSecret: mock.appSecret,
    oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
    verifyToken: 'verify-me',
    instagramUrl: mock.url,
    ...extra,
  })
}

// n8n wraps an error thrown by the hook in a NodeApiError: the addon's error is its `cause`
// (or its `errorResponse` when, as under Jest's vm realm, it fails `instanceof Error`).
// n8n wraps the hook's error; the addon's code and Graph codes travel in `context` (1.x and 2.x)
const inner = (err) => err.context

const me = (store, log) =>
  httpRequestWithAuthentication(store, node, { method: 'GET', url: `${mock.url}/v24.0/me`, qs: { fields: 'user_id,username' } }, log)

const tokenRequests = () => mock.requests.filter((e) => e.path === '/access_token' || e.path === '/refresh_access_token')

describe('declaration', () => {
  test('one hidden expirable field; every key the hook returns is a declared hidden property', async () => {
    const expirable = credentialType.properties.filter((p) => p.typeOptions && p.typeOptions.expirable)
    expect(expirable).toHaveLength(1)
    expect(expirable[0]).toMatchObject({ name: 'session', type: 'hidden', default: '' })
    const hidden = new Set(credentialType.properties.filter((p) => p.type === 'hidden').map((p) => p.name))
    const store = newStore()
    const out = await credentialType.preAuthentication.call({ helpers: {} }, store.read())
    expect(Object.keys(out).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'accessTokenIssuedAt', 'session', 'sourceTokenFingerprint'])
    for (const k of Object.keys(out)) expect(hidden.has(k)).toBe(true)
    expect(out.session).toBe('')
  })

  test('not an oAuth2Api credential; authenticate sends the stored token as Bearer; default base URL', () => {
    expect(credentialType.extends).toBeUndefined()
    expect(credentialType.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } } })
    expect(credentialType.properties.find((p) => p.name === 'instagramUrl').default).toBe('https://graph.instagram.com')
  })
})

describe('the hook through httpRequestWithAuthentication', () => {
  test('first connect: the OAuth token is exchanged, the request carries the long-lived token, the fields are persisted', async () => {
    const store = newStore()
    const oauth = store.read().oauthAccessToken
    const before = Date.now()
    const answer = await me(store)
    const after = Date.now()

    expect(answer).toEqual({ user_id: mock.account.userId, username: mock.account.username, id: mock.account.id })
    const [exchange] = tokenRequests()
    expect(tokenRequests()).toHaveLength(1)
    expect(exchange.path).toBe('/access_token')
    expect(exchange.query.grant_type).toBe('ig_exchange_token')

    const saved = store.read()
    expect(store.writes).toBe(1)
    expect(saved.session).toBe('')
    expect(saved.accessToken).not.toBe(oauth)
    expect(mock.tokens.get(saved.accessToken)).toMatchObject({ kind: 'long', loginType: 'instagram' })
    expect(saved.accessTokenIssuedAt).toBeGreaterThanOrEqual(before)
    expect(saved.accessTokenIssuedAt).toBeLessThanOrEqual(after)
    expect(saved.accessTokenExpiresAt).toBe(saved.accessTokenIssuedAt + META_LONG_LIVED_MS)
    expect(saved.sourceTokenFingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(saved.oauthAccessToken).toBe(oauth) // the user's field is left alone

    const call = mock.requestsTo('/v24.0/me')
    expect(call).toHaveLength(1)
    expect(call[0].headers.authorization).toBe(`Bearer ${saved.accessToken}`)
    expect(call[0].query.access_token).toBeUndefined()
  })

  test('later requests: the hook runs again (expirable field is empty), finds nothing due, keeps the token', async () => {
    const store = newStore()
    await me(store)
    const first = store.read()
    await me(store)
    await me(store)
    expect(tokenRequests()).toHaveLength(1) // the first exchange only
    expect(store.writes).toBe(1) // the exchange; a hook that changes nothing writes nothing
    expect(store.read()).toEqual(first)
    for (const e of mock.requestsTo('/v24.0/me')) expect(e.headers.authorization).toBe(`Bearer ${first.accessToken}`)
  })

  test('queue mode: a hook that read the credential before another process stored a newer token does not write the old one back', async () => {
    const store = newStore()
    await me(store)
    const stale = store.read() // what a second worker read
    const newer = mock.tokens.issueLongLived()
    store.write({ ...stale, accessToken: newer, accessTokenIssuedAt: Date.now(), accessTokenExpiresAt: Date.now() + 60 * DAY }) // the first worker's refresh
    const writes = store.writes
    const out = await credentialType.preAuthentication.call({ helpers: {} }, stale)
    expect(out).toEqual({}) // no expirable field: n8n persists nothing
    expect(store.writes).toBe(writes)
    expect(store.read().accessToken).toBe(newer)
  })

  test('persisted fields round-trip: after a "restart" (a new store from the stored JSON) nothing is exchanged again', async () => {
    const store = newStore()
    await me(store)
    const persisted = JSON.parse(store.raw)
    expect(typeof persisted.accessTokenExpiresAt).toBe('number')
    expect(typeof persisted.accessTokenIssuedAt).toBe('number')

    const restarted = createCredentialStore(credentialType, persisted)
    await me(restarted)
    expect(tokenRequests()).toHaveLength(1)
    expect(restarted.read()).toEqual(store.read())
    expect(mock.requestsTo('/v24.0/me').at(-1).headers.authorization).toBe(`Bearer ${persisted.accessToken}`)
  })

  test('54 days later (inside the 7-day window): refreshed once, the new token persisted and used', async () => {
    const store = newStore()
    await me(store)
    const first = store.read()

    // The addon reads the system clock, so "54 days later" is made by moving the stored
    // times 54 days into the past; the mock's clock jumps 54 days ahead (its token is then
    // 54 days old and refreshable).
    const persisted = JSON.parse(store.raw)
    persisted.accessTokenIssuedAt -= 54 * DAY
    persisted.accessTokenExpiresAt -= 54 * DAY
    const later = createCredentialStore(credentialType, persisted)
    mock.clock.advance(54 * DAY)

    const before = Date.now()
    await me(later)
    const saved = later.read()
    const refresh = tokenRequests().filter((e) => e.path === '/refresh_access_token')
    expect(refresh).toHaveLength(1)
    expect(refresh[0].query.grant_type).toBe('ig_refresh_token')
    expect(saved.accessToken).not.toBe(first.accessToken)
    expect(mock.tokens.get(saved.accessToken)).toMatchObject({ kind: 'long' })
    expect(saved.accessTokenIssuedAt).toBeGreaterThanOrEqual(before)
    expect(saved.accessTokenExpiresAt).toBe(saved.accessTokenIssuedAt + META_LONG_LIVED_MS)
    expect(saved.sourceTokenFingerprint).toBe(first.sourceTokenFingerprint)
    expect(mock.requestsTo('/v24.0/me').at(-1).headers.authorization).toBe(`Bearer ${saved.accessToken}`)

    // and the next request does not refresh again
    await me(later)
    expect(tokenRequests().filter((e) => e.path === '/refresh_access_token')).toHaveLength(1)
  })

  test('a refresh that fails while the token is still valid keeps the stored token (no error for the workflow)', async () => {
    const store = newStore()
    await me(store)
    const persisted = JSON.parse(store.raw)
    persisted.accessTokenIssuedAt -= 54 * DAY
    persisted.accessTokenExpiresAt -= 54 * DAY
    const later = createCredentialStore(credentialType, persisted)
    mock.clock.advance(54 * DAY)
    mock.fail('/refresh_access_token', { html: true, status: 503 }, { times: 10 })

    await me(later)
    expect(later.read().accessToken).toBe(persisted.accessToken)
    expect(later.read().accessTokenExpiresAt).toBe(persisted.accessTokenExpiresAt)
  })

  test('expired (61 days, nobody ran a workflow): the request fails with TOKEN_EXPIRED and nothing is overwritten', async () => {
    const store = newStore()
    await me(store)
    const persisted = JSON.parse(store.raw)
    persisted.accessTokenIssuedAt -= 61 * DAY
    persisted.accessTokenExpiresAt -= 61 * DAY
    const later = createCredentialStore(credentialType, persisted)
    const requestsBefore = mock.requestsTo('/v24.0/me').length

    const err = await me(later).catch((e) => e)
    expect(inner(err).code).toBe('TOKEN_EXPIRED')
    expect(err.message).not.toContain(persisted.accessToken)
    expect(later.writes).toBe(0)
    expect(mock.requestsTo('/v24.0/me')).toHaveLength(requestsBefore) // never sent
  })

  test('reconnect: a newly pasted short-lived token is exchanged and replaces the stored one', async () => {
    const store = newStore()
    await me(store)
    const first = store.read()
    store.write({ oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }) })
    await me(store)
    const saved = store.read()
    expect(tokenRequests().filter((e) => e.path === '/access_token')).toHaveLength(2)
    expect(saved.accessToken).not.toBe(first.accessToken)
    expect(saved.sourceTokenFingerprint).not.toBe(first.sourceTokenFingerprint)
  })

  test('the credential test runs the hook and GET /v24.0/me authenticated', async () => {
    const store = newStore()
    const r = await testCredential(store)
    expect(r.status).toBe(200)
    expect(r.body.user_id).toBe(mock.account.userId)
    expect(mock.requestsTo('/v24.0/me')[0].headers.authorization).toBe(`Bearer ${store.read().accessToken}`)
  })

  test('a wrong app secret: GRAPH_ERROR (Graph 101) from the exchange, the token is never written, no secret in the message', async () => {
    const store = newStore({ clientSecret: 'not-the-secret' })
    const err = await me(store).catch((e) => e)
    expect(inner(err).code).toBe('GRAPH_ERROR')
    expect(inner(err).graphCode).toBe(101)
    expect(store.writes).toBe(0)
    expect(JSON.stringify({ m: err.message, d: err.description })).not.toContain('not-the-secret')
  })
})
