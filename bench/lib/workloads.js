'use strict'
// Webhook bodies for the benchmarks, deterministic. `small` is the repository's
// message-text fixture (296 bytes). `batch10` (~5 KB), `batch45k` (~45 KB: the size of issue
// #12's middle target) and `batch1000` (~500 KB) are Meta-style
// deliveries built from the shapes of the fixtures under __test__/fixtures/webhooks, with
// realistic sizes: long base64 mids, lookaside CDN URLs with signatures, texts of a few dozen to
// a couple of hundred characters, non-ASCII escaped as Meta does (\uXXXX). The kinds cycle:
// text, image, quick reply, reaction, read, postback, reply to a story, echo, video, comment.

const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')

const FIXTURES = path.join(__dirname, '..', '..', '__test__', 'fixtures', 'webhooks')
const ACCOUNT = '17841400000000001'
const ENTRY_MS = 1732800000000
const ITEM_MS = 1732790000000

const WORDS = 'hello could you tell me whether the blue shirt is still available in size M and how long shipping to Helsinki takes thanks a lot also do you have a store in Zürich where I can try it on'.split(' ')

function text(i, words) {
  const out = []
  for (let k = 0; k < words; k++) out.push(WORDS[(i * 7 + k * 3) % WORDS.length])
  return out.join(' ') + (i % 5 === 0 ? ' \u{1F60A}' : '?')
}

function mid(i) {
  // IG mids are base64 of "ig_message_item:1:IGMessageThread:<account>:<thread>:<item>" (~120 chars).
  return Buffer.from(`ig_message_item:1:IGMessageThread:${ACCOUNT}:340282366841710301244276${String(i).padStart(12, '0')}:31823476904324984709222449900599${i}`).toString('base64url')
}

function cdn(i, kind) {
  const sig = crypto.createHash('sha256').update(`${kind}${i}`).digest('base64url')
  return `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${17900000000000000 + i}&signature=${sig}${sig.slice(0, 20)}-${kind}&ext=1732900000&hash=Ab${sig.slice(5, 30)}`
}

const sender = (i) => String(1000000000000000 + (i % 97) * 7919)

function messagingItem(i) {
  const base = { sender: { id: sender(i) }, recipient: { id: ACCOUNT }, timestamp: ITEM_MS + i }
  switch (i % 10) {
    case 0: return { ...base, message: { mid: mid(i), text: text(i, 60) } }
    case 1: return { ...base, message: { mid: mid(i), attachments: [{ type: 'image', payload: { url: cdn(i, 'image') } }] } }
    case 2: return { ...base, message: { mid: mid(i), text: 'Opening hours', quick_reply: { payload: `HOURS_${i}_${'x'.repeat(40)}` } } }
    case 3: return { ...base, reaction: { mid: mid(i), action: 'react', reaction: 'love', emoji: '\u2764\ufe0f' } }
    case 4: return { ...base, read: { mid: mid(i) } }
    case 5: return { ...base, postback: { mid: mid(i), title: 'Talk to a human', payload: `HUMAN_AGENT_${i}_${'p'.repeat(60)}` } }
    case 6: return { ...base, message: { mid: mid(i), text: text(i, 30), reply_to: { story: { url: cdn(i, 'story'), id: String(18011223344556677 + i) } } } }
    case 7: return { sender: { id: ACCOUNT }, recipient: { id: sender(i) }, timestamp: ITEM_MS + i, message: { mid: mid(i), text: text(i, 60), is_echo: true } }
    case 8: return { ...base, message: { mid: mid(i), attachments: [{ type: 'video', payload: { url: cdn(i, 'video') } }] } }
    default: return null // a comment (changes[])
  }
}

function commentItem(i) {
  return { field: 'comments', value: { from: { id: String(232323232 + i), username: `a_customer_${i}` }, media: { id: String(17887498072083520 + i), media_product_type: 'FEED' }, id: String(17865799348089039 + i), text: text(i, 50) } }
}

// Meta's escaping: compact JSON, non-ASCII as \uXXXX.
function metaJson(v) {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/** One delivery with `n` items; messaging items in entries of up to 100, comments in their own entries. */
function batch(n) {
  const entry = []
  let messaging = []
  let changes = []
  const flush = () => {
    if (messaging.length) entry.push({ id: ACCOUNT, time: ENTRY_MS, messaging })
    if (changes.length) entry.push({ id: ACCOUNT, time: ENTRY_MS / 1000, changes })
    messaging = []
    changes = []
  }
  for (let i = 0; i < n; i++) {
    const m = messagingItem(i)
    if (m) messaging.push(m)
    else changes.push(commentItem(i))
    if (messaging.length + changes.length >= 100) flush()
  }
  flush()
  return Buffer.from(metaJson({ object: 'instagram', entry }))
}

function workloads() {
  return [
    { name: 'text message', key: 'small', body: fs.readFileSync(path.join(FIXTURES, 'message-text.json')), events: 1 },
    { name: 'batch of 10', key: 'batch10', body: batch(10), events: 10 },
    { name: 'batch of 92', key: 'batch45k', body: batch(92), events: 92 },
    { name: 'batch of 1,000', key: 'batch1000', body: batch(1000), events: 1000 },
  ]
}

const APP_SECRET = 'bench-app-secret-0123456789abcdef'

function signedRequest(body, secret = APP_SECRET) {
  return {
    method: 'POST',
    query: {},
    headers: {
      host: 'n8n.example.com',
      'user-agent': 'facebookexternalua',
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-hub-signature': 'sha1=' + crypto.createHmac('sha1', secret).update(body).digest('hex'),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex'),
    },
    body,
  }
}

module.exports = { workloads, signedRequest, APP_SECRET, batch }
