'use strict'
// What the real-n8n drivers share (drive.js: one n8n on SQLite; queue-drive.js: n8n in queue
// mode): the check table, polling with deadlines, the n8n environment and processes, the
// package installed the way n8n's UI leaves it, signed Meta deliveries, the workflow under test.
const { spawn, spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const assert = require('node:assert/strict')

const DAY = 24 * 3600e3
const APP_ID = '1234567890'
const ACCOUNT = '17841400000000001'
const USER = '1254477777772919'
const CREDENTIAL_ID = 'igNativeCred0001'
const WORKFLOW_ID = 'igNativeFlow0001'
const WEBHOOK_ID = 'b6f0a7c2-1111-4111-8111-000000000001'

/**
 * A driver's command line `<n8n dir (cache)> <installed package dir> <work dir>`: the n8n release,
 * the package, the work and user folders, a random app secret, and the mock Graph server's start.
 */
function driverArgs() {
  const [n8nDir, packageDir, work] = process.argv.slice(2)
  const release = n8nRelease(n8nDir)
  const { startMockGraph } = require(path.join(__dirname, '..', '..', 'mock'))
  const userFolder = path.join(work, `user-${release.version}`)
  return { release, packageDir, work, userFolder, appSecret: crypto.randomBytes(16).toString('hex'), startMockGraph }
}

/** The n8n release installed in `n8nDir` (scripts/test-n8n/install-n8n.sh). */
function n8nRelease(n8nDir) {
  const version = require(path.join(n8nDir, 'node_modules', 'n8n', 'package.json')).version
  return { dir: n8nDir, bin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'), version, major: Number(version.split('.')[0]) }
}

/** A module from n8n's own dependencies (flatted, sqlite3, pg). */
function n8nModule(release, name) {
  return require(require.resolve(name, { paths: [path.join(release.dir, 'node_modules', 'n8n')] }))
}

/**
 * `check(name, fn)` runs one check and prints `ROW|name|result|seconds` (the table of the shell
 * script); a failed check stops the driver (`stopped after: …`), its stack goes to stderr.
 */
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
  console.log(`ROW|${name}|${result}|${secs}`)
  if (result === 'FAILED') throw new Error(`stopped after: ${name}`)
}

/** Polls `fn` until it returns a truthy value or `ms` pass (then fails with `what`). */
async function waitFor(what, fn, ms = 60000, everyMs = 200) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })

/** The environment of one n8n process (main or worker); `extra` adds or overrides. */
function n8nEnv(release, { userFolder, port, brokerPort, encryptionKey, webhookPort = port, extra = {} }) {
  const major = release.major
  return {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    HOME: userFolder,
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    // the public base URL of webhooks: N8N_WEBHOOK_URL in 2.x, WEBHOOK_URL in 1.x (deprecated in 2.x)
    ...(major >= 2 ? { N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/` } : { WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/` }),
    N8N_ENCRYPTION_KEY: encryptionKey,
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
    N8N_SECURE_COOKIE: 'false',
    NODE_ENV: 'production',
    ...extra,
  }
}

