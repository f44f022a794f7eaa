#!/usr/bin/env node
'use strict'
// One smoke run of a built binary under whatever runtime executes this file (Node, Bun, Node
// under qemu): loads the binding, starts the mock Graph server and calls every export,
// checking the results. One line per check; exit status 1 on any failure.
//
//   node scripts/smoke.js [path/to/instagram-native.<platform>.node]
//   NAPI_RS_NATIVE_LIBRARY_PATH=path/to/file.node bun scripts/smoke.js
//
// A path argument is turned into NAPI_RS_NATIVE_LIBRARY_PATH, which the generated index.js
// honours; the package entry (loader.js → index.js) is what gets required.
// No token or secret is printed: only prefixes and lengths.

const path = require('path')
const crypto = require('crypto')

if (process.argv[2]) process.env.NAPI_RS_NATIVE_LIBRARY_PATH = path.resolve(process.argv[2])

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
let failures = 0
let passes = 0

function check(name, ok, detail = '') {
  if (ok) passes++
  else failures++
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ' — ' + detail : ''}`)
}

async function expectReject(name, promise, code) {
  try {
    await promise
    check(name, false, `resolved, expected a rejection with code ${code}`)
  } catch (e) {
    check(name, e instanceof Error && e.code === code, `${e && e.code}: ${String(e && e.message).split('\n')[0].slice(0, 100)}`)
    return e
  }
}

const DAY = 24 * 3600e3
const APP_ID = '1234567890'
const APP_SECRET = 'smoke-app-secret'
const VERIFY_TOKEN = 'smoke-verify-token'
const START = Date.parse('2026-11-28T12:00:00Z')

async function main() {
  const t0 = Date.now()
  let ig
  try {
    ig = require('..')
  } catch (e) {
    check('load binding', false, `${e.code || ''} ${e.message}`)
    return
  }
  const fns = ['exchangeToken', 'refreshToken', 'preAuthenticate', 'tokenStatus', 'getAccount', 'sendMessage', 'verifyWebhook', 'verifyWebhookSync']
  check(
    'load binding',
    fns.every((f) => typeof ig[f] === 'function'),
    `${runtime} ${process.platform}-${process.arch}, napi ${process.versions.napi || '?'}, ${process.env.NAPI_RS_NATIVE_LIBRARY_PATH ? path.basename(process.env.NAPI_RS_NATIVE_LIBRARY_PATH) : 'package binary'} (${Date.now() - t0} ms)`,
  )

  const { startMockGraph } = require('../mock')
  const mock = await startMockGraph({ now: START, appId: APP_ID, appSecret: APP_SECRET })
  check('mock Graph server', /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])/.test(mock.url), mock.url)
  const opts = (now = START) => ({ instagramUrl: mock.url, facebookUrl: mock.url, now, maxRetries: 0, timeoutMs: 20000 })

  try {
    // exchangeToken: short-lived → long-lived
    const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const grant = await ig.exchangeToken({ accessToken: short, clientSecret: APP_SECRET }, opts())
    check(
      'exchangeToken',
      typeof grant.accessToken === 'string' && grant.accessToken.startsWith('IGAA') && grant.accessToken !== short &&
        grant.loginType === 'instagram' && grant.expiresIn > 5e6 && grant.expiresAt - grant.issuedAt === grant.expiresIn * 1000 &&
        mock.tokens.get(grant.accessToken)?.kind === 'long',
      `long-lived ${grant.accessToken.slice(0, 4)}…(${grant.accessToken.length} chars), expiresIn ${grant.expiresIn}s`,
    )

    // refreshToken: a long-lived token two days old
    const old = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: START - 2 * DAY })
    const renewed = await ig.refreshToken({ accessToken: old }, opts())
    check(
      'refreshToken',
      renewed.accessToken.startsWith('IGAA') && renewed.accessToken !== old && renewed.expiresAt > START + 59 * DAY && mock.tokens.get(renewed.accessToken)?.kind === 'long',
      `expires ${new Date(renewed.expiresAt).toISOString()}`,
    )

    // preAuthenticate: first connect exchanges the OAuth token
    const oauth = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const pre = await ig.preAuthenticate({ accessToken: '', oauthAccessToken: oauth, clientId: APP_ID, clientSecret: APP_SECRET }, opts())
    check(
      'preAuthenticate (first connect)',
      pre.action === 'exchanged' && pre.changed === true && pre.accessToken.startsWith('IGAA') && pre.accessToken !== oauth &&
        /^[0-9a-f]{16}$/.test(pre.sourceTokenFingerprint) && pre.accessTokenExpiresAt > START + 59 * DAY,
      `action ${pre.action}, changed ${pre.changed}`,
    )
    // … and a second call with the stored result does nothing
    const stored = { ...pre, oauthAccessToken: oauth, clientId: APP_ID, clientSecret: APP_SECRET }
    delete stored.action
    delete stored.changed
    const before = mock.requestsTo('/access_token').length
    const again = await ig.preAuthenticate(stored, opts(START + 3600e3))
    const after = mock.requestsTo('/access_token').length
    check(
      'preAuthenticate (nothing due, no request)',
      again.action === 'none' && again.changed === false && again.accessToken === pre.accessToken && before >= 2 && before === after,
      `action ${again.action}, token requests ${before} → ${after}`,
    )

    // tokenStatus: day 54 of 60 → refresh due (synchronous, no network)
    const status = ig.tokenStatus(stored, { now: START + 54 * DAY })
    check('tokenStatus', status.next === 'refresh' && status.ageMs === 54 * DAY && status.expiresInMs > 0 && status.expiresInMs < 7 * DAY, JSON.stringify(status))
    const expiredStatus = ig.tokenStatus(stored, { now: START + 61 * DAY })
    check('tokenStatus (expired)', expiredStatus.next === 'expired', JSON.stringify(expiredStatus))

    // getAccount
    const accounts = await ig.getAccount({ accessToken: grant.accessToken }, opts())
    check(
      'getAccount',
      Array.isArray(accounts) && accounts.length === 1 && accounts[0].id === '17841400000000001' && accounts[0].username === 'mock_business',
      accounts.map((a) => `@${a.username} ${a.id}`).join(', '),
    )

    // sendMessage: a text with quick replies, then a typing indicator
    const recipient = '1254477777772919'
    const sent = await ig.sendMessage(
      { accessToken: grant.accessToken, accountId: accounts[0].id, recipient: { id: recipient }, message: { text: 'Grüezi! 👋', quickReplies: [{ title: 'Hours', payload: 'HOURS' }] } },
      opts(),
    )
    const wire = mock.requestsTo(`/v24.0/${accounts[0].id}/messages`).slice(-1)[0]
    check(
      'sendMessage (text)',
      sent.recipientId === recipient && typeof sent.messageId === 'string' && sent.messageId.length > 0 &&
        wire && wire.body && wire.body.message && wire.body.message.text === 'Grüezi! 👋' && wire.body.message.quick_replies.length === 1,
      `message ${String(sent.messageId).slice(0, 12)}…`,
    )
    const typing = await ig.sendMessage({ accessToken: grant.accessToken, recipient: { id: recipient }, senderAction: 'typing_on' }, opts())
    check('sendMessage (typing_on)', typing.recipientId === recipient && !typing.messageId, JSON.stringify(typing))

    // errors carry a code: validation (before the network) and a Graph error
    const invalid = await expectReject(
      'error code: INVALID_ARGUMENT',
      ig.sendMessage({ accessToken: grant.accessToken, recipient: { id: recipient }, message: { text: 'x', quickReplies: [] } }, opts()),
      'INVALID_ARGUMENT',
    )
    check('error is not retryable', invalid && invalid.retryable === false)
    const bogus = 'IGAA' + 'x'.repeat(150)
    const graphErr = await expectReject('error code: TOKEN_INVALID (Graph 190)', ig.getAccount({ accessToken: bogus }, opts()), 'TOKEN_INVALID')
    check('error has graphCode 190, no token in message', graphErr && graphErr.graphCode === 190 && !String(graphErr.message).includes(bogus))
    const expired = await expectReject('error code: TOKEN_EXPIRED (stored expiry passed)', ig.preAuthenticate(stored, opts(START + 61 * DAY)), 'TOKEN_EXPIRED')
    check('TOKEN_EXPIRED message without the token', expired && !String(expired.message).includes(pre.accessToken))

    // webhooks: handshake, a signed delivery, a forged one; sync and async
    const secrets = { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET }
    const handshake = ig.verifyWebhookSync({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' } }, secrets)
    check('verifyWebhookSync (handshake)', handshake.kind === 'challenge' && handshake.status === 200 && handshake.body === '1158201444')
    const body = Buffer.from(
      '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[' +
        '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485349,"message":{"mid":"aWdfZAG1faW5","text":"Gr\\u00fc\\u00dfe!"}}]}]}',
    )
    const signature = 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
    const request = { method: 'POST', headers: { 'X-Hub-Signature-256': signature }, body }
    const delivery = ig.verifyWebhookSync(request, secrets)
    const ev = delivery.events && delivery.events[0]
    check(
      'verifyWebhookSync (signed delivery)',
      delivery.kind === 'events' && delivery.status === 200 && delivery.events.length === 1 && ev.type === 'message' &&
        ev.senderId === '1254477777772919' && ev.accountId === '17841405793187218' && ev.text === 'Grüße!' && /^[0-9a-f]{32}$/.test(ev.id),
      `${delivery.kind}, ${delivery.events && delivery.events.length} event(s)`,
    )
    const forged = ig.verifyWebhookSync({ ...request, body: Buffer.from(JSON.stringify(JSON.parse(body))) }, secrets)
    check('verifyWebhookSync (forged → 401)', forged.kind === 'rejected' && forged.status === 401 && forged.reason === 'SIGNATURE_MISMATCH', forged.reason)
    const asyncDelivery = await ig.verifyWebhook(request, secrets)
    check('verifyWebhook (async, same result)', JSON.stringify(asyncDelivery) === JSON.stringify(delivery))
    const asyncForged = await ig.verifyWebhook({ method: 'POST', headers: {}, body }, secrets)
    check('verifyWebhook (unsigned → 401)', asyncForged.kind === 'rejected' && asyncForged.status === 401 && asyncForged.reason === 'SIGNATURE_MISSING', asyncForged.reason)
    let thrown = null
    try {
      ig.verifyWebhookSync({ method: 'POST', headers: {}, body }, { verifyToken: VERIFY_TOKEN })
    } catch (e) {
      thrown = e
    }
    check('verifyWebhookSync throws INVALID_ARGUMENT (no appSecret)', thrown instanceof Error && thrown.code === 'INVALID_ARGUMENT', thrown && thrown.code)
  } catch (e) {
    check('unexpected error', false, `${e && e.code} ${e && e.stack}`)
  } finally {
    await mock.close()
  }
}

const started = Date.now()
main()
  .catch((e) => check('unexpected error', false, e && e.stack))
  .finally(() => {
    console.log(`${failures === 0 ? 'PASS' : 'FAIL'} ${passes} ok, ${failures} failed — ${runtime} ${process.platform}-${process.arch} in ${Date.now() - started} ms`)
    process.exitCode = failures === 0 ? 0 : 1
  })
