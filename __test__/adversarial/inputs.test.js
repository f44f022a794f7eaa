'use strict'
// Inputs a careless or hostile caller can give (issue #10, findings 10 and 11): a time that
// is not a number is a caller's bug, not an unknown expiry; headers as fetch-style servers
// hand them over (Headers, Map, URLSearchParams) are read; a token that cannot travel in a
// header is refused before the network; a cut-off emoji in one item does not refuse a whole
// signed batch.

const crypto = require('node:crypto')
const ig = require('../..')
const { hostileServer, settle } = require('./helpers')

const TOKEN = 'IGAAinputsTestToken0123456789abcdef'
const NOW = Date.parse('2026-11-28T12:00:00Z')
const SECRET = 'inputs-app-secret-0123456789'

describe('times: NaN, ±Infinity and invalid dates are INVALID_ARGUMENT', () => {
  const bad = [NaN, Infinity, -Infinity, -1, 'not a date', '2026-13-45T99:00:00Z', {}, [], true]
  for (const field of ['accessTokenExpiresAt', 'accessTokenIssuedAt']) {
    for (const value of bad) {
      test(`${field}: ${String(value)}`, async () => {
        const credentials = { accessToken: TOKEN, accessTokenExpiresAt: NOW + 30 * 864e5, accessTokenIssuedAt: NOW - 864e5, [field]: value }
        expect(() => ig.tokenStatus(credentials, { now: NOW })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(field) }))
        const r = await settle(ig.preAuthenticate(credentials, { now: NOW }))
        expect(r.ok).toBe(false)
        expect(r.error.code).toBe('INVALID_ARGUMENT')
        expect(r.error.message).toContain(field)
      })
    }
  }
  for (const value of [NaN, Infinity]) {
    test(`options.now: ${value}`, () => {
      expect(() => ig.tokenStatus({ accessToken: TOKEN }, { now: value })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('now') }))
    })
  }
  test('absent, null and empty still mean unknown', () => {
    for (const value of [undefined, null, '']) {
      expect(ig.tokenStatus({ accessToken: TOKEN, accessTokenExpiresAt: value }, { now: NOW }).expiresInMs).toBeUndefined()
    }
  })
})

describe('headers and query as fetch-style servers give them', () => {
  const body = Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'm', text: 'hi' } }] }] }))
  const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex')
  const forms = {
    Headers: () => new Headers({ 'X-Hub-Signature-256': sig, 'content-type': 'application/json' }),
    Map: () => new Map([['x-hub-signature-256', sig]]),
    'Map with Meta’s casing': () => new Map([['X-Hub-Signature-256', sig]]),
    'plain object': () => ({ 'X-Hub-Signature-256': sig }),
    'array value': () => ({ 'x-hub-signature-256': [sig] }),
  }
  for (const [name, headers] of Object.entries(forms)) {
    test(`${name}: a signed POST is accepted, a forged one refused`, async () => {
      const ok = { method: 'POST', headers: headers(), body }
      expect(ig.verifyWebhookSync(ok, { appSecret: SECRET })).toMatchObject({ kind: 'events' })
      expect(await ig.verifyWebhook(ok, { appSecret: SECRET })).toMatchObject({ kind: 'events' })
      expect(ig.verifyWebhookSync(ok, { appSecret: 'another-secret-0123456789' })).toMatchObject({ kind: 'rejected', reason: 'SIGNATURE_MISMATCH' })
    })
  }
  test('URLSearchParams and Map as the query of a handshake', () => {
    for (const query of [
      new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-0123456789', 'hub.challenge': 'c123' }),
      new Map([['hub.mode', 'subscribe'], ['hub.verify_token', 'vt-0123456789'], ['hub.challenge', 'c123']]),
    ]) {
      expect(ig.verifyWebhookSync({ method: 'GET', query }, { verifyToken: 'vt-0123456789' })).toEqual({ kind: 'challenge', status: 200, body: 'c123' })
    }
  })
  test('a getter that throws: its own exception reaches the caller, sync or async (as with JSON.stringify)', async () => {
    const headers = {
      get 'x-hub-signature-256'() {
        throw new Error('boom from a getter')
      },
    }
    expect(() => ig.verifyWebhookSync({ method: 'POST', headers, body }, { appSecret: SECRET })).toThrow('boom from a getter')
    await expect(ig.verifyWebhook({ method: 'POST', headers, body }, { appSecret: SECRET })).rejects.toThrow('boom from a getter')
    // And the addon is fine afterwards.
    expect(ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: SECRET }).kind).toBe('events')
  })
})

describe('a token that cannot travel in a header is refused before the network', () => {
  let server
  beforeAll(async () => {
    server = await hostileServer(() => ({ body: {} }))
  })
  afterAll(() => server.close())
  const opts = () => ({ instagramUrl: server.url, facebookUrl: server.url, maxRetries: 0 })
  for (const token of ['IGAA\r\nX-Evil: 1', 'IGAA\u0000x', 'IGAA tok', 'IGAAtök', '\t']) {
    test(JSON.stringify(token), async () => {
      for (const call of [
        () => ig.getAccount({ accessToken: token }, opts()),
        () => ig.sendMessage({ accessToken: token, recipient: { id: '2' }, message: { text: 'hi' } }, opts()),
        () => ig.refreshToken({ accessToken: token }, opts()),
        () => ig.exchangeToken({ accessToken: token, clientSecret: 'inputs-client-secret' }, opts()),
      ]) {
        const r = await settle(call())
        expect(r.error).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false })
        expect(r.error.message).toMatch(/accessToken/)
      }
      expect(server.requests).toEqual([])
    })
  }
})

describe('a cut-off emoji (an escaped lone surrogate) in one item', () => {
  const body = Buffer.from(
    '{"object":"instagram","entry":[{"id":"1","time":1,"messaging":[' +
      '{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m1","text":"cut \\ud83d"}},' +
      '{"sender":{"id":"3"},"recipient":{"id":"1"},"timestamp":2,"message":{"mid":"m2","text":"whole \\ud83d\\ude00"}}]}]}',
  )
  const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex')
  test('the batch is accepted; the broken character reads as U+FFFD, the others are intact', async () => {
    const req = { method: 'POST', headers: { 'x-hub-signature-256': sig }, body }
    for (const r of [ig.verifyWebhookSync(req, { appSecret: SECRET }), await ig.verifyWebhook(req, { appSecret: SECRET })]) {
      expect(r.kind).toBe('events')
      expect(r.events.map((e) => e.text)).toEqual(['cut \uFFFD', 'whole \u{1F600}'])
    }
    // Redelivered: the same ids.
    const again = ig.verifyWebhookSync(req, { appSecret: SECRET })
    expect(again.events.map((e) => e.id)).toEqual(ig.verifyWebhookSync(req, { appSecret: SECRET }).events.map((e) => e.id))
  })
})
