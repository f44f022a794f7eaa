'use strict'
// verifyWebhook / verifyWebhookSync: caller mistakes (throw / reject with INVALID_ARGUMENT),
// sync/async parity on every rejection, and no secret in any output.
// Fixtures: webhook-fixtures.test.js; handshake: webhook-handshake.test.js;
// signatures, size, payload, methods: webhook-delivery.test.js.

const { verifyWebhook, verifyWebhookSync } = require('..')
const { APP_SECRET, OTHER_SECRET, VERIFY_TOKEN, hmacHex, sign256, errorText, thrown, loadFixture } = require('./helpers/sign')
const { rejectionCases, mistakeCases } = require('./helpers/webhook-cases')

const { types } = require('util')

const rejections = rejectionCases()
// Errors made by the addon come from Node's own realm, not Jest's sandbox: `instanceof
// Error` is false there, so check for a native Error the realm-independent way.
const isError = (e) => types.isNativeError(e)
const mistakes = mistakeCases()
const text = loadFixture('message-text').raw

/** A regexp matching `field` as a whole name (so 'request' does not match 'request.body'). */
function namesField(field) {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^\\w.])${escaped}([^\\w.]|$)`)
}

/** Every secret-ish string to look for in outputs. */
function secretsOf(c) {
  const sigHexes = (c.signatures || []).map((s) => s.replace(/^sha(256|1)=/i, ''))
  return [APP_SECRET, OTHER_SECRET, VERIFY_TOKEN, ...sigHexes, ...sigHexes.map((h) => h.toUpperCase())]
}

describe('exports', () => {
  test('verifyWebhook and verifyWebhookSync are functions', () => {
    expect(typeof verifyWebhook).toBe('function')
    expect(typeof verifyWebhookSync).toBe('function')
  })

  test('verifyWebhook returns a Promise', async () => {
    const p = verifyWebhook({ method: 'DELETE' }, {})
    expect(types.isPromise(p)).toBe(true)
    await p
  })
})

describe('caller mistakes', () => {
  describe.each(mistakes.map((c) => [c.name, c]))('%s', (_, c) => {
    test(`verifyWebhookSync throws INVALID_ARGUMENT naming ${c.field}`, () => {
      const err = thrown(() => verifyWebhookSync(c.request, c.secrets))
      expect(isError(err)).toBe(true)
      expect(err.code).toBe('INVALID_ARGUMENT')
      expect(err.message).toMatch(namesField(c.field))
      if (c.message) expect(err.message).toMatch(c.message)
    })

    test(`verifyWebhook rejects with INVALID_ARGUMENT naming ${c.field}`, async () => {
      let promise
      expect(() => {
        promise = verifyWebhook(c.request, c.secrets)
      }).not.toThrow()
      const err = await promise.then(
        (value) => {
          throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
        },
        (e) => e,
      )
      expect(isError(err)).toBe(true)
      expect(err.code).toBe('INVALID_ARGUMENT')
      expect(err.message).toMatch(namesField(c.field))
      if (c.message) expect(err.message).toMatch(c.message)
    })

    test('sync and async errors agree (code and message)', async () => {
      const syncErr = thrown(() => verifyWebhookSync(c.request, c.secrets))
      const asyncErr = await verifyWebhook(c.request, c.secrets).catch((e) => e)
      expect({ code: asyncErr.code, message: asyncErr.message }).toEqual({ code: syncErr.code, message: syncErr.message })
    })

    test('no secret in the error (String(err), message, stack, own properties)', async () => {
      const syncErr = thrown(() => verifyWebhookSync(c.request, c.secrets))
      const asyncErr = await verifyWebhook(c.request, c.secrets).catch((e) => e)
      for (const err of [syncErr, asyncErr]) {
        const shown = errorText(err)
        for (const secret of [APP_SECRET, VERIFY_TOKEN, hmacHex(APP_SECRET, text)]) {
          expect(shown).not.toContain(secret)
        }
      }
    })
  })

  test('the parsed-object message tells to pass the raw body', () => {
    const err = thrown(() => verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sign256(text) }, body: JSON.parse(text) }, { appSecret: APP_SECRET }))
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.message).toMatch(/request\.body/)
    expect(err.message).toMatch(/raw body/i)
  })

  test('secrets with wrongly typed values throw INVALID_ARGUMENT without echoing secrets', () => {
    const request = { method: 'POST', headers: { 'x-hub-signature-256': sign256(text) }, body: text }
    for (const s of [
      { appSecret: 123, verifyToken: VERIFY_TOKEN },
      { appSecret: [APP_SECRET, 5] },
      { verifyToken: { nested: VERIFY_TOKEN }, appSecret: APP_SECRET },
      { appSecret: APP_SECRET, allowUnsigned: APP_SECRET },
      { appSecret: APP_SECRET, maxBodyBytes: APP_SECRET },
      { appSecret: APP_SECRET, maxBodyBytes: -1 },
    ]) {
      const err = thrown(() => verifyWebhookSync(request, s))
      expect(err.code).toBe('INVALID_ARGUMENT')
      const shown = errorText(err)
      expect(shown).not.toContain(APP_SECRET)
      expect(shown).not.toContain(VERIFY_TOKEN)
    }
  })
})

describe('rejections', () => {
  describe.each(rejections.map((c) => [c.name, c]))('%s', (_, c) => {
    test(`→ ${c.status} ${c.reason} (a value, not a throw)`, () => {
      const r = verifyWebhookSync(c.request, c.secrets)
      expect(r).toEqual({ kind: 'rejected', status: c.status, reason: c.reason, message: expect.any(String) })
      expect(r.message.length).toBeGreaterThan(0)
    })

    test('verifyWebhook (async) resolves deep-equal to verifyWebhookSync', async () => {
      expect(await verifyWebhook(c.request, c.secrets)).toEqual(verifyWebhookSync(c.request, c.secrets))
    })

    test('no secret, verify token or signature hex in the result', () => {
      const shown = JSON.stringify(verifyWebhookSync(c.request, c.secrets))
      for (const secret of secretsOf(c)) expect(shown).not.toContain(secret)
    })
  })
})

test('a challenge result holds only the challenge, never the verify token', () => {
  const r = verifyWebhookSync(
    { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'c-1' } },
    { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET },
  )
  expect(r).toEqual({ kind: 'challenge', status: 200, body: 'c-1' })
  expect(JSON.stringify(r)).not.toContain(VERIFY_TOKEN)
})

test('an events result holds neither the app secret nor the signature', () => {
  const sig = sign256(text)
  const r = verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: text }, { appSecret: APP_SECRET })
  expect(r.kind).toBe('events')
  const shown = JSON.stringify(r)
  expect(shown).not.toContain(APP_SECRET)
  expect(shown).not.toContain(sig.slice('sha256='.length))
})
