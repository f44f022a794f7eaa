'use strict'
// markSeen against the mock Graph server (docs/API-beyond-dms.md): exactly sendMessage with
// `recipient: { id: userId }` and `senderAction: 'mark_seen'` — the same request, the same
// errors, the same retry class (a write) — with its own field names and result.
const { markSeen, sendMessage } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const USER = '1254477777772919'
const { rejection, expectNoSecrets } = errorCollector()
const secrets = []

let mock
let opts
let igToken
let pageToken
graphSuite(
  { appSecret: 'mark-seen-app-secret-value', secrets, reset: (m) => m.recipients.clear() },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

/** What the mock received, without what differs between two identical calls. */
const wire = (r) => ({ method: r.method, path: r.path, query: r.query, rawBody: r.rawBody, authorization: r.headers.authorization, contentType: r.headers['content-type'] })

test('the same request as sendMessage with senderAction mark_seen; the result is { recipientId }', async () => {
  for (const [accessToken, extra] of [[igToken, {}], [pageToken, { appSecret: mock.appSecret, accountId: mock.pages[0].id }]]) {
    mock.resetLog()
    await expect(markSeen({ accessToken, userId: USER, ...extra }, opts)).resolves.toEqual({ recipientId: USER })
    await sendMessage({ accessToken, recipient: { id: USER }, senderAction: 'mark_seen', ...extra }, opts)
    const [mine, theirs] = mock.requests
    expect(wire(mine)).toEqual(wire(theirs))
    expect(mine.body).toEqual({ recipient: { id: USER }, sender_action: 'mark_seen' })
    expect(mine.path).toBe(`/v24.0/${extra.accountId ?? 'me'}/messages`)
    expect(mine.headers.authorization).toBe(`Bearer ${accessToken}`)
    expect(mine.query.appsecret_proof).toBe(extra.appSecret ? mock.appsecretProof(accessToken) : undefined)
  }
  expect(mock.sent.map((s) => s.senderAction)).toEqual(['mark_seen', 'mark_seen'])
})

test.each([
  ['no userId', {}, 'userId'],
  ['a userId that is not digits', { userId: '12 3' }, 'userId'],
  ['a number for userId', { userId: 12 }, 'userId'],
  ['an empty accountId', { userId: USER, accountId: '' }, 'accountId'],
  ['an accountId that is not digits', { userId: USER, accountId: 'x' }, 'accountId'],
  ['an empty appSecret', { userId: USER, appSecret: '' }, 'appSecret'],
  ['no accessToken', { userId: USER, accessToken: undefined }, 'accessToken'],
])('%s → INVALID_ARGUMENT naming the field', async (_, fields, field) => {
  const err = await rejection(markSeen({ accessToken: igToken, ...fields }, opts))
  expect(err.code).toBe('INVALID_ARGUMENT')
  expect(err.message.startsWith(`${field}:`)).toBe(true)
  expect(mock.requests).toHaveLength(0)
})

test('Meta\'s errors as sendMessage reports them (a closed window, an unavailable person)', async () => {
  for (const rule of [{ windowClosed: true }, { unavailable: true }]) {
    mock.recipients.set(USER, rule)
    const mine = await rejection(markSeen({ accessToken: igToken, userId: USER }, opts))
    const theirs = await rejection(sendMessage({ accessToken: igToken, recipient: { id: USER }, senderAction: 'mark_seen' }, opts))
    expect([mine.code, mine.graphCode, mine.graphSubcode, mine.httpStatus]).toEqual([theirs.code, theirs.graphCode, theirs.graphSubcode, theirs.httpStatus])
    expect(mine.code).toBe(rule.windowClosed ? 'OUTSIDE_MESSAGING_WINDOW' : 'RECIPIENT_UNAVAILABLE')
  }
})

test('a write: retried after a rate limit, never after a bare 5xx or a timeout', async () => {
  const PATH = '/v24.0/me/messages'
  mock.fail(PATH, { graphError: { code: 4 }, status: 400 })
  await expect(markSeen({ accessToken: igToken, userId: USER }, { ...opts, maxRetries: 1 })).resolves.toEqual({ recipientId: USER })
  expect(mock.requests).toHaveLength(2)

  mock.resetLog()
  mock.fail(PATH, { status: 502, body: '' })
  await expect(rejection(markSeen({ accessToken: igToken, userId: USER }, { ...opts, maxRetries: 2 }))).resolves.toMatchObject({ code: 'GRAPH_TRANSIENT', httpStatus: 502 })
  expect(mock.requests).toHaveLength(1)

  mock.resetLog()
  mock.fail(PATH, { hang: true })
  await expect(rejection(markSeen({ accessToken: igToken, userId: USER }, { ...opts, timeoutMs: 300, maxRetries: 2 }))).resolves.toMatchObject({ code: 'TIMEOUT' })
  expect(mock.requests).toHaveLength(1)
})

test('secrets never appear in an error, nor the token in a URL', async () => {
  mock.fail('/v24.0/me/messages', { graphError: { code: 100, message: `bad ${pageToken} ${mock.appSecret}` }, status: 400 })
  const err = await rejection(markSeen({ accessToken: pageToken, appSecret: mock.appSecret, userId: USER }, opts))
  expect(err.code).toBe('GRAPH_ERROR')
  expect(mock.requests[0].auth).toBe('bearer')
  expect(JSON.stringify(mock.requests[0].query)).not.toContain(pageToken)
  expectNoSecrets(secrets)
})
