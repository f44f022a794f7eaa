'use strict'
// POST deliveries: signatures over the raw bytes, the size limit, payload shape, methods.

const { verifyWebhook, verifyWebhookSync } = require('..')
const { APP_SECRET, OTHER_SECRET, VERIFY_TOKEN, sign256, sign1, hmacHex, loadFixture } = require('./helpers/sign')
const { MiB, reserialised } = require('./helpers/webhook-cases')

const text = loadFixture('message-text').raw
const nonAscii = loadFixture('non-ascii').raw
const secrets = { appSecret: APP_SECRET }
const post = (request, s = secrets) => verifyWebhookSync({ method: 'POST', ...request }, s)
const accepted = { kind: 'events', status: 200, object: 'instagram' }
const hex = hmacHex(APP_SECRET, text)

describe('signatures', () => {
  test('a good signature in lowercase hex is accepted', () => {
    expect(hex).toMatch(/^[0-9a-f]{64}$/)
    const r = post({ headers: { 'x-hub-signature-256': 'sha256=' + hex }, body: text })
    expect(r).toMatchObject(accepted)
    expect(r.events).toHaveLength(1)
    expect(r.events[0].text).toBe('hi, do you ship to Finland?')
  })

  test('a good signature in UPPERCASE hex is accepted', () => {
    const upper = hex.toUpperCase()
    expect(upper).not.toBe(hex)
    expect(post({ headers: { 'x-hub-signature-256': 'sha256=' + upper }, body: text })).toMatchObject(accepted)
  })

  test('a signature made with another secret → 401 SIGNATURE_MISMATCH', () => {
    expect(post({ headers: { 'x-hub-signature-256': sign256(text, OTHER_SECRET) }, body: text })).toMatchObject({
      kind: 'rejected', status: 401, reason: 'SIGNATURE_MISMATCH',
    })
  })

  test('a body changed by one byte after signing → 401 SIGNATURE_MISMATCH', () => {
    const tampered = Buffer.from(text)
    tampered[tampered.length - 5] ^= 1
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: tampered })).toMatchObject({ status: 401, reason: 'SIGNATURE_MISMATCH' })
  })

  test('malformed signature values → 401 SIGNATURE_MISMATCH', () => {
    for (const value of ['sha256=', 'sha256=xyz', 'sha256=' + hex.slice(0, 62), 'sha256=' + hex + '00', hex, 'md5=' + hex, 'sha1=' + hex]) {
      expect({ value, r: post({ headers: { 'x-hub-signature-256': value }, body: text }) }).toMatchObject({
        value, r: { status: 401, reason: 'SIGNATURE_MISMATCH' },
      })
    }
  })

  test('no signature header → 401 SIGNATURE_MISSING', () => {
    expect(post({ headers: { 'content-type': 'application/json' }, body: text })).toMatchObject({
      kind: 'rejected', status: 401, reason: 'SIGNATURE_MISSING',
    })
    expect(post({ body: text })).toMatchObject({ status: 401, reason: 'SIGNATURE_MISSING' })
  })

  test('the header name in any case is found', () => {
    for (const name of ['X-Hub-Signature-256', 'X-HUB-SIGNATURE-256', 'x-Hub-signature-256']) {
      expect({ name, r: post({ headers: { [name]: 'sha256=' + hex }, body: text }) }).toMatchObject({ name, r: accepted })
    }
  })

  test('the header given as an array value is used', () => {
    expect(post({ headers: { 'x-hub-signature-256': ['sha256=' + hex] }, body: text })).toMatchObject(accepted)
    expect(post({ headers: { 'X-Hub-Signature-256': ['sha256=' + hex] }, body: text })).toMatchObject(accepted)
  })

  describe('non-ASCII fixture (escaped \\u00e4 in the raw bytes)', () => {
    test('precondition: re-serialising changes the bytes', () => {
      expect(nonAscii.toString('utf8')).toContain('\\u00e4')
      expect(reserialised.equals(nonAscii)).toBe(false)
    })

    test('the original bytes signed over themselves are accepted, text decoded', () => {
      const r = post({ headers: { 'x-hub-signature-256': sign256(nonAscii) }, body: nonAscii })
      expect(r).toMatchObject(accepted)
      expect(r.events[0].text).toBe('äöå — hyvää päivää 😀')
    })

    test('JSON.stringify(JSON.parse(raw)) sent with a signature over the ORIGINAL bytes fails', () => {
      expect(post({ headers: { 'x-hub-signature-256': sign256(nonAscii) }, body: reserialised })).toMatchObject({
        kind: 'rejected', status: 401, reason: 'SIGNATURE_MISMATCH',
      })
    })

    test('the original bytes sent with a signature over the re-serialised JSON fail', () => {
      expect(post({ headers: { 'x-hub-signature-256': sign256(reserialised) }, body: nonAscii })).toMatchObject({
        kind: 'rejected', status: 401, reason: 'SIGNATURE_MISMATCH',
      })
    })
  })

  test('the second secret of an appSecret array matches', () => {
    const r = post({ headers: { 'x-hub-signature-256': sign256(text, APP_SECRET) }, body: text }, { appSecret: [OTHER_SECRET, APP_SECRET] })
    expect(r).toMatchObject(accepted)
  })

  test('an appSecret array none of which matches → 401 SIGNATURE_MISMATCH', () => {
    const r = post({ headers: { 'x-hub-signature-256': sign256(text, 'third') }, body: text }, { appSecret: [OTHER_SECRET, APP_SECRET] })
    expect(r).toMatchObject({ status: 401, reason: 'SIGNATURE_MISMATCH' })
  })

  test('a legacy sha1-only header (x-hub-signature: sha1=…) is accepted', () => {
    expect(post({ headers: { 'x-hub-signature': sign1(text) }, body: text })).toMatchObject(accepted)
    expect(post({ headers: { 'X-Hub-Signature': sign1(text).toUpperCase().replace('SHA1=', 'sha1=') }, body: text })).toMatchObject(accepted)
  })

  test('a wrong legacy sha1 header → 401 SIGNATURE_MISMATCH', () => {
    expect(post({ headers: { 'x-hub-signature': sign1(text, OTHER_SECRET) }, body: text })).toMatchObject({ status: 401, reason: 'SIGNATURE_MISMATCH' })
  })

  test('with both headers, the sha256 one decides', () => {
    expect(post({ headers: { 'x-hub-signature': sign1(text, OTHER_SECRET), 'x-hub-signature-256': sign256(text) }, body: text })).toMatchObject(accepted)
    expect(post({ headers: { 'x-hub-signature': sign1(text), 'x-hub-signature-256': sign256(text, OTHER_SECRET) }, body: text })).toMatchObject({
      status: 401, reason: 'SIGNATURE_MISMATCH',
    })
  })

  test('a string body (the exact string received) is accepted', () => {
    const s = text.toString('utf8')
    expect(typeof s).toBe('string')
    const r = post({ headers: { 'x-hub-signature-256': sign256(s) }, body: s })
    expect(r).toMatchObject(accepted)
    expect(r).toEqual(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: text }))
  })

  test('a string body with real non-ASCII characters is signed over its UTF-8 bytes', () => {
    const s = '{"object":"instagram","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m","text":"hyvää päivää 😀"}}]}]}'
    const r = post({ headers: { 'x-hub-signature-256': sign256(Buffer.from(s, 'utf8')) }, body: s })
    expect(r).toMatchObject(accepted)
    expect(r.events[0].text).toBe('hyvää päivää 😀')
  })

  test('a plain Uint8Array body is accepted', () => {
    const u8 = new Uint8Array(text.length)
    u8.set(text)
    expect(Buffer.isBuffer(u8)).toBe(false)
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: u8 })).toMatchObject(accepted)
  })

  test('a Buffer/Uint8Array view into a larger ArrayBuffer uses only its own bytes', () => {
    const padded = Buffer.concat([Buffer.from('GARBAGE-BEFORE'), text, Buffer.from('GARBAGE-AFTER')])
    const view = padded.subarray(14, 14 + text.length)
    expect(view.equals(text)).toBe(true)
    expect(view.byteOffset).toBeGreaterThan(0)
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: view })).toMatchObject(accepted)
    const u8view = new Uint8Array(padded.buffer, padded.byteOffset + 14, text.length)
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: u8view })).toMatchObject(accepted)
  })

  test('the method in any case: post, Post, pOST', () => {
    for (const method of ['post', 'Post', 'pOST']) {
      expect(verifyWebhookSync({ method, headers: { 'x-hub-signature-256': sign256(text) }, body: text }, secrets)).toMatchObject(accepted)
    }
  })
})

