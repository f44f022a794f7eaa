'use strict'
// npm run bench — instagram-native side by side with what an n8n node would otherwise use.
//
//   npm run bench                 full run (~5–10 min on 2 busy cores)
//   BENCH_QUICK=1 npm run bench   smoke run (~1 min): fewer, shorter rounds, smaller soak
//   BENCH_REBUILD=1               rebuild the release addon even if bench/.work has a fresh one
//   BENCH_ADDON=path/to/x.node    benchmark that build instead (no build step)
//   BENCH_ONLY=webhook            only the webhook workloads, printed to stderr; writes no files
//   BENCH_BASELINE=path/to/x.node also time tokenStatus / preAuthenticate of that earlier build,
//                                 alternately with this one in the same process (issue #12)
//
// The release addon is built into bench/.work (gitignored), never over the debug build in the
// repository root that the tests load. Every comparison first checks that both sides give the
// same output, then runs them alternately (order rotating) for several rounds, and reports
// median, min and max per side. The webhook workloads have two JS peers: a plain one that
// computes no event ids (bench/peers/webhook.js) and a complete one that does the whole job of
// verifyWebhookSync, ids included (bench/peers/webhook-complete.js; first checked equal to the
// addon on every fixture, workload and request case by bench/lib/peer-check.js); issue #12's
// targets are against the complete one. Writes bench/RESULTS.md, bench/results.json and
// bench/throughput.png from the numbers of this run. Nothing here asserts a timing.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { spawn, spawnSync } = require('node:child_process')
const { performance } = require('node:perf_hooks')

// Re-run with --expose-gc so the sides start each measurement with a clean heap.
if (typeof global.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

const { alternate, gc } = require('./lib/measure')
const { percentile, summary, median, si } = require('./lib/stats')
const { workloads, signedRequest, APP_SECRET } = require('./lib/workloads')
const { verifyWebhookJs } = require('./peers/webhook')
const { verifyWebhookCompleteJs } = require('./peers/webhook-complete')
const { checkCompletePeer } = require('./lib/peer-check')
const { tokenStatusJs, preAuthenticateJs, fingerprint } = require('./peers/token')
const { makeAxiosSender, makeFetchSender, makeUndiciSender } = require('./peers/send')
const { barChartSvg, writePng } = require('./lib/chart')
const { writeReport, webhookTargets, PLAIN_PEER, COMPLETE_PEER } = require('./lib/report')

const ROOT = path.join(__dirname, '..')
const WORK = path.join(__dirname, '.work')
const NODE_FILE = process.env.BENCH_ADDON ? path.resolve(process.env.BENCH_ADDON) : path.join(WORK, 'instagram-native.linux-x64-gnu.node')
const QUICK = process.env.BENCH_QUICK === '1'
const CFG = QUICK
  ? { rounds: 3, durMs: 150, warmupMs: 80, sendRounds: 2, sendSec: 1, sendWarmMs: 200, requireRuns: 5, soakSends: 10000, soakVerifs: 100000 }
  : { rounds: 7, durMs: 400, warmupMs: 300, sendRounds: 5, sendSec: 2, sendWarmMs: 500, requireRuns: 11, soakSends: 100000, soakVerifs: 1000000 }
const CONCURRENCY = [1, 16, 256]

const log = (...a) => process.stderr.write(a.join(' ') + '\n')

// ---------------------------------------------------------------- tools

// wrk (the server's ceiling) and rsvg-convert (the chart) come from Debian's packages; a fresh
// machine gets them here when it can (root with apt-get), else the run goes on without them.
function ensureTools() {
  const missing = [
    ['wrk', 'wrk'],
    ['rsvg-convert', 'librsvg2-bin'],
  ].filter(([cmd]) => spawnSync(cmd, ['--version']).error !== undefined)
  if (missing.length === 0) return
  const pkgs = missing.map(([, pkg]) => pkg)
  const canApt = process.getuid && process.getuid() === 0 && spawnSync('apt-get', ['--version']).error === undefined
  if (!canApt) {
    log(`missing ${missing.map(([c]) => c).join(', ')}: install ${pkgs.join(' ')} (Debian/Ubuntu) for the server ceiling and the chart`)
    return
  }
  log(`installing ${pkgs.join(' ')} with apt-get…`)
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

// ---------------------------------------------------------------- build

function newestMtime(dir) {
  let t = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)
  }
  return t
}

