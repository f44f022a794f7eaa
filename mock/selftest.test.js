'use strict'
// Self-test of the mock Graph API server: node --test mock/
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const crypto = require('node:crypto')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { startMockGraph } = require('./index')

const T0 = Date.parse('2026-01-01T00:00:00Z')
const HOUR = 3600 * 1000
const DAY = 24 * HOUR
const APP_ID = '1234'
const SECRET = 'test-app-secret'

async function withMock(opts, fn) {
  const mock = await startMockGraph({ now: T0, appId: APP_ID, appSecret: SECRET, pageSize: 2, ...opts })
  try {
    return await fn(mock)
  } finally {
    await mock.close()
  }
}

// A plain request without connection pooling: { status, headers, text } or a rejection.
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 5000, onResponse } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      if (onResponse) onResponse(res)
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
      res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })))
    })
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })))
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

// The first line a child process prints on stdout (the standalone mock's URL).
function firstLine(child) {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve(out.slice(0, nl))
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}`)))
  })
}

const json = (r) => JSON.parse(r.text)
const bearer = (t) => ({ authorization: `Bearer ${t}` })

function send(mock, token, body, { path: p = '/v24.0/me/messages', query = '' } = {}) {
  return request(`${mock.url}${p}${query}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

// ---------------------------------------------------------------- tokens

test('exchange → refresh: 1 hour, 24 hours and 60 days rules', () => withMock({}, async (mock) => {
  const short = mock.tokens.issueShortLived({ loginType: 'instagram' })
  assert.match(short, /^IGAA[A-Za-z0-9]+$/)
  assert.equal(mock.tokens.get(short).kind, 'short')
  assert.equal(mock.tokens.get(short).expiresAt, T0 + HOUR)

  // wrong secret → 101
  let r = await request(`${mock.url}/access_token?grant_type=ig_exchange_token&client_secret=nope&access_token=${short}`)
  assert.equal(r.status, 400)
  assert.equal(json(r).error.code, 101)
  assert.equal(json(r).error.type, 'OAuthException')
  // wrong grant_type → 100
  r = await request(`${mock.url}/access_token?grant_type=other&client_secret=${SECRET}&access_token=${short}`)
  assert.equal(json(r).error.code, 100)
  // unknown token → 190 without subcode
  r = await request(`${mock.url}/access_token?grant_type=ig_exchange_token&client_secret=${SECRET}&access_token=IGAAunknown`)
  assert.equal(r.status, 400)
  assert.deepEqual(
    { ...json(r).error, fbtrace_id: undefined },
    { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: undefined },
  )

  // exchange
  r = await request(`${mock.url}/access_token?grant_type=ig_exchange_token&client_secret=${SECRET}&access_token=${short}`)
  assert.equal(r.status, 200)
  const grant = json(r)
  assert.deepEqual(Object.keys(grant), ['access_token', 'token_type', 'expires_in'])
  assert.equal(grant.token_type, 'bearer')
  assert.equal(grant.expires_in, 5183944)
  assert.match(grant.access_token, /^IGAA/)
  const long = grant.access_token
  assert.deepEqual(
    { kind: mock.tokens.get(long).kind, issuedAt: mock.tokens.get(long).issuedAt, expiresAt: mock.tokens.get(long).expiresAt },
    { kind: 'long', issuedAt: T0, expiresAt: T0 + 5183944 * 1000 },
  )
  // a long-lived token cannot be exchanged again
  r = await request(`${mock.url}/access_token?grant_type=ig_exchange_token&client_secret=${SECRET}&access_token=${long}`)
  assert.equal(json(r).error.code, 100)

  // too young to refresh: a Graph error, not 190
  mock.clock.advance(DAY - 1)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${long}`)
  assert.equal(r.status, 400)
  assert.equal(json(r).error.code, 100)
  assert.notEqual(json(r).error.code, 190)
  // a short-lived token cannot be refreshed (and it has expired by now: 190/463)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${short}`)
  assert.equal(json(r).error.code, 190)
  assert.equal(json(r).error.error_subcode, 463)
  r = await request(`${mock.url}/access_token?grant_type=ig_exchange_token&client_secret=${SECRET}&access_token=${short}`)
  assert.equal(json(r).error.error_subcode, 463)
  // wrong grant_type
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_exchange_token&access_token=${long}`)
  assert.equal(json(r).error.code, 100)

  // exactly 24 hours old: refreshable
  mock.clock.advance(1)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${long}`)
  assert.equal(r.status, 200)
  const refreshed = json(r).access_token
  assert.notEqual(refreshed, long)
  assert.equal(json(r).expires_in, 5183944)
  assert.equal(mock.tokens.get(refreshed).issuedAt, T0 + DAY)
  assert.equal(mock.tokens.get(refreshed).expiresAt, T0 + DAY + 5183944 * 1000)
  assert.equal(mock.tokens.get(refreshed).origin, 'refresh')
  // the old token stays valid until its own expiry
  assert.equal(mock.tokens.isValid(long), true)
  r = await request(`${mock.url}/v24.0/me?fields=user_id`, { headers: bearer(long) })
  assert.equal(r.status, 200)

  // past the old token's 60 days: 190/463, HTTP 400, Meta's shape
  mock.clock.set(T0 + 5183944 * 1000)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${long}`)
  assert.equal(r.status, 400)
  const err = json(r).error
  assert.deepEqual(Object.keys(err), ['message', 'type', 'code', 'error_subcode', 'fbtrace_id'])
  assert.equal(err.code, 190)
  assert.equal(err.error_subcode, 463)
  assert.equal(err.type, 'OAuthException')
  assert.match(err.message, /^Error validating access token: Session has expired on /)
  assert.match(err.fbtrace_id, /^[A-Za-z0-9]{11}$/)
  r = await request(`${mock.url}/v24.0/me?fields=user_id`, { headers: bearer(long) })
  assert.equal(json(r).error.error_subcode, 463)
  // the refreshed one still works
  r = await request(`${mock.url}/v24.0/me?fields=user_id`, { headers: bearer(refreshed) })
  assert.equal(r.status, 200)
}))

test('issueLongLived with issuedAt, revoke, facebook exchange', () => withMock({}, async (mock) => {
  const old = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: T0 - 50 * DAY })
  assert.equal(mock.tokens.get(old).expiresAt, T0 + 10 * DAY)
  let r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${old}`)
  assert.equal(r.status, 200)

  const revoked = mock.tokens.issueLongLived({ issuedAt: T0 - 2 * DAY })
  mock.tokens.revoke(revoked)
  assert.equal(mock.tokens.get(revoked).revokedSubcode, 460)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${revoked}`)
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [400, 190, 460])
  mock.tokens.revoke(revoked, 458)
  r = await request(`${mock.url}/v24.0/me`, { headers: bearer(revoked) })
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [400, 190, 458])

  const fbShort = mock.tokens.issueShortLived({ loginType: 'facebook' })
  assert.match(fbShort, /^EAA/)
  const base = `${mock.url}/v24.0/oauth/access_token?grant_type=fb_exchange_token`
  r = await request(`${base}&client_id=999&client_secret=${SECRET}&fb_exchange_token=${fbShort}`)
  assert.deepEqual([r.status, json(r).error.code], [400, 101])
  r = await request(`${base}&client_id=${APP_ID}&client_secret=bad&fb_exchange_token=${fbShort}`)
  assert.deepEqual([r.status, json(r).error.code], [400, 101])
  r = await request(`${mock.url}/v24.0/oauth/access_token?grant_type=ig_exchange_token&client_id=${APP_ID}&client_secret=${SECRET}&fb_exchange_token=${fbShort}`)
  assert.equal(json(r).error.code, 100)
  r = await request(`${base}&client_id=${APP_ID}&client_secret=${SECRET}&fb_exchange_token=${fbShort}`)
  assert.equal(r.status, 200)
  assert.match(json(r).access_token, /^EAA/)
  assert.equal(json(r).expires_in, 5183944)
  assert.equal(mock.tokens.get(json(r).access_token).loginType, 'facebook')
  // an instagram token at the facebook endpoint, and the reverse: unparseable
  r = await request(`${base}&client_id=${APP_ID}&client_secret=${SECRET}&fb_exchange_token=${old}`)
  assert.equal(json(r).error.code, 190)
  assert.equal(json(r).error.error_subcode, undefined)
  r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${fbShort}`)
  assert.equal(json(r).error.code, 190)
  // any v<digits>.<digits>
  r = await request(`${mock.url}/v3.2/oauth/access_token?grant_type=fb_exchange_token&client_id=${APP_ID}&client_secret=${SECRET}&fb_exchange_token=${fbShort}`)
  assert.equal(r.status, 200)
}))

