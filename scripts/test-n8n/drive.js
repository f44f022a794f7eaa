#!/usr/bin/env node
// Part of scripts/test-n8n.sh: drives one real n8n release with n8n-nodes-instagram installed,
// against the mock Graph server, inside a network namespace that has only a loopback interface
// (so nothing can reach a non-loopback address). Run with the Node.js that runs that n8n.
//
//   drive.js <n8n dir (cache)> <installed package dir> <work dir>
//
// Prints one `ROW|check|result|seconds` line per check.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const assert = require('node:assert/strict')
const h = require('./harness')
const { DAY, APP_ID, ACCOUNT, USER, check, waitFor, freePort, delivery, batch } = h

const { release, packageDir, work, userFolder, appSecret: APP_SECRET, startMockGraph } = h.driverArgs()
const n8nVersion = release.version
const major = release.major
const sign = (body) => h.sign(APP_SECRET, body)

let env
let n8n
let n8nLog
const n8nCli = (args) => h.n8nCli(release, env, n8nLog, args)

async function startN8n(port) {
  n8n = await h.startN8nProcess(release, env, n8nLog, ['start'], `http://127.0.0.1:${port}/healthz/readiness`)
  return n8n.readySecs
}

const stopN8n = () => h.stopProcess(n8n)

/** The run data of a stored execution, parsed with n8n's own copy of flatted. */
const runData = (execution) => h.n8nModule(release, 'flatted').parse(execution.data)

