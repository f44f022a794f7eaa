'use strict'
// The fault matrix: every networked export × every fault the mock Graph server can inject.
// For each cell: the error code (or, for preAuthenticate, `kept` with the code of the failed
// refresh), the number of attempts the mock saw (API.md's retry rules: sends are
// at-most-once for a bare 5xx, a timeout or a reset), an upper bound on the elapsed time, and
// no secret in anything the call returned or threw. Each function's row runs against its own
// mock, the rows concurrently. The whole matrix is printed as a table at the end.

const {
  exchangeToken, refreshToken, preAuthenticate, getAccount, sendMessage, listConversations, getMessages, markSeen,
  setIceBreakers, getIceBreakers, deleteIceBreakers, setPersistentMenu, getPersistentMenu, deletePersistentMenu,
} = require('..')
const { startMockGraph } = require('../mock')
const { closedPort } = require('./helpers/send-fixtures')

const T0 = Date.parse('2026-11-28T12:00:00Z')
const DAY = 24 * 3600e3
const APP_SECRET = 'matrix-client-secret-4d2f8b61-LEAKCHECK'
const APP_ID = '1234567890'
// The time limit of the faults that test it (a hang, a slow drip); every other fault is answered,
// and gets a limit no loaded machine reaches, so that its outcome never depends on the load.
const TIMEOUT_MS = 300
const ANSWERED_TIMEOUT_MS = 10000
const RECIPIENT = '1254477777772919'
const V = 'v24.0'

// Usage headers whose estimate (1 minute) is over the 30 s API.md waits out automatically.
const USAGE_HEADERS = {
  'x-app-usage': '{"call_count":100,"total_time":40,"total_cputime":40}',
  'x-business-use-case-usage': JSON.stringify({
    17841400000000001: [{ type: 'instagram', call_count: 100, total_cputime: 40, total_time: 40, estimated_time_to_regain_access: 1 }],
  }),
}

// Kinds of expected outcome: how many attempts a repeatable call and a send make.
const RETRIED = { repeatable: 2, send: 2 } // maxRetries 1
const BARE_5XX = { repeatable: 2, send: 1 }
const ONCE = { repeatable: 1, send: 1 }
const NONE_SEEN = { repeatable: 0, send: 0 }

