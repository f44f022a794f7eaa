'use strict'
// Instagram API with Facebook Login, driven the way n8n drives the package (fake n8n contexts,
// the real addon, the mock Graph server): a page token used as it is, a user token exchanged
// (App ID and App Secret) and its page found with /me/accounts, the page chosen by id when the
// token manages several, appsecret_proof on every send, and the trigger registering itself
// with the Facebook app's ID and secret.

const crypto = require('node:crypto')
const { Instagram, InstagramTrigger, InstagramNativeApi, startMockGraph } = require('./helpers/load')
const { createCredentialStore, executeContext, hookContext, webhookContext } = require('./helpers/fake-n8n')
const { NodeOperationError } = require('n8n-workflow')
const { pageTokenStore } = require('./helpers/node-suite')

const DAY = 24 * 3600e3
const APP_ID = '1234567890'
const APP_SECRET = 'fb-app-secret-for-tests'
const USER = '1254477777772919'
const credentialType = new InstagramNativeApi()
const node = new Instagram()
const trigger = new InstagramTrigger()

let mock
beforeEach(async () => {
  mock = await startMockGraph({ now: Date.now(), appId: APP_ID, appSecret: APP_SECRET })
})
afterEach(() => mock.close())

const proof = (token) => crypto.createHmac('sha256', APP_SECRET).update(token).digest('hex')
const exchanges = () => mock.requests.filter((e) => /access_token$/.test(e.path))
const sendText = (text = 'hi') => ({ resource: 'message', operation: 'sendText', recipientId: USER, text })

const pageStore = (extra) => pageTokenStore(mock, extra)

function userStore(extra = {}) {
  const token = mock.tokens.issueShortLived({ loginType: 'facebook' })
  const store = createCredentialStore(credentialType, {
    loginType: 'facebook',
    facebookAccess: 'user',
    oauthAccessToken: token,
    clientId: APP_ID,
    clientSecret: APP_SECRET,
    facebookUrl: mock.url,
    instagramUrl: 'http://127.0.0.1:9/unused',
    ...extra,
  })
  return { store, token }
}

async function run(store, params, opts = {}) {
  const ctx = executeContext(node, { store, params, ...opts })
  return node.execute.call(ctx)
}

describe('Facebook Login with a page token', () => {
  test('used as it is: no exchange, nothing stored as an expiry; /me gives the page; the send carries appsecret_proof', async () => {
    const { store, token, page } = pageStore()
    const out = await run(store, sendText('hello page'))

    expect(exchanges()).toHaveLength(0)
    const saved = store.read()
    expect(saved.accessToken).toBe(token)
    expect(saved.accessTokenExpiresAt).toBe('')
    expect(saved.session).toBe('')

    expect(mock.requests.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /v24.0/me', `POST /v24.0/${page.id}/messages`])
    const [me, post] = mock.requests
    expect(me.headers.authorization).toBe(`Bearer ${token}`)
    expect(post.headers.authorization).toBe(`Bearer ${token}`)
    expect(post.query.appsecret_proof).toBe(proof(token))
    expect(JSON.parse(post.rawBody)).toMatchObject({ recipient: { id: USER }, message: { text: 'hello page' } })
    expect(out[0][0].json).toMatchObject({ accountId: page.id, recipientId: USER })
  })

  test('does not expire: 61 days later it still sends, and nothing is refreshed', async () => {
    const { store, token } = pageStore()
    await run(store, sendText('day 0'))
    mock.clock.advance(61 * DAY)
    await run(store, sendText('day 61'))
    expect(exchanges()).toHaveLength(0)
    expect(mock.sent.map((s) => s.body.message.text)).toEqual(['day 0', 'day 61'])
    expect(store.read().accessToken).toBe(token)
  })

  test('a revoked page token: TOKEN_INVALID with its Graph code and the advice to reconnect, nothing sent', async () => {
    const { store, token } = pageStore()
    mock.tokens.revoke(token, 460)
    const err = await run(store, sendText()).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190, graphSubcode: 460 })
    expect(err.description).toMatch(/reconnect/)
    expect(mock.sent).toHaveLength(0)
    expect(JSON.stringify({ ...err, m: err.message, d: err.description })).not.toContain(token)

    const out = await run(store, sendText(), { continueOnFail: true })
    expect(out[0][0].json).toMatchObject({ code: 'TOKEN_INVALID', graphCode: 190 })
  })

  test('Account: Get names the page', async () => {
    const { store, page } = pageStore()
    const out = await run(store, { resource: 'account', operation: 'get' })
    expect(out[0].map((i) => i.json)).toEqual([{ pageId: page.id, loginType: 'facebook' }])
  })
})

