'use strict'
// The COMPLETE pure-JS peer of verifyWebhookSync: what an n8n node author would write to do the
// whole job of API.md's Webhooks section carefully, with node:crypto only.
//
// - GET: the subscription handshake (shape first, then the verify token compared in constant
//   time, length included); any other method but POST: 405.
// - POST: size first (413), then the signature (401): `X-Hub-Signature-256` (else the legacy
//   `X-Hub-Signature`), HMAC over the raw bytes with every app secret, `timingSafeEqual`; then
//   the body is read as serde_json reads it (400) and every item of every entry is normalised
//   into the same `WebhookEvent` objects as the addon, with the same stable `id`s
//   (src/webhook/event_id.rs: SHA-256 over a domain tag, the length-prefixed account id and
//   list, and the canonical JSON of the item).
//
// Reading the body exactly as the addon does takes more than `JSON.parse`:
// - escaped lone surrogates (`\ud83d` without its pair) become `\ufffd` first (the addon
//   mends them so that serde_json accepts the body); bytes that are not UTF-8 are refused;
// - numbers keep their text where JavaScript would lose it: an integer above 2^53 stays exact
//   for typed id fields (`accountId`, `senderId`, …) and for the canonical JSON; a float is
//   read with serde_json's own arithmetic (default features: significand × or ÷ a power of
//   ten, not always the correctly rounded value) and printed as serde_json prints it
//   (shortest digits, `1.0`, `1e+300`); `1e400` is refused (serde: number out of range);
// - nesting deeper than serde_json's recursion limit (128) is refused.
// Fast path: one JSON.parse, when a quick scan of the text shows no number token that is a
// fraction, has an exponent or has 16 digits or more (Meta's bodies: ids are strings, times are
// 10–13 digit integers). Otherwise (rare) a small tokenizer over the text keeps every such
// number's text: `SerdeNumber` below.
// The canonical JSON of an item is JSON.stringify of a copy with its keys inserted in sorted
// order (V8's fast serializer, whose string escapes are serde_json's); a recursive writer takes
// over for the rare item it cannot serve (keys that are array indices, `__proto__`, keys outside
// the BMP, -0, numbers of the slow path).
//
// Known differences, all outside the benchmark's and the fixtures' inputs: the message of a
// 400 for a body that is not JSON (or not UTF-8) is V8's wording, not serde_json's; type errors in
// `secrets` throw INVALID_ARGUMENT with this file's wording (the addon names the field the
// same way but words the problem as serde does).

const crypto = require('node:crypto')
const { isUtf8 } = require('node:buffer')
const { types } = require('node:util')

const DEFAULT_MAX_BODY_BYTES = 1048576
const MAX_BODY_LIMIT = 64 * 1024 * 1024
const SECONDS_BELOW = 1e11
const I64_MAX = 9223372036854775807n
const I64_MIN = -9223372036854775808n
const U64_MAX = 18446744073709551615n
const TWO_63 = 9223372036854775808n
/** serde_json's recursion limit: the 128th nested array/object is refused. */
const MAX_NESTING = 128

// ---------------------------------------------------------------- errors and results

function invalid(field, problem) {
  const e = new Error(`${field}: ${problem}`)
  e.code = 'INVALID_ARGUMENT'
  e.retryable = false
  return e
}

const STATUS = {
  VERIFY_TOKEN_MISMATCH: 403,
  HANDSHAKE_INVALID: 403,
  SIGNATURE_MISSING: 401,
  SIGNATURE_MISMATCH: 401,
  MALFORMED_PAYLOAD: 400,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
}

function rejected(reason, message) {
  return { kind: 'rejected', status: STATUS[reason], reason, message }
}

// ---------------------------------------------------------------- reading the arguments

// Rust's `str::trim` (White_Space): JS's `trim` also strips U+FEFF and keeps U+0085.
const RUST_TRIM = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g
const rustTrim = (s) => s.replace(RUST_TRIM, '')

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const own = (obj, name) => (Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined)

