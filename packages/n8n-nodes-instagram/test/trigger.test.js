'use strict'
// The Instagram Trigger's webhook() with a fake IWebhookFunctions: the request object carries
// the raw body bytes, the response object records what the node wrote. The addon checks the
// handshake and the signatures for real.

const crypto = require('node:crypto')
const { InstagramTrigger, InstagramNativeApi, startMockGraph } = require('./helpers/load')
const { createCredentialStore, webhookContext, hookContext } = require('./helpers/fake-n8n')

const APP_SECRET = 'test-app-secret'
const VERIFY = 'verify-me-please'
const trigger = new InstagramTrigger()
const store = createCredentialStore(new InstagramNativeApi(), { clientSecret: APP_SECRET, verifyToken: VERIFY, oauthAccessToken: 'IGAAunused' })

// Two messages and a comment; ids above 2^53 that JSON.parse would round.
const BODY = Buffer.from(
  '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[' +
    '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485349,"message":{"mid":"aWdfZAG1faW5","text":"Gr\\u00fc\\u00dfe!"}},' +
    '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485999,"message":{"mid":"aWdfZAG1faW6","text":"HOURS","quick_reply":{"payload":"HOURS"}}}' +
    ']},{"id":"17841405793187218","time":1569262490,"changes":[{"field":"comments","value":{"id":17865799348089039,"text":"Nice!","from":{"id":"17841400000000777","username":"fan"},"media":{"id":"17900000000000001"}}}]}]}',
)
const sign = (body, secret = APP_SECRET) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')

// Each delivery in a workflow of its own: these tests deliver the same body again and again, which
// the trigger's deduplication (trigger-routing.test.js) would otherwise drop.
let workflows = 0
async function call(req, params = {}) {
  const ctx = webhookContext(trigger, { store, params: { registration: 'manual', ...params }, workflowId: `wf-call-${++workflows}`, ...req })
  const result = await trigger.webhook.call(ctx)
  return { result, res: ctx.res }
}

describe('GET setup: the subscription handshake', () => {
  test('the right verify token: 200 text/plain with the challenge, no execution', async () => {
    const { result, res } = await call({
      method: 'GET',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY, 'hub.challenge': '1158201444' },
    })
    expect(res).toMatchObject({ statusCode: 200, body: '1158201444', finished: true })
    expect(res.headers['content-type']).toBe('text/plain')
    expect(result).toEqual({ noWebhookResponse: true })
  })

  test('a wrong verify token: 403 VERIFY_TOKEN_MISMATCH, no execution', async () => {
    const { result, res } = await call({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' } })
    expect(res).toMatchObject({ statusCode: 403, body: 'VERIFY_TOKEN_MISMATCH' })
    expect(result).toEqual({ noWebhookResponse: true })
  })
})

describe('POST default: deliveries', () => {
  test('a signed delivery: 200, one item per event, exact ids from the raw bytes', async () => {
    const { result, res } = await call({ method: 'POST', headers: { 'X-Hub-Signature-256': sign(BODY), 'Content-Type': 'application/json' }, rawBody: BODY })
    expect(res).toMatchObject({ statusCode: 200, finished: true })
    expect(result.noWebhookResponse).toBe(true)
    expect(result.workflowData).toHaveLength(1)
    const items = result.workflowData[0]
    expect(items.map((i) => i.json.type)).toEqual(['message', 'message', 'comment'])
    expect(items[0].json).toMatchObject({ accountId: '17841405793187218', senderId: '1254477777772919', messageId: 'aWdfZAG1faW5', text: 'Grüße!', timestamp: 1569262485349 })
    expect(items[1].json.quickReplyPayload).toBe('HOURS')
    expect(items[2].json.comment).toMatchObject({ id: '17865799348089039', text: 'Nice!', fromId: '17841400000000777' })
    expect(items[2].json.timestamp).toBe(1569262490000)
    for (const i of items) expect(i.json.id).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(items.map((i) => i.json.id)).size).toBe(3)
  })

  test('the event type filter keeps only the chosen kinds', async () => {
    const { result } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(BODY) }, rawBody: BODY }, { eventTypes: ['comment'] })
    expect(result.workflowData[0].map((i) => i.json.type)).toEqual(['comment'])
  })

  test('a forged delivery (signed with another secret): 401 SIGNATURE_MISMATCH, no workflowData', async () => {
    const { result, res } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(BODY, 'attacker') }, rawBody: BODY })
    expect(res).toMatchObject({ statusCode: 401, body: 'SIGNATURE_MISMATCH' })
    expect(result).toEqual({ noWebhookResponse: true })
  })

  test('the right signature over re-serialised JSON (not the received bytes): 401', async () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(BODY)))
    const { result, res } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(BODY) }, rawBody: reserialised })
    expect(res.statusCode).toBe(401)
    expect(result.workflowData).toBeUndefined()
  })

  test('no signature: 401 SIGNATURE_MISSING, no workflowData', async () => {
    const { result, res } = await call({ method: 'POST', headers: {}, rawBody: BODY })
    expect(res).toMatchObject({ statusCode: 401, body: 'SIGNATURE_MISSING' })
    expect(result.workflowData).toBeUndefined()
  })

  test('signed but not a Meta payload: 400 MALFORMED_PAYLOAD', async () => {
    const body = Buffer.from('{"hello":"world"}')
    const { result, res } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(body) }, rawBody: body })
    expect(res).toMatchObject({ statusCode: 400, body: 'MALFORMED_PAYLOAD' })
    expect(result.workflowData).toBeUndefined()
  })
})

