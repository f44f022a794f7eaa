'use strict'
// A mock of the Meta Graph API (graph.instagram.com and graph.facebook.com) for the tests,
// the demo and the benchmarks of instagram-native. One CommonJS module, Node's standard
// library only. It answers the endpoints of API.md the way GRAPH_FACTS.md says Meta answers,
// with a controllable clock, a token registry (1 h / 24 h / 60 days rules), an in-memory
// request log and fault injection.
//
//   const { startMockGraph } = require('./mock/graph-server')
//   const mock = await startMockGraph({ now: Date.parse('2026-01-01T00:00:00Z') })
//   ... mock.url ...
//   await mock.close()
//
// Standalone: node mock/graph-server.js [--port N] (prints the URL on the first stdout line).
//
// Endpoints ({v} = any v<digits>.<digits>, also accepted without it; token in
// `Authorization: Bearer` or `access_token=`):
//   GET  /access_token?grant_type=ig_exchange_token&client_secret&access_token   short IG → long (expires_in 5183944)
//   GET  /refresh_access_token?grant_type=ig_refresh_token&access_token          long IG, ≥ 24 h old, not expired
//   GET  /{v}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token
//   GET  /{v}/debug_token?input_token&access_token={appId}|{appSecret}
//   GET  /{v}/me?fields=…                      IG token: user_id (string, or bare number), username, name, account_type, id
//                                              FB user token: id, name of facebookUser; FB page token: id, name of its page
//   GET  /{v}/me/accounts?fields=…&limit&after  FB user token: pages, paging.next → /{v}/{facebookUser.id}/accounts on this host
//   POST|GET|DELETE /{v}/{me|id}/subscribed_apps?subscribed_fields=…
//   POST /{v}/{me|id}/messages                 JSON body → {recipient_id, message_id} or {recipient_id} (sender_action)
//   GET|POST|DELETE /{v}/{app-id}/subscriptions  app access token {appId}|{appSecret} only. POST (form or
//       query: object, callback_url, verify_token, fields) first verifies the callback as Meta does
//       (GET callback_url?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…, must echo the
//       challenge; only loopback callback hosts are called, others fail verification) → {"success":true};
//       GET → {data:[{object, callback_url, active, fields:[{name, version}]}]}; DELETE ?object= removes it.
//       mock.appSubscriptions: the registrations, by object.
// Errors are Graph-shaped: {"error":{message,type,code,error_subcode?,fbtrace_id}}; unknown token
// 190 (no subcode), expired 190/463, revoked 190/<subcode>, all HTTP 400; no token 2500; unknown
// path 2500; wrong appsecret_proof 100; a bad body 100; a window-closed recipient 10/2534022 (403);
// an unavailable one 551/1545041; a second private reply to one comment -1/2534023 (HTTP 500).
//
// Faults (mock.fail(match, fault, { times })), consumed in queue order before normal handling:
//   { status, body, headers }             a raw answer (object body → JSON)
//   { graphError: {...}, status, headers } a Graph error body (+ usage headers), default 400
//   { html: true, status }                an HTML error page, default 502
//   { truncated: true }                   full Content-Length, half the normal body, then FIN
//   { truncatedJson: true }               half the normal body as a complete answer
//   { resetMidBody: true }                headers and half the body, then RST
//   { reset: true }                       the request is read, then RST, no answer
//   { hang: true }                        never answers (until the client gives up or close())
//   { delayMs, then? }                    answers late (normally, or with the `then` fault)
//   { drip: true, intervalMs }            200, one byte every intervalMs, never ends
//   { bigBody: bytes }                    200 with a JSON-ish body of exactly that many bytes
//   { contentType, status?, body? }       the normal answer (or `body`) with another content type

const http = require('node:http')
const crypto = require('node:crypto')
const querystring = require('node:querystring')

const HOUR_MS = 3600 * 1000
const DAY_MS = 24 * HOUR_MS
const SHORT_LIVED_SEC = 3600
const LONG_LIVED_SEC = 60 * 24 * 3600 // 5184000, issueLongLived's default
const META_LONG_LIVED_SEC = 5183944 // what Meta's exchange/refresh answers carry
const MIN_REFRESH_AGE_MS = DAY_MS
const JSON_CT = 'application/json; charset=UTF-8'
const VERSION_RE = /^v\d+\.\d+$/
const DIGITS_RE = /^\d+$/
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

const DEFAULT_ACCOUNT = {
  userId: '17841400000000001', // above 2^53: a float cannot hold it
  id: '27182818284590452', // the app-scoped id /me returns as "id" (not the IG account id)
  username: 'mock_business',
  name: 'Mock Business',
  accountType: 'BUSINESS',
  profilePictureUrl: 'https://mock.invalid/profile.jpg',
  followersCount: 1234,
  followsCount: 56,
  mediaCount: 78,
  userIdAsNumber: false,
}

const DEFAULT_FACEBOOK_USER = { id: '10160000000000001', name: 'Mock Facebook User' }

function defaultPages(account) {
  return [
    { id: '9100000000000001', name: 'Mock Page 1', instagram: { id: account.userId, username: account.username, name: account.name } },
    { id: '9100000000000002', name: 'Mock Page 2', instagram: { id: '17841400000000002', username: 'mock_shop_2', name: 'Mock Shop 2' } },
    { id: '9100000000000003', name: 'Mock Page 3 (no Instagram)', instagram: null },
    { id: '9100000000000004', name: 'Mock Page 4', instagram: { id: '17841400000000004', username: 'mock_shop_4', name: 'Mock Shop 4' } },
    { id: '9100000000000005', name: 'Mock Page 5', instagram: { id: '17841400000000005', username: 'mock_shop_5', name: 'Mock Shop 5' } },
  ]
}

// Messages of the token errors (code 190), by subcode.
const SUBCODE_MESSAGES = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  464: 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
  492: 'Error validating access token: The session is invalid.',
}

// Default messages for graphError faults that give none.
const CODE_MESSAGES = {
  '-1': 'An unexpected error has occurred. Please retry your request later.',
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: '(#4) Application request limit reached',
  10: '(#10) Application does not have permission for this action',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  100: '(#100) Invalid parameter',
  190: 'Invalid OAuth access token.',
  200: '(#200) Permissions error',
  341: '(#341) Application limit reached',
  368: '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
  551: "(#551) This person isn't available right now.",
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001: '(#80001) There have been too many calls to this Page account. Wait a bit and try again.',
  80002: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.',
  80006: '(#80006) There have been too many messaging calls to this Page account. Wait a bit and try again.',
}

const SENDER_ACTIONS = new Set(['react', 'unreact', 'typing_on', 'typing_off', 'mark_seen'])

// ---------------------------------------------------------------- small helpers

function randomAlnum(n) {
  const bytes = crypto.randomBytes(n)
  let s = ''
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i] % 62]
  return s
}

function traceId() {
  return randomAlnum(11)
}

function hmacHex(key, data) {
  return crypto.createHmac('sha256', key).update(data).digest('hex')
}