function readSecrets(secrets) {
  if (!isPlainObject(secrets)) throw invalid('secrets', 'must be an object')
  const verifyToken = own(secrets, 'verifyToken')
  if (verifyToken != null && typeof verifyToken !== 'string') throw invalid('secrets.verifyToken', 'must be a string')
  let appSecrets = own(secrets, 'appSecret')
  if (appSecrets == null) appSecrets = []
  else if (typeof appSecrets === 'string') appSecrets = [appSecrets]
  else if (!Array.isArray(appSecrets) || !appSecrets.every((s) => typeof s === 'string')) {
    throw invalid('secrets.appSecret', 'must be a string or an array of strings')
  }
  const allowUnsigned = own(secrets, 'allowUnsigned')
  if (allowUnsigned != null && typeof allowUnsigned !== 'boolean') throw invalid('secrets.allowUnsigned', 'must be a boolean')
  let maxBodyBytes = own(secrets, 'maxBodyBytes')
  if (maxBodyBytes == null) maxBodyBytes = DEFAULT_MAX_BODY_BYTES
  else if (typeof maxBodyBytes !== 'number' || !Number.isInteger(maxBodyBytes) || maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT) {
    throw invalid('secrets.maxBodyBytes', 'must be a whole number of bytes from 0 to 67108864')
  }
  return {
    verifyToken: verifyToken || undefined,
    appSecrets: appSecrets.filter((s) => s !== ''),
    allowUnsigned: allowUnsigned === true,
    maxBodyBytes,
  }
}

/** A JS number as the addon turns it into text (serde_json::Value from a JS number). */
function numberText(n) {
  if (Number.isInteger(n) && Math.abs(n) <= 2 ** 53) return String(n === 0 ? 0 : n)
  return Number.isFinite(n) ? serdeF64(n) : undefined
}

/** A header/query value as its texts: string, number, boolean, or an array of those. */
function texts(v) {
  const one = (x) => (typeof x === 'string' ? x : typeof x === 'number' ? numberText(x) : typeof x === 'boolean' ? String(x) : undefined)
  if (Array.isArray(v)) {
    const out = []
    const n = Math.min(v.length, 1000)
    for (let i = 0; i < n; i++) {
      if (Object.prototype.hasOwnProperty.call(v, i)) {
        const t = one(v[i])
        if (t !== undefined) out.push(t)
      }
    }
    return out
  }
  const t = one(v)
  return t === undefined ? [] : [t]
}

const QUERY_NAMES = new Set(['hub.mode', 'hub.challenge', 'hub.verify_token'])
const isQueryName = (name) => QUERY_NAMES.has(name)
const HEADER_NAME = /^(?:x-hub-signature-256|x-hub-signature)$/i
const isHeaderName = (name) => HEADER_NAME.test(name) || (name !== rustTrim(name) && HEADER_NAME.test(rustTrim(name)))

/**
 * The entries of a Map, Headers or URLSearchParams (of any realm, as the addon checks it: the
 * class's own `entries` refuses other objects), else undefined. A plain object is none of them:
 * answered without trying (a failed brand check throws, and throwing is slow).
 */
function collectionEntries(value) {
  if (types.isMap(value)) return Array.from(Map.prototype.entries.call(value))
  const proto = Object.getPrototypeOf(value)
  if (proto === null || proto === Object.prototype) return undefined
  for (const C of [globalThis.Headers, globalThis.URLSearchParams]) {
    if (typeof C !== 'function') continue
    let it
    try {
      it = C.prototype.entries.call(value)
    } catch {
      continue
    }
    return Array.from(it)
  }
  return undefined
}

/** `request.query` / `request.headers` as sorted [name, values] pairs of the wanted names. */
function stringPairs(value, field, wanted) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(field, 'must be an object of strings, a Map, Headers or URLSearchParams')
  }
  const pairs = []
  const keys = Object.keys(value)
  const entries = keys.length === 0 ? collectionEntries(value) : undefined
  if (entries !== undefined) {
    for (const [k, v] of entries) {
      if (typeof k === 'string' && wanted(k)) {
        const values = texts(v)
        if (values.length > 0) pairs.push([k, values])
      }
    }
  } else {
    for (const k of keys) {
      if (wanted(k)) {
        const v = value[k]
        if (v !== undefined) {
          const values = texts(v)
          if (values.length > 0) pairs.push([k, values])
        }
      }
    }
  }
  if (pairs.length > 1) pairs.sort((a, b) => compareUtf8(a[0], b[0]))
  return pairs
}

/** The body's bytes (a view, not a copy) and the length the addon reports. */
function readBody(body, maxBodyBytes) {
  if (body == null) return { bytes: EMPTY, length: 0 }
  if (typeof body === 'string') {
    const bytes = Buffer.from(body, 'utf8')
    return { bytes, length: bytes.length }
  }
  if (typeof body === 'object') {
    let bytes
    if (ArrayBuffer.isView(body)) bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    else if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') bytes = Buffer.from(body)
    else {
      throw invalid('request.body', "is an already-parsed object: pass the raw body bytes (a Buffer such as n8n's `this.getRequestObject().rawBody`, a Uint8Array, an ArrayBuffer or DataView, or the exact string received); the signature covers the exact bytes")
    }
    // The addon copies at most maxBodyBytes + 1 bytes: a longer body is reported at that length.
    return { bytes, length: Math.min(bytes.length, maxBodyBytes + 1) }
  }
  throw invalid('request.body', 'must be a Buffer, a Uint8Array, an ArrayBuffer, a DataView or a string')
}
const EMPTY = Buffer.alloc(0)

