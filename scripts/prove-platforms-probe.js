#!/usr/bin/env node
'use strict'
// Helper of scripts/prove-platforms.sh, run under the runtime being proven, from the staged
// package (scripts/prove-platforms-stage.js): requires the package entry the way an application
// does (no NAPI_RS_NATIVE_LIBRARY_PATH), then reads /proc/self/maps to see which native file got
// mapped and which C library the process runs on. Fails unless exactly the expected binary was
// loaded, on the expected libc and CPU, and one export answers.
//
//   <runtime> scripts/prove-platforms-probe.js instagram-native.linux-x64-musl.node

const fs = require('node:fs')
const path = require('node:path')

const expected = process.argv[2]
const m = /\.linux-(x64|arm64)-(gnu|musl)\.node$/.exec(expected || '')
if (!m) {
  console.log(`FAIL usage: prove-platforms-probe.js instagram-native.linux-<x64|arm64>-<gnu|musl>.node (got ${expected})`)
  process.exit(2)
}
const [, wantArch, wantAbi] = m
delete process.env.NAPI_RS_NATIVE_LIBRARY_PATH

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
let ig
let loadError = null
try {
  ig = require(path.join(__dirname, '..'))
} catch (e) {
  loadError = `${e.code || ''} ${String(e.message).split('\n')[0]}`
}

const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n')
const mapped = (re) => [...new Set(maps.map((l) => l.split(/\s+/).slice(5).join(' ')).filter((f) => re.test(f)))]
const nodes = mapped(/\.node$/).map((f) => path.basename(f))
const libc = mapped(/ld-musl-|libc\.musl-|\/libc\.so\.6$/)
const libcKind = libc.some((f) => /musl/.test(f)) ? 'musl' : libc.some((f) => /libc\.so\.6$/.test(f)) ? 'glibc' : 'unknown'

let answer = null
try {
  const hs = ig.verifyWebhookSync({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'probe', 'hub.challenge': '7' } }, { verifyToken: 'probe' })
  answer = hs.kind === 'challenge' && hs.body === '7'
} catch (e) {
  answer = false
}

const problems = []
if (loadError) problems.push(`load failed: ${loadError}`)
if (process.arch !== wantArch) problems.push(`process.arch is ${process.arch}, expected ${wantArch}`)
if (libcKind !== (wantAbi === 'musl' ? 'musl' : 'glibc')) problems.push(`runs on ${libcKind} (${libc.join(', ') || 'no libc mapped?'})`)
if (nodes.length !== 1 || nodes[0] !== expected) problems.push(`native files mapped: ${nodes.join(', ') || 'none'}, expected ${expected}`)
if (!answer) problems.push('verifyWebhookSync did not answer the handshake')

console.log(
  `${problems.length ? 'FAIL' : 'PASS'} ${runtime} ${process.platform}-${process.arch} on ${libcKind}` +
    ` (${libc.map((f) => path.basename(f)).join(', ')}), loaded ${nodes.join(', ') || 'nothing'} through the package entry` +
    (problems.length ? ` — ${problems.join('; ')}` : ''),
)
process.exit(problems.length ? 1 : 0)