function ensureBuild() {
  const srcTime = Math.max(newestMtime(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'Cargo.toml')).mtimeMs, fs.statSync(path.join(ROOT, 'Cargo.lock')).mtimeMs)
  const fresh = fs.existsSync(NODE_FILE) && fs.statSync(NODE_FILE).mtimeMs >= srcTime
  if (fresh && process.env.BENCH_REBUILD !== '1') return { built: false }
  log(fs.existsSync(NODE_FILE) ? 'release build in bench/.work is older than src/: rebuilding' : 'no release build in bench/.work: building (several minutes)')
  const t0 = performance.now()
  const r = spawnSync('npx', ['napi', 'build', '--platform', '--release', '--no-const-enum', '--output-dir', 'bench/.work', '--target-dir', 'bench/.work/target'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('release build failed')
  return { built: true, seconds: (performance.now() - t0) / 1000 }
}

// ---------------------------------------------------------------- helpers

function assertEqual(a, b, what) {
  if (!util.isDeepStrictEqual(a, b)) {
    const fmt = (x) => util.inspect(x, { depth: 6, breakLength: 160 }).slice(0, 3000)
    throw new Error(`outputs differ (${what}):\n native: ${fmt(a)}\n peer:   ${fmt(b)}`)
  }
}

/** A result without what the plain peer does not compute: each event's id, dedupe key and route. */
const withoutIds = (result) => ({ ...result, events: result.events.map(({ id, dedupeKey, route, ...rest }) => rest) })

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8')
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0]?.model || 'unknown'
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    model,
    memGb: os.totalmem() / 2 ** 30,
    loadAvg: os.loadavg(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    command: (QUICK ? 'BENCH_QUICK=1 ' : '') + 'npm run bench',
    quick: QUICK,
    cfg: CFG,
  }
}

// ---------------------------------------------------------------- webhook

async function benchWebhook(addon) {
  const secrets = { appSecret: APP_SECRET }
  const out = []
  // The complete JS peer does the whole job: it must give exactly the addon's result (events,
  // ids, raw, rejections, thrown errors) for every fixture, every workload body and the
  // request-level cases of API.md before anything is timed.
  const all = workloads()
  const checked = checkCompletePeer(addon, verifyWebhookCompleteJs, { bodies: all.map((w) => ({ name: w.key, body: w.body })) })
  log(`webhook: complete JS peer = addon on ${checked.cases} cases (${checked.fixtures} fixtures, ${all.length} workloads, ${checked.events} events, ids included)`)
  for (const w of all) {
    const req = signedRequest(w.body)
    const native = addon.verifyWebhookSync(req, secrets)
    const nativeAsync = await addon.verifyWebhook(req, secrets)
    const plainPeer = verifyWebhookJs(req, secrets)
    const completePeer = verifyWebhookCompleteJs(req, secrets)
    if (native.kind !== 'events' || native.events.length !== w.events) throw new Error(`${w.key}: native gave ${native.kind} with ${native.events?.length} events`)
    // The plain peer: the same result modulo the addon's event ids, dedupe keys and routes. The
    // complete one: the same, all of them included.
    assertEqual(withoutIds(native), plainPeer, `webhook ${w.key}, plain peer`)
    assertEqual(native, completePeer, `webhook ${w.key}, complete peer`)
    assertEqual(nativeAsync, native, `webhook ${w.key}, async vs sync`)
    if (new Set(native.events.map((e) => e.id)).size !== w.events) throw new Error(`${w.key}: event ids not unique`)
    // A forged body is refused by all.
    const forged = { ...req, body: Buffer.concat([w.body.subarray(0, -2), Buffer.from(' ]}')]) }
    for (const [who, f] of [['addon', addon.verifyWebhookSync], ['plain peer', verifyWebhookJs], ['complete peer', verifyWebhookCompleteJs]]) {
      if (f(forged, secrets).reason !== 'SIGNATURE_MISMATCH') throw new Error(`forged body accepted by the ${who}`)
    }
    log(`webhook ${w.key} (${w.body.length} B, ${w.events} events): outputs agree; timing`)

    const sides = [
      { name: 'verifyWebhookSync', sync: () => addon.verifyWebhookSync(req, secrets) },
      { name: 'verifyWebhook (async, 16 in flight)', async: () => addon.verifyWebhook(req, secrets), inflight: 16 },
      { name: PLAIN_PEER, sync: () => verifyWebhookJs(req, secrets) },
      { name: COMPLETE_PEER, sync: () => verifyWebhookCompleteJs(req, secrets) },
    ]
    const durMs = w.key === 'batch1000' ? CFG.durMs * 2 : CFG.durMs
    const r = await alternate(sides, { rounds: CFG.rounds, durMs, warmupMs: CFG.warmupMs })
    out.push({ key: w.key, name: w.name, bytes: w.body.length, events: w.events, sides: Object.entries(r).map(([name, xs]) => ({ name, ...summary(xs), rounds: xs })) })
  }
  return out
}

