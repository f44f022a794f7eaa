#!/usr/bin/env node
// Part of scripts/test-n8n.sh: drives one real n8n release with n8n-nodes-instagram installed,
// against the mock Graph server, inside a network namespace that has only a loopback interface
// (so nothing can reach a non-loopback address). Run with the Node.js that runs that n8n.
//
//   drive.js <n8n dir (cache)> <installed package dir> <work dir>
//
// Prints one `ROW|check|result|seconds` line per check.
'use strict'
const { spawn, spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const assert = require('node:assert/strict')

const [n8nDir, packageDir, work] = process.argv.slice(2)
const root = path.join(__dirname, '..', '..')
const { startMockGraph } = require(path.join(root, 'mock'))
const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n')
const n8nVersion = require(path.join(n8nDir, 'node_modules', 'n8n', 'package.json')).version
const major = Number(n8nVersion.split('.')[0])
const userFolder = path.join(work, `user-${n8nVersion}`)
const DAY = 24 * 3600e3
const APP_ID = '1234567890'
const APP_SECRET = crypto.randomBytes(16).toString('hex')
const ACCOUNT = '17841400000000001'
const USER = '1254477777772919'

const rows = []
async function check(name, fn) {
  const t0 = process.hrtime.bigint()
  let result
  try {
    const detail = await fn()
    result = detail ? `ok (${detail})` : 'ok'
  } catch (e) {
    result = 'FAILED'
    console.error(`${name}: ${e.stack || e.message}`)
    process.exitCode = 1
  }
  const secs = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)
  rows.push(name)
  console.log(`ROW|${name}|${result}|${secs}`)
  if (result === 'FAILED') throw new Error(`stopped after: ${name}`)
}

/** Polls `fn` until it returns a truthy value or `ms` pass (then fails with `what`). */
async function waitFor(what, fn, ms = 60000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })

let env
let n8n
let n8nLog
function n8nCli(args) {
  const r = spawnSync(process.execPath, [n8nBin, ...args], { env, encoding: 'utf8', timeout: 180000 })
  fs.appendFileSync(n8nLog, `\n$ n8n ${args.join(' ')}\n${r.stdout}${r.stderr}`)
  if (r.status !== 0) throw new Error(`n8n ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  return r.stdout
}

async function startN8n(port) {
  const out = fs.openSync(n8nLog, 'a')
  n8n = spawn(process.execPath, [n8nBin, 'start'], { env, stdio: ['ignore', out, out] })
  const t0 = Date.now()
  await waitFor('n8n to answer /healthz/readiness', async () => {
    if (n8n.exitCode !== null) throw new Error(`n8n exited (${n8n.exitCode}); see ${n8nLog}`)
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz/readiness`, { signal: AbortSignal.timeout(5000) })
      return r.status === 200
    } catch {
      return false
    }
  }, 240000)
  return ((Date.now() - t0) / 1000).toFixed(1)
}

async function stopN8n() {
  if (!n8n || n8n.exitCode !== null) return
  const exited = new Promise((r) => n8n.once('exit', r))
  n8n.kill('SIGTERM')
  await exited
}

/** The run data of a stored execution, parsed with n8n's own copy of flatted. */
function runData(execution) {
  const flatted = require(require.resolve('flatted', { paths: [path.join(n8nDir, 'node_modules', 'n8n')] }))
  return flatted.parse(execution.data)
}

/** The executions n8n stored (status, and the JSON of their data), through n8n's own sqlite3. */
function executions() {
  const sqlite3 = require(require.resolve('sqlite3', { paths: [path.join(n8nDir, 'node_modules', 'n8n')] }))
  const db = new sqlite3.Database(path.join(userFolder, '.n8n', 'database.sqlite'), sqlite3.OPEN_READONLY)
  return new Promise((resolve, reject) => {
    db.all(
      'SELECT e.id, e.status, e.finished, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ORDER BY e.id',
      (err, list) => {
        db.close()
        if (err) reject(err)
        else resolve(list)
      },
    )
  })
}

function sign(body) {
  return 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
}