// ---------------------------------------------------------------- refresh models

// A long-lived token two days old, refreshed now: { old, r (the answer), state (GET /__mock/state) }.
async function refreshOnce(mock) {
  const old = mock.tokens.issueLongLived({ issuedAt: T0 - 2 * DAY })
  const r = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${old}`)
  const state = json(await request(`${mock.url}/__mock/state`))
  return { old, r, state }
}
const meWith = (mock, t) => request(`${mock.url}/v24.0/me?fields=user_id`, { headers: bearer(t) })

test("refresh model 'new' (the default): a new string, the previous one valid until its own expiry", () => withMock({}, async (mock) => {
  assert.equal(mock.refreshModel, 'new')
  const { old, r, state } = await refreshOnce(mock)
  assert.equal(state.refreshModel, 'new')
  assert.equal(r.status, 200)
  const next = json(r).access_token
  assert.notEqual(next, old)
  assert.deepEqual(
    { origin: mock.tokens.get(next).origin, from: mock.tokens.get(next).from, expiresAt: mock.tokens.get(next).expiresAt },
    { origin: 'refresh', from: old, expiresAt: T0 + 5183944 * 1000 },
  )
  assert.equal(mock.tokens.get(old).revokedSubcode, undefined)
  assert.equal((await meWith(mock, old)).status, 200)
  // until its own expiry (issued 2 days before T0 for 60 days), not a moment longer
  mock.clock.set(T0 + 58 * DAY)
  assert.equal(json(await meWith(mock, old)).error.error_subcode, 463)
  assert.equal((await meWith(mock, next)).status, 200)
}))

test("refresh model 'new-revoke': a new string, the previous one answers as a revoked token", () => withMock({ refreshModel: 'new-revoke' }, async (mock) => {
  const { old, r, state } = await refreshOnce(mock)
  assert.equal(state.refreshModel, 'new-revoke')
  assert.equal(r.status, 200)
  const next = json(r).access_token
  assert.notEqual(next, old)
  assert.equal(json(r).expires_in, 5183944)
  assert.equal(mock.tokens.get(old).revokedSubcode, 460)
  assert.equal(mock.tokens.isValid(old), false)
  let res = await meWith(mock, old)
  assert.deepEqual([res.status, json(res).error.code, json(res).error.error_subcode], [400, 190, 460])
  // a second refresh of the previous token (another process that still holds it) fails the same way
  res = await request(`${mock.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${old}`)
  assert.deepEqual([res.status, json(res).error.code, json(res).error.error_subcode], [400, 190, 460])
  assert.equal((await meWith(mock, next)).status, 200)
}))

test("refresh model 'same': the same string, its expiry moved to now + the long-lived lifetime", () => withMock({}, async (mock) => {
  let res = await request(`${mock.url}/__mock/refresh-model`, { method: 'POST', body: JSON.stringify({ model: 'same' }) })
  assert.deepEqual([res.status, json(res)], [200, { refreshModel: 'same' }])
  assert.equal(mock.refreshModel, 'same')
  const sizeBefore = mock.tokens.size
  const { old, r, state } = await refreshOnce(mock)
  assert.equal(state.refreshModel, 'same')
  assert.equal(r.status, 200)
  assert.equal(json(r).access_token, old)
  assert.equal(json(r).expires_in, 5183944)
  assert.equal(mock.tokens.size, sizeBefore + 1) // the issued token only: no second one
  assert.equal(mock.tokens.get(old).expiresAt, T0 + 5183944 * 1000)
  assert.equal(mock.tokens.get(old).revokedSubcode, undefined)
  // past the expiry it had before the refresh, still valid
  mock.clock.set(T0 + 58 * DAY)
  assert.equal((await meWith(mock, old)).status, 200)
  mock.clock.set(T0 + 5183944 * 1000)
  assert.equal(json(await meWith(mock, old)).error.error_subcode, 463)
}))

test('refresh model: set by option, method, control route and CLI; unknown models refused', async () => {
  await assert.rejects(startMockGraph({ refreshModel: 'rotate' }), TypeError)
  await withMock({ refreshModel: 'same' }, async (mock) => {
    assert.equal(mock.refreshModel, 'same')
    mock.setRefreshModel('new-revoke')
    assert.equal(mock.refreshModel, 'new-revoke')
    assert.throws(() => mock.setRefreshModel('rotate'), TypeError)
    const r = await request(`${mock.url}/__mock/refresh-model`, { method: 'POST', body: JSON.stringify({ model: 'rotate' }) })
    assert.equal(r.status, 400)
    assert.match(json(r).error, /refreshModel/)
    assert.equal(mock.refreshModel, 'new-revoke')
  })
  const child = spawn(process.execPath, [path.join(__dirname, 'graph-server.js'), '--port', '0', '--refresh-model', 'same'], { stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const url = await firstLine(child)
    assert.equal(json(await request(`${url}/__mock/state`)).refreshModel, 'same')
  } finally {
    child.kill('SIGTERM')
  }
})

test('bearer vs query token are recorded; unknown and missing tokens', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  await request(`${mock.url}/v24.0/me?fields=username`, { headers: bearer(t) })
  await request(`${mock.url}/v24.0/me?fields=username&access_token=${t}`)
  const log = mock.requestsTo('/v24.0/me')
  assert.equal(log.length, 2)
  assert.deepEqual([log[0].auth, log[0].token], ['bearer', t])
  assert.deepEqual([log[1].auth, log[1].token], ['query', t])
  assert.equal(log[1].query.access_token, t)
  assert.equal(log[0].headers.authorization, `Bearer ${t}`)

  let r = await request(`${mock.url}/v24.0/me`, { headers: bearer('IGAAnotatoken') })
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [400, 190, undefined])
  assert.ok(r.headers['www-authenticate'])
  r = await request(`${mock.url}/v24.0/me`)
  assert.equal(r.status, 400)
  assert.equal(json(r).error.code, 2500)
  assert.equal(mock.requests.at(-1).auth, null)
  assert.equal(mock.requests.at(-1).token, null)
  // a double slash is not a Graph path
  r = await request(`${mock.url}//v24.0/me`, { headers: bearer(t) })
  assert.equal(r.status, 400)
  mock.resetLog()
  assert.equal(mock.requests.length, 0)
}))

