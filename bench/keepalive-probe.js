#!/usr/bin/env node
// Stale keep-alive probe (issue #10, finding 8): how many sends fail when they start just as
// the server closes the idle pooled connection. For each trial, a server of its own (so each
// trial has its own pool entry) with `keepAliveTimeout` K; one send opens the connection,
// then a second send starts K + offset ms later, the offsets spread over a window around K.
// With --latency N, a relay between the addon and the server delays every chunk and the
// close by N ms in each direction (a remote server): the close then reaches the client N ms
// after the server sent it, and a send started in that time goes onto a dead connection.
// Prints one JSON line: { keepAliveMs, windowMs, latencyMs, trials, failed, notReceived }.
//
//   node bench/keepalive-probe.js [--keep-alive 5000] [--window 10] [--trials 17] [--latency 0] [--center 0]
//   NAPI_RS_NATIVE_LIBRARY_PATH=/path/to/other.node node bench/keepalive-probe.js   (another build)
'use strict'
const http = require('node:http')
const net = require('node:net')
const { parseArgs } = require('node:util')
const ig = require('..')

const { values } = parseArgs({
  options: { 'keep-alive': { type: 'string', default: '5000' }, window: { type: 'string', default: '10' }, trials: { type: 'string', default: '17' }, latency: { type: 'string', default: '0' }, center: { type: 'string', default: '0' } },
})
const keepAliveMs = Number(values['keep-alive'])
const windowMs = Number(values.window)
const trials = Number(values.trials)
const latencyMs = Number(values.latency)
// Where the server really closes, relative to K (Node 20 closes an idle socket about 1 s after keepAliveTimeout).
const centerMs = Number(values.center)

/** A TCP relay to `port` that delays data and ends by `latencyMs` each way; resolves with its port. */
async function relay(port) {
  const delayed = (from, to) => {
    from.on('data', (d) => setTimeout(() => to.write(d), latencyMs))
    from.on('end', () => setTimeout(() => to.end(), latencyMs))
    from.on('error', () => setTimeout(() => to.destroy(), latencyMs))
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1')
    delayed(client, upstream)
    delayed(upstream, client)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: server.address().port, close: () => server.close() }
}
const TOKEN = 'IGAAkeepaliveProbe0123456789abcdef'

async function trial(offset) {
  let received = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"recipient_id":"2","message_id":"mid.1"}')
    })
  })
  server.keepAliveTimeout = keepAliveMs
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const hop = latencyMs > 0 ? await relay(server.address().port) : null
  const url = `http://127.0.0.1:${hop ? hop.port : server.address().port}`
  const send = () => ig.sendMessage({ accessToken: TOKEN, recipient: { id: '2' }, message: { text: 'hi' } }, { instagramUrl: url, maxRetries: 0, timeoutMs: 5000, pacing: false }) // concurrent sends to one recipient: measured unpaced
  await send()
  // The server's close reaches the client `latencyMs` after the server's timer fires, which
  // is `keepAliveMs` after the answer left the server (`latencyMs` before it arrived here).
  await new Promise((resolve) => setTimeout(resolve, keepAliveMs + offset))
  let failed = false
  try {
    await send()
  } catch (e) {
    failed = e.code
  }
  server.closeAllConnections()
  server.close()
  hop?.close()
  return { offset, failed, secondReceived: received === 2 }
}

;(async () => {
  const offsets = Array.from({ length: trials }, (_, i) => centerMs - windowMs / 2 + (windowMs * i) / Math.max(1, trials - 1))
  const results = await Promise.all(offsets.map(trial))
  const failed = results.filter((r) => r.failed)
  console.log(
    JSON.stringify({ keepAliveMs, windowMs, latencyMs, trials, failed: failed.length, notReceived: failed.filter((r) => !r.secondReceived).length, codes: [...new Set(failed.map((r) => r.failed))], failedAt: failed.map((r) => Math.round(r.offset)) }),
  )
})()
