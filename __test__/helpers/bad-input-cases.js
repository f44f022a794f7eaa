'use strict'
// Run as a child process by bad-input.test.js: feeds every export bad input from JavaScript
// and prints one JSON line per case with what happened (threw / rejected / returned /
// resolved, the code or webhook reason). A crash, a panic or a hang shows up in the
// parent as a missing line, an exit signal or text on stderr.
//
// Networked calls get a base URL whose port refuses connections, so a case that is
// (unexpectedly) accepted ends as NETWORK at once instead of leaving the machine.

const crypto = require('node:crypto')
const ig = require('../..')

const refusedUrl = process.argv[2]
const NET = { instagramUrl: refusedUrl, facebookUrl: refusedUrl, timeoutMs: 2000, maxRetries: 0 }
const HUGE = 'x'.repeat(10 * 1024 * 1024)
const APP_SECRET = 'bad-input-app-secret'
const sign = (body) => 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')

function cyclic() {
  const o = { accessToken: 'IGAAcyclic' }
  o.self = o
  return o
}
function deep(n) {
  let o = { leaf: true }
  for (let i = 0; i < n; i++) o = { a: o }
  return o
}
function deepArray(n) {
  let o = []
  for (let i = 0; i < n; i++) o = [o]
  return o
}
// A DAG of 2^40 paths in 41 objects: a naive walk never ends.
function dagBomb() {
  let o = { leaf: 1 }
  for (let i = 0; i < 40; i++) o = { a: o, b: o }
  return o
}
function throwingGetter() {
  const o = { recipient: { id: '1' }, message: { text: 'hi' } }
  Object.defineProperty(o, 'accessToken', { enumerable: true, get() { throw new Error('getter exploded') } })
  return o
}
function proxy() {
  // Every trap the addon's own-property reads go through throws.
  const boom = (trap) => () => {
    throw new Error(`${trap} trap`)
  }
  return new Proxy({}, { ownKeys: boom('ownKeys'), get: boom('get'), has: boom('has'), getOwnPropertyDescriptor: boom('getOwnPropertyDescriptor') })
}
const polluting = () => JSON.parse('{"accessToken":"IGAApolluter","__proto__":{"polluted":"yes","clientSecret":"from-proto"},"constructor":{"prototype":{"polluted2":"yes"}}}')

// [name, fn, expectation]. Expectations: 'INVALID_ARGUMENT'; 'rejected:REASON' (a webhook
// result); 'value' (a normal result); 'any' (no crash: a documented code or a value).
const cases = []
const add = (name, fn, expect) => cases.push([name, fn, expect])

// Credentials/requests that are not objects, or hold junk.
const notObjects = [
  ['missing', undefined],
  ['null', null],
  ['a number', 42],
  ['NaN', NaN],
  ['a string', 'IGAAtoken'],
  ['a boolean', true],
  ['an array', [1, 2]],
  ['a function', () => 1],
  ['a symbol', Symbol('s')],
  ['a bigint', 10n],
]
const junkFields = [
  ['an empty object', {}],
  ['accessToken a number', { accessToken: 5, clientSecret: 's', recipient: { id: '1' }, message: { text: 'x' } }],
  ['accessToken null', { accessToken: null, clientSecret: 's' }],
  ['accessToken nested junk', { accessToken: { a: [1, { b: null }], c: () => 1 }, clientSecret: 's' }],
  ['accessToken an array', { accessToken: ['IGAA'], clientSecret: 's' }],
  ['accessToken a Buffer', { accessToken: Buffer.from('IGAA'), clientSecret: 's' }],
  // Only the fields a function reads are converted: junk must sit in one of them to matter.
  ['a cyclic field', { accessToken: cyclic(), clientSecret: 's' }],
  ['100000-deep nesting', deep(100000)],
  ['100000-deep arrays in a field', { accessToken: deepArray(100000), clientSecret: 's' }],
]
// The caller's own exception (a getter, a Proxy trap) propagates as it is, as with JSON.stringify.
const hostile = [
  ['a throwing getter', throwingGetter()],
  ['a hostile Proxy', proxy()],
]