// Each fault: how to inject it (or which URL to use), the code every function reports, the
// attempts, and the longest the call may take (generous: 2 shared cores).
const FAULTS = [
  { name: '500 html', fault: { html: true, status: 500 }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  { name: '500 empty', fault: { status: 500, body: '' }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  { name: '502 html', fault: { html: true, status: 502 }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  { name: '502 empty', fault: { status: 502, body: '' }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  { name: '503 html', fault: { html: true, status: 503 }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  { name: '503 empty', fault: { status: 503, body: '' }, code: 'GRAPH_TRANSIENT', attempts: BARE_5XX, maxMs: 3000 },
  {
    name: '503 Retry-After: 1',
    fault: { status: 503, body: '', headers: { 'retry-after': '1' } },
    code: 'GRAPH_TRANSIENT',
    attempts: BARE_5XX,
    retryAfterMs: 1000,
    maxMs: 4000,
  },
  { name: 'graph 1', fault: { graphError: { code: 1 } }, code: 'GRAPH_TRANSIENT', attempts: RETRIED, maxMs: 3000 },
  { name: 'graph 2', fault: { graphError: { code: 2 } }, code: 'GRAPH_TRANSIENT', attempts: RETRIED, maxMs: 3000 },
  {
    name: 'is_transient',
    fault: { graphError: { code: 100, is_transient: true, message: 'temporarily unavailable' } },
    code: 'GRAPH_TRANSIENT',
    attempts: RETRIED,
    maxMs: 3000,
  },
  { name: 'graph 4', fault: { graphError: { code: 4 } }, code: 'RATE_LIMITED', attempts: RETRIED, maxMs: 3000 },
  { name: 'graph 17', fault: { graphError: { code: 17 } }, code: 'RATE_LIMITED', attempts: RETRIED, maxMs: 3000 },
  { name: 'graph 32', fault: { graphError: { code: 32 } }, code: 'RATE_LIMITED', attempts: RETRIED, maxMs: 3000 },
  { name: 'graph 613', fault: { graphError: { code: 613 } }, code: 'RATE_LIMITED', attempts: RETRIED, maxMs: 3000 },
  {
    name: '80002 + usage (1 min)',
    fault: { graphError: { code: 80002 }, headers: USAGE_HEADERS },
    code: 'RATE_LIMITED',
    attempts: ONCE, // a 60 s wait is over 30 s: fails at once with retryAfterMs
    retryAfterMs: 60000,
    maxMs: 2000,
  },
  {
    name: '190/463',
    fault: { graphError: { code: 190, error_subcode: 463, type: 'OAuthException' } },
    code: 'TOKEN_EXPIRED',
    attempts: ONCE,
    tokenError: true,
    maxMs: 2000,
  },
  {
    name: '190/460',
    fault: { graphError: { code: 190, error_subcode: 460, type: 'OAuthException' } },
    code: 'TOKEN_INVALID',
    attempts: ONCE,
    tokenError: true,
    maxMs: 2000,
  },
  { name: 'truncated JSON', fault: { truncatedJson: true }, code: 'BAD_RESPONSE', attempts: ONCE, maxMs: 2000 },
  {
    name: 'HTML as 200',
    fault: { contentType: 'text/html; charset=utf-8', status: 200, body: '<html><body>Welcome to the hotel Wi-Fi</body></html>' },
    code: 'BAD_RESPONSE',
    attempts: ONCE,
    maxMs: 2000,
  },
  { name: 'JSON as text/plain', fault: { contentType: 'text/plain' }, code: 'ok', attempts: ONCE, maxMs: 2000 },
  { name: '10 MB body', fault: { bigBody: 10 * 1024 * 1024 }, code: 'BAD_RESPONSE', attempts: ONCE, maxMs: 4000 },
  { name: 'reset mid-body', fault: { resetMidBody: true }, code: 'NETWORK', attempts: ONCE, maxMs: 2000 },
  { name: 'reset, no answer', fault: { reset: true }, code: 'NETWORK', attempts: ONCE, maxMs: 2000 },
  { name: 'accept + hang', fault: { hang: true }, code: 'TIMEOUT', attempts: ONCE, maxMs: TIMEOUT_MS + 2000 },
  { name: 'slow drip', fault: { drip: true, intervalMs: 20 }, code: 'TIMEOUT', attempts: ONCE, maxMs: TIMEOUT_MS + 2000 },
  // Connect failures are retried (nothing was sent), but never reach the mock to be counted.
  { name: 'connection refused', url: 'refused', code: 'NETWORK', attempts: NONE_SEEN, maxMs: 3000 },
  { name: 'unresolvable host', url: 'https://graph.instagram.invalid', code: 'NETWORK', attempts: NONE_SEEN, maxMs: 3000 },
]

// Each networked function: how to set it up on its mock, the path its request takes, how
// to call it, and whether it is a send (at most once).
const FUNCTIONS = [
  {
    name: 'exchangeToken',
    path: '/access_token',
    setup: (mock) => ({ short: mock.tokens.issueShortLived({ loginType: 'instagram' }) }),
    call: (s, opts) => exchangeToken({ accessToken: s.short, clientSecret: APP_SECRET }, opts),
    ok: (r) => typeof r.accessToken === 'string' && r.accessToken.startsWith('IGAA'),
  },
  {
    name: 'refreshToken',
    path: '/refresh_access_token',
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 55 * DAY }) }),
    call: (s, opts) => refreshToken({ accessToken: s.long }, opts),
    ok: (r) => r.accessToken !== undefined && r.issuedAt === T0,
  },
  {
    name: 'preAuthenticate',
    path: '/refresh_access_token',
    preAuth: true,
    setup: (mock) => {
      const long = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 55 * DAY })
      const rec = mock.tokens.get(long)
      return {
        long,
        cred: { accessToken: long, accessTokenIssuedAt: rec.issuedAt, accessTokenExpiresAt: rec.expiresAt, clientSecret: APP_SECRET },
      }
    },
    call: (s, opts) => preAuthenticate(s.cred, opts),
    ok: (r) => r.action === 'refreshed' && r.accessToken !== '' && r.accessTokenIssuedAt === T0,
  },
  {
    name: 'getAccount (instagram)',
    path: `/${V}/me`,
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'instagram' }) }),
    call: (s, opts) => getAccount({ accessToken: s.long }, opts),
    ok: (r) => Array.isArray(r) && r.length === 1,
  },
  {
    name: 'getAccount (facebook)',
    path: `/${V}/me/accounts`,
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'facebook' }) }),
    call: (s, opts) => getAccount({ accessToken: s.long }, opts),
    ok: (r) => Array.isArray(r) && r.length > 0,
  },
  {
    name: 'sendMessage',
    path: `/${V}/me/messages`,
    send: true,
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'instagram' }) }),
    call: (s, opts) => sendMessage({ accessToken: s.long, recipient: { id: RECIPIENT }, message: { text: 'fault matrix' } }, opts),
    ok: (r) => r.recipientId === RECIPIENT && typeof r.messageId === 'string',
  },
  {
    name: 'listConversations',
    path: `/${V}/me/conversations`,
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'instagram' }) }),
    call: (s, opts) => listConversations({ accessToken: s.long, limit: 2 }, opts),
    ok: (r) => r.conversations.length === 2 && typeof r.nextCursor === 'string',
  },
  {
    name: 'getMessages',
    path: `/${V}/fault-matrix-conversation`,
    setup: (mock) => {
      const id = mock.conversations.add({ userId: RECIPIENT, id: 'fault-matrix-conversation' })
      mock.conversations.addMessage(id, { text: 'hi', createdAt: T0 })
      return { long: mock.tokens.issueLongLived({ loginType: 'instagram' }) }
    },
    call: (s, opts) => getMessages({ accessToken: s.long, conversationId: 'fault-matrix-conversation' }, opts),
    ok: (r) => r.messages.length === 1 && r.messages[0].text === 'hi',
  },
  {
    name: 'markSeen',
    path: `/${V}/me/messages`,
    send: true,
    setup: (mock) => ({ long: mock.tokens.issueLongLived({ loginType: 'instagram' }) }),
    call: (s, opts) => markSeen({ accessToken: s.long, userId: RECIPIENT }, opts),
    ok: (r) => r.recipientId === RECIPIENT && Object.keys(r).length === 1,
  },
  // The Messenger Profile calls (idempotent, like the account calls); the menu's on a page token.
  ...[
    ['setIceBreakers', 'instagram', (req, opts) => setIceBreakers({ ...req, iceBreakers: [{ locale: 'default', questions: [{ question: 'Hours?', payload: 'H' }] }] }, opts)],
    ['getIceBreakers', 'instagram', getIceBreakers],
    ['deleteIceBreakers', 'instagram', deleteIceBreakers],
    ['setPersistentMenu (facebook)', 'facebook', (req, opts) => setPersistentMenu({ ...req, persistentMenu: [{ locale: 'default', items: [{ type: 'postback', title: 'Human', payload: 'HUMAN' }] }] }, opts)],
    ['getPersistentMenu (facebook)', 'facebook', getPersistentMenu],
    ['deletePersistentMenu (facebook)', 'facebook', deletePersistentMenu],
  ].map(([name, login, call]) => ({
    name,
    path: `/${V}/me/messenger_profile`,
    setup: (mock) => ({ long: login === 'instagram' ? mock.tokens.issueLongLived({ loginType: 'instagram' }) : mock.tokens.issuePageToken({ pageId: mock.pages[0].id }) }),
    call: (s, opts) => call({ accessToken: s.long, ...(login === 'facebook' ? { appSecret: APP_SECRET } : {}) }, opts),
    ok: (r) => (Array.isArray(r) ? r.length === 0 : r.success === true),
  })),
]