// ---------------------------------------------------------------- token

async function benchToken(addon) {
  const now = Date.now()
  const oauth = 'IGQVJbenchShortLivedTokenFromTheOAuthFlow0123456789'
  const creds = {
    clientId: '1234567890', clientSecret: 'bench-client-secret', oauthAccessToken: oauth, verifyToken: 'v', instagramUrl: 'https://graph.instagram.com',
    session: '', accessToken: 'IGAAbenchLongLivedToken0123456789abcdefghijklmnopqrstuvwxyz',
    accessTokenExpiresAt: now + 40 * 864e5, accessTokenIssuedAt: now - 10 * 864e5, sourceTokenFingerprint: fingerprint(oauth),
  }
  const opts = { instagramUrl: 'https://graph.instagram.com' }
  const fixed = { ...opts, now: now + 1000 }
  assertEqual(addon.tokenStatus(creds, fixed), tokenStatusJs(creds, fixed), 'tokenStatus')
  if (addon.tokenStatus(creds, fixed).next !== 'none') throw new Error('expected next: none')
  assertEqual(await addon.preAuthenticate(creds, fixed), await preAuthenticateJs(creds, fixed), 'preAuthenticate (none due)')
  // The other decisions agree too (a quick walk over the timeline).
  for (const dayMs of [-5, 0, 20, 52, 54, 59.999, 61].map((d) => d * 864e5)) {
    for (const c of [creds, { ...creds, oauthAccessToken: 'IGQVJanother' }, { ...creds, oauthAccessToken: '' }, { ...creds, accessTokenIssuedAt: '' }]) {
      const o = { now: now + dayMs }
      assertEqual(addon.tokenStatus(c, o), tokenStatusJs(c, o), `tokenStatus at day ${dayMs / 864e5}`)
    }
  }
  log('token: outputs agree; timing')
  const status = await alternate([
    { name: 'tokenStatus', sync: () => addon.tokenStatus(creds, opts) },
    { name: 'JS decision', sync: () => tokenStatusJs(creds, opts) },
  ], { rounds: CFG.rounds, durMs: CFG.durMs, warmupMs: CFG.warmupMs })
  const pre1 = await alternate([
    { name: 'preAuthenticate', async: () => addon.preAuthenticate(creds, opts) },
    { name: 'JS decision (async function)', async: () => preAuthenticateJs(creds, opts) },
  ], { rounds: CFG.rounds, durMs: CFG.durMs, warmupMs: CFG.warmupMs })
  const pre64 = await alternate([
    { name: 'preAuthenticate', async: () => addon.preAuthenticate(creds, opts), inflight: 64 },
    { name: 'JS decision (async function)', async: () => preAuthenticateJs(creds, opts), inflight: 64 },
  ], { rounds: CFG.rounds, durMs: CFG.durMs, warmupMs: CFG.warmupMs })
  const table = (r) => Object.entries(r).map(([name, xs]) => ({ name, ...summary(xs), rounds: xs }))
  const out = { tokenStatus: table(status), preAuth1: table(pre1), preAuth64: table(pre64) }
  // Issue #12 compares the crossing with an earlier build ("today's"), loaded in this same
  // process and run alternately with this one: BENCH_BASELINE=path/to/earlier.node.
  if (process.env.BENCH_BASELINE) {
    const baseline = require(path.resolve(process.env.BENCH_BASELINE))
    assertEqual(baseline.tokenStatus(creds, fixed), addon.tokenStatus(creds, fixed), 'tokenStatus (baseline)')
    const s = await alternate([
      { name: 'tokenStatus', sync: () => addon.tokenStatus(creds, opts) },
      { name: 'tokenStatus (baseline build)', sync: () => baseline.tokenStatus(creds, opts) },
    ], { rounds: CFG.rounds, durMs: CFG.durMs, warmupMs: CFG.warmupMs })
    const p = await alternate([
      { name: 'preAuthenticate', async: () => addon.preAuthenticate(creds, opts) },
      { name: 'preAuthenticate (baseline build)', async: () => baseline.preAuthenticate(creds, opts) },
    ], { rounds: CFG.rounds, durMs: CFG.durMs, warmupMs: CFG.warmupMs })
    out.baseline = { file: path.basename(process.env.BENCH_BASELINE), tokenStatus: table(s), preAuth1: table(p) }
  }
  return out
}

