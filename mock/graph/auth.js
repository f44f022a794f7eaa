'use strict'
// Who is calling: the token checks every authenticated endpoint shares (unknown 190, expired
// 190/463, revoked 190/<subcode>, missing 2500, appsecret_proof 100) and the app access token
// {appId}|{appSecret}. Each check returns an error answer, or null/{ rec } when the caller may go on.

const crypto = require('node:crypto')
const { SUBCODE_MESSAGES, metaDate, graphError } = require('./graph-errors')

/** hex HMAC-SHA256 of the token keyed by the app secret (Meta's appsecret_proof). */
function appsecretProof(appSecret, token) {
  return crypto.createHmac('sha256', appSecret).update(token).digest('hex')
}

function tokenUnparseable(m, e) {
  return graphError(m, e, 400, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException' })
}

function tokenExpired(m, e, rec) {
  return graphError(m, e, 400, {
    code: 190,
    error_subcode: 463,
    type: 'OAuthException',
    message: `Error validating access token: Session has expired on ${metaDate(rec.expiresAt)}. The current time is ${metaDate(m.clock.now())}.`,
  })
}

function tokenRevoked(m, e, rec) {
  const sub = rec.revokedSubcode
  if (sub === null) return graphError(m, e, 400, { code: 190, message: 'Invalid OAuth access token.', type: 'OAuthException' })
  if (sub === 463) return tokenExpired(m, e, { expiresAt: Math.min(rec.expiresAt, m.clock.now()) })
  return graphError(m, e, 400, { code: 190, error_subcode: sub, type: 'OAuthException', message: SUBCODE_MESSAGES[sub] ?? 'Error validating access token: The session is invalid.' })
}

/** A token's state: an error answer, or null when usable. */
function tokenProblem(m, e, rec) {
  if (!rec) return tokenUnparseable(m, e)
  if (rec.revokedSubcode !== undefined) return tokenRevoked(m, e, rec)
  if (m.clock.now() >= rec.expiresAt) return tokenExpired(m, e, rec)
  return null
}

/** The common check of an authenticated endpoint: { rec } or { error }. */
function authenticate(m, e) {
  if (!e.token) {
    return { error: graphError(m, e, 400, { code: 2500, message: 'An active access token must be used to query information about the current user.', type: 'OAuthException' }) }
  }
  const rec = m.tokens.records.get(e.token)
  const problem = tokenProblem(m, e, rec)
  if (problem) return { error: problem }
  const proof = e.query.appsecret_proof
  if (proof !== undefined) {
    if (proof !== appsecretProof(m.appSecret, e.token)) {
      return { error: graphError(m, e, 400, { code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' }) }
    }
  } else if (m.options.requireAppsecretProof && rec.loginType === 'facebook') {
    return { error: graphError(m, e, 400, { code: 100, type: 'GraphMethodException', message: 'API calls from the server require an appsecret_proof argument' }) }
  }
  return { rec }
}

/** The app access token check: an error answer, or null. */
function appTokenProblem(m, e) {
  if (!e.token) return graphError(m, e, 400, { code: 2500, message: 'An active access token must be used to query information about the app.', type: 'OAuthException' })
  if (e.token !== `${m.appId}|${m.appSecret}`) return tokenUnparseable(m, e)
  return null
}

module.exports = { appsecretProof, tokenUnparseable, tokenProblem, authenticate, appTokenProblem }