describe('echoes and secrets', () => {
  const ECHO = Buffer.from(
    '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[' +
      '{"sender":{"id":"17841405793187218"},"recipient":{"id":"1254477777772919"},"timestamp":1569262485349,"message":{"mid":"m-echo","text":"You said hi","is_echo":true}},' +
      '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485999,"message":{"mid":"m-2","text":"hi"}}]}]}',
  )
  test('by default an echo of our own message starts nothing; the message beside it does', async () => {
    const { result } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(ECHO) }, rawBody: ECHO })
    expect(result.workflowData[0].map((i) => i.json.type)).toEqual(['message'])
  })
  test('"Include Echoes" brings them back', async () => {
    const { result } = await call({ method: 'POST', headers: { 'x-hub-signature-256': sign(ECHO) }, rawBody: ECHO }, { includeEchoes: true })
    expect(result.workflowData[0].map((i) => i.json.type)).toEqual(['message_echo', 'message'])
  })
  test('a delivery signed with the Meta App Secret is accepted too (the secrets are a list)', async () => {
    const metaStore = createCredentialStore(new InstagramNativeApi(), { clientSecret: APP_SECRET, metaAppSecret: 'meta-app-secret', oauthAccessToken: 'IGAAunused' })
    const ctx = webhookContext(trigger, { store: metaStore, params: {}, workflowId: 'wf-meta-secret', method: 'POST', headers: { 'x-hub-signature-256': sign(BODY, 'meta-app-secret') }, rawBody: BODY })
    const result = await trigger.webhook.call(ctx)
    expect(ctx.res.statusCode).toBe(200)
    expect(result.workflowData[0]).toHaveLength(3)
  })
  test('manual registration without a verify token: 403 with the reason, not a 500', async () => {
    const bare = createCredentialStore(new InstagramNativeApi(), { clientSecret: APP_SECRET, oauthAccessToken: 'IGAAunused' })
    const ctx = webhookContext(trigger, { store: bare, params: { registration: 'manual' }, method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' } })
    await trigger.webhook.call(ctx)
    expect(ctx.res.statusCode).toBe(403)
    expect(ctx.res.body).toMatch(/^NO_VERIFY_TOKEN/)
  })
})