// ---------------------------------------------------------------- send

/** Starts the mock in its own process; resolves { url, token, proc }. */
function startMockProcess() {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'mock', 'graph-server.js'), '--no-log', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let url
    const tryDone = () => {
      if (!url) {
        const nl = out.indexOf('\n')
        if (nl >= 0) url = out.slice(0, nl).trim()
      }
      const i = err.indexOf('{')
      if (url && i >= 0) {
        try {
          const info = JSON.parse(err.slice(i))
          proc.stdout.removeAllListeners('data')
          proc.stderr.removeAllListeners('data')
          proc.stdout.resume()
          proc.stderr.resume()
          resolve({ url, token: info.instagramLongLived, proc })
        } catch {
          // not complete yet
        }
      }
    }
    proc.stdout.on('data', (d) => { out += d; tryDone() })
    proc.stderr.on('data', (d) => { err += d; tryDone() })
    proc.on('exit', (code) => reject(new Error(`mock exited (${code}): ${err}`)))
    setTimeout(() => reject(new Error('mock did not start')), 20000).unref()
  })
}

async function sendRound(send, conc, durMs) {
  const lat = []
  let done = 0
  let failed = 0
  const t0 = performance.now()
  const end = t0 + durMs
  const loop = async () => {
    while (performance.now() < end) {
      const s = performance.now()
      try {
        await send()
        lat.push(performance.now() - s)
        done++
      } catch (e) {
        failed++
        if (failed === 1) log(`  send failed: ${e && (e.code || e.message)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: conc }, loop))
  return { rps: done / ((performance.now() - t0) / 1000), lat, failed }
}

function wrkRound(url, conc, sec, lua) {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', ['-t1', `-c${conc}`, `-d${sec}s`, '--timeout', '10s', '--latency', '-s', lua, `${url}/v24.0/me/messages`], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    p.stdout.on('data', (d) => { out += d })
    p.stderr.on('data', (d) => { out += d })
    p.on('error', reject)
    p.on('exit', () => {
      const rps = Number((out.match(/Requests\/sec:\s*([\d.]+)/) || [])[1])
      const unit = (v, u) => Number(v) * ({ us: 1e-3, ms: 1, s: 1000, m: 60000 }[u] ?? NaN)
      const pct = (p_) => { const m = out.match(new RegExp(`\\s${p_}%\\s+([\\d.]+)(us|ms|s|m)\\b`)); return m ? unit(m[1], m[2]) : NaN }
      const non2xx = Number((out.match(/Non-2xx or 3xx responses:\s*(\d+)/) || [0, 0])[1])
      if (!Number.isFinite(rps) || non2xx > 0) return reject(new Error(`wrk: ${out}`))
      resolve({ rps, p50: pct(50), p99: pct(99) })
    })
  })
}

async function checkSendBodies(addon) {
  // The same request through each client to a logging mock: same method, path, headers that
  // matter, same wire body, same mapped result.
  const { startMockGraph } = require(path.join(ROOT, 'mock', 'graph-server.js'))
  const mock = await startMockGraph({ log: true })
  try {
    const token = mock.tokens.issueLongLived({ loginType: 'instagram' })
    const req = { accessToken: token, recipient: { id: '1000000000000001' }, message: { text: 'Your order #1234 has shipped \u{1F4E6}' } }
    const clients = [makeAxiosSender({ baseUrl: mock.url }), makeFetchSender({ baseUrl: mock.url }), makeUndiciSender({ baseUrl: mock.url })]
    const results = [await addon.sendMessage(req, { instagramUrl: mock.url })]
    for (const c of clients) results.push(await c.send(req))
    for (const c of clients) await c.close()
    const reqs = mock.requests.filter((e) => e.path.endsWith('/messages'))
    if (reqs.length !== 4) throw new Error(`expected 4 sends, mock saw ${reqs.length}`)
    const view = (e) => ({ method: e.method, path: e.path, query: e.query, auth: e.headers.authorization, type: e.headers['content-type'].split(';')[0], body: e.body })
    for (let i = 1; i < 4; i++) {
      assertEqual(view(reqs[0]), view(reqs[i]), `request of ${clients[i - 1].name}`)
      assertEqual(results[0].recipientId, results[i].recipientId, `result of ${clients[i - 1].name}`)
      if (typeof results[i].messageId !== 'string') throw new Error('peer gave no messageId')
    }
    return { sameBytes: reqs.every((e) => e.rawBody === reqs[0].rawBody), body: reqs[0].rawBody }
  } finally {
    await mock.close()
  }
}

async function benchSend(addon) {
  const bodies = await checkSendBodies(addon)
  log(`send: requests agree (wire bodies byte-identical: ${bodies.sameBytes}); starting the mock in its own process`)
  const mock = await startMockProcess()
  const lua = path.join(WORK, 'post.lua')
  fs.writeFileSync(lua, [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(bodies.body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["Authorization"] = "Bearer ${mock.token}"`,
    '',
  ].join('\n'))
  const req = { accessToken: mock.token, recipient: { id: '1000000000000001' }, message: { text: 'Your order #1234 has shipped \u{1F4E6}' } }
  // Not paced: the peers neither pace nor keep per-recipient order, and every send here goes to one
  // recipient (paced, they would go one at a time by design). This measures the client itself.
  const opts = { instagramUrl: mock.url, pacing: false }
  const peers = [makeAxiosSender({ baseUrl: mock.url }), makeFetchSender({ baseUrl: mock.url }), makeUndiciSender({ baseUrl: mock.url })]
  const clients = [
    { name: 'instagram-native sendMessage', send: () => addon.sendMessage(req, opts) },
    ...peers.map((p) => ({ name: p.name, send: () => p.send(req) })),
  ]
  const hasWrk = spawnSync('wrk', ['--version']).error === undefined
  const out = []
  try {
    for (const conc of CONCURRENCY) {
      const acc = Object.fromEntries(clients.map((c) => [c.name, { rps: [], lat: [], failed: 0 }]))
      acc['server ceiling (wrk)'] = { rps: [], p50: [], p99: [] }
      for (const c of clients) await sendRound(c.send, conc, CFG.sendWarmMs)
      const sides = [...clients.map((c) => c.name), ...(hasWrk ? ['server ceiling (wrk)'] : [])]
      for (let r = 0; r < CFG.sendRounds; r++) {
        for (let k = 0; k < sides.length; k++) {
          const name = sides[(k + r) % sides.length]
          gc()
          if (name === 'server ceiling (wrk)') {
            const w = await wrkRound(mock.url, conc, CFG.sendSec, lua)
            acc[name].rps.push(w.rps)
            acc[name].p50.push(w.p50)
            acc[name].p99.push(w.p99)
          } else {
            const c = clients.find((x) => x.name === name)
            // Reopen connections the server closed while the other clients ran (its keep-alive
            // timeout is 5 s), unmeasured, so no client pays for reconnects in its round.
            await sendRound(c.send, conc, 150)
            const res = await sendRound(c.send, conc, CFG.sendSec * 1000)
            acc[name].rps.push(res.rps)
            acc[name].failed += res.failed
            for (const x of res.lat) acc[name].lat.push(x)
          }
        }
      }
      const rows = Object.entries(acc).filter(([, a]) => a.rps.length).map(([name, a]) => ({
        name,
        ...summary(a.rps),
        rounds: a.rps,
        p50: a.lat ? percentile(a.lat, 50) : median(a.p50),
        p99: a.lat ? percentile(a.lat, 99) : median(a.p99),
        failed: a.failed ?? 0,
      }))
      log(`send c=${conc}: ` + rows.map((x) => `${x.name} ${si(x.median)}/s`).join(', '))
      out.push({ concurrency: conc, rows })
    }
  } finally {
    for (const p of peers) await p.close()
  }
  return { bodies, results: out, mock }
}

// ---------------------------------------------------------------- cost

function runChild(args, env) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 15 * 60 * 1000 })
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop())
}

