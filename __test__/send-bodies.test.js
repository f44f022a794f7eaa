'use strict'
// sendMessage: the exact wire body, path, authentication and result of every message kind,
// sender action, reaction, comment reply and HUMAN_AGENT tag; Facebook login with
// appsecret_proof; rateLimit from the usage headers.

const {
  sendMessage,
  MESSAGES_PATH,
  RECIPIENT,
  withSendMock,
  rejection,
  appsecretProof,
  closedPort,
  rememberSecret,
  trackMock,
  startMockGraph,
  expectNoSecretsInErrors,
  expectBearerOnly,
} = require('./helpers/send-fixtures')

const ctx = withSendMock()

const IMG = 'https://cdn.example.com/media/cat.jpg?size=large&v=2'
const DEFAULT_RATE_LIMIT = { appCallCountPct: 1, businessCallCountPct: 1, estimatedTimeToRegainAccessMs: 0 }

/**
 * Sends `req` (with the Instagram token unless given) and asserts: one request, to `path`,
 * POST, JSON content type, the token only as a Bearer header, the exact body; and the result.
 * Returns { result, entry }.
 */
async function sendAndCheck(req, { body, path = MESSAGES_PATH, token, messageId = true } = {}) {
  const accessToken = token ?? req.accessToken ?? ctx.igToken
  const result = await sendMessage({ accessToken, ...req }, ctx.opts)
  const { mock } = ctx
  expect(mock.requests).toHaveLength(1)
  const entry = mock.requests[0]
  expect(entry.method).toBe('POST')
  expect(entry.path).toBe(path)
  expect(entry.headers['content-type']).toMatch(/^application\/json\b/)
  expectBearerOnly(entry, accessToken)
  expect(JSON.parse(entry.rawBody)).toStrictEqual(body)

  expect(mock.sent).toHaveLength(1)
  const sent = mock.sent[0]
  expect(result.recipientId).toBe(sent.recipientId)
  if (messageId) {
    expect(typeof result.messageId).toBe('string')
    expect(result.messageId).toBe(sent.messageId)
  } else {
    expect(result.messageId).toBeUndefined()
  }
  expect(result.rateLimit).toEqual(DEFAULT_RATE_LIMIT)
  return { result, entry }
}

