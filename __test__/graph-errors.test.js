// Error mapping, transport faults and retries of the one Graph client, seen through
// getAccount and exchangeToken (repeatable calls) against the mock Graph server.
const net = require('node:net')
const { getAccount, exchangeToken } = require('..')
const { startMockGraph } = require('../mock')
const { errorCollector } = require('./helpers/errors')

const APP_SECRET = 'graph-errors-app-secret-51a'
let mock
let token
let opts
const { errors, rejection, expectNoSecrets } = errorCollector()

const ME = '/v24.0/me'
const attempts = () => mock.requestsTo(ME).length

beforeAll(async () => {
  mock = await startMockGraph({ appSecret: APP_SECRET })
  token = mock.tokens.issueLongLived({ loginType: 'instagram' })
})
afterAll(() => mock.close())
beforeEach(() => {
  mock.clearFaults()
  mock.resetLog()
  opts = { instagramUrl: mock.url, facebookUrl: mock.url, maxRetries: 0, timeoutMs: 5000 }
})

describe('every row of the error table, from Graph-shaped bodies', () => {
  const rows = require('./helpers/graph-error-rows')
  test.each(rows)('code %p subcode %p (HTTP %p) → %s', async (code, subcode, status, expected) => {
    const graphError = { code, type: 'OAuthException', message: 'localized text, never read' }
    if (subcode !== undefined) graphError.error_subcode = subcode
    mock.fail(ME, { graphError, status })
    const e = await rejection(getAccount({ accessToken: token }, opts))
    // (Jest runs tests in another realm, so `instanceof Error` is checked in the demo and README, not here.)
    expect(Object.prototype.toString.call(e)).toBe('[object Error]')
    expect(e.code).toBe(expected)
    expect(e.graphCode).toBe(code)
    expect(e.graphSubcode).toBe(subcode)
    expect(e.httpStatus).toBe(status)
    expect(e.graphType).toBe('OAuthException')
    expect(e.fbtraceId).toEqual(expect.any(String))
    expect(e.retryable).toBe(['RATE_LIMITED', 'GRAPH_TRANSIENT'].includes(expected))
  })

  test('is_transient marks any code transient', async () => {
    mock.fail(ME, { graphError: { code: 100, is_transient: true }, status: 500 })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('GRAPH_TRANSIENT')
  })

  test('error_user_title / error_user_msg reach the error', async () => {
    mock.fail(ME, { graphError: { code: 100, error_user_title: 'Titel', error_user_msg: 'Nachricht' } })
    const e = await rejection(getAccount({ accessToken: token }, opts))
    expect(e).toMatchObject({ userTitle: 'Titel', userMessage: 'Nachricht' })
  })
})

describe('answers that are not Graph errors', () => {
  test('HTTP 5xx with an HTML body is GRAPH_TRANSIENT with its status', async () => {
    mock.fail(ME, { html: true, status: 502 })
    const e = await rejection(getAccount({ accessToken: token }, opts))
    expect(e).toMatchObject({ code: 'GRAPH_TRANSIENT', httpStatus: 502, retryable: true })
  })

  test('HTTP 429 without a Graph body is RATE_LIMITED with Retry-After', async () => {
    mock.fail(ME, { status: 429, body: '', headers: { 'retry-after': '120' } })
    const e = await rejection(getAccount({ accessToken: token }, opts))
    expect(e).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, retryAfterMs: 120000 })
  })

  test('truncated JSON with a correct length is BAD_RESPONSE', async () => {
    mock.fail(ME, { truncatedJson: true })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('BAD_RESPONSE')
  })

  test('a 200 that is not JSON is BAD_RESPONSE', async () => {
    mock.fail(ME, { status: 200, body: '<html>hi</html>', headers: { 'content-type': 'text/html' } })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('BAD_RESPONSE')
  })

  test('a 200 JSON without the documented fields is BAD_RESPONSE', async () => {
    mock.fail(ME, { status: 200, body: { username: 'x' } })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('BAD_RESPONSE')
  })

  test('a body cut off mid-way (connection closed) is NETWORK', async () => {
    mock.fail(ME, { truncated: true })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('NETWORK')
  })

  test('an oversized body is BAD_RESPONSE, not memory growth', async () => {
    mock.fail(ME, { bigBody: 10 * 1024 * 1024 })
    expect((await rejection(getAccount({ accessToken: token }, opts))).code).toBe('BAD_RESPONSE')
  })
})

