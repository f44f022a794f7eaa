'use strict'
// Child process for pollution.test.js: pollutes Object.prototype (and Array.prototype) the
// way a lodash/qs-style bug elsewhere in the process would, then calls every export with
// inputs that lack the polluted keys. Prints one JSON line: what each call did. The
// parent's hostile servers record whether anything reached the polluted URL.

const crypto = require('node:crypto')
const path = require('node:path')
const ig = require(path.join(__dirname, '..', '..'))

const { goodUrl, evilUrl, secret } = JSON.parse(process.argv[2])
const TOKEN = 'IGAApollutionTestToken0123456789abcdef'
const body = Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'm', text: 'hi' } }] }] }))
const validSig = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')

const pollution = {
  // options
  instagramUrl: evilUrl,
  facebookUrl: evilUrl,
  apiVersion: 'v1.0',
  timeoutMs: 1,
  maxRetries: 10,
  now: 1,
  // webhook secrets and request
  allowUnsigned: true,
  appSecret: secret,
  verifyToken: 'polluted-verify-token',
  maxBodyBytes: 1,
  method: 'POST',
  body: 'polluted body',
  'x-hub-signature-256': validSig,
  'hub.mode': 'subscribe',
  'hub.verify_token': 'polluted-verify-token',
  'hub.challenge': 'polluted-challenge',
  // credentials and requests
  accessToken: 'IGAApollutedToken0123456789',
  oauthAccessToken: 'IGAApollutedOauth0123456789',
  clientSecret: 'polluted-client-secret',
  clientId: '999',
  loginType: 'facebook',
  accessTokenExpiresAt: 1,
  // messages
  quickReplies: [{ title: 'polluted', payload: 'p' }],
  tag: 'HUMAN_AGENT',
  messagingType: 'MESSAGE_TAG',
  commentId: '666',
  reaction: { messageId: 'polluted' },
}
for (const [k, v] of Object.entries(pollution)) Object.prototype[k] = v
Array.prototype[0] = 'https://polluted.example/x.png'

async function run(name, fn) {
  try {
    const v = await fn()
    return [name, { ok: true, value: JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'string' && x.startsWith('IGAA') ? '[token]' : x))) }]
  } catch (e) {
    return [name, { ok: false, code: e.code, message: String(e.message) }]
  }
}

;(async () => {
  const good = { instagramUrl: goodUrl, facebookUrl: goodUrl, timeoutMs: 5000, maxRetries: 0 }
  // Calls that give no base URL: the default (https://graph.instagram.com) is not reachable
  // here, so they fail; what matters is that nothing goes to the polluted URL.
  const bare = Object.create(null)
  bare.timeoutMs = 1500
  bare.maxRetries = 0
  const results = Object.fromEntries(
    await Promise.all([
      run('sendMessage to the default host', () => ig.sendMessage({ accessToken: TOKEN, recipient: { id: '2' }, message: { text: 'hi' } }, { timeoutMs: 1500, maxRetries: 0 })),
      run('exchangeToken to the default host', () => ig.exchangeToken({ accessToken: 'IGAAshortLived0123456789', clientSecret: 'real-client-secret-0123' }, { timeoutMs: 1500, maxRetries: 0 })),
      run('getAccount to the default host', () => ig.getAccount({ accessToken: TOKEN }, { timeoutMs: 1500, maxRetries: 0 })),
      run('refreshToken without options', () => ig.refreshToken({ accessToken: TOKEN }, bare)),
      run('sendMessage body', () => ig.sendMessage({ accessToken: TOKEN, recipient: { id: '2' }, message: { text: 'hi' } }, good)),
      run('sendMessage images with a hole', () => ig.sendMessage({ accessToken: TOKEN, recipient: { id: '2' }, message: { images: [, 'https://ok.example/a.png'] } }, good)),
      run('tokenStatus with nothing', () => ig.tokenStatus({})),
      run('tokenStatus valid', () => ig.tokenStatus({ accessToken: TOKEN, accessTokenExpiresAt: Date.now() + 30 * 864e5, accessTokenIssuedAt: Date.now() - 864e5 })),
      run('preAuthenticate valid', () => ig.preAuthenticate({ accessToken: TOKEN, accessTokenExpiresAt: Date.now() + 30 * 864e5, accessTokenIssuedAt: Date.now() - 864e5 })),
      run('unsigned POST', () => ig.verifyWebhookSync({ method: 'POST', headers: {}, body }, { appSecret: 'the-real-app-secret' })),
      run('unsigned POST, async', () => ig.verifyWebhook({ method: 'POST', headers: {}, body }, { appSecret: 'the-real-app-secret' })),
      run('POST without appSecret', () => ig.verifyWebhookSync({ method: 'POST', headers: {}, body }, {})),
      run('GET without query', () => ig.verifyWebhookSync({ method: 'GET', query: {} }, { verifyToken: 'the-real-verify-token' })),
      run('request without method or body', () => ig.verifyWebhookSync({ headers: {} }, { appSecret: 'the-real-app-secret' })),
    ]),
  )
  process.stdout.write(JSON.stringify({ results }) + '\n')
})()
