'use strict'
// Sending: POST /{v}/{me|id}/messages with a JSON body → {recipient_id, message_id}, or
// {recipient_id} for a sender action. Checks the body as Meta does, applies the recipient rules
// (`mock.recipients`: window closed 10/2534022 (403, HUMAN_AGENT passes), unavailable
// 551/1545041, no match, messaging disabled), one private reply per comment (-1/2534023, HTTP 500),
// and records what it accepted in `mock.sent`.

const crypto = require('node:crypto')
const { graphError, graphErrorBody } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')

const DIGITS_RE = /^\d+$/
const SENDER_ACTIONS = new Set(['react', 'unreact', 'typing_on', 'typing_off', 'mark_seen'])

/** Returns { api, rules, repliedComments }; `api` is `mock.recipients`. */
function createRecipients() {
  const rules = new Map()
  const repliedComments = new Set()
  const api = {
    /** rules: { windowClosed?, unavailable?, noMatch?, messagingDisabled? } */
    set(id, r = {}) {
      rules.set(String(id), { ...r })
    },
    get: (id) => rules.get(String(id)),
    delete: (id) => rules.delete(String(id)),
    clear() {
      rules.clear()
      repliedComments.clear()
    },
  }
  return { api, rules, repliedComments }
}

const pageIds = (pages) => new Set(pages.flatMap((p) => (p.instagram ? [p.id, p.instagram.id] : [p.id])))

// The IGSID-like id of a comment's author: 17 digits, stable per comment.
function derivedRecipientId(commentId) {
  const h = crypto.createHash('sha256').update(String(commentId)).digest()
  let digits = ''
  for (let i = 0; digits.length < 16; i++) digits += String(h[i] % 10)
  return '1' + digits
}

/**
 * The account a token with record `rec` acts for at path id `id` ('me' or digits): 'me' is the IG
 * account (Instagram token) or the token's page; an id is itself, or null when strict account ids
 * are on and it is none of the token's accounts.
 */
function accountFor(m, rec, id) {
  if (id === 'me') return rec.loginType === 'instagram' ? m.account.userId : (rec.pageId || (m.pages[0] && m.pages[0].id) || m.facebookUser.id)
  if (!m.options.strictAccountIds) return id
  const ok = rec.loginType === 'instagram' ? id === m.account.userId || id === m.account.id : pageIds(m.pages).has(id)
  return ok ? id : null
}

function messages(m, e, id) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const rec = a.rec
  // which account sends
  const accountKey = accountFor(m, rec, id)
  if (accountKey === null) {
    return graphError(m, e, 400, {
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    })
  }
  const headers = m.usage.baseHeaders(e)
  const businessUsage = m.usage.businessUsage(accountKey)
  if (businessUsage !== undefined) headers['x-business-use-case-usage'] = businessUsage
  const fail = (status, g) => reply(status, graphErrorBody(g), headers)
  const bad = (message, extra) => fail(400, { code: 100, type: 'OAuthException', message, ...extra })

  const body = e.body
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return bad('(#100) The request body must be a JSON object')
  }
  const r = body.recipient
  if (!r || typeof r !== 'object') return bad('(#100) The parameter recipient is required')
  const hasId = r.id !== undefined
  const hasComment = r.comment_id !== undefined
  if (hasId === hasComment) return bad('(#100) Param recipient must have exactly one of id, comment_id')
  if (hasId && (typeof r.id !== 'string' || !DIGITS_RE.test(r.id))) return bad('(#100) Param recipient[id] must be a valid ID string (e.g. "123")')
  if (hasComment && (typeof r.comment_id !== 'string' || !DIGITS_RE.test(r.comment_id))) return bad('(#100) Param recipient[comment_id] must be a valid ID string (e.g. "123")')
  const hasMessage = body.message !== undefined
  const action = body.sender_action
  if (hasMessage === (action !== undefined)) return bad('(#100) Must send either message or sender_action')
  if (action !== undefined) {
    if (!SENDER_ACTIONS.has(action)) return bad('(#100) Param sender_action must be one of {TYPING_ON, TYPING_OFF, MARK_SEEN, REACT, UNREACT}')
    if ((action === 'react' || action === 'unreact') && !(body.payload && typeof body.payload.message_id === 'string')) {
      return bad('(#100) The parameter payload[message_id] is required')
    }
    if (hasComment) return bad('(#100) A sender action cannot be sent to a comment')
  } else {
    const msg = body.message
    if (!msg || typeof msg !== 'object') return bad('(#100) Param message must be a JSON object')
    if (typeof msg.text === 'string' && Buffer.byteLength(msg.text) > 1000) {
      return bad('(#100) Length of param message[text] must be less than or equal to 1000')
    }
    if (msg.text === undefined && msg.attachment === undefined && msg.attachments === undefined) {
      return bad('(#100) Message must contain text, attachment or attachments')
    }
  }
  if (body.messaging_type !== undefined && !['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(body.messaging_type)) {
    return bad('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}')
  }
  const humanAgent = body.messaging_type === 'MESSAGE_TAG' && body.tag === 'HUMAN_AGENT'
  const recipientId = hasId ? r.id : derivedRecipientId(r.comment_id)
  const ruleMap = m.recipients.rules
  const rules = (ruleMap.size && ((hasComment && ruleMap.get(r.comment_id)) || ruleMap.get(recipientId))) || null
  if (rules) {
    if (rules.unavailable) return fail(400, { code: 551, error_subcode: 1545041, type: 'OAuthException', message: "(#551) This person isn't available right now." })
    if (rules.noMatch) return fail(400, { code: 100, error_subcode: 2534014, type: 'IGApiException', message: 'No matching user found' })
    if (rules.messagingDisabled) return fail(400, { code: 200, error_subcode: 2534041, type: 'IGApiException', message: '(#200) The account owner has disabled access to instagram direct messages' })
    if (rules.windowClosed && !humanAgent) {
      return fail(403, { code: 10, error_subcode: 2534022, type: 'IGApiException', message: '(#10) This message is sent outside of allowed window.' })
    }
  }
  if (hasComment && m.options.oneReplyPerComment) {
    const replied = m.recipients.repliedComments
    if (replied.has(r.comment_id)) {
      return fail(500, { code: -1, error_subcode: 2534023, type: 'IGApiException', message: 'An unexpected error has occurred. Please retry your request later.' })
    }
    replied.add(r.comment_id)
  }
  const now = m.clock.now()
  if (action !== undefined) {
    if (m.options.logEnabled) m.sent.push({ accountId: accountKey, recipientId, messageId: null, senderAction: action, body, at: now })
    return reply(200, `{"recipient_id":"${recipientId}"}`, headers)
  }
  const messageId = Buffer.from(`ig_message_item:1:IGMessageThread:${accountKey}:${m.instanceSalt}${++m.seq}`).toString('base64url')
  if (m.options.logEnabled) m.sent.push({ accountId: accountKey, recipientId, messageId, senderAction: null, body, at: now })
  return reply(200, `{"recipient_id":"${recipientId}","message_id":"${messageId}"}`, headers)
}

module.exports = { createRecipients, messages, accountFor, pageIds, DIGITS_RE }
