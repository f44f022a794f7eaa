'use strict'
// Faults and custom answers: what a test puts in front of the normal answer.
//
// Faults (mock.fail(match, fault, { times })), consumed in queue order before normal handling:
//   { status, body, headers }             a raw answer (object body → JSON)
//   { graphError: {...}, status, headers } a Graph error body (+ usage headers), default 400
//   { html: true, status }                an HTML error page, default 502
//   { truncated: true }                   full Content-Length, half the normal body, then FIN
//   { truncatedJson: true }               half the normal body as a complete answer
//   { resetMidBody: true }                headers and half the body, then RST
//   { reset: true }                       the request is read, then RST, no answer
//   { hang: true }                        never answers (until the client gives up or close())
//   { delayMs, then? }                    answers late (normally, or with the `then` fault)
//   { drip: true, intervalMs }            200, one byte every intervalMs, never ends
//   { bigBody: bytes }                    200 with a JSON-ish body of exactly that many bytes
//   { contentType, status?, body? }       the normal answer (or `body`) with another content type
//
// Custom answers (mock.answer(match, handler)) answer every matching request until removed; the
// handler gets (e, res, ctx) and may return { status, headers, body } or write through ctx.

const { JSON_CT, reply, toBodyString, bodyOf, send, rstSocket } = require('./reply')
const { graphErrorBody } = require('./graph-errors')
const { makeMatcher } = require('./request')
const { handle } = require('./routes')

const FAULT_KEYS = ['delayMs', 'hang', 'reset', 'resetMidBody', 'drip', 'html', 'graphError', 'truncated', 'truncatedJson', 'bigBody', 'contentType', 'status', 'body']

const HTML_502 = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p></body></html>\n'

function validateFault(fault) {
  if (!fault || typeof fault !== 'object') throw new TypeError('a fault must be an object')
  if (!FAULT_KEYS.some((k) => fault[k] !== undefined)) {
    throw new TypeError(`unknown fault shape: give one of ${FAULT_KEYS.join(', ')}`)
  }
  if (fault.delayMs !== undefined && fault.then !== undefined) validateFault(fault.then)
}

/** The fault queue: { queue, fail(match, fault, { times }), take(e) → fault or undefined }. */
function createFaultQueue() {
  const queue = []
  return {
    queue,
    /** Queues `fault` for the next `times` requests that `match`. */
    fail(match, fault, { times = 1 } = {}) {
      validateFault(fault)
      if (!(times > 0)) throw new TypeError('times must be a positive number (Infinity allowed)')
      const entry = {
        match,
        fault,
        remaining: times,
        hits: 0,
        matches: makeMatcher(match),
        cancel() {
          const k = queue.indexOf(entry)
          if (k >= 0) queue.splice(k, 1)
        },
      }
      queue.push(entry)
      return entry
    },
    /** The first queued fault that matches `e`, counted as used once. */
    take(e) {
      for (let k = 0; k < queue.length; k++) {
        const entry = queue[k]
        if (!entry.matches(e)) continue
        entry.hits++
        if (--entry.remaining <= 0) queue.splice(k, 1)
        return entry.fault
      }
      return undefined
    },
  }
}

// Runs fn after ms, unless close() clears m.timers first.
function later(m, ms, fn) {
  const t = setTimeout(() => {
    m.timers.delete(t)
    fn()
  }, ms)
  m.timers.add(t)
  return t
}

function drip(m, res, f, extra) {
  res.writeHead(f.status ?? 200, { 'content-type': JSON_CT, ...extra })
  const text = '{"data":"' + 'x'.repeat(1024)
  let i = 0
  res.write(text[i++])
  const iv = setInterval(() => {
    if (res.destroyed) return clearInterval(iv)
    res.write(text[i++ % text.length])
  }, f.intervalMs ?? 100)
  m.timers.add(iv)
  res.on('close', () => {
    clearInterval(iv)
    m.timers.delete(iv)
  })
}

// A 200 JSON-ish body of exactly `bigBody` bytes (valid JSON when at least 60 bytes).
function bigBody(res, f, extra) {
  const size = Math.max(0, Math.floor(f.bigBody))
  res.writeHead(f.status ?? 200, { 'content-type': JSON_CT, 'content-length': size, ...extra })
  let head = Buffer.from('{"recipient_id":"1","message_id":"aWdfbWlk","padding":"')
  let tail = Buffer.from('"}')
  if (size < head.length + tail.length) {
    head = Buffer.alloc(0)
    tail = Buffer.alloc(0)
  }
  const filler = Buffer.alloc(65536, 'x')
  let fill = size - head.length - tail.length
  if (head.length) res.write(head)
  const pump = () => {
    while (fill > 0) {
      if (res.destroyed) return
      const piece = fill >= filler.length ? filler : filler.subarray(0, fill)
      fill -= piece.length
      if (!res.write(piece)) return res.once('drain', pump)
    }
    res.end(tail)
  }
  pump()
}

