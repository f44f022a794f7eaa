'use strict'
// The pure-JS peer of verifyWebhookSync for POST deliveries: what an n8n trigger node would
// write without the addon. node:crypto (createHmac + timingSafeEqual) over the raw bytes,
// JSON.parse, then a faithful port of src/webhook/normalise.rs (every message kind, same
// order, same field rules). It does not compute the addon's stable event `id` (the outputs
// are compared modulo `id`); a variant that does is exported for reference.

const crypto = require('node:crypto')

const SECONDS_BELOW = 1e11
const DEFAULT_MAX_BODY_BYTES = 1048576

function rejected(status, reason, message) {
  return { kind: 'rejected', status, reason, message }
}

function header(headers, name) {
  // Node gives lower-case names; accept any case like the addon.
  let v = headers[name]
  if (v === undefined) {
    for (const k of Object.keys(headers)) {
      if (k.toLowerCase() === name) {
        v = headers[k]
        break
      }
    }
  }
  if (Array.isArray(v)) v = v[0]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

function signatureMatches(algorithm, value, body, secrets) {
  const prefix = algorithm === 'sha256' ? 'sha256=' : 'sha1='
  if (value.slice(0, prefix.length).toLowerCase() !== prefix) return false
  const hex = value.slice(prefix.length)
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return false
  const given = Buffer.from(hex, 'hex')
  let matched = false
  for (const secret of secrets) {
    const expected = crypto.createHmac(algorithm, secret).update(body).digest()
    matched = (expected.length === given.length && crypto.timingSafeEqual(expected, given)) || matched
  }
  return matched
}

/** POST delivery: size, signature, then parsing, as the addon. */
function verifyWebhookJs(req, secrets, opts = {}) {
  const appSecrets = (Array.isArray(secrets.appSecret) ? secrets.appSecret : [secrets.appSecret]).filter((s) => typeof s === 'string' && s !== '')
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body
  const max = secrets.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (body.length > max) return rejected(413, 'PAYLOAD_TOO_LARGE', `the body is ${body.length} bytes, over the limit of ${max} bytes`)
  const headers = req.headers || {}
  let algorithm = 'sha256'
  let sig = header(headers, 'x-hub-signature-256')
  if (sig === undefined) {
    algorithm = 'sha1'
    sig = header(headers, 'x-hub-signature')
  }
  if (sig === undefined) return rejected(401, 'SIGNATURE_MISSING', 'no X-Hub-Signature-256 header')
  if (!signatureMatches(algorithm, sig, body, appSecrets)) return rejected(401, 'SIGNATURE_MISMATCH', 'signature mismatch')
  let root
  try {
    root = JSON.parse(body)
  } catch (e) {
    return rejected(400, 'MALFORMED_PAYLOAD', `the body is not valid JSON (${e.message})`)
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root) || typeof root.object !== 'string' || !Array.isArray(root.entry)) {
    return rejected(400, 'MALFORMED_PAYLOAD', 'the body is not a webhook payload')
  }
  const events = []
  for (const entry of root.entry) normaliseEntry(entry, events, opts.withIds === true)
  return { kind: 'events', status: 200, object: root.object, events }
}

// ---------------------------------------------------------------- readers (json.rs)

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)

function idString(v) {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isInteger(v)) return String(v)
  return undefined
}

function epochMs(v) {
  let n
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined
    if (!Number.isInteger(v) && Math.abs(v) < SECONDS_BELOW) return Math.trunc(v * 1000)
    n = Math.trunc(v)
  } else if (typeof v === 'string') {
    const t = v.trim()
    if (!/^[+-]?\d+$/.test(t)) return undefined
    n = Number(t)
  } else {
    return undefined
  }
  return Math.abs(n) < SECONDS_BELOW ? n * 1000 : n
}

const objAt = (v, k) => (isObject(v[k]) ? v[k] : undefined)
const strAt = (v, k) => (typeof v[k] === 'string' ? v[k] : undefined)
const idAt = (v, k) => idString(v[k])

function set(obj, key, value) {
  if (value !== undefined) obj[key] = value
}

// ---------------------------------------------------------------- normalise.rs

const LISTS = [['messaging', false], ['standby', true], ['changes', false]]
const HANDOVER = ['pass_thread_control', 'take_thread_control', 'request_thread_control']
const CHANGE_TYPES = { comments: 'comment', live_comments: 'live_comment', mentions: 'mention', story_insights: 'story_insights' }

function normaliseEntry(entry, events, withIds) {
  if (!isObject(entry)) {
    events.push(base('', 'entry', entry, undefined, false, withIds))
    return
  }
  const accountId = idAt(entry, 'id') ?? ''
  const entryTime = epochMs(entry.time)
  for (const [list, standby] of LISTS) {
    const v = entry[list]
    const items = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]
    for (const item of items) {
      events.push(list === 'changes'
        ? changeEvent(accountId, item, entryTime, withIds)
        : messagingEvent(accountId, list, item, entryTime, standby, withIds))
    }
  }
}

function base(accountId, list, item, timestamp, standby, withIds) {
  const ev = withIds ? { id: eventId(accountId, list, item) } : {}
  ev.type = 'unknown'
  ev.accountId = accountId
  ev.timestamp = timestamp ?? 0
  ev.standby = standby
  ev.raw = item
  return ev
}