describe('transport', () => {
  test('a hanging server ends in TIMEOUT within timeoutMs + 1 s, attempted once', async () => {
    mock.fail(ME, { hang: true })
    const started = Date.now()
    const e = await rejection(getAccount({ accessToken: token }, { ...opts, timeoutMs: 300, maxRetries: 2 }))
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(Date.now() - started).toBeLessThan(300 + 1000)
    expect(attempts()).toBe(1)
  })

  test('a drip that never finishes ends in TIMEOUT', async () => {
    mock.fail(ME, { drip: true, intervalMs: 50 })
    const e = await rejection(getAccount({ accessToken: token }, { ...opts, timeoutMs: 300 }))
    expect(e.code).toBe('TIMEOUT')
  })

  test('connection refused is NETWORK, retried up to maxRetries', async () => {
    const port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port
        s.close(() => resolve(p))
      })
    })
    const e = await rejection(getAccount({ accessToken: token }, { instagramUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }))
    expect(e).toMatchObject({ code: 'NETWORK', retryable: true })
    expect(e.message).not.toContain(token)
  })

  test('a reset after the request was written is NETWORK and not retried', async () => {
    mock.fail(ME, { reset: true })
    const e = await rejection(getAccount({ accessToken: token }, { ...opts, maxRetries: 2 }))
    expect(e.code).toBe('NETWORK')
    expect(attempts()).toBe(1)
  })
})

describe('retries', () => {
  test('a bare 5xx is retried for account and token calls: maxRetries + 1 attempts', async () => {
    mock.fail(ME, { html: true, status: 503 }, { times: Infinity })
    const e = await rejection(getAccount({ accessToken: token }, { ...opts, maxRetries: 2 }))
    expect(e.code).toBe('GRAPH_TRANSIENT')
    expect(attempts()).toBe(3)
  })

  test('a transient failure then success: the call succeeds on the second attempt', async () => {
    mock.fail(ME, { graphError: { code: 2 }, status: 503 }, { times: 1 })
    const [account] = await getAccount({ accessToken: token }, { ...opts, maxRetries: 2 })
    expect(account.id).toBe(mock.account.userId)
    expect(attempts()).toBe(2)
  })

  test('a rate limit honours Retry-After up to 30 s', async () => {
    mock.fail(ME, { graphError: { code: 4 }, headers: { 'retry-after': '1' } }, { times: 1 })
    const started = Date.now()
    await getAccount({ accessToken: token }, { ...opts, maxRetries: 1 })
    expect(attempts()).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  test('a rate limit asking for more than 30 s fails at once with retryAfterMs', async () => {
    const usage = { [mock.account.userId]: [{ type: 'instagram', call_count: 100, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 2 }] }
    mock.fail(ME, { graphError: { code: 80002 }, headers: { 'x-business-use-case-usage': JSON.stringify(usage) } }, { times: Infinity })
    const e = await rejection(getAccount({ accessToken: token }, { ...opts, maxRetries: 2 }))
    expect(e).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 120000 })
    expect(attempts()).toBe(1)
  })

  test('a permanent error is never retried', async () => {
    mock.fail(ME, { graphError: { code: 190, error_subcode: 463 } }, { times: Infinity })
    await rejection(getAccount({ accessToken: token }, { ...opts, maxRetries: 2 }))
    expect(attempts()).toBe(1)
  })
})

describe('base URLs', () => {
  test('http:// to a non-loopback host is refused before any request', async () => {
    for (const url of ['http://graph.instagram.com', 'http://10.0.0.1:8080', 'http://localhost.example.com']) {
      const e = await rejection(getAccount({ accessToken: token }, { instagramUrl: url }))
      expect(e.code).toBe('INVALID_ARGUMENT')
      expect(e.message).toMatch(/^options\.instagramUrl/)
    }
    expect(mock.requests).toHaveLength(0)
  })

  test('a trailing slash never makes a double slash', async () => {
    await getAccount({ accessToken: token }, { ...opts, instagramUrl: mock.url + '/' })
    expect(mock.requests[0].path).toBe('/v24.0/me')
  })

  test('apiVersion is used in the path', async () => {
    await getAccount({ accessToken: token }, { ...opts, apiVersion: 'v21.0' })
    expect(mock.requests[0].path).toBe('/v21.0/me')
  })
})

describe('secrets stay out of errors', () => {
  test('a token echoed by the server is redacted from the message', async () => {
    mock.fail(ME, { graphError: { code: 190, message: `Invalid token ${token}`, error_user_msg: token } })
    const e = await rejection(getAccount({ accessToken: token }, opts))
    expect(e.message).not.toContain(token)
    expect(e.userMessage).not.toContain(token)
  })

  test('transport errors of the token endpoints (secrets in the query) do not include the URL', async () => {
    mock.fail('/access_token', { reset: true })
    const e = await rejection(exchangeToken({ accessToken: 'IGAAsecret-short-token', clientSecret: APP_SECRET }, opts))
    expect(e.code).toBe('NETWORK')
    expect(e.message).toContain('/access_token')
    expect(e.message).not.toMatch(/client_secret|IGAAsecret/)
  })

  test('no error of this suite holds a secret', () => {
    expect(errors.length).toBeGreaterThan(40)
    expectNoSecrets([token, APP_SECRET, 'IGAAsecret-short-token'])
  })
})