function parseQuery(qs) {
  const parsed = querystring.parse(qs)
  const out = {}
  for (const k of Object.keys(parsed)) {
    const v = parsed[k]
    out[k] = Array.isArray(v) ? v[0] : v
  }
  return out
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// Meta's style: "Thursday, 01-Jan-26 01:00:00 PST" (here in UTC).
function metaDate(ms) {
  const d = new Date(ms)
  const p = (n) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`
}

// A string matcher matches the path itself or the path below it ('/v24.0/me' matches
// '/v24.0/me' and '/v24.0/me/messages', not '/v24.0/media'); a RegExp is tested against
// the path; a function gets the request log entry.
function makeMatcher(match) {
  if (typeof match === 'function') return match
  if (match instanceof RegExp) {
    return (e) => {
      match.lastIndex = 0
      return match.test(e.path)
    }
  }
  if (typeof match === 'string') {
    const base = match.endsWith('/') ? match.slice(0, -1) : match
    const below = base + '/'
    return (e) => e.path === base || e.path === match || e.path.startsWith(below)
  }
  throw new TypeError('match must be a string path prefix, a RegExp or a function(request)')
}

// Splits a Graph `fields` value at top-level commas: 'id,name,iba{id,username}' →
// [{ name: 'id' }, { name: 'name' }, { name: 'iba', sub: 'id,username' }]
function parseFields(fields) {
  const out = []
  if (!fields) return out
  let depth = 0
  let start = 0
  const push = (s) => {
    s = s.trim()
    if (!s) return
    const b = s.indexOf('{')
    if (b >= 0 && s.endsWith('}')) out.push({ name: s.slice(0, b).trim(), sub: s.slice(b + 1, -1) })
    else out.push({ name: s, sub: null })
  }
  for (let i = 0; i < fields.length; i++) {
    const c = fields[i]
    if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ',' && depth === 0) {
      push(fields.slice(start, i))
      start = i + 1
    }
  }
  push(fields.slice(start))
  return out
}

function toBodyString(body) {
  if (body === undefined || body === null) return ''
  if (typeof body === 'string') return body
  if (Buffer.isBuffer(body)) return body
  return JSON.stringify(body)
}

const FAULT_KEYS = ['delayMs', 'hang', 'reset', 'resetMidBody', 'drip', 'html', 'graphError', 'truncated', 'truncatedJson', 'bigBody', 'contentType', 'status', 'body']

function validateFault(fault) {
  if (!fault || typeof fault !== 'object') throw new TypeError('a fault must be an object')
  if (!FAULT_KEYS.some((k) => fault[k] !== undefined)) {
    throw new TypeError(`unknown fault shape: give one of ${FAULT_KEYS.join(', ')}`)
  }
  if (fault.delayMs !== undefined && fault.then !== undefined) validateFault(fault.then)
}

// ---------------------------------------------------------------- the server

/**
 * Starts a mock Graph API server on 127.0.0.1.
 * @returns {Promise<MockGraph>}
 */
async function startMockGraph(options = {}) {
  const opts = options || {}
  const appId = String(opts.appId ?? '1234567890')
  const appSecret = String(opts.appSecret ?? 'mock-app-secret')
  const host = opts.host ?? '127.0.0.1'
  const logEnabled = opts.log !== false
  const maxLogEntries = opts.maxLogEntries ?? Infinity
  const controlEnabled = opts.control !== false
  const strictAccountIds = opts.strictAccountIds !== false
  const oneReplyPerComment = opts.oneReplyPerComment !== false
  const nextIncludesToken = opts.nextIncludesToken === true
  const permissionsField = opts.permissionsField === true
  const longLivedExpiresIn = opts.longLivedExpiresIn ?? META_LONG_LIVED_SEC
  const requireAppsecretProof = opts.requireAppsecretProof === true
  let pageSize = opts.pageSize ?? 25
  const account = { ...DEFAULT_ACCOUNT, ...(opts.account || {}) }
  account.userId = String(account.userId)
  account.id = String(account.id)
  const facebookUser = { ...DEFAULT_FACEBOOK_USER, ...(opts.facebookUser || {}) }
  const pages = (opts.pages || defaultPages(account)).map((p) => ({
    id: String(p.id),
    name: p.name,
    instagram: p.instagram ? { ...p.instagram, id: String(p.instagram.id) } : null,
  }))
  const instanceSalt = randomAlnum(6)

  // ---- clock
  let nowMs = opts.now ?? Date.now()
  const clock = {
    now: () => nowMs,
    set(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('clock.set(ms): a finite number')
      nowMs = ms
      return nowMs
    },
    advance(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('clock.advance(ms): a finite number')
      nowMs += ms
      return nowMs
    },
  }

  // ---- token registry
  const tokenMap = new Map()
  const pageTokens = new Map() // page id → page token

  function newTokenString(loginType) {
    for (;;) {
      const t = (loginType === 'facebook' ? 'EAA' : 'IGAA') + randomAlnum(loginType === 'facebook' ? 180 : 150)
      if (!tokenMap.has(t)) return t
    }
  }

  function checkLoginType(loginType) {
    if (loginType !== 'instagram' && loginType !== 'facebook') throw new TypeError("loginType must be 'instagram' or 'facebook'")
  }

  function register(token, rec) {
    tokenMap.set(token, rec)
    return token
  }

  const tokens = {
    /** A new short-lived token (1 hour from the mock clock). */
    issueShortLived({ loginType = 'instagram', issuedAt } = {}) {
      checkLoginType(loginType)
      const at = issuedAt ?? nowMs
      return register(newTokenString(loginType), { kind: 'short', loginType, issuedAt: at, expiresAt: at + SHORT_LIVED_SEC * 1000, origin: 'issued' })
    },
    /** A long-lived token (60 days by default) issued at `issuedAt` (default now). */
    issueLongLived({ loginType = 'instagram', issuedAt, expiresInSec = LONG_LIVED_SEC } = {}) {
      checkLoginType(loginType)
      const at = issuedAt ?? nowMs
      return register(newTokenString(loginType), { kind: 'long', loginType, issuedAt: at, expiresAt: at + expiresInSec * 1000, origin: 'issued' })
    },
    /** A Facebook page token that never expires (expiresAt: Infinity). */
    issuePageToken({ pageId, issuedAt } = {}) {
      const at = issuedAt ?? nowMs
      return register(newTokenString('facebook'), { kind: 'page', loginType: 'facebook', issuedAt: at, expiresAt: Infinity, pageId: pageId ?? null, origin: 'issued' })
    },
    /** Registers a given token string (fixed tokens for demos). */
    add(token, { kind = 'long', loginType, issuedAt, expiresInSec, pageId } = {}) {
      if (typeof token !== 'string' || !token) throw new TypeError('token must be a non-empty string')
      const lt = loginType ?? (token.startsWith('EAA') ? 'facebook' : 'instagram')
      checkLoginType(lt)
      if (!['short', 'long', 'page'].includes(kind)) throw new TypeError("kind must be 'short', 'long' or 'page'")
      const at = issuedAt ?? nowMs
      const life = expiresInSec ?? (kind === 'short' ? SHORT_LIVED_SEC : kind === 'page' ? Infinity : LONG_LIVED_SEC)
      return register(token, { kind, loginType: lt, issuedAt: at, expiresAt: at + life * 1000, pageId: pageId ?? null, origin: 'added' })
    },
    /** Later use of the token answers 190/<subcode> (null: 190 without subcode). */
    revoke(token, subcode = 460) {
      const rec = tokenMap.get(token)
      if (!rec) return false
      rec.revokedSubcode = subcode
      return true
    },
    /** { kind, loginType, issuedAt, expiresAt, revokedSubcode?, origin, from? } or undefined. */
    get(token) {
      const rec = tokenMap.get(token)
      return rec ? { ...rec } : undefined
    },
    /** Is the token known, not revoked and not expired on the mock clock? */
    isValid(token) {
      const rec = tokenMap.get(token)
      return !!rec && rec.revokedSubcode === undefined && nowMs < rec.expiresAt
    },
    list() {
      return [...tokenMap].map(([token, rec]) => ({ token, ...rec }))
    },
    get size() {
      return tokenMap.size
    },
  }

  // ---- recipients (messaging rules)
  const recipientRules = new Map()
  const repliedComments = new Set()
  const recipients = {
    /** rules: { windowClosed?, unavailable?, noMatch?, messagingDisabled? } */
    set(id, rules = {}) {
      recipientRules.set(String(id), { ...rules })
    },
    get: (id) => recipientRules.get(String(id)),
    delete: (id) => recipientRules.delete(String(id)),
    clear() {
      recipientRules.clear()
      repliedComments.clear()
    },
  }

  // ---- usage headers
  const usageState = {
    appCallCount: 1,
    totalTime: 1,
    totalCputime: 1,
    businessCallCount: 1,
    businessTotalTime: 1,
    businessTotalCputime: 1,
    estimatedTimeToRegainAccess: 0,
    style: 'call_count',
    type: 'instagram',
    appUsage: true,
    businessUsage: true,
  }
  let appUsageValue = ''
  let businessUsageTail = ''
  function recomputeUsage() {
    const u = usageState
    appUsageValue = u.style === 'call_volume'
      ? `{"call_volume":${u.appCallCount},"cpu_time":${u.totalCputime}}`
      : `{"call_count":${u.appCallCount},"total_time":${u.totalTime},"total_cputime":${u.totalCputime}}`
    businessUsageTail = `":[{"type":${JSON.stringify(u.type)},"call_count":${u.businessCallCount},"total_cputime":${u.businessTotalCputime},` +
      `"total_time":${u.businessTotalTime},"estimated_time_to_regain_access":${u.estimatedTimeToRegainAccess}}]}`
  }
  recomputeUsage()
  const usage = {
    /** { appCallCount, totalTime, totalCputime, businessCallCount, businessTotalTime, businessTotalCputime,
     *    estimatedTimeToRegainAccess (minutes), style: 'call_count'|'call_volume', type, appUsage: bool, businessUsage: bool } */
    set(values = {}) {
      if (values.style !== undefined && values.style !== 'call_count' && values.style !== 'call_volume') {
        throw new TypeError("usage style must be 'call_count' or 'call_volume'")
      }
      for (const k of Object.keys(values)) {
        if (!(k in usageState)) throw new TypeError(`unknown usage key ${k}`)
        usageState[k] = values[k]
      }
      recomputeUsage()
      return { ...usageState }
    },
    get: () => ({ ...usageState }),
    reset() {
      Object.assign(usageState, {
        appCallCount: 1, totalTime: 1, totalCputime: 1, businessCallCount: 1, businessTotalTime: 1, businessTotalCputime: 1,
        estimatedTimeToRegainAccess: 0, style: 'call_count', type: 'instagram', appUsage: true, businessUsage: true,
      })
      recomputeUsage()
    },
  }

  function baseHeaders(e) {
    const h = { 'content-type': JSON_CT }
    if (usageState.appUsage) h['x-app-usage'] = appUsageValue
    if (e && e.version) h['facebook-api-version'] = e.version
    return h
  }

  // ---- request log
  const requests = []
  const sent = []
  let seq = 0
  function logEntry(e) {
    if (!logEnabled) return
    requests.push(e)
    if (requests.length > maxLogEntries) requests.splice(0, requests.length - Math.floor(maxLogEntries / 2))
  }

  // ---- faults and custom answers
  const faultQueue = []
  const answers = []

  // ---- responses
  function reply(status, body, headers) {
    return { status, headers, body }
  }

  function graphErrorBody(g) {
    const code = g.code ?? 1
    const err = {
      message: g.message ?? CODE_MESSAGES[code] ?? `(#${code}) An error occurred`,
      type: g.type ?? 'OAuthException',
      code,
    }
    if (g.error_subcode !== undefined && g.error_subcode !== null) err.error_subcode = g.error_subcode
    if (g.is_transient !== undefined) err.is_transient = g.is_transient
    if (g.error_user_title !== undefined) err.error_user_title = g.error_user_title
    if (g.error_user_msg !== undefined) err.error_user_msg = g.error_user_msg
    err.fbtrace_id = g.fbtrace_id ?? traceId()
    return JSON.stringify({ error: err })
  }

  function graphError(e, status, g, extraHeaders) {
    const h = baseHeaders(e)
    if (g.code === 190) {
      h['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" ${JSON.stringify(g.message ?? CODE_MESSAGES[190])}`
    }
    if (extraHeaders) Object.assign(h, extraHeaders)
    return reply(status, graphErrorBody(g), h)
  }

  const err100 = (e, message, extra = {}) => graphError(e, 400, { code: 100, message, type: extra.type ?? 'OAuthException', ...extra })

  function tokenUnparseable(e) {
    return graphError(e, 400, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException' })
  }
  function tokenExpired(e, rec) {
    return graphError(e, 400, {
      code: 190,
      error_subcode: 463,
      type: 'OAuthException',
      message: `Error validating access token: Session has expired on ${metaDate(rec.expiresAt)}. The current time is ${metaDate(nowMs)}.`,
    })
  }
  function tokenRevoked(e, rec) {
    const sub = rec.revokedSubcode
    if (sub === null) return graphError(e, 400, { code: 190, message: 'Invalid OAuth access token.', type: 'OAuthException' })
    if (sub === 463) return tokenExpired(e, { expiresAt: Math.min(rec.expiresAt, nowMs) })
    return graphError(e, 400, { code: 190, error_subcode: sub, type: 'OAuthException', message: SUBCODE_MESSAGES[sub] ?? 'Error validating access token: The session is invalid.' })
  }

  // Checks a token's state: returns an error reply, or null when usable.
  function tokenProblem(e, rec) {
    if (!rec) return tokenUnparseable(e)
    if (rec.revokedSubcode !== undefined) return tokenRevoked(e, rec)
    if (nowMs >= rec.expiresAt) return tokenExpired(e, rec)
    return null
  }

  // The common check of an authenticated endpoint: { rec } or { error }.
  function authenticate(e) {
    if (!e.token) {
      return { error: graphError(e, 400, { code: 2500, message: 'An active access token must be used to query information about the current user.', type: 'OAuthException' }) }
    }
    const rec = tokenMap.get(e.token)
    const problem = tokenProblem(e, rec)
    if (problem) return { error: problem }
    const proof = e.query.appsecret_proof
    if (proof !== undefined) {
      if (proof !== hmacHex(appSecret, e.token)) {
        return { error: graphError(e, 400, { code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' }) }
      }
    } else if (requireAppsecretProof && rec.loginType === 'facebook') {
      return { error: graphError(e, 400, { code: 100, type: 'GraphMethodException', message: 'API calls from the server require an appsecret_proof argument' }) }
    }
    return { rec }
  }

  function tokenAnswer(e, token, expiresIn) {
    const perms = permissionsField ? ',"permissions":"instagram_business_basic,instagram_business_manage_messages"' : ''
    return reply(200, `{"access_token":${JSON.stringify(token)},"token_type":"bearer","expires_in":${expiresIn}${perms}}`, baseHeaders(e))
  }

  // ---- endpoint handlers (each returns { status, headers, body })

  function igExchange(e) {
    const q = e.query
    if (q.grant_type !== 'ig_exchange_token') return err100(e, `Unsupported grant_type: expected ig_exchange_token`)
    if (q.client_secret !== appSecret) return graphError(e, 400, { code: 101, type: 'OAuthException', message: 'Error validating client secret.' })
    if (!e.token) return err100(e, 'Missing access_token parameter')
    const rec = tokenMap.get(e.token)
    if (!rec || rec.loginType !== 'instagram') return tokenUnparseable(e)
    const problem = tokenProblem(e, rec)
    if (problem) return problem
    if (rec.kind !== 'short') return err100(e, 'Only a short-lived access token can be exchanged for a long-lived one')
    const t = register(newTokenString('instagram'), { kind: 'long', loginType: 'instagram', issuedAt: nowMs, expiresAt: nowMs + longLivedExpiresIn * 1000, origin: 'exchange', from: e.token })
    return tokenAnswer(e, t, longLivedExpiresIn)
  }

  function igRefresh(e) {
    const q = e.query
    if (q.grant_type !== 'ig_refresh_token') return err100(e, 'Unsupported grant_type: expected ig_refresh_token')
    if (!e.token) return err100(e, 'Missing access_token parameter')
    const rec = tokenMap.get(e.token)
    if (!rec || rec.loginType !== 'instagram') return tokenUnparseable(e)
    const problem = tokenProblem(e, rec)
    if (problem) return problem
    if (rec.kind !== 'long') return err100(e, 'Only a long-lived access token can be refreshed', { type: 'IGApiException' })
    if (nowMs - rec.issuedAt < MIN_REFRESH_AGE_MS) {
      return err100(e, 'This access token cannot be refreshed yet: a long-lived token can be refreshed once it is at least 24 hours old', { type: 'IGApiException' })
    }
    const t = register(newTokenString('instagram'), { kind: 'long', loginType: 'instagram', issuedAt: nowMs, expiresAt: nowMs + longLivedExpiresIn * 1000, origin: 'refresh', from: e.token })
    return tokenAnswer(e, t, longLivedExpiresIn)
  }

  function fbExchange(e) {
    const q = e.query
    if (q.grant_type !== 'fb_exchange_token') return err100(e, 'Unsupported grant_type: expected fb_exchange_token')
    if (q.client_id === undefined) return graphError(e, 400, { code: 101, message: 'Missing client_id parameter.' })
    if (q.client_id !== appId) return graphError(e, 400, { code: 101, message: 'Error validating application. Invalid application ID.' })
    if (q.client_secret !== appSecret) return graphError(e, 400, { code: 101, message: 'Error validating client secret.' })
    const token = q.fb_exchange_token
    if (!token) return err100(e, 'Missing fb_exchange_token parameter')
    const rec = tokenMap.get(token)
    if (!rec || rec.loginType !== 'facebook') return tokenUnparseable(e)
    const problem = tokenProblem(e, rec)
    if (problem) return problem
    if (rec.kind === 'page') return err100(e, 'A page access token cannot be exchanged')
    const t = register(newTokenString('facebook'), { kind: 'long', loginType: 'facebook', issuedAt: nowMs, expiresAt: nowMs + longLivedExpiresIn * 1000, origin: 'fb_exchange', from: token })
    return tokenAnswer(e, t, longLivedExpiresIn)
  }

  function debugToken(e) {
    const at = e.token
    const appToken = `${appId}|${appSecret}`
    if (at !== appToken && !tokens.isValid(at)) return tokenUnparseable(e)
    const input = e.query.input_token
    if (!input) return err100(e, '(#100) The parameter input_token is required')
    const rec = tokenMap.get(input)
    let data
    if (!rec) {
      data = { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } }
    } else {
      const expired = nowMs >= rec.expiresAt
      data = {
        app_id: appId,
        type: rec.kind === 'page' ? 'PAGE' : 'USER',
        application: 'Mock App',
        data_access_expires_at: Math.floor((nowMs + 90 * DAY_MS) / 1000),
        expires_at: rec.expiresAt === Infinity ? 0 : Math.floor(rec.expiresAt / 1000),
        is_valid: !expired && rec.revokedSubcode === undefined,
        issued_at: Math.floor(rec.issuedAt / 1000),
        scopes: ['instagram_basic', 'instagram_manage_messages', 'pages_show_list', 'pages_messaging'],
        user_id: rec.loginType === 'facebook' ? facebookUser.id : account.userId,
      }
      if (rec.kind === 'page' && rec.pageId) data.profile_id = rec.pageId
    }
    return reply(200, JSON.stringify({ data }), baseHeaders(e))
  }

  function igUserField(name) {
    switch (name) {
      case 'id': return JSON.stringify(account.id)
      case 'user_id': return account.userIdAsNumber ? account.userId : JSON.stringify(account.userId)
      case 'username': return JSON.stringify(account.username)
      case 'name': return JSON.stringify(account.name)
      case 'account_type': return JSON.stringify(account.accountType)
      case 'profile_picture_url': return JSON.stringify(account.profilePictureUrl)
      case 'followers_count': return String(account.followersCount)
      case 'follows_count': return String(account.followsCount)
      case 'media_count': return String(account.mediaCount)
      default: return undefined
    }
  }

  function me(e) {
    const a = authenticate(e)
    if (a.error) return a.error
    const fields = parseFields(e.query.fields)
    if (a.rec.loginType === 'facebook') {
      // graph.facebook.com: a user (or page) node; Instagram-only fields do not exist there.
      const node = a.rec.kind === 'page' ? 'Page' : 'User'
      // a page token's /me is its page (when the token names one of the pages)
      const page = a.rec.kind === 'page' && a.rec.pageId ? pages.find((p) => p.id === a.rec.pageId) : undefined
      const self = page ? { id: page.id, name: page.name } : facebookUser
      const parts = []
      let hasId = false
      for (const f of fields) {
        if (f.name === 'id') {
          hasId = true
          parts.push(`"id":${JSON.stringify(self.id)}`)
        } else if (f.name === 'name') parts.push(`"name":${JSON.stringify(self.name)}`)
        else return err100(e, `(#100) Tried accessing nonexisting field (${f.name}) on node type (${node})`)
      }
      if (!hasId) parts.push(`"id":${JSON.stringify(self.id)}`)
      return reply(200, `{${parts.join(',')}}`, baseHeaders(e))
    }
    const parts = []
    let hasId = false
    for (const f of fields) {
      if (f.name === 'id') hasId = true
      const v = igUserField(f.name)
      if (v === undefined) return err100(e, `(#100) Tried accessing nonexisting field (${f.name}) on node type (User)`)
      parts.push(`${JSON.stringify(f.name)}:${v}`)
    }
    if (!hasId) parts.push(`"id":${JSON.stringify(account.id)}`)
    return reply(200, `{${parts.join(',')}}`, baseHeaders(e))
  }

  const cursorOf = (index) => Buffer.from(`mock-cursor:${index}`).toString('base64')
  function indexOfCursor(c) {
    const m = /^mock-cursor:(\d+)$/.exec(Buffer.from(String(c), 'base64').toString())
    return m ? Number(m[1]) : -1
  }

  function pageTokenFor(pageId) {
    let t = pageTokens.get(pageId)
    if (!t || !tokenMap.has(t)) {
      t = tokens.issuePageToken({ pageId })
      pageTokens.set(pageId, t)
    }
    return t
  }

  function pageJson(page, fields) {
    const parts = []
    let hasId = false
    for (const f of fields) {
      switch (f.name) {
        case 'id': hasId = true; parts.push(`"id":${JSON.stringify(page.id)}`); break
        case 'name': parts.push(`"name":${JSON.stringify(page.name)}`); break
        case 'category': parts.push('"category":"Business"'); break
        case 'access_token': parts.push(`"access_token":${JSON.stringify(pageTokenFor(page.id))}`); break
        case 'tasks': parts.push('"tasks":["ADVERTISE","ANALYZE","CREATE_CONTENT","MESSAGING","MODERATE","MANAGE"]'); break
        case 'instagram_business_account': {
          if (!page.instagram) break
          const sub = f.sub === null ? [{ name: 'id' }] : parseFields(f.sub)
          const ig = []
          for (const s of sub) {
            if (s.name === 'id') ig.push(`"id":${JSON.stringify(page.instagram.id)}`)
            else if (s.name === 'username' && page.instagram.username !== undefined) ig.push(`"username":${JSON.stringify(page.instagram.username)}`)
            else if (s.name === 'name' && page.instagram.name !== undefined) ig.push(`"name":${JSON.stringify(page.instagram.name)}`)
          }
          if (ig.length === 0) ig.push(`"id":${JSON.stringify(page.instagram.id)}`)
          parts.push(`"instagram_business_account":{${ig.join(',')}}`)
          break
        }
        default: break // unknown page fields are left out
      }
    }
    if (!hasId) parts.push(`"id":${JSON.stringify(page.id)}`)
    return `{${parts.join(',')}}`
  }

  function meAccounts(e, req) {
    const a = authenticate(e)
    if (a.error) return a.error
    if (a.rec.loginType !== 'facebook') return err100(e, '(#100) Tried accessing nonexisting field (accounts) on node type (User)')
    if (a.rec.kind === 'page') return err100(e, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)')
    const q = e.query
    const fields = q.fields ? parseFields(q.fields) : [{ name: 'name' }, { name: 'id' }]
    let limit = pageSize
    if (q.limit !== undefined) {
      limit = Number.parseInt(q.limit, 10)
      if (!(limit > 0)) return err100(e, '(#100) The parameter limit must be a positive integer')
    }
    let start = 0
    if (q.after !== undefined) {
      const i = indexOfCursor(q.after)
      if (i < 0) return err100(e, '(#100) Invalid cursor: after')
      start = i + 1
    } else if (q.before !== undefined) {
      const i = indexOfCursor(q.before)
      if (i < 0) return err100(e, '(#100) Invalid cursor: before')
      start = Math.max(0, i - limit)
    }
    const slice = pages.slice(start, start + limit)
    const data = slice.map((p) => pageJson(p, fields)).join(',')
    if (slice.length === 0) return reply(200, '{"data":[]}', baseHeaders(e))
    const before = cursorOf(start)
    const after = cursorOf(start + slice.length - 1)
    const origin = `http://${req.headers.host || `${host}:${server.address().port}`}`
    const link = (key, cursor) => {
      const params = []
      if (nextIncludesToken && q.access_token === undefined && e.token) params.push(`access_token=${encodeURIComponent(e.token)}`)
      for (const k of Object.keys(q)) {
        if (k === 'after' || k === 'before' || k === 'limit') continue
        params.push(`${encodeURIComponent(k)}=${encodeURIComponent(q[k])}`)
      }
      params.push(`limit=${limit}`, `${key}=${encodeURIComponent(cursor)}`)
      return `${origin}${e.version ? `/${e.version}` : ''}/${facebookUser.id}/accounts?${params.join('&')}`
    }
    let paging = `"paging":{"cursors":{"before":${JSON.stringify(before)},"after":${JSON.stringify(after)}}`
    if (start > 0) paging += `,"previous":${JSON.stringify(link('before', before))}`
    if (start + slice.length < pages.length) paging += `,"next":${JSON.stringify(link('after', after))}`
    paging += '}'
    return reply(200, `{"data":[${data}],${paging}}`, baseHeaders(e))
  }

  const subscriptions = new Map() // account key → fields
  function subscribedApps(e, id) {
    const a = authenticate(e)
    if (a.error) return a.error
    const key = id === 'me' ? (a.rec.loginType === 'instagram' ? account.userId : (a.rec.pageId || (pages[0] && pages[0].id) || 'me')) : id
    if (e.method === 'GET') {
      const fields = subscriptions.get(key)
      const data = fields ? [{ subscribed_fields: fields, name: 'Mock App', id: appId }] : []
      return reply(200, JSON.stringify({ data }), baseHeaders(e))
    }
    if (e.method === 'DELETE') {
      subscriptions.delete(key)
      return reply(200, '{"success":true}', baseHeaders(e))
    }
    let fieldsParam = e.query.subscribed_fields
    if (fieldsParam === undefined && e.rawBody) {
      if (e.body && typeof e.body === 'object') fieldsParam = e.body.subscribed_fields
      else fieldsParam = parseQuery(e.rawBody).subscribed_fields
    }
    if (Array.isArray(fieldsParam)) fieldsParam = fieldsParam.join(',')
    if (!fieldsParam) return err100(e, '(#100) The parameter subscribed_fields is required')
    subscriptions.set(key, String(fieldsParam).split(',').map((s) => s.trim()).filter(Boolean))
    return reply(200, '{"success":true}', baseHeaders(e))
  }

  // ---- the app's webhook subscriptions (POST /{app-id}/subscriptions), by object
  const appSubscriptions = new Map()
  const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

  function appToken(e) {
    if (!e.token) return graphError(e, 400, { code: 2500, message: 'An active access token must be used to query information about the app.', type: 'OAuthException' })
    if (e.token !== `${appId}|${appSecret}`) return tokenUnparseable(e)
    return null
  }

  /** Meta's check of a callback URL: a GET handshake that must answer the challenge. */
  async function verifyCallback(callbackUrl, verifyToken) {
    let url
    try {
      url = new URL(callbackUrl)
    } catch {
      return false
    }
    if (!/^https?:$/.test(url.protocol) || !LOOPBACK_HOSTS.has(url.hostname)) return false
    const challenge = String(crypto.randomInt(1e9, 2e9))
    url.searchParams.set('hub.mode', 'subscribe')
    url.searchParams.set('hub.challenge', challenge)
    url.searchParams.set('hub.verify_token', verifyToken)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10000) })
      return res.status === 200 && (await res.text()) === challenge
    } catch {
      return false
    }
  }

  function subscriptionsOfApp(e, id) {
    if (id !== appId) return unsupported(e, id)
    const denied = appToken(e)
    if (denied) return denied
    if (e.method === 'GET') {
      const data = [...appSubscriptions.values()].map((s) => ({
        object: s.object,
        callback_url: s.callbackUrl,
        active: true,
        fields: s.fields.map((name) => ({ name, version: 'v24.0' })),
      }))
      return reply(200, JSON.stringify({ data }), baseHeaders(e))
    }
    const params = { ...(e.rawBody && e.rawBody.length ? (e.body && typeof e.body === 'object' ? e.body : parseQuery(String(e.rawBody))) : {}), ...e.query }
    if (e.method === 'DELETE') {
      if (params.object) appSubscriptions.delete(String(params.object))
      else appSubscriptions.clear()
      return reply(200, '{"success":true}', baseHeaders(e))
    }
    if (e.method !== 'POST') return unsupported(e, id)
    for (const k of ['object', 'callback_url', 'verify_token', 'fields']) {
      if (!params[k]) return err100(e, `(#100) The parameter ${k} is required`)
    }
    const fields = String(params.fields).split(',').map((f) => f.trim()).filter(Boolean)
    return verifyCallback(String(params.callback_url), String(params.verify_token)).then((ok) => {
      if (!ok) {
        return err100(e, `(#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden`, { error_subcode: 2200 })
      }
      appSubscriptions.set(String(params.object), { object: String(params.object), callbackUrl: String(params.callback_url), fields })
      return reply(200, '{"success":true}', baseHeaders(e))
    })
  }

  const pageIds = () => new Set(pages.flatMap((p) => (p.instagram ? [p.id, p.instagram.id] : [p.id])))

  function derivedRecipientId(commentId) {
    const h = crypto.createHash('sha256').update(String(commentId)).digest()
    let digits = ''
    for (let i = 0; digits.length < 16; i++) digits += String(h[i] % 10)
    return '1' + digits // 17 digits, like an IGSID
  }

  function messages(e, id) {
    const a = authenticate(e)
    if (a.error) return a.error
    const rec = a.rec
    // which account sends
    let accountKey
    if (id === 'me') {
      accountKey = rec.loginType === 'instagram' ? account.userId : (rec.pageId || (pages[0] && pages[0].id) || facebookUser.id)
    } else {
      accountKey = id
      if (strictAccountIds) {
        const ok = rec.loginType === 'instagram' ? id === account.userId || id === account.id : pageIds().has(id)
        if (!ok) {
          return graphError(e, 400, {
            code: 100,
            error_subcode: 33,
            type: 'GraphMethodException',
            message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
          })
        }
      }
    }
    const headers = baseHeaders(e)
    if (usageState.businessUsage) headers['x-business-use-case-usage'] = `{"${accountKey}${businessUsageTail}`
    const fail = (status, g) => reply(status, graphErrorBody(g), headers)
    const bad = (message, extra) => fail(400, { code: 100, type: 'OAuthException', message, ...extra })

    const body = e.body
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      return bad('(#100) The request body must be a JSON object')
    }
    const r = body.recipient
    if (!r || typeof r !== 'object') return bad('(#100) The parameter recipient is required')
    const hasId = r.id !== undefined
    const hasComment = r.comment_id !== undefined
    if (hasId === hasComment) return bad('(#100) Param recipient must have exactly one of id, comment_id')
    if (hasId && (typeof r.id !== 'string' || !DIGITS_RE.test(r.id))) return bad('(#100) Param recipient[id] must be a valid ID string (e.g. "123")')
    if (hasComment && (typeof r.comment_id !== 'string' || !DIGITS_RE.test(r.comment_id))) return bad('(#100) Param recipient[comment_id] must be a valid ID string (e.g. "123")')
    const hasMessage = body.message !== undefined
    const action = body.sender_action
    if (hasMessage === (action !== undefined)) return bad('(#100) Must send either message or sender_action')
    if (action !== undefined) {
      if (!SENDER_ACTIONS.has(action)) return bad('(#100) Param sender_action must be one of {TYPING_ON, TYPING_OFF, MARK_SEEN, REACT, UNREACT}')
      if ((action === 'react' || action === 'unreact') && !(body.payload && typeof body.payload.message_id === 'string')) {
        return bad('(#100) The parameter payload[message_id] is required')
      }
      if (hasComment) return bad('(#100) A sender action cannot be sent to a comment')
    } else {
      const m = body.message
      if (!m || typeof m !== 'object') return bad('(#100) Param message must be a JSON object')
      if (typeof m.text === 'string' && Buffer.byteLength(m.text) > 1000) {
        return bad('(#100) Length of param message[text] must be less than or equal to 1000')
      }
      if (m.text === undefined && m.attachment === undefined && m.attachments === undefined) {
        return bad('(#100) Message must contain text, attachment or attachments')
      }
    }
    if (body.messaging_type !== undefined && !['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(body.messaging_type)) {
      return bad('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}')
    }
    const humanAgent = body.messaging_type === 'MESSAGE_TAG' && body.tag === 'HUMAN_AGENT'
    const recipientId = hasId ? r.id : derivedRecipientId(r.comment_id)
    const rules = (recipientRules.size && ((hasComment && recipientRules.get(r.comment_id)) || recipientRules.get(recipientId))) || null
    if (rules) {
      if (rules.unavailable) return fail(400, { code: 551, error_subcode: 1545041, type: 'OAuthException', message: "(#551) This person isn't available right now." })
      if (rules.noMatch) return fail(400, { code: 100, error_subcode: 2534014, type: 'IGApiException', message: 'No matching user found' })
      if (rules.messagingDisabled) return fail(400, { code: 200, error_subcode: 2534041, type: 'IGApiException', message: '(#200) The account owner has disabled access to instagram direct messages' })
      if (rules.windowClosed && !humanAgent) {
        return fail(403, { code: 10, error_subcode: 2534022, type: 'IGApiException', message: '(#10) This message is sent outside of allowed window.' })
      }
    }
    if (hasComment && oneReplyPerComment) {
      if (repliedComments.has(r.comment_id)) {
        return fail(500, { code: -1, error_subcode: 2534023, type: 'IGApiException', message: 'An unexpected error has occurred. Please retry your request later.' })
      }
      repliedComments.add(r.comment_id)
    }
    if (action !== undefined) {
      if (logEnabled) sent.push({ accountId: accountKey, recipientId, messageId: null, senderAction: action, body, at: nowMs })
      return reply(200, `{"recipient_id":"${recipientId}"}`, headers)
    }
    const messageId = Buffer.from(`ig_message_item:1:IGMessageThread:${accountKey}:${instanceSalt}${++seq}`).toString('base64url')
    if (logEnabled) sent.push({ accountId: accountKey, recipientId, messageId, senderAction: null, body, at: nowMs })
    return reply(200, `{"recipient_id":"${recipientId}","message_id":"${messageId}"}`, headers)
  }

  // The normal answer to a request.
  function handle(e, req) {
    const segs = e.path.split('/')
    const rest = segs.slice(e.version ? 2 : 1)
    if (segs[0] !== '' || rest.length === 0 || rest.some((s) => s === '')) return unknownPath(e)
    const m = e.method
    const n = rest.length
    if (n === 2 && rest[1] === 'messages') {
      if (m !== 'POST') return unsupported(e, rest[0])
      if (rest[0] !== 'me' && !DIGITS_RE.test(rest[0])) return unknownPath(e)
      return messages(e, rest[0])
    }
    if (n === 1) {
      switch (rest[0]) {
        case 'access_token': return m === 'GET' ? igExchange(e) : unsupported(e, rest[0])
        case 'refresh_access_token': return m === 'GET' ? igRefresh(e) : unsupported(e, rest[0])
        case 'debug_token': return m === 'GET' ? debugToken(e) : unsupported(e, rest[0])
        case 'me': return m === 'GET' ? me(e) : unsupported(e, rest[0])
        default: return unknownPath(e)
      }
    }
    if (n === 2) {
      if (rest[0] === 'oauth' && rest[1] === 'access_token') return m === 'GET' ? fbExchange(e) : unsupported(e, 'oauth')
      if (rest[1] === 'accounts' && (rest[0] === 'me' || rest[0] === facebookUser.id)) return m === 'GET' ? meAccounts(e, req) : unsupported(e, rest[0])
      if (rest[1] === 'subscribed_apps' && (rest[0] === 'me' || DIGITS_RE.test(rest[0]))) return subscribedApps(e, rest[0])
      if (rest[1] === 'subscriptions' && DIGITS_RE.test(rest[0])) return subscriptionsOfApp(e, rest[0])
    }
    return unknownPath(e)
  }

  function unknownPath(e) {
    return graphError(e, 400, { code: 2500, type: 'OAuthException', message: `Unknown path components: ${e.path}` })
  }
  function unsupported(e, id) {
    return graphError(e, 400, {
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported ${e.method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    })
  }

  // ---- writing answers and faults

  const timers = new Set()
  function later(ms, fn) {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
    return t
  }

  function send(res, r) {
    if (res.destroyed || res.writableEnded) return
    const h = r.headers
    if (h['content-length'] === undefined) h['content-length'] = Buffer.byteLength(r.body)
    res.writeHead(r.status, h)
    res.end(r.body)
  }

  function rstSocket(socket) {
    if (!socket || socket.destroyed) return
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
    else socket.destroy()
  }

  function bodyOf(r) {
    return Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body)
  }

  function applyFault(e, req, res, f) {
    if (res.destroyed) return
    const extra = f.headers || null
    if (f.delayMs !== undefined) {
      later(f.delayMs, () => {
        if (res.destroyed || res.writableEnded) return
        if (f.then) applyFault(e, req, res, f.then)
        else send(res, handle(e, req))
      })
      return
    }
    if (f.hang) return // keep the socket; close() or the client ends it
    if (f.reset) return rstSocket(req.socket)
    if (f.drip) {
      res.writeHead(f.status ?? 200, { 'content-type': JSON_CT, ...extra })
      const text = '{"data":"' + 'x'.repeat(1024)
      let i = 0
      res.write(text[i++])
      const iv = setInterval(() => {
        if (res.destroyed) return clearInterval(iv)
        res.write(text[i++ % text.length])
      }, f.intervalMs ?? 100)
      timers.add(iv)
      res.on('close', () => {
        clearInterval(iv)
        timers.delete(iv)
      })
      return
    }
    if (f.html) {
      const body = f.body ?? '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p></body></html>\n'
      return send(res, reply(f.status ?? 502, body, { 'content-type': 'text/html; charset=utf-8', ...extra }))
    }
    if (f.graphError) {
      const h = baseHeaders(e)
      if (usageState.businessUsage && /\/messages$/.test(e.path)) {
        const id = e.path.split('/').slice(-2)[0]
        h['x-business-use-case-usage'] = `{"${id === 'me' ? account.userId : id}${businessUsageTail}`
      }
      if (f.graphError.code === 190) h['www-authenticate'] = 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token."'
      return send(res, reply(f.status ?? 400, graphErrorBody(f.graphError), { ...h, ...extra }))
    }
    if (f.truncated || f.resetMidBody) {
      const r = handle(e, req)
      const buf = bodyOf(r)
      const part = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)))
      res.writeHead(f.status ?? r.status, { ...r.headers, 'content-length': buf.length, ...extra })
      res.write(part, () => {
        if (f.truncated) req.socket.destroy()
        else later(f.resetAfterMs ?? 50, () => rstSocket(req.socket))
      })
      return
    }
    if (f.truncatedJson) {
      const r = handle(e, req)
      const buf = bodyOf(r)
      const cut = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)))
      return send(res, reply(f.status ?? r.status, cut, { ...r.headers, 'content-length': cut.length, ...extra }))
    }
    if (f.bigBody !== undefined) {
      // A 200 JSON-ish body of exactly `bigBody` bytes (valid JSON when at least 60 bytes).
      const size = Math.max(0, Math.floor(f.bigBody))
      res.writeHead(f.status ?? 200, { 'content-type': JSON_CT, 'content-length': size, ...extra })
      let head = Buffer.from('{"recipient_id":"1","message_id":"aWdfbWlk","padding":"')
      let tail = Buffer.from('"}')
      if (size < head.length + tail.length) {
        head = Buffer.alloc(0)
        tail = Buffer.alloc(0)
      }
      const filler = Buffer.alloc(65536, 'x')
      let fill = size - head.length - tail.length
      if (head.length) res.write(head)
      const pump = () => {
        while (fill > 0) {
          if (res.destroyed) return
          const piece = fill >= filler.length ? filler : filler.subarray(0, fill)
          fill -= piece.length
          if (!res.write(piece)) return res.once('drain', pump)
        }
        res.end(tail)
      }
      pump()
      return
    }
    if (f.contentType) {
      if (f.body !== undefined) {
        return send(res, reply(f.status ?? 200, toBodyString(f.body), { 'content-type': f.contentType, ...extra }))
      }
      const r = handle(e, req)
      return send(res, reply(f.status ?? r.status, r.body, { ...r.headers, 'content-type': f.contentType, ...extra }))
    }
    // raw answer
    const body = toBodyString(f.body)
    const isJsonish = typeof f.body === 'object' && f.body !== null && !Buffer.isBuffer(f.body)
    const ct = isJsonish || (typeof body === 'string' && /^\s*[[{]/.test(body)) ? JSON_CT : 'text/plain; charset=utf-8'
    return send(res, reply(f.status ?? 200, body, { 'content-type': ct, ...extra }))
  }

  // ---- control endpoints (/__mock/…): for the standalone server and out-of-process tools

  function controlAnswer(e, req, res) {
    const ok = (obj, status = 200) => send(res, reply(status, JSON.stringify(obj, (k, v) => (v === Infinity ? null : v)), { 'content-type': JSON_CT }))
    const b = (e.body && typeof e.body === 'object') ? e.body : {}
    try {
      const route = `${e.method} ${e.path}`
      switch (route) {
        case 'GET /__mock/state':
          return ok({ now: nowMs, requests: requests.length, connections: mock.connections, openConnections: mock.openConnections, faults: faultQueue.length, usage: usage.get() })
        case 'POST /__mock/tokens': {
          const kind = b.kind ?? 'short'
          const t = b.token ? tokens.add(b.token, b)
            : kind === 'short' ? tokens.issueShortLived(b)
              : kind === 'page' ? tokens.issuePageToken(b)
                : tokens.issueLongLived(b)
          return ok({ token: t, ...tokens.get(t) })
        }
        case 'POST /__mock/revoke': return ok({ revoked: tokens.revoke(b.token, b.subcode ?? 460) })
        case 'POST /__mock/clock':
          if (b.set !== undefined) clock.set(b.set)
          if (b.advance !== undefined) clock.advance(b.advance)
          return ok({ now: nowMs })
        case 'GET /__mock/requests': return ok(requests)
        case 'DELETE /__mock/requests': mock.resetLog(); return ok({ ok: true })
        case 'POST /__mock/faults': {
          const match = b.match && typeof b.match === 'object' && b.match.regex !== undefined ? new RegExp(b.match.regex, b.match.flags) : b.match
          const times = b.times === null || b.times === 'Infinity' ? Infinity : b.times
          mock.fail(match, b.fault, { times })
          return ok({ ok: true, queued: faultQueue.length })
        }
        case 'DELETE /__mock/faults': mock.clearFaults(); return ok({ ok: true })
        case 'POST /__mock/usage': return ok(usage.set(b))
        case 'POST /__mock/recipients': recipients.set(b.id, b); return ok({ ok: true })
        case 'DELETE /__mock/recipients': recipients.clear(); return ok({ ok: true })
        default: return ok({ error: `unknown control route ${route}` }, 404)
      }
    } catch (err) {
      return ok({ error: String(err && err.message) }, 400)
    }
  }

  // ---- the HTTP server

  function dispatch(req, res, rawBody) {
    const url = req.url
    const qi = url.indexOf('?')
    const path = qi < 0 ? url : url.slice(0, qi)
    const query = qi < 0 ? {} : parseQuery(url.slice(qi + 1))
    let body
    if (rawBody.length) {
      try {
        body = JSON.parse(rawBody)
      } catch {
        body = undefined
      }
    }
    const headers = req.headers
    let auth = null
    let token = null
    const authz = headers.authorization
    if (authz !== undefined && authz.length > 7 && authz.slice(0, 7).toLowerCase() === 'bearer ') {
      auth = 'bearer'
      token = authz.slice(7).trim()
    } else if (query.access_token !== undefined) {
      auth = 'query'
      token = query.access_token
    } else if (query.fb_exchange_token !== undefined) {
      auth = 'query'
      token = query.fb_exchange_token
    }
    let version = null
    if (path.charCodeAt(1) === 118 /* v */) {
      const slash = path.indexOf('/', 1)
      const first = slash < 0 ? path.slice(1) : path.slice(1, slash)
      if (VERSION_RE.test(first)) version = first
    }
    const e = { method: req.method, path, query, headers, rawBody, body, auth, token, version, at: nowMs }
    if (controlEnabled && path.startsWith('/__mock/')) return controlAnswer(e, req, res)
    logEntry(e)
    if (faultQueue.length) {
      for (let k = 0; k < faultQueue.length; k++) {
        const entry = faultQueue[k]
        if (!entry.matches(e)) continue
        entry.hits++
        if (--entry.remaining <= 0) faultQueue.splice(k, 1)
        e.fault = entry.fault
        return applyFault(e, req, res, entry.fault)
      }
    }
    if (answers.length) {
      for (const a of answers) {
        if (!a.matches(e)) continue
        return runAnswer(a, e, req, res)
      }
    }
    const answer = handle(e, req)
    // the app subscriptions edge answers after calling the callback URL back
    if (answer && typeof answer.then === 'function') answer.then((r) => send(res, r))
    else send(res, answer)
  }

  function runAnswer(a, e, req, res) {
    const ctx = {
      mock,
      normal: () => handle(e, req),
      send: (r) => send(res, r),
      reply: (status, body, headers) => send(res, reply(status, toBodyString(body), { 'content-type': JSON_CT, ...headers })),
      graphError: (g, status = 400, headers) => send(res, reply(status, graphErrorBody(g), { ...baseHeaders(e), ...headers })),
      fault: (f) => applyFault(e, req, res, f),
    }
    const finish = (out) => {
      if (out && typeof out === 'object' && out.status !== undefined && !res.headersSent) send(res, { status: out.status, headers: { 'content-type': JSON_CT, ...out.headers }, body: toBodyString(out.body) })
    }
    try {
      const out = a.handler(e, res, ctx)
      if (out && typeof out.then === 'function') {
        out.then(finish, (err) => send(res, reply(500, graphErrorBody({ code: 1, message: `mock answer handler failed: ${err && err.message}` }), { 'content-type': JSON_CT })))
      } else finish(out)
    } catch (err) {
      send(res, reply(500, graphErrorBody({ code: 1, message: `mock answer handler failed: ${err && err.message}` }), { 'content-type': JSON_CT }))
    }
  }

  const sockets = new Set()
  let connectionCount = 0
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()
      dispatch(req, res, raw)
    })
  })
  server.keepAliveTimeout = opts.keepAliveTimeout ?? 5000
  server.on('connection', (socket) => {
    connectionCount++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = server.address().port

  let closing = null
  const mock = {
    url: `http://${host}:${port}`,
    port,
    server,
    appId,
    appSecret,
    account,
    pages,
    facebookUser,
    clock,
    tokens,
    recipients,
    usage,
    /** Every request received, in order (empty with option log: false). */
    requests,
    /** Every message / sender action the mock accepted: { accountId, recipientId, messageId, senderAction, body, at }. */
    sent,
    requestsTo(match) {
      const m = makeMatcher(match)
      return requests.filter((e) => m(e))
    },
    resetLog() {
      requests.length = 0
      sent.length = 0
    },
    get connections() {
      return connectionCount
    },
    get openConnections() {
      return sockets.size
    },
    /** Queues `fault` for the next `times` requests that `match`. */
    fail(match, fault, { times = 1 } = {}) {
      validateFault(fault)
      if (!(times > 0)) throw new TypeError('times must be a positive number (Infinity allowed)')
      const entry = {
        match,
        fault,
        remaining: times,
        hits: 0,
        matches: makeMatcher(match),
        cancel() {
          const k = faultQueue.indexOf(entry)
          if (k >= 0) faultQueue.splice(k, 1)
        },
      }
      faultQueue.push(entry)
      return entry
    },
    clearFaults() {
      faultQueue.length = 0
    },
    get pendingFaults() {
      return faultQueue.length
    },
    /** A custom answer for requests that match, until the returned function is called. */
    answer(match, handler) {
      if (typeof handler !== 'function') throw new TypeError('answer(match, handler): handler must be a function')
      const entry = { matches: makeMatcher(match), handler }
      answers.push(entry)
      return () => {
        const k = answers.indexOf(entry)
        if (k >= 0) answers.splice(k, 1)
      }
    },
    clearAnswers() {
      answers.length = 0
    },
    /** hex HMAC-SHA256 of the token keyed by the app secret. */
    appsecretProof(token) {
      return hmacHex(appSecret, token)
    },
    /** The app's webhook subscriptions (POST /{app-id}/subscriptions), by object. */
    get appSubscriptions() {
      return appSubscriptions
    },
    /** Page size of /me/accounts (also settable per request with `limit`). */
    setPageSize(n) {
      pageSize = n
    },
    close() {
      if (closing) return closing
      closing = new Promise((resolve) => {
        faultQueue.length = 0
        answers.length = 0
        for (const t of timers) {
          clearTimeout(t)
          clearInterval(t)
        }
        timers.clear()
        const socketsClosed = [...sockets].map((s) => new Promise((done) => {
          if (s.destroyed && !sockets.has(s)) return done()
          s.once('close', done)
          s.destroy()
        }))
        const serverClosed = new Promise((done) => server.close(() => done()))
        if (typeof server.closeAllConnections === 'function') server.closeAllConnections()
        Promise.all([serverClosed, ...socketsClosed]).then(() => resolve())
      })
      return closing
    },
  }
  return mock
}

module.exports = { startMockGraph }

// ---------------------------------------------------------------- standalone

if (require.main === module) {
  const args = process.argv.slice(2)
  const opt = (name) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const num = (v) => (v === undefined ? undefined : Number(v))
  startMockGraph({
    port: num(opt('--port')) ?? 0,
    appId: opt('--app-id'),
    appSecret: opt('--app-secret'),
    pageSize: num(opt('--page-size')),
    now: opt('--now') === undefined ? undefined : (Number.isFinite(Number(opt('--now'))) ? Number(opt('--now')) : Date.parse(opt('--now'))),
    log: !args.includes('--no-log'),
    maxLogEntries: 10000,
  }).then((mock) => {
    process.stdout.write(`${mock.url}\n`)
    const info = {
      appId: mock.appId,
      appSecret: mock.appSecret,
      instagramShortLived: mock.tokens.issueShortLived({ loginType: 'instagram' }),
      instagramLongLived: mock.tokens.issueLongLived({ loginType: 'instagram' }),
      facebookShortLived: mock.tokens.issueShortLived({ loginType: 'facebook' }),
      facebookPageToken: mock.tokens.issuePageToken({ pageId: mock.pages[0] && mock.pages[0].id }),
      control: `${mock.url}/__mock/state`,
    }
    process.stderr.write(`mock Graph API ready: ${JSON.stringify(info, null, 2)}\n`)
    const stop = () => mock.close().then(() => process.exit(0))
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  }, (err) => {
    process.stderr.write(`mock Graph API failed to start: ${err && err.message}\n`)
    process.exit(1)
  })
}
