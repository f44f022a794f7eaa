'use strict'
// Answers as values and how they are written: every route returns { status, headers, body }
// (`reply`), and `send` writes one to the response. Faults write below this level.

const JSON_CT = 'application/json; charset=UTF-8'

function reply(status, body, headers) {
  return { status, headers, body }
}

/** A body given by a test (string, Buffer, anything else → JSON) as a string or Buffer. */
function toBodyString(body) {
  if (body === undefined || body === null) return ''
  if (typeof body === 'string') return body
  if (Buffer.isBuffer(body)) return body
  return JSON.stringify(body)
}

function bodyOf(r) {
  return Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body)
}

function send(res, r) {
  if (res.destroyed || res.writableEnded) return
  const h = r.headers
  if (h['content-length'] === undefined) h['content-length'] = Buffer.byteLength(r.body)
  res.writeHead(r.status, h)
  res.end(r.body)
}

/** Ends the connection with a TCP RST where Node can (a FIN otherwise). */
function rstSocket(socket) {
  if (!socket || socket.destroyed) return
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}

module.exports = { JSON_CT, reply, toBodyString, bodyOf, send, rstSocket }