describe('message kinds: exact wire body, path, Bearer header, result', () => {
  test('text → {"message":{"text"}} with messaging_type RESPONSE by default', async () => {
    const { result } = await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { text: 'Hello 👋 — grüße' } },
      { body: { recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { text: 'Hello 👋 — grüße' } } },
    )
    expect(result.recipientId).toBe(RECIPIENT)
    expect(Object.keys(result).sort()).toEqual(['messageId', 'rateLimit', 'recipientId'])
  })

  test('text + quick replies → quick_replies[] with content_type "text"', async () => {
    await sendAndCheck(
      {
        recipient: { id: RECIPIENT },
        message: {
          text: 'Pick one',
          quickReplies: [
            { title: 'Yes', payload: 'ANSWER_YES' },
            { title: 'No 🙅', payload: '{"answer":"no"}' },
          ],
        },
      },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'RESPONSE',
          message: {
            text: 'Pick one',
            quick_replies: [
              { content_type: 'text', title: 'Yes', payload: 'ANSWER_YES' },
              { content_type: 'text', title: 'No 🙅', payload: '{"answer":"no"}' },
            ],
          },
        },
      },
    )
  })

  for (const type of ['image', 'audio', 'video', 'file']) {
    test(`attachment ${type} by url → attachment.payload.url`, async () => {
      const url = `https://cdn.example.com/media/item.${type}?sig=a%2Fb&x=1`
      await sendAndCheck(
        { recipient: { id: RECIPIENT }, message: { attachment: { type, url } } },
        { body: { recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { attachment: { type, payload: { url } } } } },
      )
    })

    test(`attachment ${type} by attachmentId → attachment.payload.attachment_id`, async () => {
      await sendAndCheck(
        { recipient: { id: RECIPIENT }, message: { attachment: { type, attachmentId: '1857777774821032' } } },
        {
          body: {
            recipient: { id: RECIPIENT },
            messaging_type: 'RESPONSE',
            message: { attachment: { type, payload: { attachment_id: '1857777774821032' } } },
          },
        },
      )
    })
  }

  test('several images → message.attachments[] of image payloads, in order', async () => {
    const urls = ['https://a.example.com/1.jpg', 'https://b.example.com/2.png', 'http://c.example.com/3.gif']
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { images: urls } },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'RESPONSE',
          message: { attachments: urls.map((url) => ({ type: 'image', payload: { url } })) },
        },
      },
    )
  })

  test('images with one URL → a single message.attachment (documented decision)', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { images: [IMG] } },
      { body: { recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: { url: IMG } } } } },
    )
  })

  test('sticker like_heart → {"attachment":{"type":"like_heart"}} without payload', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { sticker: 'like_heart' } },
      { body: { recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { attachment: { type: 'like_heart' } } } },
    )
  })

  test('media share → {"type":"MEDIA_SHARE","payload":{"id"}}', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { mediaShare: { postId: '17895695668004550' } } },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'RESPONSE',
          message: { attachment: { type: 'MEDIA_SHARE', payload: { id: '17895695668004550' } } },
        },
      },
    )
  })

  test('generic template with web_url and postback buttons and a default action', async () => {
    await sendAndCheck(
      {
        recipient: { id: RECIPIENT },
        message: {
          genericTemplate: {
            elements: [
              {
                title: 'Red sneakers',
                subtitle: 'Size 42 · €89',
                imageUrl: 'https://shop.example.com/img/red.jpg',
                defaultActionUrl: 'https://shop.example.com/p/red',
                buttons: [
                  { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/red?ref=ig' },
                  { type: 'postback', title: 'Buy', payload: 'BUY_RED_42' },
                ],
              },
              { title: 'Blue sneakers' },
            ],
          },
        },
      },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'RESPONSE',
          message: {
            attachment: {
              type: 'template',
              payload: {
                template_type: 'generic',
                elements: [
                  {
                    title: 'Red sneakers',
                    subtitle: 'Size 42 · €89',
                    image_url: 'https://shop.example.com/img/red.jpg',
                    default_action: { type: 'web_url', url: 'https://shop.example.com/p/red' },
                    buttons: [
                      { type: 'web_url', url: 'https://shop.example.com/p/red?ref=ig', title: 'View' },
                      { type: 'postback', title: 'Buy', payload: 'BUY_RED_42' },
                    ],
                  },
                  { title: 'Blue sneakers' },
                ],
              },
            },
          },
        },
      },
    )
  })

  test('button template → template_type "button" with text and buttons', async () => {
    await sendAndCheck(
      {
        recipient: { id: RECIPIENT },
        message: {
          buttonTemplate: {
            text: 'What do you want to do?',
            buttons: [
              { type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
              { type: 'web_url', title: 'Open the shop', url: 'https://shop.example.com/' },
            ],
          },
        },
      },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'RESPONSE',
          message: {
            attachment: {
              type: 'template',
              payload: {
                template_type: 'button',
                text: 'What do you want to do?',
                buttons: [
                  { type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
                  { type: 'web_url', url: 'https://shop.example.com/', title: 'Open the shop' },
                ],
              },
            },
          },
        },
      },
    )
  })
})

