'use strict'
// sendMessage with splitLongText (docs/API-beyond-dms.md, "Long text, split (opt-in)"): a long
// text arrives at the mock as several messages, in order, each within 1000 bytes and never cut
// inside a grapheme cluster; every refusal comes before any request; quick replies ride on the
// last part only; a failed part rejects with its own code and `partial`, and nothing is resent.

const {
  sendMessage,
  MESSAGES_PATH,
  RECIPIENT,
  withSendMock,
  rejection,
  expectInvalid,
  expectJsError,
  expectNoSecretsInErrors,
} = require('./helpers/send-fixtures')

const ctx = withSendMock()

const send = (message, req = {}, opts = {}) =>
  sendMessage({ accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message, splitLongText: true, ...req }, { ...ctx.opts, ...opts })
const messageRequests = () => ctx.mock.requestsTo(MESSAGES_PATH)
const sentTexts = () => ctx.mock.sent.map((s) => s.body.message.text)
const bytes = (s) => Buffer.byteLength(s, 'utf8')

const FAMILY = '👨\u200d👩\u200d👧\u200d👦'
const RAINBOW = '🏳️\u200d🌈'
const FLAGS = '🇩🇪🇯🇵🇧🇷'

/** About 2,500 bytes of Latin, CJK, ZWJ emoji, flags and skin tones, with spaces and a line break. */
function mixedText() {
  const pieces = [
    `Hello ${FAMILY} team! 你好，世界。今天天气很好 ${FLAGS} `,
    `東京タワーの近くで会いましょう👍🏽${RAINBOW}${FAMILY}${FAMILY} `,
    'Grüße aus Köln — naïve café crème, e\u0301 and कृष्ण. ',
    '这是一个很长的中文句子，没有空格，用来测试在汉字之间断行的规则是否正确。',
  ]
  let text = ''
  for (let i = 0; bytes(text) < 2500; i++) {
    text += pieces[i % pieces.length]
    if (i === 9) text += '\n'
  }
  return text
}

/** The grapheme cluster boundaries of `text`, as UTF-16 offsets. */
function graphemeBoundaries(text) {
  const seg = new Intl.Segmenter('en', { granularity: 'grapheme' })
  const at = new Set([text.length])
  for (const { index } of seg.segment(text)) at.add(index)
  return at
}

/**
 * Asserts `parts` are `text` cut as the contract says: in order, each 1–1000 bytes and not only
 * whitespace, ending on grapheme boundaries, with only whitespace left out between them.
 */
function expectCutOf(text, parts) {
  const boundaries = graphemeBoundaries(text)
  let at = 0
  for (const part of parts) {
    expect(bytes(part)).toBeGreaterThan(0)
    expect(bytes(part)).toBeLessThanOrEqual(1000)
    expect(part.trim()).not.toBe('')
    const start = text.indexOf(part, at)
    expect(start).toBeGreaterThanOrEqual(at)
    expect(text.slice(at, start).trim()).toBe('') // only whitespace dropped, at a cut
    expect(boundaries.has(start)).toBe(true)
    expect(boundaries.has(start + part.length)).toBe(true)
    at = start + part.length
  }
  expect(text.slice(at).trim()).toBe('')
}

/** `n` paragraphs of about 700 bytes, one per line: each is exactly one part. */
const paragraphs = (n) => Array.from({ length: n }, (_, i) => `Paragraph ${i + 1}: ` + 'lorem ipsum dolor sit amet '.repeat(25).trim())

