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

main().catch((e) => {
  console.error(`demo failed: ${e.code || ''} ${e.message}`)
  process.exit(1)
})
