'use strict'
// The complete JS peer (bench/peers/webhook-complete.js) must give exactly the addon's
// verifyWebhookSync result — events, event ids, `raw`, rejections and their messages, thrown
// errors — before any timing. Used by bench/run.js and by __test__/bench-peer.test.js.
//
// Cases: every fixture under __test__/fixtures/webhooks (signed POST, ids included), the
// benchmark's workload bodies, and request-level cases of API.md's Webhooks section (the
// handshake, methods, sizes, signatures, several secrets, body forms, numbers JavaScript
// cannot carry, lone surrogates, nesting). For bodies that are not JSON (or not UTF-8) only
// kind, status and reason are compared: the addon words that message as serde_json does, the
// peer as V8 does (an empty body, a number out of range and too deep a nesting are worded, and
// positioned, as serde_json does them: compared in full).

const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const crypto = require('node:crypto')
const v8 = require('node:v8')

const FIXTURES = path.join(__dirname, '..', '..', '__test__', 'fixtures', 'webhooks')
const SECRET = 'peer-check-app-secret'
const VERIFY = 'peer-check-verify-token'

const hmac = (alg, body, secret = SECRET) => `${alg}=` + crypto.createHmac(alg, secret).update(body).digest('hex')
const signed = (body, secret = SECRET) => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hmac('sha256', body, secret) }, body })

/** Every `X.json` with an `X.expected.json`: [{ name, body }], sorted. */
function fixtures() {
  return fs.readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.expected.json'.length)
      return { name, body: fs.readFileSync(path.join(FIXTURES, `${name}.json`)) }
    })
}

