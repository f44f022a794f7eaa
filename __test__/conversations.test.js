'use strict'
// listConversations against the mock Graph server (docs/API-beyond-dms.md, "Conversation
// context"): the wire request on both hosts, cursor paging and its bounds, updated_time forms,
// validation before the network, the retry class, and no secret in any URL or error.
const { listConversations } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const T0 = Date.parse('2026-11-30T12:00:00Z')
const HOUR = 3600 * 1000
const LIST = '/v24.0/me/conversations'
const ANA = '1254477777772919'
const { rejection, expectNoSecrets } = errorCollector()
const secrets = []

let mock
let opts
let igToken
let pageToken
graphSuite(
  { appSecret: 'conversations-app-secret-value', now: T0, secrets, reset: (m) => m.conversations.seed() },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

/** A page Meta might send for `after` (or the first page), answered instead of the mock's. */
function pageFor(after, body) {
  mock.fail((e) => e.path === LIST && e.query.after === after, { status: 200, body })
}

describe('the inbox', () => {
  test('one request: platform, fields, limit 25 by default; Meta\'s order; times in epoch ms', async () => {
    const r = await listConversations({ accessToken: igToken }, opts)
    expect(r.nextCursor).toBeUndefined()
    expect(r.conversations.map((c) => c.id)).toEqual(mock.conversations.ids())
    expect(r.conversations[0]).toEqual({
      id: mock.conversations.ids()[0],
      updatedAt: T0 - HOUR,
      participants: [{ id: ANA, username: 'ana.b' }, { id: mock.account.userId, username: 'mock_business' }],
    })
    expect(r.conversations.map((c) => c.updatedAt)).toEqual([T0 - HOUR, T0 - 47 * HOUR, T0 - 120 * HOUR])
    expect(mock.requests).toHaveLength(1)
    const [req] = mock.requests
    expect([req.method, req.path]).toEqual(['GET', LIST])
    expect(req.query).toEqual({ platform: 'instagram', fields: 'id,updated_time,participants', limit: '25' })
    expect(req.headers.authorization).toBe(`Bearer ${igToken}`)
  })

  test('Facebook login: the page token as Bearer, appsecret_proof, the Facebook host, a page id', async () => {
    const fbOnly = { ...opts, instagramUrl: 'http://127.0.0.1:9' } // nothing listens there
    const r = await listConversations({ accessToken: pageToken, appSecret: mock.appSecret, accountId: mock.pages[0].id, limit: 1 }, fbOnly)
    expect(r.conversations).toHaveLength(1)
    const [req] = mock.requests
    expect(req.path).toBe(`/v24.0/${mock.pages[0].id}/conversations`)
    expect(req.headers.authorization).toBe(`Bearer ${pageToken}`)
    expect(req.query.appsecret_proof).toBe(mock.appsecretProof(pageToken))
    // without appSecret, no proof
    await listConversations({ accessToken: pageToken, limit: 1 }, fbOnly)
    expect(mock.requests[1].query.appsecret_proof).toBeUndefined()
  })

  test('an empty inbox is an empty list', async () => {
    mock.conversations.clear()
    await expect(listConversations({ accessToken: igToken }, opts)).resolves.toEqual({ conversations: [] })
  })
})

describe('paging', () => {
  test('limit reached on the first page: nextCursor continues exactly where it stopped', async () => {
    const first = await listConversations({ accessToken: igToken, limit: 2 }, opts)
    expect(first.conversations.map((c) => c.id)).toEqual(mock.conversations.ids().slice(0, 2))
    expect(first.nextCursor).toEqual(expect.any(String))
    const rest = await listConversations({ accessToken: igToken, limit: 2, after: first.nextCursor }, opts)
    expect(rest.conversations.map((c) => c.id)).toEqual(mock.conversations.ids().slice(2))
    expect(rest.nextCursor).toBeUndefined()
    expect(mock.requests.map((r) => r.query.after)).toEqual([undefined, first.nextCursor])
  })

  test('short pages are followed by cursor, asking only for what is still missing', async () => {
    mock.conversations.maxPageSize = 1
    const r = await listConversations({ accessToken: igToken, limit: 3 }, opts)
    expect(r.conversations.map((c) => c.id)).toEqual(mock.conversations.ids())
    expect(r.nextCursor).toBeUndefined()
    expect(mock.requests.map((q) => q.query.limit)).toEqual(['3', '2', '1'])
  })

  test('at most 5 requests per call; nextCursor then continues the listing', async () => {
    for (let i = 0; i < 5; i++) mock.conversations.add({ userId: String(500 + i), updatedAt: T0 - (200 + i) * HOUR })
    mock.conversations.maxPageSize = 1
    const r = await listConversations({ accessToken: igToken, limit: 100 }, opts)
    expect(mock.requests).toHaveLength(5)
    expect(r.conversations).toHaveLength(5)
    expect(r.nextCursor).toEqual(expect.any(String))
    mock.conversations.maxPageSize = 100
    const rest = await listConversations({ accessToken: igToken, after: r.nextCursor }, opts)
    expect([...r.conversations, ...rest.conversations].map((c) => c.id)).toEqual(mock.conversations.ids())
  })

  test('a page handing back the cursor it was asked with ends the listing without nextCursor', async () => {
    mock.conversations.maxPageSize = 1
    const loop = { data: [{ id: 'c-loop' }], paging: { cursors: { after: 'SAME' }, next: `${mock.url}${LIST}?after=SAME` } }
    pageFor('SAME', loop)
    const r = await listConversations({ accessToken: igToken, limit: 10, after: 'SAME' }, opts)
    expect(r).toEqual({ conversations: [{ id: 'c-loop' }] })
    expect(mock.requests).toHaveLength(1)
  })

  test('nextCursor only when Meta announces a further page (paging.next), never following its URL', async () => {
    pageFor(undefined, { data: [{ id: 'c1' }], paging: { cursors: { after: 'NEXT1' }, next: 'https://elsewhere.invalid/v24.0/me/conversations?after=NEXT1' } })
    pageFor('NEXT1', { data: [{ id: 'c2' }], paging: { cursors: { after: 'NEXT2' } } })
    const r = await listConversations({ accessToken: igToken, limit: 5 }, opts)
    expect(r).toEqual({ conversations: [{ id: 'c1' }, { id: 'c2' }] })
    expect(mock.requests.map((q) => [q.path, q.query.after])).toEqual([[LIST, undefined], [LIST, 'NEXT1']])
  })

  test('a further page announced without a cursor → BAD_RESPONSE', async () => {
    pageFor(undefined, { data: [{ id: 'c1' }], paging: { next: 'https://elsewhere.invalid/x' } })
    await expect(rejection(listConversations({ accessToken: igToken }, opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
  })
})

describe('what Meta answers', () => {
  test.each([
    ['Graph\'s form', '2026-11-30T10:00:00+0000'],
    ['RFC 3339', '2026-11-30T11:00:00+01:00'],
    ['epoch seconds', 1796032800],
    ['epoch ms as a string', '1796032800000'],
  ])('updated_time as %s', async (_, updated) => {
    pageFor(undefined, { data: [{ id: 'c1', updated_time: updated }] })
    const r = await listConversations({ accessToken: igToken }, opts)
    expect(r.conversations).toEqual([{ id: 'c1', updatedAt: Date.parse('2026-11-30T10:00:00Z') }])
  })

  test.each([
    ['an unreadable updated_time', { data: [{ id: 'c1', updated_time: 'last tuesday' }] }],
    ['a conversation without id', { data: [{ updated_time: '2026-11-30T10:00:00+0000' }] }],
    ['no data', { conversations: [] }],
  ])('%s → BAD_RESPONSE', async (_, body) => {
    pageFor(undefined, body)
    const err = await rejection(listConversations({ accessToken: igToken }, opts))
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', retryable: false })
  })

  test('ids sent as bare numbers above 2^53 stay exact; participants without an id are left out', async () => {
    pageFor(undefined, '{"data":[{"id":17900000000000123,"participants":{"data":[{"id":17841400000000001},{"username":"x"}]}}]}')
    const r = await listConversations({ accessToken: igToken }, opts)
    expect(r.conversations).toEqual([{ id: '17900000000000123', participants: [{ id: '17841400000000001' }] }])
  })
})

describe('validation before the network', () => {
  test.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['a fractional limit', { limit: 2.5 }, 'limit'],
    ['a limit as a string', { limit: '5' }, 'limit'],
    ['an empty after', { after: '' }, 'after'],
    ['an after with a slash', { after: 'a/b' }, 'after'],
    ['an after with a space', { after: 'a b' }, 'after'],
    ['an after with %', { after: 'a%2F' }, 'after'],
    ['an after longer than 2048', { after: 'a'.repeat(2049) }, 'after'],
    ['an empty accountId', { accountId: '' }, 'accountId'],
    ['an accountId that is not digits', { accountId: '../me' }, 'accountId'],
    ['an empty appSecret', { appSecret: '' }, 'appSecret'],
    ['an unknown loginType', { loginType: 'myspace' }, 'loginType'],
    ['no accessToken', { accessToken: undefined }, 'accessToken'],
  ])('%s → INVALID_ARGUMENT naming the field', async (_, fields, field) => {
    const err = await rejection(listConversations({ accessToken: igToken, ...fields }, opts))
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.message.startsWith(`${field}:`)).toBe(true)
    expect(mock.requests).toHaveLength(0)
  })

  test('the largest limit and cursor are accepted', async () => {
    await expect(listConversations({ accessToken: igToken, limit: 100 }, opts)).resolves.toBeDefined()
    pageFor('a'.repeat(2048), { data: [] })
    await expect(listConversations({ accessToken: igToken, after: 'a'.repeat(2048) }, opts)).resolves.toEqual({ conversations: [] })
  })
})

describe('errors and retries (idempotent)', () => {
  test('a bare 5xx and a rate limit are retried', async () => {
    mock.fail(LIST, { status: 502, body: '' })
    mock.fail(LIST, { graphError: { code: 4 }, status: 400 })
    const r = await listConversations({ accessToken: igToken }, { ...opts, maxRetries: 2 })
    expect(r.conversations).toHaveLength(3)
    expect(mock.requests).toHaveLength(3)
  })

  test('without retries the class shows: GRAPH_TRANSIENT for a bare 502, TOKEN_INVALID for a bad token', async () => {
    mock.fail(LIST, { status: 502, body: '' })
    await expect(rejection(listConversations({ accessToken: igToken }, opts))).resolves.toMatchObject({ code: 'GRAPH_TRANSIENT', httpStatus: 502, retryable: true })
    const unknown = 'IGAAunknown-token-for-conversations-0123456789'
    secrets.push(unknown)
    await expect(rejection(listConversations({ accessToken: unknown }, opts))).resolves.toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190 })
  })
})

test('the token is never in a URL, and secrets never in an error', async () => {
  mock.conversations.maxPageSize = 1
  await listConversations({ accessToken: pageToken, appSecret: mock.appSecret, limit: 3 }, opts)
  expect(mock.requests).toHaveLength(3)
  for (const r of mock.requests) {
    expect(r.auth).toBe('bearer')
    for (const s of secrets) expect(JSON.stringify([r.path, r.query])).not.toContain(s)
  }
  mock.fail(LIST, { graphError: { code: 100, message: `bad ${pageToken} ${mock.appSecret}` }, status: 400 })
  const err = await rejection(listConversations({ accessToken: pageToken, appSecret: mock.appSecret }, opts))
  expect(err.code).toBe('GRAPH_ERROR')
  expectNoSecrets(secrets)
})
