'use strict'
// sendMessage: every messaging row of API.md's error table, served as a Graph-shaped body by
// the mock, mapped to its stable code with the structured properties; the realistic recipient
// rules of the mock (window closed, HUMAN_AGENT, unavailable); Graph text never leaks secrets.

const {
  sendMessage,
  MESSAGES_PATH,
  RECIPIENT,
  withSendMock,
  rejection,
  expectJsError,
  rememberSecret,
  expectNoSecretsInErrors,
} = require('./helpers/send-fixtures')

const ctx = withSendMock()

const send = (req = {}, opts = {}) =>
  sendMessage({ accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'hello' }, ...req }, { ...ctx.opts, ...opts })

const ROWS = require('./helpers/graph-error-rows')

const RETRYABLE = new Set(['RATE_LIMITED', 'GRAPH_TRANSIENT', 'NETWORK', 'TIMEOUT'])

describe('Graph error rows → stable codes with graphCode, graphSubcode, fbtraceId, httpStatus, retryable', () => {
  test.each(ROWS)('code %p subcode %p (HTTP %p) → %s', async (code, subcode, status, expected) => {
    const fbtrace = `Ab${String(code).replace('-', 'm')}x${subcode ?? 'n'}`
    const graphError = { code, fbtrace_id: fbtrace, type: 'IGApiException' }
    if (subcode !== undefined) graphError.error_subcode = subcode
    ctx.mock.fail(MESSAGES_PATH, { graphError, status })
    // maxRetries 0: one answer is the whole story, also for the retryable rows
    const err = await rejection(() => send({}, { maxRetries: 0 }))
    expectJsError(err)
    expect(err.code).toBe(expected)
    expect(err.retryable).toBe(RETRYABLE.has(expected))
    expect(err.graphCode).toBe(code)
    if (subcode === undefined) expect(err.graphSubcode).toBeUndefined()
    else expect(err.graphSubcode).toBe(subcode)
    expect(err.fbtraceId).toBe(fbtrace)
    expect(err.httpStatus).toBe(status)
    expect(err.graphType).toBe('IGApiException')
    expect(err.userTitle).toBeUndefined()
    expect(err.userMessage).toBeUndefined()
    expect(err.message).toMatch(new RegExp(`\\b${Math.abs(code)}\\b`))
    expect(ctx.mock.requestsTo(MESSAGES_PATH)).toHaveLength(1)
    expect(ctx.mock.sent).toHaveLength(0)
  })

  test('is_transient: true → GRAPH_TRANSIENT, retryable, whatever the code', async () => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code: 100, is_transient: true, fbtrace_id: 'TrAnSiEnT01' }, status: 500 })
    const err = await rejection(() => send({}, { maxRetries: 0 }))
    expect(err.code).toBe('GRAPH_TRANSIENT')
    expect(err.retryable).toBe(true)
    expect(err.graphCode).toBe(100)
    expect(err.fbtraceId).toBe('TrAnSiEnT01')
    expect(err.httpStatus).toBe(500)
  })

  test('error_user_title / error_user_msg → userTitle / userMessage', async () => {
    ctx.mock.fail(MESSAGES_PATH, {
      graphError: {
        code: 10,
        error_subcode: 2534022,
        error_user_title: 'Nachricht nicht gesendet',
        error_user_msg: 'Diese Nachricht liegt außerhalb des erlaubten Zeitfensters. 🕐',
        fbtrace_id: 'UsErMsG0001',
      },
      status: 403,
    })
    const err = await rejection(() => send())
    expect(err.code).toBe('OUTSIDE_MESSAGING_WINDOW')
    expect(err.userTitle).toBe('Nachricht nicht gesendet')
    expect(err.userMessage).toBe('Diese Nachricht liegt außerhalb des erlaubten Zeitfensters. 🕐')
    expect(err.httpStatus).toBe(403)
  })

  test('classification is by numbers, not by the (localized) message text', async () => {
    ctx.mock.fail(MESSAGES_PATH, {
      graphError: { code: 190, error_subcode: 463, message: 'Rate limit reached, please retry later (is_transient)' },
      status: 400,
    })
    const err = await rejection(() => send())
    expect(err.code).toBe('TOKEN_EXPIRED')
    expect(err.retryable).toBe(false)
  })

  test.each([
    [190, 463, 400],
    [10, 2534022, 403],
    [-1, 2534023, 500],
    [100, undefined, 400],
    [368, undefined, 400],
  ])('non-retryable Graph error %p/%p (HTTP %p) is attempted once with the default maxRetries', async (code, subcode, status) => {
    ctx.mock.fail(MESSAGES_PATH, { graphError: { code, error_subcode: subcode }, status }, { times: 5 })
    const err = await rejection(() => send())
    expect(err.retryable).toBe(false)
    expect(err.graphCode).toBe(code)
    expect(ctx.mock.requestsTo(MESSAGES_PATH)).toHaveLength(1)
  })
})

