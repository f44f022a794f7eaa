'use strict'
// The Instagram Trigger's webhook() with a fake IWebhookFunctions: the request object carries
// the raw body bytes, the response object records what the node wrote. The addon checks the
// handshake and the signatures for real.

const crypto = require('node:crypto')
const { InstagramTrigger, InstagramApi, startMockGraph } = require('./helpers/load')
const { createCredentialStore, webhookContext, hookContext } = require('./helpers/fake-n8n')

const APP_SECRET = 'test-app-secret'
const VERIFY = 'verify-me-please'
const trigger = new InstagramTrigger()
const store = createCredentialStore(new InstagramApi(), { clientSecret: APP_SECRET, verifyToken: VERIFY, oauthAccessToken: 'IGAAunused' })

// Two messages and a comment; ids above 2^53 that JSON.parse would round.
const BODY = Buffer.from(
  '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[' +
    '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485349,"message":{"mid":"aWdfZAG1faW5","text":"Gr\\u00fc\\u00dfe!"}},' +
    '{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485999,"message":{"mid":"aWdfZAG1faW6","text":"HOURS","quick_reply":{"payload":"HOURS"}}}' +
    ']},{"id":"17841405793187218","time":1569262490,"changes":[{"field":"comments","value":{"id":17865799348089039,"text":"Nice!","from":{"id":"17841400000000777","username":"fan"},"media":{"id":"17900000000000001"}}}]}]}',
)
const sign = (body, secret = APP_SECRET) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')

async function call(req, params) {
  const ctx = webhookContext(trigger, { store, params, ...req })
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

describe('activation: webhookMethods subscribe the account (through the credential hook)', () => {
  let mock
  let hookStore
  beforeEach(async () => {
    mock = await startMockGraph({ now: Date.now(), appSecret: APP_SECRET })
    hookStore = createCredentialStore(new InstagramApi(), {
      clientSecret: APP_SECRET,
      oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
      instagramUrl: mock.url,
    })
  })
  afterEach(() => mock.close())
  const hooks = () => trigger.webhookMethods.default

  test('not subscribed → checkExists false; create POSTs the chosen fields; then checkExists true', async () => {
    const params = { subscribeFields: ['messages', 'comments'] }
    expect(await hooks().checkExists.call(hookContext(trigger, { store: hookStore, params }))).toBe(false)
    expect(await hooks().create.call(hookContext(trigger, { store: hookStore, params }))).toBe(true)
    const posts = mock.requestsTo('/v24.0/me/subscribed_apps').filter((e) => e.method === 'POST')
    expect(posts).toHaveLength(1)
    expect(posts[0].query.subscribed_fields).toBe('messages,comments')
    expect(posts[0].headers.authorization).toBe(`Bearer ${hookStore.read().accessToken}`)
    expect(mock.tokens.get(hookStore.read().accessToken)).toMatchObject({ kind: 'long' }) // the hook exchanged first
    expect(await hooks().checkExists.call(hookContext(trigger, { store: hookStore, params }))).toBe(true)
    expect(await hooks().checkExists.call(hookContext(trigger, { store: hookStore, params: { subscribeFields: ['messages', 'mentions'] } }))).toBe(false)
  })

  test('no fields chosen: nothing is requested; delete leaves the subscription in place', async () => {
    const ctx = hookContext(trigger, { store: hookStore, params: { subscribeFields: [] } })
    expect(await hooks().checkExists.call(ctx)).toBe(true)
    expect(await hooks().create.call(ctx)).toBe(true)
    expect(await hooks().delete.call(ctx)).toBe(true)
    expect(mock.requests).toHaveLength(0)
  })
})
