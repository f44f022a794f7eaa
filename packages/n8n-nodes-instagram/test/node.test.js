'use strict'
// The Instagram node's execute() with a fake IExecuteFunctions, against the mock Graph server
// and the real addon: GET /v24.0/me through httpRequestWithAuthentication first (the credential
// hook runs and persists), then sendMessage. One test per operation checks the exact body
// the mock received.

const { Instagram, InstagramNativeApi, startMockGraph } = require('./helpers/load')
const { nodeSuite } = require('./helpers/node-suite')
const { createCredentialStore, executeContext, firstConnectStore } = require('./helpers/fake-n8n')
const { NodeApiError, NodeOperationError } = require('n8n-workflow')

const USER = '1254477777772919'
const MID = 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3'
const node = new Instagram()
const credentialType = new InstagramNativeApi()

let mock
let store
nodeSuite((s) => ({ mock, store } = s))

const messagesPath = () => `/v24.0/${mock.account.userId}/messages`

async function run(params, opts = {}) {
  const ctx = executeContext(node, { store, params, ...opts })
  const out = await node.execute.call(ctx)
  return { out, ctx }
}

/** Runs one item with `params`; checks the /me call, the one POST and its body; returns the item. */
async function sendAndCheck(params, body) {
  const { out } = await run(params)
  const token = store.read().accessToken
  expect(mock.tokens.get(token)).toMatchObject({ kind: 'long' })

  const paths = mock.requests.map((e) => `${e.method} ${e.path}`)
  expect(paths).toEqual(['GET /access_token', 'GET /v24.0/me', `POST ${messagesPath()}`])
  const post = mock.requests[2]
  expect(post.headers.authorization).toBe(`Bearer ${token}`)
  expect(JSON.parse(post.rawBody)).toStrictEqual(body)

  expect(out).toHaveLength(1)
  expect(out[0]).toHaveLength(1)
  const item = out[0][0]
  expect(item.pairedItem).toEqual({ item: 0 })
  expect(item.json.accountId).toBe(mock.account.userId)
  expect(item.json.recipientId).toBe(mock.sent[0].recipientId)
  return item
}