describe('realistic recipient rules of the mock', () => {
  test('a closed 24 h window → OUTSIDE_MESSAGING_WINDOW (Meta sends it as HTTP 403)', async () => {
    ctx.mock.recipients.set(RECIPIENT, { windowClosed: true })
    const err = await rejection(() => send({ message: { text: 'Are you still there?' } }))
    expect(err.code).toBe('OUTSIDE_MESSAGING_WINDOW')
    expect(err.retryable).toBe(false)
    expect(err.httpStatus).toBe(403)
    expect(err.graphCode).toBe(10)
    expect(err.graphSubcode).toBe(2534022)
    expect(typeof err.fbtraceId).toBe('string')
    expect(ctx.mock.sent).toHaveLength(0)
    expect(ctx.mock.requestsTo(MESSAGES_PATH)).toHaveLength(1)
  })

  test('the same recipient with HUMAN_AGENT succeeds', async () => {
    ctx.mock.recipients.set(RECIPIENT, { windowClosed: true })
    const r = await send({ message: { text: 'A colleague will help you.' }, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })
    expect(r.recipientId).toBe(RECIPIENT)
    expect(r.messageId).toBe(ctx.mock.sent[0].messageId)
    expect(ctx.mock.sent[0].body).toStrictEqual({
      recipient: { id: RECIPIENT },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'A colleague will help you.' },
    })
  })

  test.each([
    ['unavailable', 551, 1545041],
    ['noMatch', 100, 2534014],
    ['messagingDisabled', 200, 2534041],
  ])('recipient rule %s → RECIPIENT_UNAVAILABLE (%p/%p)', async (rule, code, subcode) => {
    ctx.mock.recipients.set(RECIPIENT, { [rule]: true })
    const err = await rejection(() => send())
    expect(err.code).toBe('RECIPIENT_UNAVAILABLE')
    expect(err.graphCode).toBe(code)
    expect(err.graphSubcode).toBe(subcode)
    expect(err.retryable).toBe(false)
  })

  test('a second private reply to one comment → GRAPH_ERROR -1/2534023 (HTTP 500), not retried', async () => {
    const recipient = { commentId: '17858893269999999' }
    await send({ recipient, message: { text: 'first' } })
    const err = await rejection(() => send({ recipient, message: { text: 'second' } }))
    expect(err.code).toBe('GRAPH_ERROR')
    expect(err.graphCode).toBe(-1)
    expect(err.graphSubcode).toBe(2534023)
    expect(err.httpStatus).toBe(500)
    expect(err.retryable).toBe(false)
    expect(ctx.mock.requestsTo(MESSAGES_PATH)).toHaveLength(2)
    expect(ctx.mock.sent).toHaveLength(1)
  })

  test('a revoked token → TOKEN_INVALID; an expired one → TOKEN_EXPIRED', async () => {
    const revoked = rememberSecret(ctx.mock.tokens.issueLongLived({ loginType: 'instagram' }))
    ctx.mock.tokens.revoke(revoked, 460)
    let err = await rejection(() => send({ accessToken: revoked }))
    expect(err.code).toBe('TOKEN_INVALID')
    expect(err.graphSubcode).toBe(460)
    const expired = rememberSecret(
      ctx.mock.tokens.issueLongLived({ loginType: 'instagram', issuedAt: ctx.mock.clock.now() - 61 * 24 * 3600 * 1000 }),
    )
    err = await rejection(() => send({ accessToken: expired }))
    expect(err.code).toBe('TOKEN_EXPIRED')
    expect(err.graphSubcode).toBe(463)
    expect(err.message).toMatch(/reconnect/i)
  })
})

describe('secrets in Graph text', () => {
  test('a Graph error that echoes the token and the app secret has them scrubbed', async () => {
    const tok = ctx.fbToken
    const secret = ctx.appSecret
    ctx.mock.fail(MESSAGES_PATH, {
      graphError: {
        code: 100,
        message: `Invalid parameter access_token=${tok} appsecret=${secret}`,
        error_user_title: `token ${tok}`,
        error_user_msg: `secret ${secret}`,
        fbtrace_id: 'EcHoEcHo001',
      },
    })
    const err = await rejection(() =>
      sendMessage({ accessToken: tok, appSecret: secret, recipient: { id: RECIPIENT }, message: { text: 'x' } }, ctx.opts),
    )
    expect(err.code).toBe('GRAPH_ERROR')
    for (const s of [tok, secret]) {
      expect(err.message).not.toContain(s)
      expect(String(err.userTitle)).not.toContain(s)
      expect(String(err.userMessage)).not.toContain(s)
    }
  })

  test('no error of this file contains an access token or app secret', () => {
    expect(expectNoSecretsInErrors()).toBeGreaterThan(ROWS.length)
  })
})
