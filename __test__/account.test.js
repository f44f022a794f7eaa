// getAccount for both login types against the mock Graph server.
const { getAccount } = require('..')
const { startMockGraph } = require('../mock')

let mock
let opts
beforeAll(async () => {
  mock = await startMockGraph({ pageSize: 2 })
})
afterAll(() => mock.close())
beforeEach(() => {
  mock.clearFaults()
  mock.resetLog()
  opts = { instagramUrl: mock.url, facebookUrl: mock.url, maxRetries: 0 }
})

test('Instagram login: /me gives the professional account, id = user_id, with the Bearer header', async () => {
  const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
  const accounts = await getAccount({ accessToken: token }, opts)
  expect(accounts).toEqual([
    { id: mock.account.userId, username: mock.account.username, name: mock.account.name, accountType: mock.account.accountType },
  ])
  const [req] = mock.requests
  expect(req.path).toBe('/v24.0/me')
  expect(req.query.fields).toBe('user_id,username,name,account_type')
  expect(req.headers.authorization).toBe(`Bearer ${token}`)
  expect(req.query.access_token).toBeUndefined()
})

test('a user_id sent as a bare JSON number above 2^53 stays exact', async () => {
  const big = await startMockGraph({ account: { userId: '17841405793187218', userIdAsNumber: true } })
  try {
    const token = big.tokens.issueLongLived({ loginType: 'instagram' })
    const [account] = await getAccount({ accessToken: token }, { instagramUrl: big.url })
    expect(big.requests.length).toBe(1)
    expect(account.id).toBe('17841405793187218')
  } finally {
    await big.close()
  }
})

test('Facebook login: every page with a linked Instagram account, following paging.next', async () => {
  const token = mock.tokens.issueLongLived({ loginType: 'facebook' })
  const accounts = await getAccount({ accessToken: token }, opts)
  const expected = mock.pages
    .filter((p) => p.instagram)
    .map((p) => ({ id: p.instagram.id, username: p.instagram.username, name: p.instagram.name, pageId: p.id, pageName: p.name }))
  expect(accounts).toEqual(expected)
  expect(mock.requests.length).toBe(Math.ceil(mock.pages.length / 2))
  for (const r of mock.requests) expect(r.headers.authorization).toBe(`Bearer ${token}`)
})

test('a paging.next pointing at another host is refused (the token would leak)', async () => {
  const token = mock.tokens.issueLongLived({ loginType: 'facebook' })
  mock.fail('/v24.0/me/accounts', {
    status: 200,
    body: { data: [], paging: { next: 'https://evil.example/v24.0/me/accounts?after=x' } },
  })
  await expect(getAccount({ accessToken: token }, opts)).rejects.toMatchObject({ code: 'BAD_RESPONSE' })
  expect(mock.requests).toHaveLength(1)
})

test('loginType overrides the prefix rule', async () => {
  const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
  await expect(getAccount({ accessToken: token, loginType: 'facebook' }, opts)).rejects.toMatchObject({ code: 'GRAPH_ERROR' })
  expect(mock.requests[0].path).toBe('/v24.0/me/accounts')
})

test('wrong input is INVALID_ARGUMENT naming the field, before any request', async () => {
  await expect(getAccount({ accessToken: '' }, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^accessToken/) })
  await expect(getAccount({ accessToken: 'IGAAx', loginType: 'myspace' }, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^loginType/) })
  await expect(getAccount(undefined, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  await expect(getAccount({ accessToken: 'IGAAx' }, { ...opts, timeoutMs: -1 })).rejects.toMatchObject({ message: expect.stringMatching(/^options\.timeoutMs/) })
  expect(mock.requests).toHaveLength(0)
})