function readRequest(request, maxBodyBytes) {
  if (request === null || typeof request !== 'object') throw invalid('request', 'must be an object')
  const method = own(request, 'method')
  if (method == null) throw invalid('request.method', "is required ('GET' or 'POST')")
  if (typeof method !== 'string') throw invalid('request.method', "must be a string such as 'GET' or 'POST'")
  const query = own(request, 'query')
  const headers = own(request, 'headers')
  return {
    method,
    query: query == null ? [] : stringPairs(query, 'request.query', isQueryName),
    headers: headers == null ? [] : stringPairs(headers, 'request.headers', isHeaderName),
    body: readBody(own(request, 'body'), maxBodyBytes),
  }
}

// ---------------------------------------------------------------- the checks (mod.rs, signature.rs)

/** The complete peer of `verifyWebhookSync(request, secrets)`. */
function verifyWebhookCompleteJs(request, secrets) {
  const s = readSecrets(secrets)
  const req = readRequest(request, s.maxBodyBytes)
  const method = rustTrim(req.method)
  if (/^get$/i.test(method)) return handshake(req, s)
  if (/^post$/i.test(method)) return delivery(req, s)
  return rejected('METHOD_NOT_ALLOWED', 'only GET (subscription check) and POST (event delivery) are accepted')
}

function queryValue(query, name) {
  for (const [n, values] of query) if (n === name) return values[0]
  return undefined
}

const VERIFY_KEY = 'instagram-native/verify-token/v1'

function handshake(req, s) {
  if (s.verifyToken === undefined) throw invalid('secrets.verifyToken', "is required to answer Meta's GET subscription check")
  const mode = queryValue(req.query, 'hub.mode')
  const challenge = queryValue(req.query, 'hub.challenge')
  if (mode !== 'subscribe' || !challenge) {
    return rejected('HANDSHAKE_INVALID', 'not a subscription handshake: expected hub.mode=subscribe and a hub.challenge')
  }
  const given = queryValue(req.query, 'hub.verify_token')
  // Constant time, length included: compare keyed hashes of equal length.
  const tag = (t) => crypto.createHmac('sha256', VERIFY_KEY).update(t).digest()
  if (given === undefined || !crypto.timingSafeEqual(tag(given), tag(s.verifyToken))) {
    return rejected('VERIFY_TOKEN_MISMATCH', 'hub.verify_token does not match the configured verify token')
  }
  return { kind: 'challenge', status: 200, body: challenge }
}

function signatureHeader(headers) {
  for (const [name, algorithm, prefix, label] of [
    ['x-hub-signature-256', 'sha256', /^sha256=/i, 'X-Hub-Signature-256'],
    ['x-hub-signature', 'sha1', /^sha1=/i, 'X-Hub-Signature'],
  ]) {
    for (const [n, values] of headers) {
      if (rustTrim(n).toLowerCase() !== name) continue
      const v = rustTrim(values[0])
      if (v !== '') return { algorithm, prefix, label, value: v }
    }
  }
  return undefined
}

function signatureMatches(sig, body, secrets) {
  const m = sig.prefix.exec(sig.value)
  if (m === null) return false
  const hex = sig.value.slice(m[0].length)
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return false
  const given = Buffer.from(hex, 'hex')
  let matched = false
  // Every secret is tried, so the time does not depend on which one matched.
  for (const secret of secrets) {
    const expected = crypto.createHmac(sig.algorithm, secret).update(body).digest()
    matched = (expected.length === given.length && crypto.timingSafeEqual(expected, given)) || matched
  }
  return matched
}

function delivery(req, s) {
  if (s.appSecrets.length === 0 && !s.allowUnsigned) {
    throw invalid('secrets.appSecret', 'is required to check the signature of POST deliveries (allowUnsigned: true only for local testing)')
  }
  const { bytes, length } = req.body
  if (length > s.maxBodyBytes) {
    return rejected('PAYLOAD_TOO_LARGE', `the body is ${length} bytes, over the limit of ${s.maxBodyBytes} bytes`)
  }
  const sig = signatureHeader(req.headers)
  if (sig === undefined) {
    if (!s.allowUnsigned) return rejected('SIGNATURE_MISSING', 'no X-Hub-Signature-256 header: the request is not signed by Meta')
  } else if (s.appSecrets.length > 0 && !signatureMatches(sig, bytes, s.appSecrets)) {
    return rejected('SIGNATURE_MISMATCH', `the ${sig.label} signature does not match the body for any configured app secret (check the secret, and pass the raw body bytes, not re-serialised JSON)`)
  }
  return normaliseBody(bytes)
}

