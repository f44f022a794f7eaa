'use strict'
// Child process for buffers.test.js: `node --expose-gc buffers-child.js '"<scenario>"'`.
// Each scenario hands verifyWebhook a body that JavaScript then transfers, frees or changes
// while the call is in flight, and prints one JSON line: what every call settled with. A
// crash (SIGSEGV) shows up in the parent as a signal.

const crypto = require('node:crypto')
const path = require('node:path')
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')

const ig = require(path.join(__dirname, '..', '..'))
const SECRET = 'buffers-app-secret-0123456789'
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

/** A signed delivery of one message whose text is `text`, padded to about `size` bytes. */
function delivery(text, size = 64 * 1024) {
  const pad = 'x'.repeat(Math.max(0, size - 300))
  const body = Buffer.from(
    JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, recipient: { id: '1' }, timestamp: 1, message: { mid: 'm1', text }, pad }] }] }),
  )
  const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex')
  return { body, sig }
}

/** What a settled verifyWebhook says, in short. */
async function outcome(promise) {
  try {
    const r = await promise
    return r.kind === 'events' ? { kind: 'events', text: r.events[0].text } : { kind: r.kind, reason: r.reason }
  } catch (e) {
    return { kind: 'error', code: e.code }
  }
}

const scenarios = {
  // The body's ArrayBuffer is transferred away (and its new owner dropped, then collected)
  // while the call is in flight.
  async transfer() {
    const results = []
    // Bodies above the allocator's mmap threshold: once freed, their pages are unmapped.
    for (let i = 0; i < 40; i++) {
      const { body, sig } = delivery('signed text', 900 * 1024)
      const view = new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length))
      const pending = ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: view }, { appSecret: SECRET })
      let moved = structuredClone(view.buffer, { transfer: [view.buffer] })
      moved = null
      globalThis.gc()
      globalThis.gc()
      results.push(await outcome(pending))
    }
    say({ results })
  },

  // The app reuses its buffer: right after the call, it writes other (unsigned) bytes into it.
  async mutate() {
    const results = []
    for (let i = 0; i < 80; i++) {
      const { body, sig } = delivery('signed text')
      const forged = delivery('FORGED TEXT').body
      const pending = ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: SECRET })
      forged.copy(body, 0, 0, Math.min(forged.length, body.length))
      results.push(await outcome(pending))
    }
    say({ results })
  },

  // A getter that runs while the request is being read transfers or rewrites the body:
  // the call must see either an error or the bytes as they were when it read them (and
  // check the signature on exactly those), never crash.
  async getters() {
    const results = []
    for (const sync of [true, false]) {
      for (const act of ['transfer', 'rewrite']) {
        const { body, sig } = delivery('signed text', 4096)
        const view = new Uint8Array(body)
        const request = {
          method: 'POST',
          get headers() {
            if (act === 'transfer') structuredClone(view.buffer, { transfer: [view.buffer] })
            else view.set(delivery('FORGED TEXT', 4096).body.subarray(0, view.length))
            return { 'x-hub-signature-256': sig }
          },
          body: view,
        }
        const call = () => (sync ? ig.verifyWebhookSync(request, { appSecret: SECRET }) : ig.verifyWebhook(request, { appSecret: SECRET }))
        let r
        try {
          r = await outcome(Promise.resolve().then(call))
        } catch (e) {
          r = { kind: 'error', code: e.code }
        }
        results.push({ sync, act, ...r })
      }
    }
    say({ results })
  },

  // The worker that made the calls is terminated while they are in flight.
  async worker() {
    const { body, sig } = delivery('signed text', 256 * 1024)
    let exits = 0
    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => {
        const w = new Worker(__filename, { workerData: { body, sig }, argv: ['"worker-side"'] })
        w.on('message', () => w.terminate())
        w.on('exit', () => {
          exits++
          resolve()
        })
      })
    }
    globalThis.gc()
    // The process is still alive and the addon still works after all of that.
    const after = await outcome(ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: SECRET }))
    say({ exits, after })
  },
}

if (!isMainThread) {
  const { body, sig } = workerData
  const local = Buffer.from(body)
  for (let i = 0; i < 16; i++) {
    ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: local }, { appSecret: SECRET }).catch(() => {})
  }
  parentPort.postMessage('in flight')
} else {
  scenarios[JSON.parse(process.argv[2])]().catch((e) => {
    say({ failed: String(e && e.stack) })
    process.exitCode = 1
  })
}
