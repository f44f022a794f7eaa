#!/usr/bin/env node
// Soak: mixed traffic against the mock Graph server (on 127.0.0.1 only) with faults injected
// at random, for SOAK_MINUTES (default 30) or SOAK_ITERATIONS rounds. Samples RSS and open
// file descriptors every SOAK_SAMPLE_SECONDS (default 5), reports their growth after a
// warm-up, and writes bench/SOAK.md. Not part of CI: `npm run soak`.
//
// Each round runs CONCURRENCY (8) operations at once: sends, preAuthenticate (refresh due,
// through the real refresh endpoint), getAccount, and webhook verifications (sync and
// async, good and forged). A fault (5xx, Graph transient, rate limit, reset, hang, drip,
// truncated JSON, 5 MB body) is queued for about one request in five. Every outcome must be
// a value or an Error with a documented code; anything else counts as an anomaly.
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const ig = require('..')
const { startMockGraph } = require('../mock')

const ROOT = path.join(__dirname, '..')
const minutes = Number(process.env.SOAK_MINUTES || 30)
const iterations = process.env.SOAK_ITERATIONS ? Number(process.env.SOAK_ITERATIONS) : Infinity
const sampleMs = Number(process.env.SOAK_SAMPLE_SECONDS || 5) * 1000
const CONCURRENCY = 8
const CODES = new Set(['INVALID_ARGUMENT', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'PERMISSION_DENIED', 'OUTSIDE_MESSAGING_WINDOW', 'RECIPIENT_UNAVAILABLE', 'RATE_LIMITED', 'GRAPH_TRANSIENT', 'GRAPH_ERROR', 'NETWORK', 'TIMEOUT', 'BAD_RESPONSE'])
const APP_SECRET = 'soak-app-secret'
const DAY = 86400e3
const FAULTS = [
  { status: 500, body: '' },
  { html: true, status: 502 },
  { graphError: { code: 2 } },
  { graphError: { code: 4 } },
  { reset: true },
  { resetMidBody: true },
  { hang: true },
  { drip: true, intervalMs: 50 },
  { truncatedJson: true },
  { bigBody: 5 * 1024 * 1024 },
]

const fdCount = () => fs.readdirSync('/proc/self/fd').length
const mb = (b) => (b / 1048576).toFixed(1)

