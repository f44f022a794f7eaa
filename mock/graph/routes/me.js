'use strict'
// The caller's own node: GET /{v}/me for Instagram (user_id, username, …), Facebook user and page
// tokens, and GET /{v}/me/accounts, the Facebook user's pages with cursor paging and page tokens.

const { err100 } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')
const { parseFields } = require('../request')

function igUserField(account, name) {
  switch (name) {
    case 'id': return JSON.stringify(account.id)
    case 'user_id': return account.userIdAsNumber ? account.userId : JSON.stringify(account.userId)
    case 'username': return JSON.stringify(account.username)
    case 'name': return JSON.stringify(account.name)
    case 'account_type': return JSON.stringify(account.accountType)
    case 'profile_picture_url': return JSON.stringify(account.profilePictureUrl)
    case 'followers_count': return String(account.followersCount)
    case 'follows_count': return String(account.followsCount)
    case 'media_count': return String(account.mediaCount)
    default: return undefined
  }
}

// GET /{v}/me?fields=…
function me(m, e) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const fields = parseFields(e.query.fields)
  const parts = []
  let hasId = false
  if (a.rec.loginType === 'facebook') {
    // graph.facebook.com: a user (or page) node; Instagram-only fields do not exist there.
    const node = a.rec.kind === 'page' ? 'Page' : 'User'
    // a page token's /me is its page (when the token names one of the pages)
    const page = a.rec.kind === 'page' && a.rec.pageId ? m.pages.find((p) => p.id === a.rec.pageId) : undefined
    const self = page ? { id: page.id, name: page.name } : m.facebookUser
    for (const f of fields) {
      if (f.name === 'id') {
        hasId = true
        parts.push(`"id":${JSON.stringify(self.id)}`)
      } else if (f.name === 'name') parts.push(`"name":${JSON.stringify(self.name)}`)
      else return err100(m, e, `(#100) Tried accessing nonexisting field (${f.name}) on node type (${node})`)
    }
    if (!hasId) parts.push(`"id":${JSON.stringify(self.id)}`)
    return reply(200, `{${parts.join(',')}}`, m.usage.baseHeaders(e))
  }
  for (const f of fields) {
    if (f.name === 'id') hasId = true
    const v = igUserField(m.account, f.name)
    if (v === undefined) return err100(m, e, `(#100) Tried accessing nonexisting field (${f.name}) on node type (User)`)
    parts.push(`${JSON.stringify(f.name)}:${v}`)
  }
  if (!hasId) parts.push(`"id":${JSON.stringify(m.account.id)}`)
  return reply(200, `{${parts.join(',')}}`, m.usage.baseHeaders(e))
}

const cursorOf = (index) => Buffer.from(`mock-cursor:${index}`).toString('base64')
function indexOfCursor(c) {
  const match = /^mock-cursor:(\d+)$/.exec(Buffer.from(String(c), 'base64').toString())
  return match ? Number(match[1]) : -1
}

// One page token per page, issued the first time a page's access_token is asked for.
function pageTokenFor(m, pageId) {
  let t = m.pageTokens.get(pageId)
  if (!t || !m.tokens.records.has(t)) {
    t = m.tokens.api.issuePageToken({ pageId })
    m.pageTokens.set(pageId, t)
  }
  return t
}

function pageJson(m, page, fields) {
  const parts = []
  let hasId = false
  for (const f of fields) {
    switch (f.name) {
      case 'id': hasId = true; parts.push(`"id":${JSON.stringify(page.id)}`); break
      case 'name': parts.push(`"name":${JSON.stringify(page.name)}`); break
      case 'category': parts.push('"category":"Business"'); break
      case 'access_token': parts.push(`"access_token":${JSON.stringify(pageTokenFor(m, page.id))}`); break
      case 'tasks': parts.push('"tasks":["ADVERTISE","ANALYZE","CREATE_CONTENT","MESSAGING","MODERATE","MANAGE"]'); break
      case 'instagram_business_account': {
        if (!page.instagram) break
        const sub = f.sub === null ? [{ name: 'id' }] : parseFields(f.sub)
        const ig = []
        for (const s of sub) {
          if (s.name === 'id') ig.push(`"id":${JSON.stringify(page.instagram.id)}`)
          else if (s.name === 'username' && page.instagram.username !== undefined) ig.push(`"username":${JSON.stringify(page.instagram.username)}`)
          else if (s.name === 'name' && page.instagram.name !== undefined) ig.push(`"name":${JSON.stringify(page.instagram.name)}`)
        }
        if (ig.length === 0) ig.push(`"id":${JSON.stringify(page.instagram.id)}`)
        parts.push(`"instagram_business_account":{${ig.join(',')}}`)
        break
      }
      default: break // unknown page fields are left out
    }
  }
  if (!hasId) parts.push(`"id":${JSON.stringify(page.id)}`)
  return `{${parts.join(',')}}`
}

// GET /{v}/me/accounts?fields=…&limit&after|before (also /{v}/{facebookUser.id}/accounts)
function meAccounts(m, e, req) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  if (a.rec.loginType !== 'facebook') return err100(m, e, '(#100) Tried accessing nonexisting field (accounts) on node type (User)')
  if (a.rec.kind === 'page') return err100(m, e, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)')
  const q = e.query
  const fields = q.fields ? parseFields(q.fields) : [{ name: 'name' }, { name: 'id' }]
  let limit = m.pageSize
  if (q.limit !== undefined) {
    limit = Number.parseInt(q.limit, 10)
    if (!(limit > 0)) return err100(m, e, '(#100) The parameter limit must be a positive integer')
  }
  let start = 0
  if (q.after !== undefined) {
    const i = indexOfCursor(q.after)
    if (i < 0) return err100(m, e, '(#100) Invalid cursor: after')
    start = i + 1
  } else if (q.before !== undefined) {
    const i = indexOfCursor(q.before)
    if (i < 0) return err100(m, e, '(#100) Invalid cursor: before')
    start = Math.max(0, i - limit)
  }
  const slice = m.pages.slice(start, start + limit)
  const data = slice.map((p) => pageJson(m, p, fields)).join(',')
  if (slice.length === 0) return reply(200, '{"data":[]}', m.usage.baseHeaders(e))
  const before = cursorOf(start)
  const after = cursorOf(start + slice.length - 1)
  const origin = `http://${req.headers.host || `${m.host}:${m.server.address().port}`}`
  const link = (key, cursor) => {
    const params = []
    if (m.options.nextIncludesToken && q.access_token === undefined && e.token) params.push(`access_token=${encodeURIComponent(e.token)}`)
    for (const k of Object.keys(q)) {
      if (k === 'after' || k === 'before' || k === 'limit') continue
      params.push(`${encodeURIComponent(k)}=${encodeURIComponent(q[k])}`)
    }
    params.push(`limit=${limit}`, `${key}=${encodeURIComponent(cursor)}`)
    return `${origin}${e.version ? `/${e.version}` : ''}/${m.facebookUser.id}/accounts?${params.join('&')}`
  }
  let paging = `"paging":{"cursors":{"before":${JSON.stringify(before)},"after":${JSON.stringify(after)}}`
  if (start > 0) paging += `,"previous":${JSON.stringify(link('before', before))}`
  if (start + slice.length < m.pages.length) paging += `,"next":${JSON.stringify(link('after', after))}`
  paging += '}'
  return reply(200, `{"data":[${data}],${paging}}`, m.usage.baseHeaders(e))
}

module.exports = { me, meAccounts }
