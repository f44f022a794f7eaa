'use strict'
// Self-test of the mock's conversations (graph/routes/conversations.js): node --test mock/
const test = require('node:test')
const assert = require('node:assert/strict')
const { startMockGraph } = require('./index')

const T0 = Date.parse('2026-11-30T12:00:00Z')
const FIELDS = 'id,created_time,from,to,message,attachments,shares,story'

async function withMock(fn) {
  const mock = await startMockGraph({ now: T0 })
  try {
    const token = mock.tokens.issueLongLived()
    const get = async (p, t = token) => {
      const r = await fetch(mock.url + p, { headers: { authorization: `Bearer ${t}` } })
      return { status: r.status, body: await r.json() }
    }
    return await fn(mock, get)
  } finally {
    await mock.close()
  }
}

test('the inbox: seeded, newest activity first, fields as asked, cursors and next on this host', () => withMock(async (mock, get) => {
  let r = await get('/v24.0/me/conversations?platform=instagram&fields=id,updated_time,participants&limit=2')
  assert.equal(r.status, 200)
  assert.deepEqual(r.body.data.map((c) => c.updated_time), ['2026-11-30T11:00:00+0000', '2026-11-28T13:00:00+0000'])
  assert.deepEqual(r.body.data[0].participants.data, [{ username: 'ana.b', id: '1254477777772919' }, { username: 'mock_business', id: '17841400000000001' }])
  assert.ok(r.body.paging.next.startsWith(`${mock.url}/v24.0/me/conversations?`))
  r = await get(`/v24.0/me/conversations?platform=instagram&limit=2&after=${r.body.paging.cursors.after}`)
  assert.deepEqual(Object.keys(r.body.data[0]), ['id'])
  assert.equal(r.body.data.length, 1)
  assert.equal(r.body.paging.next, undefined)
  r = await get('/v24.0/me/conversations?platform=instagram&user_id=1254477777772920')
  assert.deepEqual(r.body.data.map((c) => c.id), [mock.conversations.ids()[1]])
  r = await get('/v24.0/me/conversations?platform=instagram&user_id=42')
  assert.deepEqual(r.body, { data: [] })
  for (const bad of ['', '&platform=messenger', '&platform=instagram&fields=shoe_size', '&platform=instagram&after=nope']) {
    r = await get(`/v24.0/me/conversations?${bad}`)
    assert.deepEqual([r.status, r.body.error.code], [400, 100], bad)
  }
  assert.equal((await get('/v24.0/me/conversations?platform=instagram', 'IGAAnope')).body.error.code, 190)
}))

test('messages: the expansion, newest first, every attachment kind; ids only when not expanded; by id', () => withMock(async (mock, get) => {
  const id = mock.conversations.ids()[0]
  let r = await get(`/v24.0/${id}?fields=messages.limit(20){${FIELDS}}`)
  assert.equal(r.status, 200)
  const data = r.body.messages.data
  assert.equal(data.length, 11)
  assert.deepEqual(data.map((m) => m.created_time), [...data.map((m) => m.created_time)].sort().reverse())
  const kinds = data.flatMap((m) => [...(m.attachments?.data ?? []).map((a) => Object.keys(a)[0]), ...(m.shares ? ['shares'] : []), ...(m.story ? Object.keys(m.story) : [])])
  assert.deepEqual(kinds.sort(), ['audio_data', 'file_url', 'generic_template', 'image_data', 'mention', 'reply_to', 'shares', 'video_data'])
  mock.conversations.expandMessages = false
  r = await get(`/v24.0/${id}?fields=messages.limit(2){${FIELDS}}`)
  assert.deepEqual(r.body.messages.data.map((m) => Object.keys(m)), [['id'], ['id']])
  r = await get(`/v24.0/${r.body.messages.data[0].id}?fields=id,created_time,from,message`)
  assert.deepEqual(r.body, { id: data[0].id, created_time: data[0].created_time, from: data[0].from, message: 'Anything else?' })
  assert.equal((await get(`/v24.0/${id}?fields=messages{shoe_size}`)).body.error.code, 100)
}))

test('tests add conversations and messages; only the 20 newest can be read by id; control routes', () => withMock(async (mock, get) => {
  const c = mock.conversations.add({ userId: '99', username: 'zed' })
  const mids = []
  for (let i = 0; i < 21; i++) mids.push(mock.conversations.addMessage(c, { text: `m${i}`, createdAt: T0 + i }))
  assert.equal(mock.conversations.ids()[0], c)
  assert.equal((await get(`/v24.0/${mids[0]}?fields=id`)).body.error.code, 100)
  assert.equal((await get(`/v24.0/${mids[1]}?fields=id`)).status, 200)
  const control = (method, p, body) => fetch(`${mock.url}/__mock/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) }).then((r) => r.json())
  await control('DELETE', 'conversations')
  assert.deepEqual(mock.conversations.ids(), [])
  const { id } = await control('POST', 'conversations', { userId: '7', username: 'q' })
  const { id: mid } = await control('POST', 'conversations/messages', { conversationId: id, from: 'account', text: 'hey', createdAt: T0 })
  assert.equal(mock.conversations.get(id).messages[0].id, mid)
  await control('POST', 'conversations/seed')
  assert.equal(mock.conversations.ids().length, 3)
}))
