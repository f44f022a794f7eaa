'use strict'
// The GET subscription handshake.

const { verifyWebhook, verifyWebhookSync } = require('..')
const { VERIFY_TOKEN, APP_SECRET } = require('./helpers/sign')

const secrets = { verifyToken: VERIFY_TOKEN }
const query = (over = {}) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444', ...over })
const get = (q, method = 'GET') => verifyWebhookSync({ method, query: q }, secrets)

describe('GET handshake', () => {
  test('the right token answers the challenge: {kind: challenge, status: 200, body}', () => {
    expect(get(query())).toEqual({ kind: 'challenge', status: 200, body: '1158201444' })
  })

  test('the challenge is returned exactly as given (any text)', () => {
    const challenge = 'abc DEF-123_ä/?&='
    expect(get(query({ 'hub.challenge': challenge }))).toEqual({ kind: 'challenge', status: 200, body: challenge })
  })

  test('a wrong token → 403 VERIFY_TOKEN_MISMATCH', () => {
    expect(get(query({ 'hub.verify_token': 'wrong' }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'VERIFY_TOKEN_MISMATCH' })
  })

  test('a token differing only in case, or a prefix of the token → 403 VERIFY_TOKEN_MISMATCH', () => {
    for (const token of [VERIFY_TOKEN.toUpperCase(), VERIFY_TOKEN.slice(0, -1), VERIFY_TOKEN + 'x', '']) {
      expect(get(query({ 'hub.verify_token': token }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'VERIFY_TOKEN_MISMATCH' })
    }
  })

  test('no hub.verify_token → 403 VERIFY_TOKEN_MISMATCH', () => {
    expect(get(query({ 'hub.verify_token': undefined }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'VERIFY_TOKEN_MISMATCH' })
  })

  test('a mode other than subscribe → 403 HANDSHAKE_INVALID', () => {
    for (const mode of ['unsubscribe', 'subscribe2', '', undefined]) {
      expect(get(query({ 'hub.mode': mode }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'HANDSHAKE_INVALID' })
    }
  })

  test('a missing (or empty) challenge → 403 HANDSHAKE_INVALID', () => {
    expect(get(query({ 'hub.challenge': undefined }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'HANDSHAKE_INVALID' })
    expect(get(query({ 'hub.challenge': '' }))).toMatchObject({ kind: 'rejected', status: 403, reason: 'HANDSHAKE_INVALID' })
  })

  test('no query at all → 403 HANDSHAKE_INVALID', () => {
    expect(verifyWebhookSync({ method: 'GET' }, secrets)).toMatchObject({ kind: 'rejected', status: 403, reason: 'HANDSHAKE_INVALID' })
  })

  test('rejections carry a non-empty message and exactly kind/status/reason/message', () => {
    const r = get(query({ 'hub.verify_token': 'wrong' }))
    expect(Object.keys(r).sort()).toEqual(['kind', 'message', 'reason', 'status'])
    expect(typeof r.message).toBe('string')
    expect(r.message.length).toBeGreaterThan(0)
  })

  test('query values given as arrays work (first value used)', () => {
    const q = { 'hub.mode': ['subscribe'], 'hub.verify_token': [VERIFY_TOKEN], 'hub.challenge': ['42', '43'] }
    expect(get(q)).toEqual({ kind: 'challenge', status: 200, body: '42' })
    expect(get({ ...q, 'hub.verify_token': ['wrong', VERIFY_TOKEN] })).toMatchObject({ status: 403, reason: 'VERIFY_TOKEN_MISMATCH' })
  })

  test('the method in any case: get, Get, gEt', () => {
    for (const method of ['get', 'Get', 'gEt', 'GET']) {
      expect(get(query(), method)).toEqual({ kind: 'challenge', status: 200, body: '1158201444' })
    }
  })

  test('a GET ignores an app secret and a body: only the verify token counts', () => {
    const r = verifyWebhookSync({ method: 'GET', query: query(), body: Buffer.from('x') }, { ...secrets, appSecret: APP_SECRET })
    expect(r).toEqual({ kind: 'challenge', status: 200, body: '1158201444' })
  })

  test('verifyWebhook (async) gives the same results', async () => {
    for (const q of [query(), query({ 'hub.verify_token': 'x' }), query({ 'hub.mode': 'x' }), query({ 'hub.challenge': undefined })]) {
      expect(await verifyWebhook({ method: 'get', query: q }, secrets)).toEqual(verifyWebhookSync({ method: 'get', query: q }, secrets))
    }
  })
})