/** Answers request `e` with fault `f` instead of (or around) the normal answer. */
function applyFault(m, e, req, res, f) {
  if (res.destroyed) return
  const extra = f.headers || null
  if (f.delayMs !== undefined) {
    later(m, f.delayMs, () => {
      if (res.destroyed || res.writableEnded) return
      if (f.then) applyFault(m, e, req, res, f.then)
      else send(res, handle(m, e, req))
    })
    return
  }
  if (f.hang) return // keep the socket; close() or the client ends it
  if (f.reset) return rstSocket(req.socket)
  if (f.drip) return drip(m, res, f, extra)
  if (f.html) return send(res, reply(f.status ?? 502, f.body ?? HTML_502, { 'content-type': 'text/html; charset=utf-8', ...extra }))
  if (f.graphError) {
    const h = m.usage.baseHeaders(e)
    if (/\/messages$/.test(e.path)) {
      const id = e.path.split('/').slice(-2)[0]
      const businessUsage = m.usage.businessUsage(id === 'me' ? m.account.userId : id)
      if (businessUsage !== undefined) h['x-business-use-case-usage'] = businessUsage
    }
    if (f.graphError.code === 190) h['www-authenticate'] = 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token."'
    return send(res, reply(f.status ?? 400, graphErrorBody(f.graphError), { ...h, ...extra }))
  }
  if (f.truncated || f.resetMidBody) {
    const r = handle(m, e, req)
    const buf = bodyOf(r)
    const part = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)))
    res.writeHead(f.status ?? r.status, { ...r.headers, 'content-length': buf.length, ...extra })
    res.write(part, () => {
      if (f.truncated) req.socket.destroy()
      else later(m, f.resetAfterMs ?? 50, () => rstSocket(req.socket))
    })
    return
  }
  if (f.truncatedJson) {
    const r = handle(m, e, req)
    const buf = bodyOf(r)
    const cut = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)))
    return send(res, reply(f.status ?? r.status, cut, { ...r.headers, 'content-length': cut.length, ...extra }))
  }
  if (f.bigBody !== undefined) return bigBody(res, f, extra)
  if (f.contentType) {
    if (f.body !== undefined) {
      return send(res, reply(f.status ?? 200, toBodyString(f.body), { 'content-type': f.contentType, ...extra }))
    }
    const r = handle(m, e, req)
    return send(res, reply(f.status ?? r.status, r.body, { ...r.headers, 'content-type': f.contentType, ...extra }))
  }
  // raw answer
  const body = toBodyString(f.body)
  const isJsonish = typeof f.body === 'object' && f.body !== null && !Buffer.isBuffer(f.body)
  const ct = isJsonish || (typeof body === 'string' && /^\s*[[{]/.test(body)) ? JSON_CT : 'text/plain; charset=utf-8'
  return send(res, reply(f.status ?? 200, body, { 'content-type': ct, ...extra }))
}

/** Runs custom answer `a` (from mock.answer) for request `e`. */
function runAnswer(m, mock, a, e, req, res) {
  const handlerFailed = (err) => send(res, reply(500, graphErrorBody({ code: 1, message: `mock answer handler failed: ${err && err.message}` }), { 'content-type': JSON_CT }))
  const ctx = {
    mock,
    normal: () => handle(m, e, req),
    send: (r) => send(res, r),
    reply: (status, body, headers) => send(res, reply(status, toBodyString(body), { 'content-type': JSON_CT, ...headers })),
    graphError: (g, status = 400, headers) => send(res, reply(status, graphErrorBody(g), { ...m.usage.baseHeaders(e), ...headers })),
    fault: (f) => applyFault(m, e, req, res, f),
  }
  const finish = (out) => {
    if (out && typeof out === 'object' && out.status !== undefined && !res.headersSent) send(res, { status: out.status, headers: { 'content-type': JSON_CT, ...out.headers }, body: toBodyString(out.body) })
  }
  try {
    const out = a.handler(e, res, ctx)
    if (out && typeof out.then === 'function') out.then(finish, handlerFailed)
    else finish(out)
  } catch (err) {
    handlerFailed(err)
  }
}

module.exports = { createFaultQueue, applyFault, runAnswer }
