'use strict'
// Buffer lifetime (issue #10, finding 1): verifyWebhook must own the bytes it checks. A body
// transferred, rewritten or freed by JavaScript (or by a worker's exit) while a call is in
// flight can neither crash the process nor get unsigned bytes accepted: the signature is
// always checked on exactly the bytes that are parsed. Each scenario runs in its own
// process (buffers-child.js), so that a crash is seen as a signal.

const crypto = require('node:crypto')
const ig = require('../..')
const { runChild } = require('./helpers')

const SECRET = 'buffers-app-secret-0123456789'
const run = (scenario) => runChild('buffers-child.js', scenario, { execArgv: ['--expose-gc'], killAfterMs: 110000 })

function expectClean(r) {
  expect({ signal: r.signal, code: r.code, stderr: r.stderr.includes('panicked') ? r.stderr : '' }).toEqual({ signal: null, code: 0, stderr: '' })
}

test('a body transferred away mid-call: no crash, and only the signed text comes out', async () => {
  const r = await run('transfer')
  expectClean(r)
  expect(r.out.results).toHaveLength(40)
  for (const x of r.out.results) expect(x).toEqual({ kind: 'events', text: 'signed text' })
}, 120000)

test('a buffer rewritten right after the call: every result is the signed text, never the new bytes', async () => {
  const r = await run('mutate')
  expectClean(r)
  expect(r.out.results).toHaveLength(80)
  for (const x of r.out.results) expect(x).toEqual({ kind: 'events', text: 'signed text' })
}, 120000)

test('a getter that transfers or rewrites the body while the request is read: an error or a mismatch, never forged events', async () => {
  const r = await run('getters')
  expectClean(r)
  for (const x of r.out.results) {
    if (x.act === 'transfer') expect(x).toMatchObject({ kind: 'error', code: 'INVALID_ARGUMENT' })
    else expect(x).toMatchObject({ kind: 'rejected', reason: 'SIGNATURE_MISMATCH' })
  }
}, 60000)

test('workers terminated with calls in flight: the process lives on and the addon still answers', async () => {
  const r = await run('worker')
  expectClean(r)
  expect(r.out).toEqual({ exits: 4, after: { kind: 'events', text: 'signed text' } })
}, 120000)

describe('every kind of bytes is read (finding 11)', () => {
  const text = JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'm', text: 'bytes' } }] }] })
  const buf = Buffer.from(text)
  const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(buf).digest('hex')
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
  const bodies = {
    Buffer: buf,
    Uint8Array: new Uint8Array(ab.slice(0)),
    ArrayBuffer: ab.slice(0),
    DataView: new DataView(ab.slice(0)),
    'Uint8Array at an offset': new Uint8Array(Buffer.concat([Buffer.from('junk'), buf])).subarray(4),
    string: text,
  }
  for (const [name, body] of Object.entries(bodies)) {
    test(`${name} body`, async () => {
      const req = { method: 'POST', headers: { 'x-hub-signature-256': sig }, body }
      for (const r of [ig.verifyWebhookSync(req, { appSecret: SECRET }), await ig.verifyWebhook(req, { appSecret: SECRET })]) {
        expect(r.kind).toBe('events')
        expect(r.events[0].text).toBe('bytes')
      }
    })
  }

  test('a detached buffer is INVALID_ARGUMENT, saying so', () => {
    const view = new Uint8Array(ab.slice(0))
    structuredClone(view.buffer, { transfer: [view.buffer] })
    expect(() => ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: view }, { appSecret: SECRET })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/detached/) }),
    )
  })

  test('a parsed object is still refused with a message that says what to pass', () => {
    expect(() => ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: JSON.parse(text) }, { appSecret: SECRET })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/raw body bytes/) }),
    )
  })

  test('an oversized body is refused (413) without reading all of it', () => {
    const big = new Uint8Array(4 * 1024 * 1024)
    const r = ig.verifyWebhookSync({ method: 'POST', headers: { 'x-hub-signature-256': sig }, body: big }, { appSecret: SECRET, maxBodyBytes: 1024 })
    expect(r).toMatchObject({ kind: 'rejected', status: 413, reason: 'PAYLOAD_TOO_LARGE' })
  })
})
