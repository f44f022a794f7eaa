'use strict'
// Tables of webhook requests shared by several test files: every way a request is rejected
// (a value), and every caller mistake (a throw / rejection with INVALID_ARGUMENT).

const {
  APP_SECRET,
  OTHER_SECRET,
  VERIFY_TOKEN,
  sign256,
  sign1,
  loadFixture,
} = require('./sign')

const MiB = 1024 * 1024

const text = loadFixture('message-text').raw
const nonAscii = loadFixture('non-ascii').raw
const reserialised = Buffer.from(JSON.stringify(JSON.parse(nonAscii.toString('utf8'))), 'utf8')
const secrets = { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN }

const goodQuery = { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }

/**
 * Every rejection case: `{ name, request, secrets, status, reason, signatures }`, where
 * `signatures` lists the signature values the request carried (scanned for leaks).
 */
function rejectionCases() {
  const wrongSig = sign256(text, OTHER_SECRET)
  const bigBody = Buffer.alloc(MiB + 1, 0x20)
  const cases = [
    {
      name: 'GET with a wrong verify token',
      request: { method: 'GET', query: { ...goodQuery, 'hub.verify_token': 'not-the-token' } },
      secrets,
      status: 403,
      reason: 'VERIFY_TOKEN_MISMATCH',
    },
    {
      name: 'GET without hub.verify_token',
      request: { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.challenge': '1' } },
      secrets,
      status: 403,
      reason: 'VERIFY_TOKEN_MISMATCH',
    },
    {
      name: 'GET with hub.mode=unsubscribe',
      request: { method: 'GET', query: { ...goodQuery, 'hub.mode': 'unsubscribe' } },
      secrets,
      status: 403,
      reason: 'HANDSHAKE_INVALID',
    },
    {
      name: 'GET without hub.challenge',
      request: { method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN } },
      secrets,
      status: 403,
      reason: 'HANDSHAKE_INVALID',
    },
    {
      name: 'GET without any query',
      request: { method: 'GET' },
      secrets,
      status: 403,
      reason: 'HANDSHAKE_INVALID',
    },
    {
      name: 'POST signed with another secret',
      request: { method: 'POST', headers: { 'x-hub-signature-256': wrongSig }, body: text },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
      signatures: [wrongSig],
    },
    {
      name: 'POST whose body was altered after signing',
      request: {
        method: 'POST',
        headers: { 'x-hub-signature-256': sign256(text) },
        body: Buffer.from(text.toString('utf8').replace('Finland', 'Sweden')),
      },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
      signatures: [sign256(text)],
    },
    {
      name: 'POST with a malformed signature value',
      request: { method: 'POST', headers: { 'x-hub-signature-256': 'sha256=zz' + APP_SECRET }, body: text },
      secrets: { appSecret: 'another-secret' },
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
    },
    {
      name: 'POST with a wrong legacy sha1 signature',
      request: { method: 'POST', headers: { 'x-hub-signature': sign1(text, OTHER_SECRET) }, body: text },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
      signatures: [sign1(text, OTHER_SECRET)],
    },
    {
      name: 'POST of re-serialised non-ASCII JSON signed over the original bytes',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sign256(nonAscii) }, body: reserialised },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
      signatures: [sign256(nonAscii)],
    },
    {
      name: 'POST of the original non-ASCII bytes signed over the re-serialised JSON',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sign256(reserialised) }, body: nonAscii },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISMATCH',
      signatures: [sign256(reserialised)],
    },
    {
      name: 'POST without a signature header',
      request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: text },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISSING',
    },
    {
      name: 'POST without headers at all',
      request: { method: 'POST', body: text },
      secrets,
      status: 401,
      reason: 'SIGNATURE_MISSING',
    },
    {
      name: 'POST one byte over maxBodyBytes',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sign256(text) }, body: text },
      secrets: { ...secrets, maxBodyBytes: text.length - 1 },
      status: 413,
      reason: 'PAYLOAD_TOO_LARGE',
      signatures: [sign256(text)],
    },
    {
      name: 'unsigned POST over maxBodyBytes',
      request: { method: 'POST', body: text },
      secrets: { ...secrets, maxBodyBytes: 10 },
      status: 413,
      reason: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'unsigned POST of 1 MiB + 1 bytes with the default limit',
      request: { method: 'POST', body: bigBody },
      secrets,
      status: 413,
      reason: 'PAYLOAD_TOO_LARGE',
    },
    ...[
      ['a body that is not JSON', 'not json'],
      ['an empty body', ''],
      ['truncated JSON', '{"object":"instagram","entry":['],
      ['a JSON array', '[]'],
      ['a JSON string', '"instagram"'],
      ['an object without entry', '{"object":"instagram"}'],
      ['an object without object', '{"entry":[]}'],
      ['entry that is not an array', '{"object":"instagram","entry":{}}'],
      ['object that is not a string', '{"object":5,"entry":[]}'],
    ].map(([what, body]) => ({
      name: `signed POST of ${what}`,
      request: { method: 'POST', headers: { 'x-hub-signature-256': sign256(body) }, body: Buffer.from(body) },
      secrets,
      status: 400,
      reason: 'MALFORMED_PAYLOAD',
      signatures: [sign256(body)],
    })),
    ...['PUT', 'DELETE', 'patch', 'HEAD', 'OPTIONS'].map((method) => ({
      name: `${method} request`,
      request: { method, headers: { 'x-hub-signature-256': sign256(text) }, body: text, query: goodQuery },
      secrets,
      status: 405,
      reason: 'METHOD_NOT_ALLOWED',
      signatures: [sign256(text)],
    })),
  ]
  return cases
}