const fns = {
  exchangeToken: (a, o = NET) => ig.exchangeToken(a, o),
  refreshToken: (a, o = NET) => ig.refreshToken(a, o),
  preAuthenticate: (a, o = NET) => ig.preAuthenticate(a, o),
  tokenStatus: (a, o) => ig.tokenStatus(a, o),
  getAccount: (a, o = NET) => ig.getAccount(a, o),
  sendMessage: (a, o = NET) => ig.sendMessage(a, o),
  setIceBreakers: (a, o = NET) => ig.setIceBreakers(a, o),
  getIceBreakers: (a, o = NET) => ig.getIceBreakers(a, o),
  deleteIceBreakers: (a, o = NET) => ig.deleteIceBreakers(a, o),
  setPersistentMenu: (a, o = NET) => ig.setPersistentMenu(a, o),
  getPersistentMenu: (a, o = NET) => ig.getPersistentMenu(a, o),
  deletePersistentMenu: (a, o = NET) => ig.deletePersistentMenu(a, o),
}
for (const [fname, fn] of Object.entries(fns)) {
  for (const [what, v] of notObjects) add(`${fname}: ${what}`, () => fn(v), 'INVALID_ARGUMENT')
  for (const [what, v] of junkFields) add(`${fname}: ${what}`, () => fn(v), 'INVALID_ARGUMENT')
  for (const [what, v] of hostile) add(`${fname}: ${what}`, () => fn(v), 'own-error')
}
add('tokenStatus: a 2^40-path DAG', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: dagBomb() }), 'INVALID_ARGUMENT')
add('sendMessage: a 2^40-path DAG', () => fns.sendMessage({ accessToken: 'IGAAx', recipient: { id: '1' }, message: dagBomb() }), 'INVALID_ARGUMENT')
// Keys nobody reads (an n8n credential holds many) are never walked, whatever they hold.
add('tokenStatus: a cycle, a DAG and deep arrays under unread keys', () => fns.tokenStatus({ accessToken: 'IGAAx', self: cyclic(), dag: dagBomb(), deep: deepArray(100000) }), 'value')
// These, without the missing pieces, are caller mistakes with or without the junk above; a
// few kinds are accepted by some functions and must then simply not crash:
add('exchangeToken: a 10 MB token', () => fns.exchangeToken({ accessToken: HUGE, clientSecret: 's' }), 'any')
add('tokenStatus: a 10 MB token', () => fns.tokenStatus({ accessToken: HUGE }), 'value')
for (const fname of ['exchangeToken', 'refreshToken', 'preAuthenticate', 'tokenStatus', 'getAccount']) {
  const fn = fns[fname]
  add(`${fname}: a lone surrogate token`, () => fn({ accessToken: '\uD800', clientSecret: '\uDC00' }), 'any')
  add(`${fname}: polluting keys`, () => fn(polluting()), 'any')
}
add('exchangeToken: facebook without clientId', () => fns.exchangeToken({ accessToken: 'EAAx', clientSecret: 's' }), 'INVALID_ARGUMENT')
add('exchangeToken: loginType junk', () => fns.exchangeToken({ accessToken: 'IGAAx', clientSecret: 's', loginType: 'myspace' }), 'INVALID_ARGUMENT')
add('tokenStatus: expiry a word', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: 'tomorrow' }), 'INVALID_ARGUMENT')
// napi's conversion turns a non-finite number into null ("unknown"): lenient, not a crash.
add('tokenStatus: expiry Infinity', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: Infinity }), 'any')
add('tokenStatus: expiry -1', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: -1 }), 'INVALID_ARGUMENT')
add('tokenStatus: issuedAt year 1 with now 1e300', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenIssuedAt: '0001-01-01T00:00:00Z' }, { now: 1e300 }), 'INVALID_ARGUMENT')
add('preAuthenticate: issuedAt year 1 with now 1e300', () => fns.preAuthenticate({ accessToken: 'IGAAx', accessTokenIssuedAt: '0001-01-01T00:00:00Z' }, { ...NET, now: 1e300 }), 'INVALID_ARGUMENT')
add('tokenStatus: year-1 times, now 0', () => fns.tokenStatus({ accessToken: 'IGAAx', accessTokenIssuedAt: '0001-01-01T00:00:00Z', accessTokenExpiresAt: '9999-12-31T23:59:59Z' }, { now: 0 }), 'value')
add('tokenStatus: policy -1', () => fns.tokenStatus({ accessToken: 'IGAAx' }, { refreshWindowMs: -1 }), 'INVALID_ARGUMENT')
add('tokenStatus: policy 1e300', () => fns.tokenStatus({ accessToken: 'IGAAx' }, { minRefreshAgeMs: 1e300 }), 'INVALID_ARGUMENT')

