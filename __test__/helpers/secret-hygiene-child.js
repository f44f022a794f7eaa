'use strict'
// Child process for secret-hygiene.test.js, run with its cwd in a fresh temp dir. Exercises
// every export with distinctive secrets through success and every failure path, and prints
// on stdout everything the addon handed back: each error (message, stack, every own
// property), each warning, each result (minus the `accessToken` a grant legitimately
// returns), each process warning. The parent scans this, the child's stderr and the files in
// the temp dir for the secrets.

const crypto = require('node:crypto')
const path = require('node:path')
const ig = require(path.join(__dirname, '..', '..'))
const { startMockGraph } = require(path.join(__dirname, '..', '..', 'mock'))

const S = JSON.parse(process.argv[2]) // the secrets, chosen by the parent
const out = (kind, value) => process.stdout.write(JSON.stringify({ kind, value }) + '\n')
process.on('warning', (w) => out('process-warning', { name: w.name, message: w.message, stack: w.stack }))

function errorView(e) {
  if (!e || typeof e !== 'object') return { thrown: String(e) }
  const v = { message: String(e.message), stack: String(e.stack), string: String(e) }
  for (const k of Object.getOwnPropertyNames(e)) v[`own:${k}`] = typeof e[k] === 'object' ? JSON.stringify(e[k]) : String(e[k])
  v.inspect = require('node:util').inspect(e, { showHidden: true, depth: 5 })
  return v
}
function resultView(r) {
  if (!r || typeof r !== 'object') return r
  const { accessToken, ...rest } = r // the token a call returns is its purpose, not a leak
  return rest
}
async function attempt(name, fn) {
  try {
    const r = await fn()
    out('result', { name, result: resultView(r) })
  } catch (e) {
    out('error', { name, error: errorView(e) })
  }
}

