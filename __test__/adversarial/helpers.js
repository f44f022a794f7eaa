'use strict'
// Shared by the adversarial suites: a hostile "Graph" server that answers whatever a test
// says and records what reached it, the forms in which a server could echo a secret, a
// leak scanner over everything an error or a result exposes, and a runner for scenarios
// that must live in their own process (prototype pollution, proxy variables, crashes).

const http = require('node:http')
const path = require('node:path')
const { spawn } = require('node:child_process')

/**
 * Starts a server on 127.0.0.1 whose every answer is `handler(req, body)` →
 * `{ status, headers, body }` (or a function that takes `res` for anything odd).
 * Records every request (`requests`) and every socket (`sockets`, `maxOpen`).
 */
async function hostileServer(handler) {
  const state = { requests: [], sockets: 0, open: 0, maxOpen: 0, handler }
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now(), port: req.socket.remotePort })
      const answer = await state.handler(req, body)
      if (typeof answer === 'function') return answer(res)
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...(answer.headers ?? {}) })
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}))
    })
  })
  server.on('connection', (socket) => {
    state.sockets++
    state.open++
    state.maxOpen = Math.max(state.maxOpen, state.open)
    socket.on('close', () => state.open--)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${server.address().port}`
  state.server = server
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections?.()
      server.close(() => resolve())
    })
  return state
}

/** A long-lived token answer as Meta sends it. */
function grantBody(token, expiresIn = 5183944) {
  return { access_token: token, token_type: 'bearer', expires_in: expiresIn }
}

/** How many consecutive characters of a secret count as a leak (mirrors the addon's rule). */
function echoWindow(len) {
  if (len < 8) return len
  return Math.min(16, Math.max(8, len - 4))
}

/** The encodings a server could plausibly echo a secret in, each as a function of it. */
const ENCODINGS = {
  plain: (s) => s,
  upper: (s) => s.toUpperCase(),
  percent: (s) => encodeURIComponent(s),
  form: (s) => new URLSearchParams({ t: s }).toString().slice(2),
  json: (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/'),
  base64: (s) => Buffer.from(`access_token=${s}&x=1`).toString('base64'),
  base64url: (s) => Buffer.from(JSON.stringify({ token: s })).toString('base64url'),
  truncated: (s) => s.slice(0, s.length - 3),
  tail: (s) => s.slice(3),
}

/** Every decoded view of a text in which an echo could hide (base64 decoded at each shift, URL-decoded, JSON-unescaped). */
function views(text) {
  const out = [text]
  try {
    out.push(decodeURIComponent(text.replace(/\+/g, ' ')))
  } catch {}
  out.push(text.replace(/\\\//g, '/'))
  for (const run of text.match(/[A-Za-z0-9+/_=-]{12,}/g) ?? []) {
    for (let shift = 0; shift < 4; shift++) {
      const piece = run.slice(shift).replace(/-/g, '+').replace(/_/g, '/')
      out.push(Buffer.from(piece.slice(0, piece.length - (piece.length % 4)), 'base64').toString('latin1'))
    }
  }
  return out
}

/** The secrets whose echo (any `echoWindow`-long piece, any case, any view) is found in `text`. */
function leaks(text, secrets) {
  const found = []
  const hay = views(text).map((v) => v.toLowerCase())
  for (const secret of secrets) {
    const s = secret.toLowerCase()
    const w = echoWindow(s.length)
    let hit = false
    for (let i = 0; i + w <= s.length && !hit; i++) {
      const piece = s.slice(i, i + w)
      hit = hay.some((h) => h.includes(piece))
    }
    if (hit) found.push(secret.slice(0, 6) + '…')
  }
  return found
}

/** Everything an error or a result exposes, as one text. */
function exposed(value) {
  if (value instanceof Error || (value && typeof value === 'object' && 'stack' in value)) {
    const parts = [String(value), String(value.message), String(value.stack)]
    for (const key of Object.getOwnPropertyNames(value)) parts.push(`${key}=${String(value[key])}`)
    return parts.join('\n')
  }
  return JSON.stringify(value)
}

/** The settled outcome of a promise: `{ ok, value }` or `{ ok: false, error }`. */
async function settle(promise) {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

/**
 * Runs `helpers/<script>` in a fresh Node process with `args` (JSON) and extra `env`; resolves
 * with `{ code, signal, stderr, out }`, `out` being the JSON the child printed last.
 */
function runChild(script, args, { env = {}, execArgv = [], killAfterMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...execArgv, path.join(__dirname, script), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...cleanEnv(), ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      const last = stdout.trim().split('\n').filter(Boolean).pop()
      let out
      try {
        out = last && JSON.parse(last)
      } catch {
        out = undefined
      }
      resolve({ code, signal, stderr, stdout, out })
    })
  })
}

/** The environment without any proxy variable (a test sets the ones it means). */
function cleanEnv() {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(https?|all|no)_proxy$/i.test(name)) delete env[name]
  }
  return env
}

module.exports = { hostileServer, grantBody, ENCODINGS, leaks, exposed, settle, runChild, echoWindow }
