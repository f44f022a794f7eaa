'use strict'
// The comment kit: POST /{v}/{comment-id}/replies (a public reply, JSON {message} or query
// message=), POST /{v}/{comment-id} (hide: JSON {hide} or query hide=true|false) and
// DELETE /{v}/{comment-id}. Any all-digit id is a comment on the account's own media unless
// `mock.comments` says otherwise:
//   mock.comments.set(id, { foreign?, hidden?, live?, deleted? })
//     foreign  on someone else's media: every action 200 "(#200) Permissions error" (403)
//     hidden   a public reply is refused: 100 (400); hiding sets it, unhiding clears it
//     live     a comment on a live video: a public reply is refused, 100 (400)
//     deleted  gone: every action 100/33 "does not exist" (400), as a second delete is
// mock.comments.get(id) → its state; mock.comments.replies → [{ commentId, id, text, at }];
// mock.comments.clear() forgets both.

const { graphError, err100, unsupported } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')

/** Returns { api, states, replies }; `api` is `mock.comments`. */
function createComments() {
  const states = new Map()
  const replies = []
  const api = {
    set(id, state = {}) {
      states.set(String(id), { ...state })
    },
    get: (id) => states.get(String(id)),
    replies,
    clear() {
      states.clear()
      replies.length = 0
    },
  }
  return { api, states, replies }
}

/** The comment `id` as the caller may touch it: { state } or { error }. */
function commentFor(m, e, id) {
  const a = authenticate(m, e)
  if (a.error) return { error: a.error }
  const state = m.comments.states.get(id) ?? {}
  if (state.deleted) return { error: unsupported(m, e, id) }
  if (state.foreign) return { error: graphError(m, e, 403, { code: 200, type: 'OAuthException', message: '(#200) Permissions error' }) }
  return { state }
}

// A value from the JSON body, else the query (Meta takes both).
function param(e, name) {
  if (e.body && typeof e.body === 'object' && !Array.isArray(e.body) && e.body[name] !== undefined) return e.body[name]
  return e.query[name]
}

const success = (m, e) => reply(200, '{"success":true}', m.usage.baseHeaders(e))

// POST /{v}/{comment-id}/replies
function replyToComment(m, e, id) {
  const c = commentFor(m, e, id)
  if (c.error) return c.error
  const message = param(e, 'message')
  if (typeof message !== 'string' || message.trim() === '') return err100(m, e, '(#100) The parameter message is required')
  if (c.state.hidden) return err100(m, e, '(#100) Cannot reply to a hidden comment', { type: 'IGApiException' })
  if (c.state.live) return err100(m, e, '(#100) Comments on a live video cannot get a public reply', { type: 'IGApiException' })
  const replyId = String(18000000000000000n + BigInt(++m.seq))
  m.comments.states.set(replyId, {})
  m.comments.replies.push({ commentId: id, id: replyId, text: message, at: m.clock.now() })
  return reply(200, `{"id":"${replyId}"}`, m.usage.baseHeaders(e))
}

// POST /{v}/{comment-id} with hide
function hideComment(m, e, id) {
  const c = commentFor(m, e, id)
  if (c.error) return c.error
  const hide = param(e, 'hide')
  let hidden
  if (hide === true || hide === 'true') hidden = true
  else if (hide === false || hide === 'false') hidden = false
  else return err100(m, e, '(#100) The parameter hide must be true or false')
  m.comments.states.set(id, { ...c.state, hidden })
  return success(m, e)
}

// DELETE /{v}/{comment-id}
function deleteComment(m, e, id) {
  const c = commentFor(m, e, id)
  if (c.error) return c.error
  m.comments.states.set(id, { ...c.state, deleted: true })
  return success(m, e)
}

module.exports = { createComments, replyToComment, hideComment, deleteComment }