// ---------------------------------------------------------------- accounts

test('/me keeps the big user_id exact, as a string or as a bare number', async () => {
  await withMock({}, async (mock) => {
    const t = mock.tokens.issueLongLived()
    const r = await request(`${mock.url}/v24.0/me?fields=user_id,username,name,account_type`, { headers: bearer(t) })
    assert.equal(r.status, 200)
    assert.equal(r.text, '{"user_id":"17841400000000001","username":"mock_business","name":"Mock Business","account_type":"BUSINESS","id":"27182818284590452"}')
    assert.match(r.headers['x-app-usage'], /"call_count":1/)
    // a Facebook token has no Instagram user fields on /me
    const fb = mock.tokens.issueLongLived({ loginType: 'facebook' })
    const f = await request(`${mock.url}/v24.0/me?fields=user_id,username`, { headers: bearer(fb) })
    assert.equal(json(f).error.code, 100)
  })
  await withMock({ account: { userId: '17841499999999999', userIdAsNumber: true, accountType: 'MEDIA_CREATOR' } }, async (mock) => {
    const t = mock.tokens.issueLongLived()
    const r = await request(`${mock.url}/v21.0/me?fields=user_id,username,name,account_type`, { headers: bearer(t) })
    assert.ok(r.text.includes('"user_id":17841499999999999,'), r.text)
    assert.notEqual(String(JSON.parse(r.text).user_id), '17841499999999999') // the float loses it
    assert.ok(r.text.includes('"account_type":"MEDIA_CREATOR"'))
  })
})