describe('one test per message kind: the body Meta receives', () => {
  test('text', async () => {
    const item = await sendAndCheck(
      { resource: 'message', operation: 'sendText', recipientId: USER, text: 'Hello 👋' },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { text: 'Hello 👋' } },
    )
    expect(item.json.messageId).toBe(mock.sent[0].messageId)
  })

  test('text + quick replies', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendQuickReplies', recipientId: USER, text: 'Pick one', quickReplies: { reply: [{ title: 'Hours', payload: 'HOURS' }, { title: 'Human', payload: 'HUMAN' }] } },
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: {
          text: 'Pick one',
          quick_replies: [
            { content_type: 'text', title: 'Hours', payload: 'HOURS' },
            { content_type: 'text', title: 'Human', payload: 'HUMAN' },
          ],
        },
      },
    )
  })

  test('attachment by URL', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendMedia', recipientId: USER, mediaType: 'video', attachmentSource: 'url', attachmentUrl: 'https://example.com/a.mp4' },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { attachment: { type: 'video', payload: { url: 'https://example.com/a.mp4' } } } },
    )
  })

  test('attachment by uploaded attachment id', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendMedia', recipientId: USER, mediaType: 'file', attachmentSource: 'attachmentId', attachmentId: '1857777774821032' },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { attachment: { type: 'file', payload: { attachment_id: '1857777774821032' } } } },
    )
  })

  test('images', async () => {
    const urls = ['https://example.com/1.jpg', 'https://example.com/2.jpg']
    await sendAndCheck(
      { resource: 'message', operation: 'sendMedia', mediaType: 'images', recipientId: USER, images: { image: urls.map((url) => ({ url })) } },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { attachments: urls.map((url) => ({ type: 'image', payload: { url } })) } },
    )
  })

  test('sticker', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendMedia', mediaType: 'sticker', recipientId: USER },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { attachment: { type: 'like_heart' } } },
    )
  })

  test('media share', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendMedia', mediaType: 'mediaShare', recipientId: USER, postId: '17895695668004550' },
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { attachment: { type: 'MEDIA_SHARE', payload: { id: '17895695668004550' } } } },
    )
  })

  test('generic template (elements as JSON text, as the UI gives them)', async () => {
    const elements = [
      {
        title: 'Blue shirt',
        subtitle: 'CHF 39',
        imageUrl: 'https://example.com/s.jpg',
        defaultActionUrl: 'https://example.com/p/s',
        buttons: [
          { type: 'postback', title: 'Buy', payload: 'BUY_1' },
          { type: 'web_url', title: 'View', url: 'https://example.com/p/s?ref=ig' },
        ],
      },
      { title: 'Red shirt' },
    ]
    await sendAndCheck(
      { resource: 'message', operation: 'sendTemplate', templateType: 'generic', recipientId: USER, elements: JSON.stringify(elements) },
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              elements: [
                {
                  title: 'Blue shirt',
                  subtitle: 'CHF 39',
                  image_url: 'https://example.com/s.jpg',
                  default_action: { type: 'web_url', url: 'https://example.com/p/s' },
                  buttons: [
                    { type: 'postback', title: 'Buy', payload: 'BUY_1' },
                    { type: 'web_url', url: 'https://example.com/p/s?ref=ig', title: 'View' },
                  ],
                },
                { title: 'Red shirt' },
              ],
            },
          },
        },
      },
    )
  })

  test('button template', async () => {
    await sendAndCheck(
      {
        resource: 'message', operation: 'sendTemplate', templateType: 'button',
        recipientId: USER,
        templateText: 'Need help?',
        buttons: { button: [{ type: 'web_url', title: 'FAQ', url: 'https://example.com/faq' }, { type: 'postback', title: 'Agent', payload: 'AGENT' }] },
      },
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 'Need help?',
              buttons: [
                { type: 'web_url', url: 'https://example.com/faq', title: 'FAQ' },
                { type: 'postback', title: 'Agent', payload: 'AGENT' },
              ],
            },
          },
        },
      },
    )
  })

  test('sender action', async () => {
    const item = await sendAndCheck({ resource: 'message', operation: 'senderAction', recipientId: USER, senderAction: 'mark_seen' }, { recipient: { id: USER }, sender_action: 'mark_seen' })
    expect(item.json.messageId).toBeUndefined()
  })

  test('reaction', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'react', recipientId: USER, messageId: MID, reaction: 'love' },
      { recipient: { id: USER }, sender_action: 'react', payload: { message_id: MID, reaction: 'love' } },
    )
  })

  test('unreact', async () => {
    await sendAndCheck({ resource: 'message', operation: 'react', recipientId: USER, messageId: MID, reaction: '' }, { recipient: { id: USER }, sender_action: 'unreact', payload: { message_id: MID } })
  })

  test('comment reply (private reply)', async () => {
    const commentId = '17858893269000001'
    const item = await sendAndCheck(
      { resource: 'comment', operation: 'privateReply', commentId, text: 'Thanks! Check your DMs.' },
      { recipient: { comment_id: commentId }, messaging_type: 'RESPONSE', message: { text: 'Thanks! Check your DMs.' } },
    )
    expect(item.json.recipientId).toMatch(/^\d+$/)
  })

  test('human agent tag', async () => {
    await sendAndCheck(
      { resource: 'message', operation: 'sendText', humanAgent: true, recipientId: USER, text: 'A person here.' },
      { recipient: { id: USER }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'A person here.' } },
    )
  })
})

describe('Split Long Text', () => {
  const paragraph = (n) => `Part ${n}: ` + 'The quick brown fox jumps over the lazy dog. '.repeat(16).trim()
  const long = [1, 2, 3].map(paragraph)

  test('on: a text over 1000 bytes is sent as parts, in order; the item lists them', async () => {
    const { out } = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: long.join('\n'), splitLongText: true })
    expect(mock.sent.map((s) => s.body.message.text)).toEqual(long)
    const item = out[0][0].json
    expect(item.parts).toEqual(mock.sent.map((s) => ({ text: s.body.message.text, messageId: s.messageId })))
    expect(item.messageId).toBe(mock.sent[2].messageId)
  })

  test('off (the default): the same text is INVALID_ARGUMENT, nothing posted', async () => {
    const err = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: long.join('\n') }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(mock.requestsTo(messagesPath())).toHaveLength(0)
  })
})

