'use strict'
// Client-side pacing (docs/API-beyond-dms.md, "Client-side pacing") against the mock Graph
// server: a burst above a limit is spread over time with nothing lost, duplicated or reordered
// within a conversation; a wait beyond pacingMaxWaitMs fails at once with nothing sent; a
// RATE_LIMITED answer with a short wait holds the class; `pacing: false` is today's behaviour.
//
// Spacing is checked only as a lower bound, against the monotonic time T0 taken before the
// burst: when at most N requests start in any period P, the (kN+1)-th request the mock
// receives (index kN) cannot arrive before T0 + k·P, however loaded the machine is. The pacing
// state is process-wide, so each test uses a token of its own (accountId "me": the account key
// is the token's fingerprint) and starts with empty windows.
const { performance } = require('node:perf_hooks')

const { sendMessage, markSeen, listConversations, getMessages } = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const MESSAGES_PATH = '/v24.0/me/messages'
const { errors, rejection, expectNoSecrets } = errorCollector()
const secrets = []

let mock
let opts
graphSuite({ appSecret: 'pacing-app-secret-value', secrets, reset: (m) => m.conversations.seed() }, (s) => ({ mock, opts } = s))

/** A token of this test's own: its own pacing windows. */
function freshToken() {
  const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
  secrets.push(token)
  return token
}

/** Asserts that at most `count` of `requests` can have started in any `periodMs` since t0. */
function expectSpread(requests, t0, count, periodMs) {
  const arrivals = requests.map((r) => r.receivedAt).sort((a, b) => a - b)
  arrivals.forEach((at, j) => {
    const earliest = t0 + Math.floor(j / count) * periodMs
    if (at < earliest) throw new Error(`request #${j} arrived ${(earliest - at).toFixed(1)} ms before ${Math.floor(j / count)} × ${periodMs} ms had passed`)
  })
}

/** The texts the mock accepted for `recipientId`, in the order it accepted them. */
const textsTo = (recipientId) => mock.sent.filter((s) => s.recipientId === recipientId).map((s) => s.body.message.text)

describe('a burst above the limit', () => {
  test('250 concurrent sends to 5 recipients: all answered, none twice, ≤ 100 starts per second, each conversation in call order', async () => {
    const accessToken = freshToken()
    const recipients = ['1701', '1702', '1703', '1704', '1705']
    const t0 = performance.now()
    const calls = Array.from({ length: 250 }, (_, i) =>
      sendMessage({ accessToken, recipient: { id: recipients[i % 5] }, message: { text: `burst ${i}` } }, opts),
    )
    const results = await Promise.all(calls)
    results.forEach((r, i) => expect(r.recipientId).toBe(recipients[i % 5]))
    expect(new Set(results.map((r) => r.messageId)).size).toBe(250)

    const sends = mock.requestsTo(MESSAGES_PATH)
    expect(sends).toHaveLength(250)
    expect(new Set(sends.map((r) => r.body.message.text)).size).toBe(250)
    expectSpread(sends, t0, 100, 1000)
    recipients.forEach((id, k) => {
      const inCallOrder = Array.from({ length: 50 }, (_, n) => `burst ${5 * n + k}`)
      expect(textsTo(id)).toEqual(inCallOrder)
    })
  }, 60000)

  test('25 audio sends: ≤ 10 starts per second, all delivered once', async () => {
    const accessToken = freshToken()
    const t0 = performance.now()
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        sendMessage({ accessToken, recipient: { id: String(1800 + i) }, message: { attachment: { type: 'audio', url: `https://cdn.example/voice-${i}.mp4` } } }, opts),
      ),
    )
    expect(results).toHaveLength(25)
    const sends = mock.requestsTo(MESSAGES_PATH)
    expect(sends).toHaveLength(25)
    expect(new Set(sends.map((r) => r.body.message.attachment.payload.url)).size).toBe(25)
    expectSpread(sends, t0, 10, 1000)
  }, 60000)

  test('5 listConversations / getMessages calls: ≤ 2 requests per second', async () => {
    const accessToken = freshToken()
    const conversationId = mock.conversations.ids()[0]
    const t0 = performance.now()
    const results = await Promise.all([
      listConversations({ accessToken, limit: 10 }, opts),
      getMessages({ accessToken, conversationId, limit: 5 }, opts),
      listConversations({ accessToken, limit: 10 }, opts),
      getMessages({ accessToken, conversationId, limit: 5 }, opts),
      listConversations({ accessToken, limit: 10 }, opts),
    ])
    expect(results.map((r) => (r.conversations ?? r.messages).length)).toEqual([3, 5, 3, 5, 3])
    expect(mock.requests).toHaveLength(5)
    expectSpread(mock.requests, t0, 2, 1000)
  }, 60000)
})