test('/me/accounts pages through next to the end', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived({ loginType: 'facebook' })
  let url = `${mock.url}/v24.0/me/accounts?fields=${encodeURIComponent('id,name,instagram_business_account{id,username,name}')}`
  const all = []
  let pagesSeen = 0
  while (url) {
    assert.ok(url.startsWith(mock.url + '/'), url)
    const r = await request(url, { headers: bearer(t) })
    assert.equal(r.status, 200, r.text)
    const body = json(r)
    assert.ok(body.data.length <= 2)
    assert.ok(body.paging.cursors.before && body.paging.cursors.after)
    all.push(...body.data)
    pagesSeen++
    url = body.paging.next
  }
  assert.equal(pagesSeen, 3)
  assert.equal(all.length, 5)
  assert.deepEqual(all.map((p) => p.id), mock.pages.map((p) => p.id))
  const withIg = all.filter((p) => p.instagram_business_account)
  assert.equal(withIg.length, 4)
  assert.equal(all[2].instagram_business_account, undefined)
  assert.deepEqual(all[0].instagram_business_account, { id: '17841400000000001', username: 'mock_business', name: 'Mock Business' })
  // the token never went into a URL: it was sent as a header, so next carries none
  assert.ok(mock.requestsTo(/\/accounts$/).every((e) => e.auth === 'bearer' && e.query.access_token === undefined))

  // an Instagram token cannot list pages
  const ig = mock.tokens.issueLongLived()
  const r = await request(`${mock.url}/v24.0/me/accounts`, { headers: bearer(ig) })
  assert.equal(json(r).error.code, 100)
  // custom pages, pageSize and limit
  mock.setPageSize(10)
  const one = await request(`${mock.url}/v24.0/me/accounts?fields=id,name,instagram_business_account`, { headers: bearer(t) })
  assert.equal(json(one).data.length, 5)
  assert.equal(json(one).paging.next, undefined)
  assert.deepEqual(json(one).data[1].instagram_business_account, { id: '17841400000000002' })
}))

test('/me/subscribed_apps', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  let r = await request(`${mock.url}/v24.0/me/subscribed_apps?subscribed_fields=messages,comments`, { method: 'POST', headers: bearer(t) })
  assert.equal(r.text, '{"success":true}')
  r = await request(`${mock.url}/me/subscribed_apps?subscribed_fields=messages`, { method: 'POST', headers: bearer(t) })
  assert.equal(r.text, '{"success":true}')
  r = await request(`${mock.url}/v24.0/me/subscribed_apps`, { method: 'POST', headers: bearer(t) })
  assert.equal(json(r).error.code, 100)
}))

// ---------------------------------------------------------------- messages

test('sending: answers, log, sender actions, private replies, usage headers', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const body = { recipient: { id: '1254477777772919' }, messaging_type: 'RESPONSE', message: { text: 'hello äöå' } }
  let r = await send(mock, t, body)
  assert.equal(r.status, 200)
  const a = json(r)
  assert.equal(a.recipient_id, '1254477777772919')
  assert.match(a.message_id, /^aWdf/)
  assert.deepEqual(mock.requests.at(-1).body, body)
  assert.equal(mock.requests.at(-1).method, 'POST')
  assert.equal(mock.requests.at(-1).rawBody, JSON.stringify(body))
  assert.equal(mock.sent.at(-1).messageId, a.message_id)
  assert.deepEqual(JSON.parse(r.headers['x-business-use-case-usage']), {
    '17841400000000001': [{ type: 'instagram', call_count: 1, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
  })
  const b = json(await send(mock, t, body))
  assert.notEqual(b.message_id, a.message_id)
  // numeric account id in the path
  r = await send(mock, t, body, { path: '/v24.0/17841400000000001/messages' })
  assert.equal(r.status, 200)
  r = await send(mock, t, body, { path: '/v24.0/42/messages' })
  assert.equal(json(r).error.code, 100)

  // sender actions answer recipient_id only
  for (const extra of [{ sender_action: 'typing_on' }, { sender_action: 'mark_seen' }, { sender_action: 'react', payload: { message_id: a.message_id, reaction: 'love' } }, { sender_action: 'unreact', payload: { message_id: a.message_id } }]) {
    r = await send(mock, t, { recipient: { id: '1254477777772919' }, ...extra })
    assert.equal(r.text, '{"recipient_id":"1254477777772919"}')
  }
  // private reply: a derived recipient id; a second reply to the same comment fails like Meta
  r = await send(mock, t, { recipient: { comment_id: '18000000000000001' }, message: { text: 'thanks' } })
  assert.equal(r.status, 200)
  assert.match(json(r).recipient_id, /^\d{17}$/)
  r = await send(mock, t, { recipient: { comment_id: '18000000000000001' }, message: { text: 'again' } })
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [500, -1, 2534023])

  // not JSON, missing recipient, text too long → 100
  for (const bad of ['not json', '{"message":{"text":"x"}}', JSON.stringify({ recipient: { id: '1' }, message: { text: 'é'.repeat(501) } })]) {
    r = await send(mock, t, bad)
    assert.deepEqual([r.status, json(r).error.code], [400, 100], bad)
  }
  assert.equal(mock.requests.at(-3).body, undefined)
  assert.equal(mock.requests.at(-3).rawBody, 'not json')

  // usage settings
  mock.usage.set({ appCallCount: 95, businessCallCount: 100, estimatedTimeToRegainAccess: 19 })
  r = await send(mock, t, body)
  assert.equal(JSON.parse(r.headers['x-app-usage']).call_count, 95)
  assert.equal(JSON.parse(r.headers['x-business-use-case-usage'])['17841400000000001'][0].estimated_time_to_regain_access, 19)
  mock.usage.set({ style: 'call_volume' })
  r = await send(mock, t, body)
  assert.deepEqual(Object.keys(JSON.parse(r.headers['x-app-usage'])), ['call_volume', 'cpu_time'])
}))