describe('a long text is sent as parts', () => {
  test('2,500 bytes of emoji (ZWJ sequences, flags) and CJK → several messages in order, each ≤ 1000 bytes', async () => {
    const text = mixedText()
    expect(bytes(text)).toBeGreaterThanOrEqual(2500)
    const result = await send({ text })

    expect(result.recipientId).toBe(RECIPIENT)
    const parts = result.parts.map((p) => p.text)
    expect(parts.length).toBeGreaterThanOrEqual(3)
    expect(parts.length).toBeLessThanOrEqual(10)
    expectCutOf(text, parts)

    // What the mock received: one request per part, in order, each the part's text.
    expect(messageRequests()).toHaveLength(parts.length)
    expect(sentTexts()).toEqual(parts)
    expect(result.parts).toEqual(ctx.mock.sent.map((s) => ({ text: s.body.message.text, messageId: s.messageId })))
    expect(result.messageId).toBe(ctx.mock.sent[parts.length - 1].messageId)
    expect(new Set(result.parts.map((p) => p.messageId)).size).toBe(parts.length)
    // Every ZWJ family and flag arrived whole.
    const count = (s, needle) => s.split(needle).length - 1
    expect(count(parts.join(''), FAMILY)).toBe(count(text, FAMILY))
    expect(count(parts.join(''), FLAGS)).toBe(count(text, FLAGS))
  })

  test('line breaks are where paragraphs are cut, and the breaks are not sent', async () => {
    const paras = paragraphs(3)
    const result = await send({ text: paras.join('\n\n') })
    expect(result.parts.map((p) => p.text)).toEqual(paras)
    expect(sentTexts()).toEqual(paras)
  })

  test('quickReplies go with the last part only; messagingType and tag with every part', async () => {
    const paras = paragraphs(3)
    const quickReplies = [{ title: 'Yes', payload: 'YES' }, { title: 'No', payload: 'NO' }]
    await send({ text: paras.join('\n'), quickReplies }, { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })
    const bodies = messageRequests().map((e) => JSON.parse(e.rawBody))
    expect(bodies).toEqual(
      paras.map((text, i) => ({
        recipient: { id: RECIPIENT },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message:
          i === paras.length - 1
            ? { text, quick_replies: quickReplies.map((q) => ({ content_type: 'text', ...q })) }
            : { text },
      })),
    )
  })

  test('a text within 1000 bytes is one message, and parts lists it', async () => {
    const result = await send({ text: 'short and sweet ' })
    expect(result.parts).toEqual([{ text: 'short and sweet ', messageId: result.messageId }])
    expect(sentTexts()).toEqual(['short and sweet '])
  })

  test('a short private reply with splitLongText is sent as one message', async () => {
    const result = await send({ text: 'Thanks for your comment!' }, { recipient: { commentId: '17858893269000001' } })
    expect(result.parts).toHaveLength(1)
    expect(messageRequests()).toHaveLength(1)
  })

  test('without splitLongText there is no parts in the result', async () => {
    const result = await sendMessage({ accessToken: ctx.igToken, recipient: { id: RECIPIENT }, message: { text: 'hi' } }, ctx.opts)
    expect(result.parts).toBeUndefined()
  })
})

describe('refused before any request', () => {
  test.each([
    ['without splitLongText', { splitLongText: undefined }],
    ['with splitLongText: false', { splitLongText: false }],
  ])('a text over 1000 bytes %s → INVALID_ARGUMENT message.text', async (_, req) => {
    const err = await rejection(() => send({ text: mixedText() }, req))
    expectInvalid(err, 'message.text')
    expect(err.partial).toBeUndefined()
    expect(ctx.mock.requests).toHaveLength(0)
  })

  test.each([
    ['eleven paragraphs (eleven parts)', () => paragraphs(11).join('\n')],
    ['more bytes than ten parts can hold', () => 'word '.repeat(2300)],
  ])('more than 10 parts: %s → INVALID_ARGUMENT message.text', async (_, text) => {
    const err = await rejection(() => send({ text: text() }))
    expectInvalid(err, 'message.text')
    expect(ctx.mock.requests).toHaveLength(0)
  })

  test('a single grapheme cluster over 1000 bytes → INVALID_ARGUMENT message.text', async () => {
    const err = await rejection(() => send({ text: `ok ${'e' + '\u0301'.repeat(600)} ok` }))
    expectInvalid(err, 'message.text')
    expect(ctx.mock.requests).toHaveLength(0)
  })

  test('a private reply that would need splitting → INVALID_ARGUMENT message.text', async () => {
    const err = await rejection(() => send({ text: mixedText() }, { recipient: { commentId: '17858893269000002' } }))
    expectInvalid(err, 'message.text')
    expect(ctx.mock.requests).toHaveLength(0)
  })

  test('a bad quick reply (on the last part) refuses the whole send', async () => {
    const err = await rejection(() => send({ text: paragraphs(3).join('\n'), quickReplies: [{ title: 'x'.repeat(21), payload: 'P' }] }))
    expectInvalid(err, 'message.quickReplies[0].title')
    expect(ctx.mock.requests).toHaveLength(0)
  })

  test('splitLongText without message.text → INVALID_ARGUMENT splitLongText', async () => {
    const err = await rejection(() => send({ attachment: { type: 'image', url: 'https://cdn.example.com/a.jpg' } }))
    expectInvalid(err, 'splitLongText')
    expect(ctx.mock.requests).toHaveLength(0)
  })
})

