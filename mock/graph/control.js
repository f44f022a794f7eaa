'use strict'
// The control routes (/__mock/…), for the standalone server and out-of-process tools: the same
// levers as the mock object, as JSON over HTTP. They are not logged and take no faults.
//   GET    /__mock/state          { now, requests, connections, openConnections, faults, usage, refreshModel }
//   POST   /__mock/tokens         { kind: 'short'|'long'|'page', loginType, issuedAt, expiresInSec, pageId, token? } → { token, …record }
//   POST   /__mock/revoke         { token, subcode = 460 } → { revoked }
//   POST   /__mock/clock          { set?, advance? } → { now }
//   GET    /__mock/requests       the request log;  DELETE: empties it (and mock.sent)
//   POST   /__mock/faults         { match: '/path' | { regex, flags }, fault, times (null or 'Infinity': forever) } → { ok, queued }
//   DELETE /__mock/faults         drops the queued faults
//   POST   /__mock/usage          usage values (see usage.js) → the usage now
//   POST   /__mock/recipients     { id, windowClosed?, unavailable?, noMatch?, messagingDisabled? };  DELETE: clears all rules
//   POST   /__mock/comments       { id, foreign?, hidden?, live?, deleted? } (routes/comments.js);  DELETE: forgets states and replies
//   GET    /__mock/comments       { replies } (every public reply made)
//   POST   /__mock/profiles       { id, name?, username?, profilePic?, followerCount?, userFollowsBusiness?, businessFollowsUser? };  DELETE: clears all
//   POST   /__mock/conversations  { userId, username?, id?, updatedAt? } → { id } (routes/conversation-store.js);  DELETE: empties the inbox
//   POST   /__mock/conversations/messages  { conversationId, from?, text?, createdAt?, id?, attachments?, shares?, story? } → { id }
//   POST   /__mock/conversations/seed      restores the seeded inbox
//   POST   /__mock/messenger-profile  { id, ice_breakers?, persistent_menu? } (routes/messenger-profile.js);  DELETE: forgets every account
//   GET    /__mock/messenger-profile?id=  { ice_breakers?, persistent_menu? } of that account
//   POST   /__mock/refresh-model  { model: 'new'|'new-revoke'|'same' } → { refreshModel } (see tokens.js)
// A bad request answers 400 { error }, an unknown route 404 { error }.

const { JSON_CT, reply, send } = require('./reply')

/** A control body without its `id` (the key it is stored under). */
function withoutId(body) {
  const { id, ...rest } = body
  if (typeof id !== 'string' || !/^\d+$/.test(id)) throw new TypeError('id must be a string of digits')
  return rest
}

/** Answers control request `e` for `mock` (the object startMockGraph returns). */
function controlAnswer(mock, e, res) {
  const ok = (obj, status = 200) => send(res, reply(status, JSON.stringify(obj, (k, v) => (v === Infinity ? null : v)), { 'content-type': JSON_CT }))
  const b = (e.body && typeof e.body === 'object') ? e.body : {}
  const tokens = mock.tokens
  try {
    const route = `${e.method} ${e.path}`
    switch (route) {
      case 'GET /__mock/state':
        return ok({ now: mock.clock.now(), requests: mock.requests.length, connections: mock.connections, openConnections: mock.openConnections, faults: mock.pendingFaults, usage: mock.usage.get(), refreshModel: mock.refreshModel })
      case 'POST /__mock/tokens': {
        const kind = b.kind ?? 'short'
        const t = b.token ? tokens.add(b.token, b)
          : kind === 'short' ? tokens.issueShortLived(b)
            : kind === 'page' ? tokens.issuePageToken(b)
              : tokens.issueLongLived(b)
        return ok({ token: t, ...tokens.get(t) })
      }
      case 'POST /__mock/revoke': return ok({ revoked: tokens.revoke(b.token, b.subcode ?? 460) })
      case 'POST /__mock/clock':
        if (b.set !== undefined) mock.clock.set(b.set)
        if (b.advance !== undefined) mock.clock.advance(b.advance)
        return ok({ now: mock.clock.now() })
      case 'GET /__mock/requests': return ok(mock.requests)
      case 'DELETE /__mock/requests': mock.resetLog(); return ok({ ok: true })
      case 'POST /__mock/faults': {
        const match = b.match && typeof b.match === 'object' && b.match.regex !== undefined ? new RegExp(b.match.regex, b.match.flags) : b.match
        const times = b.times === null || b.times === 'Infinity' ? Infinity : b.times
        mock.fail(match, b.fault, { times })
        return ok({ ok: true, queued: mock.pendingFaults })
      }
      case 'DELETE /__mock/faults': mock.clearFaults(); return ok({ ok: true })
      case 'POST /__mock/usage': return ok(mock.usage.set(b))
      case 'POST /__mock/recipients': mock.recipients.set(b.id, b); return ok({ ok: true })
      case 'DELETE /__mock/recipients': mock.recipients.clear(); return ok({ ok: true })
      case 'POST /__mock/comments': mock.comments.set(b.id, withoutId(b)); return ok({ ok: true })
      case 'GET /__mock/comments': return ok({ replies: mock.comments.replies })
      case 'DELETE /__mock/comments': mock.comments.clear(); return ok({ ok: true })
      case 'POST /__mock/profiles': mock.profiles.set(b.id, withoutId(b)); return ok({ ok: true })
      case 'DELETE /__mock/profiles': mock.profiles.clear(); return ok({ ok: true })
      case 'POST /__mock/conversations': return ok({ id: mock.conversations.add(b) })
      case 'DELETE /__mock/conversations': mock.conversations.clear(); return ok({ ok: true })
      case 'POST /__mock/conversations/messages': {
        const { conversationId, ...message } = b
        return ok({ id: mock.conversations.addMessage(conversationId, message) })
      }
      case 'POST /__mock/conversations/seed': mock.conversations.seed(); return ok({ ok: true })
      case 'POST /__mock/messenger-profile': mock.messengerProfile.set(b.id, withoutId(b)); return ok({ ok: true })
      case 'GET /__mock/messenger-profile': return ok(mock.messengerProfile.get(e.query.id) ?? {})
      case 'DELETE /__mock/messenger-profile': mock.messengerProfile.clear(); return ok({ ok: true })
      case 'POST /__mock/refresh-model': mock.setRefreshModel(b.model); return ok({ refreshModel: mock.refreshModel })
      default: return ok({ error: `unknown control route ${route}` }, 404)
    }
  } catch (err) {
    return ok({ error: String(err && err.message) }, 400)
  }
}

module.exports = { controlAnswer }
