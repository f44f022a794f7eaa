'use strict'
// The token registry (`mock.tokens`): every token the mock knows, with its kind (short-lived 1 h,
// long-lived 60 days, page: never expires), login type, issue and expiry times on the mock clock,
// revocation, and what a refresh does to the previous token (the refresh model).

const { randomAlnum } = require('./random')

const SHORT_LIVED_SEC = 3600
const LONG_LIVED_SEC = 60 * 24 * 3600 // 5184000, issueLongLived's default
const META_LONG_LIVED_SEC = 5183944 // what Meta's exchange/refresh answers carry

// What GET /refresh_access_token does to the token it refreshes (Meta does not document it):
//   new         a new string; the previous one stays valid until its own expiry (the default)
//   new-revoke  a new string; the previous one is revoked (190/460, as tokens.revoke does)
//   same        the same string comes back, its expiry moved to now + the long-lived lifetime
const REFRESH_MODELS = ['new', 'new-revoke', 'same']

function checkRefreshModel(model) {
  if (!REFRESH_MODELS.includes(model)) throw new TypeError(`refreshModel must be one of ${REFRESH_MODELS.map((m) => `'${m}'`).join(', ')}`)
  return model
}

function checkLoginType(loginType) {
  if (loginType !== 'instagram' && loginType !== 'facebook') throw new TypeError("loginType must be 'instagram' or 'facebook'")
}

/**
 * A registry on `clock`. Returns { api, records, grant, refresh }: `api` is `mock.tokens`,
 * `records` the token → record map the routes read (and may mark revoked), `grant` registers a
 * token an endpoint hands out, `refresh` applies a refresh model.
 */
function createTokens(clock) {
  const records = new Map()

  function newTokenString(loginType) {
    for (;;) {
      const t = (loginType === 'facebook' ? 'EAA' : 'IGAA') + randomAlnum(loginType === 'facebook' ? 180 : 150)
      if (!records.has(t)) return t
    }
  }

  function register(token, rec) {
    records.set(token, rec)
    return token
  }

  const api = {
    /** A new short-lived token (1 hour from the mock clock). */
    issueShortLived({ loginType = 'instagram', issuedAt } = {}) {
      checkLoginType(loginType)
      const at = issuedAt ?? clock.now()
      return register(newTokenString(loginType), { kind: 'short', loginType, issuedAt: at, expiresAt: at + SHORT_LIVED_SEC * 1000, origin: 'issued' })
    },
    /** A long-lived token (60 days by default) issued at `issuedAt` (default now). */
    issueLongLived({ loginType = 'instagram', issuedAt, expiresInSec = LONG_LIVED_SEC } = {}) {
      checkLoginType(loginType)
      const at = issuedAt ?? clock.now()
      return register(newTokenString(loginType), { kind: 'long', loginType, issuedAt: at, expiresAt: at + expiresInSec * 1000, origin: 'issued' })
    },
    /** A Facebook page token that never expires (expiresAt: Infinity). */
    issuePageToken({ pageId, issuedAt } = {}) {
      const at = issuedAt ?? clock.now()
      return register(newTokenString('facebook'), { kind: 'page', loginType: 'facebook', issuedAt: at, expiresAt: Infinity, pageId: pageId ?? null, origin: 'issued' })
    },
    /** Registers a given token string (fixed tokens for demos). */
    add(token, { kind = 'long', loginType, issuedAt, expiresInSec, pageId } = {}) {
      if (typeof token !== 'string' || !token) throw new TypeError('token must be a non-empty string')
      const lt = loginType ?? (token.startsWith('EAA') ? 'facebook' : 'instagram')
      checkLoginType(lt)
      if (!['short', 'long', 'page'].includes(kind)) throw new TypeError("kind must be 'short', 'long' or 'page'")
      const at = issuedAt ?? clock.now()
      const life = expiresInSec ?? (kind === 'short' ? SHORT_LIVED_SEC : kind === 'page' ? Infinity : LONG_LIVED_SEC)
      return register(token, { kind, loginType: lt, issuedAt: at, expiresAt: at + life * 1000, pageId: pageId ?? null, origin: 'added' })
    },
    /** Later use of the token answers 190/<subcode> (null: 190 without subcode). */
    revoke(token, subcode = 460) {
      const rec = records.get(token)
      if (!rec) return false
      rec.revokedSubcode = subcode
      return true
    },
    /** { kind, loginType, issuedAt, expiresAt, revokedSubcode?, origin, from? } or undefined. */
    get(token) {
      const rec = records.get(token)
      return rec ? { ...rec } : undefined
    },
    /** Is the token known, not revoked and not expired on the mock clock? */
    isValid(token) {
      const rec = records.get(token)
      return !!rec && rec.revokedSubcode === undefined && clock.now() < rec.expiresAt
    },
    list() {
      return [...records].map(([token, rec]) => ({ token, ...rec }))
    },
    get size() {
      return records.size
    },
  }

  /** A long-lived token an endpoint grants now (origin: 'exchange', 'refresh', 'fb_exchange'). */
  function grant(loginType, expiresInSec, origin, from) {
    const now = clock.now()
    return register(newTokenString(loginType), { kind: 'long', loginType, issuedAt: now, expiresAt: now + expiresInSec * 1000, origin, from })
  }

  /** The token a refresh of the (usable, long-lived Instagram) `token` answers, under `model`. */
  function refresh(token, model, expiresInSec) {
    if (model === 'same') {
      records.get(token).expiresAt = clock.now() + expiresInSec * 1000
      return token
    }
    const next = grant('instagram', expiresInSec, 'refresh', token)
    if (model === 'new-revoke') api.revoke(token)
    return next
  }

  return { api, records, grant, refresh }
}

module.exports = { createTokens, checkRefreshModel, REFRESH_MODELS, META_LONG_LIVED_SEC }