function requestCases() {
  const env = (items, account = '"17841400000000001"') => `{"object":"instagram","entry":[{"id":${account},"time":1732800000,"messaging":[${items}]}]}`
  const body = Buffer.from(env('{"sender":{"id":"1"},"read":{"mid":"m"}}'))
  const q = (mode, challenge, token) => ({ 'hub.mode': mode, 'hub.challenge': challenge, 'hub.verify_token': token })
  const get = { verifyToken: VERIFY }
  const post = { appSecret: SECRET }
  const cases = [
    ['GET handshake', { method: 'GET', query: q('subscribe', '1158201444', VERIFY) }, get],
    ['GET handshake, method in another case and blanks', { method: ' get ', query: q('subscribe', 'abc', VERIFY) }, get],
    ['GET wrong verify token', { method: 'GET', query: q('subscribe', '1', VERIFY + 'x') }, get],
    ['GET without verify token', { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.challenge': '1' } }, get],
    ['GET another mode', { method: 'GET', query: q('unsubscribe', '1', VERIFY) }, get],
    ['GET empty challenge', { method: 'GET', query: q('subscribe', '', VERIFY) }, get],
    ['GET arrays and numbers in the query', { method: 'GET', query: { 'hub.mode': ['subscribe', 'x'], 'hub.challenge': [12.5, 'a'], 'hub.verify_token': [VERIFY] } }, get],
    ['GET URLSearchParams', { method: 'GET', query: new URLSearchParams(`hub.mode=subscribe&hub.challenge=42&hub.verify_token=${VERIFY}`) }, get],
    ['GET Map', { method: 'GET', query: new Map(Object.entries(q('subscribe', '7', VERIFY))) }, get],
    ['GET without secrets.verifyToken (throws)', { method: 'GET', query: q('subscribe', '1', VERIFY) }, post],
    ['PUT', { method: 'PUT', body }, post],
    ['no method (throws)', { body }, post],
    ['POST without an app secret (throws)', { method: 'POST', body }, {}],
    ['POST already-parsed body (throws)', { method: 'POST', body: { object: 'instagram' } }, post],
    ['POST body of another type (throws)', { method: 'POST', body: 42 }, post],
    ['POST maxBodyBytes not whole (throws)', { method: 'POST', body }, { ...post, maxBodyBytes: 1.5 }],
    ['POST without signature', { method: 'POST', body }, post],
    ['POST blank signature', { method: 'POST', body, headers: { 'x-hub-signature-256': '  ' } }, post],
    ['POST forged signature', { method: 'POST', body, headers: { 'x-hub-signature-256': hmac('sha256', body, 'another') } }, post],
    ['POST malformed signature', { method: 'POST', body, headers: { 'x-hub-signature-256': 'sha256=abc' } }, post],
    ['POST signature in upper case', { method: 'POST', body, headers: { 'X-Hub-Signature-256': hmac('sha256', body).toUpperCase() } }, post],
    ['POST legacy SHA-1 only', { method: 'POST', body, headers: { 'x-hub-signature': hmac('sha1', body) } }, post],
    ['POST legacy SHA-1, wrong', { method: 'POST', body, headers: { 'x-hub-signature': hmac('sha1', body, 'another') } }, post],
    ['POST SHA-256 wins over SHA-1', { method: 'POST', body, headers: { 'x-hub-signature': hmac('sha1', body), 'x-hub-signature-256': 'sha256=00' } }, post],
    ['POST several secrets, the last matches', { method: 'POST', body, headers: { 'x-hub-signature-256': hmac('sha256', body, 'second') } }, { appSecret: ['', 'first', 'second'] }],
    ['POST several secrets, none matches', { method: 'POST', body, headers: { 'x-hub-signature-256': hmac('sha256', body, 'third') } }, { appSecret: ['first', 'second'] }],
    ['POST header as an array, padded', { method: 'POST', body, headers: { 'x-hub-signature-256': [` ${hmac('sha256', body)} `, 'sha256=00'] } }, post],
    ['POST fetch Headers', { method: 'POST', body, headers: new Headers({ 'x-hub-signature-256': hmac('sha256', body) }) }, post],
    ['POST body as a string', { method: 'POST', body: body.toString(), headers: { 'x-hub-signature-256': hmac('sha256', body) } }, post],
    ['POST body as an ArrayBuffer', { method: 'POST', body: new Uint8Array(body).buffer, headers: { 'x-hub-signature-256': hmac('sha256', body) } }, post],
    ['POST body over maxBodyBytes (Buffer)', { method: 'POST', body }, { ...post, maxBodyBytes: 100 }],
    ['POST body over maxBodyBytes (string)', { method: 'POST', body: body.toString() }, { ...post, maxBodyBytes: 100 }],
    ['POST unsigned allowed', { method: 'POST', body }, { allowUnsigned: true }],
    ['POST empty body', signed(Buffer.alloc(0)), post],
    ['POST not an envelope', signed(Buffer.from('{"object":1,"entry":[]}')), post],
    ['POST not JSON', signed(Buffer.from('{"object":"instagram","entry":[}')), post, 'message aside'],
    ['POST with a byte-order mark', signed(Buffer.from('\ufeff{"object":"instagram","entry":[]}')), post, 'message aside'],
    ['POST not UTF-8', signed(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), post, 'message aside'],
    ['POST numbers JavaScript cannot carry', signed(Buffer.from(env([
      '{"sender":{"id":18446744073709551615},"recipient":{"id":-9223372036854775808},"timestamp":1732799999123.75,"message":{"mid":12345678901234567890,"text":"n","attachments":[{"type":"image","payload":{"id":1.0}}]},"n":[0.1,0.3,1e300,-0.0,-0,1E5,123456789.123456789e-3,18446744073709551616,1.7976931348623157e308,5e-324,1e-400]}',
      '{"timestamp":"  1732800000 ","message_edit":{"mid":9007199254740993,"text":"e"}}',
    ].join(','), '17841405793187218'))), post],
    ['POST number out of range', signed(Buffer.from(env('{"n":[1,\n 1e400]}'))), post],
    ['POST lone surrogates and escapes', signed(Buffer.from(env('{"message":{"mid":"m","text":"a\\ud83d b \\ude00 c \\ud83d\\ude00 \\\\ud83d \\u0000\\u001f\\u007f\\"\\/ \\u2028"},"\\ud83dk":1,"\\ue000":2,"\\ud83d\\ude00":3,"__proto__":{"x":1},"10":4,"9":5}'))), post],
    ['POST nesting at the limit', signed(Buffer.from(env(`{"n":${'['.repeat(122)}${']'.repeat(122)}}`))), post],
    ['POST nesting over the limit', signed(Buffer.from(env(`{"n":${'['.repeat(123)}${']'.repeat(123)}}`))), post],
  ]
  return cases.map(([name, request, secrets, loose]) => ({ name, request, secrets, loose: loose !== undefined }))
}

/** A result, or what was thrown (code and message), as a comparable value. */
function outcome(fn) {
  try {
    return fn()
  } catch (e) {
    return { threw: { code: e && e.code, message: e && e.message } }
  }
}

/**
 * A copy made in one realm (structured clone: keeps -0, key sets and types), so results compare
 * strictly even when the addon's objects (its JSON.parse runs in Node's main context) and the
 * peer's (a Jest sandbox) have different Object prototypes.
 */
const sameRealm = (x) => v8.deserialize(v8.serialize(x))

const loosen = (r) => (r && r.kind === 'rejected' ? { kind: r.kind, status: r.status, reason: r.reason } : r)

/**
 * Runs every case through the addon and the peer. `bodies`: extra signed bodies ([{ name, body }],
 * the workloads). Returns [{ name, native, peer, equal }].
 */
function comparePeer(addon, peer, { bodies = [] } = {}) {
  const cases = [
    ...fixtures().map(({ name, body }) => ({ name: `fixture ${name}`, request: signed(body), secrets: { appSecret: SECRET } })),
    ...bodies.map(({ name, body }) => ({ name: `workload ${name}`, request: signed(body), secrets: { appSecret: SECRET } })),
    ...requestCases(),
  ]
  return cases.map((c) => {
    let native = outcome(() => addon.verifyWebhookSync(c.request, c.secrets))
    let js = outcome(() => peer(c.request, c.secrets))
    if (c.loose) {
      native = loosen(native)
      js = loosen(js)
    }
    return { name: c.name, native, peer: js, equal: util.isDeepStrictEqual(sameRealm(native), sameRealm(js)) }
  })
}

/** comparePeer, throwing on the first difference; returns counts for the log. */
function checkCompletePeer(addon, peer, opts) {
  const rows = comparePeer(addon, peer, opts)
  const bad = rows.find((r) => !r.equal)
  if (bad) {
    const fmt = (x) => util.inspect(x, { depth: 8, breakLength: 160 }).slice(0, 3000)
    throw new Error(`complete JS peer differs from the addon (${bad.name}):\n native: ${fmt(bad.native)}\n peer:   ${fmt(bad.peer)}`)
  }
  const fixturesChecked = rows.filter((r) => r.name.startsWith('fixture ')).length
  const events = rows.reduce((n, r) => n + (r.native && r.native.kind === 'events' ? r.native.events.length : 0), 0)
  return { cases: rows.length, fixtures: fixturesChecked, events }
}

module.exports = { comparePeer, checkCompletePeer, fixtures, requestCases }