describe('size limit', () => {
  test('maxBodyBytes exactly the body length passes', () => {
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: text }, { ...secrets, maxBodyBytes: text.length })).toMatchObject(accepted)
  })

  test('maxBodyBytes one less than the body length → 413 PAYLOAD_TOO_LARGE', () => {
    expect(post({ headers: { 'x-hub-signature-256': sign256(text) }, body: text }, { ...secrets, maxBodyBytes: text.length - 1 })).toMatchObject({
      kind: 'rejected', status: 413, reason: 'PAYLOAD_TOO_LARGE',
    })
  })

  test('413 comes before the signature check: an unsigned oversize body → 413, not 401', () => {
    expect(post({ body: text }, { ...secrets, maxBodyBytes: text.length - 1 })).toMatchObject({ status: 413, reason: 'PAYLOAD_TOO_LARGE' })
    expect(post({ headers: { 'x-hub-signature-256': sign256(text, OTHER_SECRET) }, body: text }, { ...secrets, maxBodyBytes: 1 })).toMatchObject({
      status: 413, reason: 'PAYLOAD_TOO_LARGE',
    })
  })

  test('the limit counts bytes, not characters (string body)', () => {
    const s = text.toString('utf8').replace('Finland', 'Suomiää')
    const bytes = Buffer.byteLength(s, 'utf8')
    expect(bytes).toBeGreaterThan(s.length)
    expect(post({ headers: { 'x-hub-signature-256': sign256(s) }, body: s }, { ...secrets, maxBodyBytes: bytes })).toMatchObject(accepted)
    expect(post({ headers: { 'x-hub-signature-256': sign256(s) }, body: s }, { ...secrets, maxBodyBytes: s.length })).toMatchObject({
      status: 413, reason: 'PAYLOAD_TOO_LARGE',
    })
  })

  test('the default limit is 1 MiB: a body of 1 MiB + 1 bytes → 413', () => {
    expect(post({ body: Buffer.alloc(MiB + 1, 0x20) })).toMatchObject({ kind: 'rejected', status: 413, reason: 'PAYLOAD_TOO_LARGE' })
  })

  test('the default limit is 1 MiB: a body of exactly 1 MiB passes the size check (→ 401 unsigned)', () => {
    expect(post({ body: Buffer.alloc(MiB, 0x20) })).toMatchObject({ status: 401, reason: 'SIGNATURE_MISSING' })
  })
})