// ---------------------------------------------------------------- reading the body as serde_json does

class Malformed extends Error {}

/** A number token JavaScript cannot carry exactly: an integer as serde_json keeps it (u64/i64, exact text), or a float as serde_json computes it. */
class SerdeNumber {
  constructor(int, text, value) {
    this.int = int // true: serde_json's u64/i64, `text` exact; false: its f64
    this.text = text // as serde_json prints it
    this.value = value // what JavaScript gets for it (the addon's `raw`)
  }
}

/** serde_json's f64 printing (zmij): shortest digits; `d.0` from 1e-5 to below 1e16, else `de±x`. */
function serdeF64(x) {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential())
  const digits = m[2] + (m[3] || '')
  const exp = Number(m[4])
  let body
  if (exp >= -5 && exp <= 15) {
    if (digits.length - 1 <= exp) body = digits + '0'.repeat(exp - digits.length + 1) + '.0'
    else if (exp >= 0) body = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1)
    else body = '0.' + '0'.repeat(-exp - 1) + digits
  } else {
    body = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + (exp < 0 ? '-' : '+') + Math.abs(exp)
  }
  return m[1] + body
}

const POW10 = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`))
const OUT_OF_RANGE = 'number out of range'

/** serde_json's `f64_from_parts` without `float_roundtrip` (its default). */
function f64FromParts(positive, significand, exponent) {
  let f = Number(significand) // u64 as f64: round to nearest, ties to even
  for (;;) {
    const pow = exponent === -2147483648 ? undefined : POW10[Math.abs(exponent)]
    if (pow !== undefined) {
      if (exponent >= 0) {
        f *= pow
        if (!Number.isFinite(f)) throw new Malformed(OUT_OF_RANGE)
      } else {
        f /= pow
      }
      break
    }
    if (f === 0) break
    if (exponent >= 0) throw new Malformed(OUT_OF_RANGE)
    f /= 1e308
    exponent += 308
  }
  return positive ? f : -f
}

const overflows = (a, b, max) => a >= max / 10n && (a > max / 10n || b > max % 10n)
const I32_MAX = 2147483647
const isDigit = (c) => c >= 48 && c <= 57

/** One valid JSON number token read digit by digit as serde_json's parser reads it. */
function serdeNumber(t) {
  let i = 0
  const positive = t.charCodeAt(0) !== 45
  if (!positive) i = 1
  let sig = 0n
  const digit = () => BigInt(t.charCodeAt(i) - 48)
  const float = (f) => new SerdeNumber(false, serdeF64(f), f)

  const exponentPart = (significand, starting) => {
    i++ // e
    let positiveExp = true
    if (t[i] === '+') i++
    else if (t[i] === '-') {
      positiveExp = false
      i++
    }
    let exp = t.charCodeAt(i++) - 48
    while (i < t.length && isDigit(t.charCodeAt(i))) {
      const d = t.charCodeAt(i++) - 48
      if (exp >= Math.floor(I32_MAX / 10) && (exp > Math.floor(I32_MAX / 10) || d > I32_MAX % 10)) {
        if (significand !== 0n && positiveExp) {
          const e = new Malformed(OUT_OF_RANGE)
          e.offset = i // serde_json stops right after this digit
          throw e
        }
        return positive ? 0 : -0
      }
      exp = exp * 10 + d
    }
    const sat = (x) => Math.max(-2147483648, Math.min(I32_MAX, x))
    return f64FromParts(positive, significand, sat(positiveExp ? starting + exp : starting - exp))
  }
  const decimalPart = (significand, before) => {
    i++ // .
    let after = 0
    while (i < t.length && isDigit(t.charCodeAt(i))) {
      const d = digit()
      if (overflows(significand, d, U64_MAX)) {
        while (i < t.length && isDigit(t.charCodeAt(i))) i++
        return i < t.length ? exponentPart(significand, before + after) : f64FromParts(positive, significand, before + after)
      }
      i++
      significand = significand * 10n + d
      after--
    }
    return i < t.length ? exponentPart(significand, before + after) : f64FromParts(positive, significand, before + after)
  }
  const rest = (significand, exponent) => {
    if (i >= t.length) return f64FromParts(positive, significand, exponent)
    return t[i] === '.' ? decimalPart(significand, exponent) : exponentPart(significand, exponent)
  }

  if (t[i] === '0') i++
  else {
    while (i < t.length && isDigit(t.charCodeAt(i))) {
      const d = digit()
      if (overflows(sig, d, U64_MAX)) {
        // parse_long_integer: the remaining integer digits only scale.
        let exponent = 0
        while (i < t.length && isDigit(t.charCodeAt(i))) {
          i++
          exponent++
        }
        return float(rest(sig, exponent))
      }
      sig = sig * 10n + d
      i++
    }
  }
  if (i < t.length) return float(rest(sig, 0))
  if (positive) return new SerdeNumber(true, sig.toString(), Number(sig))
  if (sig === 0n || sig > TWO_63) return float(-Number(sig))
  return new SerdeNumber(true, '-' + sig.toString(), -Number(sig))
}

/** Tokens JavaScript reads exactly and serde_json prints as JavaScript does: integers of at most 15 digits. */
const SMALL_INT = /^-?\d{1,15}$/

/** A number token after `[`, `:` or `,` (or at the start) that is not a small integer. */
const RISKY_NUMBER = /(?:^|[:,[])[ \t\n\r]*-?(?:\d{16}|\d+[.eE])/

/**
 * The tokenizer of the slow path: the body as JSON.parse gives it, except that numbers that are
 * not small integers are SerdeNumbers. The text is known to be valid JSON (JSON.parse took it);
 * this adds serde_json's refusals: numbers out of range and nesting over its limit.
 */
function parseKeepingNumbers(text) {
  let i = 0
  let depth = 0
  const fail = (message, at) => {
    const e = new Malformed(message)
    e.where = position(text, at)
    throw e
  }
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === 32 || c === 10 || c === 13 || c === 9) i++
      else return
    }
  }
  const string = () => {
    const start = i++
    let escaped = false
    for (;;) {
      const c = text.charCodeAt(i++)
      if (c === 34) break
      if (c === 92) {
        escaped = true
        i++
      }
    }
    return escaped ? JSON.parse(text.slice(start, i)) : text.slice(start + 1, i - 1)
  }
  const value = () => {
    ws()
    const c = text.charCodeAt(i)
    if (c === 34) return string()
    if (c === 123 || c === 91) {
      if (++depth >= MAX_NESTING) fail('recursion limit exceeded', i + 1)
      let out
      if (c === 91) {
        out = []
        i++
        ws()
        if (text.charCodeAt(i) === 93) i++
        else {
          for (;;) {
            out.push(value())
            ws()
            if (text.charCodeAt(i++) === 93) break
          }
        }
      } else {
        out = {}
        i++
        ws()
        if (text.charCodeAt(i) === 125) i++
        else {
          for (;;) {
            ws()
            const key = string()
            ws()
            i++ // :
            const v = value()
            if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true })
            else out[key] = v
            ws()
            if (text.charCodeAt(i++) === 125) break
          }
        }
      }
      depth--
      return out
    }
    if (c === 116) {
      i += 4
      return true
    }
    if (c === 102) {
      i += 5
      return false
    }
    if (c === 110) {
      i += 4
      return null
    }
    const start = i
    while (i < text.length) {
      const d = text.charCodeAt(i)
      if (isDigit(d) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69) i++
      else break
    }
    const token = text.slice(start, i)
    if (SMALL_INT.test(token) && token !== '-0') return Number(token)
    try {
      return serdeNumber(token)
    } catch (e) {
      if (e instanceof Malformed) fail(e.message, e.offset !== undefined ? start + e.offset : i)
      throw e
    }
  }
  return value()
}

/** serde_json's error position: line, and column in bytes from the line's start. */
function position(text, at) {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1
  let line = 1
  for (let k = text.indexOf('\n'); k !== -1 && k < lineStart; k = text.indexOf('\n', k + 1)) line++
  return `line ${line} column ${Buffer.byteLength(text.slice(lineStart, at))}`
}

/**
 * The body with every escaped lone surrogate written as `\ufffd` (as the addon does before
 * parsing: serde_json refuses them, JSON.parse keeps them). Only real escapes count: a
 * `\u` preceded by an odd number of backslashes is text.
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}(\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}/g
function mendLoneSurrogates(text) {
  if (text.indexOf('\\u') === -1) return text
  SURROGATE_ESCAPE.lastIndex = 0
  let out
  let from = 0
  let m
  while ((m = SURROGATE_ESCAPE.exec(text)) !== null) {
    let k = m.index
    while (k > 0 && text.charCodeAt(k - 1) === 92) k--
    if ((m.index - k) % 2 === 1) {
      SURROGATE_ESCAPE.lastIndex = m.index + 1 // the backslash is escaped: look again after it
      continue
    }
    const isHigh = /[89abAB]/.test(m[0][3])
    if (isHigh && m[1] !== undefined) continue // a pair
    if (out === undefined) out = []
    out.push(text.slice(from, m.index + 2), 'fffd')
    from = m.index + 6
    SURROGATE_ESCAPE.lastIndex = m.index + 6
  }
  if (out === undefined) return text
  out.push(text.slice(from))
  return out.join('')
}

/** What serde_json would see: the text, and the parsed body (with SerdeNumbers in the slow path). */
function readJson(bytes) {
  if (!isUtf8(bytes)) throw new Malformed('invalid unicode code point')
  const text = mendLoneSurrogates(bytes.toString('utf8'))
  if (/^[ \t\n\r]*$/.test(text)) {
    const e = new Malformed('EOF while parsing a value')
    e.where = position(text, text.length)
    throw e
  }
  let root
  try {
    root = JSON.parse(text)
  } catch (e) {
    throw new Malformed(e.message)
  }
  if (!RISKY_NUMBER.test(text)) return { text, root, exact: false }
  return { text, root: parseKeepingNumbers(text), exact: true }
}

// ---------------------------------------------------------------- readers (json.rs)

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof SerdeNumber)

/** A Graph id: a string, or an integer printed exactly; a float is not an id. */
function idString(v) {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return Object.is(v, -0) ? undefined : String(v) // small integers only
  if (v instanceof SerdeNumber && v.int) return v.text
  return undefined
}

const idAt = (v, k) => idString(v[k])
const strAt = (v, k) => (typeof v[k] === 'string' ? v[k] : undefined)
const objAt = (v, k) => (isObject(v[k]) ? v[k] : undefined)

/** Epoch ms by the API's rule (below 10^11: seconds), with json.rs's integer semantics. */
function epochMs(v) {
  let n // BigInt (i64)
  if (typeof v === 'number') {
    // A small integer (at most 15 digits): exact in doubles, ×1000 included.
    if (Object.is(v, -0)) return 0
    return Math.abs(v) < SECONDS_BELOW ? v * 1000 : v
  } else if (v instanceof SerdeNumber) {
    if (v.int) {
      n = BigInt(v.text)
      if (n > I64_MAX) n = I64_MAX
    } else {
      const f = v.value
      if (!Number.isFinite(f)) return undefined
      if (Math.abs(f) < SECONDS_BELOW) return Math.trunc(f * 1000) + 0
      n = f >= 9223372036854775807 ? I64_MAX : f <= -9223372036854775808 ? I64_MIN : BigInt(Math.trunc(f))
    }
  } else if (typeof v === 'string') {
    const t = rustTrim(v)
    if (!/^[+-]?\d+$/.test(t)) return undefined
    n = BigInt(t)
    if (n > I64_MAX || n < I64_MIN) return undefined
  } else {
    return undefined
  }
  const abs = n < 0n ? -n : n
  // i64 → JSON → JavaScript: rounded to the nearest double, as Number(BigInt) rounds.
  return Number(abs < 100000000000n ? n * 1000n : n)
}

/** The value JavaScript gets for a parsed value (SerdeNumbers replaced by their JS number). */
function plain(v) {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof SerdeNumber) return v.value
  if (Array.isArray(v)) return v.map(plain)
  const out = {}
  for (const k of Object.keys(v)) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: plain(v[k]), writable: true, enumerable: true, configurable: true })
    else out[k] = plain(v[k])
  }
  return out
}

// ---------------------------------------------------------------- event ids (event_id.rs)

/** a < b by UTF-8 bytes (= code points): surrogates sort above U+E000–U+FFFF. */
function compareUtf8(a, b) {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x !== y) {
      if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800
      if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800
      return x - y
    }
  }
  return a.length - b.length
}
const HIGH_UNIT = /[\ud800-\uffff]/

class TooDeep extends Error {}

/** Canonical JSON (event_id.rs): sorted keys at every level, serde_json's escapes and numbers. `level`: the nesting of `v` if it is a container. */
function canonical(v, level) {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Object.is(v, -0) ? '-0.0' : String(v)
    case 'boolean':
      return v ? 'true' : 'false'
    default:
      if (v === null) return 'null'
      if (v instanceof SerdeNumber) return v.text
      if (level >= MAX_NESTING) throw new TooDeep()
      if (Array.isArray(v)) {
        let s = '['
        for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + canonical(v[i], level + 1)
        return s + ']'
      }
      {
        const keys = Object.keys(v)
        keys.sort()
        for (const k of keys) {
          if (HIGH_UNIT.test(k)) {
            keys.sort(compareUtf8)
            break
          }
        }
        let s = '{'
        for (let i = 0; i < keys.length; i++) s += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':' + canonical(v[keys[i]], level + 1)
        return s + '}'
      }
  }
}

/** Only the nesting check of `canonical`, for the parts of the body that are not items. */
function checkNesting(v, level) {
  if (v === null || typeof v !== 'object' || v instanceof SerdeNumber) return
  if (level >= MAX_NESTING) throw new TooDeep()
  for (const k of Object.keys(v)) checkNesting(v[k], level + 1)
}

const DOMAIN = Buffer.from('instagram-native/webhook-event/v1\0', 'latin1')

function idPrefix(accountId, list) {
  const a = Buffer.from(accountId, 'utf8')
  const l = Buffer.from(list, 'utf8')
  const out = Buffer.alloc(DOMAIN.length + 16 + a.length + l.length)
  DOMAIN.copy(out, 0)
  out.writeBigUInt64LE(BigInt(a.length), DOMAIN.length)
  a.copy(out, DOMAIN.length + 8)
  out.writeBigUInt64LE(BigInt(l.length), DOMAIN.length + 8 + a.length)
  l.copy(out, DOMAIN.length + 16 + a.length)
  return out
}

// Keys JavaScript would not keep in insertion order (array indices come first) or would not
// store as plain properties (`__proto__`), and keys whose UTF-16 order is not their UTF-8 order.
const SPECIAL_KEY = /^\d|^__proto__$|[\ud800-\uffff]/

class NotPlain extends Error {}

/**
 * A copy of `v` with every object's keys inserted in canonical order, so that JSON.stringify
 * (fast, and with serde_json's string escapes) writes the canonical form. Throws NotPlain when
 * that cannot work: a key of SPECIAL_KEY, a -0 or a SerdeNumber (serde_json prints those its
 * own way).
 */
function sortedCopy(v, level) {
  if (typeof v !== 'object' || v === null) {
    if (v === 0 && 1 / v < 0) throw new NotPlain()
    return v
  }
  if (v instanceof SerdeNumber) throw new NotPlain()
  if (level >= MAX_NESTING) throw new TooDeep()
  if (Array.isArray(v)) {
    const out = new Array(v.length)
    for (let i = 0; i < v.length; i++) out[i] = sortedCopy(v[i], level + 1)
    return out
  }
  const keys = Object.keys(v)
  keys.sort()
  const out = {}
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]
    if (SPECIAL_KEY.test(k)) throw new NotPlain()
    out[k] = sortedCopy(v[k], level + 1)
  }
  return out
}

/** The canonical JSON of an item: JSON.stringify of a sorted copy, else the recursive `canonical`. */
function canonicalText(item, level) {
  try {
    return JSON.stringify(sortedCopy(item, level))
  } catch (e) {
    if (e instanceof NotPlain) return canonical(item, level)
    throw e
  }
}

function eventId(prefix, item, level) {
  return crypto.createHash('sha256').update(prefix).update(canonicalText(item, level), 'utf8').digest('hex').slice(0, 32)
}

// ---------------------------------------------------------------- normalise.rs

const NOT_A_PAYLOAD = 'the body is not a webhook payload: expected a JSON object with a string "object" and an array "entry" (or a string "field" and an object "value")'
const LISTS = [['messaging', false], ['standby', true], ['changes', false]]
const HANDOVER = ['pass_thread_control', 'take_thread_control', 'request_thread_control']
const CHANGE_TYPES = { comments: 'comment', live_comments: 'live_comment', mentions: 'mention', story_insights: 'story_insights' }

function normaliseBody(bytes) {
  let parsed
  try {
    parsed = readJson(bytes)
    return normaliseParsed(parsed)
  } catch (e) {
    if (e instanceof TooDeep) {
      // Only the tokenizer knows where serde_json stops: read the text again for the position.
      try {
        parseKeepingNumbers(parsed.text)
      } catch (e2) {
        if (e2 instanceof Malformed) return malformedJson(e2)
        throw e2
      }
      throw new Error('nesting check disagrees with the tokenizer')
    }
    if (e instanceof Malformed) return malformedJson(e)
    throw e
  }
}

function malformedJson(e) {
  const where = e.where !== undefined ? ` at ${e.where}` : ''
  return rejected('MALFORMED_PAYLOAD', `the body is not valid JSON (${e.message}${where})`)
}

function normaliseParsed({ root, exact }) {
  const object = isObject(root) ? root.object : undefined
  const entries = isObject(root) ? root.entry : undefined
  if (typeof object !== 'string' || !Array.isArray(entries)) {
    if (!Array.isArray(entries) && isObject(root) && typeof root.field === 'string' && isObject(root.value)) return bareChange(root, exact)
    checkNesting(root, 1)
    return rejected('MALFORMED_PAYLOAD', NOT_A_PAYLOAD)
  }
  for (const k of Object.keys(root)) if (k !== 'entry') checkNesting(root[k], 2)
  const events = []
  const raw = exact ? plain : (x) => x
  for (const entry of entries) {
    if (!isObject(entry)) {
      events.push(finished(base(eventId(idPrefix('', 'entry'), entry, 3), '', raw(entry), 0, false)))
      continue
    }
    for (const k of Object.keys(entry)) if (k !== 'messaging' && k !== 'standby' && k !== 'changes') checkNesting(entry[k], 4)
    const accountId = idAt(entry, 'id') ?? ''
    const entryTime = epochMs(entry.time)
    for (const [list, standby] of LISTS) {
      const v = entry[list]
      if (v === undefined || v === null) continue
      const items = Array.isArray(v) ? v : [v]
      const level = Array.isArray(v) ? 5 : 4
      const prefix = idPrefix(accountId, list)
      for (const item of items) {
        const id = eventId(prefix, item, level)
        events.push(finished(list === 'changes'
          ? changeEvent(id, accountId, item, raw(item), entryTime)
          : messagingEvent(id, accountId, item, raw(item), entryTime, standby)))
      }
    }
  }
  return { kind: 'events', status: 200, object, events }
}

/** A bare `{field, value}` body: one change of no entry, its id over `{field, value}` alone. */
function bareChange(root, exact) {
  for (const k of Object.keys(root)) if (k !== 'field' && k !== 'value') checkNesting(root[k], 2)
  const item = { field: root.field, value: root.value }
  const id = eventId(idPrefix('', 'changes'), item, 1)
  const ev = changeEvent(id, '', item, exact ? plain(item) : item, undefined)
  ev.timestamp = epochMs(root.value.time) ?? epochMs(root.value.timestamp) ?? 0
  const object = typeof root.object === 'string' ? root.object : ''
  return { kind: 'events', status: 200, object, events: [finished(ev)] }
}

const OTHER_ROUTES = new Set(['message_echo', 'message_edit', 'message_deleted', 'message_unsupported', 'referral', 'optin', 'handover', 'mention', 'story_insights', 'unknown'])
const DEDUPE_DOMAIN = Buffer.from('instagram-native/webhook-dedupe/v1\0', 'latin1')

function route(ev) {
  switch (ev.type) {
    case 'message':
      if (ev.attachments && ev.attachments.some((a) => a.type === 'story_mention')) return 'story_mention'
      if (ev.replyTo && (ev.replyTo.storyId !== undefined || ev.replyTo.storyUrl !== undefined)) return 'story_reply'
      return ev.quickReplyPayload !== undefined ? 'postback' : 'message'
    case 'postback':
    case 'reaction':
    case 'read':
      return ev.type
    case 'comment':
    case 'live_comment':
      return 'comment'
    default:
      if (!OTHER_ROUTES.has(ev.type)) throw new Error(`no route for ${ev.type}`)
      return 'other'
  }
}

function dedupeKey(ev) {
  let kind = 'event'
  let key = ev.id
  if ((ev.type === 'comment' || ev.type === 'live_comment') && ev.comment) [kind, key] = ['comment', ev.comment.id]
  else if ((ev.type === 'message' || ev.type === 'message_echo') && ev.messageId !== undefined) [kind, key] = [ev.type, ev.messageId]
  const h = crypto.createHash('sha256').update(DEDUPE_DOMAIN)
  for (const part of [kind, key]) {
    const bytes = Buffer.from(part, 'utf8')
    const len = Buffer.alloc(8)
    len.writeBigUInt64LE(BigInt(bytes.length))
    h.update(len).update(bytes)
  }
  return h.digest('hex').slice(0, 32)
}

/** The fields computed from the others (normalise.rs `finished`): route and dedupe key. */
function finished(ev) {
  ev.route = route(ev)
  ev.dedupeKey = dedupeKey(ev)
  return ev
}

function base(id, accountId, raw, timestamp, standby) {
  return { id, type: 'unknown', accountId, timestamp: timestamp ?? 0, standby, raw }
}

function set(obj, key, value) {
  if (value !== undefined) obj[key] = value
}

function messagingEvent(id, accountId, item, raw, entryTime, standby) {
  const own = isObject(item) ? epochMs(item.timestamp) : undefined
  const ev = base(id, accountId, raw, own ?? entryTime, standby)
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
  if (isObject(m.quick_reply)) set(ev, 'quickReplyPayload', strAt(m.quick_reply, 'payload'))
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

function changeEvent(id, accountId, item, raw, entryTime) {
  const ev = base(id, accountId, raw, entryTime, false)
  const field = isObject(item) ? strAt(item, 'field') : undefined
  if (field === undefined) return ev
  ev.field = field
  ev.type = Object.prototype.hasOwnProperty.call(CHANGE_TYPES, field) ? CHANGE_TYPES[field] : 'unknown'
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

module.exports = { verifyWebhookCompleteJs, serdeF64, serdeNumber, canonical }