describe('sender actions, reactions, comment replies, tags', () => {
  for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
    test(`senderAction ${action} → {"sender_action":"${action}"}; result without messageId`, async () => {
      const { result } = await sendAndCheck(
        { recipient: { id: RECIPIENT }, senderAction: action },
        { body: { recipient: { id: RECIPIENT }, sender_action: action }, messageId: false },
      )
      expect(result.recipientId).toBe(RECIPIENT)
      expect(ctx.mock.sent[0].senderAction).toBe(action)
    })
  }

  test('reaction → sender_action "react" with payload {message_id, reaction}', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, reaction: { messageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3', reaction: 'love' } },
      {
        body: {
          recipient: { id: RECIPIENT },
          sender_action: 'react',
          payload: { message_id: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3', reaction: 'love' },
        },
        messageId: false,
      },
    )
  })

  test('reaction without `reaction` → sender_action "unreact" with payload {message_id} only', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, reaction: { messageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3' } },
      {
        body: { recipient: { id: RECIPIENT }, sender_action: 'unreact', payload: { message_id: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3' } },
        messageId: false,
      },
    )
  })

  test('comment reply → recipient {"comment_id"}; recipientId is the one Meta answers', async () => {
    const commentId = '17858893269000001'
    const { result } = await sendAndCheck(
      { recipient: { commentId }, message: { text: 'Thanks! Check your DMs.' } },
      { body: { recipient: { comment_id: commentId }, messaging_type: 'RESPONSE', message: { text: 'Thanks! Check your DMs.' } } },
    )
    expect(result.recipientId).toMatch(/^\d+$/)
    expect(result.recipientId).not.toBe(commentId)
  })

  test('HUMAN_AGENT → "messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT"', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { text: 'A person here.' }, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
      {
        body: {
          recipient: { id: RECIPIENT },
          messaging_type: 'MESSAGE_TAG',
          tag: 'HUMAN_AGENT',
          message: { text: 'A person here.' },
        },
      },
    )
  })

  test('messagingType UPDATE is sent as given', async () => {
    await sendAndCheck(
      { recipient: { id: RECIPIENT }, message: { text: 'Your order shipped' }, messagingType: 'UPDATE' },
      { body: { recipient: { id: RECIPIENT }, messaging_type: 'UPDATE', message: { text: 'Your order shipped' } } },
    )
  })

  test('an explicit accountId → POST /v24.0/{accountId}/messages', async () => {
    const accountId = ctx.mock.account.userId
    await sendAndCheck(
      { accountId, recipient: { id: RECIPIENT }, message: { text: 'hi' } },
      { path: `/v24.0/${accountId}/messages`, body: { recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { text: 'hi' } } },
    )
    expect(ctx.mock.sent[0].accountId).toBe(accountId)
  })

  test('a recipient_id answered as a bare JSON number above 2^53 stays exact', async () => {
    ctx.mock.fail(MESSAGES_PATH, { status: 200, body: '{"recipient_id":17841405793187218,"message_id":"aWdfbWlkOjE="}' })
    const r = await sendMessage({ accessToken: ctx.igToken, recipient: { id: '17841405793187218' }, message: { text: 'big' } }, ctx.opts)
    expect(r.recipientId).toBe('17841405793187218')
    expect(r.messageId).toBe('aWdfbWlkOjE=')
  })

  test('a trailing "/" on the base URL does not give "//" in the path', async () => {
    const r = await sendMessage(
      { accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'x' } },
      { instagramUrl: `${ctx.mock.url}/`, facebookUrl: `${ctx.mock.url}/` },
    )
    expect(r.recipientId).toBe(RECIPIENT)
    expect(ctx.mock.requests.map((e) => e.path)).toEqual([MESSAGES_PATH])
  })
})

