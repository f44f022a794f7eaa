'use strict'
// The profile of a person who wrote to the account: GET /{v}/{igsid}?fields=name,username,
// profile_pic,follower_count,is_user_follow_business,is_business_follow_user. Only people set with
// `mock.profiles.set(igsid, { name?, username?, profilePic?, followerCount?, userFollowsBusiness?,
// businessFollowsUser? })` have given consent; anyone else (a commenter who never wrote) gets
// 230 "User consent is required to access user profile" (HTTP 400), the mock's pick for a code
// Meta does not document. A value set to null is sent as null; one left out is left out.
// An unknown field is 100 "Tried accessing nonexisting field".

const { graphError, err100 } = require('../graph-errors')
const { reply } = require('../reply')
const { authenticate } = require('../auth')
const { parseFields } = require('../request')

const FIELDS = {
  id: null,
  name: 'name',
  username: 'username',
  profile_pic: 'profilePic',
  follower_count: 'followerCount',
  is_user_follow_business: 'userFollowsBusiness',
  is_business_follow_user: 'businessFollowsUser',
}

/** Returns { api, people }; `api` is `mock.profiles`. */
function createProfiles() {
  const people = new Map()
  const api = {
    set(id, profile = {}) {
      people.set(String(id), { ...profile })
    },
    get: (id) => people.get(String(id)),
    delete: (id) => people.delete(String(id)),
    clear: () => people.clear(),
  }
  return { api, people }
}

// GET /{v}/{igsid}?fields=…
function userProfile(m, e, id) {
  const a = authenticate(m, e)
  if (a.error) return a.error
  const person = m.profiles.people.get(id)
  if (!person) {
    return graphError(m, e, 400, { code: 230, type: 'IGApiException', message: 'User consent is required to access user profile' })
  }
  const fields = e.query.fields ? parseFields(e.query.fields) : [{ name: 'name' }, { name: 'username' }]
  const parts = []
  for (const f of fields) {
    if (!Object.hasOwn(FIELDS, f.name)) return err100(m, e, `(#100) Tried accessing nonexisting field (${f.name}) on node type (InstagramUser)`)
    const key = FIELDS[f.name]
    if (key === null) continue
    if (person[key] !== undefined) parts.push(`${JSON.stringify(f.name)}:${JSON.stringify(person[key])}`)
  }
  parts.push(`"id":${JSON.stringify(id)}`)
  return reply(200, `{${parts.join(',')}}`, m.usage.baseHeaders(e))
}

module.exports = { createProfiles, userProfile }