/**
 * Every caller mistake: `{ name, request, secrets, field, message? }`: the call must throw
 * (sync) / reject (async) with code INVALID_ARGUMENT and a message naming `field`.
 */
function mistakeCases() {
  const sig = sign256(text)
  return [
    {
      name: 'an already-parsed object as body',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: JSON.parse(text.toString('utf8')) },
      secrets,
      field: 'request.body',
      message: /raw body/i,
    },
    {
      name: 'a number as body',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: 42 },
      secrets,
      field: 'request.body',
    },
    {
      name: 'a GET without verifyToken',
      request: { method: 'GET', query: goodQuery },
      secrets: { appSecret: APP_SECRET },
      field: 'secrets.verifyToken',
    },
    {
      name: 'a GET with an empty verifyToken',
      request: { method: 'GET', query: goodQuery },
      secrets: { appSecret: APP_SECRET, verifyToken: '' },
      field: 'secrets.verifyToken',
    },
    {
      name: 'a POST without appSecret',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: text },
      secrets: { verifyToken: VERIFY_TOKEN },
      field: 'secrets.appSecret',
    },
    {
      name: 'a POST with an empty appSecret',
      request: { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: text },
      secrets: { verifyToken: VERIFY_TOKEN, appSecret: '' },
      field: 'secrets.appSecret',
    },
    {
      name: 'a POST with allowUnsigned: false and no appSecret',
      request: { method: 'POST', body: text },
      secrets: { verifyToken: VERIFY_TOKEN, allowUnsigned: false },
      field: 'secrets.appSecret',
    },
    ...[
      ['a string', 'POST'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 7],
    ].map(([what, request]) => ({
      name: `a request that is ${what}`,
      request,
      secrets,
      field: 'request',
    })),
    ...[
      ['a string (the app secret itself)', APP_SECRET],
      ['null', null],
      ['undefined', undefined],
      ['a number', 1],
    ].map(([what, s]) => ({
      name: `secrets that are ${what}`,
      request: { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: text },
      secrets: s,
      field: 'secrets',
    })),
  ]
}

module.exports = { MiB, rejectionCases, mistakeCases, goodQuery, reserialised }