async function main() {
  const T0 = Date.parse('2026-11-28T12:00:00Z')
  const DAY = 86400e3
  const mock = await startMockGraph({ now: T0, appSecret: S.clientSecret, appId: '1234567890' })
  // The mock issues the tokens: register ours so they are valid there.
  mock.tokens.add(S.shortToken, { kind: 'short', loginType: 'instagram', issuedAt: T0 })
  mock.tokens.add(S.longToken, { kind: 'long', loginType: 'instagram', issuedAt: T0 - 55 * DAY })
  mock.tokens.add(S.fbToken, { kind: 'long', loginType: 'facebook', issuedAt: T0 - DAY })
  const refused = await new Promise((resolve) => {
    const srv = require('node:net').createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port
      srv.close(() => resolve(`http://127.0.0.1:${port}`))
    })
  })
  const opts = { instagramUrl: mock.url, facebookUrl: mock.url, now: T0, timeoutMs: 300, maxRetries: 0 }

  // Each call, the path its request takes, and the secrets its request carries (what a
  // server could echo back; the addon redacts every one of them from server text).
  const calls = {
    exchangeToken: [/access_token$/, ['shortToken', 'clientSecret'], () => ig.exchangeToken({ accessToken: S.shortToken, clientSecret: S.clientSecret }, opts)],
    exchangeTokenFacebook: [/oauth\/access_token$/, ['fbToken', 'clientSecret'], () => ig.exchangeToken({ accessToken: S.fbToken, clientSecret: S.clientSecret, clientId: '1234567890' }, opts)],
    refreshToken: ['/refresh_access_token', ['longToken'], () => ig.refreshToken({ accessToken: S.longToken }, opts)],
    preAuthenticateRefresh: ['/refresh_access_token', ['longToken'], () => ig.preAuthenticate({ accessToken: S.longToken, accessTokenIssuedAt: T0 - 55 * DAY, accessTokenExpiresAt: T0 + 5 * DAY, clientSecret: S.clientSecret }, opts)],
    preAuthenticateExchange: ['/access_token', ['shortToken', 'clientSecret'], () => ig.preAuthenticate({ accessToken: S.longToken, accessTokenIssuedAt: T0 - 10 * DAY, accessTokenExpiresAt: T0 + 50 * DAY, oauthAccessToken: S.shortToken, clientSecret: S.clientSecret }, opts)],
    getAccount: ['/v24.0/me', ['longToken'], () => ig.getAccount({ accessToken: S.longToken }, opts)],
    getAccountFacebook: ['/v24.0/me/accounts', ['fbToken'], () => ig.getAccount({ accessToken: S.fbToken }, opts)],
    sendMessage: ['/v24.0/me/messages', ['longToken'], () => ig.sendMessage({ accessToken: S.longToken, recipient: { id: '1254477777772919' }, message: { text: 'hi' } }, opts)],
    sendMessageFacebook: [/\/messages$/, ['fbToken', 'appSecret'], () => ig.sendMessage({ accessToken: S.fbToken, appSecret: S.appSecret, accountId: '9100000000000001', recipient: { id: '1254477777772919' }, message: { text: 'hi' } }, opts)],
    setIceBreakers: ['/v24.0/me/messenger_profile', ['longToken'], () => ig.setIceBreakers({ accessToken: S.longToken, iceBreakers: [{ locale: 'default', questions: [{ question: 'q', payload: 'p' }] }] }, opts)],
    getPersistentMenuFacebook: [/\/messenger_profile$/, ['fbToken', 'appSecret'], () => ig.getPersistentMenu({ accessToken: S.fbToken, appSecret: S.appSecret, accountId: '9100000000000001' }, opts)],
    replyToComment: [/\/replies$/, ['longToken'], () => ig.replyToComment({ accessToken: S.longToken, commentId: '17865799348089039', text: 'thanks' }, opts)],
    hideCommentFacebook: ['/v24.0/17865799348089039', ['fbToken', 'appSecret'], () => ig.hideComment({ accessToken: S.fbToken, appSecret: S.appSecret, commentId: '17865799348089039' }, opts)],
    deleteComment: ['/v24.0/17865799348089039', ['longToken'], () => ig.deleteComment({ accessToken: S.longToken, commentId: '17865799348089039' }, opts)],
    getUserProfile: ['/v24.0/1254477777772919', ['longToken'], () => ig.getUserProfile({ accessToken: S.longToken, userId: '1254477777772919' }, opts)],
    markSeen: ['/v24.0/me/messages', ['longToken'], () => ig.markSeen({ accessToken: S.longToken, userId: '1254477777772919' }, opts)],
    // the conversation calls are paced at 2 a second: not what this suite is about
    listConversations: ['/v24.0/me/conversations', ['longToken'], () => ig.listConversations({ accessToken: S.longToken }, { ...opts, pacing: false })],
    getMessagesFacebook: [/\/conversations$/, ['fbToken', 'appSecret'], () => ig.getMessages({ accessToken: S.fbToken, appSecret: S.appSecret, accountId: '9100000000000001', userId: '1254477777772919' }, { ...opts, pacing: false })],
  }
  const faultsFor = (echo) => ({
    success: null,
    '500 html': { html: true, status: 500 },
    'graph 190 echoing the secrets': { graphError: { code: 190, message: echo, error_user_msg: echo, error_user_title: echo } },
    'graph 100 echoing the secrets': { graphError: { code: 100, message: echo, error_user_msg: echo } },
    'transient echoing the secrets': { graphError: { code: 2, is_transient: true, message: echo } },
    'rate limit': { graphError: { code: 4 } },
    'HTML echoing the secrets': { contentType: 'text/html', status: 200, body: `<html>${echo}</html>` },
    '404 text echoing the secrets': { status: 404, body: echo },
    'truncated JSON': { truncatedJson: true },
    '10 MB body': { bigBody: 10 * 1024 * 1024 },
    'reset mid-body': { resetMidBody: true },
    reset: { reset: true },
    hang: { hang: true },
    drip: { drip: true, intervalMs: 20 },
  })
  for (const [fname, [match, given, call]] of Object.entries(calls)) {
    const echo = given.map((k) => `${k}=${S[k]}`).join(' and ')
    for (const [fault, f] of Object.entries(faultsFor(echo))) {
      mock.clearFaults()
      if (f) mock.fail(match, f, { times: Infinity })
      await attempt(`${fname} × ${fault}`, call)
    }
    mock.clearFaults()
    for (const [what, base] of [['refused', refused], ['dns', 'https://graph.instagram.invalid']]) {
      const saved = { ...opts }
      opts.instagramUrl = base
      opts.facebookUrl = base
      await attempt(`${fname} × ${what}`, call)
      Object.assign(opts, saved)
    }
  }

  // Caller mistakes with a secret in the wrong place: the message names the field only.
  const wrong = {
    'loginType is the token': () => ig.exchangeToken({ accessToken: S.shortToken, clientSecret: S.clientSecret, loginType: S.longToken }, opts),
    'clientSecret a number, token as clientId': () => ig.exchangeToken({ accessToken: S.shortToken, clientSecret: 5, clientId: S.longToken }, opts),
    'expiry is the client secret': () => ig.tokenStatus({ accessToken: S.longToken, accessTokenExpiresAt: S.clientSecret }),
    'recipient is the token': () => ig.sendMessage({ accessToken: S.longToken, recipient: S.longToken, message: { text: 'x' } }, opts),
    'senderAction is the app secret': () => ig.sendMessage({ accessToken: S.longToken, recipient: { id: '1' }, senderAction: S.appSecret }, opts),
    'messagingType is the token': () => ig.sendMessage({ accessToken: S.longToken, recipient: { id: '1' }, message: { text: 'x' }, messagingType: S.longToken }, opts),
    'apiVersion is the client secret': () => ig.getAccount({ accessToken: S.longToken }, { ...opts, apiVersion: S.clientSecret }),
    'instagramUrl carries the token as a password': () => ig.getAccount({ accessToken: S.longToken }, { ...opts, instagramUrl: `https://u:${S.longToken}@graph.instagram.com` }),
    'instagramUrl carries the token in a query': () => ig.getAccount({ accessToken: S.longToken }, { ...opts, instagramUrl: `https://graph.instagram.com/?access_token=${S.longToken}` }),
    'refresh of a Facebook token': () => ig.refreshToken({ accessToken: S.fbToken }, opts),
    'preAuthenticate: expired': () => ig.preAuthenticate({ accessToken: S.longToken, accessTokenExpiresAt: T0 - DAY, clientSecret: S.clientSecret }, opts),
    'preAuthenticate: no client secret for an exchange': () => ig.preAuthenticate({ oauthAccessToken: S.shortToken }, opts),
    'tokenStatus: every state': () => [T0 - DAY, T0 + DAY, T0 + 30 * DAY].map((at) => ig.tokenStatus({ accessToken: S.longToken, accessTokenExpiresAt: at, accessTokenIssuedAt: T0 - 2 * DAY, oauthAccessToken: S.shortToken, clientSecret: S.clientSecret }, { now: T0 })),
  }
  for (const [name, fn] of Object.entries(wrong)) await attempt(name, fn)

  // Webhooks: every outcome, sync and async.
  const body = Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'm', text: `a text that quotes ${S.appSecret}` } }] }] }))
  const sig = (secret, b = body) => 'sha256=' + crypto.createHmac('sha256', secret).update(b).digest('hex')
  const secrets = { appSecret: [S.appSecret, S.clientSecret], verifyToken: S.verifyToken }
  const requests = {
    'GET good': { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': S.verifyToken, 'hub.challenge': '42' } },
    'GET wrong token': { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': S.verifyToken + 'x', 'hub.challenge': '42' } },
    'GET not a handshake': { method: 'GET', query: { 'hub.verify_token': S.verifyToken } },
    'POST signed': { method: 'POST', headers: { 'x-hub-signature-256': sig(S.appSecret) }, body },
    'POST signed by another secret': { method: 'POST', headers: { 'x-hub-signature-256': sig('another-secret') }, body },
    'POST unsigned': { method: 'POST', body },
    'POST too large': { method: 'POST', headers: { 'x-hub-signature-256': sig(S.appSecret) }, body: Buffer.alloc(2 * 1024 * 1024) },
    'POST not JSON': { method: 'POST', headers: { 'x-hub-signature-256': sig(S.appSecret, Buffer.from(S.appSecret)) }, body: Buffer.from(S.appSecret) },
    'POST a parsed body': { method: 'POST', headers: {}, body: { secret: S.appSecret } },
    'PUT': { method: 'PUT' },
  }
  for (const [name, req] of Object.entries(requests)) {
    await attempt(`verifyWebhookSync ${name}`, () => {
      const r = ig.verifyWebhookSync(req, secrets)
      return r.kind === 'events' ? { kind: r.kind, count: r.events.length } : r // event text quotes what the sender wrote
    })
    await attempt(`verifyWebhook ${name}`, async () => {
      const r = await ig.verifyWebhook(req, secrets)
      return r.kind === 'events' ? { kind: r.kind, count: r.events.length } : r
    })
  }
  await attempt('verifyWebhookSync GET without a verify token configured', () => ig.verifyWebhookSync(requests['GET good'], { appSecret: S.appSecret }))
  await attempt('verifyWebhookSync POST without an app secret configured', () => ig.verifyWebhookSync(requests['POST signed'], { verifyToken: S.verifyToken }))

  await mock.close()
  out('done', true)
}

main().catch((e) => {
  out('fatal', errorView(e))
  process.exitCode = 1
})
