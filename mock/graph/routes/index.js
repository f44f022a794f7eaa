'use strict'
// The Graph endpoints of the mock and which handler answers each path. Every handler takes the
// mock's state `m` and the request log entry `e` and returns { status, headers, body } (the app
// subscriptions POST returns a promise of one, after calling the callback URL back).
//
// Endpoints ({v} = any v<digits>.<digits>, also accepted without it; token in
// `Authorization: Bearer` or `access_token=`):
//   GET  /access_token?grant_type=ig_exchange_token&client_secret&access_token   short IG → long (expires_in 5183944)
//   GET  /refresh_access_token?grant_type=ig_refresh_token&access_token          long IG, ≥ 24 h old, not expired;
//                                              what happens to the previous token: the refresh model (../tokens.js)
//   GET  /{v}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token
//   GET  /{v}/debug_token?input_token&access_token={appId}|{appSecret}
//   GET  /{v}/me?fields=…                      IG token: user_id (string, or bare number), username, name, account_type, id
//                                              FB user token: id, name of facebookUser; FB page token: id, name of its page
//   GET  /{v}/me/accounts?fields=…&limit&after  FB user token: pages, paging.next → /{v}/{facebookUser.id}/accounts on this host
//   POST|GET|DELETE /{v}/{me|id}/subscribed_apps?subscribed_fields=…
//   POST /{v}/{me|id}/messages                 JSON body → {recipient_id, message_id} or {recipient_id} (sender_action)
//   POST /{v}/{comment-id}/replies             JSON {message} (or query) → {id}: a public reply (comments.js)
//   POST /{v}/{comment-id}                     JSON {hide} (or query hide=true|false) → {success:true} (comments.js)
//   DELETE /{v}/{comment-id}                   → {success:true}; a deleted comment 100/33 (comments.js)
//   GET  /{v}/{igsid}?fields=…                 a profile set with mock.profiles.set, else consent error 230 (profiles.js)
//   GET  /{v}/{me|id}/conversations?platform=instagram&fields&limit&after&user_id   the inbox (conversations.js)
//   GET  /{v}/{conversation-id}?fields=messages.limit(n){…}   a conversation's newest messages (conversations.js)
//   GET  /{v}/{message-id}?fields=…            one message (conversations.js)
//   POST|GET|DELETE /{v}/{me|id}/messenger_profile?platform=instagram   ice breakers and the persistent
//                                              menu, per account (messenger-profile.js)
//   GET|POST|DELETE /{v}/{app-id}/subscriptions  app access token {appId}|{appSecret} only. POST (form or
//       query: object, callback_url, verify_token, fields) first verifies the callback as Meta does
//       (GET callback_url?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…, must echo the
//       challenge; only loopback callback hosts are called, others fail verification) → {"success":true};
//       GET → {data:[{object, callback_url, active, fields:[{name, version}]}]}; DELETE ?object= removes it.
//       mock.appSubscriptions: the registrations, by object.
// Errors are Graph-shaped: {"error":{message,type,code,error_subcode?,fbtrace_id}}; unknown token
// 190 (no subcode), expired 190/463, revoked 190/<subcode>, all HTTP 400; no token 2500; unknown
// path 2500; wrong appsecret_proof 100; a bad body 100; a window-closed recipient 10/2534022 (403);
// an unavailable one 551/1545041; a second private reply to one comment -1/2534023 (HTTP 500).

const { unknownPath, unsupported } = require('../graph-errors')
const { igExchange, igRefresh, fbExchange, debugToken } = require('./oauth')
const { me, meAccounts } = require('./me')
const { subscribedApps, subscriptionsOfApp } = require('./subscriptions')
const { messages, DIGITS_RE } = require('./messages')
const { replyToComment, hideComment, deleteComment } = require('./comments')
const { userProfile } = require('./profiles')
const { conversations, conversationNode, isConversationNode } = require('./conversations')
const { messengerProfile } = require('./messenger-profile')

// GET-only endpoints of one path segment.
const SINGLE = { access_token: igExchange, refresh_access_token: igRefresh, debug_token: debugToken, me }

/** The normal answer to request `e` (faults and custom answers come before it). */
function handle(m, e, req) {
  const segs = e.path.split('/')
  const rest = segs.slice(e.version ? 2 : 1)
  if (segs[0] !== '' || rest.length === 0 || rest.some((s) => s === '')) return unknownPath(m, e)
  const method = e.method
  const n = rest.length
  if (n === 2 && rest[1] === 'messages') {
    if (method !== 'POST') return unsupported(m, e, rest[0])
    if (rest[0] !== 'me' && !DIGITS_RE.test(rest[0])) return unknownPath(m, e)
    return messages(m, e, rest[0])
  }
  if (n === 1 && DIGITS_RE.test(rest[0])) {
    // a numeric node: a person (GET) or a comment (POST hides, DELETE deletes)
    if (method === 'GET') return userProfile(m, e, rest[0])
    if (method === 'POST') return hideComment(m, e, rest[0])
    if (method === 'DELETE') return deleteComment(m, e, rest[0])
    return unsupported(m, e, rest[0])
  }
  if (n === 2 && rest[1] === 'replies' && DIGITS_RE.test(rest[0])) {
    return method === 'POST' ? replyToComment(m, e, rest[0]) : unsupported(m, e, rest[0])
  }
  if (n === 1 && isConversationNode(m, rest[0])) {
    return method === 'GET' ? conversationNode(m, e, rest[0]) : unsupported(m, e, rest[0])
  }
  if (n === 1) {
    const handler = Object.hasOwn(SINGLE, rest[0]) ? SINGLE[rest[0]] : undefined
    if (!handler) return unknownPath(m, e)
    return method === 'GET' ? handler(m, e) : unsupported(m, e, rest[0])
  }
  if (n === 2) {
    if (rest[0] === 'oauth' && rest[1] === 'access_token') return method === 'GET' ? fbExchange(m, e) : unsupported(m, e, 'oauth')
    if (rest[1] === 'accounts' && (rest[0] === 'me' || rest[0] === m.facebookUser.id)) return method === 'GET' ? meAccounts(m, e, req) : unsupported(m, e, rest[0])
    if (rest[1] === 'subscribed_apps' && (rest[0] === 'me' || DIGITS_RE.test(rest[0]))) return subscribedApps(m, e, rest[0])
    if (rest[1] === 'subscriptions' && DIGITS_RE.test(rest[0])) return subscriptionsOfApp(m, e, rest[0])
    if (rest[1] === 'conversations' && (rest[0] === 'me' || DIGITS_RE.test(rest[0]))) return method === 'GET' ? conversations(m, e, rest[0], req) : unsupported(m, e, rest[0])
    if (rest[1] === 'messenger_profile' && (rest[0] === 'me' || DIGITS_RE.test(rest[0]))) return messengerProfile(m, e, rest[0])
  }
  return unknownPath(m, e)
}

module.exports = { handle }
