#!/usr/bin/env node
// The main job, on the embedded mock Graph server (it stands in for Meta; nothing leaves
// this machine): a credential walks through its life the way an n8n credential hook sees
// it, a conversation is sent, and webhook deliveries are checked.
'use strict'
require('./ensure-built')()

const crypto = require('node:crypto')
const ig = require('..')
const { startMockGraph } = require('../mock')

const DAY = 24 * 3600e3
const APP_ID = '1234567890'
const APP_SECRET = 'demo-app-secret'
const start = Date.parse('2026-11-28T12:00:00Z')

const when = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z')
const short = (token) => `${token.slice(0, 4)}…(${token.length} chars)`
const step = (title) => console.log(`\n── ${title}`)
const line = (...parts) => console.log('  ' + parts.join(' '))

async function main() {
  const mock = await startMockGraph({ now: start, appId: APP_ID, appSecret: APP_SECRET })
  const options = (now) => ({ instagramUrl: mock.url, facebookUrl: mock.url, now, maxRetries: 0 })
  console.log(`instagram-native demo — mock Graph API at ${mock.url}`)
  try {
    // What n8n stores for the credential between calls.
    let stored = { clientId: APP_ID, clientSecret: APP_SECRET, accessToken: '' }

    step(`Day 0 (${when(start)}): first connect`)
    const oauth = mock.tokens.issueShortLived({ loginType: 'instagram' })
    line('OAuth gave a short-lived token', short(oauth), '(valid 1 hour)')
    let r = await ig.preAuthenticate({ ...stored, oauthAccessToken: oauth }, options(start))
    line(`preAuthenticate → ${r.action}: long-lived token ${short(r.accessToken)}, expires ${when(r.accessTokenExpiresAt)}`)
    stored = { ...stored, ...r, oauthAccessToken: oauth }
    delete stored.action, delete stored.changed
    r = await ig.preAuthenticate(stored, options(start + 3600e3))
    line(`an hour later → ${r.action} (nothing due, no request)`)

    const day54 = start + 54 * DAY
    step(`Day 54 (${when(day54)}): inside the 7-day refresh window`)
    mock.clock.set(day54)
    line('tokenStatus says:', JSON.stringify(ig.tokenStatus(stored, { now: day54 })))
    r = await ig.preAuthenticate(stored, options(day54))
    line(`preAuthenticate → ${r.action}: new token ${short(r.accessToken)}, expires ${when(r.accessTokenExpiresAt)} (changed: ${r.changed})`)
    stored = { ...stored, accessToken: r.accessToken, accessTokenExpiresAt: r.accessTokenExpiresAt, accessTokenIssuedAt: r.accessTokenIssuedAt }

    const day108 = day54 + 54 * DAY
    step(`Day 108 (${when(day108)}): the refresh fails while the token is still valid`)
    mock.clock.set(day108)
    mock.fail('/refresh_access_token', { html: true, status: 503 })
    r = await ig.preAuthenticate(stored, options(day108))
    line(`preAuthenticate → ${r.action} (changed: ${r.changed})`)
    line(`warning: ${r.warning}`)

    const day115 = day54 + 61 * DAY
    step(`Day 115 (${when(day115)}): nobody ran a workflow for a week; the token has expired`)
    mock.clock.set(day115)
    try {
      await ig.preAuthenticate(stored, options(day115))
    } catch (e) {
      line(`preAuthenticate rejected: ${e.code}`)
      line(e.message)
    }

    await conversation(mock)
    webhooks()
    await beyondDms(mock, start + 3600e3)
  } finally {
    await mock.close()
  }
}