// Options.
const badOptions = [
  ['a number', 5],
  ['a string', 'https://graph.instagram.com'],
  ['an array', []],
  ['timeoutMs -1', { timeoutMs: -1 }],
  ['timeoutMs NaN', { timeoutMs: 'NaN' }],
  ['timeoutMs a string', { timeoutMs: '100' }],
  ['timeoutMs 1e300', { timeoutMs: 1e300 }],
  ['maxRetries 1e9', { maxRetries: 1e9 }],
  ['maxRetries -1', { maxRetries: -1 }],
  ['now -1', { now: -1 }],
  ['now 1e300', { now: 1e300 }],
  ['instagramUrl http to a public host', { instagramUrl: 'http://example.com' }],
  ['instagramUrl a lone surrogate', { instagramUrl: '\uD800' }],
  ['instagramUrl javascript:', { instagramUrl: 'javascript:alert(1)' }],
  ['apiVersion a path', { apiVersion: '../../oauth' }],
  ['a cyclic options field', { now: cyclic() }],
]
const igCred = { accessToken: 'IGAAbadopts', clientSecret: 's', recipient: { id: '1' }, message: { text: 'x' } }
for (const [fname, fn] of Object.entries(fns)) {
  for (const [what, o] of badOptions) {
    if (fname === 'tokenStatus' && /Url|apiVersion|timeoutMs|maxRetries/.test(what)) continue // read, but not used without network
    add(`${fname}: options ${what}`, () => fn(igCred, o), 'INVALID_ARGUMENT')
  }
}

// A 10 MB host name is a URL the parser accepts; the call fails in DNS (slowly in a debug
// build, so only once here).
add('getAccount: options instagramUrl 10 MB', () => fns.getAccount(igCred, { ...NET, instagramUrl: 'https://' + HUGE }), 'any')

// sendMessage specifics.
const send = (req) => fns.sendMessage({ accessToken: 'IGAAsend', recipient: { id: '1' }, ...req })
add('sendMessage: text 10 MB', () => send({ message: { text: HUGE } }), 'INVALID_ARGUMENT')
add('sendMessage: text a lone surrogate (sent as U+FFFD)', () => send({ message: { text: '\uD800' } }), 'any')
add('sendMessage: recipient junk', () => send({ recipient: { id: { $gt: '' } }, message: { text: 'x' } }), 'INVALID_ARGUMENT')
add('sendMessage: message a string', () => send({ message: 'hello' }), 'INVALID_ARGUMENT')
add('sendMessage: 1e6 quick replies', () => send({ message: { text: 'x', quickReplies: new Array(1e6).fill({ title: 't', payload: 'p' }) } }), 'INVALID_ARGUMENT')
add('sendMessage: a sparse 4e9-long images array', () => { const a = []; a.length = 4e9; return send({ message: { images: a } }) }, 'INVALID_ARGUMENT')
add('sendMessage: polluting keys in message', () => send({ message: JSON.parse('{"text":"x","__proto__":{"attachment":{"type":"image"}}}') }), 'any')
add('sendMessage: accountId a path', () => send({ accountId: '../../oauth/access_token', message: { text: 'x' } }), 'any')

// Messenger Profile specifics.
const ice = (iceBreakers) => fns.setIceBreakers({ accessToken: 'IGAAice', iceBreakers })
add('setIceBreakers: 1e6 locales', () => ice(new Array(1e6).fill({ locale: 'default', questions: [{ question: 'q', payload: 'p' }] })), 'INVALID_ARGUMENT')
add('setIceBreakers: a sparse 4e9-long questions array', () => { const a = []; a.length = 4e9; return ice([{ locale: 'default', questions: a }]) }, 'INVALID_ARGUMENT')
add('setIceBreakers: a 10 MB payload', () => ice([{ locale: 'default', questions: [{ question: 'q', payload: HUGE }] }]), 'INVALID_ARGUMENT')
add('setIceBreakers: a lone surrogate locale', () => ice([{ locale: '\uD800', questions: [{ question: 'q', payload: 'p' }] }]), 'INVALID_ARGUMENT')
add('setPersistentMenu: items a string', () => fns.setPersistentMenu({ accessToken: 'IGAAmenu', persistentMenu: [{ locale: 'default', items: 'Shop' }] }), 'INVALID_ARGUMENT')
add('setPersistentMenu: a 2^40-path DAG', () => fns.setPersistentMenu({ accessToken: 'IGAAmenu', persistentMenu: dagBomb() }), 'INVALID_ARGUMENT')