function benchCost(mock) {
  const load = path.join(__dirname, 'child', 'load.js')
  const direct = []
  const pkg = []
  for (let i = 0; i < CFG.requireRuns; i++) {
    direct.push(runChild([load, NODE_FILE, mock.url, mock.token]))
    pkg.push(runChild([load, ROOT], { NAPI_RS_NATIVE_LIBRARY_PATH: NODE_FILE }))
  }
  log('cost: soak (RSS)')
  const soak = runChild(['--expose-gc', path.join(__dirname, 'child', 'soak.js'), NODE_FILE, mock.url, mock.token, String(CFG.soakSends), String(CFG.soakVerifs)])
  const pick = (xs, k) => xs.map((x) => x[k])
  return {
    nodeBytes: fs.statSync(NODE_FILE).size,
    requireDirect: summary(pick(direct, 'requireMs')),
    requirePackage: summary(pick(pkg, 'requireMs')),
    rssBeforeMb: median(pick(direct, 'rssBefore')) / 1048576,
    rssAfterLoadMb: median(pick(direct, 'rssAfterLoad')) / 1048576,
    rssAfterSendMb: median(pick(direct, 'rssAfterSend')) / 1048576,
    threads: {
      before: median(pick(direct, 'threadsBefore')),
      afterLoad: median(pick(direct, 'threadsAfterLoad')),
      afterAsync: median(pick(direct, 'threadsAfterAsync')),
      afterSend: median(pick(direct, 'threadsAfterSend')),
    },
    soak,
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const t0 = performance.now()
  fs.mkdirSync(WORK, { recursive: true })
  // wrk and rsvg-convert serve the send ceiling and the chart: not needed for the webhook workloads alone.
  if (process.env.BENCH_ONLY !== 'webhook') ensureTools()
  const build = process.env.BENCH_ADDON ? { built: false, addon: NODE_FILE } : ensureBuild()
  const meta = machine()
  meta.build = build
  log(`instagram-native benchmarks (${QUICK ? 'quick' : 'full'}) on ${meta.cores} × ${meta.model}, Node ${meta.node}, load ${meta.loadAvg.map((x) => x.toFixed(1)).join(' ')}`)
  const addon = require(NODE_FILE)
  const webhook = await benchWebhook(addon)
  if (process.env.BENCH_ONLY === 'webhook') {
    log('')
    log(`${'body'.padEnd(10)} ${'side'.padEnd(36)} ${'bodies/s'.padStart(8)}  vs plain peer (no ids)  vs complete peer`)
    for (const w of webhook) {
      const plain = w.sides.find((x) => x.name === PLAIN_PEER).median
      const complete = w.sides.find((x) => x.name === COMPLETE_PEER).median
      for (const x of w.sides) log(`${w.key.padEnd(10)} ${x.name.padEnd(36)} ${si(x.median).padStart(8)}  ${((x.median / plain).toFixed(2) + '×').padStart(22)}  ${((x.median / complete).toFixed(2) + '×').padStart(15)}`)
    }
    log('')
    log('issue #12 targets (verifyWebhookSync against the complete JS peer, medians):')
    for (const t of webhookTargets(webhook)) log(`  ${t.ok ? 'met    ' : 'NOT met'}  ${t.target}: ${t.measured}`)
    return
  }
  const token = await benchToken(addon)
  const send = await benchSend(addon)
  let cost
  try {
    cost = benchCost(send.mock)
  } finally {
    send.mock.proc.kill('SIGTERM')
  }
  delete send.mock
  meta.seconds = (performance.now() - t0) / 1000
  meta.loadAvgEnd = os.loadavg()
  const results = { meta, webhook, token, send, cost }
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n')

  const chartSeries = send.results[0].rows.map((row) => ({
    name: row.name,
    values: send.results.map((g) => g.rows.find((x) => x.name === row.name)?.median),
    min: send.results.map((g) => g.rows.find((x) => x.name === row.name)?.min),
    max: send.results.map((g) => g.rows.find((x) => x.name === row.name)?.max),
  }))
  const svg = barChartSvg({
    title: 'sendMessage throughput against the mock Graph server (requests/s)',
    subtitle: `${meta.date.slice(0, 10)} · ${meta.cores} cores · ${meta.model} · Node ${meta.node} · mock in its own process on 127.0.0.1`,
    groups: CONCURRENCY.map(String),
    series: chartSeries,
    yLabel: 'requests per second',
  })
  const png = writePng(svg, path.join(WORK, 'throughput.svg'), path.join(__dirname, 'throughput.png'))
  writeReport(path.join(__dirname, 'RESULTS.md'), results, { png })
  log(`done in ${meta.seconds.toFixed(0)} s: bench/RESULTS.md, bench/results.json${png ? ', bench/throughput.png' : ''}`)
}

main().then(() => process.exit(0), (e) => {
  log(String(e && e.stack))
  process.exit(1)
})
