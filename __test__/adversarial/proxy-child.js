'use strict'
// Child process for proxy.test.js: with the proxy variables the parent set, calls
// exchangeToken and sendMessage against `base` and prints one JSON line with the outcomes.

const path = require('node:path')
const ig = require(path.join(__dirname, '..', '..'))

const { base, token, clientSecret } = JSON.parse(process.argv[2])

async function outcome(p) {
  try {
    await p
    return { ok: true }
  } catch (e) {
    return { ok: false, code: e.code, message: String(e.message) }
  }
}

;(async () => {
  const opts = { instagramUrl: base, facebookUrl: base, timeoutMs: 4000, maxRetries: 0 }
  const exchange = await outcome(ig.exchangeToken({ accessToken: token, clientSecret }, opts))
  const send = await outcome(ig.sendMessage({ accessToken: token, recipient: { id: '2' }, message: { text: 'hi' } }, opts))
  process.stdout.write(JSON.stringify({ exchange, send }) + '\n')
})()
