'use strict'
// Conversations (the inbox of conversation-store.js), on both hosts:
//   GET /{v}/{me|id}/conversations?platform=instagram&fields=id,updated_time,participants&limit&after&user_id
//       → {data:[…], paging:{cursors:{before,after}, next?}}; newest activity first; `user_id` keeps
//       the conversation with that person; no `platform=instagram` → 100. Default limit 25, a
//       page holds at most mock.conversations.maxPageSize (100).
//   GET /{v}/{conversation-id}?fields=messages.limit(n){id,created_time,from,to,message,attachments,shares,story}
//       → {messages:{data:[…newest first]}, id}; without a {…} list each message has id and
//       created_time; with mock.conversations.expandMessages = false, only its id.
//   GET /{v}/{message-id}?fields=… → the message; one older than its conversation's 20 newest is
//       100 "has been deleted", as Meta answers.
// Times are Graph's form (2026-11-30T10:00:00+0000). An unknown field is 100.

const { err100, unknownPath } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')
const { parseFields } = require('../request')
const { accountFor, DIGITS_RE } = require('./messages')

const MESSAGE_FIELDS = new Set(['id', 'created_time', 'from', 'to', 'message', 'attachments', 'shares', 'story'])
const DETAILED = 20

const graphTime = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000')
const cursorOf = (i) => Buffer.from(`conv-cursor:${i}`).toString('base64url')
function indexOfCursor(c) {
  const match = /^conv-cursor:(\d+)$/.exec(Buffer.from(String(c), 'base64url').toString())
  return match ? Number(match[1]) : -1
}
const person = (p) => (p.username === undefined ? { id: p.id } : { username: p.username, id: p.id })

function messageJson(msg, names) {
  const out = {}
  for (const name of names) {
    switch (name) {
      case 'id': out.id = msg.id; break
      case 'created_time': out.created_time = graphTime(msg.createdAt); break
      case 'from': out.from = person(msg.from); break
      case 'to': out.to = { data: [person(msg.to)] }; break
      case 'message': out.message = msg.text ?? ''; break
      case 'attachments': if (msg.attachments) out.attachments = { data: msg.attachments }; break
      case 'shares': if (msg.shares) out.shares = { data: msg.shares }; break
      case 'story': if (msg.story) out.story = msg.story; break
    }
  }
  if (out.id === undefined) out.id = msg.id
  return out
}

const unknownField = (m, e, name, node) => err100(m, e, `(#100) Tried accessing nonexisting field (${name}) on node type (${node})`)

// GET /{v}/{me|id}/conversations
function conversations(m, e, accountId, req) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  if (accountFor(m, a.rec, accountId) === null) return err100(m, e, `Unsupported get request. Object with ID '${accountId}' does not exist`, { error_subcode: 33, type: 'GraphMethodException' })
  const q = e.query
  if (q.platform !== 'instagram') return err100(m, e, '(#100) Param platform must be instagram')
  const fields = q.fields ? parseFields(q.fields) : [{ name: 'id' }]
  for (const f of fields) if (!['id', 'updated_time', 'participants'].includes(f.name)) return unknownField(m, e, f.name, 'Conversation')
  let limit = 25
  if (q.limit !== undefined) {
    limit = Number.parseInt(q.limit, 10)
    if (!(limit > 0)) return err100(m, e, '(#100) The parameter limit must be a positive integer')
  }
  let list = m.conversations.sorted()
  if (q.user_id !== undefined) {
    if (!DIGITS_RE.test(q.user_id)) return err100(m, e, '(#100) Param user_id must be a valid ID string')
    list = list.filter((c) => c.person.id === q.user_id)
  }
  let start = 0
  if (q.after !== undefined) {
    const i = indexOfCursor(q.after)
    if (i < 0) return err100(m, e, '(#100) Invalid cursor: after')
    start = i + 1
  }
  const slice = list.slice(start, start + Math.min(limit, m.conversations.api.maxPageSize))
  const me = { username: m.account.username, id: m.account.userId }
  const data = slice.map((c) => {
    const out = {}
    for (const f of fields) {
      if (f.name === 'id') out.id = c.id
      else if (f.name === 'updated_time' && c.updatedAt !== null) out.updated_time = graphTime(c.updatedAt)
      else if (f.name === 'participants') out.participants = { data: [person(c.person), me] }
    }
    if (out.id === undefined) out.id = c.id
    return out
  })
  const body = { data }
  if (slice.length) {
    const after = cursorOf(start + slice.length - 1)
    body.paging = { cursors: { before: cursorOf(start), after } }
    if (start + slice.length < list.length) {
      const origin = `http://${req.headers.host || `${m.host}:${m.server.address().port}`}`
      const params = new URLSearchParams({ ...q, limit: String(limit), after })
      body.paging.next = `${origin}${e.path}?${params}`
    }
  }
  return reply(200, JSON.stringify(body), m.usage.baseHeaders(e))
}

/** Whether `segment` (a path segment, still percent-encoded) names a conversation or a message. */
function isConversationNode(m, segment) {
  const id = decodeSegment(segment)
  return id !== null && (m.conversations.byId.has(id) || m.conversations.messages.has(id))
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

// GET /{v}/{conversation-id} and GET /{v}/{message-id}
function conversationNode(m, e, segment) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const id = decodeSegment(segment)
  const c = m.conversations.byId.get(id)
  if (c) return conversationMessages(m, e, c)
  const found = m.conversations.messages.get(id)
  if (!found) return unknownPath(m, e)
  const names = e.query.fields ? parseFields(e.query.fields).map((f) => f.name) : ['id', 'created_time']
  for (const name of names) if (!MESSAGE_FIELDS.has(name)) return unknownField(m, e, name, 'Message')
  if (found.conversation.messages.indexOf(found.message) >= DETAILED) {
    return err100(m, e, '(#100) This message has been deleted', { type: 'IGApiException' })
  }
  return reply(200, JSON.stringify(messageJson(found.message, names)), m.usage.baseHeaders(e))
}

function conversationMessages(m, e, c) {
  const fields = e.query.fields ? parseFields(e.query.fields) : [{ name: 'id' }]
  const body = {}
  for (const f of fields) {
    const edge = /^messages(?:\.limit\((\d+)\))?$/.exec(f.name)
    if (f.name === 'id') continue
    if (f.name === 'updated_time') {
      if (c.updatedAt !== null) body.updated_time = graphTime(c.updatedAt)
      continue
    }
    if (!edge) return unknownField(m, e, f.name, 'Conversation')
    const limit = edge[1] === undefined ? 25 : Number(edge[1])
    let names = f.sub === null ? ['id', 'created_time'] : parseFields(f.sub).map((s) => s.name)
    for (const name of names) if (!MESSAGE_FIELDS.has(name)) return unknownField(m, e, name, 'Message')
    if (!m.conversations.api.expandMessages) names = ['id']
    const slice = c.messages.slice(0, limit)
    body.messages = { data: slice.map((msg) => messageJson(msg, names)) }
    if (slice.length) body.messages.paging = { cursors: { before: cursorOf(0), after: cursorOf(slice.length - 1) } }
  }
  body.id = c.id
  return reply(200, JSON.stringify(body), m.usage.baseHeaders(e))
}

module.exports = { conversations, conversationNode, isConversationNode }