describe('Facebook Login with a user token', () => {
  test('exchanged once with the App ID and secret; the page is chosen by its Instagram account id; sent with that page\'s token', async () => {
    const { store, token } = userStore({ accountId: mock.pages[1].instagram.id })
    const out = await run(store, sendText('to page 2'))

    const [exchange] = exchanges()
    expect(exchanges()).toHaveLength(1)
    expect(exchange.path).toBe('/v24.0/oauth/access_token')
    expect(exchange.query).toMatchObject({ grant_type: 'fb_exchange_token', client_id: APP_ID, fb_exchange_token: token })

    const saved = store.read()
    expect(mock.tokens.get(saved.accessToken)).toMatchObject({ kind: 'long', loginType: 'facebook' })
    expect(saved.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 59 * DAY)
    expect(saved.oauthAccessToken).toBe(token)

    const accounts = mock.requestsTo('/v24.0/me/accounts')
    expect(accounts).toHaveLength(1)
    expect(accounts[0].headers.authorization).toBe(`Bearer ${saved.accessToken}`)

    const page = mock.pages[1]
    const post = mock.requestsTo(`/v24.0/${page.id}/messages`)
    expect(post).toHaveLength(1)
    const pageToken = post[0].headers.authorization.slice('Bearer '.length)
    expect(mock.tokens.get(pageToken)).toMatchObject({ kind: 'page', pageId: page.id })
    expect(post[0].query.appsecret_proof).toBe(proof(pageToken))
    expect(out[0][0].json.accountId).toBe(page.id)

    // the next run keeps the exchanged token
    await run(store, sendText('again'))
    expect(exchanges()).toHaveLength(1)
    expect(store.read().accessToken).toBe(saved.accessToken)
  })

  test('the page may be named by its page id too', async () => {
    const { store } = userStore({ accountId: mock.pages[3].id })
    const out = await run(store, sendText())
    expect(out[0][0].json.accountId).toBe(mock.pages[3].id)
    expect(mock.requestsTo(`/v24.0/${mock.pages[3].id}/messages`)).toHaveLength(1)
  })

  test('several pages with an Instagram account and none chosen: an error listing them, nothing sent', async () => {
    const { store } = userStore()
    const err = await run(store, sendText()).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    for (const p of mock.pages.filter((x) => x.instagram)) expect(err.description).toContain(`${p.id} (Instagram ${p.instagram.id})`)
    expect(err.description).not.toContain(mock.pages.find((x) => !x.instagram).id) // a page without Instagram is no choice
    expect(mock.sent).toHaveLength(0)
  })

  test('an id that is none of the pages: an error naming it', async () => {
    const { store } = userStore({ accountId: '9199999999999999' })
    const err = await run(store, sendText()).catch((e) => e)
    expect(err.message).toContain('9199999999999999')
    expect(mock.sent).toHaveLength(0)
  })

  test('only one page with an Instagram account: chosen without an id', async () => {
    await mock.close()
    mock = await startMockGraph({
      now: Date.now(),
      appId: APP_ID,
      appSecret: APP_SECRET,
      pages: [
        { id: '9200000000000001', name: 'Only page', instagram: { id: '17841400000000901' } },
        { id: '9200000000000002', name: 'No Instagram', instagram: null },
      ],
    })
    const { store } = userStore()
    const out = await run(store, sendText())
    expect(out[0][0].json.accountId).toBe('9200000000000001')
  })

  test('without the App ID the exchange cannot run: INVALID_ARGUMENT, nothing stored, nothing sent', async () => {
    const { store } = userStore({ clientId: '' })
    const err = await run(store, sendText()).catch((e) => e)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(store.writes).toBe(0)
    expect(mock.requests).toHaveLength(0)
  })

  test('a wrong App Secret: the exchange fails with its Graph code; the secret is in no message', async () => {
    const { store } = userStore({ clientSecret: 'not-the-secret' })
    const err = await run(store, sendText()).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'GRAPH_ERROR', graphCode: 101 })
    expect(store.writes).toBe(0)
    expect(JSON.stringify({ ...err, m: err.message, d: err.description })).not.toContain('not-the-secret')
  })

  test('the 60-day user token expired: TOKEN_EXPIRED with the advice to reconnect, nothing exchanged or sent', async () => {
    const { store } = userStore()
    await run(store, { resource: 'account', operation: 'get' })
    const persisted = JSON.parse(store.raw)
    persisted.accessTokenIssuedAt -= 61 * DAY
    persisted.accessTokenExpiresAt -= 61 * DAY
    const later = createCredentialStore(credentialType, persisted)
    const before = mock.requests.length
    const err = await run(later, sendText()).catch((e) => e)
    expect(err.context.code).toBe('TOKEN_EXPIRED')
    expect(err.description).toMatch(/reconnect/)
    expect(mock.requests).toHaveLength(before)
  })

  test('Account: Get lists every page with an Instagram account (getAccount)', async () => {
    const { store } = userStore()
    const out = await run(store, { resource: 'account', operation: 'get' })
    const linked = mock.pages.filter((p) => p.instagram)
    expect(out[0].map((i) => [i.json.id, i.json.pageId, i.json.loginType])).toEqual(linked.map((p) => [p.instagram.id, p.id, 'facebook']))
  })
})