/** Runs the n8n CLI once (import, publish …), its output appended to `log`. */
function n8nCli(release, env, log, args) {
  const r = spawnSync(process.execPath, [release.bin, ...args], { env, encoding: 'utf8', timeout: 180000 })
  fs.appendFileSync(log, `\n$ n8n ${args.join(' ')}\n${r.stdout}${r.stderr}`)
  if (r.status !== 0) throw new Error(`n8n ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  return r.stdout
}

/** Starts `n8n <args…>` with its output appended to `log`; waits until `readyUrl` answers 200. */
async function startN8nProcess(release, env, log, args, readyUrl) {
  const command = args.join(' ')
  const out = fs.openSync(log, 'a')
  const child = spawn(process.execPath, [release.bin, ...args], { env, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const t0 = Date.now()
  await waitFor(`n8n ${command} to answer ${readyUrl}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n ${command} exited (${child.exitCode ?? child.signalCode}); see ${log}`)
    try {
      const r = await fetch(readyUrl, { signal: AbortSignal.timeout(5000) })
      return r.status === 200
    } catch {
      return false
    }
  }, 240000, 300)
  child.readySecs = ((Date.now() - t0) / 1000).toFixed(1)
  return child
}

/** SIGTERM, and waits for the exit (nothing when it has exited already). */
async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

/**
 * The node package as n8n's UI leaves it: unpacked with its dependencies under
 * <user folder>/.n8n/nodes/node_modules, listed in that folder's package.json.
 */
function installPackageLikeTheUi(packageDir, userFolder) {
  const downloadDir = path.join(userFolder, '.n8n', 'nodes')
  fs.mkdirSync(path.join(downloadDir, 'node_modules'), { recursive: true })
  fs.cpSync(packageDir, path.join(downloadDir, 'node_modules', 'n8n-nodes-instagram'), { recursive: true })
  const version = require(path.join(packageDir, 'package.json')).version
  fs.writeFileSync(path.join(downloadDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-instagram': version } }, null, 2))
  return version
}

/** Proves that only loopback is reachable (inside `unshare -n`, TEST_N8N_NETNS=1). */
async function loopbackOnly() {
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
}

const sign = (secret, body) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')

/** One Meta delivery of a message (or of the account's own echo), as raw bytes. */
function delivery(mid, { echo = false, text = 'hello' } = {}) {
  return batch([{ mid, echo, text }])
}

/**
 * One Meta delivery of several messages (`{ mid, text?, echo? }`) and comments (`{ comment: id,
 * text?, adId? }`: a comment on an ad carries `ad_id`), as raw bytes. The entry time is now, so a
 * redelivery of the same items has other bytes.
 */
function batch(items) {
  const message = ({ mid, echo = false, text = 'hello' }) => ({
    sender: { id: echo ? ACCOUNT : USER },
    recipient: { id: echo ? USER : ACCOUNT },
    timestamp: Date.now(), // the person's message, just now (the node checks Meta's messaging window)
    message: { mid, text, ...(echo ? { is_echo: true } : {}) },
  })
  const change = ({ comment, text = 'Price?', adId }) => ({
    field: 'comments',
    value: { id: comment, text, from: { id: USER, username: 'a_customer' }, media: { id: '17887498072083520', media_product_type: adId ? 'AD' : 'FEED' }, ...(adId ? { ad_id: adId } : {}) },
  })
  const messaging = items.filter((i) => !i.comment).map(message)
  const changes = items.filter((i) => i.comment).map(change)
  const entry = { id: ACCOUNT, time: Date.now(), ...(messaging.length ? { messaging } : {}), ...(changes.length ? { changes } : {}) }
  return Buffer.from(JSON.stringify({ object: 'instagram', entry: [entry] }))
}

/** POSTs a delivery signed with `secret` (or with `signature` as given); resolves to the status. */
async function deliver(url, secret, body, { signature, timeoutMs = 30000 } = {}) {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? sign(secret, body) }, body })
  await r.arrayBuffer()
  return r.status
}

/** The credential as `n8n import:credentials` reads it. */
const credentialFile = (data) => [{ id: CREDENTIAL_ID, name: 'Instagram (mock)', type: 'instagramNativeApi', data }]

/**
 * The Trigger → Reply workflow (with an "Account" node, continue-on-fail, when `account`). The
 * trigger is node version 2 with its defaults: outputs by kind, deduplication on. Messages go to
 * Reply; comments (output 7) to a private reply, then a public reply under the comment.
 */
function echoWorkflow({ account = true } = {}) {
  const cred = { instagramNativeApi: { id: CREDENTIAL_ID, name: 'Instagram (mock)' } }
  const trigger = { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Instagram Trigger', type: 'n8n-nodes-instagram.instagramTrigger', typeVersion: 2, position: [0, 0], webhookId: WEBHOOK_ID, parameters: { registration: 'automatic' }, credentials: cred }
  // runs first (v1 order: top to bottom); its failures become items ("Continue On Fail")
  const accountNode = { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'Account', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [300, -200], onError: 'continueRegularOutput', parameters: { resource: 'account', operation: 'get' }, credentials: cred }
  const reply = { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Reply', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [300, 0], parameters: { resource: 'message', operation: 'sendText', recipientId: '={{ $json.senderId }}', text: '=You said: {{ $json.text }}' }, credentials: cred }
  const privateReply = { id: 'a1b2c3d4-0000-4000-8000-000000000004', name: 'Private Reply', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [300, 200], parameters: { resource: 'comment', operation: 'privateReply', commentId: '={{ $json.comment.id }}', text: 'Thanks! Details in your DMs.' }, credentials: cred }
  const publicReply = { id: 'a1b2c3d4-0000-4000-8000-000000000005', name: 'Public Reply', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [600, 200], parameters: { resource: 'comment', operation: 'reply', commentId: "={{ $('Instagram Trigger').item.json.comment.id }}", text: 'Sent you a DM!' }, credentials: cred }
  const to = (...nodes) => nodes.map((n) => ({ node: n.name, type: 'main', index: 0 }))
  const outputs = Array.from({ length: 8 }, () => [])
  outputs[0] = account ? to(accountNode, reply) : to(reply) // Messages
  outputs[6] = to(privateReply) // Comments
  return {
    id: WORKFLOW_ID,
    name: 'Instagram echo test',
    active: false,
    nodes: account ? [trigger, accountNode, reply, privateReply, publicReply] : [trigger, reply, privateReply, publicReply],
    connections: { 'Instagram Trigger': { main: outputs }, 'Private Reply': { main: [to(publicReply)] } },
    settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
  }
}

/** Imports the credential and the workflow with the n8n CLI and publishes (2.x) / activates (1.x) it. */
function importAndPublish(release, env, log, work, credentialData, workflow) {
  fs.writeFileSync(path.join(work, 'credential.json'), JSON.stringify(credentialFile(credentialData)))
  n8nCli(release, env, log, ['import:credentials', `--input=${path.join(work, 'credential.json')}`])
  fs.writeFileSync(path.join(work, 'workflow.json'), JSON.stringify([workflow]))
  n8nCli(release, env, log, ['import:workflow', `--input=${path.join(work, 'workflow.json')}`])
  if (release.major >= 2) n8nCli(release, env, log, ['publish:workflow', `--id=${WORKFLOW_ID}`])
  else n8nCli(release, env, log, ['update:workflow', `--id=${WORKFLOW_ID}`, '--active=true'])
}

const webhookUrlOf = (port) => `http://127.0.0.1:${port}/webhook/${WEBHOOK_ID}/webhook`

/**
 * n8n is ready (/healthz/readiness) before it has activated the workflows: until then a webhook
 * answers 404 "not registered" (Meta retries such deliveries). Waits until the production webhook
 * answers something else: a GET without Meta's parameters, which the trigger refuses.
 */
async function webhookRegistered(url) {
  const t0 = Date.now()
  await waitFor('the production webhook to be registered', async () => {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5000) })
      return r.status !== 404
    } catch {
      return false
    }
  })
  return ((Date.now() - t0) / 1000).toFixed(1)
}