async function conversation(mock) {
  step('A conversation (sendMessage)')
  const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
  const [account] = await ig.getAccount({ accessToken: token }, { instagramUrl: mock.url })
  line(`getAccount → @${account.username}, id ${account.id}`)
  const options = { instagramUrl: mock.url }
  const user = '1254477777772919'
  const send = async (label, req) => {
    const res = await ig.sendMessage({ accessToken: token, accountId: account.id, recipient: { id: user }, ...req }, options)
    line(`${label.padEnd(26)} → ${res.messageId ? `message ${res.messageId.slice(0, 12)}…` : `recipient ${res.recipientId}`}`)
    return res
  }
  await send('typing indicator', { senderAction: 'typing_on' })
  const first = await send('text with quick replies', {
    message: { text: 'Hi! What can we do for you?', quickReplies: [{ title: 'Opening hours', payload: 'HOURS' }, { title: 'Talk to a human', payload: 'HUMAN' }] },
  })
  await send('image', { message: { attachment: { type: 'image', url: 'https://example.com/menu.jpg' } } })
  await send('reaction ❤', { reaction: { messageId: first.messageId, reaction: 'love' } })
  const wire = mock.requestsTo(`/v24.0/${account.id}/messages`)[1].body
  line('what Meta received for the text:', JSON.stringify(wire))

  const late = '1254477777779999'
  mock.recipients.set(late, { windowClosed: true })
  try {
    await ig.sendMessage({ accessToken: token, recipient: { id: late }, message: { text: 'Still there?' } }, options)
  } catch (e) {
    line(`text to a user who wrote 2 days ago → ${e.code} (Graph ${e.graphCode}/${e.graphSubcode}, HTTP ${e.httpStatus})`)
  }
  try {
    await ig.sendMessage({ accessToken: token, recipient: { id: user }, message: { text: 'x', quickReplies: [] } }, options)
  } catch (e) {
    line(`an empty quickReplies array → ${e.code}: ${e.message} (no request sent)`)
  }
}

function webhooks() {
  step('Webhooks (verifyWebhookSync on the raw body)')
  const secrets = { verifyToken: 'demo-verify-token', appSecret: APP_SECRET }
  const handshake = ig.verifyWebhookSync(
    { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'demo-verify-token', 'hub.challenge': '1158201444' } },
    secrets,
  )
  line(`GET subscription check → ${handshake.status} ${handshake.kind}, body ${handshake.body}`)

  const body = Buffer.from(
    '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[' +
      '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485349,"message":{"mid":"aWdfZAG1faW5","text":"Gr\\u00fc\\u00dfe! Do you ship to Zurich?"}},' +
      '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485999,"message":{"mid":"aWdfZAG1faW6","text":"HOURS","quick_reply":{"payload":"HOURS"}}}' +
      ']}]}',
  )
  const signature = 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
  const delivery = ig.verifyWebhookSync({ method: 'POST', headers: { 'X-Hub-Signature-256': signature }, body }, secrets)
  line(`signed POST (${body.length} bytes) → ${delivery.status} ${delivery.kind}, ${delivery.events.length} events:`)
  for (const e of delivery.events) {
    line(`  ${e.type} from ${e.senderId} at ${when(e.timestamp)}: ${JSON.stringify(e.text)}${e.quickReplyPayload ? ` [quick reply ${e.quickReplyPayload}]` : ''} id ${e.id.slice(0, 8)}…`)
  }
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(body)))
  const forged = ig.verifyWebhookSync({ method: 'POST', headers: { 'X-Hub-Signature-256': signature }, body: reserialised }, secrets)
  line(`same signature over JSON.stringify(JSON.parse(body)) → ${forged.status} ${forged.reason}`)
  const unsigned = ig.verifyWebhookSync({ method: 'POST', headers: {}, body }, secrets)
  line(`forged POST without a signature → ${unsigned.status} ${unsigned.reason}`)
}