test('recipient rules: window closed (403, HUMAN_AGENT passes), unavailable', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  mock.recipients.set('111', { windowClosed: true })
  mock.recipients.set('222', { unavailable: true })
  let r = await send(mock, t, { recipient: { id: '111' }, message: { text: 'hi' } })
  assert.equal(r.status, 403)
  const e = json(r).error
  assert.deepEqual([e.code, e.error_subcode, e.type], [10, 2534022, 'IGApiException'])
  assert.ok(e.fbtrace_id)
  r = await send(mock, t, { recipient: { id: '111' }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'hi' } })
  assert.equal(r.status, 200)
  r = await send(mock, t, { recipient: { id: '222' }, message: { text: 'hi' } })
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [400, 551, 1545041])
}))

test('appsecret_proof is checked when present', () => withMock({}, async (mock) => {
  const page = mock.tokens.issuePageToken({ pageId: mock.pages[0].id })
  const proof = crypto.createHmac('sha256', SECRET).update(page).digest('hex')
  assert.equal(mock.appsecretProof(page), proof)
  const body = { recipient: { id: '1254477777772919' }, message: { text: 'hi' } }
  let r = await send(mock, page, body, { path: `/v24.0/${mock.pages[0].id}/messages`, query: `?appsecret_proof=${proof}` })
  assert.equal(r.status, 200, r.text)
  assert.equal(mock.requests.at(-1).query.appsecret_proof, proof)
  r = await send(mock, page, body, { path: `/v24.0/${mock.pages[0].id}/messages`, query: `?appsecret_proof=${'0'.repeat(64)}` })
  assert.equal(r.status, 400)
  assert.equal(json(r).error.code, 100)
  assert.equal(json(r).error.message, 'Invalid appsecret_proof provided in the API argument')
  r = await send(mock, page, body, { path: '/v24.0/me/messages' })
  assert.equal(r.status, 200)
}))

// ---------------------------------------------------------------- comments and profiles

const call = (mock, token, method, p, body) => request(`${mock.url}${p}`, {
  method,
  headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  body: body === undefined ? undefined : JSON.stringify(body),
})

test('comments: public reply → {id}, recorded; refused for hidden, live, foreign and deleted comments', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  let r = await call(mock, t, 'POST', '/v24.0/17900000000000001/replies', { message: 'Thanks! 🙏' })
  assert.equal(r.status, 200, r.text)
  const id = json(r).id
  assert.match(id, /^\d{17}$/)
  assert.deepEqual(mock.comments.replies.map((x) => [x.commentId, x.id, x.text]), [['17900000000000001', id, 'Thanks! 🙏']])
  // the parameter in the query works too (Meta takes both); an empty message is 100
  r = await call(mock, t, 'POST', '/v24.0/17900000000000001/replies?message=hi')
  assert.equal(r.status, 200, r.text)
  r = await call(mock, t, 'POST', '/v24.0/17900000000000001/replies', { message: ' ' })
  assert.deepEqual([r.status, json(r).error.code], [400, 100])
  mock.comments.set('1', { hidden: true })
  mock.comments.set('2', { live: true })
  mock.comments.set('3', { foreign: true })
  mock.comments.set('4', { deleted: true })
  for (const [cid, status, code] of [['1', 400, 100], ['2', 400, 100], ['3', 403, 200], ['4', 400, 100]]) {
    r = await call(mock, t, 'POST', `/v24.0/${cid}/replies`, { message: 'hi' })
    assert.deepEqual([r.status, json(r).error.code], [status, code], cid)
  }
  assert.equal(mock.comments.replies.length, 2)
  r = await call(mock, t, 'GET', '/v24.0/17900000000000001/replies')
  assert.equal(json(r).error.code, 100)
}))

