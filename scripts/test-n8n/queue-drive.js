#!/usr/bin/env node
// Part of scripts/test-n8n-queue.sh: n8n in queue mode (one main that takes the webhooks, two
// `n8n worker` processes, Redis for the queue, PostgreSQL shared by all three) with
// n8n-nodes-instagram installed the way n8n's UI does, against the mock Graph server. Redis and
// PostgreSQL are started by scripts/test-n8n/queue-services.sh (their ports come in QUEUE_REDIS_PORT
// and QUEUE_PG_PORT). Run with the Node.js that runs that n8n.
//
//   queue-drive.js <n8n dir (cache)> <installed package dir> <work dir>
//
// Prints one `ROW|check|result|seconds` line per check.
'use strict'
const { spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert/strict')
const h = require('./harness')
const { DAY, APP_ID, ACCOUNT, CREDENTIAL_ID, check, waitFor, freePort, delivery } = h

const { release, packageDir, work, userFolder, appSecret: APP_SECRET, startMockGraph } = h.driverArgs()
const ENCRYPTION_KEY = crypto.randomBytes(24).toString('hex')
const WORKERS = 2
const BURST = 50
const MODELS = ['new', 'new-revoke', 'same']
const REFRESH_BURST = 24
const DB = { host: '127.0.0.1', port: Number(process.env.QUEUE_PG_PORT), user: 'n8n', database: 'n8n' }
const mainLog = path.join(work, 'n8n-main.log')
const workerLog = (i) => path.join(work, `n8n-worker-${i}.log`)

// ---- n8n's credential encryption (n8n-core's CipherAes256CBC with the instance key: OpenSSL's
// "Salted__" format, EVP_BytesToKey with MD5), to read every write of the credential and to put a
// day-54 token into it while n8n runs
function keyAndIv(salt) {
  const password = Buffer.concat([Buffer.from(ENCRYPTION_KEY, 'binary'), salt])
  const h1 = crypto.createHash('md5').update(password).digest()
  const h2 = crypto.createHash('md5').update(Buffer.concat([h1, password])).digest()
  const iv = crypto.createHash('md5').update(Buffer.concat([h2, password])).digest()
  return [Buffer.concat([h1, h2]), iv]
}
function decrypt(data) {
  const input = Buffer.from(data, 'base64')
  const [key, iv] = keyAndIv(input.subarray(8, 16))
  const d = crypto.createDecipheriv('aes-256-cbc', key, iv)
  return JSON.parse(Buffer.concat([d.update(input.subarray(16)), d.final()]).toString('utf8'))
}
function encrypt(obj) {
  const salt = crypto.randomBytes(8)
  const [key, iv] = keyAndIv(salt)
  const c = crypto.createCipheriv('aes-256-cbc', key, iv)
  return Buffer.concat([Buffer.from('Salted__'), salt, c.update(JSON.stringify(obj)), c.final()]).toString('base64')
}

async function sql(text, params = []) {
  const { Client } = h.n8nModule(release, 'pg')
  const client = new Client(DB)
  await client.connect()
  try {
    return (await client.query(text, params)).rows
  } finally {
    await client.end()
  }
}

/** Every execution n8n stored (id, status, run data as JSON text). */
const executions = () =>
  sql('SELECT e.id, e.status, e.finished, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id ORDER BY e.id')

const storedCredential = async () => decrypt((await sql('SELECT data FROM credentials_entity WHERE id = $1', [CREDENTIAL_ID]))[0].data)

/** Which worker ran which execution: the workers' "Worker started execution N" log lines. */
function executionsByWorker() {
  const map = new Map()
  for (let i = 1; i <= WORKERS; i++) {
    for (const m of fs.readFileSync(workerLog(i), 'utf8').matchAll(/Worker started execution (\d+)/g)) map.set(Number(m[1]), i)
  }
  return map
}

/** The process that owns the local end of a loopback TCP connection (`ss -tnp`). */
function pidOfClientPort(port) {
  const r = spawnSync('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' })
  const m = /pid=(\d+)/.exec(r.stdout)
  return m ? Number(m[1]) : undefined
}

