'use strict'
// getMessages against the mock Graph server (docs/API-beyond-dms.md, "Conversation context"):
// the field expansion and its per-message fallback (bounded at 22 requests), the userId form and
// `direction`, newest-first sorting, attachment mapping, BAD_RESPONSE rules, validation, both
// login flavours, the retry class, and no secret in any URL or error.
const { getMessages } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const T0 = Date.parse('2026-11-30T12:00:00Z')
const MINUTE = 60 * 1000
const ANA = '1254477777772919'
const FIELDS = 'id,created_time,from,to,message,attachments,shares,story'
const { rejection, expectNoSecrets } = errorCollector()
const secrets = []

let mock
let opts
let igToken
let pageToken
let anaConversation
graphSuite(
  {
    appSecret: 'history-app-secret-value',
    now: T0,
    secrets,
    reset: (m) => {
      m.conversations.seed()
      anaConversation = m.conversations.ids()[0]
    },
  },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

const at = (minutesAgo) => T0 - minutesAgo * MINUTE
const detailRequests = () => mock.requests.filter((r) => r.path !== '/v24.0/me/conversations')

describe('by conversationId', () => {
  test('one request with the field expansion; newest first; every attachment kind mapped', async () => {
    const r = await getMessages({ accessToken: igToken, conversationId: anaConversation }, opts)
    expect(mock.requests).toHaveLength(1)
    const [req] = mock.requests
    expect([req.method, req.path, req.query]).toEqual(['GET', `/v24.0/${anaConversation}`, { fields: `messages.limit(20){${FIELDS}}` }])
    expect(req.headers.authorization).toBe(`Bearer ${igToken}`)
    expect(r.conversationId).toBe(anaConversation)
    expect(r.messages).toHaveLength(11)
    expect(r.messages.map((m) => m.createdAt)).toEqual([60, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180].map(at))
    const byTime = Object.fromEntries(r.messages.map((m) => [(T0 - m.createdAt) / MINUTE, m]))
    expect(byTime[60]).toEqual({
      id: expect.any(String), createdAt: at(60), senderId: mock.account.userId, senderUsername: 'mock_business', recipientId: ANA, text: 'Anything else?',
    })
    expect(byTime[180]).toMatchObject({ senderId: ANA, senderUsername: 'ana.b', recipientId: mock.account.userId, text: 'Hi! Do you ship to Lisbon?' })
    expect(byTime[180].direction).toBeUndefined()
    const mapped = [160, 150, 140, 130, 120, 110, 100, 90].map((k) => byTime[k].attachments)
    expect(mapped).toEqual([
      [{ type: 'image', url: 'https://mock.invalid/cdn/photo.jpg' }],
      [{ type: 'video', url: 'https://mock.invalid/cdn/clip.mp4' }],
      [{ type: 'audio', url: 'https://mock.invalid/cdn/voice.mp4' }],
      [{ type: 'file', url: 'https://mock.invalid/cdn/invoice.pdf' }],
      [{ type: 'share', url: 'https://www.instagram.com/p/MOCKPOST1/' }],
      [{ type: 'story', url: 'https://mock.invalid/cdn/story-mention.jpg' }],
      [{ type: 'story', url: 'https://mock.invalid/cdn/story-reply.jpg' }],
      [{ type: 'unknown' }],
    ])
    // attachment-only messages have no text; a story reply keeps its text
    expect(byTime[160].text).toBeUndefined()
    expect(byTime[100].text).toBe('Love this one!')
  })

  test('limit: the newest n, asked of Meta as messages.limit(n)', async () => {
    const r = await getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 2 }, opts)
    expect(r.messages.map((m) => m.text)).toEqual(['Anything else?', undefined])
    expect(mock.requests[0].query.fields).toBe(`messages.limit(2){${FIELDS}}`)
  })

  test('sorted newest first whatever Meta\'s order; equal times keep Meta\'s order', async () => {
    const msg = (id, created_time) => ({ id, created_time, from: { id: ANA } })
    mock.fail(`/v24.0/${anaConversation}`, {
      status: 200,
      body: {
        messages: {
          data: [
            msg('old', '2026-11-30T09:00:00+0000'), msg('tieA', '2026-11-30T10:00:00+0000'), msg('new', 1796036400),
            msg('tieB', '2026-11-30T10:00:00Z'), msg('tieC', 1796032800000),
          ],
        },
      },
    })
    const r = await getMessages({ accessToken: igToken, conversationId: anaConversation }, opts)
    expect(r.messages.map((m) => m.id)).toEqual(['new', 'tieA', 'tieB', 'tieC', 'old'])
  })

  test('a conversation without messages (Meta leaves the edge out) is an empty list', async () => {
    mock.fail(`/v24.0/${anaConversation}`, { status: 200, body: { id: anaConversation } })
    await expect(getMessages({ accessToken: igToken, conversationId: anaConversation }, opts)).resolves.toEqual({ conversationId: anaConversation, messages: [] })
  })

  test.each([
    ['a message without id', { created_time: 1, from: { id: ANA } }],
    ['a message without created_time (also when read by id)', { id: 'm1', from: { id: ANA } }],
    ['an unreadable created_time', { id: 'm1', created_time: 'noon', from: { id: ANA } }],
  ])('%s → BAD_RESPONSE', async (_, message) => {
    mock.fail(`/v24.0/${anaConversation}`, { status: 200, body: { messages: { data: [message] } } })
    mock.fail('/v24.0/m1', { status: 200, body: { id: 'm1', from: { id: ANA } } })
    const err = await rejection(getMessages({ accessToken: igToken, conversationId: anaConversation }, opts))
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', retryable: false })
  })

  test('an opaque id is percent-encoded in the path', async () => {
    mock.fail(() => true, { status: 200, body: { messages: { data: [] } } })
    await getMessages({ accessToken: igToken, conversationId: 'a{b}"c' }, opts)
    expect(mock.requests[0].path).toBe('/v24.0/a%7Bb%7D%22c')
  })
})

