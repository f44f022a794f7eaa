'use strict'
// The token endpoints: Instagram exchange (short → long) and refresh, Facebook exchange, and
// debug_token. The 1 h / 24 h / 60 days rules live here; the refresh model in ../tokens.js.

const { graphError, err100 } = require('../graph-errors')
const { reply } = require('../reply')
const { tokenUnparseable, tokenProblem } = require('../auth')

const DAY_MS = 24 * 3600 * 1000
const MIN_REFRESH_AGE_MS = DAY_MS

function tokenAnswer(m, e, token) {
  const perms = m.options.permissionsField ? ',"permissions":"instagram_business_basic,instagram_business_manage_messages"' : ''
  return reply(200, `{"access_token":${JSON.stringify(token)},"token_type":"bearer","expires_in":${m.options.longLivedExpiresIn}${perms}}`, m.usage.baseHeaders(e))
}

// The Instagram token in e.token, when it is one and usable: { rec } or { error }.
function usableInstagramToken(m, e) {
  if (!e.token) return { error: err100(m, e, 'Missing access_token parameter') }
  const rec = m.tokens.records.get(e.token)
  if (!rec || rec.loginType !== 'instagram') return { error: tokenUnparseable(m, e) }
  const problem = tokenProblem(m, e, rec)
  return problem ? { error: problem } : { rec }
}

// GET /access_token?grant_type=ig_exchange_token&client_secret&access_token
function igExchange(m, e) {
  const q = e.query
  if (q.grant_type !== 'ig_exchange_token') return err100(m, e, 'Unsupported grant_type: expected ig_exchange_token')
  if (q.client_secret !== m.appSecret) return graphError(m, e, 400, { code: 101, type: 'OAuthException', message: 'Error validating client secret.' })
  const t = usableInstagramToken(m, e)
  if (t.error) return t.error
  if (t.rec.kind !== 'short') return err100(m, e, 'Only a short-lived access token can be exchanged for a long-lived one')
  return tokenAnswer(m, e, m.tokens.grant('instagram', m.options.longLivedExpiresIn, 'exchange', e.token))
}

// GET /refresh_access_token?grant_type=ig_refresh_token&access_token
function igRefresh(m, e) {
  if (e.query.grant_type !== 'ig_refresh_token') return err100(m, e, 'Unsupported grant_type: expected ig_refresh_token')
  const t = usableInstagramToken(m, e)
  if (t.error) return t.error
  if (t.rec.kind !== 'long') return err100(m, e, 'Only a long-lived access token can be refreshed', { type: 'IGApiException' })
  if (m.clock.now() - t.rec.issuedAt < MIN_REFRESH_AGE_MS) {
    return err100(m, e, 'This access token cannot be refreshed yet: a long-lived token can be refreshed once it is at least 24 hours old', { type: 'IGApiException' })
  }
  return tokenAnswer(m, e, m.tokens.refresh(e.token, m.refreshModel, m.options.longLivedExpiresIn))
}

// GET /{v}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token
function fbExchange(m, e) {
  const q = e.query
  if (q.grant_type !== 'fb_exchange_token') return err100(m, e, 'Unsupported grant_type: expected fb_exchange_token')
  if (q.client_id === undefined) return graphError(m, e, 400, { code: 101, message: 'Missing client_id parameter.' })
  if (q.client_id !== m.appId) return graphError(m, e, 400, { code: 101, message: 'Error validating application. Invalid application ID.' })
  if (q.client_secret !== m.appSecret) return graphError(m, e, 400, { code: 101, message: 'Error validating client secret.' })
  const token = q.fb_exchange_token
  if (!token) return err100(m, e, 'Missing fb_exchange_token parameter')
  const rec = m.tokens.records.get(token)
  if (!rec || rec.loginType !== 'facebook') return tokenUnparseable(m, e)
  const problem = tokenProblem(m, e, rec)
  if (problem) return problem
  if (rec.kind === 'page') return err100(m, e, 'A page access token cannot be exchanged')
  return tokenAnswer(m, e, m.tokens.grant('facebook', m.options.longLivedExpiresIn, 'fb_exchange', token))
}

// GET /{v}/debug_token?input_token&access_token={appId}|{appSecret}
function debugToken(m, e) {
  const now = m.clock.now()
  if (e.token !== `${m.appId}|${m.appSecret}` && !m.tokens.api.isValid(e.token)) return tokenUnparseable(m, e)
  const input = e.query.input_token
  if (!input) return err100(m, e, '(#100) The parameter input_token is required')
  const rec = m.tokens.records.get(input)
  let data
  if (!rec) {
    data = { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } }
  } else {
    const expired = now >= rec.expiresAt
    data = {
      app_id: m.appId,
      type: rec.kind === 'page' ? 'PAGE' : 'USER',
      application: 'Mock App',
      data_access_expires_at: Math.floor((now + 90 * DAY_MS) / 1000),
      expires_at: rec.expiresAt === Infinity ? 0 : Math.floor(rec.expiresAt / 1000),
      is_valid: !expired && rec.revokedSubcode === undefined,
      issued_at: Math.floor(rec.issuedAt / 1000),
      scopes: ['instagram_basic', 'instagram_manage_messages', 'pages_show_list', 'pages_messaging'],
      user_id: rec.loginType === 'facebook' ? m.facebookUser.id : m.account.userId,
    }
    if (rec.kind === 'page' && rec.pageId) data.profile_id = rec.pageId
  }
  return reply(200, JSON.stringify({ data }), m.usage.baseHeaders(e))
}

module.exports = { igExchange, igRefresh, fbExchange, debugToken }