describe('login routing and appsecret_proof', () => {
  test('an IGAA… token goes to instagramUrl (facebookUrl is dead)', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const r = await sendMessage(
      { accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'ig' } },
      { instagramUrl: ctx.mock.url, facebookUrl: dead, maxRetries: 0 },
    )
    expect(r.recipientId).toBe(RECIPIENT)
    expect(ctx.mock.requests).toHaveLength(1)
    expect(ctx.mock.requests[0].query).toEqual({})
  })

  test('an EAA… page token with appSecret goes to facebookUrl with appsecret_proof = hex HMAC-SHA256(token, appSecret)', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const pageId = ctx.mock.pages[0].id
    const token = ctx.fbToken
    expect(token.startsWith('EAA')).toBe(true)
    const r = await sendMessage(
      { accessToken: token, appSecret: ctx.appSecret, accountId: pageId, recipient: { id: RECIPIENT }, message: { text: 'fb' } },
      { instagramUrl: dead, facebookUrl: ctx.mock.url, maxRetries: 0 },
    )
    const entry = ctx.mock.requests[0]
    expect(ctx.mock.requests).toHaveLength(1)
    expect(entry.path).toBe(`/v24.0/${pageId}/messages`)
    const proof = appsecretProof(token, ctx.appSecret)
    expect(proof).toMatch(/^[0-9a-f]{64}$/)
    expect(entry.query).toEqual({ appsecret_proof: proof })
    expectBearerOnly(entry, token)
    expect(JSON.parse(entry.rawBody)).toStrictEqual({ recipient: { id: RECIPIENT }, messaging_type: 'RESPONSE', message: { text: 'fb' } })
    // the mock checked the proof and accepted the send
    expect(ctx.mock.sent).toHaveLength(1)
    expect(r).toEqual({ recipientId: RECIPIENT, messageId: ctx.mock.sent[0].messageId, rateLimit: DEFAULT_RATE_LIMIT })
  })

  test('a mock that requires appsecret_proof accepts the addon\'s proof (and refuses a wrong secret)', async () => {
    const strict = trackMock(await startMockGraph({ requireAppsecretProof: true, appSecret: 'strict-secret-0b1c2d3e4f' }))
    try {
      const token = strict.tokens.issuePageToken({ pageId: strict.pages[0].id })
      const opts = { instagramUrl: strict.url, facebookUrl: strict.url, maxRetries: 0 }
      const ok = await sendMessage({ accessToken: token, appSecret: strict.appSecret, recipient: { id: RECIPIENT }, message: { text: 'ok' } }, opts)
      expect(ok.recipientId).toBe(RECIPIENT)
      expect(strict.requests[0].query.appsecret_proof).toBe(appsecretProof(token, strict.appSecret))
      const wrong = rememberSecret('not-the-app-secret-77aa')
      const err = await rejection(() => sendMessage({ accessToken: token, appSecret: wrong, recipient: { id: RECIPIENT }, message: { text: 'no' } }, opts))
      expect(err.code).toBe('GRAPH_ERROR')
      expect(err.graphCode).toBe(100)
      expect(strict.requests[1].query.appsecret_proof).toBe(appsecretProof(token, wrong))
      expect(strict.sent).toHaveLength(1)
    } finally {
      await strict.close()
    }
  })

  test('an instagram token with appSecret carries no appsecret_proof', async () => {
    await sendMessage({ accessToken: ctx.igToken, appSecret: ctx.appSecret, recipient: { id: RECIPIENT }, message: { text: 'x' } }, ctx.opts)
    expect(ctx.mock.requests[0].query.appsecret_proof).toBeUndefined()
  })
})

describe('rateLimit from the usage headers', () => {
  const send = () => sendMessage({ accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'usage' } }, ctx.opts)

  test('x-app-usage call_count → appCallCountPct; business call_count and regain minutes × 60000', async () => {
    ctx.mock.usage.set({ style: 'call_count', appCallCount: 28, businessCallCount: 77, estimatedTimeToRegainAccess: 19 })
    const r = await send()
    expect(r.rateLimit).toEqual({ appCallCountPct: 28, businessCallCountPct: 77, estimatedTimeToRegainAccessMs: 19 * 60000 })
  })

  test('x-app-usage call_volume spelling (graph.instagram.com) → appCallCountPct', async () => {
    ctx.mock.usage.set({ style: 'call_volume', appCallCount: 42, businessCallCount: 5, estimatedTimeToRegainAccess: 1 })
    const r = await send()
    expect(r.rateLimit).toEqual({ appCallCountPct: 42, businessCallCountPct: 5, estimatedTimeToRegainAccessMs: 60000 })
  })

  test('only x-app-usage → businessCallCountPct absent', async () => {
    ctx.mock.usage.set({ appCallCount: 3, businessUsage: false })
    const r = await send()
    expect(r.rateLimit.appCallCountPct).toBe(3)
    expect(r.rateLimit.businessCallCountPct).toBeUndefined()
  })

  test('no usage headers → no rateLimit', async () => {
    ctx.mock.usage.set({ appUsage: false, businessUsage: false })
    const r = await send()
    expect(r.rateLimit).toBeUndefined()
  })
})

describe('secrets', () => {
  test('no error of this file contains an access token or app secret', () => {
    expect(expectNoSecretsInErrors()).toBeGreaterThanOrEqual(1)
  })
})