describe('a part that fails', () => {
  const paras = paragraphs(3)
  const text = paras.join('\n')
  const onPart2 = (e) => e.path === MESSAGES_PATH && e.body?.message?.text === paras[1]

  test.each([
    ['a Graph error', { graphError: { code: 100, error_subcode: 2534025, fbtrace_id: 'SpLiTtRaCe01' }, status: 400 }, {}, 'GRAPH_ERROR', false],
    ['a timeout', { hang: true }, { timeoutMs: 500 }, 'TIMEOUT', true],
    ['a bare HTTP 500', { status: 500, body: 'upstream error' }, {}, 'GRAPH_TRANSIENT', true],
  ])('%s on part 2 → its code, partial with part 1 sent, part 3 never sent', async (_, fault, opts, code, mayBeDelivered) => {
    ctx.mock.fail(onPart2, fault, { times: 5 })
    const err = await rejection(() => send({ text }, {}, opts))
    expectJsError(err)
    expect(err.code).toBe(code)
    expect(err.retryable).toBe(code !== 'GRAPH_ERROR')
    if (code === 'GRAPH_ERROR') {
      expect(err.graphCode).toBe(100)
      expect(err.graphSubcode).toBe(2534025)
      expect(err.fbtraceId).toBe('SpLiTtRaCe01')
      expect(err.httpStatus).toBe(400)
    }
    if (code === 'GRAPH_TRANSIENT') expect(err.httpStatus).toBe(500)

    expect(ctx.mock.sent).toHaveLength(1)
    expect(err.partial).toEqual({
      parts: paras,
      sent: [{ text: paras[0], messageId: ctx.mock.sent[0].messageId }],
      failedIndex: 1,
      failedMayBeDelivered: mayBeDelivered,
    })
    // A plain object, as JSON sees it.
    expect(JSON.parse(JSON.stringify(err.partial))).toEqual(err.partial)
    expect(Object.keys(err.partial).sort()).toEqual(['failedIndex', 'failedMayBeDelivered', 'parts', 'sent'])
    // Part 2 was attempted once (a write after a timeout or a bare 5xx is not repeated), part 3 never.
    expect(messageRequests().map((e) => e.body.message.text)).toEqual([paras[0], paras[1]])
  })

  test('the recipe: sending partial.parts from failedIndex finishes the text, nothing twice', async () => {
    ctx.mock.fail(onPart2, { graphError: { code: 10, error_subcode: 2534022 }, status: 403 })
    const err = await rejection(() => send({ text }))
    expect(err.code).toBe('OUTSIDE_MESSAGING_WINDOW')
    const { parts, failedIndex } = err.partial
    for (const rest of parts.slice(failedIndex)) await send({ text: rest })
    expect(sentTexts()).toEqual(paras)
  })

  test('a retryable Graph error on part 2 is retried, then the send succeeds with nothing sent twice', async () => {
    ctx.mock.fail(onPart2, { graphError: { code: 2, is_transient: true }, status: 503 }, { times: 1 })
    const result = await send({ text })
    expect(result.parts.map((p) => p.text)).toEqual(paras)
    expect(messageRequests().map((e) => e.body.message.text)).toEqual([paras[0], paras[1], paras[1], paras[2]])
    expect(sentTexts()).toEqual(paras)
    expect(result.messageId).toBe(ctx.mock.sent[2].messageId)
  })
})

test('no secret in any error of this file', () => {
  expect(expectNoSecretsInErrors()).toBeGreaterThan(0)
})