test('comments: hide / unhide and delete answer {success:true}; a second delete is 100/33; tokens checked', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  let r = await call(mock, t, 'POST', '/v24.0/555', { hide: true })
  assert.deepEqual([r.status, r.text], [200, '{"success":true}'])
  assert.equal(mock.comments.get('555').hidden, true)
  r = await call(mock, t, 'POST', '/v24.0/555?hide=false')
  assert.equal(r.status, 200)
  assert.equal(mock.comments.get('555').hidden, false)
  r = await call(mock, t, 'POST', '/v24.0/555', { hide: 'maybe' })
  assert.deepEqual([r.status, json(r).error.code], [400, 100])
  r = await call(mock, t, 'DELETE', '/v24.0/555')
  assert.deepEqual([r.status, r.text], [200, '{"success":true}'])
  r = await call(mock, t, 'DELETE', '/v24.0/555')
  assert.deepEqual([r.status, json(r).error.code, json(r).error.error_subcode], [400, 100, 33])
  mock.comments.set('3', { foreign: true })
  r = await call(mock, t, 'POST', '/v24.0/3', { hide: true })
  assert.deepEqual([r.status, json(r).error.code], [403, 200])
  r = await call(mock, 'IGAAnot-a-token', 'DELETE', '/v24.0/556')
  assert.deepEqual([r.status, json(r).error.code], [400, 190])
  r = await request(`${mock.url}/v24.0/556`, { method: 'DELETE' })
  assert.equal(json(r).error.code, 2500)
  // Facebook login: the same routes, with appsecret_proof checked when present
  const page = mock.tokens.issuePageToken({ pageId: mock.pages[0].id })
  r = await call(mock, page, 'POST', `/v24.0/557?appsecret_proof=${mock.appsecretProof(page)}`, { hide: true })
  assert.equal(r.status, 200, r.text)
  r = await call(mock, page, 'POST', `/v24.0/557?appsecret_proof=${'0'.repeat(64)}`, { hide: true })
  assert.equal(json(r).error.code, 100)
  mock.comments.clear()
  assert.equal(mock.comments.get('555'), undefined)
}))

test('profiles: the fields of a person who gave consent, nulls kept, others 230', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  mock.profiles.set('1254477777772919', { name: 'Ana', username: 'ana.b', profilePic: null, followerCount: 42, userFollowsBusiness: true, businessFollowsUser: false })
  const fields = 'name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user'
  let r = await call(mock, t, 'GET', `/v24.0/1254477777772919?fields=${fields}`)
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(json(r), { name: 'Ana', username: 'ana.b', profile_pic: null, follower_count: 42, is_user_follow_business: true, is_business_follow_user: false, id: '1254477777772919' })
  r = await call(mock, t, 'GET', '/v24.0/1254477777772919?fields=name,shoe_size')
  assert.deepEqual([r.status, json(r).error.code], [400, 100])
  r = await call(mock, t, 'GET', `/v24.0/999?fields=${fields}`)
  assert.deepEqual([r.status, json(r).error.code, json(r).error.type], [400, 230, 'IGApiException'])
  r = await call(mock, 'IGAAnot-a-token', 'GET', `/v24.0/1254477777772919?fields=${fields}`)
  assert.equal(json(r).error.code, 190)
  const fb = mock.tokens.issueLongLived({ loginType: 'facebook' })
  r = await call(mock, fb, 'GET', `/v24.0/1254477777772919?fields=username`)
  assert.deepEqual(json(r), { username: 'ana.b', id: '1254477777772919' })
  mock.profiles.delete('1254477777772919')
  r = await call(mock, t, 'GET', '/v24.0/1254477777772919?fields=username')
  assert.equal(json(r).error.code, 230)
}))