describe('items, the account call, errors', () => {
  test('three items: one /me call, three sends in order, each output paired with its item', async () => {
    const params = ['one', 'two', 'three'].map((text) => ({ resource: 'message', operation: 'sendText', recipientId: USER, text }))
    const { out } = await run(params, { items: params.map(() => ({ json: {} })) })
    expect(mock.requestsTo('/v24.0/me')).toHaveLength(1)
    expect(mock.sent.map((s) => s.body.message.text)).toEqual(['one', 'two', 'three'])
    expect(out[0].map((i) => i.pairedItem.item)).toEqual([0, 1, 2])
  })

  test('an account id above 2^53 sent as a bare JSON number by /me stays exact', async () => {
    // a mock of its own (the suite's is closed after each test)
    mock = await startMockGraph({ now: Date.now(), appSecret: 'test-app-secret', account: { userId: '17841400000000123', userIdAsNumber: true } })
    try {
      store = firstConnectStore(credentialType, mock)
      const { out } = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'hi' })
      // the mock really answers a bare number (JSON.parse would round it)
      const raw = await (await fetch(`${mock.url}/v24.0/me?fields=user_id`, { headers: { authorization: `Bearer ${store.read().accessToken}` } })).text()
      expect(raw).toContain('"user_id":17841400000000123')
      expect(String(JSON.parse(raw).user_id)).not.toBe('17841400000000123')
      expect(out[0][0].json.accountId).toBe('17841400000000123')
      expect(mock.requestsTo('/v24.0/17841400000000123/messages')).toHaveLength(1)
    } finally {
      await mock.close()
    }
  })

  test('Meta refuses (outside the 24 h window): NodeApiError with the addon code and HTTP status', async () => {
    mock.recipients.set(USER, { windowClosed: true })
    const err = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'late' }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeApiError)
    expect(err.context.code).toBe('OUTSIDE_MESSAGING_WINDOW')
    expect(err.context.itemIndex).toBe(0)
    expect(err.httpCode).toBe('403')
    expect(err.context).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW', graphCode: 10, graphSubcode: 2534022, httpStatus: 403 })
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(store.read().accessToken)
  })

  test('invalid input: NodeOperationError INVALID_ARGUMENT, nothing posted', async () => {
    const reply = { title: 'x', payload: 'X' }
    const err = await run({ resource: 'message', operation: 'sendQuickReplies', recipientId: USER, text: 'hi', quickReplies: { reply: Array(14).fill(reply) } }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(err.message).toMatch(/quickReplies\[13\]/)
    expect(mock.requestsTo(messagesPath())).toHaveLength(0)
  })

  test('continueOnFail: the failing item becomes an error item with its code, the others are sent', async () => {
    const late = '1254477777779999'
    mock.recipients.set(late, { windowClosed: true })
    const params = [
      { resource: 'message', operation: 'sendText', recipientId: USER, text: 'a' },
      { resource: 'message', operation: 'sendText', recipientId: late, text: 'b' },
      { resource: 'message', operation: 'sendText', recipientId: USER, text: 'c' },
    ]
    const { out } = await run(params, { items: params.map(() => ({ json: {} })), continueOnFail: true })
    expect(out[0]).toHaveLength(3)
    expect(out[0][0].json.messageId).toBeDefined()
    expect(out[0][1].json).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW', retryable: false, httpStatus: 403 })
    expect(typeof out[0][1].json.error).toBe('string')
    expect(out[0][1].pairedItem).toEqual({ item: 1 })
    expect(out[0][2].json.messageId).toBeDefined()
  })

  test('an expired credential: the hook fails, TOKEN_EXPIRED reaches the node (no send); continueOnFail gives error items', async () => {
    // a stored token whose expiry has passed (set 61 days back; the addon reads the system clock)
    const day = 24 * 3600e3
    const stored = JSON.parse(store.raw)
    Object.assign(stored, {
      oauthAccessToken: '',
      accessToken: mock.tokens.issueLongLived({ issuedAt: Date.now() - 61 * day }),
      accessTokenIssuedAt: Date.now() - 61 * day,
      accessTokenExpiresAt: Date.now() - day,
    })
    store = createCredentialStore(credentialType, stored)
    const err = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'hi' }).catch((e) => e)
    expect(err.context.code).toBe('TOKEN_EXPIRED')
    expect(mock.requests).toHaveLength(0)

    const { out } = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'hi' }, { continueOnFail: true })
    expect(out[0]).toEqual([{ json: expect.objectContaining({ code: 'TOKEN_EXPIRED' }), pairedItem: { item: 0 } }])
  })

  test('queue mode: another process refreshed the token read (Meta revoked it) and stores its own later: the node waits for it and sends with it', async () => {
    const day = 24 * 3600e3
    await fetch(`${mock.url}/__mock/refresh-model`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"new-revoke"}' })
    const t0 = mock.tokens.issueLongLived({ issuedAt: Date.now() - 54 * day }) // inside the refresh window
    store = createCredentialStore(credentialType, { ...JSON.parse(store.raw), oauthAccessToken: '', accessToken: t0, accessTokenIssuedAt: Date.now() - 54 * day, accessTokenExpiresAt: Date.now() + 6 * day })
    // the other process: its refresh revokes t0 at Meta; its write lands 300 ms later
    const t1 = (await (await fetch(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${t0}`)).json()).access_token
    expect(mock.tokens.isValid(t0)).toBe(false)
    setTimeout(() => store.write({ accessToken: t1, accessTokenIssuedAt: Date.now(), accessTokenExpiresAt: Date.now() + 60 * day }), 300)

    const { out } = await run({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'hi' })
    expect(out[0][0].json.messageId).toBeDefined()
    expect(mock.requestsTo('/refresh_access_token')).toHaveLength(2) // the other process's, then this one's (refused)
    const sends = mock.requestsTo(messagesPath())
    expect(sends).toHaveLength(1)
    expect(sends[0].headers.authorization).toBe(`Bearer ${t1}`)
    expect(store.read().accessToken).toBe(t1)
  })
})