function messagingEvent(accountId, list, item, entryTime, standby, withIds) {
  const own = isObject(item) ? epochMs(item.timestamp) : undefined
  const ev = base(accountId, list, item, own ?? entryTime, standby, withIds)
  if (!isObject(item)) return ev
  if (isObject(item.sender)) set(ev, 'senderId', idAt(item.sender, 'id'))
  if (isObject(item.recipient)) set(ev, 'recipientId', idAt(item.recipient, 'id'))
  let o
  if ((o = objAt(item, 'message'))) {
    ev.type = o.is_echo === true ? 'message_echo' : o.is_deleted === true ? 'message_deleted' : o.is_unsupported === true ? 'message_unsupported' : 'message'
    fillMessage(ev, o)
  } else if ((o = objAt(item, 'message_edit'))) {
    ev.type = 'message_edit'
    set(ev, 'messageId', idAt(o, 'mid'))
    set(ev, 'text', strAt(o, 'text'))
  } else if ((o = objAt(item, 'postback'))) {
    ev.type = 'postback'
    set(ev, 'messageId', idAt(o, 'mid'))
    const postback = {}
    set(postback, 'title', strAt(o, 'title'))
    set(postback, 'payload', strAt(o, 'payload'))
    ev.postback = postback
    const r = objAt(o, 'referral')
    if (r) ev.referral = referral(r)
  } else if ((o = objAt(item, 'reaction'))) {
    ev.type = 'reaction'
    set(ev, 'messageId', idAt(o, 'mid'))
    if (o.action === 'react' || o.action === 'unreact') {
      const reaction = { action: o.action }
      set(reaction, 'reaction', strAt(o, 'reaction'))
      set(reaction, 'emoji', strAt(o, 'emoji'))
      ev.reaction = reaction
    }
  } else if ((o = objAt(item, 'read'))) {
    ev.type = 'read'
    set(ev, 'messageId', idAt(o, 'mid'))
  } else if ((o = objAt(item, 'referral'))) {
    ev.type = 'referral'
    ev.referral = referral(o)
  } else if (objAt(item, 'optin')) {
    ev.type = 'optin'
  } else if (HANDOVER.some((k) => objAt(item, k))) {
    ev.type = 'handover'
  }
  return ev
}

function fillMessage(ev, m) {
  set(ev, 'messageId', idAt(m, 'mid'))
  set(ev, 'text', strAt(m, 'text'))
  if (Array.isArray(m.attachments)) ev.attachments = m.attachments.map(attachment)
  if (m.quick_reply !== undefined && m.quick_reply !== null && typeof m.quick_reply === 'object') set(ev, 'quickReplyPayload', strAt(m.quick_reply, 'payload'))
  const r = objAt(m, 'reply_to')
  if (r) {
    const story = objAt(r, 'story')
    const replyTo = {}
    set(replyTo, 'messageId', idAt(r, 'mid'))
    if (story) {
      set(replyTo, 'storyId', idAt(story, 'id'))
      set(replyTo, 'storyUrl', strAt(story, 'url'))
    }
    if (Object.keys(replyTo).length > 0) ev.replyTo = replyTo
  }
  const ref = objAt(m, 'referral')
  if (ref) ev.referral = referral(ref)
}

function attachment(a) {
  const out = { type: (isObject(a) ? strAt(a, 'type') : undefined) ?? 'unknown' }
  const p = isObject(a) ? objAt(a, 'payload') : undefined
  if (p) {
    set(out, 'url', strAt(p, 'url'))
    set(out, 'title', strAt(p, 'title'))
    set(out, 'id', idAt(p, 'reel_video_id') ?? idAt(p, 'id'))
  }
  return out
}

function referral(r) {
  const out = {}
  set(out, 'ref', strAt(r, 'ref'))
  set(out, 'source', strAt(r, 'source'))
  set(out, 'type', strAt(r, 'type'))
  set(out, 'adId', idAt(r, 'ad_id'))
  return out
}

function changeEvent(accountId, item, entryTime, withIds) {
  const ev = base(accountId, 'changes', item, entryTime, false, withIds)
  const field = isObject(item) ? strAt(item, 'field') : undefined
  if (field === undefined) return ev
  ev.field = field
  ev.type = CHANGE_TYPES[field] ?? 'unknown'
  if (ev.type === 'comment' || ev.type === 'live_comment' || ev.type === 'mention') {
    const v = objAt(item, 'value')
    const c = v && comment(v)
    if (c) ev.comment = c
  }
  return ev
}

function comment(v) {
  const id = idAt(v, 'id') ?? idAt(v, 'comment_id')
  if (id === undefined) return undefined
  const from = objAt(v, 'from')
  const media = objAt(v, 'media')
  const c = { id }
  set(c, 'text', strAt(v, 'text'))
  if (from) {
    set(c, 'fromId', idAt(from, 'id'))
    set(c, 'fromUsername', strAt(from, 'username'))
  }
  set(c, 'mediaId', (media && idAt(media, 'id')) ?? idAt(v, 'media_id'))
  if (media) set(c, 'mediaProductType', strAt(media, 'media_product_type'))
  set(c, 'parentId', idAt(v, 'parent_id'))
  return c
}

// ---------------------------------------------------------------- optional: event ids (event_id.rs)

const DOMAIN = Buffer.from('instagram-native/webhook-event/v1\0')

function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']'
  const keys = Object.keys(v).sort()
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}'
}

function lenPrefixed(s) {
  const b = Buffer.from(s)
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(b.length))
  return Buffer.concat([len, b])
}

/** The addon's id scheme in JS (numbers print as JS prints them, so ids may differ for floats). */
function eventId(accountId, list, item) {
  return crypto.createHash('sha256').update(DOMAIN).update(lenPrefixed(accountId)).update(lenPrefixed(list))
    .update(canonical(item)).digest('hex').slice(0, 32)
}

module.exports = { verifyWebhookJs }
