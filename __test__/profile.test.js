'use strict'
// getUserProfile against the mock Graph server (docs/API-beyond-dms.md, "Conversation context"):
// the request on both hosts, nulls left out, consent refused as PERMISSION_DENIED, the error
// classes and the idempotent retry class, no secret in any error.
const { getUserProfile } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const USER = '1254477777772919'
const PATH = `/v24.0/${USER}`
const FIELDS = 'name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user'
const { rejection, expectNoSecrets } = errorCollector()

let mock
let opts
let igToken
let pageToken
graphSuite(
  {
    appSecret: 'profile-app-secret-value',
    reset: (m) => {
      m.profiles.clear()
      m.profiles.set(USER, { name: 'Ana B', username: 'ana.b', profilePic: 'https://cdn.mock.invalid/ana.jpg', followerCount: 4321, userFollowsBusiness: true, businessFollowsUser: false })
    },
  },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

test('Instagram login: GET /{userId}?fields=… → the profile in the contract\'s names', async () => {
  const p = await getUserProfile({ accessToken: igToken, userId: USER }, opts)
  expect(p).toEqual({
    id: USER,
    name: 'Ana B',
    username: 'ana.b',
    profilePicUrl: 'https://cdn.mock.invalid/ana.jpg',
    followerCount: 4321,
    userFollowsAccount: true,
    accountFollowsUser: false,
  })
  const [req] = mock.requests
  expect([req.method, req.path, req.query]).toEqual(['GET', PATH, { fields: FIELDS }])
  expect(req.headers.authorization).toBe(`Bearer ${igToken}`)
})

test('Facebook login: the page token as Bearer, appsecret_proof with appSecret', async () => {
  const p = await getUserProfile({ accessToken: pageToken, appSecret: mock.appSecret, userId: USER }, opts)
  expect(p.username).toBe('ana.b')
  const [req] = mock.requests
  expect(req.headers.authorization).toBe(`Bearer ${pageToken}`)
  expect(req.query.appsecret_proof).toBe(mock.appsecretProof(pageToken))
  expect(req.query.access_token).toBeUndefined()
})

test('a field Meta sends as null or leaves out is absent', async () => {
  mock.profiles.set(USER, { name: null, username: 'ana.b', profilePic: null })
  const p = await getUserProfile({ accessToken: igToken, userId: USER }, opts)
  expect(p).toEqual({ id: USER, username: 'ana.b' })
  expect(Object.keys(p)).toEqual(['id', 'username'])
})

test('no consent (a commenter who never wrote) → PERMISSION_DENIED, not retried', async () => {
  const err = await rejection(getUserProfile({ accessToken: igToken, userId: '999' }, { ...opts, maxRetries: 2 }))
  expect(err).toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 230, retryable: false })
  expect(mock.requests).toHaveLength(1)
})

test.each([
  ['no userId', {}, 'userId'],
  ['a userId that is not digits', { userId: 'me' }, 'userId'],
  ['a number for userId', { userId: 12 }, 'userId'],
  ['an empty token', { userId: USER, accessToken: '' }, 'accessToken'],
  ['an unknown loginType', { userId: USER, loginType: 'x' }, 'loginType'],
])('%s → INVALID_ARGUMENT before any request', async (_, fields, field) => {
  const err = await rejection(getUserProfile({ accessToken: igToken, ...fields }, opts))
  expect(err.code).toBe('INVALID_ARGUMENT')
  expect(err.message.startsWith(`${field}:`)).toBe(true)
  expect(mock.requests).toHaveLength(0)
})

test('token errors: unknown → TOKEN_INVALID, revoked → TOKEN_INVALID, expired → TOKEN_EXPIRED', async () => {
  await expect(rejection(getUserProfile({ accessToken: 'IGAAunknown-profile-token-987654321', userId: USER }, opts))).resolves.toMatchObject({ code: 'TOKEN_INVALID' })
  const revoked = mock.tokens.issueLongLived({ loginType: 'instagram' })
  mock.tokens.revoke(revoked, 460)
  await expect(rejection(getUserProfile({ accessToken: revoked, userId: USER }, opts))).resolves.toMatchObject({ code: 'TOKEN_INVALID', graphSubcode: 460 })
  const expired = mock.tokens.issueLongLived({ loginType: 'instagram', expiresInSec: 1 })
  mock.clock.advance(5000)
  await expect(rejection(getUserProfile({ accessToken: expired, userId: USER }, opts))).resolves.toMatchObject({ code: 'TOKEN_EXPIRED' })
  expectNoSecrets([revoked, expired, 'IGAAunknown-profile-token-987654321'])
})

test('idempotent: a rate limit, a transient error and a bare 5xx are retried; a timeout is retryable', async () => {
  mock.fail(PATH, { graphError: { code: 17 }, status: 400 })
  mock.fail(PATH, { graphError: { code: 1 }, status: 500 })
  mock.fail(PATH, { status: 503, body: '' })
  await expect(getUserProfile({ accessToken: igToken, userId: USER }, { ...opts, maxRetries: 3 })).resolves.toMatchObject({ id: USER })
  expect(mock.requests).toHaveLength(4)

  mock.resetLog()
  mock.fail(PATH, { graphError: { code: 4 }, status: 400 })
  await expect(rejection(getUserProfile({ accessToken: igToken, userId: USER }, opts))).resolves.toMatchObject({ code: 'RATE_LIMITED', retryable: true })

  mock.fail(PATH, { hang: true })
  await expect(rejection(getUserProfile({ accessToken: igToken, userId: USER }, { ...opts, timeoutMs: 200 }))).resolves.toMatchObject({ code: 'TIMEOUT', retryable: true })
})

test('an answer of the wrong shape → BAD_RESPONSE', async () => {
  mock.fail(PATH, { status: 200, body: { follower_count: 'lots' } })
  await expect(rejection(getUserProfile({ accessToken: igToken, userId: USER }, opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
  mock.fail(PATH, { html: true, status: 200 })
  await expect(rejection(getUserProfile({ accessToken: igToken, userId: USER }, opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
})

test('secrets never appear in an error, even when Meta echoes them', async () => {
  mock.fail(PATH, { graphError: { code: 230, message: `consent missing for ${pageToken} / ${mock.appSecret}` } })
  const err = await rejection(getUserProfile({ accessToken: pageToken, appSecret: mock.appSecret, userId: USER }, opts))
  expect(err.code).toBe('PERMISSION_DENIED')
  expectNoSecrets([igToken, pageToken, mock.appSecret])
})