describe('by userId', () => {
  test('finds the conversation first, then reads it; direction from the person\'s side', async () => {
    const r = await getMessages({ accessToken: igToken, userId: ANA, limit: 3 }, opts)
    expect(mock.requests.map((q) => [q.path, q.query])).toEqual([
      ['/v24.0/me/conversations', { platform: 'instagram', user_id: ANA, fields: 'id' }],
      [`/v24.0/${anaConversation}`, { fields: `messages.limit(3){${FIELDS}}` }],
    ])
    expect(r.conversationId).toBe(anaConversation)
    expect(r.messages.map((m) => [m.senderId, m.direction])).toEqual([
      [mock.account.userId, 'outgoing'], [ANA, 'incoming'], [ANA, 'incoming'],
    ])
  })

  test('no conversation with the person → { messages: [] }, one request', async () => {
    await expect(getMessages({ accessToken: igToken, userId: '4242' }, opts)).resolves.toEqual({ messages: [] })
    expect(mock.requests).toHaveLength(1)
  })

  test('Facebook login: page token, appsecret_proof and the Facebook host on every request, fallback included', async () => {
    mock.conversations.expandMessages = false
    const fbOnly = { ...opts, instagramUrl: 'http://127.0.0.1:9' } // nothing listens there
    const r = await getMessages({ accessToken: pageToken, appSecret: mock.appSecret, accountId: mock.pages[0].id, userId: ANA, limit: 2 }, fbOnly)
    expect(r.messages.map((m) => m.direction)).toEqual(['outgoing', 'incoming'])
    expect(mock.requests).toHaveLength(4)
    expect(mock.requests[0].path).toBe(`/v24.0/${mock.pages[0].id}/conversations`)
    for (const q of mock.requests) {
      expect(q.headers.authorization).toBe(`Bearer ${pageToken}`)
      expect(q.query.appsecret_proof).toBe(mock.appsecretProof(pageToken))
    }
  })
})

