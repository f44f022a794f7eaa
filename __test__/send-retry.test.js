'use strict'
// sendMessage: automatic retries (counted in the mock's request log) and transport failures:
// rate limits with Retry-After / usage estimates, transient Graph bodies, bare 5xx (never
// retried for a send), connect failures, hangs, resets, truncated and malformed answers.

const {
  sendMessage,
  MESSAGES_PATH,
  RECIPIENT,
  withSendMock,
  rejection,
  expectJsError,
  closedPort,
  startMockGraph,
  trackMock,
  expectNoSecretsInErrors,
} = require('./helpers/send-fixtures')

const ctx = withSendMock()

const send = (opts = {}, req = {}) =>
  sendMessage({ accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'retry me' }, ...req }, { ...ctx.opts, ...opts })
const attempts = () => ctx.mock.requestsTo(MESSAGES_PATH).length

describe('rate limits', () => {
  test('RATE_LIMITED with Retry-After: 1 that keeps failing is attempted maxRetries+1 times', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 4 }, headers: { 'retry-after': '1' } }, { times: Infinity })
    const t0 = Date.now()
    const err = await rejection(() => send({ maxRetries: 1 }))
    const elapsed = Date.now() - t0
    expectJsError(err)
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.retryable).toBe(true)
    expect(err.graphCode).toBe(4)
    expect(err.retryAfterMs).toBe(1000)
    expect(attempts()).toBe(2)
    expect(ctx.mock.sent).toHaveLength(0)
    // the one wait honoured Retry-After (a lower bound: a sleep never ends early)
    expect(elapsed).toBeGreaterThanOrEqual(950)
  })

  test('RATE_LIMITED with Retry-After: 1 once → succeeds on the 2nd attempt', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 80002 }, headers: { 'retry-after': '1' } }, { times: 1 })
    const r = await send({ maxRetries: 1 })
    expect(r.recipientId).toBe(RECIPIENT)
    expect(r.messageId).toBe(ctx.mock.sent[0].messageId)
    expect(attempts()).toBe(2)
    expect(ctx.mock.sent).toHaveLength(1)
  })

  test('a rate limit whose usage header says 2 minutes to regain access fails at once with retryAfterMs 120000', async () => {
    ctx.mock.usage.set({ businessCallCount: 100, estimatedTimeToRegainAccess: 2 })
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 80002 } }, { times: 5 })
    const t0 = Date.now()
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.retryable).toBe(true)
    expect(err.retryAfterMs).toBe(120000)
    expect(attempts()).toBe(1)
    expect(Date.now() - t0).toBeLessThan(5000)
  }, 10000)

  test('a Retry-After above 30 s fails at once with retryAfterMs set', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 17 }, headers: { 'retry-after': '31' } }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.retryAfterMs).toBe(31000)
    expect(attempts()).toBe(1)
  }, 10000)

  test('a Retry-After HTTP date more than 30 s ahead fails at once with retryAfterMs ≈ the distance', async () => {
    const at = new Date(Date.now() + 60000).toUTCString()
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 4 }, headers: { 'retry-after': at } }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.retryAfterMs).toBeGreaterThan(50000)
    expect(err.retryAfterMs).toBeLessThanOrEqual(60000)
    expect(attempts()).toBe(1)
  }, 10000)

  // API.md: `now` replaces the clock for every time decision, Retry-After dates included.
  test('with options.now, a Retry-After HTTP date is measured against options.now', async () => {
    const T0 = Date.parse('2020-01-01T00:00:00Z')
    const at = new Date(T0 + 60000).toUTCString()
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 4 }, headers: { 'retry-after': at } }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 1, now: T0 }))
    expect(err.code).toBe('RATE_LIMITED')
    expect({ retryAfterMs: err.retryAfterMs, attempts: attempts() }).toEqual({ retryAfterMs: 60000, attempts: 1 })
  }, 10000)

  test('HTTP 429 without a Graph body → RATE_LIMITED, retried', async () => {
    ctx.mock.fail(MESSAGES_PATH, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '0' } }, { times: 1 })
    const r = await send({ maxRetries: 1 })
    expect(r.recipientId).toBe(RECIPIENT)
    expect(attempts()).toBe(2)
  })

  test('maxRetries 0 → a rate limit is attempted once', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 32 } }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 0 }))
    expect(err.code).toBe('RATE_LIMITED')
    expect(attempts()).toBe(1)
  })
})

describe('transient Graph errors', () => {
  test('GRAPH_TRANSIENT (Graph body code 2) is retried and then succeeds', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 2 }, status: 503 }, { times: 1 })
    const r = await send()
    expect(r.recipientId).toBe(RECIPIENT)
    expect(attempts()).toBe(2)
    expect(ctx.mock.sent).toHaveLength(1)
  })

  test('GRAPH_TRANSIENT (code 2) that keeps failing is attempted maxRetries+1 times', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 2 }, status: 500 }, { times: Infinity })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('GRAPH_TRANSIENT')
    expect(err.retryable).toBe(true)
    expect(err.graphCode).toBe(2)
    expect(attempts()).toBe(3)
  })

  test('code 1 and is_transient: true are retried too', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 1 } }, { times: 1 })
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 100, is_transient: true }, status: 500 }, { times: 1 })
    const r = await send({ maxRetries: 2 })
    expect(r.recipientId).toBe(RECIPIENT)
    expect(attempts()).toBe(3)
  })

  test('a bare HTTP 502 HTML page (no Graph body) is NOT retried for a send', async () => {
    ctx.mock.fail(MESSAGES_PATH, { html: true }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('GRAPH_TRANSIENT')
    expect(err.httpStatus).toBe(502)
    expect(err.retryable).toBe(true)
    expect(err.graphCode).toBeUndefined()
    expect(attempts()).toBe(1)
  })

  test('a bare HTTP 500 text body is NOT retried for a send either', async () => {
    ctx.mock.fail(MESSAGES_PATH, { status: 500, body: 'upstream error' }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('GRAPH_TRANSIENT')
    expect(err.httpStatus).toBe(500)
    expect(attempts()).toBe(1)
  })
})