describe('activation: self-registration on the app subscriptions edge, the account subscription, no credential hook', () => {
  const APP_ID = '1234567890'
  let mock
  let server
  let webhookUrl
  let hookStore
  const hooks = () => trigger.webhookMethods.default
  const ctx = (params = {}, url = webhookUrl) => hookContext(trigger, { store: hookStore, params: { subscribeFields: ['messages', 'comments'], ...params }, webhookUrl: url })

  beforeEach(async () => {
    mock = await startMockGraph({ now: Date.now(), appId: APP_ID, appSecret: APP_SECRET })
    const long = mock.tokens.issueLongLived({ issuedAt: Date.now() - 2 * 24 * 3600e3 })
    hookStore = createCredentialStore(new InstagramNativeApi(), {
      clientSecret: APP_SECRET,
      metaAppId: APP_ID,
      metaAppSecret: APP_SECRET,
      oauthAccessToken: '',
      accessToken: long,
      accessTokenIssuedAt: Date.now() - 2 * 24 * 3600e3,
      accessTokenExpiresAt: Date.now() + 58 * 24 * 3600e3,
      instagramUrl: mock.url,
      facebookUrl: mock.url,
    })
    // n8n's webhook route: Meta (the mock) checks the callback with a GET handshake
    const http = require('node:http')
    server = http.createServer(async (req, res) => {
      const u = new URL(req.url, 'http://127.0.0.1')
      const c = webhookContext(trigger, { store: hookStore, method: req.method, query: Object.fromEntries(u.searchParams) })
      await trigger.webhook.call(c)
      res.writeHead(c.res.statusCode, { 'content-type': 'text/plain' }).end(c.res.body ?? '')
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    webhookUrl = `http://127.0.0.1:${server.address().port}/webhook/abc/webhook`
  })
  afterEach(async () => {
    await new Promise((r) => server.close(r))
    await mock.close()
  })

  test('create registers the callback URL, a generated verify token (answered by the trigger) and the fields, then checkExists is true', async () => {
    expect(await hooks().checkExists.call(ctx())).toBe(false)
    expect(await hooks().create.call(ctx())).toBe(true)
    const reg = mock.appSubscriptions.get('instagram')
    expect(reg).toEqual({ object: 'instagram', callbackUrl: webhookUrl, fields: ['messages', 'comments'] })
    const post = mock.requests.find((e) => e.method === 'POST' && e.path === `/v24.0/${APP_ID}/subscriptions`)
    expect(post.headers.authorization).toBe(`Bearer ${APP_ID}|${APP_SECRET}`)
    expect(post.query.access_token).toBeUndefined()
    expect(new URLSearchParams(post.rawBody.toString()).get('verify_token')).toMatch(/^[0-9a-f]{40}$/)
    const sub = mock.requestsTo('/v24.0/me/subscribed_apps').filter((e) => e.method === 'POST')
    expect(sub).toHaveLength(1)
    expect(sub[0].query.subscribed_fields).toBe('messages,comments')
    expect(hookStore.writes).toBe(0) // the credential hook never ran
    expect(await hooks().checkExists.call(ctx())).toBe(true)
    expect(await hooks().checkExists.call(ctx({}, webhookUrl.replace('/webhook/', '/webhook-test/')))).toBe(false)
  })

  test('checkExists looks at this app only: another app subscribed to every field does not count', async () => {
    await hooks().create.call(ctx())
    const stop = mock.answer((e) => e.method === 'GET' && e.path === '/v24.0/me/subscribed_apps', () => ({
      status: 200,
      body: { data: [{ id: '999', name: 'Other', subscribed_fields: ['messages', 'comments'] }, { id: APP_ID, name: 'Mock App', subscribed_fields: ['messages'] }] },
    }))
    expect(await hooks().checkExists.call(ctx())).toBe(false)
    stop()
  })

  test('an expired token never fails the activation: the webhook is registered, the account step is skipped with a warning', async () => {
    hookStore.write({ accessTokenExpiresAt: Date.now() - 1000 })
    const c = ctx()
    expect(await hooks().create.call(c)).toBe(true)
    expect(mock.appSubscriptions.get('instagram').callbackUrl).toBe(webhookUrl)
    expect(mock.requestsTo('/v24.0/me/subscribed_apps')).toHaveLength(0)
    expect(c.warnings.join('\n')).toMatch(/TOKEN_EXPIRED/)
  })

  test('a token pasted but not exchanged yet (first activation): the account is subscribed with it, nothing is exchanged', async () => {
    const pasted = mock.tokens.issueShortLived({ loginType: 'instagram' })
    hookStore.write({ oauthAccessToken: pasted, accessToken: '', accessTokenIssuedAt: '', accessTokenExpiresAt: '', sourceTokenFingerprint: '' })
    const c = ctx()
    expect(await hooks().create.call(c)).toBe(true)
    const sub = mock.requestsTo('/v24.0/me/subscribed_apps').filter((e) => e.method === 'POST')
    expect(sub).toHaveLength(1)
    expect(sub[0].headers.authorization).toBe(`Bearer ${pasted}`)
    expect(mock.requests.filter((e) => /access_token$/.test(e.path))).toHaveLength(0)
    expect(c.warnings).toEqual([])
    expect(hookStore.writes).toBe(1) // only the test's own write above
  })

  test('a wrong Meta App Secret: create throws with the code and the fix (no secret in it)', async () => {
    hookStore.write({ metaAppSecret: 'not-the-secret' })
    const err = await hooks().create.call(ctx()).catch((e) => e)
    expect(err.context.code).toBe('TOKEN_INVALID')
    expect(err.description).toMatch(/Meta App Secret/)
    expect(JSON.stringify({ ...err, m: err.message, d: err.description })).not.toContain('not-the-secret')
  })

  test('delete removes the registration when it is this URL, and leaves another one alone', async () => {
    await hooks().create.call(ctx())
    expect(await hooks().delete.call(ctx({}, 'http://127.0.0.1:1/webhook-test/abc/webhook'))).toBe(true)
    expect(mock.appSubscriptions.has('instagram')).toBe(true)
    expect(await hooks().delete.call(ctx())).toBe(true)
    expect(mock.appSubscriptions.has('instagram')).toBe(false)
  })
})
