'use strict'
// Webhook subscriptions: an account's /{v}/{me|id}/subscribed_apps (POST|GET|DELETE) and the
// app's /{v}/{app-id}/subscriptions (app access token only), whose POST first verifies the
// callback URL as Meta does (GET callback_url?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…
// must echo the challenge; only loopback hosts are called, others fail verification).

const crypto = require('node:crypto')
const { err100, unsupported } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate, appTokenProblem } = require('../auth')
const { parseQuery } = require('../request')

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

// POST|GET|DELETE /{v}/{me|id}/subscribed_apps?subscribed_fields=…
function subscribedApps(m, e, id) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const key = id === 'me' ? (a.rec.loginType === 'instagram' ? m.account.userId : (a.rec.pageId || (m.pages[0] && m.pages[0].id) || 'me')) : id
  if (e.method === 'GET') {
    const fields = m.subscriptions.get(key)
    const data = fields ? [{ subscribed_fields: fields, name: 'Mock App', id: m.appId }] : []
    return reply(200, JSON.stringify({ data }), m.usage.baseHeaders(e))
  }
  if (e.method === 'DELETE') {
    m.subscriptions.delete(key)
    return reply(200, '{"success":true}', m.usage.baseHeaders(e))
  }
  let fieldsParam = e.query.subscribed_fields
  if (fieldsParam === undefined && e.rawBody) {
    if (e.body && typeof e.body === 'object') fieldsParam = e.body.subscribed_fields
    else fieldsParam = parseQuery(e.rawBody).subscribed_fields
  }
  if (Array.isArray(fieldsParam)) fieldsParam = fieldsParam.join(',')
  if (!fieldsParam) return err100(m, e, '(#100) The parameter subscribed_fields is required')
  m.subscriptions.set(key, String(fieldsParam).split(',').map((s) => s.trim()).filter(Boolean))
  return reply(200, '{"success":true}', m.usage.baseHeaders(e))
}

/** Meta's check of a callback URL: a GET handshake that must answer the challenge. */
async function verifyCallback(callbackUrl, verifyToken) {
  let url
  try {
    url = new URL(callbackUrl)
  } catch {
    return false
  }
  if (!/^https?:$/.test(url.protocol) || !LOOPBACK_HOSTS.has(url.hostname)) return false
  const challenge = String(crypto.randomInt(1e9, 2e9))
  url.searchParams.set('hub.mode', 'subscribe')
  url.searchParams.set('hub.challenge', challenge)
  url.searchParams.set('hub.verify_token', verifyToken)
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10000) })
    return res.status === 200 && (await res.text()) === challenge
  } catch {
    return false
  }
}

// GET|POST|DELETE /{v}/{app-id}/subscriptions: an answer, or (POST) a promise of one.
// POST (form or query: object, callback_url, verify_token, fields) → {"success":true};
// GET → {data:[{object, callback_url, active, fields:[{name, version}]}]}; DELETE ?object= removes it.
function subscriptionsOfApp(m, e, id) {
  if (id !== m.appId) return unsupported(m, e, id)
  const denied = appTokenProblem(m, e)
  if (denied) return denied
  if (e.method === 'GET') {
    const data = [...m.appSubscriptions.values()].map((s) => ({
      object: s.object,
      callback_url: s.callbackUrl,
      active: true,
      fields: s.fields.map((name) => ({ name, version: 'v24.0' })),
    }))
    return reply(200, JSON.stringify({ data }), m.usage.baseHeaders(e))
  }
  const params = { ...(e.rawBody && e.rawBody.length ? (e.body && typeof e.body === 'object' ? e.body : parseQuery(String(e.rawBody))) : {}), ...e.query }
  if (e.method === 'DELETE') {
    if (params.object) m.appSubscriptions.delete(String(params.object))
    else m.appSubscriptions.clear()
    return reply(200, '{"success":true}', m.usage.baseHeaders(e))
  }
  if (e.method !== 'POST') return unsupported(m, e, id)
  for (const k of ['object', 'callback_url', 'verify_token', 'fields']) {
    if (!params[k]) return err100(m, e, `(#100) The parameter ${k} is required`)
  }
  const fields = String(params.fields).split(',').map((f) => f.trim()).filter(Boolean)
  return verifyCallback(String(params.callback_url), String(params.verify_token)).then((ok) => {
    if (!ok) {
      return err100(m, e, '(#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden', { error_subcode: 2200 })
    }
    m.appSubscriptions.set(String(params.object), { object: String(params.object), callbackUrl: String(params.callback_url), fields })
    return reply(200, '{"success":true}', m.usage.baseHeaders(e))
  })
}

module.exports = { subscribedApps, subscriptionsOfApp }
