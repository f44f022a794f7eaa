'use strict'
// The trigger's outputs by kind of event (node version 2) and its deduplication of Meta's
// redeliveries, through webhook() with a fake IWebhookFunctions whose static data persists
// between calls as n8n's does. The addon computes routes and keys for real.

const crypto = require('node:crypto')
const path = require('node:path')
const { InstagramTrigger, InstagramNativeApi, pkg } = require('./helpers/load')
const { createCredentialStore, webhookContext } = require('./helpers/fake-n8n')

const APP_SECRET = 'test-app-secret'
const ACCOUNT = '17841405793187218'
const USER = '1254477777772919'
const trigger = new InstagramTrigger()
const store = createCredentialStore(new InstagramNativeApi(), { clientSecret: APP_SECRET, oauthAccessToken: 'IGAAunused' })
const sign = (body) => 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')

const dm = (extra, ts = 1569262485349) => ({ sender: { id: USER }, recipient: { id: ACCOUNT }, timestamp: ts, ...extra })
const comment = (id, extra = {}) => ({ field: 'comments', value: { id, text: 'Price?', from: { id: '17841400000000777', username: 'fan' }, media: { id: '17900000000000001' }, ...extra } })
const body = (messaging = [], changes = []) =>
  Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: ACCOUNT, time: 1569262486134, messaging, changes }] }))

/** One event of every route (and the kinds that go to Other), in this order. */
const EVERY_KIND = body(
  [
    dm({ message: { mid: 'm-text', text: 'hi' } }),
    dm({ message: { mid: 'm-qr', text: 'Yes', quick_reply: { payload: 'YES' } } }),
    dm({ postback: { mid: 'm-pb', title: 'Menu', payload: 'MENU' } }),
    dm({ message: { mid: 'm-story-reply', text: 'love it', reply_to: { story: { id: '18011223344556677', url: 'https://cdn.example/s' } } } }),
    dm({ message: { mid: 'm-mention', attachments: [{ type: 'story_mention', payload: { url: 'https://cdn.example/m' } }] } }),
    dm({ reaction: { mid: 'm-text', action: 'react', reaction: 'love', emoji: '❤' } }),
    dm({ read: { mid: 'm-text' } }),
    dm({ message_edit: { mid: 'm-text', text: 'hi!', num_edit: 1 } }),
  ],
  [
    comment('17865799348089039'),
    { field: 'live_comments', value: { id: '17865799348089040', text: 'Hello', from: { id: '1' }, media: { id: '2' } } },
    { field: 'mentions', value: { comment_id: '17894227972186120', media_id: '17887498072083521' } },
  ],
)

async function deliver(raw, { params = {}, workflowId = 'wf-routing', staticData = {}, typeVersion = 2, mode } = {}) {
  const ctx = webhookContext(trigger, {
    store,
    params: { registration: 'manual', ...params },
    method: 'POST',
    headers: { 'x-hub-signature-256': sign(raw) },
    rawBody: raw,
    workflowId,
    staticData,
    typeVersion,
    mode,
  })
  const result = await trigger.webhook.call(ctx)
  expect(ctx.res.statusCode).toBe(200)
  return result.workflowData
}

/** The outputs n8n derives from the node's `outputs` expression for these parameters. */
function outputsFor(parameters) {
  const expression = trigger.description.outputs
  expect(expression).toMatch(/^=\{\{[\s\S]*\}\}$/)
  // eslint-disable-next-line no-new-func
  return new Function('$parameter', `return ${expression.slice(3, -2)}`)(parameters)
}

let workflows = 0
const fresh = () => ({ workflowId: `wf-${++workflows}`, staticData: {} })

