'use strict'
// The mock's world when a test gives none: the Instagram account behind an IG token, the Facebook
// user behind an FB token and the pages /me/accounts lists. Options of startMockGraph override them.

const DEFAULT_ACCOUNT = {
  userId: '17841400000000001', // above 2^53: a float cannot hold it
  id: '27182818284590452', // the app-scoped id /me returns as "id" (not the IG account id)
  username: 'mock_business',
  name: 'Mock Business',
  accountType: 'BUSINESS',
  profilePictureUrl: 'https://mock.invalid/profile.jpg',
  followersCount: 1234,
  followsCount: 56,
  mediaCount: 78,
  userIdAsNumber: false,
}

const DEFAULT_FACEBOOK_USER = { id: '10160000000000001', name: 'Mock Facebook User' }

function defaultPages(account) {
  return [
    { id: '9100000000000001', name: 'Mock Page 1', instagram: { id: account.userId, username: account.username, name: account.name } },
    { id: '9100000000000002', name: 'Mock Page 2', instagram: { id: '17841400000000002', username: 'mock_shop_2', name: 'Mock Shop 2' } },
    { id: '9100000000000003', name: 'Mock Page 3 (no Instagram)', instagram: null },
    { id: '9100000000000004', name: 'Mock Page 4', instagram: { id: '17841400000000004', username: 'mock_shop_4', name: 'Mock Shop 4' } },
    { id: '9100000000000005', name: 'Mock Page 5', instagram: { id: '17841400000000005', username: 'mock_shop_5', name: 'Mock Shop 5' } },
  ]
}

/** The account, Facebook user and pages of one mock, from its options (ids always strings). */
function worldOf(opts) {
  const account = { ...DEFAULT_ACCOUNT, ...(opts.account || {}) }
  account.userId = String(account.userId)
  account.id = String(account.id)
  const facebookUser = { ...DEFAULT_FACEBOOK_USER, ...(opts.facebookUser || {}) }
  const pages = (opts.pages || defaultPages(account)).map((p) => ({
    id: String(p.id),
    name: p.name,
    instagram: p.instagram ? { ...p.instagram, id: String(p.instagram.id) } : null,
  }))
  return { account, facebookUser, pages }
}

module.exports = { worldOf }
