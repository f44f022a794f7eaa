'use strict'
// startMockGraph: reads the options into the mock's state `m` (shared by the routes), serves HTTP
// on 127.0.0.1 and returns the mock object tests drive (see ../README.md). A request goes: control
// route (/__mock/…) → request log → first matching queued fault → first matching custom answer →
// the normal answer (routes/).

const http = require('node:http')
const { performance } = require('node:perf_hooks')
const { createClock } = require('./clock')
const { createTokens, checkRefreshModel, META_LONG_LIVED_SEC } = require('./tokens')
const { createUsage } = require('./usage')
const { worldOf } = require('./defaults')
const { randomAlnum } = require('./random')
const { appsecretProof } = require('./auth')
const { readRequest, makeMatcher } = require('./request')
const { send } = require('./reply')
const { createRecipients } = require('./routes/messages')
const { createComments } = require('./routes/comments')
const { createProfiles } = require('./routes/profiles')
const { createConversations } = require('./routes/conversation-store')
const { createMessengerProfiles } = require('./routes/messenger-profile')
const { handle } = require('./routes')
const { createFaultQueue, applyFault, runAnswer } = require('./faults')
const { controlAnswer } = require('./control')

/**
 * Starts a mock Graph API server on 127.0.0.1.
 * @returns {Promise<MockGraph>}
 */
async function startMockGraph(options = {}) {
  const opts = options || {}
  const logEnabled = opts.log !== false
  const maxLogEntries = opts.maxLogEntries ?? Infinity
  const controlEnabled = opts.control !== false
  const clock = createClock(opts.now ?? Date.now())
  const tokens = createTokens(clock)
  const usage = createUsage()
  const recipients = createRecipients()
  const comments = createComments()
  const profiles = createProfiles()
  const messengerProfile = createMessengerProfiles()
  const faults = createFaultQueue()
  const answers = []
  const requests = []
  const sent = []

  // The state the routes and faults read: m.
  const m = {
    appId: String(opts.appId ?? '1234567890'),
    appSecret: String(opts.appSecret ?? 'mock-app-secret'),
    host: opts.host ?? '127.0.0.1',
    ...worldOf(opts),
    options: {
      logEnabled,
      strictAccountIds: opts.strictAccountIds !== false,
      oneReplyPerComment: opts.oneReplyPerComment !== false,
      nextIncludesToken: opts.nextIncludesToken === true,
      permissionsField: opts.permissionsField === true,
      longLivedExpiresIn: opts.longLivedExpiresIn ?? META_LONG_LIVED_SEC,
      requireAppsecretProof: opts.requireAppsecretProof === true,
    },
    pageSize: opts.pageSize ?? 25,
    refreshModel: checkRefreshModel(opts.refreshModel ?? 'new'),
    instanceSalt: randomAlnum(6),
    seq: 0, // message ids
    clock,
    tokens,
    usage,
    recipients,
    comments,
    profiles,
    messengerProfile,
    conversations: null, // below: it needs the account
    sent,
    pageTokens: new Map(), // page id → page token
    subscriptions: new Map(), // account key → subscribed fields
    appSubscriptions: new Map(), // object → { object, callbackUrl, fields }
    timers: new Set(), // pending delays and drips, cleared by close()
    server: null,
  }

  m.conversations = createConversations(clock, m.account)

  function logEntry(e) {
    if (!logEnabled) return
    requests.push(e)
    if (requests.length > maxLogEntries) requests.splice(0, requests.length - Math.floor(maxLogEntries / 2))
  }

  function dispatch(req, res, rawBody, receivedAt) {
    const e = readRequest(req, rawBody, clock.now())
    e.receivedAt = receivedAt
    if (controlEnabled && e.path.startsWith('/__mock/')) return controlAnswer(mock, e, res)
    logEntry(e)
    if (faults.queue.length) {
      const fault = faults.take(e)
      if (fault) {
        e.fault = fault
        return applyFault(m, e, req, res, fault)
      }
    }
    for (const a of answers) {
      if (a.matches(e)) return runAnswer(m, mock, a, e, req, res)
    }
    const answer = handle(m, e, req)
    // the app subscriptions edge answers after calling the callback URL back
    if (answer && typeof answer.then === 'function') answer.then((r) => send(res, r))
    else send(res, answer)
  }

  const sockets = new Set()
  let connectionCount = 0
  const server = http.createServer((req, res) => {
    // Real (monotonic) time, unlike the mock clock: when the request's head arrived.
    const receivedAt = performance.now()
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()
      dispatch(req, res, raw, receivedAt)
    })
  })
  m.server = server
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
    server.listen(opts.port ?? 0, m.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = server.address().port

  let closing = null
  const mock = {
    url: `http://${m.host}:${port}`,
    port,
    server,
    appId: m.appId,
    appSecret: m.appSecret,
    account: m.account,
    pages: m.pages,
    facebookUser: m.facebookUser,
    clock,
    tokens: tokens.api,
    recipients: recipients.api,
    /** Comment states and public replies (routes/comments.js). */
    comments: comments.api,
    /** People who gave consent to their profile (routes/profiles.js). */
    profiles: profiles.api,
    /** Ice breakers and persistent menus, per account (routes/messenger-profile.js). */
    messengerProfile: messengerProfile.api,
    /** The inbox: conversations and their messages (routes/conversation-store.js). */
    conversations: m.conversations.api,
    usage: usage.api,
    /** Every request received, in order (empty with option log: false). */
    requests,
    /** Every message / sender action the mock accepted: { accountId, recipientId, messageId, senderAction, body, at }. */
    sent,
    requestsTo(match) {
      const matches = makeMatcher(match)
      return requests.filter((e) => matches(e))
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
    fail: faults.fail,
    clearFaults() {
      faults.queue.length = 0
    },
    get pendingFaults() {
      return faults.queue.length
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
      return appsecretProof(m.appSecret, token)
    },
    /** The app's webhook subscriptions (POST /{app-id}/subscriptions), by object. */
    get appSubscriptions() {
      return m.appSubscriptions
    },
    /** Page size of /me/accounts (also settable per request with `limit`). */
    setPageSize(n) {
      m.pageSize = n
    },
    /** What a refresh does to the previous token: 'new' (default), 'new-revoke' or 'same' (tokens.js). */
    get refreshModel() {
      return m.refreshModel
    },
    setRefreshModel(model) {
      m.refreshModel = checkRefreshModel(model)
    },
    close() {
      if (closing) return closing
      closing = new Promise((resolve) => {
        faults.queue.length = 0
        answers.length = 0
        for (const t of m.timers) {
          clearTimeout(t)
          clearInterval(t)
        }
        m.timers.clear()
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