describe('bounded wait', () => {
  test('pacingMaxWaitMs: 0 on a full window: RATE_LIMITED, retryable, with the wait, and no request made', async () => {
    const accessToken = freshToken()
    const outcomes = await Promise.allSettled(
      Array.from({ length: 101 }, (_, i) =>
        sendMessage({ accessToken, recipient: { id: String(1900 + i) }, message: { text: `bounded ${i}` } }, { ...opts, pacingMaxWaitMs: 0 }),
      ),
    )
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason)
    errors.push(...refused)
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(refused[0].retryAfterMs).toBeGreaterThan(0)
    expect(refused[0].retryAfterMs).toBeLessThanOrEqual(1000)
    expect(refused[0].httpStatus).toBeUndefined()
    const refusedIndex = outcomes.findIndex((o) => o.status === 'rejected')
    const texts = mock.requestsTo(MESSAGES_PATH).map((r) => r.body.message.text)
    expect(texts).toHaveLength(100)
    expect(texts).not.toContain(`bounded ${refusedIndex}`)
  })

  test('pacingMaxWaitMs: 0 behind an unsettled send to the same recipient: RATE_LIMITED, not sent; the next call still waits its turn', async () => {
    const accessToken = freshToken()
    let release
    const gate = new Promise((resolve) => (release = resolve))
    mock.answer(MESSAGES_PATH, (e, res, ctx) => gate.then(() => ctx.send(ctx.normal())))
    const first = sendMessage({ accessToken, recipient: { id: '2001' }, message: { text: 'first' } }, opts)
    const second = sendMessage({ accessToken, recipient: { id: '2001' }, message: { text: 'second' } }, { ...opts, pacingMaxWaitMs: 0 })
    const third = sendMessage({ accessToken, recipient: { id: '2001' }, message: { text: 'third' } }, opts)
    const err = await rejection(second)
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(err.retryAfterMs).toBeUndefined()
    release()
    await Promise.all([first, third])
    expect(textsTo('2001')).toEqual(['first', 'third'])
  })
})

describe('holds', () => {
  test('a RATE_LIMITED answer with a short Retry-After holds the class until the wait is over', async () => {
    const accessToken = freshToken()
    mock.fail(MESSAGES_PATH, { status: 429, headers: { 'retry-after': '2' }, graphError: { code: 4, type: 'OAuthException', message: 'Application request limit reached' } })
    const limited = await rejection(sendMessage({ accessToken, recipient: { id: '2101' }, message: { text: 'limited' } }, opts))
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 2000 })
    // Held: a call that may not wait fails at once, saying how long the hold lasts, with nothing sent.
    const refused = await rejection(sendMessage({ accessToken, recipient: { id: '2102' }, message: { text: 'refused' } }, { ...opts, pacingMaxWaitMs: 0 }))
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2000)
    expect(mock.requestsTo(MESSAGES_PATH)).toHaveLength(1)
    // A call that may wait starts only once the hold is over; markSeen is in the same class.
    await markSeen({ accessToken, userId: '2103' }, opts)
    const [first, second] = mock.requestsTo(MESSAGES_PATH)
    expect(second.body.sender_action).toBe('mark_seen')
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2000)
  })
})

describe('pacing: false', () => {
  test('no waits: 150 sends to one recipient with pacingMaxWaitMs 0 all go out, and take no slot from paced calls', async () => {
    const accessToken = freshToken()
    const unpaced = { ...opts, pacing: false, pacingMaxWaitMs: 0 }
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => sendMessage({ accessToken, recipient: { id: '2201' }, message: { text: `free ${i}` } }, unpaced)),
    )
    expect(results).toHaveLength(150)
    expect(mock.requestsTo(MESSAGES_PATH)).toHaveLength(150)
    // The windows are still empty: 100 paced calls that may not wait all go.
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => sendMessage({ accessToken, recipient: { id: String(2300 + i) }, message: { text: `paced ${i}` } }, { ...opts, pacingMaxWaitMs: 0 })),
    )
  })

  test('no per-recipient ordering: sends to one recipient are all in flight at once', async () => {
    const accessToken = freshToken()
    let release
    const gate = new Promise((resolve) => (release = resolve))
    mock.answer(MESSAGES_PATH, (e, res, ctx) => gate.then(() => ctx.send(ctx.normal())))
    const calls = Array.from({ length: 10 }, (_, i) => sendMessage({ accessToken, recipient: { id: '2401' }, message: { text: `at once ${i}` } }, { ...opts, pacing: false }))
    // Every request reaches the mock before any is answered (paced, only the first would).
    while (mock.requestsTo(MESSAGES_PATH).length < 10) await new Promise((resolve) => setTimeout(resolve, 10))
    release()
    expect(await Promise.all(calls)).toHaveLength(10)
  })

  test('a pacingMaxWaitMs that is not a whole number of ms ≥ 0 is INVALID_ARGUMENT, before any request', async () => {
    const accessToken = freshToken()
    for (const pacingMaxWaitMs of [-1, 1.5, NaN, Infinity, '100']) {
      const err = await rejection(sendMessage({ accessToken, recipient: { id: '2501' }, message: { text: 'x' } }, { ...opts, pacingMaxWaitMs }))
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false })
      expect(err.message).toContain('options.pacingMaxWaitMs')
    }
    expect(mock.requests).toHaveLength(0)
  })
})

test('no error of this file holds a token or the app secret', () => {
  expectNoSecrets(secrets)
})