describe('routing', () => {
  test('version 2 is the default; its Routing defaults to eight outputs by kind, version 1 keeps one', () => {
    expect(trigger.description.version).toEqual([1, 2])
    expect(trigger.description.defaultVersion).toBe(2)
    const routing = trigger.description.properties.filter((p) => p.name === 'routing')
    expect(routing.map((p) => [p.displayOptions.show['@version'], p.default])).toEqual([[[1], 'single'], [[2], 'byKind']])
    expect(outputsFor({ routing: 'single' })).toEqual(['main'])
    expect(outputsFor({ routing: 'byKind' }).map((o) => o.displayName)).toEqual([
      'Messages', 'Postbacks & Quick Replies', 'Story Replies', 'Story Mentions', 'Reactions', 'Reads', 'Comments', 'Other',
    ])
  })

  test('by kind: each event on the output of its route, in delivery order; echoes (when included) on Other', async () => {
    const outputs = await deliver(EVERY_KIND, { ...fresh() })
    expect(outputs).toHaveLength(8)
    const ids = outputs.map((items) => items.map((i) => i.json.messageId ?? i.json.comment?.id ?? i.json.type))
    expect(ids).toEqual([
      ['m-text'],
      ['m-qr', 'm-pb'],
      ['m-story-reply'],
      ['m-mention'],
      ['m-text'],
      ['m-text'],
      ['17865799348089039', '17865799348089040'],
      ['m-text', '17894227972186120'], // the edit, the mention
    ])
    expect(outputs[4][0].json.type).toBe('reaction')
    expect(outputs[5][0].json.type).toBe('read')
    expect(outputs[7].map((i) => i.json.type)).toEqual(['message_edit', 'mention'])
    const echo = body([dm({ message: { mid: 'm-echo', text: 'You said hi', is_echo: true } })])
    expect(await deliver(echo, { ...fresh() })).toBeUndefined()
    const withEchoes = await deliver(echo, { ...fresh(), params: { includeEchoes: true } })
    expect(withEchoes.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
  })

  test('both comment payload shapes reach Comments; the Event Types filter applies first', async () => {
    const bare = Buffer.from(JSON.stringify(comment('17865799348089041')))
    const outputs = await deliver(bare, { ...fresh() })
    expect(outputs[6].map((i) => i.json.comment.id)).toEqual(['17865799348089041'])
    const onlyComments = await deliver(EVERY_KIND, { ...fresh(), params: { eventTypes: ['comment'] } })
    expect(onlyComments.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 0, 1, 0])
  })

  test('version 1 (and Routing "One Output") hands every event to one output', async () => {
    const v1 = await deliver(EVERY_KIND, { ...fresh(), typeVersion: 1 })
    expect(v1).toHaveLength(1)
    expect(v1[0]).toHaveLength(11)
    const single = await deliver(EVERY_KIND, { ...fresh(), params: { routing: 'single' } })
    expect(single).toHaveLength(1)
    expect(single[0]).toHaveLength(11)
  })
})

