'use strict'
// setIceBreakers / getIceBreakers / deleteIceBreakers and setPersistentMenu / getPersistentMenu /
// deletePersistentMenu against the mock Graph server (docs/API-beyond-dms.md, "Greeting and
// menu"): round trips on both hosts, the wire requests, every validation rule before the network,
// each error class, the idempotent retry class, and no secret in any error.
const {
  setIceBreakers, getIceBreakers, deleteIceBreakers, setPersistentMenu, getPersistentMenu, deletePersistentMenu,
} = require('..')
const { errorCollector } = require('./helpers/errors')
const { graphSuite } = require('./helpers/graph-suite')

const { rejection, expectNoSecrets } = errorCollector()
const secrets = []
const ME = '/v24.0/me/messenger_profile'

const ICE = [
  { locale: 'default', questions: [{ question: 'What are your opening hours?', payload: 'HOURS' }, { question: 'Do you ship? 📦', payload: 'SHIPPING' }] },
  { locale: 'de_DE', questions: [{ question: 'Öffnungszeiten?', payload: 'HOURS' }] },
]
const MENU = [
  { locale: 'default', items: [{ type: 'postback', title: 'Talk to a human', payload: 'HUMAN' }, { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' }] },
]

let mock
let opts
let igToken
let pageToken
graphSuite(
  { appSecret: 'messenger-profile-app-secret-value', secrets, reset: (m) => m.messengerProfile.clear() },
  (s) => ({ mock, opts, igToken, pageToken } = s),
)

// Both login flavours: the request fields and the path `me` stands for.
const flavours = [
  ['Instagram login', () => ({ accessToken: igToken })],
  ['Facebook login (page token, appSecret)', () => ({ accessToken: pageToken, appSecret: mock.appSecret })],
]

describe('round trips on both hosts', () => {
  test.each(flavours)('ice breakers: set, get, delete, get → [] (%s)', async (_, auth) => {
    await expect(setIceBreakers({ ...auth(), iceBreakers: ICE }, opts)).resolves.toEqual({ success: true })
    await expect(getIceBreakers(auth(), opts)).resolves.toEqual(ICE)
    await expect(deleteIceBreakers(auth(), opts)).resolves.toEqual({ success: true })
    await expect(getIceBreakers(auth(), opts)).resolves.toEqual([])
    expect(mock.requests.map((r) => [r.method, r.path])).toEqual([['POST', ME], ['GET', ME], ['DELETE', ME], ['GET', ME]])
  })

  test.each(flavours)('persistent menu: set, get, delete, get → [] (%s)', async (_, auth) => {
    await expect(setPersistentMenu({ ...auth(), persistentMenu: MENU }, opts)).resolves.toEqual({ success: true })
    await expect(getPersistentMenu(auth(), opts)).resolves.toEqual(MENU)
    await expect(deletePersistentMenu(auth(), opts)).resolves.toEqual({ success: true })
    await expect(getPersistentMenu(auth(), opts)).resolves.toEqual([])
    expect(mock.requests.map((r) => [r.method, r.path])).toEqual([['POST', ME], ['GET', ME], ['DELETE', ME], ['GET', ME]])
  })

  test('a set replaces every locale; the two properties are apart; nothing set reads as []', async () => {
    const auth = { accessToken: igToken }
    await expect(getPersistentMenu(auth, opts)).resolves.toEqual([])
    await setIceBreakers({ ...auth, iceBreakers: ICE }, opts)
    const only = [{ locale: 'default', questions: [{ question: 'Prices?', payload: 'PRICES' }] }]
    await setIceBreakers({ ...auth, iceBreakers: only }, opts)
    await setPersistentMenu({ ...auth, persistentMenu: MENU }, opts)
    await expect(getIceBreakers(auth, opts)).resolves.toEqual(only)
    await deletePersistentMenu(auth, opts)
    await expect(getIceBreakers(auth, opts)).resolves.toEqual(only)
  })

  test('the older ice-breaker form without locales reads as one "default" locale', async () => {
    mock.messengerProfile.set(mock.account.userId, { ice_breakers: [{ question: 'Hours?', payload: 'H' }, { question: 'Prices?', payload: 'P' }] })
    await expect(getIceBreakers({ accessToken: igToken }, opts)).resolves.toEqual([
      { locale: 'default', questions: [{ question: 'Hours?', payload: 'H' }, { question: 'Prices?', payload: 'P' }] },
    ])
  })
})

describe('what goes on the wire', () => {
  test('set: POST ?platform=instagram with Meta\'s snake_case body, the token as Bearer only', async () => {
    await setIceBreakers({ accessToken: igToken, iceBreakers: ICE }, opts)
    await setPersistentMenu({ accessToken: igToken, persistentMenu: MENU }, opts)
    const [ice, menu] = mock.requests
    expect(ice.query).toEqual({ platform: 'instagram' })
    expect(ice.headers.authorization).toBe(`Bearer ${igToken}`)
    expect(ice.headers['content-type']).toBe('application/json')
    expect(ice.body).toEqual({
      platform: 'instagram',
      ice_breakers: [
        { locale: 'default', call_to_actions: [{ question: 'What are your opening hours?', payload: 'HOURS' }, { question: 'Do you ship? 📦', payload: 'SHIPPING' }] },
        { locale: 'de_DE', call_to_actions: [{ question: 'Öffnungszeiten?', payload: 'HOURS' }] },
      ],
    })
    expect(menu.body).toEqual({
      platform: 'instagram',
      persistent_menu: [{ locale: 'default', call_to_actions: [
        { type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
        { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
      ] }],
    })
  })

  test('get: GET ?platform=instagram&fields=…; delete: DELETE with {"fields": […]}', async () => {
    const auth = { accessToken: igToken }
    await getIceBreakers(auth, opts)
    await getPersistentMenu(auth, opts)
    await deleteIceBreakers(auth, opts)
    await deletePersistentMenu(auth, opts)
    expect(mock.requests.map((r) => [r.method, r.query, r.body])).toEqual([
      ['GET', { platform: 'instagram', fields: 'ice_breakers' }, undefined],
      ['GET', { platform: 'instagram', fields: 'persistent_menu' }, undefined],
      ['DELETE', { platform: 'instagram' }, { fields: ['ice_breakers'] }],
      ['DELETE', { platform: 'instagram' }, { fields: ['persistent_menu'] }],
    ])
  })

  test('Facebook login: the page id as accountId, the page token as Bearer and appsecret_proof on every call', async () => {
    const page = mock.pages[0].id
    const auth = { accessToken: pageToken, appSecret: mock.appSecret, accountId: page }
    await setPersistentMenu({ ...auth, persistentMenu: MENU }, opts)
    await getPersistentMenu(auth, opts)
    await deleteIceBreakers(auth, opts)
    for (const r of mock.requests) {
      expect(r.path).toBe(`/v24.0/${page}/messenger_profile`)
      expect(r.headers.authorization).toBe(`Bearer ${pageToken}`)
      expect(r.query.appsecret_proof).toBe(mock.appsecretProof(pageToken))
      expect(r.query.access_token).toBeUndefined()
    }
  })
})

describe('validation before the network', () => {
  const q = (question, payload) => ({ question, payload })
  const item = (title, extra = { payload: 'P' }) => ({ type: 'postback', title, ...extra })
  const ice = (...locales) => ({ iceBreakers: locales })
  const menu = (...locales) => ({ persistentMenu: locales })
  const def = (questions) => ({ locale: 'default', questions })
  const defMenu = (items) => ({ locale: 'default', items })
  test.each([
    ['no iceBreakers', setIceBreakers, {}, 'iceBreakers'],
    ['an empty iceBreakers list (clearing is deleteIceBreakers)', setIceBreakers, ice(), 'iceBreakers'],
    ['no "default" locale', setIceBreakers, ice({ locale: 'en_GB', questions: [q('a', 'b')] }), 'iceBreakers'],
    ['"default" twice', setIceBreakers, ice(def([q('a', 'b')]), def([q('c', 'd')])), 'iceBreakers[1].locale'],
    ['a locale twice', setIceBreakers, ice(def([q('a', 'b')]), { locale: 'fr_FR', questions: [q('a', 'b')] }, { locale: 'fr_FR', questions: [q('a', 'b')] }), 'iceBreakers[2].locale'],
    ['a locale that is not ll_CC', setIceBreakers, ice(def([q('a', 'b')]), { locale: 'en-GB', questions: [q('a', 'b')] }), 'iceBreakers[1].locale'],
    ['a locale in the wrong case', setIceBreakers, ice({ locale: 'Default', questions: [q('a', 'b')] }), 'iceBreakers[0].locale'],
    ['no questions', setIceBreakers, ice(def([])), 'iceBreakers[0].questions'],
    ['5 questions', setIceBreakers, ice(def([q('1', 'a'), q('2', 'b'), q('3', 'c'), q('4', 'd'), q('5', 'e')])), 'iceBreakers[0].questions[4]'],
    ['an empty question', setIceBreakers, ice(def([q('a', 'b')]), { locale: 'en_US', questions: [q('a', 'b'), q('', 'c')] }), 'iceBreakers[1].questions[1].question'],
    ['an empty payload', setIceBreakers, ice(def([q('a', '')])), 'iceBreakers[0].questions[0].payload'],
    ['a payload over 1000 characters', setIceBreakers, ice(def([q('a', '💬'.repeat(1001))])), 'iceBreakers[0].questions[0].payload'],
    ['a question that is not a string', setIceBreakers, ice(def([q(42, 'b')])), 'iceBreakers[0].questions[0].question'],
    ['iceBreakers an object', setIceBreakers, { iceBreakers: def([q('a', 'b')]) }, 'iceBreakers'],
    ['no persistentMenu', setPersistentMenu, {}, 'persistentMenu'],
    ['an empty persistentMenu list (clearing is deletePersistentMenu)', setPersistentMenu, menu(), 'persistentMenu'],
    ['no "default" menu', setPersistentMenu, menu({ locale: 'es_ES', items: [item('a')] }), 'persistentMenu'],
    ['a menu locale twice', setPersistentMenu, menu(defMenu([item('a')]), defMenu([item('b')])), 'persistentMenu[1].locale'],
    ['no items', setPersistentMenu, menu(defMenu([])), 'persistentMenu[0].items'],
    ['21 items', setPersistentMenu, menu(defMenu(Array.from({ length: 21 }, (_, i) => item(`item ${i}`)))), 'persistentMenu[0].items[20]'],
    ['a title over 30 characters', setPersistentMenu, menu(defMenu([item('a'), item('t'.repeat(31))])), 'persistentMenu[0].items[1].title'],
    ['an empty title', setPersistentMenu, menu(defMenu([item('')])), 'persistentMenu[0].items[0].title'],
    ['a postback without payload', setPersistentMenu, menu(defMenu([item('a', {})])), 'persistentMenu[0].items[0].payload'],
    ['a payload over 1000 characters', setPersistentMenu, menu(defMenu([item('a', { payload: 'p'.repeat(1001) })])), 'persistentMenu[0].items[0].payload'],
    ['a web_url without url', setPersistentMenu, menu(defMenu([{ type: 'web_url', title: 'Shop' }])), 'persistentMenu[0].items[0].url'],
    ['a relative url', setPersistentMenu, menu(defMenu([{ type: 'web_url', title: 'Shop', url: '/shop' }])), 'persistentMenu[0].items[0].url'],
    ['a javascript: url', setPersistentMenu, menu(defMenu([{ type: 'web_url', title: 'Shop', url: 'javascript:alert(1)' }])), 'persistentMenu[0].items[0].url'],
    ['a url on a postback', setPersistentMenu, menu(defMenu([item('a', { payload: 'P', url: 'https://example.com' })])), 'persistentMenu[0].items[0].url'],
    ['an unknown item type', setPersistentMenu, menu(defMenu([{ type: 'nested', title: 'More' }])), 'persistentMenu[0].items[0].type'],
    ['an accountId that is not digits', getIceBreakers, { accountId: '17/../me' }, 'accountId'],
    ['an empty accountId', deleteIceBreakers, { accountId: '' }, 'accountId'],
    ['an accountId number', getPersistentMenu, { accountId: 17841400000000001 }, 'accountId'],
    ['an unknown loginType', deletePersistentMenu, { loginType: 'myspace' }, 'loginType'],
    ['an empty appSecret', getIceBreakers, { appSecret: '' }, 'appSecret'],
    ['no accessToken', setPersistentMenu, { accessToken: undefined, ...menu(defMenu([item('a')])) }, 'accessToken'],
  ])('%s → INVALID_ARGUMENT naming the field', async (_, fn, fields, field) => {
    const err = await rejection(fn({ accessToken: igToken, ...fields }, opts))
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.message.startsWith(`${field}:`)).toBe(true)
    expect(mock.requests).toHaveLength(0)
  })

  test('the limits themselves pass: 4 questions, 20 items, 30-character titles, 1000-character payloads', async () => {
    const questions = [1, 2, 3, 4].map((n) => ({ question: `q${n}`, payload: 'é'.repeat(1000) }))
    await expect(setIceBreakers({ accessToken: igToken, iceBreakers: [{ locale: 'default', questions }] }, opts)).resolves.toEqual({ success: true })
    const items = Array.from({ length: 20 }, (_, i) => ({ type: 'postback', title: 't'.repeat(30), payload: `P${i}` }))
    await expect(setPersistentMenu({ accessToken: igToken, persistentMenu: [{ locale: 'default', items }] }, opts)).resolves.toEqual({ success: true })
  })

  test('bad options and a missing request are refused too', async () => {
    await expect(getIceBreakers({ accessToken: igToken }, { ...opts, maxRetries: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^options\.maxRetries/) })
    await expect(setPersistentMenu(undefined, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(mock.requests).toHaveLength(0)
  })
})

describe('error classes', () => {
  const auth = () => ({ accessToken: igToken })
  const setIce = (o = opts) => setIceBreakers({ ...auth(), iceBreakers: ICE }, o)

  test('token errors: unknown → TOKEN_INVALID, expired → TOKEN_EXPIRED', async () => {
    const unknown = 'IGAAunknown-token-for-messenger-profile-0123456789'
    secrets.push(unknown)
    await expect(rejection(getIceBreakers({ accessToken: unknown }, opts))).resolves.toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190 })
    const expired = mock.tokens.issueLongLived({ loginType: 'instagram', expiresInSec: 1 })
    secrets.push(expired)
    mock.clock.advance(5000)
    await expect(rejection(setPersistentMenu({ accessToken: expired, persistentMenu: MENU }, opts))).resolves.toMatchObject({ code: 'TOKEN_EXPIRED', graphSubcode: 463 })
  })

  test('Meta\'s refusals are classified: 100 → GRAPH_ERROR, 10 → PERMISSION_DENIED, an account not the token\'s → GRAPH_ERROR', async () => {
    mock.fail(ME, { graphError: { code: 100, message: '(#100) Invalid locale' }, status: 400 })
    await expect(rejection(setIce())).resolves.toMatchObject({ code: 'GRAPH_ERROR', graphCode: 100, httpStatus: 400, retryable: false })
    mock.fail(ME, { graphError: { code: 10, message: '(#10) Application does not have permission for this action' }, status: 403 })
    await expect(rejection(deleteIceBreakers(auth(), opts))).resolves.toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 10 })
    await expect(rejection(getPersistentMenu({ ...auth(), accountId: '42' }, opts))).resolves.toMatchObject({ code: 'GRAPH_ERROR', graphCode: 100, graphSubcode: 33 })
  })

  test('{"success": false} → GRAPH_ERROR without graphCode; {"success": true} is accepted like {"result": "success"}', async () => {
    mock.fail(ME, { status: 200, body: { success: false } })
    const refused = await rejection(setIce())
    expect(refused).toMatchObject({ code: 'GRAPH_ERROR', retryable: false })
    expect(refused.graphCode).toBeUndefined()
    mock.fail(ME, { status: 200, body: { result: 'failure' } })
    await expect(rejection(deletePersistentMenu(auth(), opts))).resolves.toMatchObject({ code: 'GRAPH_ERROR', retryable: false })
    mock.fail(ME, { status: 200, body: { success: true } })
    await expect(deleteIceBreakers(auth(), opts)).resolves.toEqual({ success: true })
  })

  test('answers that are not the documented shape → BAD_RESPONSE', async () => {
    const odd = [
      [() => setIce(), { ok: true }],
      [() => deleteIceBreakers(auth(), opts), {}],
      [() => getIceBreakers(auth(), opts), { data: [{ locale: 'default' }] }],
      [() => getIceBreakers(auth(), opts), { data: { question: 'a', payload: 'b' } }],
      [() => getPersistentMenu(auth(), opts), { data: [{ locale: 'default', call_to_actions: [{ type: 'web_url', title: 'no url' }] }] }],
      [() => getPersistentMenu(auth(), opts), '<html>hotel wi-fi</html>'],
    ]
    for (const [call, body] of odd) {
      mock.fail(ME, { status: 200, body })
      await expect(rejection(call())).resolves.toMatchObject({ code: 'BAD_RESPONSE', retryable: false })
    }
    mock.fail(ME, { truncatedJson: true })
    await expect(rejection(getIceBreakers(auth(), opts))).resolves.toMatchObject({ code: 'BAD_RESPONSE' })
  })

  test('idempotent: a bare 5xx is retried for every call, the sets and deletes included', async () => {
    const calls = [
      () => setIce({ ...opts, maxRetries: 1 }),
      () => getIceBreakers(auth(), { ...opts, maxRetries: 1 }),
      () => deleteIceBreakers(auth(), { ...opts, maxRetries: 1 }),
      () => setPersistentMenu({ ...auth(), persistentMenu: MENU }, { ...opts, maxRetries: 1 }),
      () => getPersistentMenu(auth(), { ...opts, maxRetries: 1 }),
      () => deletePersistentMenu(auth(), { ...opts, maxRetries: 1 }),
    ]
    for (const call of calls) {
      mock.resetLog()
      mock.fail(ME, { status: 502, body: '' })
      await expect(call()).resolves.toBeDefined()
      expect(mock.requests).toHaveLength(2)
    }
    mock.resetLog()
    mock.fail(ME, { status: 503, body: '' }, { times: 2 })
    await expect(rejection(setIce({ ...opts, maxRetries: 1 }))).resolves.toMatchObject({ code: 'GRAPH_TRANSIENT', httpStatus: 503, retryable: true })
    expect(mock.requests).toHaveLength(2)
  })

  test('rate limits and transient Graph errors are retried; without retries they surface as such', async () => {
    mock.fail(ME, { graphError: { code: 4 }, status: 400 })
    await expect(getPersistentMenu(auth(), { ...opts, maxRetries: 1 })).resolves.toEqual([])
    expect(mock.requests).toHaveLength(2)
    mock.fail(ME, { graphError: { code: 2, is_transient: true }, status: 500 })
    await expect(rejection(setIce())).resolves.toMatchObject({ code: 'GRAPH_TRANSIENT', retryable: true, graphCode: 2 })
    mock.fail(ME, { graphError: { code: 613 }, status: 400 })
    await expect(rejection(deleteIceBreakers(auth(), opts))).resolves.toMatchObject({ code: 'RATE_LIMITED', retryable: true })
  })

  test('a timeout is TIMEOUT and not repeated (API.md: never after the request was written)', async () => {
    mock.fail(ME, { hang: true })
    const err = await rejection(setIce({ ...opts, timeoutMs: 300, maxRetries: 2 }))
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true })
    expect(mock.requestsTo(ME)).toHaveLength(1)
  })
})

test('secrets never appear in an error, even when Meta echoes them', async () => {
  mock.fail(ME, { graphError: { code: 100, message: `bad token ${pageToken} and secret ${mock.appSecret}`, error_user_msg: pageToken }, status: 400 })
  const err = await rejection(setPersistentMenu({ accessToken: pageToken, appSecret: mock.appSecret, persistentMenu: MENU }, opts))
  expect(err.code).toBe('GRAPH_ERROR')
  expectNoSecrets(secrets)
})
