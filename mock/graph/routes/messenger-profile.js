'use strict'
// The Messenger Profile API for Instagram, on both hosts: the ice breakers and the persistent
// menu of an account, stored per account (the IG account behind an Instagram token, the page
// behind a page token or a page id).
//   POST   /{v}/{me|id}/messenger_profile?platform=instagram  JSON {platform?, ice_breakers?, persistent_menu?}
//          → {"result":"success"}; each property given replaces the stored one (every locale)
//   GET    /{v}/{me|id}/messenger_profile?platform=instagram&fields=ice_breakers|persistent_menu
//          → {"data":[{locale, call_to_actions}, …]}, {"data":[]} when not set
//   DELETE /{v}/{me|id}/messenger_profile?platform=instagram  JSON {"fields":[…]} → {"result":"success"}
// Checked as Meta documents it, each refusal 100 (HTTP 400): no platform=instagram, no property,
// an unknown field, ice breakers not an array of locales with 1–4 {question, payload}, a menu not an
// array of locales with 1–20 postback/web_url items, no "default" locale or one locale twice.
// The older ice-breaker form (a bare array of {question, payload}) is accepted and read back so.
//   mock.messengerProfile.get(accountKey) → { ice_breakers?, persistent_menu? } as stored;
//   .set(accountKey, { ice_breakers?, persistent_menu? }) stores Meta-shaped values (any form,
//   unchecked: to play answers Meta might give); .clear() forgets every account.

const { err100 } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')
const { accountFor } = require('./messages')

const FIELDS = ['ice_breakers', 'persistent_menu']
const DONE = '{"result":"success"}'

/** Returns { api, accounts }; `api` is `mock.messengerProfile`. */
function createMessengerProfiles() {
  const accounts = new Map()
  const api = {
    get: (key) => accounts.get(String(key)),
    set(key, fields = {}) {
      accounts.set(String(key), { ...(accounts.get(String(key)) || {}), ...fields })
    },
    clear: () => accounts.clear(),
  }
  return { api, accounts }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const isText = (v) => typeof v === 'string' && v !== ''

// The problem with a list of locales, or null; `item` checks one call_to_actions entry.
function localesProblem(name, value, max, item) {
  if (!Array.isArray(value) || value.length === 0) return `(#100) Param ${name} must be a non-empty array`
  const seen = new Set()
  for (const l of value) {
    if (!isObject(l) || !isText(l.locale) || !Array.isArray(l.call_to_actions)) return `(#100) Each ${name} entry needs a locale and call_to_actions`
    if (seen.has(l.locale)) return `(#100) Duplicate locale ${l.locale} in ${name}`
    seen.add(l.locale)
    if (l.call_to_actions.length === 0 || l.call_to_actions.length > max) return `(#100) ${name} call_to_actions must have 1 to ${max} entries`
    if (!l.call_to_actions.every(item)) return `(#100) Invalid call_to_actions in ${name}`
  }
  if (!seen.has('default')) return `(#100) ${name} requires a default locale`
  return null
}

const question = (q) => isObject(q) && isText(q.question) && isText(q.payload)
const menuItem = (i) => isObject(i) && isText(i.title) &&
  ((i.type === 'postback' && isText(i.payload)) || (i.type === 'web_url' && isText(i.url) && /^https?:\/\//.test(i.url)))

function iceBreakersProblem(value) {
  // the older form: a bare list of questions
  if (Array.isArray(value) && value.length > 0 && value.every((q) => isObject(q) && q.locale === undefined)) {
    return value.length <= 4 && value.every(question) ? null : '(#100) Param ice_breakers must have 1 to 4 questions'
  }
  return localesProblem('ice_breakers', value, 4, question)
}

const PROBLEMS = { ice_breakers: iceBreakersProblem, persistent_menu: (v) => localesProblem('persistent_menu', v, 20, menuItem) }

// POST|GET|DELETE /{v}/{me|id}/messenger_profile
function messengerProfile(m, e, id) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const raw = accountFor(m, a.rec, id)
  if (raw === null) return err100(m, e, `Unsupported ${e.method.toLowerCase()} request. Object with ID '${id}' does not exist`, { error_subcode: 33, type: 'GraphMethodException' })
  const key = a.rec.loginType === 'instagram' && raw === m.account.id ? m.account.userId : raw
  const body = isObject(e.body) ? e.body : {}
  if ((e.query.platform ?? body.platform) !== 'instagram') return err100(m, e, '(#100) Param platform must be instagram')
  const done = () => reply(200, DONE, m.usage.baseHeaders(e))
  const stored = m.messengerProfile.accounts.get(key) || {}

  if (e.method === 'POST') {
    const given = FIELDS.filter((f) => body[f] !== undefined)
    if (given.length === 0) return err100(m, e, '(#100) No properties to set: give ice_breakers or persistent_menu')
    for (const f of given) {
      const problem = PROBLEMS[f](body[f])
      if (problem) return err100(m, e, problem)
    }
    const next = { ...stored }
    for (const f of given) next[f] = JSON.parse(JSON.stringify(body[f]))
    m.messengerProfile.accounts.set(key, next)
    return done()
  }
  if (e.method === 'GET') {
    const fields = String(e.query.fields ?? '').split(',').filter(Boolean)
    if (fields.length !== 1 || !FIELDS.includes(fields[0])) return err100(m, e, `(#100) Param fields must be one of ${FIELDS.join(', ')}`)
    return reply(200, JSON.stringify({ data: stored[fields[0]] ?? [] }), m.usage.baseHeaders(e))
  }
  if (e.method === 'DELETE') {
    const fields = body.fields
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => FIELDS.includes(f))) {
      return err100(m, e, `(#100) Param fields must be a non-empty array of ${FIELDS.join(', ')}`)
    }
    const next = { ...stored }
    for (const f of fields) delete next[f]
    m.messengerProfile.accounts.set(key, next)
    return done()
  }
  return err100(m, e, `(#100) Unsupported ${e.method.toLowerCase()} request`, { error_subcode: 33, type: 'GraphMethodException' })
}

module.exports = { createMessengerProfiles, messengerProfile }