/** Comment → private reply → public reply, and the context an AI agent reads before it answers. */
async function beyondDms(mock, now) {
  const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
  const auth = { accessToken: token }
  const options = { instagramUrl: mock.url }

  step('A comment on a post: private reply, then public reply (the ManyChat round)')
  const comment = (extra) => ({ field: 'comments', value: { id: '17865799348089039', text: 'How much is this?', from: { id: '1254477777772919', username: 'ana.b' }, media: { id: '17887498072083520', media_product_type: 'FEED' }, ...extra } })
  const deliver = (payload) => {
    const body = Buffer.from(JSON.stringify(payload))
    const signature = 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
    return ig.verifyWebhookSync({ method: 'POST', headers: { 'X-Hub-Signature-256': signature }, body }, { appSecret: APP_SECRET })
  }
  const [event] = deliver({ object: 'instagram', entry: [{ id: '17841405793187218', time: Math.floor(now / 1000), changes: [comment()] }] }).events
  line(`webhook → ${event.type} by @${event.comment.fromUsername}: ${JSON.stringify(event.comment.text)} (route ${event.route}, dedupeKey ${event.dedupeKey.slice(0, 8)}…)`)
  const [again] = deliver({ object: 'instagram', entry: [{ id: '17841405793187218', time: Math.floor(now / 1000) + 5, changes: [comment({ ad_id: '120210000000000009' })] }] }).events
  line(`the same comment again, with ad_id (other bytes) → id ${again.id === event.id ? 'same' : 'differs'}, dedupeKey ${again.dedupeKey === event.dedupeKey ? 'same: a trigger drops it' : 'differs'}`)
  const window = ig.messagingWindow({ commentAt: event.timestamp }, { now })
  line(`messagingWindow for the comment → private reply allowed: ${window.privateReply} (until ${when(window.privateReplyUntil)})`)
  const dm = await ig.sendMessage({ ...auth, recipient: { commentId: event.comment.id }, message: { text: 'Hi Ana! It is 49 €. Shall I reserve one for you?' } }, options)
  line(`private reply (sendMessage, recipient.commentId) → message ${dm.messageId.slice(0, 12)}…`)
  try {
    await ig.sendMessage({ ...auth, recipient: { commentId: event.comment.id }, message: { text: 'Hello again' } }, options)
  } catch (e) {
    line(`a second private reply to the same comment → ${e.code} (Graph ${e.graphCode}/${e.graphSubcode}): Meta allows one`)
  }
  const reply = await ig.replyToComment({ ...auth, commentId: event.comment.id, text: 'Sent you a DM 📩' }, options)
  line(`public reply (replyToComment) → comment ${reply.id}`)

  step('Context for an AI agent: who is writing, what was said, what may be sent')
  const user = '1254477777772919'
  mock.profiles.set(user, { name: 'Ana Batista', username: 'ana.b', followerCount: 812, userFollowsBusiness: true, businessFollowsUser: false })
  const profile = await ig.getUserProfile({ ...auth, userId: user }, options)
  line(`getUserProfile → ${profile.name} (@${profile.username}), ${profile.followerCount} followers, follows you: ${profile.userFollowsAccount}`)
  const history = await ig.getMessages({ ...auth, userId: user, limit: 5 }, options)
  line(`getMessages({ userId, limit: 5 }) → conversation ${history.conversationId.slice(0, 10)}…, newest first:`)
  for (const m of history.messages) {
    const what = m.text !== undefined ? JSON.stringify(m.text) : `[${(m.attachments || []).map((a) => a.type).join(', ')}]`
    line(`  ${when(m.createdAt)} ${m.direction.padEnd(8)} ${what}`)
  }
  const lastFromUser = history.messages.find((m) => m.direction === 'incoming')
  const allowed = ig.messagingWindow({ lastUserMessageAt: lastFromUser.createdAt }, { now })
  line(`messagingWindow from their last message → ${allowed.allowed} until ${when(allowed.standardUntil)}`)
  const inbox = await ig.listConversations({ ...auth, limit: 3 }, options)
  line(`listConversations({ limit: 3 }) → ${inbox.conversations.length} conversations, most recent first${inbox.nextCursor ? ', more after nextCursor' : ''}`)
  const long = ('Here is everything about our shipping. ' + 'Parcels to Portugal take 2–3 days 🚚📦, to Japan 5–7 (東京・大阪へ発送します). ').repeat(22)
  const sent = await ig.sendMessage({ ...auth, recipient: { id: user }, message: { text: long }, splitLongText: true }, options)
  line(`a ${Buffer.byteLength(long)}-byte answer with splitLongText → ${sent.parts.length} messages of ${sent.parts.map((p) => Buffer.byteLength(p.text)).join(', ')} bytes, in order`)
  await ig.markSeen({ ...auth, userId: user }, options)
  line('markSeen → the conversation shows as read')

  step('Greeting: ice breakers for new conversations')
  await ig.setIceBreakers({ ...auth, iceBreakers: [{ locale: 'default', questions: [{ question: 'What are your opening hours?', payload: 'HOURS' }, { question: 'Do you ship abroad?', payload: 'SHIPPING' }] }] }, options)
  const breakers = await ig.getIceBreakers(auth, options)
  line(`setIceBreakers, then getIceBreakers → ${breakers.map((b) => `${b.locale}: ${b.questions.map((q) => JSON.stringify(q.question)).join(', ')}`).join('; ')}`)
}

main().catch((e) => {
  console.error(`demo failed: ${e.code || ''} ${e.message}`)
  process.exit(1)
})
