'use strict'
// Graph-shaped errors: {"error":{message,type,code,error_subcode?,fbtrace_id}} with Meta's
// messages, the usage headers, and WWW-Authenticate on code 190. See routes/index.js for which
// request gets which error.

const { reply } = require('./reply')
const { randomAlnum } = require('./random')

// Messages of the token errors (code 190), by subcode.
const SUBCODE_MESSAGES = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  464: 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
  492: 'Error validating access token: The session is invalid.',
}

// Default messages for graphError faults that give none.
const CODE_MESSAGES = {
  '-1': 'An unexpected error has occurred. Please retry your request later.',
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: '(#4) Application request limit reached',
  10: '(#10) Application does not have permission for this action',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  100: '(#100) Invalid parameter',
  190: 'Invalid OAuth access token.',
  200: '(#200) Permissions error',
  341: '(#341) Application limit reached',
  368: '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
  551: "(#551) This person isn't available right now.",
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001: '(#80001) There have been too many calls to this Page account. Wait a bit and try again.',
  80002: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.',
  80006: '(#80006) There have been too many messaging calls to this Page account. Wait a bit and try again.',
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// Meta's style: "Thursday, 01-Jan-26 01:00:00 PST" (here in UTC).
function metaDate(ms) {
  const d = new Date(ms)
  const p = (n) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`
}

/** The JSON text of a Graph error; `g` holds its fields (code, message, type, error_subcode, …). */
function graphErrorBody(g) {
  const code = g.code ?? 1
  const err = {
    message: g.message ?? CODE_MESSAGES[code] ?? `(#${code}) An error occurred`,
    type: g.type ?? 'OAuthException',
    code,
  }
  if (g.error_subcode !== undefined && g.error_subcode !== null) err.error_subcode = g.error_subcode
  if (g.is_transient !== undefined) err.is_transient = g.is_transient
  if (g.error_user_title !== undefined) err.error_user_title = g.error_user_title
  if (g.error_user_msg !== undefined) err.error_user_msg = g.error_user_msg
  err.fbtrace_id = g.fbtrace_id ?? randomAlnum(11)
  return JSON.stringify({ error: err })
}

/** A Graph error answer to request `e` of mock `m`, with the usage headers. */
function graphError(m, e, status, g, extraHeaders) {
  const h = m.usage.baseHeaders(e)
  if (g.code === 190) {
    h['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" ${JSON.stringify(g.message ?? CODE_MESSAGES[190])}`
  }
  if (extraHeaders) Object.assign(h, extraHeaders)
  return reply(status, graphErrorBody(g), h)
}

/** Code 100 (a bad parameter), HTTP 400. */
const err100 = (m, e, message, extra = {}) => graphError(m, e, 400, { code: 100, message, type: extra.type ?? 'OAuthException', ...extra })

function unknownPath(m, e) {
  return graphError(m, e, 400, { code: 2500, type: 'OAuthException', message: `Unknown path components: ${e.path}` })
}

function unsupported(m, e, id) {
  return graphError(m, e, 400, {
    code: 100,
    error_subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${e.method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  })
}

module.exports = { SUBCODE_MESSAGES, metaDate, graphErrorBody, graphError, err100, unknownPath, unsupported }