/** Every string view of a value: message, stack, own properties (errors), JSON (results). */
function texts(v) {
  if (v === null || v === undefined) return []
  if (typeof v !== 'object') return [String(v)]
  const out = [JSON.stringify(v)]
  if (v instanceof Error) {
    out.push(String(v.message), String(v.stack))
    for (const k of Object.getOwnPropertyNames(v)) out.push(`${k}=${typeof v[k] === 'object' ? JSON.stringify(v[k]) : String(v[k])}`)
  }
  return out
}

const table = new Map() // function → fault → "CODE/attempts"

async function runRow(fn) {
  const mock = await startMockGraph({ now: T0, appId: APP_ID, appSecret: APP_SECRET, log: true })
  const refused = `http://127.0.0.1:${await closedPort()}`
  const row = new Map()
  table.set(fn.name, row)
  const mismatches = []
  try {
    for (const f of FAULTS) {
      mock.clearFaults()
      mock.resetLog()
      const s = fn.setup(mock)
      // Secrets this cell could leak: every token the mock knows, and the client secret.
      const secrets = [APP_SECRET, ...mock.tokens.list().map((t) => t.token)]
      let base = mock.url
      if (f.url === 'refused') base = refused
      else if (f.url) base = f.url
      else mock.fail(fn.path, f.fault, { times: Infinity })
      const timeoutMs = f.code === 'TIMEOUT' ? TIMEOUT_MS : ANSWERED_TIMEOUT_MS
      const opts = { instagramUrl: base, facebookUrl: base, now: T0, timeoutMs, maxRetries: 1 }

      const t0 = Date.now()
      let result
      let error
      try {
        result = await fn.call(s, opts)
      } catch (e) {
        error = e
      }
      const elapsed = Date.now() - t0
      const attempts = mock.requestsTo(fn.path).length
      mock.clearFaults()

      const problems = []
      let shown
      const wantAttempts = fn.send ? f.attempts.send : f.attempts.repeatable
      if (f.code === 'ok') {
        shown = error ? `ERR ${error.code}` : 'ok'
        if (error) problems.push(`rejected with ${error.code}: ${error.message}`)
        else if (!fn.ok(result)) problems.push(`unexpected result ${JSON.stringify(result)}`)
      } else if (fn.preAuth && !f.tokenError) {
        // A failed refresh of a still-valid token: the stored token is kept, with a warning.
        const code = result && result.warning && (/\(([A-Z_]+):/.exec(result.warning) || [])[1]
        shown = error ? `ERR ${error.code}` : `kept ${code}`
        if (error) problems.push(`rejected with ${error.code} instead of kept`)
        else {
          if (result.action !== 'kept') problems.push(`action ${result.action}`)
          if (result.accessToken !== s.long) problems.push('the stored token was not returned')
          if (result.changed !== false) problems.push('changed should be false')
          if (result.accessTokenExpiresAt !== s.cred.accessTokenExpiresAt) problems.push('expiry changed')
          if (code !== f.code) problems.push(`warning names ${code}, expected ${f.code}`)
        }
      } else {
        shown = error ? error.code : 'resolved'
        if (!error) problems.push(`resolved instead of ${f.code}`)
        else {
          if (Object.prototype.toString.call(error) !== '[object Error]') problems.push('not an Error')
          if (error.code !== f.code) problems.push(`code ${error.code}: ${error.message}`)
          const retryable = ['RATE_LIMITED', 'GRAPH_TRANSIENT', 'NETWORK', 'TIMEOUT'].includes(f.code)
          if (error.retryable !== retryable) problems.push(`retryable ${error.retryable}`)
          if (f.retryAfterMs !== undefined && error.retryAfterMs !== f.retryAfterMs) problems.push(`retryAfterMs ${error.retryAfterMs}`)
        }
      }
      if (attempts !== wantAttempts) problems.push(`${attempts} attempts, expected ${wantAttempts}`)
      if (elapsed > f.maxMs) problems.push(`took ${elapsed} ms, bound ${f.maxMs} ms`)
      if (fn.send && f.code !== 'ok' && mock.sent.length > (f.attempts === BARE_5XX ? 0 : 1)) problems.push(`${mock.sent.length} messages sent`)
      const seen = [...texts(error), ...texts(result && { ...result, accessToken: undefined })].join('\n')
      for (const secret of secrets) if (seen.includes(secret)) problems.push('a secret appears in the outcome')

      row.set(f.name, `${shown}/${attempts}`)
      if (problems.length) mismatches.push(`${fn.name} × ${f.name}: ${problems.join('; ')}`)
    }
  } finally {
    await mock.close()
  }
  return mismatches
}

describe('fault matrix', () => {
  test.concurrent.each(FUNCTIONS.map((f) => [f.name, f]))('%s under every fault', async (_name, fn) => {
    expect(await runRow(fn)).toEqual([])
  })
})

afterAll(() => {
  const header = ['fault', ...FUNCTIONS.map((f) => f.name)]
  const rows = FAULTS.map((f) => [f.name, ...FUNCTIONS.map((fn) => (table.get(fn.name) && table.get(fn.name).get(f.name)) || '-')])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)]
  console.log(`Fault matrix (code/attempts the mock saw; maxRetries 1, timeoutMs ${TIMEOUT_MS} for TIMEOUT faults, ${ANSWERED_TIMEOUT_MS} otherwise):\n${out.join('\n')}`)
})