test('control routes for comments and profiles', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const control = (method, p, body) => request(`${mock.url}/__mock/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  assert.equal((await control('POST', 'profiles', { id: '42', username: 'zed' })).status, 200)
  assert.deepEqual(json(await call(mock, t, 'GET', '/v24.0/42?fields=username')), { username: 'zed', id: '42' })
  assert.equal((await control('POST', 'comments', { id: '7', foreign: true })).status, 200)
  assert.equal(json(await call(mock, t, 'DELETE', '/v24.0/7')).error.code, 200)
  await call(mock, t, 'POST', '/v24.0/8/replies', { message: 'hi' })
  assert.deepEqual(json(await control('GET', 'comments')).replies.map((x) => x.text), ['hi'])
  assert.equal((await control('POST', 'profiles', { id: 'x' })).status, 400)
  await control('DELETE', 'comments')
  await control('DELETE', 'profiles')
  assert.equal(mock.comments.replies.length, 0)
  assert.equal(json(await call(mock, t, 'GET', '/v24.0/42?fields=username')).error.code, 230)
}))

// ---------------------------------------------------------------- faults

test('faults: raw answer, graphError, html, contentType; order, times, matchers', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const me = `${mock.url}/v24.0/me?fields=user_id`
  mock.fail('/v24.0/me', { status: 429, body: 'slow down', headers: { 'retry-after': '3' } })
  mock.fail('/v24.0/me', { graphError: { code: 4, is_transient: true } })
  mock.fail(/\/me$/, { html: true })
  mock.fail((e) => e.query.fields === 'user_id', { contentType: 'text/plain' })
  mock.fail('/v24.0/me', { status: 200, body: { hello: 'world' } })
  assert.equal(mock.pendingFaults, 5)

  let r = await request(me, { headers: bearer(t) })
  assert.deepEqual([r.status, r.text, r.headers['retry-after']], [429, 'slow down', '3'])
  r = await request(me, { headers: bearer(t) })
  assert.equal(r.status, 400)
  assert.deepEqual({ ...json(r).error, fbtrace_id: typeof json(r).error.fbtrace_id }, {
    message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, is_transient: true, fbtrace_id: 'string',
  })
  r = await request(me, { headers: bearer(t) })
  assert.equal(r.status, 502)
  assert.match(r.headers['content-type'], /^text\/html/)
  assert.match(r.text, /<html>/)
  r = await request(me, { headers: bearer(t) })
  assert.equal(r.status, 200)
  assert.equal(r.headers['content-type'], 'text/plain')
  assert.equal(JSON.parse(r.text).user_id, '17841400000000001') // the normal answer, wrong type
  r = await request(me, { headers: bearer(t) })
  assert.equal(r.text, '{"hello":"world"}')
  r = await request(me, { headers: bearer(t) })
  assert.equal(json(r).user_id, '17841400000000001')
  assert.equal(mock.pendingFaults, 0)
  assert.equal(mock.requestsTo('/v24.0/me').length, 6) // faulted requests are logged

  // full graphError with status and headers; the prefix does not match a sibling path
  mock.fail('/v24.0/me/messages', {
    graphError: { code: 80002, error_subcode: 2446079, type: 'IGApiException', message: 'x', error_user_title: 'T', error_user_msg: 'M' },
    status: 403,
    headers: { 'retry-after': '7' },
  }, { times: Infinity })
  r = await request(me, { headers: bearer(t) })
  assert.equal(r.status, 200)
  for (let i = 0; i < 3; i++) {
    r = await send(mock, t, { recipient: { id: '1' }, message: { text: 'hi' } })
    assert.equal(r.status, 403)
    assert.equal(r.headers['retry-after'], '7')
    assert.ok(r.headers['x-business-use-case-usage'])
    assert.deepEqual({ ...json(r).error, fbtrace_id: 0 }, {
      message: 'x', type: 'IGApiException', code: 80002, error_subcode: 2446079, error_user_title: 'T', error_user_msg: 'M', fbtrace_id: 0,
    })
  }
  mock.clearFaults()
  r = await send(mock, t, { recipient: { id: '1' }, message: { text: 'hi' } })
  assert.equal(r.status, 200)
  // contentType with an explicit body
  mock.fail('/v24.0/me', { contentType: 'text/plain', body: 'plain words' })
  r = await request(me, { headers: bearer(t) })
  assert.deepEqual([r.status, r.headers['content-type'], r.text], [200, 'text/plain', 'plain words'])
  assert.throws(() => mock.fail('/x', { nonsense: true }), TypeError)
}))

test('faults: truncated, truncatedJson, resetMidBody, reset', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const me = `${mock.url}/v24.0/me?fields=user_id,username,name,account_type`

  mock.fail('/v24.0/me', { truncated: true })
  let status = null
  await assert.rejects(request(me, { headers: bearer(t), onResponse: (res) => { status = res.statusCode } }))
  assert.equal(status, 200)
  // fetch sees it too
  mock.fail('/v24.0/me', { truncated: true })
  await assert.rejects(fetch(me, { headers: bearer(t) }).then((res) => res.text()))

  mock.fail('/v24.0/me', { truncatedJson: true })
  const r = await request(me, { headers: bearer(t) })
  assert.equal(r.status, 200)
  assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text))
  assert.ok(r.text.startsWith('{"user_id":'))
  assert.throws(() => JSON.parse(r.text), SyntaxError)

  mock.fail('/v24.0/me', { resetMidBody: true })
  status = null
  await assert.rejects(request(me, { headers: bearer(t), onResponse: (res) => { status = res.statusCode } }))
  assert.equal(status, 200)

  mock.fail('/v24.0/me/messages', { reset: true })
  await assert.rejects(send(mock, t, { recipient: { id: '1' }, message: { text: 'hi' } }), (err) => err.code === 'ECONNRESET')
  assert.deepEqual(mock.requests.at(-1).body, { recipient: { id: '1' }, message: { text: 'hi' } })
  mock.fail('/v24.0/me/messages', { reset: true })
  await assert.rejects(fetch(`${mock.url}/v24.0/me/messages`, { method: 'POST', headers: bearer(t), body: '{}' }))
  assert.equal((await request(me, { headers: bearer(t) })).status, 200)
}))

test('faults: hang, delayMs (with then), drip, bigBody', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const me = `${mock.url}/v24.0/me?fields=user_id`

  mock.fail('/v24.0/me', { hang: true })
  const started = Date.now()
  await assert.rejects(fetch(me, { headers: bearer(t), signal: AbortSignal.timeout(200) }), (err) => err.name === 'TimeoutError')
  assert.ok(Date.now() - started >= 190)
  assert.equal(mock.requestsTo('/v24.0/me').length, 1)

  mock.fail('/v24.0/me', { delayMs: 150 })
  let t0 = Date.now()
  let r = await request(me, { headers: bearer(t) })
  assert.ok(Date.now() - t0 >= 140)
  assert.equal(json(r).user_id, '17841400000000001')
  mock.fail('/v24.0/me', { delayMs: 50, then: { graphError: { code: 2 } } })
  r = await request(me, { headers: bearer(t) })
  assert.equal(json(r).error.code, 2)

  mock.fail('/v24.0/me', { drip: true, intervalMs: 20 })
  const res = await fetch(me, { headers: bearer(t), signal: AbortSignal.timeout(300) })
  assert.equal(res.status, 200)
  const reader = res.body.getReader()
  let bytes = 0
  await assert.rejects((async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error('drip ended')
      bytes += value.length
    }
  })())
  assert.ok(bytes >= 3 && bytes < 100, `dripped ${bytes} bytes`)

  for (const size of [5 * 1024 * 1024, 10]) {
    mock.fail('/v24.0/me', { bigBody: size })
    r = await request(me, { headers: bearer(t) })
    assert.equal(r.status, 200)
    assert.equal(Number(r.headers['content-length']), size)
    assert.equal(Buffer.byteLength(r.text), size)
  }
  mock.fail('/v24.0/me', { bigBody: 100000 })
  r = await request(me, { headers: bearer(t) })
  assert.equal(JSON.parse(r.text).recipient_id, '1') // valid JSON when large enough
}))

test('answer(): a custom per-path override', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const remove = mock.answer('/v24.0/me', (req, res, ctx) => {
    if (req.query.fields === 'custom') return { status: 201, body: { custom: true } }
    const normal = ctx.normal()
    ctx.send({ ...normal, headers: { ...normal.headers, 'x-extra': 'yes' } })
  })
  let r = await request(`${mock.url}/v24.0/me?fields=custom`, { headers: bearer(t) })
  assert.deepEqual([r.status, r.text], [201, '{"custom":true}'])
  r = await request(`${mock.url}/v24.0/me?fields=username`, { headers: bearer(t) })
  assert.deepEqual([r.headers['x-extra'], json(r).username], ['yes', 'mock_business'])
  remove()
  r = await request(`${mock.url}/v24.0/me?fields=username`, { headers: bearer(t) })
  assert.equal(r.headers['x-extra'], undefined)
}))

// ---------------------------------------------------------------- connections

test('keep-alive connections are counted', () => withMock({}, async (mock) => {
  const t = mock.tokens.issueLongLived()
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const get = () => new Promise((resolve, reject) => {
    http.get(`${mock.url}/v24.0/me?fields=user_id`, { agent, headers: bearer(t) }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    }).on('error', reject)
  })
  for (let i = 0; i < 3; i++) assert.equal(await get(), 200)
  assert.equal(mock.connections, 1)
  assert.equal(mock.openConnections, 1)
  agent.destroy()
}))

test('close() ends hanging, dripping and delayed requests at once', async () => {
  const mock = await startMockGraph({ now: T0 })
  const t = mock.tokens.issueLongLived()
  const me = `${mock.url}/v24.0/me`
  mock.fail('/v24.0/me', { hang: true })
  mock.fail('/v24.0/me', { drip: true, intervalMs: 10 })
  mock.fail('/v24.0/me', { delayMs: 60000 })
  const pending = [
    request(me, { headers: bearer(t), timeoutMs: 60000 }),
    request(me, { headers: bearer(t), timeoutMs: 60000 }),
    request(me, { headers: bearer(t), timeoutMs: 60000 }),
  ].map((p) => p.then(() => 'answered', (err) => err.code || err.message))
  while (mock.requests.length < 3) await new Promise((r) => setTimeout(r, 5))
  assert.equal(mock.openConnections, 3)
  const t0 = Date.now()
  await mock.close()
  assert.ok(Date.now() - t0 < 1000)
  const outcomes = await Promise.all(pending)
  assert.ok(outcomes.every((o) => o !== 'answered'), String(outcomes))
  assert.equal(mock.openConnections, 0)
  await mock.close() // idempotent
})

test('options: log: false, custom pages, control endpoints', async () => {
  await withMock({ log: false }, async (mock) => {
    const t = mock.tokens.issueLongLived()
    const r = await send(mock, t, { recipient: { id: '1' }, message: { text: 'hi' } })
    assert.equal(r.status, 200)
    assert.equal(mock.requests.length, 0)
  })
  await withMock({ pages: [{ id: '1', name: 'One', instagram: null }, { id: '2', name: 'Two', instagram: { id: '3', username: 'u', name: 'n' } }], pageSize: 1 }, async (mock) => {
    const t = mock.tokens.issueShortLived({ loginType: 'facebook' })
    const r = await request(`${mock.url}/v24.0/me/accounts?fields=id,instagram_business_account{id,username}&limit=5`, { headers: bearer(t) })
    assert.deepEqual(json(r).data, [{ id: '1' }, { id: '2', instagram_business_account: { id: '3', username: 'u' } }])
  })
  await withMock({}, async (mock) => {
    let r = await request(`${mock.url}/__mock/tokens`, { method: 'POST', body: JSON.stringify({ kind: 'long', loginType: 'instagram' }) })
    const tok = json(r).token
    assert.equal(mock.tokens.get(tok).kind, 'long')
    r = await request(`${mock.url}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advance: 1000 }) })
    assert.equal(json(r).now, T0 + 1000)
    r = await request(`${mock.url}/__mock/faults`, { method: 'POST', body: JSON.stringify({ match: '/v24.0/me', fault: { status: 503, body: 'x' } }) })
    r = await request(`${mock.url}/v24.0/me`, { headers: bearer(tok) })
    assert.equal(r.status, 503)
    r = await request(`${mock.url}/__mock/requests`)
    assert.equal(json(r).length, 1) // control calls are not logged
  })
})

test('standalone: node mock/graph-server.js --port 0 prints its URL', async () => {
  const child = spawn(process.execPath, [path.join(__dirname, 'graph-server.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    const url = await firstLine(child)
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const r = await request(`${url}/__mock/state`)
    assert.equal(r.status, 200)
  } finally {
    child.kill('SIGTERM')
  }
})