describe('payload shape', () => {
  const cases = [
    ['not JSON', 'not json'],
    ['empty', ''],
    ['truncated JSON', '{"object":"instagram","entry":['],
    ['[]', '[]'],
    ['{"object":"instagram"}', '{"object":"instagram"}'],
    ['{"entry":[]}', '{"entry":[]}'],
    ['entry not an array', '{"object":"instagram","entry":{}}'],
    ['object not a string', '{"object":5,"entry":[]}'],
    ['null', 'null'],
  ]
  test.each(cases)('a signed body that is %s → 400 MALFORMED_PAYLOAD', (_, body) => {
    expect(post({ headers: { 'x-hub-signature-256': sign256(body) }, body: Buffer.from(body) })).toMatchObject({
      kind: 'rejected', status: 400, reason: 'MALFORMED_PAYLOAD',
    })
  })

  test('the signature is checked before parsing: an unsigned non-JSON body → 401', () => {
    expect(post({ body: Buffer.from('not json') })).toMatchObject({ status: 401, reason: 'SIGNATURE_MISSING' })
    expect(post({ headers: { 'x-hub-signature-256': sign256('x', OTHER_SECRET) }, body: Buffer.from('not json') })).toMatchObject({
      status: 401, reason: 'SIGNATURE_MISMATCH',
    })
  })

  test('a minimal valid envelope with no entries is accepted with no events', () => {
    const body = '{"object":"instagram","entry":[]}'
    expect(post({ headers: { 'x-hub-signature-256': sign256(body) }, body })).toEqual({ kind: 'events', status: 200, object: 'instagram', events: [] })
  })
})

describe('methods and allowUnsigned', () => {
  test.each(['PUT', 'DELETE', 'patch', 'Head', 'OPTIONS'])('%s → 405 METHOD_NOT_ALLOWED result (not thrown)', (method) => {
    const r = verifyWebhookSync({ method, headers: { 'x-hub-signature-256': sign256(text) }, body: text }, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN })
    expect(r).toMatchObject({ kind: 'rejected', status: 405, reason: 'METHOD_NOT_ALLOWED' })
  })

  test('405 needs no secrets at all', () => {
    expect(verifyWebhookSync({ method: 'DELETE' }, {})).toMatchObject({ status: 405, reason: 'METHOD_NOT_ALLOWED' })
  })

  test('allowUnsigned: true accepts an unsigned POST without any appSecret', () => {
    const r = verifyWebhookSync({ method: 'POST', body: text }, { allowUnsigned: true })
    expect(r).toMatchObject(accepted)
    expect(r.events).toHaveLength(1)
  })

  test('allowUnsigned: true still checks a signature that is present when an appSecret is given', () => {
    const r = verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sign256(text, OTHER_SECRET) }, body: text }, { allowUnsigned: true, appSecret: APP_SECRET })
    expect(r).toMatchObject({ status: 401, reason: 'SIGNATURE_MISMATCH' })
  })

  test('allowUnsigned: true keeps the size limit and the payload check', () => {
    expect(verifyWebhookSync({ method: 'POST', body: text }, { allowUnsigned: true, maxBodyBytes: 5 })).toMatchObject({ status: 413 })
    expect(verifyWebhookSync({ method: 'POST', body: '[]' }, { allowUnsigned: true })).toMatchObject({ status: 400, reason: 'MALFORMED_PAYLOAD' })
  })

  test('verifyWebhook (async) accepts the same unsigned POST', async () => {
    expect(await verifyWebhook({ method: 'POST', body: text }, { allowUnsigned: true })).toEqual(
      verifyWebhookSync({ method: 'POST', body: text }, { allowUnsigned: true }),
    )
  })
})
