'use strict'
// Child process for lifecycle.test.js: `node lifecycle-child.js <scenario>`. Each scenario
// prints JSON lines on stdout and must then let the process exit by itself (no
// process.exit): the parent checks the exit code and how long the child lived.

const crypto = require('node:crypto')
const net = require('node:net')
const path = require('node:path')
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')

const ROOT = path.join(__dirname, '..', '..')
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const APP_SECRET = 'lifecycle-app-secret'
const RECIPIENT = '1254477777772919'

/** A TCP server that accepts connections and never answers; returns { url, close }. */
async function silentServer({ unref = false } = {}) {
  const sockets = new Set()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    if (unref) s.unref()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  if (unref) server.unref()
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

// ---------------------------------------------------------------- worker side

async function workerMain() {
  const ig = require(ROOT)
  const { mockUrl, hangUrl, token, index, rounds, hangTimeoutMs } = workerData
  const body = Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: String(index) }, message: { mid: `m${index}`, text: 'hi' } }] }] }))
  const sig = 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
  let sent = 0
  let verified = 0
  for (let i = 0; i < rounds; i++) {
    const r = await ig.sendMessage({ accessToken: token, recipient: { id: RECIPIENT }, message: { text: `w${index} r${i}` } }, { instagramUrl: mockUrl, timeoutMs: 10000 })
    if (r.recipientId === RECIPIENT) sent++
    const sync = ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: APP_SECRET })
    const async_ = await ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: APP_SECRET })
    if (sync.kind === 'events' && async_.kind === 'events' && sync.events[0].id === async_.events[0].id) verified++
  }
  parentPort.postMessage({ type: 'worked', index, sent, verified })
  // Now a send to a server that never answers; the parent terminates this worker meanwhile.
  const pending = ig.sendMessage({ accessToken: token, recipient: { id: RECIPIENT }, message: { text: 'never answered' } }, { instagramUrl: hangUrl, timeoutMs: hangTimeoutMs, maxRetries: 0 })
  parentPort.postMessage({ type: 'pending', index })
  pending.then(
    () => parentPort.postMessage({ type: 'settled', index, outcome: 'resolved' }),
    (e) => parentPort.postMessage({ type: 'settled', index, outcome: e.code }),
  )
}

// ---------------------------------------------------------------- scenarios

const scenarios = {
  /** Only load the addon: the process must exit at once. */
  idle() {
    const ig = require(ROOT)
    say({ loaded: typeof ig.sendMessage === 'function' })
  },

  /** One call to a server that accepts and never answers: it ends at its timeout. */
  async hung() {
    const ig = require(ROOT)
    const srv = await silentServer()
    const t0 = Date.now()
    try {
      await ig.getAccount({ accessToken: 'IGAAlifecycle' }, { instagramUrl: srv.url, timeoutMs: 1000, maxRetries: 2 })
      say({ outcome: 'resolved' })
    } catch (e) {
      say({ outcome: e.code, elapsed: Date.now() - t0 })
    }
    srv.close()
  },

  /**
   * The same with nothing else keeping the process alive (the server unref'd): the pending
   * call itself must keep Node running until it settles, so no result is lost.
   */
  async hungUnref() {
    const ig = require(ROOT)
    const srv = await silentServer({ unref: true })
    const t0 = Date.now()
    ig.sendMessage({ accessToken: 'IGAAlifecycle', recipient: { id: RECIPIENT }, message: { text: 'x' } }, { instagramUrl: srv.url, timeoutMs: 1000 }).then(
      () => say({ outcome: 'resolved' }),
      (e) => say({ outcome: e.code, elapsed: Date.now() - t0 }),
    )
  },

  /**
   * 8 workers load the addon at once, each sending to the mock (in this main thread) and
   * verifying webhooks; then each starts a send to a server that never answers, and half of
   * them are terminated while it is pending. `hangTimeoutMs` short: the pending calls of the
   * terminated workers end after their environment is gone.
   */
  async workers(hangTimeoutMs = 1500) {
    const { startMockGraph } = require(path.join(ROOT, 'mock'))
    const mock = await startMockGraph({ appSecret: APP_SECRET, log: false })
    const hang = await silentServer()
    const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
    const workers = []
    const events = []
    const settled = new Set()
    await Promise.all(
      Array.from({ length: 8 }, (_, index) => new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: { mockUrl: mock.url, hangUrl: hang.url, token, index, rounds: 5, hangTimeoutMs } })
        workers.push(w)
        w.on('error', reject)
        w.on('message', (m) => {
          events.push(m)
          if (m.type === 'settled') settled.add(m.index)
          if (m.type === 'pending') resolve()
        })
      })),
    )
    // Every worker now has a send pending against the silent server: terminate half.
    const terminated = [0, 2, 4, 6]
    const codes = await Promise.all(terminated.map((i) => workers[i].terminate()))
    // The other half see their pending sends end at the timeout.
    const deadline = Date.now() + hangTimeoutMs + 10000
    while ([1, 3, 5, 7].some((i) => !settled.has(i)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    // Give the terminated workers' calls time to reach their own timeout after their
    // environment is gone (the case that must not crash), then shut everything down.
    await new Promise((r) => setTimeout(r, hangTimeoutMs + 500))
    await Promise.all([1, 3, 5, 7].map((i) => workers[i].terminate()))
    hang.close()
    await mock.close()
    say({
      worked: events.filter((e) => e.type === 'worked'),
      settled: events.filter((e) => e.type === 'settled'),
      terminatedExitCodes: codes,
    })
  },

  /** As `workers`, but the pending sends have the default 30 s timeout: exit must not wait for them. */
  async workersLongTimeout() {
    const { startMockGraph } = require(path.join(ROOT, 'mock'))
    const mock = await startMockGraph({ appSecret: APP_SECRET, log: false })
    const hang = await silentServer()
    const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
    const workers = []
    await Promise.all(
      Array.from({ length: 8 }, (_, index) => new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: { mockUrl: mock.url, hangUrl: hang.url, token, index, rounds: 1, hangTimeoutMs: 30000 } })
        workers.push(w)
        w.on('error', reject)
        w.on('message', (m) => m.type === 'pending' && resolve())
      })),
    )
    const codes = await Promise.all(workers.map((w) => w.terminate()))
    hang.close()
    await mock.close()
    say({ terminatedExitCodes: codes, at: Date.now() })
  },
}

if (isMainThread) {
  const name = process.argv[2]
  if (!scenarios[name]) throw new Error(`unknown scenario ${name}`)
  Promise.resolve(scenarios[name]()).catch((e) => {
    process.stderr.write(`scenario failed: ${e && e.stack}\n`)
    process.exitCode = 1
  })
} else {
  workerMain().catch((e) => parentPort.postMessage({ type: 'error', message: String(e && e.stack) }))
}