/** The executions n8n stored (status, and the JSON of their data), through n8n's own sqlite3. */
function executions() {
  const sqlite3 = h.n8nModule(release, 'sqlite3')
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

async function main() {
  fs.rmSync(userFolder, { recursive: true, force: true })
  fs.mkdirSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules'), { recursive: true })
  n8nLog = path.join(work, `n8n-${n8nVersion}.log`)
  fs.writeFileSync(n8nLog, '')
  const port = await freePort()
  const brokerPort = await freePort()
  const mock = await startMockGraph({ now: Date.now(), appId: APP_ID, appSecret: APP_SECRET, account: { userId: ACCOUNT } })
  env = h.n8nEnv(release, { userFolder, port, brokerPort, encryptionKey: crypto.randomBytes(24).toString('hex'), extra: { DB_SQLITE_POOL_SIZE: '1' } })
  let exchangedToken

  try {
    await check('network: only the loopback interface is reachable', h.loopbackOnly)

    await check(`install n8n-nodes-instagram into ${path.basename(userFolder)} (as the UI does)`, async () => {
      h.installPackageLikeTheUi(packageDir, userFolder)
      return `n8n ${n8nVersion}, node ${process.version}`
    })

    const credential = h.credentialFile
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
      h.importAndPublish(release, env, n8nLog, work, credentialData, h.echoWorkflow())
    })

    const webhookUrl = h.webhookUrlOf(port)
    const webhookRegistered = () => h.webhookRegistered(webhookUrl)
    await check('start n8n; the trigger registers its webhook (Meta\'s handshake answered)', async () => {
      const up = await startN8n(port)
      const hook = await webhookRegistered()
      await h.assertRegistered(mock, webhookUrl, shortLived)
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

    /** POSTs a signed delivery; asserts the 200. */
    const post = async (body) => {
      const r = await fetch(webhookUrl, { signal: AbortSignal.timeout(30000), method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body })
      assert.equal(r.status, 200)
    }
    /** The replies sent so far to the messages `mids` (by their echo text). */
    const repliesTo = (...texts) => mock.sent.filter((x) => x.body.message && texts.map((t) => `You said: ${t}`).includes(x.body.message.text)).length
    /** Waits for `n` more finished executions than `before`; returns the new ones. */
    const newExecutions = async (before, n) =>
      waitFor(`${n} new finished execution(s)`, async () => {
        const list = (await executions()).slice(before)
        return list.length >= n && list.every((e) => e.finished !== null && e.status !== 'running' && e.status !== 'new') && list
      })

    await check("deduplication: Meta's redelivery of a batch starts nothing; a batch keeps its unseen events", async () => {
      const before = (await executions()).length
      const first = batch([{ mid: 'm-10', text: 'ten' }, { mid: 'm-11', text: 'eleven' }])
      await post(first)
      await newExecutions(before, 1)
      assert.equal(repliesTo('ten', 'eleven'), 2)
      await post(first) // the same bytes again
      // Meta's retry in another batch (other entry time, so other bytes) beside a new message
      await post(batch([{ mid: 'm-11', text: 'eleven' }, { mid: 'm-12', text: 'twelve' }]))
      await waitFor('the reply to the new message', () => repliesTo('twelve') === 1)
      await newExecutions(before, 2)
      assert.equal((await executions()).length, before + 2, 'executions: the batch, then only the new message')
      assert.equal(repliesTo('ten', 'eleven'), 2, 'm-10 and m-11 answered once each')
      return '3 deliveries (one redelivered as is, one rebatched), 2 executions, each message answered once'
    })

    await check('a comment: the Comments output runs a private reply, then a public reply; its ad-style redelivery starts nothing', async () => {
      const before = (await executions()).length
      const sentBefore = mock.sent.length
      const COMMENT = '17865799348089090'
      await post(batch([{ comment: COMMENT }]))
      const [run] = await newExecutions(before, 1)
      assert.equal(run.status, 'success', `the comment execution: ${run.status}`)
      await waitFor('the public reply', () => mock.comments.replies.length >= 1)
      const privateReplies = mock.sent.slice(sentBefore).filter((x) => x.body.recipient && x.body.recipient.comment_id === COMMENT)
      assert.equal(privateReplies.length, 1)
      assert.deepEqual(mock.comments.replies.map((r) => [r.commentId, r.text]), [[COMMENT, 'Sent you a DM!']])
      // the same comment again, now carrying ad_id (other bytes), then a fence message
      await post(batch([{ comment: COMMENT, adId: '120210000000000009' }]))
      await post(batch([{ mid: 'm-13', text: 'thirteen' }]))
      await waitFor('the reply to the fence message', () => repliesTo('thirteen') === 1)
      await newExecutions(before, 2)
      assert.equal((await executions()).length, before + 2)
      assert.equal(mock.comments.replies.length, 1, 'one public reply')
      assert.equal(mock.sent.filter((x) => x.body.recipient && x.body.recipient.comment_id === COMMENT).length, 1, 'one private reply')
      return 'private reply (recipient.comment_id) and public reply sent once; the redelivery with ad_id ran nothing'
    })

    await check('restart: the token is kept (no new exchange), and the deduplication keys too', async () => {
      await stopN8n()
      const exchanges = mock.requestsTo('/access_token').length
      const up = await startN8n(port)
      const hook = await webhookRegistered()
      // m-10 again (seen before the restart: the keys were kept in the static data) beside a new one
      const sentBefore = mock.sent.length
      await post(batch([{ mid: 'm-10', text: 'ten' }, { mid: 'm-3', text: 'after restart' }]))
      await waitFor('the reply after the restart', () => repliesTo('after restart') === 1)
      assert.equal(mock.sent.length, sentBefore + 1, 'only the new message is answered')
      assert.equal(repliesTo('ten'), 1, 'm-10 was not answered again after the restart')
      assert.equal(mock.requestsTo('/access_token').length, exchanges)
      const last = mock.requests.filter((e) => e.path.endsWith('/messages')).at(-1)
      assert.equal(last.headers.authorization, `Bearer ${exchangedToken}`)
      return `n8n ready in ${up} s, webhook ${hook} s later; same long-lived token, no exchange; a message seen before the restart not run again`
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
        // and says that the account step was skipped. On a loaded machine the first try at
        // start-up can fail on n8n's side (its database busy) and n8n's retry logs "Activation of
        // workflow … was successful" instead.
        const since = () => fs.readFileSync(n8nLog, 'utf8').slice(logBefore)
        const activated = /Activated workflow "Instagram echo test"|Activation of workflow "Instagram echo test" \(\w+\) was successful/
        await waitFor('the activation in the n8n log', () => activated.test(since()))
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