async function main() {
  fs.rmSync(userFolder, { recursive: true, force: true })
  for (const f of [mainLog, workerLog(1), workerLog(2)]) fs.writeFileSync(f, '')
  const port = await freePort()
  const mock = await startMockGraph({ now: Date.now(), appId: APP_ID, appSecret: APP_SECRET, account: { userId: ACCOUNT } })
  const control = async (route, body) => {
    const r = await fetch(`${mock.url}/__mock/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(r.status, 200, `POST /__mock/${route}: ${r.status}`)
    return r.json()
  }
  // the client port of every refresh request, to find the process that sent it
  const refreshPorts = []
  mock.server.on('request', (req) => {
    if (req.url.startsWith('/refresh_access_token')) refreshPorts.push(req.socket.remotePort)
  })
  const queue = {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: process.env.QUEUE_REDIS_PORT,
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: DB.host,
    DB_POSTGRESDB_PORT: String(DB.port),
    DB_POSTGRESDB_USER: DB.user,
    DB_POSTGRESDB_DATABASE: DB.database,
    DB_POSTGRESDB_PASSWORD: '',
    DB_POSTGRESDB_POOL_SIZE: '20',
    // a loaded machine: n8n answers 503 while its database ping (default 5 s) fails
    DB_PING_TIMEOUT_MS: '30000',
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    QUEUE_HEALTH_CHECK_ACTIVE: 'true',
    // a killed worker's jobs are noticed within seconds (defaults: 60 s lock, 30 s)
    QUEUE_WORKER_LOCK_DURATION: '10000',
    QUEUE_WORKER_STALLED_INTERVAL: '5000',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
  }
  const envOf = async (extra) => h.n8nEnv(release, { userFolder, port, brokerPort: await freePort(), encryptionKey: ENCRYPTION_KEY, extra: { ...queue, ...extra } })
  const mainEnv = await envOf({})
  const procs = { main: undefined, workers: [] }
  const webhookUrl = h.webhookUrlOf(port)
  const secrets = [APP_SECRET, ENCRYPTION_KEY]
  let credentialData

  /** Sends `count` deliveries `perSecond` apart (not waiting for the answers in between); all must be 200. */
  async function burst(prefix, count, perSecond) {
    const mids = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`)
    const answers = []
    for (const mid of mids) {
      const body = delivery(mid, { text: mid })
      answers.push(h.deliver(webhookUrl, APP_SECRET, body, { timeoutMs: 180000 }))
      await new Promise((r) => setTimeout(r, 1000 / perSecond))
    }
    const statuses = await Promise.all(answers)
    assert.deepEqual(statuses.filter((s) => s !== 200), [], 'every delivery answered 200')
    return mids
  }

  /** The stored executions after `afterId` once `count` of them have finished. */
  async function finished(afterId, count, ms = 240000) {
    return waitFor(`${count} finished executions`, async () => {
      const list = (await executions()).filter((e) => e.id > afterId)
      return list.length >= count && list.every((e) => !['new', 'running', 'waiting'].includes(e.status)) && list
    }, ms, 500)
  }

  const lastExecutionId = async () => (await executions()).reduce((m, e) => Math.max(m, e.id), 0)
  const answersTo = (mid) => mock.sent.filter((s) => s.body.message && s.body.message.text === `You said: ${mid}`).length
  const executionsOf = (list, mid) => list.filter((e) => (e.data || '').includes(`"${mid}"`))

  /** Every event answered exactly once and carried by exactly one successful execution. */
  function exactlyOnce(mids, list) {
    for (const mid of mids) {
      assert.equal(answersTo(mid), 1, `${mid}: answered ${answersTo(mid)} times`)
      const ex = executionsOf(list, mid)
      assert.equal(ex.length, 1, `${mid}: in ${ex.length} executions`)
      assert.equal(ex[0].status, 'success', `${mid}: execution ${ex[0].id} ${ex[0].status}`)
    }
    assert.equal(list.length, mids.length, `${list.length} executions for ${mids.length} deliveries`)
  }

  /** How the executions of `list` spread over the workers; every worker must have run some. */
  function spread(list) {
    const byWorker = executionsByWorker()
    const counts = Array.from({ length: WORKERS }, (_, i) => list.filter((e) => byWorker.get(e.id) === i + 1).length)
    assert.equal(counts.reduce((a, b) => a + b, 0), list.length, `executions not in any worker log: ${list.filter((e) => !byWorker.has(e.id)).map((e) => e.id)}`)
    assert.ok(counts.every((c) => c > 0), `one worker ran nothing: ${counts}`)
    return counts.map((c, i) => `worker ${i + 1}: ${c}`).join(', ')
  }

  /** Puts a new long-lived token issued 54 days ago (6 days left: inside the 7-day refresh window) into the stored credential. */
  async function day54() {
    await control('clock', { set: Date.now() })
    const issuedAt = Date.now() - 54 * DAY
    const token = mock.tokens.issueLongLived({ issuedAt })
    const data = { ...credentialData, oauthAccessToken: '', accessToken: token, accessTokenIssuedAt: issuedAt, accessTokenExpiresAt: issuedAt + 60 * DAY, session: '' }
    await sql('UPDATE credentials_entity SET data = $1 WHERE id = $2', [encrypt(data), CREDENTIAL_ID])
    await sql('TRUNCATE credential_writes')
    secrets.push(token)
    return token
  }

  try {
    await check('network: only the loopback interface is reachable', h.loopbackOnly)

    await check(`install n8n-nodes-instagram into ${path.basename(userFolder)} (as the UI does)`, async () => {
      h.installPackageLikeTheUi(packageDir, userFolder)
      return `n8n ${release.version}, node ${process.version}`
    })

    const shortLived = mock.tokens.issueShortLived({ loginType: 'instagram' })
    secrets.push(shortLived)
    credentialData = { loginType: 'instagram', oauthAccessToken: shortLived, clientSecret: APP_SECRET, metaAppId: APP_ID, metaAppSecret: APP_SECRET, instagramUrl: mock.url, facebookUrl: mock.url }
    await check('import a credential and a Trigger -> Reply workflow into PostgreSQL (n8n CLI)', async () => {
      h.importAndPublish(release, mainEnv, mainLog, work, credentialData, h.echoWorkflow({ account: false }))
      // every write of the credential, in commit order (concurrent UPDATEs of one row are serialised)
      await sql(`CREATE TABLE credential_writes (seq bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), data text NOT NULL);
        CREATE FUNCTION log_credential_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO credential_writes (data) VALUES (NEW.data); RETURN NEW; END $$;
        CREATE TRIGGER credential_writes AFTER UPDATE OF data ON credentials_entity FOR EACH ROW EXECUTE FUNCTION log_credential_write();`)
    })

    await check(`start n8n main + ${WORKERS} workers (queue mode, Redis, PostgreSQL); the trigger registers its webhook`, async () => {
      procs.main = await h.startN8nProcess(release, mainEnv, mainLog, ['start'], `http://127.0.0.1:${port}/healthz/readiness`)
      const hook = await h.webhookRegistered(webhookUrl)
      await h.assertRegistered(mock, webhookUrl, shortLived)
      procs.workers = await Promise.all(
        Array.from({ length: WORKERS }, async (_, i) => {
          const healthPort = await freePort()
          const env = await envOf({ QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' })
          return h.startN8nProcess(release, env, workerLog(i + 1), ['worker', '--concurrency=5'], `http://127.0.0.1:${healthPort}/healthz`)
        }),
      )
      return `main ready in ${procs.main.readySecs} s, webhook ${hook} s later; workers ready in ${procs.workers.map((w) => w.readySecs).join(' s, ')} s`
    })

    await check('first delivery: the pasted token is exchanged once, persisted encrypted', async () => {
      const [mid] = await burst('first', 1, 1)
      const list = await finished(0, 1)
      exactlyOnce([mid], list)
      const stored = await storedCredential()
      assert.equal(mock.tokens.get(stored.accessToken).origin, 'exchange')
      assert.equal(mock.requestsTo('/access_token').length, 1)
      secrets.push(stored.accessToken)
      return `execution on worker ${executionsByWorker().get(list[0].id)}`
    })

    await check(`a burst of ${BURST} signed deliveries (10 a second): each answered exactly once, spread over the workers`, async () => {
      const before = await lastExecutionId()
      const mids = await burst('burst', BURST, 10)
      const list = await finished(before, BURST)
      exactlyOnce(mids, list)
      return `${BURST} executions, ${BURST} replies; ${spread(list)}`
    })

    for (const model of MODELS) {
      await check(`day 54, refresh model "${model}", both workers refreshing at once: ${REFRESH_BURST} deliveries; all succeed, a valid token persisted, never an older one`, async () => {
        await control('refresh-model', { model })
        assert.equal((await (await fetch(`${mock.url}/__mock/state`)).json()).refreshModel, model)
        const t0 = await day54()
        const day54IssuedAt = (await storedCredential()).accessTokenIssuedAt
        const refreshesBefore = mock.requestsTo('/refresh_access_token').length
        const issuedBefore = mock.tokens.list().length
        const before = await lastExecutionId()
        // Meta answers no refresh until both workers asked for one (each worker sends one at a
        // time: the addon's single flight), or 60 s passed: the two refreshes overlap for sure
        const held = []
        const release = () => held.splice(0).forEach((go) => go())
        const timer = setTimeout(release, 60000)
        mock.answer('/refresh_access_token', async (e, res, ctx) => {
          await new Promise((go) => {
            held.push(go)
            if (held.length >= WORKERS) release()
          })
          return ctx.normal()
        })
        let list, mids
        try {
          mids = await burst(`day54-${model}`, REFRESH_BURST, 12)
          list = await finished(before, REFRESH_BURST)
        } finally {
          clearTimeout(timer)
          release()
          mock.clearAnswers()
        }
        exactlyOnce(mids, list)
        const workers = spread(list)
        const refreshes = mock.requestsTo('/refresh_access_token').length - refreshesBefore
        assert.ok(refreshes >= 2, `${refreshes} refresh call(s): the workers did not refresh at the same time`)
        const fresh = mock.tokens.list().slice(issuedBefore) // what the refreshes issued, in order
        const ancestors = (token) => {
          const out = new Set()
          for (let r = mock.tokens.get(token); r && r.from; r = mock.tokens.get(r.from)) out.add(r.from)
          return out
        }
        // every write of the credential, in commit order: a valid token is never replaced by an
        // older one (the token it was refreshed from, or the day-54 state written back)
        const writes = (await sql('SELECT data FROM credential_writes ORDER BY seq')).map((r) => decrypt(r.data))
        for (const w of writes) secrets.push(w.accessToken)
        let siblings = 0
        for (let i = 1; i < writes.length; i++) {
          const [prev, next] = [writes[i - 1], writes[i]]
          if (!mock.tokens.isValid(prev.accessToken)) continue
          const back = ancestors(prev.accessToken).has(next.accessToken) || (Number(next.accessTokenIssuedAt) === Number(day54IssuedAt) && Number(prev.accessTokenIssuedAt) !== Number(day54IssuedAt))
          assert.ok(!back, `write ${i + 1} of ${writes.length} put back an older token over a valid newer one`)
          if (Number(next.accessTokenIssuedAt) < Number(prev.accessTokenIssuedAt)) siblings++
        }
        const stored = await storedCredential()
        assert.ok(mock.tokens.isValid(stored.accessToken), 'the persisted token is valid at the mock')
        assert.notEqual(Number(stored.accessTokenIssuedAt), Number(day54IssuedAt), 'the persisted token is a refreshed one')
        assert.ok(Number(stored.accessTokenExpiresAt) > Date.now() + 59 * DAY, 'the persisted expiry is ~60 days ahead')
        assert.ok(!mock.tokens.list().some((t) => t.from === stored.accessToken), 'nothing was refreshed from the persisted token')
        const rec = mock.tokens.get(stored.accessToken)
        let lastIssued
        if (model === 'same') {
          assert.equal(fresh.length, 0)
          assert.equal(stored.accessToken, t0)
          // the mock's clock stood at the start of the scenario: the stored expiry may be later by the scenario's length
          const drift = Number(stored.accessTokenExpiresAt) - rec.expiresAt
          assert.ok(drift >= -5000 && drift < 300000, `stored expiry differs from the mock's by ${drift} ms`)
          lastIssued = 'same string'
        } else {
          assert.equal(rec.from, t0, 'the persisted token was refreshed from the day-54 token')
          assert.equal(mock.tokens.isValid(t0), model === 'new', `the day-54 token ${model === 'new' ? 'stays' : 'is no longer'} valid`)
          const live = [t0, ...fresh.map((t) => t.token)].filter((t) => mock.tokens.isValid(t))
          if (model === 'new-revoke') assert.deepEqual(live, [stored.accessToken], 'the only live token is the persisted one')
          lastIssued = stored.accessToken === fresh.at(-1).token ? 'the last one issued' : 'not the last one issued'
        }
        return `${refreshes} refresh calls, ${fresh.length} new tokens, ${writes.length} credential writes (${siblings} with an earlier issue time than the one before); persisted: ${lastIssued}; ${workers}`
      })
    }

    await check('a worker SIGKILLed in the middle of a refresh: the other worker goes on, its executions all succeed, nothing answered twice', async () => {
      await control('refresh-model', { model: 'new' })
      const t0 = await day54()
      mock.fail('/refresh_access_token', { hang: true }, { times: 1 })
      const portsBefore = refreshPorts.length
      const before = await lastExecutionId()
      const first = await burst('kill-a', 6, 6)
      await waitFor('the refresh request that hangs', () => refreshPorts.length > portsBefore)
      const pid = await waitFor('the process of the hanging refresh', () => pidOfClientPort(refreshPorts[portsBefore]), 10000)
      const victim = procs.workers.findIndex((w) => w.pid === pid)
      assert.ok(victim >= 0, `the refresh came from pid ${pid}, not a worker`)
      const survivor = victim === 0 ? 2 : 1
      const exited = new Promise((r) => procs.workers[victim].once('exit', r))
      process.kill(pid, 'SIGKILL')
      await exited
      const second = await burst('kill-b', 6, 6)
      // n8n does not run a stalled job again (its Bull queue has maxStalledCount 0): once the killed
      // worker's lock expires the main instance logs each of its jobs as given up ("job stalled
      // more than maxStalledCount") and stores the execution as failed
      const givenUp = () => new Set([...fs.readFileSync(mainLog, 'utf8').matchAll(/job stalled more than maxStalledCount \(execution (\d+)\)/g)].map((m) => Number(m[1])))
      const unfinished = (e) => ['new', 'running', 'waiting'].includes(e.status)
      const list = await waitFor('every execution to finish or be given up', async () => {
        const all = (await executions()).filter((e) => e.id > before)
        const lost = givenUp()
        return all.length === first.length + second.length && lost.size > 0 && all.every((e) => lost.has(e.id) || !unfinished(e)) && all
      }, 240000, 1000)
      const lost = givenUp()
      const byWorker = executionsByWorker()
      for (const e of list) {
        if (lost.has(e.id)) assert.notEqual(byWorker.get(e.id), survivor, `execution ${e.id} given up but run by the surviving worker`)
        else assert.equal(e.status, 'success', `execution ${e.id} (worker ${byWorker.get(e.id)}): ${e.status}`)
      }
      // (an execution given up may hold no run data yet: the unanswered events are counted)
      const done = list.filter((e) => !lost.has(e.id))
      const mids = [...first, ...second]
      for (const mid of mids) {
        const ex = executionsOf(done, mid)
        assert.ok(answersTo(mid) <= 1, `${mid} answered ${answersTo(mid)} times`)
        assert.equal(ex.length, answersTo(mid), `${mid}: answered ${answersTo(mid)} times, ${ex.length} successful executions`)
      }
      assert.equal(mids.filter((m) => answersTo(m) === 0).length, list.filter((e) => lost.has(e.id)).length, 'the unanswered events are the executions given up')
      for (const mid of second) assert.equal(answersTo(mid), 1, `${mid}, sent after the kill, answered ${answersTo(mid)} times`)
      const stored = await storedCredential()
      assert.ok(mock.tokens.isValid(stored.accessToken), 'the persisted token is valid')
      assert.notEqual(stored.accessToken, t0, 'the surviving worker refreshed')
      secrets.push(stored.accessToken)
      // …and they show as failed
      await waitFor('the given-up executions to be stored as failed', async () => (await executions()).filter((e) => lost.has(e.id)).every((e) => e.status === 'error'), 60000, 1000)
      const total = first.length + second.length
      return `worker ${victim + 1} killed; ${total - lost.size}/${total} answered once (all ${second.length} sent after the kill); the ${lost.size} taken by the killed worker given up by n8n: not answered, status error`
    })

    await check('no secret in the logs of main and workers or in execution data; nothing left loopback', async () => {
      await h.stopProcess(procs.main)
      for (const w of procs.workers) await h.stopProcess(w)
      const logs = [mainLog, workerLog(1), workerLog(2)].map((f) => fs.readFileSync(f, 'utf8')).join('\n')
      const data = (await executions()).map((e) => e.data || '').join('\n')
      const leaked = secrets.filter((s) => s && (logs.includes(s) || data.includes(s)))
      assert.equal(leaked.length, 0, `${leaked.length} secret(s) in logs or execution data`)
      const hosts = [...new Set(mock.requests.map((e) => e.headers.host))]
      assert.deepEqual(hosts.filter((x) => !/^127\.0\.0\.1:\d+$/.test(x)), [])
      return `${secrets.length} secrets checked`
    })
  } catch (e) {
    if (!String(e.message).startsWith('stopped after')) throw e
  } finally {
    await h.stopProcess(procs.main)
    for (const w of procs.workers) await h.stopProcess(w)
    await mock.close()
  }
}

main().catch((e) => {
  console.error(e.stack || e.message)
  process.exitCode = 1
})
