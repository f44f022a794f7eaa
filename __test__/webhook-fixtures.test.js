'use strict'
// Every fixture under __test__/fixtures/webhooks, signed over its raw bytes, against its
// NAME.expected.json; plus event ids, batch order and ids above 2^53.

const { verifyWebhook, verifyWebhookSync } = require('..')
const { APP_SECRET, sign256, loadFixtures, loadFixture, withoutId, bigintPaths } = require('./helpers/sign')

const ID_RE = /^[0-9a-f]{32}$/i
const fixtures = loadFixtures()

function deliver(buf, secret = APP_SECRET) {
  return verifyWebhookSync(
    { method: 'POST', headers: { 'x-hub-signature-256': sign256(buf, secret) }, body: buf },
    { appSecret: secret },
  )
}

/** The items of a parsed body in the documented order: per entry messaging, standby, changes. */
function itemsInOrder(payload) {
  return payload.entry.flatMap((entry) => [
    ...(entry.messaging || []),
    ...(entry.standby || []),
    ...(entry.changes || []),
  ])
}

test('the fixture directory holds fixtures, each with its expected file', () => {
  expect(fixtures.length).toBeGreaterThan(30)
  const missing = fixtures.filter((f) => f.expected === undefined).map((f) => f.expectedFile)
  expect(missing).toEqual([])
})

