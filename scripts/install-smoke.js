'use strict'
// Part of scripts/install-test.sh: runs inside the n8n-style install directory of
// n8n-nodes-instagram (copied to <install dir>/.install-smoke/ together with the package's
// fake-n8n.js). Loads the credential, node and trigger listed in the installed package.json,
// checks that the addon comes from the installed platform package, and drives them against the
// mock Graph server (argv[2]: the repository's mock/ directory).
// Prints one `ROW|step|result|seconds` line per check for the table.

const path = require('node:path')
const crypto = require('node:crypto')
const assert = require('node:assert/strict')

const app = path.join(__dirname, '..')
const pkg = require(path.join(app, 'package.json'))
const { startMockGraph } = require(process.argv[2])
const fake = require('./fake-n8n')

const rows = []
async function check(name, fn) {
  const t0 = process.hrtime.bigint()
  try {
    const detail = await fn()
    rows.push([name, detail ? `ok (${detail})` : 'ok', t0])
  } catch (e) {
    rows.push([name, 'FAILED', t0])
    console.error(`${name}: ${e.stack || e.message}`)
    process.exitCode = 1
  }
  const [n, r] = rows.at(-1)
  console.log(`ROW|${n}|${r}|${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)}`)
}

async function main() {
  let InstagramNativeApi, Instagram, InstagramTrigger
  await check('require credential, node, trigger', () => {
    InstagramNativeApi = require(path.join(app, pkg.n8n.credentials[0])).InstagramNativeApi
    Instagram = require(path.join(app, pkg.n8n.nodes[0])).Instagram
    InstagramTrigger = require(path.join(app, pkg.n8n.nodes[1])).InstagramTrigger
    const addonMain = require.resolve('instagram-native', { paths: [app] })
    assert.ok(addonMain.startsWith(path.join(app, 'node_modules', 'instagram-native') + path.sep), addonMain)
    const binaries = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
    assert.equal(binaries.length, 1, binaries.join(', '))
    const rel = path.relative(app, binaries[0])
    assert.ok(rel.startsWith('node_modules' + path.sep) && rel.endsWith(path.join('instagram-native-linux-x64-gnu', 'instagram-native.linux-x64-gnu.node')), rel)
    return `binary: ${path.basename(path.dirname(rel))}`
  })
  if (process.exitCode) return

  const mock = await startMockGraph({ now: Date.now(), appSecret: 'smoke-app-secret' })
  try {
    const credentialType = new InstagramNativeApi()
    const store = fake.createCredentialStore(credentialType, {
      clientSecret: mock.appSecret,
      oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
      verifyToken: 'smoke-verify',
      instagramUrl: mock.url,
    })

    await check('credential hook -> preAuthenticate', async () => {
      const node = fake.fakeNode(new Instagram())
      const me = await fake.httpRequestWithAuthentication(store, node, { method: 'GET', url: `${mock.url}/v24.0/me`, qs: { fields: 'user_id' } })
      const saved = store.read()
      assert.equal(mock.requestsTo('/access_token').length, 1)
      assert.equal(mock.tokens.get(saved.accessToken).kind, 'long')
      assert.equal(me.user_id, mock.account.userId)
      assert.ok(saved.accessTokenExpiresAt > Date.now() + 59 * 24 * 3600e3)
      return 'exchanged, persisted'
    })

    await check('Instagram node -> sendMessage', async () => {
      const node = new Instagram()
      const ctx = fake.executeContext(node, {
        store,
        params: { resource: 'message', operation: 'sendQuickReplies', recipientId: '1254477777772919', text: 'Hi from n8n', quickReplies: { reply: [{ title: 'Yes', payload: 'YES' }] } },
      })
      const out = await node.execute.call(ctx)
      assert.equal(mock.sent.length, 1)
      assert.deepEqual(mock.sent[0].body, {
        recipient: { id: '1254477777772919' },
        messaging_type: 'RESPONSE',
        message: { text: 'Hi from n8n', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'YES' }] },
      })
      assert.equal(out[0][0].json.messageId, mock.sent[0].messageId)
      return 'message sent'
    })

    await check('Instagram Trigger -> verifyWebhookSync', async () => {
      const trigger = new InstagramTrigger()
      const body = Buffer.from(
        '{"object":"instagram","entry":[{"id":"17841405793187218","time":1569262486134,"messaging":[{"sender":{"id":"1254477777772919"},"recipient":{"id":"17841405793187218"},"timestamp":1569262485349,"message":{"mid":"aWdfZAG1faW5","text":"hello"}}]}]}',
      )
      const sig = 'sha256=' + crypto.createHmac('sha256', mock.appSecret).update(body).digest('hex')
      const run = async (req) => {
        const ctx = fake.webhookContext(trigger, { store, params: { registration: 'manual' }, ...req })
        return { result: await trigger.webhook.call(ctx), res: ctx.res }
      }
      const hs = await run({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'smoke-verify', 'hub.challenge': '42' } })
      assert.equal(hs.res.statusCode, 200)
      assert.equal(hs.res.body, '42')
      const ok = await run({ method: 'POST', headers: { 'x-hub-signature-256': sig }, rawBody: body })
      assert.equal(ok.res.statusCode, 200)
      assert.equal(ok.result.workflowData[0][0].json.text, 'hello')
      const forged = await run({ method: 'POST', headers: { 'x-hub-signature-256': sig }, rawBody: Buffer.from(body.toString().replace('hello', 'HELLO')) })
      assert.equal(forged.res.statusCode, 401)
      assert.equal(forged.result.workflowData, undefined)
      return 'challenge, 1 event, forged -> 401'
    })
  } finally {
    await mock.close()
  }
}

main().catch((e) => {
  console.error(e.stack || e.message)
  process.exitCode = 1
})
