'use strict'
// replyToComment, hideComment, deleteComment against the mock Graph server
// (docs/API-beyond-dms.md, "Comments"): the wire requests on both hosts, validation before the
// network, each error class, the retry class of each call, and no secret in any error.
const { replyToComment, hideComment, deleteComment } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const COMMENT = '17900000000000001'
const PATH = `/v24.0/${COMMENT}`
const { rejection, expectNoSecrets } = errorCollector()
const secrets = []

let mock
let opts
let igToken
let pageToken
graphSuite(
  { appSecret: 'comments-app-secret-value', secrets, reset: (m) => m.comments.clear() },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

describe('success on both hosts', () => {
  test('replyToComment: POST /{commentId}/replies with {"message"} → { id } (Instagram login)', async () => {
    const r = await replyToComment({ accessToken: igToken, commentId: COMMENT, text: 'Thanks! 🙏 Check your DMs' }, opts)
    expect(r).toEqual({ id: mock.comments.replies[0].id })
    expect(typeof r.id).toBe('string')
    const [req] = mock.requests
    expect([req.method, req.path]).toEqual(['POST', `${PATH}/replies`])
    expect(req.body).toEqual({ message: 'Thanks! 🙏 Check your DMs' })
    expect(req.headers.authorization).toBe(`Bearer ${igToken}`)
    expect(req.query).toEqual({})
  })

  test('Facebook login with appSecret: the page token as Bearer and appsecret_proof on every call', async () => {
    const req = { accessToken: pageToken, appSecret: mock.appSecret, commentId: COMMENT }
    await expect(replyToComment({ ...req, text: 'hi' }, opts)).resolves.toMatchObject({ id: expect.stringMatching(/^\d+$/) })
    await expect(hideComment(req, opts)).resolves.toEqual({ commentId: COMMENT, hidden: true })
    await expect(deleteComment(req, opts)).resolves.toEqual({ commentId: COMMENT, deleted: true })
    expect(mock.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'DELETE'])
    for (const r of mock.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${pageToken}`)
      expect(r.query.appsecret_proof).toBe(mock.appsecretProof(pageToken))
      expect(r.query.access_token).toBeUndefined()
    }
  })

  test('hideComment: {"hide": true} by default, {"hide": false} unhides; the result says the state', async () => {
    await expect(hideComment({ accessToken: igToken, commentId: COMMENT }, opts)).resolves.toEqual({ commentId: COMMENT, hidden: true })
    expect(mock.comments.get(COMMENT).hidden).toBe(true)
    await expect(hideComment({ accessToken: igToken, commentId: COMMENT, hide: false }, opts)).resolves.toEqual({ commentId: COMMENT, hidden: false })
    expect(mock.comments.get(COMMENT).hidden).toBe(false)
    expect(mock.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', PATH, { hide: true }],
      ['POST', PATH, { hide: false }],
    ])
  })

  test('deleteComment: DELETE /{commentId}; deleting it again is Meta\'s GRAPH_ERROR 100', async () => {
    await expect(deleteComment({ accessToken: igToken, commentId: COMMENT }, opts)).resolves.toEqual({ commentId: COMMENT, deleted: true })
    expect([mock.requests[0].method, mock.requests[0].path]).toEqual(['DELETE', PATH])
    const err = await rejection(deleteComment({ accessToken: igToken, commentId: COMMENT }, opts))
    expect(err).toMatchObject({ code: 'GRAPH_ERROR', graphCode: 100, graphSubcode: 33, retryable: false })
  })
})

describe('validation before the network', () => {
  test.each([
    ['no commentId', replyToComment, { text: 'hi' }, 'commentId'],
    ['a commentId that is not digits', replyToComment, { commentId: '12/../me', text: 'hi' }, 'commentId'],
    ['a blank text', replyToComment, { commentId: COMMENT, text: ' \n ' }, 'text'],
    ['no text', replyToComment, { commentId: COMMENT }, 'text'],
    ['a number for commentId', hideComment, { commentId: 17 }, 'commentId'],
    ['hide that is not a boolean', hideComment, { commentId: COMMENT, hide: 'yes' }, 'hide'],
    ['an unknown loginType', deleteComment, { commentId: COMMENT, loginType: 'myspace' }, 'loginType'],
    ['an empty appSecret', deleteComment, { commentId: COMMENT, appSecret: '' }, 'appSecret'],
    ['no accessToken', deleteComment, { commentId: COMMENT, accessToken: undefined }, 'accessToken'],
  ])('%s → INVALID_ARGUMENT naming the field', async (_, fn, fields, field) => {
    const err = await rejection(fn({ accessToken: igToken, ...fields }, opts))
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.message.startsWith(`${field}:`)).toBe(true)
    expect(mock.requests).toHaveLength(0)
  })

  test('bad options and a missing request are refused too', async () => {
    await expect(hideComment({ accessToken: igToken, commentId: COMMENT }, { ...opts, timeoutMs: -1 })).rejects.toMatchObject({ message: expect.stringMatching(/^options\.timeoutMs/) })
    await expect(replyToComment(undefined, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(mock.requests).toHaveLength(0)
  })
})

describe('error classes', () => {
  test('token errors: unknown → TOKEN_INVALID, expired → TOKEN_EXPIRED', async () => {
    const unknown = 'IGAAunknown-token-for-comments-0123456789'
    secrets.push(unknown)
    await expect(rejection(hideComment({ accessToken: unknown, commentId: COMMENT }, opts))).resolves.toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190 })
    const expired = mock.tokens.issueLongLived({ loginType: 'instagram', expiresInSec: 1 })
    secrets.push(expired)
    mock.clock.advance(5000)
    await expect(rejection(replyToComment({ accessToken: expired, commentId: COMMENT, text: 'hi' }, opts))).resolves.toMatchObject({ code: 'TOKEN_EXPIRED', graphSubcode: 463 })
  })

  test('a comment on someone else\'s media → PERMISSION_DENIED on every call', async () => {
    mock.comments.set(COMMENT, { foreign: true })
    const req = { accessToken: igToken, commentId: COMMENT }
    for (const call of [() => replyToComment({ ...req, text: 'hi' }, opts), () => hideComment(req, opts), () => deleteComment(req, opts)]) {
      await expect(rejection(call())).resolves.toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 200, httpStatus: 403, retryable: false })
    }
  })

  test('a hidden comment cannot get a public reply: Meta\'s GRAPH_ERROR', async () => {
    mock.comments.set(COMMENT, { hidden: true })
    const err = await rejection(replyToComment({ accessToken: igToken, commentId: COMMENT, text: 'hi' }, opts))
    expect(err).toMatchObject({ code: 'GRAPH_ERROR', graphCode: 100 })
    expect(mock.comments.replies).toHaveLength(0)
  })

  test('a rate limit is retried for every call, the write included (Meta answered: nothing was done)', async () => {
    for (const [fn, extra, method] of [[replyToComment, { text: 'hi' }, 'POST'], [hideComment, {}, 'POST'], [deleteComment, {}, 'DELETE']]) {
      mock.resetLog()
      mock.fail((e) => e.path.startsWith(PATH) && e.method === method, { graphError: { code: 4 }, status: 400 })
      await expect(fn({ accessToken: igToken, commentId: COMMENT, ...extra }, { ...opts, maxRetries: 1 })).resolves.toBeDefined()
      expect(mock.requests).toHaveLength(2)
      mock.comments.clear()
    }
  })

  test('transient Graph errors → GRAPH_TRANSIENT, retryable', async () => {
    mock.fail(PATH, { graphError: { code: 2 }, status: 500 })
    const err = await rejection(hideComment({ accessToken: igToken, commentId: COMMENT }, opts))
    expect(err).toMatchObject({ code: 'GRAPH_TRANSIENT', retryable: true, graphCode: 2 })
  })

  test('writes are not repeated after a timeout or a bare 5xx; hiding (idempotent) is', async () => {
    mock.fail(`${PATH}/replies`, { hang: true })
    const timeout = await rejection(replyToComment({ accessToken: igToken, commentId: COMMENT, text: 'hi' }, { ...opts, timeoutMs: 300, maxRetries: 2 }))
    expect(timeout).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(mock.requestsTo(`${PATH}/replies`)).toHaveLength(1)

    mock.resetLog()
    mock.fail(PATH, { status: 502, body: '' })
    const bare = await rejection(deleteComment({ accessToken: igToken, commentId: COMMENT }, { ...opts, maxRetries: 2 }))
    expect(bare).toMatchObject({ code: 'GRAPH_TRANSIENT', httpStatus: 502 })
    expect(mock.requests).toHaveLength(1)

    mock.resetLog()
    mock.fail(PATH, { status: 502, body: '' })
    await expect(hideComment({ accessToken: igToken, commentId: COMMENT }, { ...opts, maxRetries: 2 })).resolves.toEqual({ commentId: COMMENT, hidden: true })
    expect(mock.requests).toHaveLength(2)
  })

  test('{"success": false} → GRAPH_ERROR without graphCode; an answer without id/success → BAD_RESPONSE', async () => {
    mock.fail(PATH, { status: 200, body: { success: false } })
    const refused = await rejection(hideComment({ accessToken: igToken, commentId: COMMENT }, opts))
    expect(refused).toMatchObject({ code: 'GRAPH_ERROR', retryable: false })
    expect(refused.graphCode).toBeUndefined()
    mock.fail(PATH, { status: 200, body: { ok: true } })
    await expect(rejection(deleteComment({ accessToken: igToken, commentId: COMMENT }, opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
    mock.fail(`${PATH}/replies`, { status: 200, body: { success: true } })
    await expect(rejection(replyToComment({ accessToken: igToken, commentId: COMMENT, text: 'hi' }, opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
  })

  test('an id sent as a bare JSON number above 2^53 stays exact', async () => {
    mock.fail(`${PATH}/replies`, { status: 200, body: '{"id":17900000000000123}' })
    await expect(replyToComment({ accessToken: igToken, commentId: COMMENT, text: 'hi' }, opts)).resolves.toEqual({ id: '17900000000000123' })
  })
})

test('secrets never appear in an error, even when Meta echoes them', async () => {
  mock.fail(PATH, { graphError: { code: 100, message: `bad token ${pageToken} and secret ${mock.appSecret}` }, status: 400 })
  const err = await rejection(hideComment({ accessToken: pageToken, appSecret: mock.appSecret, commentId: COMMENT }, opts))
  expect(err.code).toBe('GRAPH_ERROR')
  expectNoSecrets(secrets)
})
