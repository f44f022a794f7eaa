'use strict'
// What the mock reads from a request: the query (and form bodies) as a plain object, Graph's
// `fields` syntax, the token (Authorization: Bearer, else access_token=, else fb_exchange_token=)
// and the API version; and how tests match requests (faults, answers, requestsTo).

const VERSION_RE = /^v\d+\.\d+$/

// A query string or form body as { key: first value }, decoded by URLSearchParams ('+' is a
// space, a malformed %-escape stays as it is, bytes that are not UTF-8 become U+FFFD). As with
// node:querystring before: a repeated key keeps its first value, a key named __proto__ is dropped,
// only the first 1000 '&'-separated pieces are read, and a leading '?' (from '/me??a=1') stays part
// of the first key (hence the '&' in front). One difference, for form bodies only (request URLs
// reach the mock as ASCII): a non-ASCII character in a key or value that also holds a malformed
// %-escape is kept, where querystring made it U+FFFD.
const MAX_PIECES = 1000
function parseQuery(qs) {
  const out = {}
  for (const [k, v] of new URLSearchParams('&' + qs.split('&', MAX_PIECES).join('&'))) {
    if (!Object.hasOwn(out, k)) out[k] = v
  }
  return out
}

// Splits a Graph `fields` value at top-level commas: 'id,name,iba{id,username}' →
// [{ name: 'id' }, { name: 'name' }, { name: 'iba', sub: 'id,username' }]
function parseFields(fields) {
  const out = []
  if (!fields) return out
  let depth = 0
  let start = 0
  const push = (s) => {
    s = s.trim()
    if (!s) return
    const b = s.indexOf('{')
    if (b >= 0 && s.endsWith('}')) out.push({ name: s.slice(0, b).trim(), sub: s.slice(b + 1, -1) })
    else out.push({ name: s, sub: null })
  }
  for (let i = 0; i < fields.length; i++) {
    const c = fields[i]
    if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ',' && depth === 0) {
      push(fields.slice(start, i))
      start = i + 1
    }
  }
  push(fields.slice(start))
  return out
}

/**
 * The request log entry of a request: { method, path, query, headers, rawBody, body (parsed JSON
 * or undefined), auth ('bearer' | 'query' | null), token, version ('v24.0' or null), at }. The server
 * adds receivedAt: performance.now() when the request's head arrived (real time, for spacing).
 */
function readRequest(req, rawBody, now) {
  const url = req.url
  const qi = url.indexOf('?')
  const path = qi < 0 ? url : url.slice(0, qi)
  const query = qi < 0 ? {} : parseQuery(url.slice(qi + 1))
  let body
  if (rawBody.length) {
    try {
      body = JSON.parse(rawBody)
    } catch {
      body = undefined
    }
  }
  const headers = req.headers
  let auth = null
  let token = null
  const authz = headers.authorization
  if (authz !== undefined && authz.length > 7 && authz.slice(0, 7).toLowerCase() === 'bearer ') {
    auth = 'bearer'
    token = authz.slice(7).trim()
  } else if (query.access_token !== undefined) {
    auth = 'query'
    token = query.access_token
  } else if (query.fb_exchange_token !== undefined) {
    auth = 'query'
    token = query.fb_exchange_token
  }
  let version = null
  if (path.charCodeAt(1) === 118 /* v */) {
    const slash = path.indexOf('/', 1)
    const first = slash < 0 ? path.slice(1) : path.slice(1, slash)
    if (VERSION_RE.test(first)) version = first
  }
  return { method: req.method, path, query, headers, rawBody, body, auth, token, version, at: now }
}

// A string matcher matches the path itself or the path below it ('/v24.0/me' matches
// '/v24.0/me' and '/v24.0/me/messages', not '/v24.0/media'); a RegExp is tested against
// the path; a function gets the request log entry.
function makeMatcher(match) {
  if (typeof match === 'function') return match
  if (match instanceof RegExp) {
    return (e) => {
      match.lastIndex = 0
      return match.test(e.path)
    }
  }
  if (typeof match === 'string') {
    const base = match.endsWith('/') ? match.slice(0, -1) : match
    const below = base + '/'
    return (e) => e.path === base || e.path === match || e.path.startsWith(below)
  }
  throw new TypeError('match must be a string path prefix, a RegExp or a function(request)')
}

module.exports = { parseQuery, parseFields, readRequest, makeMatcher }