describe.each(fixtures.map((f) => [f.name, f]))('fixture %s', (name, fixture) => {
  const { raw, expected } = fixture
  let result
  beforeAll(() => {
    result = deliver(raw)
  })

  test('is accepted with the top-level fields of the expected file', () => {
    expect(Object.keys(result).sort()).toEqual(Object.keys(expected).sort())
    expect({ kind: result.kind, status: result.status, object: result.object }).toEqual({
      kind: expected.kind,
      status: expected.status,
      object: expected.object,
    })
  })

  test('has the expected number of events', () => {
    expect(result.events).toHaveLength(expected.events.length)
  })

  test('every event matches the expected file field by field (id aside)', () => {
    result.events.forEach((event, index) => {
      const actual = withoutId(event)
      const want = expected.events[index]
      if (want.dedupeKey === undefined) {
        // Keyed by the event id, which the files leave out (see the dedupe keys tests below).
        expect(actual.dedupeKey).toMatch(ID_RE)
        delete actual.dedupeKey
      }
      // Keys present with a value (an `undefined` property counts as absent).
      const actualKeys = Object.keys(actual).filter((k) => actual[k] !== undefined).sort()
      expect({ fixture: name, index, keys: actualKeys }).toEqual({ fixture: name, index, keys: Object.keys(want).sort() })
      for (const field of Object.keys(want)) {
        expect({ fixture: name, index, field, value: actual[field] }).toEqual({ fixture: name, index, field, value: want[field] })
      }
    })
  })

  test('every event has a 32-hex-digit id', () => {
    for (const event of result.events) {
      expect(typeof event.id).toBe('string')
      expect(event.id).toMatch(ID_RE)
    }
  })

  test('event ids are unique within the body', () => {
    const ids = result.events.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('the same body delivered twice gives the same event ids', () => {
    const again = deliver(Buffer.from(raw), 'a-different-app-secret')
    expect(again.events.map((e) => e.id)).toEqual(result.events.map((e) => e.id))
  })

  test('the result is plain JSON: no BigInt anywhere, JSON.stringify does not throw', () => {
    expect(bigintPaths(result)).toEqual([])
    expect(() => JSON.stringify(result)).not.toThrow()
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  test('verifyWebhook (async) resolves deep-equal to verifyWebhookSync', async () => {
    const request = { method: 'POST', headers: { 'x-hub-signature-256': sign256(raw) }, body: raw }
    expect(await verifyWebhook(request, { appSecret: APP_SECRET })).toEqual(verifyWebhookSync(request, { appSecret: APP_SECRET }))
  })
})

describe('batch fixture', () => {
  const { raw } = loadFixture('batch')
  const payload = JSON.parse(raw.toString('utf8'))
  const items = itemsInOrder(payload)
  const result = deliver(raw)

  test('the body really is a large multi-entry batch (precondition)', () => {
    expect(payload.entry.length).toBeGreaterThan(1)
    expect(items).toHaveLength(1000)
  })

  test('keeps every item: one event per item', () => {
    expect(result.kind).toBe('events')
    expect(result.events).toHaveLength(items.length)
  })

  test('keeps the items in order: entries in order, then messaging, standby, changes', () => {
    expect(result.events.map((e) => e.raw)).toEqual(items)
  })

  test('messageIds come out in the order and number of the mids in the body', () => {
    const mids = items.map((item) => {
      const inner = item.message || item.read || item.reaction || item.postback || item.message_edit
      return inner && inner.mid
    }).filter(Boolean)
    expect(mids.length).toBeGreaterThan(500)
    expect(result.events.map((e) => e.messageId).filter((m) => m !== undefined)).toEqual(mids)
  })

  test('standby items are flagged, the others are not', () => {
    const standbyCount = payload.entry.reduce((n, e) => n + (e.standby || []).length, 0)
    expect(result.events.filter((e) => e.standby)).toHaveLength(standbyCount)
  })

  test('all 1000 ids are unique and stable across a second delivery', () => {
    const ids = result.events.map((e) => e.id)
    expect(new Set(ids).size).toBe(1000)
    expect(deliver(Buffer.from(raw)).events.map((e) => e.id)).toEqual(ids)
  })
})

describe('event ids', () => {
  test('an item redelivered in another batch (other siblings, other entry time) keeps its id', () => {
    const { raw } = loadFixture('message-text')
    const original = deliver(raw).events[0]
    const payload = JSON.parse(raw.toString('utf8'))
    const item = payload.entry[0].messaging[0]
    const sibling = { sender: { id: '999' }, recipient: { id: payload.entry[0].id }, timestamp: 1, message: { mid: 'other', text: 'x' } }
    const rebatched = Buffer.from(
      JSON.stringify({
        object: payload.object,
        entry: [{ id: payload.entry[0].id, time: payload.entry[0].time + 5000, messaging: [sibling, item] }],
      }),
    )
    const events = deliver(rebatched).events
    expect(events).toHaveLength(2)
    expect(events[1].messageId).toBe(original.messageId)
    expect(events[1].id).toBe(original.id)
    expect(events[0].id).not.toBe(original.id)
  })

  test('different items of one body get different ids', () => {
    const body = Buffer.from(
      JSON.stringify({
        object: 'instagram',
        entry: [
          {
            id: '1',
            time: 1,
            messaging: [
              { sender: { id: '2' }, recipient: { id: '1' }, timestamp: 1, message: { mid: 'm1', text: 'a' } },
              { sender: { id: '2' }, recipient: { id: '1' }, timestamp: 1, message: { mid: 'm1', text: 'b' } },
            ],
          },
        ],
      }),
    )
    const [a, b] = deliver(body).events
    expect(a.id).toMatch(ID_RE)
    expect(b.id).toMatch(ID_RE)
    expect(a.id).not.toBe(b.id)
  })
})

describe('ids above 2^53 (big-ids fixture)', () => {
  const { raw } = loadFixture('big-ids')
  const text = raw.toString('utf8')
  const result = deliver(raw)
  const [message, comment] = result.events

  test('the body carries the ids as bare JSON numbers above 2^53 (precondition)', () => {
    expect(text).toContain('"id":17841405793187218')
    expect(text).toContain('"sender":{"id":1234567890123456789}')
    expect(text).toContain('"from":{"id":9007199254740993')
    expect(17841405793187218 > Number.MAX_SAFE_INTEGER).toBe(true)
  })

  test('accountId, senderId and recipientId are the exact decimal strings', () => {
    expect(message.accountId).toBe('17841405793187218')
    expect(message.senderId).toBe('1234567890123456789')
    expect(message.recipientId).toBe('17841405793187218')
    expect(comment.accountId).toBe('17841405793187218')
  })

  test('nested ids (story, reel, ad, comment, from, media, parent) are exact strings', () => {
    expect(message.replyTo.storyId).toBe('18011223344556679')
    expect(message.attachments[0].id).toBe('18023456789012347')
    expect(message.referral.adId).toBe('120210000000000003')
    expect(comment.comment).toMatchObject({
      id: '17865799348089043',
      fromId: '9007199254740993',
      mediaId: '17887498072083523',
      parentId: '17865799348089042',
    })
  })

  test('raw is what JSON.parse gives for the same item (numbers, never BigInt)', () => {
    const items = itemsInOrder(JSON.parse(text))
    expect(result.events.map((e) => e.raw)).toEqual(items)
    expect(typeof message.raw.sender.id).toBe('number')
    expect(message.raw.sender.id).toBe(JSON.parse('1234567890123456789'))
    expect(bigintPaths(result)).toEqual([])
    expect(() => JSON.stringify(result)).not.toThrow()
  })
})

describe('routes and dedupe keys', () => {
  const { webhookRoutes, webhookEventTypes } = require('..')

  test('webhookRoutes lists the trigger outputs in order, frozen', () => {
    expect(webhookRoutes).toEqual(['message', 'postback', 'story_reply', 'story_mention', 'reaction', 'read', 'comment', 'other'])
    expect(Object.isFrozen(webhookRoutes)).toBe(true)
    expect(webhookEventTypes).toContain('live_comment')
  })

  test('every event of every fixture has a route from the list', () => {
    for (const { raw } of fixtures) {
      for (const event of deliver(raw).events) expect(webhookRoutes).toContain(event.route)
    }
  })

  test('an event keyed by its id keeps its key in another batch and differs from its id', () => {
    const { raw } = loadFixture('read')
    const [original] = deliver(raw).events
    const payload = JSON.parse(raw.toString('utf8'))
    payload.entry[0].time += 60_000
    payload.entry[0].messaging.unshift({ sender: { id: '9' }, recipient: { id: '8' }, timestamp: 1, read: { mid: 'x' } })
    const again = deliver(Buffer.from(JSON.stringify(payload))).events
    expect(again[1].dedupeKey).toBe(original.dedupeKey)
    expect(again[0].dedupeKey).not.toBe(original.dedupeKey)
    expect(original.dedupeKey).not.toBe(original.id)
  })

  test('the ad comment delivered twice: two ids, one key; bare and wrapped comment: one key', () => {
    const [plain, withAd] = deliver(loadFixture('comments-ad-twice').raw).events
    expect(plain.id).not.toBe(withAd.id)
    expect(plain.dedupeKey).toBe(withAd.dedupeKey)
    const bare = loadFixture('comments-bare').raw
    const wrapped = { object: 'instagram', entry: [{ id: '17841400000000001', time: 1732800000, changes: [JSON.parse(bare)] }] }
    expect(deliver(Buffer.from(JSON.stringify(wrapped))).events[0].dedupeKey).toBe(deliver(bare).events[0].dedupeKey)
  })
})

describe('bare {field, value} bodies', () => {
  test('are checked for size and signature first, like every body', () => {
    const body = loadFixture('comments-bare').raw
    const unsigned = verifyWebhookSync({ method: 'POST', headers: {}, body }, { appSecret: APP_SECRET })
    expect(unsigned).toMatchObject({ kind: 'rejected', status: 401, reason: 'SIGNATURE_MISSING' })
    const mismatch = verifyWebhookSync(
      { method: 'POST', headers: { 'x-hub-signature-256': sign256(body, 'another-secret') }, body },
      { appSecret: APP_SECRET },
    )
    expect(mismatch).toMatchObject({ kind: 'rejected', status: 401, reason: 'SIGNATURE_MISMATCH' })
    const small = verifyWebhookSync(
      { method: 'POST', headers: { 'x-hub-signature-256': sign256(body) }, body },
      { appSecret: APP_SECRET, maxBodyBytes: 16 },
    )
    expect(small).toMatchObject({ kind: 'rejected', status: 413 })
  })

  test.each([
    ['a field that is not a string', { field: 5, value: {} }],
    ['a value that is not an object', { field: 'comments', value: [1] }],
    ['no value', { field: 'comments' }],
    ['no field', { value: { id: '1' } }],
    ['an object without entry or field', { object: 'instagram' }],
    ['entry not an array, with a field and no value', { object: 'instagram', entry: {}, field: 'x' }],
    ['an entry array without object, with field and value beside', { entry: [], field: 'comments', value: {} }],
  ])('anything else without entry[] stays 400 MALFORMED_PAYLOAD: %s', (_name, body) => {
    const result = deliver(Buffer.from(JSON.stringify(body)))
    expect(result).toMatchObject({ kind: 'rejected', status: 400, reason: 'MALFORMED_PAYLOAD' })
  })
})