/** Checks the trigger's registration at the mock: Meta's handshake answered, account subscribed. */
async function assertRegistered(mock, url, pastedToken) {
  const reg = await waitFor('POST /{app-id}/subscriptions', () => mock.appSubscriptions.get('instagram'))
  assert.equal(reg.callbackUrl, url)
  assert.deepEqual(reg.fields, ['messages', 'messaging_postbacks', 'message_reactions', 'comments'])
  const post = mock.requests.find((e) => e.method === 'POST' && e.path.endsWith(`/${APP_ID}/subscriptions`))
  assert.equal(post.query.access_token, undefined) // the app token travels in the header
  // the account itself is subscribed to the app (POST /me/subscribed_apps), with the token pasted
  const sub = await waitFor('POST /me/subscribed_apps', () => mock.requests.find((e) => e.method === 'POST' && e.path.endsWith('/me/subscribed_apps')))
  assert.equal(sub.headers.authorization, `Bearer ${pastedToken}`)
  assert.equal(sub.query.subscribed_fields, 'messages,messaging_postbacks,message_reactions,comments')
}

module.exports = {
  driverArgs,
  DAY,
  APP_ID,
  ACCOUNT,
  USER,
  CREDENTIAL_ID,
  WORKFLOW_ID,
  n8nRelease,
  n8nModule,
  check,
  waitFor,
  freePort,
  n8nEnv,
  n8nCli,
  startN8nProcess,
  stopProcess,
  installPackageLikeTheUi,
  loopbackOnly,
  sign,
  delivery,
  deliver,
  credentialFile,
  echoWorkflow,
  batch,
  importAndPublish,
  webhookUrlOf,
  webhookRegistered,
  assertRegistered,
}