describe('deduplication', () => {
  const count = (outputs) => (outputs ? outputs.reduce((n, items) => n + items.length, 0) : 0)

  test('a redelivered batch starts nothing; a batch keeps its unseen events', async () => {
    const wf = fresh()
    expect(count(await deliver(EVERY_KIND, wf))).toBe(11)
    expect(await deliver(EVERY_KIND, wf)).toBeUndefined()
    // Meta's retry in another batch: other entry time, other siblings, one new message
    const rebatched = body([dm({ message: { mid: 'm-new', text: 'new' } }), dm({ message: { mid: 'm-text', text: 'hi' } })])
    const outputs = await deliver(rebatched, wf)
    expect(outputs[0].map((i) => i.json.messageId)).toEqual(['m-new'])
  })

  test('an ad comment delivered twice with different bytes starts one execution', async () => {
    const wf = fresh()
    const plain = body([], [comment('17865799348089050')])
    const withAd = body([], [comment('17865799348089050', { ad_id: '120210000000000009', ad_title: 'Winter sale' })])
    expect(count(await deliver(plain, wf))).toBe(1)
    expect(await deliver(withAd, wf)).toBeUndefined()
    // and the same comment bare
    expect(await deliver(Buffer.from(JSON.stringify(comment('17865799348089050'))), wf)).toBeUndefined()
  })

  test('the same event twice in one delivery passes once', async () => {
    const twice = body([dm({ message: { mid: 'm-dup', text: 'a' } }), dm({ message: { mid: 'm-dup', text: 'a' } }, 1569262485350)])
    expect(count(await deliver(twice, fresh()))).toBe(1)
  })

  test('the keys survive a restart through the static data (a fresh copy of the node, same static data)', async () => {
    const wf = fresh()
    expect(count(await deliver(EVERY_KIND, wf))).toBe(11)
    const stored = wf.staticData.instagramDedupe
    expect(stored.v).toBe(1)
    expect(Object.keys(stored.ids)).toHaveLength(11)
    for (const [key, at] of Object.entries(stored.ids)) {
      expect(key).toMatch(/^[0-9a-f]{16}$/)
      expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(600)
    }
    // a new process: the module (and its memory) loaded again
    let Restarted
    jest.isolateModules(() => {
      Restarted = require(path.join(__dirname, '..', pkg.n8n.nodes[1])).InstagramTrigger
    })
    const again = new Restarted()
    const ctx = webhookContext(again, { store, params: { registration: 'manual' }, method: 'POST', headers: { 'x-hub-signature-256': sign(EVERY_KIND) }, rawBody: EVERY_KIND, typeVersion: 2, ...wf })
    expect(await again.webhook.call(ctx)).toEqual({ noWebhookResponse: true })
    expect(ctx.res.statusCode).toBe(200)
  })

  test('a forged delivery records nothing: the real one after it still runs', async () => {
    const wf = fresh()
    const ctx = webhookContext(trigger, { store, params: { registration: 'manual' }, method: 'POST', headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }, rawBody: EVERY_KIND, typeVersion: 2, ...wf })
    await trigger.webhook.call(ctx)
    expect(ctx.res.statusCode).toBe(401)
    expect(wf.staticData).toEqual({})
    expect(count(await deliver(EVERY_KIND, wf))).toBe(11)
  })

  test('filtered events are not recorded: selecting them later lets them through', async () => {
    const wf = fresh()
    expect(count(await deliver(EVERY_KIND, { ...wf, params: { eventTypes: ['comment'] } }))).toBe(1)
    expect(count(await deliver(EVERY_KIND, wf))).toBe(10)
  })

  test('Deduplicate off: a redelivery runs again', async () => {
    const wf = fresh()
    const params = { deduplicate: false }
    expect(count(await deliver(EVERY_KIND, { ...wf, params }))).toBe(11)
    expect(count(await deliver(EVERY_KIND, { ...wf, params }))).toBe(11)
    expect(wf.staticData).toEqual({})
  })

  test('test deliveries (/webhook-test/) are checked in memory only', async () => {
    const wf = fresh()
    expect(count(await deliver(EVERY_KIND, { ...wf, mode: 'manual' }))).toBe(11)
    expect(await deliver(EVERY_KIND, { ...wf, mode: 'manual' })).toBeUndefined()
    expect(wf.staticData).toEqual({})
    // the production webhook keeps its own set
    expect(count(await deliver(EVERY_KIND, wf))).toBe(11)
  })

  test('bounded by Max IDs (oldest forgotten first) and by the window', async () => {
    const wf = fresh()
    const params = { dedupeMaxIds: 100 }
    const many = (from, n) => body(Array.from({ length: n }, (_, i) => dm({ message: { mid: `m-${from + i}`, text: 'x' } })))
    const now = jest.spyOn(Date, 'now')
    try {
      const t0 = 1_800_000_000_000
      now.mockReturnValue(t0)
      expect(count(await deliver(many(0, 60), { ...wf, params }))).toBe(60)
      now.mockReturnValue(t0 + 1000)
      expect(count(await deliver(many(60, 60), { ...wf, params }))).toBe(60)
      expect(Object.keys(wf.staticData.instagramDedupe.ids)).toHaveLength(100)
      // the 20 oldest (m-0 … m-19) were dropped; seen again now, they push out the next oldest
      // (m-20 … m-39), while m-40 is still known
      expect(count(await deliver(many(0, 20), { ...wf, params }))).toBe(20)
      expect(await deliver(many(40, 1), { ...wf, params })).toBeUndefined()
      expect(count(await deliver(many(39, 1), { ...wf, params }))).toBe(1)
      // 49 hours later (default window 48 h) everything is forgotten
      now.mockReturnValue(t0 + 49 * 3600e3)
      expect(count(await deliver(many(20, 1), { ...wf, params }))).toBe(1)
      expect(Object.keys(wf.staticData.instagramDedupe.ids)).toHaveLength(1)
      // a 1-hour window forgets after an hour
      const short = { dedupeWindowHours: 1 }
      expect(count(await deliver(many(500, 1), { ...wf, params: short }))).toBe(1)
      now.mockReturnValue(t0 + 49 * 3600e3 + 30 * 60e3)
      expect(await deliver(many(500, 1), { ...wf, params: short })).toBeUndefined()
      now.mockReturnValue(t0 + 50 * 3600e3 + 1000)
      expect(count(await deliver(many(500, 1), { ...wf, params: short }))).toBe(1)
    } finally {
      now.mockRestore()
    }
  })

  test('at the default bound (5,000 ids) the stored data stays under 160 KB', async () => {
    const wf = fresh()
    for (let b = 0; b < 6; b++) {
      const batch = body(Array.from({ length: 1000 }, (_, i) => dm({ message: { mid: `bulk-${b}-${i}`, text: 'x' } })))
      expect(count(await deliver(batch, wf))).toBe(1000)
    }
    const ids = Object.keys(wf.staticData.instagramDedupe.ids)
    expect(ids).toHaveLength(5000)
    expect(Buffer.byteLength(JSON.stringify(wf.staticData))).toBeLessThan(160 * 1024)
  })
})

describe('a body n8n did not read (a version-2 node, no content type)', () => {
  const unread = async (raw, headers = { 'x-hub-signature-256': sign(raw) }) => {
    const ctx = webhookContext(trigger, { store, params: { registration: 'manual' }, method: 'POST', headers, unreadBody: raw, typeVersion: 2, ...fresh() })
    const result = await trigger.webhook.call(ctx)
    return { status: ctx.res.statusCode, body: ctx.res.body, result }
  }

  test('is read from the request stream: the signature is checked on those bytes, the events come out', async () => {
    const { status, result } = await unread(EVERY_KIND)
    expect(status).toBe(200)
    expect(result.workflowData.reduce((n, items) => n + items.length, 0)).toBe(11)
    const forged = await unread(EVERY_KIND, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) })
    expect(forged).toMatchObject({ status: 401, body: 'SIGNATURE_MISMATCH', result: { noWebhookResponse: true } })
  })

  test('over 1 MiB: 413, nothing read further, nothing started', async () => {
    const big = Buffer.alloc(1_048_577, 0x20)
    const { status, body, result } = await unread(big)
    expect({ status, body }).toEqual({ status: 413, body: 'PAYLOAD_TOO_LARGE' })
    expect(result).toEqual({ noWebhookResponse: true })
  })
})
