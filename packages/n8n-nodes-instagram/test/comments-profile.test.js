'use strict'
// The Instagram node's comment operations (reply publicly, hide, unhide, delete) and User: Get
// Profile, with a fake IExecuteFunctions against the mock Graph server and the real addon, on
// both login flavours; the node description keeps them usable as AI-agent tools.

const { node, nodeSuite, runNode, afterHook, pageTokenStore } = require('./helpers/node-suite')
const { NodeApiError, NodeOperationError } = require('n8n-workflow')

const USER = '1254477777772919'
const COMMENT = '17858893269000001'

let mock
let store
nodeSuite((s) => ({ mock, store } = s))
beforeEach(() => {
  mock.profiles.set(USER, { name: 'Ana B', username: 'ana.b', followerCount: 12, userFollowsBusiness: true, businessFollowsUser: false })
})

const run = (params, opts) => runNode(store, params, opts)

/** The requests after the credential hook and the /me lookup. */
const calls = () => afterHook(mock)

describe('comment operations (Instagram login)', () => {
  test('reply publicly: POST /{commentId}/replies with the text; the item is { id }', async () => {
    const out = await run({ resource: 'comment', operation: 'reply', commentId: COMMENT, text: 'Thanks! 🙏' })
    expect(out[0]).toEqual([{ json: { id: mock.comments.replies[0].id }, pairedItem: { item: 0 } }])
    const [post] = calls()
    expect([post.method, post.path, post.body]).toEqual(['POST', `/v24.0/${COMMENT}/replies`, { message: 'Thanks! 🙏' }])
    expect(post.headers.authorization).toBe(`Bearer ${store.read().accessToken}`)
  })

  test('hide, unhide, delete: one call each, the state in the item', async () => {
    const ops = ['hide', 'unhide', 'delete']
    const params = ops.map((operation) => ({ resource: 'comment', operation, commentId: COMMENT }))
    const items = []
    for (const p of params) items.push(...(await run(p))[0])
    expect(items.map((i) => i.json)).toEqual([
      { commentId: COMMENT, hidden: true },
      { commentId: COMMENT, hidden: false },
      { commentId: COMMENT, deleted: true },
    ])
    expect(calls().map((e) => [e.method, e.body])).toEqual([['POST', { hide: true }], ['POST', { hide: false }], ['DELETE', undefined]])
  })

  test('Meta refuses (a comment on someone else\'s media): NodeApiError PERMISSION_DENIED; continueOnFail gives an error item', async () => {
    mock.comments.set(COMMENT, { foreign: true })
    const err = await run({ resource: 'comment', operation: 'delete', commentId: COMMENT }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeApiError)
    expect(err.context).toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 200, itemIndex: 0 })
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(store.read().accessToken)
    const out = await run({ resource: 'comment', operation: 'hide', commentId: COMMENT }, { continueOnFail: true })
    expect(out[0][0].json).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false })
  })

  test('invalid input (a blank public reply): NodeOperationError INVALID_ARGUMENT, nothing posted', async () => {
    const err = await run({ resource: 'comment', operation: 'reply', commentId: COMMENT, text: '   ' }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(calls()).toHaveLength(0)
  })
})

describe('User: Get Profile', () => {
  test('the profile of a person who wrote', async () => {
    const out = await run({ resource: 'user', operation: 'getProfile', userId: USER })
    expect(out[0]).toEqual([
      { json: { id: USER, name: 'Ana B', username: 'ana.b', followerCount: 12, userFollowsAccount: true, accountFollowsUser: false }, pairedItem: { item: 0 } },
    ])
    expect(calls().map((e) => `${e.method} ${e.path}`)).toEqual([`GET /v24.0/${USER}`])
  })

  test('no consent: PERMISSION_DENIED', async () => {
    const err = await run({ resource: 'user', operation: 'getProfile', userId: '999' }).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 230 })
  })
})

test('Facebook login with a page token: the page token and appsecret_proof on comment and profile calls', async () => {
  const fb = pageTokenStore(mock)
  store = fb.store
  const { token } = fb
  await run({ resource: 'comment', operation: 'hide', commentId: COMMENT })
  await run({ resource: 'user', operation: 'getProfile', userId: USER })
  const used = calls().filter((e) => e.path === `/v24.0/${COMMENT}` || e.path === `/v24.0/${USER}`)
  expect(used).toHaveLength(2)
  for (const e of used) {
    expect(e.headers.authorization).toBe(`Bearer ${token}`)
    expect(e.query.appsecret_proof).toBe(mock.appsecretProof(token))
  }
})

test('usable as an AI tool: every new operation has an action', () => {
  expect(node.description.usableAsTool).toBe(true)
  const ops = node.description.properties.filter((p) => p.name === 'operation').flatMap((p) => p.options.map((o) => [p.displayOptions.show.resource[0], o.value, o.action]))
  for (const [resource, value] of [['comment', 'reply'], ['comment', 'hide'], ['comment', 'unhide'], ['comment', 'delete'], ['user', 'getProfile']]) {
    const found = ops.find(([r, v]) => r === resource && v === value)
    expect(found && typeof found[2]).toBe('string')
  }
})