describe('the trigger with a Facebook Login credential', () => {
  let server
  let webhookUrl
  beforeEach(async () => {
    const http = require('node:http')
    server = http.createServer(async (req, res) => {
      const u = new URL(req.url, 'http://127.0.0.1')
      const c = webhookContext(trigger, { store: server.store, method: req.method, query: Object.fromEntries(u.searchParams) })
      await trigger.webhook.call(c)
      res.writeHead(c.res.statusCode, { 'content-type': 'text/plain' }).end(c.res.body ?? '')
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    webhookUrl = `http://127.0.0.1:${server.address().port}/webhook/fb/webhook`
  })
  afterEach(() => new Promise((r) => server.close(r)))

  test('page token: registers with the App ID and App Secret (no Meta App fields needed) and subscribes the page', async () => {
    const { store, token } = pageStore({ clientId: APP_ID })
    server.store = store
    const ctx = hookContext(trigger, { store, params: { subscribeFields: ['messages'] }, webhookUrl })
    expect(await trigger.webhookMethods.default.create.call(ctx)).toBe(true)
    expect(mock.appSubscriptions.get('instagram')).toEqual({ object: 'instagram', callbackUrl: webhookUrl, fields: ['messages'] })
    const register = mock.requests.find((e) => e.method === 'POST' && e.path === `/v24.0/${APP_ID}/subscriptions`)
    expect(register.headers.authorization).toBe(`Bearer ${APP_ID}|${APP_SECRET}`)
    const sub = mock.requestsTo('/v24.0/me/subscribed_apps').filter((e) => e.method === 'POST')
    expect(sub).toHaveLength(1)
    expect(sub[0].headers.authorization).toBe(`Bearer ${token}`)
    expect(ctx.warnings).toEqual([])
    expect(store.writes).toBe(0)
    // the page's subscription is to this app, with the field: checkExists (GET /me/subscribed_apps) agrees
    expect(await trigger.webhookMethods.default.checkExists.call(ctx)).toBe(true)
    const check = mock.requestsTo('/v24.0/me/subscribed_apps').filter((e) => e.method === 'GET')
    expect(check.at(-1).headers.authorization).toBe(`Bearer ${token}`)
  })

  test('user token: the webhook is registered, the page subscription is skipped with a warning saying what to do', async () => {
    const { store } = userStore()
    server.store = store
    const ctx = hookContext(trigger, { store, params: { subscribeFields: ['messages'] }, webhookUrl })
    expect(await trigger.webhookMethods.default.create.call(ctx)).toBe(true)
    expect(mock.appSubscriptions.get('instagram').callbackUrl).toBe(webhookUrl)
    expect(mock.requestsTo('/v24.0/me/subscribed_apps')).toHaveLength(0)
    expect(ctx.warnings.join('\n')).toMatch(/page token|App Dashboard/)
  })

  test('deliveries signed with the App Secret of the Facebook app are accepted; others are refused', async () => {
    const { store } = pageStore()
    const body = Buffer.from(`{"object":"instagram","entry":[{"id":"${mock.pages[0].instagram.id}","time":1,"messaging":[{"sender":{"id":"${USER}"},"recipient":{"id":"${mock.pages[0].instagram.id}"},"timestamp":1,"message":{"mid":"m1","text":"hi"}}]}]}`)
    const sig = (secret) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')
    const deliver = async (secret) => {
      const c = webhookContext(trigger, { store, method: 'POST', rawBody: body, headers: { 'X-Hub-Signature-256': sig(secret) }, params: { registration: 'manual' } })
      return { result: await trigger.webhook.call(c), res: c.res }
    }
    const ok = await deliver(APP_SECRET)
    expect(ok.res.statusCode).toBe(200)
    expect(ok.result.workflowData[0].map((i) => i.json.text)).toEqual(['hi'])
    const forged = await deliver('another-secret')
    expect(forged.res.statusCode).toBe(401)
    expect(forged.result.workflowData).toBeUndefined()
  })
})
