'use strict'
// Self-test of the mock's Messenger Profile (graph/routes/messenger-profile.js): node --test mock/
const test = require('node:test')
const assert = require('node:assert/strict')
const { startMockGraph } = require('./index')

const ICE = [{ locale: 'default', call_to_actions: [{ question: 'Hours?', payload: 'HOURS' }] }]
const MENU = [{ locale: 'default', call_to_actions: [{ type: 'postback', title: 'Human', payload: 'HUMAN' }, { type: 'web_url', title: 'Shop', url: 'https://example.com' }] }]

async function withMock(fn) {
  const mock = await startMockGraph({ now: Date.parse('2026-12-01T00:00:00Z') })
  try {
    const call = async (method, p, body, token) => {
      const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }
      const r = await fetch(mock.url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      return { status: r.status, body: await r.json() }
    }
    return await fn(mock, call)
  } finally {
    await mock.close()
  }
}

test('set, read back, delete: per account, both properties apart, on both token kinds', () => withMock(async (mock, call) => {
  const ig = mock.tokens.issueLongLived()
  const page = mock.tokens.issuePageToken({ pageId: mock.pages[1].id })
  const P = '/v24.0/me/messenger_profile?platform=instagram'
  assert.deepEqual(await call('GET', `${P}&fields=ice_breakers`, undefined, ig), { status: 200, body: { data: [] } })
  assert.deepEqual((await call('POST', P, { platform: 'instagram', ice_breakers: ICE }, ig)).body, { result: 'success' })
  assert.deepEqual((await call('POST', P, { platform: 'instagram', persistent_menu: MENU }, ig)).body, { result: 'success' })
  assert.deepEqual((await call('GET', `${P}&fields=ice_breakers`, undefined, ig)).body, { data: ICE })
  assert.deepEqual((await call('GET', `${P}&fields=persistent_menu`, undefined, ig)).body, { data: MENU })
  // the IG account id in the path is the same account; the page is another
  assert.deepEqual((await call('GET', `/v24.0/${mock.account.userId}/messenger_profile?platform=instagram&fields=ice_breakers`, undefined, ig)).body, { data: ICE })
  assert.deepEqual((await call('GET', `${P}&fields=ice_breakers`, undefined, page)).body, { data: [] })
  assert.deepEqual(mock.messengerProfile.get(mock.account.userId), { ice_breakers: ICE, persistent_menu: MENU })
  assert.deepEqual((await call('DELETE', P, { fields: ['ice_breakers'] }, ig)).body, { result: 'success' })
  assert.deepEqual((await call('GET', `${P}&fields=ice_breakers`, undefined, ig)).body, { data: [] })
  assert.deepEqual((await call('GET', `${P}&fields=persistent_menu`, undefined, ig)).body, { data: MENU })
  // the older ice-breaker form reads back as it was set
  const older = [{ question: 'Hours?', payload: 'HOURS' }]
  await call('POST', P, { platform: 'instagram', ice_breakers: older }, page)
  assert.deepEqual((await call('GET', `${P}&fields=ice_breakers`, undefined, page)).body, { data: older })
  mock.messengerProfile.clear()
  assert.equal(mock.messengerProfile.get(mock.account.userId), undefined)
}))

test('refusals: 100 for what Meta refuses, token checks, unknown accounts', () => withMock(async (mock, call) => {
  const ig = mock.tokens.issueLongLived()
  const P = '/v24.0/me/messenger_profile'
  const q = { question: 'a', payload: 'b' }
  const bad = [
    ['POST', P, { ice_breakers: ICE }], // no platform
    ['POST', `${P}?platform=instagram`, { platform: 'instagram' }],
    ['POST', `${P}?platform=instagram`, { ice_breakers: [{ locale: 'en_GB', call_to_actions: [q] }] }],
    ['POST', `${P}?platform=instagram`, { ice_breakers: [{ locale: 'default', call_to_actions: [q, q, q, q, q] }] }],
    ['POST', `${P}?platform=instagram`, { ice_breakers: [...ICE, ...ICE] }],
    ['POST', `${P}?platform=instagram`, { persistent_menu: [{ locale: 'default', call_to_actions: [{ type: 'web_url', title: 'x', url: 'ftp://x' }] }] }],
    ['GET', `${P}?platform=instagram&fields=greeting`],
    ['GET', `${P}?platform=instagram`],
    ['DELETE', `${P}?platform=instagram`, { fields: [] }],
    ['DELETE', `${P}?platform=instagram`],
  ]
  for (const [method, p, body] of bad) {
    const r = await call(method, p, body, ig)
    assert.deepEqual([r.status, r.body.error.code], [400, 100], `${method} ${p} ${JSON.stringify(body)}`)
  }
  assert.equal((await call('GET', `${P}?platform=instagram&fields=ice_breakers`, undefined, 'IGAAnope')).body.error.code, 190)
  assert.equal((await call('GET', '/v24.0/42/messenger_profile?platform=instagram&fields=ice_breakers', undefined, ig)).body.error.error_subcode, 33)
}))

test('control routes', () => withMock(async (mock, call) => {
  const ig = mock.tokens.issueLongLived()
  const control = async (method, p, body) => (await fetch(`${mock.url}/__mock/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json()
  await control('POST', 'messenger-profile', { id: mock.account.userId, persistent_menu: MENU })
  assert.deepEqual((await call('GET', '/v24.0/me/messenger_profile?platform=instagram&fields=persistent_menu', undefined, ig)).body, { data: MENU })
  assert.deepEqual(await control('GET', `messenger-profile?id=${mock.account.userId}`), { persistent_menu: MENU })
  await control('DELETE', 'messenger-profile')
  assert.deepEqual(await control('GET', `messenger-profile?id=${mock.account.userId}`), {})
}))