// Webhooks.
const signed = (body, extra = {}) => ({ method: 'POST', headers: { 'x-hub-signature-256': sign(body) }, body, ...extra })
const S = { appSecret: APP_SECRET, verifyToken: 'bad-input-verify' }
for (const [what, v] of notObjects) {
  add(`verifyWebhookSync: request ${what}`, () => ig.verifyWebhookSync(v, S), 'INVALID_ARGUMENT')
  add(`verifyWebhook: request ${what}`, () => ig.verifyWebhook(v, S), 'INVALID_ARGUMENT')
  add(`verifyWebhookSync: secrets ${what}`, () => ig.verifyWebhookSync({ method: 'GET' }, v), 'INVALID_ARGUMENT')
}
const webhookCases = [
  ['method a number', { method: 5 }, S, 'INVALID_ARGUMENT'],
  ['method missing', { body: '{}' }, S, 'INVALID_ARGUMENT'],
  ['method a lone surrogate', { method: '\uD800' }, S, 'rejected:METHOD_NOT_ALLOWED'],
  ['method 10 MB', { method: HUGE }, S, 'rejected:METHOD_NOT_ALLOWED'],
  ['body a parsed object', { method: 'POST', headers: {}, body: { object: 'instagram', entry: [] } }, S, 'INVALID_ARGUMENT'],
  ['body a number', { method: 'POST', body: 5 }, S, 'INVALID_ARGUMENT'],
  ['secrets.appSecret a number', { method: 'POST', body: '{}' }, { appSecret: 5 }, 'INVALID_ARGUMENT'],
  ['secrets.maxBodyBytes -1', { method: 'POST', body: '{}' }, { appSecret: 'a', maxBodyBytes: -1 }, 'INVALID_ARGUMENT'],
  ['secrets cyclic', { method: 'POST', body: '{}' }, cyclic(), 'INVALID_ARGUMENT'],
  // Only the names the core reads (the signature headers, hub.*) are looked at: junk under
  // any other name is never walked, as for the other functions' unread keys.
  ['headers cyclic', { method: 'POST', headers: cyclic(), body: '{}' }, S, 'rejected:SIGNATURE_MISSING'],
  ['query 100000 deep', { method: 'GET', query: deep(100000) }, S, 'rejected:HANDSHAKE_INVALID'],
  ['headers nested junk', { method: 'POST', headers: { 'x-hub-signature-256': { a: [1, { b: 2 }] }, x: [null, undefined] }, body: '{}' }, S, 'rejected:SIGNATURE_MISSING'],
  ['signature a lone surrogate', { method: 'POST', headers: { 'x-hub-signature-256': 'sha256=\uD800' }, body: '{}' }, S, 'rejected:SIGNATURE_MISMATCH'],
  ['signature 10 MB', { method: 'POST', headers: { 'x-hub-signature-256': 'sha256=' + HUGE }, body: '{}' }, S, 'rejected:SIGNATURE_MISMATCH'],
  ['body 10 MB (default limit)', signed(Buffer.alloc(10 * 1024 * 1024, 0x20)), S, 'rejected:PAYLOAD_TOO_LARGE'],
  ['body invalid UTF-8 bytes', signed(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), S, 'rejected:MALFORMED_PAYLOAD'],
  ['body invalid UTF-8 inside a string', signed(Buffer.concat([Buffer.from('{"object":"instagram","entry":[{"id":"1","messaging":[{"message":{"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}]}]}')])), S, 'rejected:MALFORMED_PAYLOAD'],
  ['body a lone surrogate string', signed('{"object":"instagram","entry":["\uD800"]}'), S, 'value'],
  // JSON.parse accepts it (a cut-off emoji): read as U+FFFD, the batch is not refused.
  ['body an escaped lone surrogate', signed('{"object":"instagram","entry":[{"id":"1","messaging":[{"message":{"text":"\\ud800"}}]}]}'), S, 'value'],
  ['body nested 100000 deep', signed('{"object":"instagram","entry":' + '['.repeat(100000) + ']'.repeat(100000) + '}'), S, 'rejected:MALFORMED_PAYLOAD'],
  ['body a Uint8Array', { ...signed(Buffer.from('{"object":"instagram","entry":[]}')), body: new Uint8Array(Buffer.from('{"object":"instagram","entry":[]}')) }, S, 'value'],
  ['body a detached-size DataView', { method: 'POST', body: new DataView(new ArrayBuffer(8)) }, S, 'any'],
  ['query __proto__ keys', { method: 'GET', query: JSON.parse('{"__proto__":{"hub.mode":"subscribe"},"hub.challenge":"1"}') }, S, 'rejected:HANDSHAKE_INVALID'],
  ['headers a 2^40-path DAG', { method: 'POST', headers: { x: dagBomb() }, body: '{}' }, S, 'rejected:SIGNATURE_MISSING'],
]
add('verifyWebhookSync: GET with a 10 MB verify token', () => ig.verifyWebhookSync({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': HUGE } }, S), 'rejected:VERIFY_TOKEN_MISMATCH')
for (const [what, req, secrets, expect] of webhookCases) {
  add(`verifyWebhookSync: ${what}`, () => ig.verifyWebhookSync(req, secrets), expect)
  add(`verifyWebhook: ${what}`, () => ig.verifyWebhook(req, secrets), expect)
}

add('verifyWebhookSync: body 10 MB string under a 64 MiB limit', () => ig.verifyWebhookSync(signed(HUGE), { ...S, maxBodyBytes: 64 * 1024 * 1024 }), 'rejected:MALFORMED_PAYLOAD')

// Prototype-polluting keys inside a signed delivery: accepted, and `raw` carries them as own
// properties (as JSON.parse would), never as prototypes.
const pollutingBody = '{"object":"instagram","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},"message":{"mid":"m","text":"x","__proto__":{"isAdmin":true}}}]}]}'
add('verifyWebhookSync: polluting keys in the body', () => {
  const r = ig.verifyWebhookSync(signed(pollutingBody), S)
  const raw = r.events[0].raw
  return {
    kind: r.kind,
    rawProtoIsObjectPrototype: Object.getPrototypeOf(raw) === Object.prototype,
    ownProto: Object.prototype.hasOwnProperty.call(raw, '__proto__'),
    inheritedPolluted: raw.polluted === undefined ? 'absent' : raw.polluted,
    messageProtoIsObjectPrototype: Object.getPrototypeOf(raw.message) === Object.prototype,
    sameAsJsonParse: require('node:util').isDeepStrictEqual(raw, JSON.parse(pollutingBody).entry[0].messaging[0]),
  }
}, 'value')

async function run() {
  for (const [name, fn, expect] of cases) {
    const t0 = Date.now()
    let line
    try {
      const out = fn()
      if (out && typeof out.then === 'function') {
        let timer
        const hung = new Promise((resolve) => { timer = setTimeout(() => resolve('HUNG'), 10000) })
        try {
          const v = await Promise.race([out, hung])
          line = v === 'HUNG' ? { outcome: 'hung' } : { outcome: 'resolved', value: summary(v) }
        } catch (e) {
          line = { outcome: 'rejected', code: e && e.code, isError: e instanceof Error, message: e && String(e.message).slice(0, 300) }
        } finally {
          clearTimeout(timer)
        }
      } else {
        line = { outcome: 'returned', value: summary(out) }
      }
    } catch (e) {
      line = { outcome: 'threw', code: e && e.code, isError: e instanceof Error, message: e && String(e.message).slice(0, 300) }
    }
    process.stdout.write(JSON.stringify({ name, expect, ms: Date.now() - t0, ...line }) + '\n')
  }
  const polluted = ['polluted', 'polluted2', 'isAdmin', 'clientSecret', 'attachment', 'hub.mode'].filter((k) => k in Object.prototype || ({})[k] !== undefined)
  process.stdout.write(JSON.stringify({ name: '__end__', polluted }) + '\n')
}

function summary(v) {
  if (v && typeof v === 'object' && 'rawProtoIsObjectPrototype' in v) return v
  if (v && typeof v === 'object' && v.kind) return { kind: v.kind, reason: v.reason, status: v.status }
  return { type: typeof v }
}

run()