function delivery(mid, { echo = false, text = 'hello' } = {}) {
  const sender = echo ? ACCOUNT : USER
  const recipient = echo ? USER : ACCOUNT
  return Buffer.from(
    `{"object":"instagram","entry":[{"id":"${ACCOUNT}","time":${Date.now()},"messaging":[{"sender":{"id":"${sender}"},"recipient":{"id":"${recipient}"},"timestamp":${Date.now()},"message":{"mid":"${mid}","text":"${text}"${echo ? ',"is_echo":true' : ''}}}]}]}`,
  )
}

async function main() {
  fs.rmSync(userFolder, { recursive: true, force: true })
  fs.mkdirSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules'), { recursive: true })
  n8nLog = path.join(work, `n8n-${n8nVersion}.log`)
  fs.writeFileSync(n8nLog, '')
  const port = await freePort()
  const brokerPort = await freePort()
  const mock = await startMockGraph({ now: Date.now(), appId: APP_ID, appSecret: APP_SECRET, account: { userId: ACCOUNT } })
  env = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    HOME: userFolder,
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    // the public base URL of webhooks: N8N_WEBHOOK_URL in 2.x, WEBHOOK_URL in 1.x (deprecated in 2.x)
    ...(major >= 2 ? { N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/` } : { WEBHOOK_URL: `http://127.0.0.1:${port}/` }),
    N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    // 2.x: a module that fetches a list from n8n's servers at every start (1.x does not know it)
    ...(major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    DB_SQLITE_POOL_SIZE: '1',
    N8N_SECURE_COOKIE: 'false',
    NODE_ENV: 'production',
  }
  let exchangedToken

  try {
    await check('network: only the loopback interface is reachable', async () => {
      const attempt = (host) =>
        new Promise((resolve) => {
          const sock = net.connect({ host, port: 443, timeout: 5000 })
          sock.once('connect', () => (sock.destroy(), resolve('connected')))
          sock.once('timeout', () => (sock.destroy(), resolve('timeout')))
          sock.once('error', (e) => resolve(e.code))
        })
      const results = [await attempt('1.1.1.1'), await attempt('2606:4700:4700::1111')]
      if (process.env.TEST_N8N_NETNS === '1') {
        assert.deepEqual(results.map((r) => /^(ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL)$/.test(r)), [true, true], `outside connections: ${results}`)
        return `1.1.1.1:443 ${results[0]}, [2606:4700:4700::1111]:443 ${results[1]}`
      }
      return `NOT isolated: 1.1.1.1:443 ${results[0]}`
    })

    await check(`install n8n-nodes-instagram into ${path.basename(userFolder)} (as the UI does)`, async () => {
      const downloadDir = path.join(userFolder, '.n8n', 'nodes')
      fs.cpSync(packageDir, path.join(downloadDir, 'node_modules', 'n8n-nodes-instagram'), { recursive: true })
      const version = require(path.join(packageDir, 'package.json')).version
      fs.writeFileSync(path.join(downloadDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-instagram': version } }, null, 2))
      return `n8n ${n8nVersion}, node ${process.version}`
    })

    const credentialId = 'igNativeCred0001'
    const workflowId = 'igNativeFlow0001'
    const credential = (data) => [{ id: credentialId, name: 'Instagram (mock)', type: 'instagramNativeApi', data }]
    const shortLived = mock.tokens.issueShortLived({ loginType: 'instagram' })
    const credentialData = {
      loginType: 'instagram',
      oauthAccessToken: shortLived,
      clientSecret: APP_SECRET,
      metaAppId: APP_ID,
      metaAppSecret: APP_SECRET,
      instagramUrl: mock.url,
      facebookUrl: mock.url,
    }
    await check('import a credential and a Trigger -> Instagram workflow (n8n CLI)', async () => {
      fs.writeFileSync(path.join(work, 'credential.json'), JSON.stringify(credential(credentialData)))
      n8nCli(['import:credentials', `--input=${path.join(work, 'credential.json')}`])
      const cred = { instagramNativeApi: { id: credentialId, name: 'Instagram (mock)' } }
      const workflow = {
        id: workflowId,
        name: 'Instagram echo test',
        active: false,
        nodes: [
          { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Instagram Trigger', type: 'n8n-nodes-instagram.instagramTrigger', typeVersion: 1, position: [0, 0], webhookId: 'b6f0a7c2-1111-4111-8111-000000000001', parameters: { registration: 'automatic' }, credentials: cred },
          // runs first (v1 order: top to bottom); its failures become items ("Continue On Fail")
          { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'Account', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [300, -200], onError: 'continueRegularOutput', parameters: { resource: 'account', operation: 'get' }, credentials: cred },
          { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Reply', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [300, 0], parameters: { resource: 'message', operation: 'sendText', recipientId: '={{ $json.senderId }}', text: '=You said: {{ $json.text }}' }, credentials: cred },
        ],
        connections: { 'Instagram Trigger': { main: [[{ node: 'Account', type: 'main', index: 0 }, { node: 'Reply', type: 'main', index: 0 }]] } },
        settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
      }
      fs.writeFileSync(path.join(work, 'workflow.json'), JSON.stringify([workflow]))
      n8nCli(['import:workflow', `--input=${path.join(work, 'workflow.json')}`])
      if (major >= 2) n8nCli(['publish:workflow', `--id=${workflowId}`])
      else n8nCli(['update:workflow', `--id=${workflowId}`, '--active=true'])
    })

    const webhookUrl = `http://127.0.0.1:${port}/webhook/b6f0a7c2-1111-4111-8111-000000000001/webhook`
    /**
     * n8n is ready (/healthz/readiness) before it has activated the workflows: until then (1.x:
     * the trigger's activation at every start) a webhook answers 404 "not registered" (Meta
     * retries such deliveries). Waits until the production webhook answers something else: a
     * GET without Meta's parameters, which the trigger refuses (no execution).
     */
    const webhookRegistered = async () => {
      const t0 = Date.now()
      await waitFor('the production webhook to be registered', async () => {
        try {
          const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(5000) })
          return r.status !== 404
        } catch {
          return false
        }
      })
      return ((Date.now() - t0) / 1000).toFixed(1)
    }
    await check('start n8n; the trigger registers its webhook (Meta\'s handshake answered)', async () => {
      const up = await startN8n(port)
      const hook = await webhookRegistered()
      const reg = await waitFor('POST /{app-id}/subscriptions', () => mock.appSubscriptions.get('instagram'))
      assert.equal(reg.callbackUrl, webhookUrl)
      assert.deepEqual(reg.fields, ['messages', 'messaging_postbacks', 'message_reactions', 'comments'])
      const post = mock.requests.find((e) => e.method === 'POST' && e.path.endsWith(`/${APP_ID}/subscriptions`))
      assert.equal(post.query.access_token, undefined) // the app token travels in the header
      // the account itself is subscribed to the app (POST /me/subscribed_apps), with the token pasted
      const sub = await waitFor('POST /me/subscribed_apps', () => mock.requests.find((e) => e.method === 'POST' && e.path.endsWith('/me/subscribed_apps')))
      assert.equal(sub.headers.authorization, `Bearer ${shortLived}`)
      assert.equal(sub.query.subscribed_fields, 'messages,messaging_postbacks,message_reactions,comments')
      return `n8n ready in ${up} s, webhook registered ${hook} s later; callback verified by the mock; account subscribed`
    })

    await check('a signed delivery: 200, answered once', async () => {
      const body = delivery('m-1')
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body })
      assert.equal(r.status, 200)
      const done = await waitFor('the execution to finish', async () => {
        const list = await executions()
        return list.length >= 1 && list.every((e) => e.status !== 'running' && e.status !== 'new') && list
      })
      assert.equal(done.length, 1)
      assert.equal(done[0].status, 'success')
      const sent = mock.sent
      assert.equal(sent.length, 1)
      assert.deepEqual(sent[0].body.recipient, { id: USER })
      assert.equal(sent[0].body.message.text, 'You said: hello')
      exchangedToken = mock.requests.find((e) => e.path.endsWith('/messages')).headers.authorization.slice(7)
      assert.equal(mock.tokens.get(exchangedToken).kind, 'long')
      return 'token exchanged on first use'
    })

    await check('an echo is not answered (no execution)', async () => {
      const before = (await executions()).length
      const echo = delivery('m-echo', { echo: true, text: 'You said: hello' })
      const r1 = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(echo) }, body: echo })
      assert.equal(r1.status, 200)
      const next = delivery('m-2', { text: 'again' })
      await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(next) }, body: next })
      await waitFor('the reply to the second message', () => mock.sent.length >= 2)
      await waitFor('its execution to be stored', async () => (await executions()).filter((e) => e.finished).length >= before + 1)
      assert.equal(mock.sent.length, 2)
      assert.equal(mock.sent[1].body.message.text, 'You said: again')
      assert.equal((await executions()).length, before + 1)
      return '1 execution for 2 deliveries'
    })

    await check('a forged delivery: 401, no execution', async () => {
      const before = (await executions()).length
      const body = delivery('m-forged')
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(Buffer.from('other')) }, body })
      assert.equal(r.status, 401)
      assert.equal((await executions()).length, before)
    })

    await check('restart: the token is kept (no new exchange)', async () => {
      await stopN8n()
      const exchanges = mock.requestsTo('/access_token').length
      const up = await startN8n(port)
      const hook = await webhookRegistered()
      const body = delivery('m-3', { text: 'after restart' })
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(body) }, body })
      assert.equal(r.status, 200)
      await waitFor('the reply after the restart', () => mock.sent.length >= 3)
      assert.equal(mock.requestsTo('/access_token').length, exchanges)
      const last = mock.requests.filter((e) => e.path.endsWith('/messages')).at(-1)
      assert.equal(last.headers.authorization, `Bearer ${exchangedToken}`)
      return `n8n ready in ${up} s, webhook ${hook} s later; same long-lived token, no exchange`
    })

    await check(`revoked token: Meta's 400/190 ${major >= 2 ? 're-runs the hook once (preAuthenticationRetryStatusCode), then ' : ''}fails with TOKEN_INVALID`, async () => {
      mock.tokens.revoke(exchangedToken, 460)
      const execsBefore = (await executions()).length
      const sentBefore = mock.sent.length
      const fromN8n = () => mock.requests.filter((e) => e.path === '/v24.0/me' && !String(e.headers['user-agent'] || '').startsWith('instagram-native/'))
      const meBefore = fromN8n().length
      const body = delivery('m-revoked', { text: 'revoked' })
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(body) }, body })
      assert.equal(r.status, 200)
      const failed = await waitFor('the failed execution', async () => (await executions()).slice(execsBefore).find((e) => e.status === 'error'))
      assert.equal(mock.sent.length, sentBefore)
      const run = runData(failed)
      const error = run.resultData.error
      assert.deepEqual(
        { code: error.context && error.context.code, graphCode: error.context && error.context.graphCode, graphSubcode: error.context && error.context.graphSubcode },
        { code: 'TOKEN_INVALID', graphCode: 190, graphSubcode: 460 },
        `stored error: ${JSON.stringify({ message: error.message, context: error.context, httpCode: error.httpCode })}`,
      )
      assert.match(String(error.description), /reconnect/)
      const item = run.resultData.runData.Account[0].data.main[0][0].json
      assert.equal(item.code, 'TOKEN_INVALID')
      // two nodes (Account, Reply) each make one authenticated call through n8n; 2.x repeats it
      // once after running the hook again
      const calls = fromN8n().length - meBefore
      assert.equal(calls, major >= 2 ? 4 : 2, `authenticated GET /me calls through n8n: ${calls}`)
      return `context ${error.context.code} ${error.context.graphCode}/${error.context.graphSubcode}, httpCode ${error.httpCode}; ${calls} calls through n8n for 2 nodes`
    })

    await check('expired token: activation still works, the delivery runs, the error keeps TOKEN_EXPIRED', async () => {
      await stopN8n()
      // the stored token expired a day ago (nobody ran the workflow for 61 days)
      const expired = mock.tokens.issueLongLived({ issuedAt: Date.now() - 61 * DAY })
      fs.writeFileSync(
        path.join(work, 'credential.json'),
        JSON.stringify(credential({ ...credentialData, oauthAccessToken: '', accessToken: expired, accessTokenIssuedAt: Date.now() - 61 * DAY, accessTokenExpiresAt: Date.now() - DAY, session: '' })),
      )
      n8nCli(['import:credentials', `--input=${path.join(work, 'credential.json')}`])
      const sentBefore = mock.sent.length
      const execsBefore = (await executions()).length
      const logBefore = fs.readFileSync(n8nLog, 'utf8').length
      const up = await startN8n(port)
      const hook = await webhookRegistered()
      if (major < 2) {
        // 1.x activates the trigger at every start: with the expired token it still activates,
        // and says that the account step was skipped
        const since = () => fs.readFileSync(n8nLog, 'utf8').slice(logBefore)
        await waitFor('"Activated workflow" in the n8n log', () => /Activated workflow "Instagram echo test"/.test(since()))
        assert.match(since(), /not subscribed to the app \(no usable token \(TOKEN_EXPIRED\)\)/)
      }
      const body = delivery('m-4', { text: 'late' })
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'x-hub-signature-256': sign(body) }, body })
      assert.equal(r.status, 200) // the trigger still receives
      const failed = await waitFor('the failed execution', async () => {
        const list = (await executions()).slice(execsBefore)
        return list.find((e) => e.finished !== null && e.status === 'error')
      })
      assert.equal(mock.sent.length, sentBefore)
      const data = failed.data || ''
      assert.ok(!data.includes(expired), 'the token is not in the execution data')
      assert.ok(!data.includes(APP_SECRET), 'the app secret is not in the execution data')
      const run = runData(failed)
      const error = run.resultData.error
      assert.equal(run.resultData.lastNodeExecuted, 'Reply')
      assert.equal(error.context && error.context.code, 'TOKEN_EXPIRED', `stored error: ${JSON.stringify({ name: error.name, message: error.message, context: error.context, httpCode: error.httpCode })}`)
      assert.equal(error.httpCode, '401')
      assert.match(String(error.description), /reconnect/)
      // the node with "Continue On Fail" ran before it: its item carries the code
      const item = run.resultData.runData.Account[0].data.main[0][0].json
      assert.equal(item.code, 'TOKEN_EXPIRED', `continue-on-fail item: ${JSON.stringify(item)}`)
      return `n8n ready in ${up} s, webhook ${hook} s later; context.code ${error.context.code}, httpCode ${error.httpCode}; continue-on-fail item code ${item.code}`
    })

    await check('no secret in n8n\'s log or execution data; no echo executed; nothing left loopback', async () => {
      await stopN8n()
      const log = fs.readFileSync(n8nLog, 'utf8')
      for (const secret of [APP_SECRET, shortLived, exchangedToken]) assert.ok(!log.includes(secret), 'a secret is in the log')
      const all = await executions()
      for (const secret of [APP_SECRET, shortLived, exchangedToken]) assert.ok(!all.some((e) => (e.data || '').includes(secret)), 'a secret is in the execution data')
      assert.ok(!all.some((e) => (e.data || '').includes('m-echo')), 'an execution holds the echo')
      assert.ok(!mock.sent.some((x) => x.body.recipient && x.body.recipient.id === ACCOUNT), 'a message went to the account itself')
      const hosts = [...new Set(mock.requests.map((e) => e.headers.host))]
      assert.deepEqual(hosts.filter((h) => !/^127\.0\.0\.1:\d+$/.test(h)), [])
      return 'network namespace with loopback only'
    })
  } catch (e) {
    if (!String(e.message).startsWith('stopped after')) throw e
  } finally {
    await stopN8n()
    await mock.close()
  }
}

main().catch((e) => {
  console.error(e.stack || e.message)
  process.exitCode = 1
})
