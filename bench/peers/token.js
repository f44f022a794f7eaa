'use strict'
// The pure-JS peer of tokenStatus / preAuthenticate's decision (src/token/policy.rs): what a
// credential's preAuthentication hook would do in JS when nothing is due. Same inputs (epoch
// ms, epoch seconds below 10^11 or RFC 3339), same order of the six steps, same fingerprint.

const crypto = require('node:crypto')

const DAY_MS = 24 * 3600 * 1000
const DEFAULTS = { refreshWindowMs: 7 * DAY_MS, minRefreshAgeMs: DAY_MS, expirySkewMs: 5 * 60 * 1000 }

function fingerprint(token) {
  return crypto.createHash('sha256').update('instagram-native/token-fingerprint/v1\0').update(token).digest('hex').slice(0, 16)
}

function invalid(field, message) {
  const e = new TypeError(`${field}: ${message}`)
  e.code = 'INVALID_ARGUMENT'
  e.retryable = false
  return e
}

function epochMs(v, field) {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return undefined
  let n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : NaN
  if (typeof v === 'string' && Number.isNaN(n)) {
    n = Date.parse(v)
    if (Number.isNaN(n)) throw invalid(field, 'must be epoch milliseconds or an RFC 3339 date-time')
    return n
  }
  if (!Number.isFinite(n) || n < 0 || n > 8.64e15) throw invalid(field, 'must be a finite, non-negative time')
  return Math.round(n < 1e11 ? n * 1000 : n)
}

const present = (s) => (typeof s === 'string' && s.trim() !== '' ? s : undefined)

function state(c) {
  const stored = present(c.accessToken)
  const oauth = present(c.oauthAccessToken)
  const t = stored ?? oauth
  return {
    stored,
    oauth,
    expiresAt: epochMs(c.accessTokenExpiresAt, 'accessTokenExpiresAt'),
    issuedAt: epochMs(c.accessTokenIssuedAt, 'accessTokenIssuedAt'),
    source: c.sourceTokenFingerprint || undefined,
    loginType: c.loginType ?? (t !== undefined && t.startsWith('EAA') ? 'facebook' : 'instagram'),
  }
}

function decide(s, policy, now) {
  const expiresInMs = s.expiresAt === undefined ? undefined : s.expiresAt - now
  const ageMs = s.issuedAt === undefined ? undefined : now - s.issuedAt
  const out = (next) => {
    const r = { next }
    if (expiresInMs !== undefined) r.expiresInMs = expiresInMs
    if (ageMs !== undefined) r.ageMs = ageMs
    return r
  }
  if (s.oauth !== undefined && (s.source !== fingerprint(s.oauth) || s.stored === undefined)) return out('exchange')
  if (s.stored === undefined) throw invalid('accessToken', 'no stored access token and no OAuth token: connect the Instagram credential first')
  if (s.expiresAt !== undefined && now >= s.expiresAt - policy.expirySkewMs) return out('expired')
  if (expiresInMs === undefined || expiresInMs < policy.refreshWindowMs) {
    if (s.loginType === 'facebook') return out('none')
    return out(ageMs === undefined || ageMs >= policy.minRefreshAgeMs ? 'refresh' : 'wait')
  }
  return out('none')
}

function policyOf(o) {
  return {
    refreshWindowMs: o.refreshWindowMs ?? DEFAULTS.refreshWindowMs,
    minRefreshAgeMs: o.minRefreshAgeMs ?? DEFAULTS.minRefreshAgeMs,
    expirySkewMs: o.expirySkewMs ?? DEFAULTS.expirySkewMs,
  }
}

function tokenStatusJs(credentials, options = {}) {
  return decide(state(credentials), policyOf(options), options.now ?? Date.now())
}

/** Only the no-network outcomes ('none' / 'wait'); anything else would need the Graph calls. */
async function preAuthenticateJs(credentials, options = {}) {
  const s = state(credentials)
  const d = decide(s, policyOf(options), options.now ?? Date.now())
  if (d.next !== 'none' && d.next !== 'wait') throw new Error(`the JS peer only models the no-op path, not '${d.next}'`)
  const r = { action: 'none', changed: false, accessToken: s.stored }
  if (s.expiresAt !== undefined) r.accessTokenExpiresAt = s.expiresAt
  if (s.issuedAt !== undefined) r.accessTokenIssuedAt = s.issuedAt
  if (s.source !== undefined) r.sourceTokenFingerprint = s.source
  return r
}

module.exports = { tokenStatusJs, preAuthenticateJs, fingerprint }