async function main() {
  const mock = await startMockGraph({ appSecret: APP_SECRET, log: false, maxLogEntries: 0 })
  // Unpaced: paced, 100 k sends to one account would take 100 s per 10 k (Meta's 100/s); the pacing
  // table's own bounds are tested in src/graph/pacing/tests.rs.
  const opts = { instagramUrl: mock.url, facebookUrl: mock.url, timeoutMs: 500, maxRetries: 1, pacing: false }
  const body = Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'm', text: 'soak' } }] }] }))
  const sig = 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')
  const sendToken = mock.tokens.issueLongLived({ loginType: 'instagram' })

  const counts = {}
  const anomalies = []
  const tally = (k) => (counts[k] = (counts[k] || 0) + 1)

  const ops = [
    async () => {
      const r = await ig.sendMessage({ accessToken: sendToken, recipient: { id: '1254477777772919' }, message: { text: 'soak' } }, opts)
      return r.messageId ? 'send ok' : 'send odd'
    },
    async () => {
      // A token inside its refresh window, old enough: preAuthenticate refreshes it (or keeps it).
      const now = mock.clock.now()
      const t = mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: now - 55 * DAY })
      const rec = mock.tokens.get(t)
      const r = await ig.preAuthenticate({ accessToken: t, accessTokenIssuedAt: rec.issuedAt, accessTokenExpiresAt: rec.expiresAt }, { ...opts, now })
      if (!r.accessToken) anomalies.push('preAuthenticate returned an empty token')
      mock.tokens.revoke && mock.tokens.revoke(t, 460) // keep the registry from growing without end
      return `preAuthenticate ${r.action}`
    },
    async () => {
      const r = await ig.getAccount({ accessToken: sendToken }, opts)
      return r.length === 1 ? 'getAccount ok' : 'getAccount odd'
    },
    () => {
      const r = ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body }, { appSecret: APP_SECRET })
      return `webhook sync ${r.kind}`
    },
    async () => {
      const forged = Math.random() < 0.5
      const r = await ig.verifyWebhook({ method: 'POST', headers: { 'x-hub-signature-256': forged ? sig.replace(/.$/, '0') : sig }, body }, { appSecret: APP_SECRET })
      return `webhook async ${r.kind}${r.reason ? ' ' + r.reason : ''}`
    },
  ]

  const samples = []
  const sample = () => {
    if (global.gc) global.gc()
    samples.push({ t: Date.now(), rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, fds: fdCount(), ops: Object.values(counts).reduce((a, b) => a + b, 0) })
  }
  const t0 = Date.now()
  const deadline = t0 + minutes * 60e3
  sample()
  const timer = setInterval(sample, sampleMs)
  let round = 0
  while (round < iterations && Date.now() < deadline) {
    round++
    mock.clearFaults()
    for (let i = 0; i < CONCURRENCY; i++) {
      if (Math.random() < 0.2) mock.fail(() => true, FAULTS[Math.floor(Math.random() * FAULTS.length)])
    }
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const op = ops[Math.floor(Math.random() * ops.length)]
        try {
          tally(await op())
        } catch (e) {
          if (!e || !CODES.has(e.code)) anomalies.push(`not a documented error: ${e && e.stack}`)
          tally(`error ${e && e.code}`)
        }
      }),
    )
    if (round % 2000 === 0) mock.resetLog()
  }
  clearInterval(timer)
  sample()
  await mock.close()

  const elapsedMin = (Date.now() - t0) / 60e3
  const warm = samples.find((s) => s.t >= t0 + Math.min(60e3, (Date.now() - t0) / 5)) || samples[0]
  const last = samples[samples.length - 1]
  const first = samples[0]
  const peak = samples.reduce((m, s) => (s.rss > m.rss ? s : m), first)
  const totalOps = Object.values(counts).reduce((a, b) => a + b, 0)
  const lines = [
    '# Soak run',
    '',
    `Run by \`scripts/soak.js\` (\`npm run soak\`) on ${new Date(t0).toISOString()}: ${elapsedMin.toFixed(1)} minutes, ${round} rounds of ${CONCURRENCY} concurrent operations (${totalOps} operations, ${(totalOps / (elapsedMin * 60)).toFixed(0)}/s), faults queued at random (about one request in five), against the mock Graph server on 127.0.0.1. Node ${process.version}, ${process.env.SOAK_BUILD || 'debug'} build of the addon, 2 shared cores.`,
    '',
    '| | start | after warm-up | end | peak |',
    '|---|---|---|---|---|',
    `| RSS (MiB) | ${mb(first.rss)} | ${mb(warm.rss)} | ${mb(last.rss)} | ${mb(peak.rss)} |`,
    `| JS heap used (MiB) | ${mb(first.heap)} | ${mb(warm.heap)} | ${mb(last.heap)} | |`,
    `| open fds | ${first.fds} | ${warm.fds} | ${last.fds} | ${Math.max(...samples.map((s) => s.fds))} |`,
    '',
    `Growth after warm-up: RSS ${mb(last.rss - warm.rss)} MiB over ${((last.t - warm.t) / 60e3).toFixed(1)} min, open fds ${last.fds - warm.fds}. Anomalies (an outcome that is neither a value nor an Error with a documented code): ${anomalies.length}.`,
    '',
    '## Outcomes',
    '',
    '| outcome | count |',
    '|---|---|',
    ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `## Samples (every ${sampleMs / 1000} s; RSS MiB / fds)`,
    '',
    samples.map((s) => `${((s.t - t0) / 1000).toFixed(0)}s ${mb(s.rss)}/${s.fds}`).join(', '),
    '',
  ]
  if (anomalies.length) lines.push('## Anomalies', '', ...anomalies.slice(0, 20).map((a) => `- ${a}`), '')
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true })
  fs.writeFileSync(path.join(ROOT, 'bench', 'SOAK.md'), lines.join('\n'))
  console.log(lines.join('\n'))
  process.exitCode = anomalies.length ? 1 : 0
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
