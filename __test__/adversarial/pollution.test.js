'use strict'
// Prototype pollution (issue #10, finding 2): a key set on Object.prototype anywhere in the
// process (a lodash/qs-style bug) is never read as the caller's input: not as an option (a
// base URL that would receive the token or the client secret), not as a webhook secret
// (allowUnsigned), not as a header or a query value, not as part of a message. The calls
// run in a child process whose prototypes are polluted (pollution-child.js).

const { hostileServer, grantBody, runChild } = require('./helpers')

let good
let evil
let r

beforeAll(async () => {
  evil = await hostileServer(() => ({ body: grantBody('IGAAevilGrant0123456789abcdef') }))
  good = await hostileServer(() => ({ body: { recipient_id: '2', message_id: 'mid.ok' } }))
  r = await runChild('pollution-child.js', { goodUrl: good.url, evilUrl: evil.url, secret: 'polluted-app-secret-0123456789' })
}, 60000)

afterAll(async () => {
  await evil.close()
  await good.close()
})

const result = (name) => r.out.results[name]

test('the child ran every call and exited cleanly', () => {
  expect(r.signal).toBeNull()
  expect(r.code).toBe(0)
  expect(Object.keys(r.out.results)).toHaveLength(14)
})

test('nothing reaches a polluted base URL: no token, no client secret', () => {
  expect(evil.requests).toEqual([])
  for (const name of ['sendMessage to the default host', 'exchangeToken to the default host', 'getAccount to the default host', 'refreshToken without options']) {
    expect(result(name)).toMatchObject({ ok: false })
    expect(['NETWORK', 'TIMEOUT']).toContain(result(name).code)
  }
})

test('a message carries only its own fields (no polluted quickReplies, tag or recipient)', () => {
  expect(result('sendMessage body')).toMatchObject({ ok: true })
  const sent = good.requests.find((q) => q.body.includes('"hi"'))
  expect(JSON.parse(sent.body)).toEqual({ recipient: { id: '2' }, message: { text: 'hi' }, messaging_type: 'RESPONSE' })
  expect(sent.url).toMatch(/^\/v\d+\.\d+\/me\/messages/)
  expect(sent.url).not.toMatch(/v1\.0/)
})

test('an array hole is not filled from Array.prototype', () => {
  expect(result('sendMessage images with a hole')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(result('sendMessage images with a hole').message).toMatch(/images\[0\]/)
})

test('credentials: a polluted accessToken or expiry is not the caller’s', () => {
  expect(result('tokenStatus with nothing')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(result('tokenStatus valid')).toMatchObject({ ok: true, value: { next: 'none' } })
  expect(result('preAuthenticate valid')).toMatchObject({ ok: true, value: { action: 'none', changed: false } })
})

test('webhooks: allowUnsigned, appSecret, a signature header and hub.* values are not inherited', () => {
  expect(result('unsigned POST')).toMatchObject({ ok: true, value: { kind: 'rejected', reason: 'SIGNATURE_MISSING' } })
  expect(result('unsigned POST, async')).toMatchObject({ ok: true, value: { kind: 'rejected', reason: 'SIGNATURE_MISSING' } })
  expect(result('POST without appSecret')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(result('GET without query')).toMatchObject({ ok: true, value: { kind: 'rejected', reason: 'HANDSHAKE_INVALID' } })
  expect(result('request without method or body')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
})