describe('transport failures', () => {
  test('connection refused → NETWORK, retryable', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const err = await rejection(() =>
      sendMessage(
        { accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'x' } },
        { instagramUrl: dead, facebookUrl: dead, maxRetries: 0, timeoutMs: 2000 },
      ),
    )
    expectJsError(err)
    expect(err.code).toBe('NETWORK')
    expect(err.retryable).toBe(true)
    expect(err.httpStatus).toBeUndefined()
  }, 10000)

  test('a connect failure is retried with backoff (maxRetries 2 waits at least 100 + 200 ms)', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const t0 = Date.now()
    const err = await rejection(() =>
      sendMessage(
        { accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'x' } },
        { instagramUrl: dead, facebookUrl: dead, maxRetries: 2 },
      ),
    )
    expect(err.code).toBe('NETWORK')
    // a lower bound only: the two backoff sleeps (≥ 100 ms and ≥ 200 ms) never end early
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
  }, 10000)

  test('a server that hangs after reading the request → TIMEOUT after one attempt', async () => {
    ctx.mock.fail(MESSAGES_PATH, { hang: true }, { times: 5 })
    const t0 = Date.now()
    const err = await rejection(() => send({ timeoutMs: 500, maxRetries: 2 }))
    expect(err.code).toBe('TIMEOUT')
    expect(err.retryable).toBe(true)
    expect(attempts()).toBe(1)
    expect(Date.now() - t0).toBeLessThan(5000)
  }, 10000)

  test('an answer that drips and never completes → TIMEOUT after one attempt', async () => {
    ctx.mock.fail(MESSAGES_PATH, { drip: true, intervalMs: 50 }, { times: 5 })
    const t0 = Date.now()
    const err = await rejection(() => send({ timeoutMs: 500, maxRetries: 2 }))
    expect(err.code).toBe('TIMEOUT')
    expect(attempts()).toBe(1)
    expect(Date.now() - t0).toBeLessThan(5000)
  }, 10000)

  test('a reset after the request was read → NETWORK after one attempt', async () => {
    ctx.mock.fail(MESSAGES_PATH, { reset: true }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('NETWORK')
    expect(err.retryable).toBe(true)
    expect(attempts()).toBe(1)
  })

  test('a keep-alive connection the server closed while idle is replaced, not an error', async () => {
    const short = trackMock(await startMockGraph({ keepAliveTimeout: 100 }))
    try {
      const token = short.tokens.issueLongLived({ loginType: 'instagram' })
      const opts = { instagramUrl: short.url, facebookUrl: short.url, maxRetries: 0 }
      const req = { accessToken: token, recipient: { id: RECIPIENT }, message: { text: 'again' } }
      await sendMessage(req, opts)
      expect(short.connections).toBe(1)
      // wait (by polling a condition, not a fixed sleep) until the server has closed the idle socket
      const deadline = Date.now() + 5000
      while (short.openConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(short.openConnections).toBe(0)
      const r = await sendMessage(req, opts)
      expect(r.recipientId).toBe(RECIPIENT)
      expect(short.requestsTo(MESSAGES_PATH)).toHaveLength(2)
      expect(short.connections).toBe(2)
    } finally {
      await short.close()
    }
  }, 10000)

  test('a reset in the middle of the answer body → NETWORK after one attempt', async () => {
    ctx.mock.fail(MESSAGES_PATH, { resetMidBody: true }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('NETWORK')
    expect(attempts()).toBe(1)
  })
})

describe('answers that are not the documented shape → BAD_RESPONSE, not retried', () => {
  test('truncated JSON', async () => {
    ctx.mock.fail(MESSAGES_PATH, { truncatedJson: true }, { times: 5 })
    const err = await rejection(() => send({ maxRetries: 2 }))
    expect(err.code).toBe('BAD_RESPONSE')
    expect(err.retryable).toBe(false)
    expect(err.httpStatus).toBe(200)
    expect(attempts()).toBe(1)
  })

  test('a 200 HTML page', async () => {
    ctx.mock.fail(MESSAGES_PATH, { contentType: 'text/html', status: 200, body: '<html><body>Welcome</body></html>' }, { times: 5 })
    const err = await rejection(() => send())
    expect(err.code).toBe('BAD_RESPONSE')
    expect(attempts()).toBe(1)
  })

  test('a 200 JSON without recipient_id', async () => {
    ctx.mock.fail(MESSAGES_PATH, { status: 200, body: { message_id: 'aWdfbWlk' } }, { times: 5 })
    const err = await rejection(() => send())
    expect(err.code).toBe('BAD_RESPONSE')
    expect(attempts()).toBe(1)
  })

  test('a 404 without a Graph body', async () => {
    ctx.mock.fail(MESSAGES_PATH, { status: 404, body: 'Not Found' }, { times: 5 })
    const err = await rejection(() => send())
    expect(err.code).toBe('BAD_RESPONSE')
    expect(err.httpStatus).toBe(404)
    expect(attempts()).toBe(1)
  })
})

describe('secrets', () => {
  test('no error of this file contains an access token or app secret', () => {
    expect(expectNoSecretsInErrors()).toBeGreaterThan(10)
  })
})