describe('the fallback: messages listed without their details are read one by one', () => {
  test('each message by id, with the same fields; the result is the same as with the expansion', async () => {
    const expanded = await getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 4 }, opts)
    mock.resetLog()
    mock.conversations.expandMessages = false
    const fallback = await getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 4 }, opts)
    expect(fallback).toEqual(expanded)
    expect(mock.requests).toHaveLength(5)
    expect(mock.requests.slice(1).map((q) => [q.path, q.query.fields])).toEqual(expanded.messages.map((m) => [`/v24.0/${m.id}`, FIELDS]))
  })

  test('bounded: 22 requests at most (the lookup, the conversation, 20 messages)', async () => {
    const c = mock.conversations.add({ userId: '777' })
    for (let i = 0; i < 30; i++) mock.conversations.addMessage(c, { text: `m${i}`, createdAt: T0 + i })
    mock.conversations.expandMessages = false
    const r = await getMessages({ accessToken: igToken, userId: '777' }, opts)
    expect(r.messages.map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${29 - i}`))
    expect(r.messages.every((m) => m.direction === 'incoming')).toBe(true)
    expect(mock.requests).toHaveLength(22)
    expect(detailRequests()).toHaveLength(21)
  })
})

describe('validation before the network', () => {
  test.each([
    ['neither conversationId nor userId', {}, 'conversationId'],
    ['both conversationId and userId', { conversationId: 'c', userId: '1' }, 'userId'],
    ['an empty conversationId', { conversationId: '' }, 'conversationId'],
    ['a conversationId with a slash', { conversationId: '../me' }, 'conversationId'],
    ['a conversationId with ?', { conversationId: 'a?b' }, 'conversationId'],
    ['a conversationId with #', { conversationId: 'a#b' }, 'conversationId'],
    ['a conversationId with &', { conversationId: 'a&b' }, 'conversationId'],
    ['a conversationId with a non-ASCII character', { conversationId: 'é' }, 'conversationId'],
    ['a conversationId longer than 512', { conversationId: 'a'.repeat(513) }, 'conversationId'],
    ['a userId that is not digits', { userId: '12a' }, 'userId'],
    ['an empty userId', { userId: '' }, 'userId'],
    ['a number for userId', { userId: 12 }, 'userId'],
    ['limit 0', { userId: '1', limit: 0 }, 'limit'],
    ['limit 21', { userId: '1', limit: 21 }, 'limit'],
    ['a fractional limit', { userId: '1', limit: 1.5 }, 'limit'],
    ['an accountId that is not digits', { userId: '1', accountId: 'you' }, 'accountId'],
    ['an empty appSecret', { userId: '1', appSecret: '' }, 'appSecret'],
    ['no accessToken', { userId: '1', accessToken: undefined }, 'accessToken'],
  ])('%s → INVALID_ARGUMENT naming the field', async (_, fields, field) => {
    const err = await rejection(getMessages({ accessToken: igToken, ...fields }, opts))
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.message.startsWith(`${field}:`)).toBe(true)
    expect(mock.requests).toHaveLength(0)
  })

  test('the limits themselves are accepted', async () => {
    await expect(getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 20 }, opts)).resolves.toBeDefined()
    await expect(getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 1 }, opts)).resolves.toMatchObject({ messages: [expect.anything()] })
  })
})

describe('errors and retries (idempotent)', () => {
  test('a bare 5xx is retried at each step, the fallback included', async () => {
    mock.conversations.expandMessages = false
    mock.fail('/v24.0/me/conversations', { status: 503, body: '' })
    mock.fail((e) => e.path !== '/v24.0/me/conversations' && e.path !== `/v24.0/${anaConversation}`, { status: 502, body: '' })
    const r = await getMessages({ accessToken: igToken, userId: ANA, limit: 1 }, { ...opts, maxRetries: 1 })
    expect(r.messages).toHaveLength(1)
    expect(mock.requests).toHaveLength(5)
  })

  test('a message Meta no longer details is Meta\'s error (GRAPH_ERROR), not retried', async () => {
    mock.conversations.expandMessages = false
    mock.fail((e) => e.path !== `/v24.0/${anaConversation}`, { graphError: { code: 100, message: 'This message has been deleted' }, status: 400 })
    const err = await rejection(getMessages({ accessToken: igToken, conversationId: anaConversation, limit: 1 }, { ...opts, maxRetries: 2 }))
    expect(err).toMatchObject({ code: 'GRAPH_ERROR', graphCode: 100, retryable: false })
    expect(mock.requests).toHaveLength(2)
  })
})

test('the token is never in a URL, and secrets never in an error', async () => {
  mock.conversations.expandMessages = false
  await getMessages({ accessToken: pageToken, appSecret: mock.appSecret, userId: ANA, limit: 2 }, opts)
  expect(mock.requests).toHaveLength(4)
  for (const r of mock.requests) {
    expect(r.auth).toBe('bearer')
    for (const s of secrets) expect(JSON.stringify([r.path, r.query])).not.toContain(s)
  }
  mock.fail('/v24.0/me/conversations', { graphError: { code: 100, message: `bad ${pageToken} ${mock.appSecret}` }, status: 400 })
  const err = await rejection(getMessages({ accessToken: pageToken, appSecret: mock.appSecret, userId: ANA }, opts))
  expect(err.code).toBe('GRAPH_ERROR')
  expectNoSecrets(secrets)
})
