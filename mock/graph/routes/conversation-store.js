'use strict'
// The inbox of the mock (routes/conversations.js serves it): conversations with one person each,
// their messages, and a deterministic seed. Times are epoch ms; the seed is placed before the
// mock clock's start, so `startMockGraph({ now })` makes it exactly reproducible.
//
//   mock.conversations.add({ userId, username?, id?, updatedAt? }) → conversation id
//   mock.conversations.addMessage(conversationId, { from?: 'user' | 'account', text?, createdAt?, id?,
//       attachments?: [wire items], shares?: [wire items], story?: wire object }) → message id
//       (`attachments` items are Meta's: { image_data: { url } }, { video_data: { url } },
//       { audio_data: { url } }, { file_url }, or anything else)
//   mock.conversations.get(id) → { id, person, updatedAt, messages (newest first) }
//   mock.conversations.ids() → ids, most recently active first
//   mock.conversations.expandMessages = false   the messages.limit(n){…} expansion lists ids only
//   mock.conversations.maxPageSize = n          a conversations page holds at most n (default 100)
//   mock.conversations.clear() empties the inbox; .seed() restores the seed (and both settings)

const HOUR = 3600 * 1000
const MINUTE = 60 * 1000

/** The seed's people (IGSIDs) and usernames. */
const SEED_PEOPLE = [
  { userId: '1254477777772919', username: 'ana.b' },
  { userId: '1254477777772920', username: 'bruno' },
  { userId: '1254477777772921', username: 'carla' },
]

const b64 = (s) => Buffer.from(s).toString('base64url')

function createConversations(clock, account) {
  const start = clock.now()
  const byId = new Map() // conversation id → conversation
  const messages = new Map() // message id → { conversation, message }
  let seq = 0
  const api = {
    expandMessages: true,
    maxPageSize: 100,
    add({ userId, username, id, updatedAt } = {}) {
      if (typeof userId !== 'string' || !/^\d+$/.test(userId)) throw new TypeError('userId must be a string of digits')
      const cid = id ?? b64(`ig_conversation:${account.userId}:${userId}:${++seq}`)
      byId.set(cid, { id: cid, order: ++seq, person: { id: userId, username }, updatedAt: updatedAt ?? null, messages: [] })
      return cid
    },
    addMessage(conversationId, msg = {}) {
      const c = byId.get(conversationId)
      if (!c) throw new TypeError(`no conversation ${conversationId}`)
      const createdAt = msg.createdAt ?? clock.now()
      const mid = msg.id ?? b64(`ig_message_item:1:IGMessageThread:${account.userId}:${++seq}`)
      const fromUser = (msg.from ?? 'user') === 'user'
      const me = { id: account.userId, username: account.username }
      const message = {
        id: mid,
        createdAt,
        from: fromUser ? c.person : me,
        to: fromUser ? me : c.person,
        text: msg.text,
        attachments: msg.attachments,
        shares: msg.shares,
        story: msg.story,
        order: ++seq,
      }
      c.messages.push(message)
      // newest first; ties: the later added first, as Meta lists
      c.messages.sort((a, b) => b.createdAt - a.createdAt || b.order - a.order)
      if (c.updatedAt === null || createdAt > c.updatedAt) c.updatedAt = createdAt
      messages.set(mid, { conversation: c, message })
      return mid
    },
    get: (id) => byId.get(id),
    ids: () => sorted().map((c) => c.id),
    clear() {
      byId.clear()
      messages.clear()
    },
    seed() {
      api.clear()
      api.expandMessages = true
      api.maxPageSize = 100
      seedInbox(api, start)
    },
  }
  // most recently active first; ties in the order added
  const sorted = () => [...byId.values()].sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.order - b.order)
  api.seed()
  return { api, byId, messages, sorted }
}

function seedInbox(api, now) {
  const [ana, bruno, carla] = SEED_PEOPLE
  const a = api.add(ana)
  const at = (minutesAgo) => now - minutesAgo * MINUTE
  api.addMessage(a, { text: 'Hi! Do you ship to Lisbon?', createdAt: at(180) })
  api.addMessage(a, { from: 'account', text: 'Yes, in 2–3 days.', createdAt: at(170) })
  api.addMessage(a, { attachments: [{ image_data: { url: 'https://mock.invalid/cdn/photo.jpg', width: 640, height: 480 } }], createdAt: at(160) })
  api.addMessage(a, { attachments: [{ video_data: { url: 'https://mock.invalid/cdn/clip.mp4', width: 720, height: 1280 } }], createdAt: at(150) })
  api.addMessage(a, { attachments: [{ audio_data: { url: 'https://mock.invalid/cdn/voice.mp4' } }], createdAt: at(140) })
  api.addMessage(a, { attachments: [{ file_url: 'https://mock.invalid/cdn/invoice.pdf' }], createdAt: at(130) })
  api.addMessage(a, { shares: [{ link: 'https://www.instagram.com/p/MOCKPOST1/' }], createdAt: at(120) })
  api.addMessage(a, { story: { mention: { link: 'https://mock.invalid/cdn/story-mention.jpg', id: '17900000000000901' } }, createdAt: at(110) })
  api.addMessage(a, { text: 'Love this one!', story: { reply_to: { link: 'https://mock.invalid/cdn/story-reply.jpg', id: '17900000000000902' } }, createdAt: at(100) })
  api.addMessage(a, { attachments: [{ generic_template: { title: 'unsupported here' } }], createdAt: at(90) })
  api.addMessage(a, { from: 'account', text: 'Anything else?', createdAt: at(60) })
  const b = api.add(bruno)
  api.addMessage(b, { text: 'Is the shop open on Sunday?', createdAt: now - 48 * HOUR })
  api.addMessage(b, { from: 'account', text: 'From 10 to 14.', createdAt: now - 47 * HOUR })
  const c = api.add(carla)
  api.addMessage(c, { text: 'Thanks!', createdAt: now - 5 * 24 * HOUR })
}

module.exports = { createConversations, SEED_PEOPLE }
