'use strict'
// sendMessage: every limit of API.md at its edge (the last allowed value is sent, the next is
// refused with INVALID_ARGUMENT naming the exact field path, and no request reaches the mock),
// and every other refused shape (URLs, combinations, unknown values, wrong JS types).

const {
  sendMessage,
  RECIPIENT,
  withSendMock,
  rejection,
  expectInvalid,
  rememberSecret,
  expectNoSecretsInErrors,
} = require('./helpers/send-fixtures')

const ctx = withSendMock()

const base = () => ({ accessToken: ctx.igToken, recipient: { id: RECIPIENT } })

/** Sends base + `req`: it must succeed with exactly one request that the mock accepted. */
async function expectAccepted(req) {
  const before = ctx.mock.requests.length
  const result = await sendMessage({ ...base(), ...req }, ctx.opts)
  expect(ctx.mock.requests.length).toBe(before + 1)
  expect(ctx.mock.sent.length).toBeGreaterThanOrEqual(1)
  expect(result.recipientId).toBe(RECIPIENT)
  return JSON.parse(ctx.mock.requests.at(-1).rawBody)
}

/** `full` is the whole request (no base added): refused with `path`, nothing sent. */
async function expectRefusedRaw(full, path, opts = ctx.opts) {
  const before = ctx.mock.requests.length
  const err = await rejection(() => sendMessage(full, opts))
  expectInvalid(err, path)
  expect(ctx.mock.requests.length).toBe(before)
  return err
}

const expectRefused = (req, path) => expectRefusedRaw({ ...base(), ...req }, path)

const rep = (s, n) => s.repeat(n)
const qrs = (n) => Array.from({ length: n }, (_, i) => ({ title: `Option ${i}`, payload: `OPT_${i}` }))
const imgs = (n) => Array.from({ length: n }, (_, i) => `https://cdn.example.com/img/${i}.jpg`)
const postbacks = (n) => Array.from({ length: n }, (_, i) => ({ type: 'postback', title: `B${i}`, payload: `P${i}` }))
const elements = (n) => Array.from({ length: n }, (_, i) => ({ title: `Card ${i}` }))
const textMsg = (text, extra) => ({ message: { text, ...extra } })
const generic = (els) => ({ message: { genericTemplate: { elements: els } } })
const buttonTpl = (text, buttons) => ({ message: { buttonTemplate: { text, buttons } } })

// Each edge: [name, the last allowed request, the first refused request, the field path].
const EDGES = [
  ['text: 1000 vs 1001 ASCII bytes', textMsg(rep('a', 1000)), textMsg(rep('a', 1001)), 'message.text'],
  ['text: "é"×500 (1000 bytes) vs "é"×500+"a" (1001 bytes)', textMsg(rep('é', 500)), textMsg(rep('é', 500) + 'a'), 'message.text'],
  ['text: "😀"×250 (1000 bytes) vs "😀"×250+"a"', textMsg(rep('😀', 250)), textMsg(rep('😀', 250) + 'a'), 'message.text'],
  ['text: "€"×333+"a" (1000 bytes) vs "€"×334 (1002 bytes, 334 characters)', textMsg(rep('€', 333) + 'a'), textMsg(rep('€', 334)), 'message.text'],
  ['quick replies: 13 vs 14', textMsg('pick', { quickReplies: qrs(13) }), textMsg('pick', { quickReplies: qrs(14) }), 'message.quickReplies[13]'],
  [
    'quick reply title: 20 vs 21 characters (emoji count as one)',
    textMsg('pick', { quickReplies: [{ title: rep('😀', 20), payload: 'P' }] }),
    textMsg('pick', { quickReplies: [{ title: rep('😀', 21), payload: 'P' }] }),
    'message.quickReplies[0].title',
  ],
  [
    'quick reply title: 20 vs 21 ASCII characters at index 5',
    textMsg('pick', { quickReplies: [...qrs(5), { title: rep('t', 20), payload: 'P' }] }),
    textMsg('pick', { quickReplies: [...qrs(5), { title: rep('t', 21), payload: 'P' }] }),
    'message.quickReplies[5].title',
  ],
  [
    'quick reply payload: 1000 vs 1001 characters ("é": 2000 bytes is still 1000 characters)',
    textMsg('pick', { quickReplies: [{ title: 'ok', payload: rep('é', 1000) }] }),
    textMsg('pick', { quickReplies: [{ title: 'ok', payload: rep('é', 1001) }] }),
    'message.quickReplies[0].payload',
  ],
  ['images: 10 vs 11', { message: { images: imgs(10) } }, { message: { images: imgs(11) } }, 'message.images[10]'],
  ['generic template elements: 10 vs 11', generic(elements(10)), generic(elements(11)), 'message.genericTemplate.elements[10]'],
  [
    'element title: 80 vs 81 characters',
    generic([{ title: rep('ü', 80) }]),
    generic([{ title: rep('ü', 81) }]),
    'message.genericTemplate.elements[0].title',
  ],
  [
    'element subtitle: 80 vs 81 characters',
    generic([...elements(2), { title: 'x', subtitle: rep('😀', 80) }]),
    generic([...elements(2), { title: 'x', subtitle: rep('😀', 81) }]),
    'message.genericTemplate.elements[2].subtitle',
  ],
  [
    'buttons per element: 3 vs 4',
    generic([{ title: 'x', buttons: postbacks(3) }]),
    generic([{ title: 'x', buttons: postbacks(4) }]),
    'message.genericTemplate.elements[0].buttons[3]',
  ],
  [
    'element button title: 20 vs 21 characters',
    generic([{ title: 'x', buttons: [{ type: 'web_url', title: rep('é', 20), url: 'https://e.example.com/' }] }]),
    generic([{ title: 'x', buttons: [{ type: 'web_url', title: rep('é', 21), url: 'https://e.example.com/' }] }]),
    'message.genericTemplate.elements[0].buttons[0].title',
  ],
  ['button template text: 640 vs 641 characters', buttonTpl(rep('€', 640), postbacks(1)), buttonTpl(rep('€', 641), postbacks(1)), 'message.buttonTemplate.text'],
  ['button template buttons: 3 vs 4', buttonTpl('t', postbacks(3)), buttonTpl('t', postbacks(4)), 'message.buttonTemplate.buttons[3]'],
  [
    'button title: 20 vs 21 characters',
    buttonTpl('t', [...postbacks(1), { type: 'postback', title: rep('😀', 20), payload: 'P' }]),
    buttonTpl('t', [...postbacks(1), { type: 'postback', title: rep('😀', 21), payload: 'P' }]),
    'message.buttonTemplate.buttons[1].title',
  ],
  [
    'postback payload: 1000 vs 1001 characters',
    buttonTpl('t', [{ type: 'postback', title: 'b', payload: rep('€', 1000) }]),
    buttonTpl('t', [{ type: 'postback', title: 'b', payload: rep('€', 1001) }]),
    'message.buttonTemplate.buttons[0].payload',
  ],
]

describe('limits at their edge: the last allowed value is sent, the next is refused before any request', () => {
  test.each(EDGES)('%s', async (_name, ok, bad, path) => {
    const body = await expectAccepted(ok)
    expect(body.message).toBeDefined()
    await expectRefused(bad, path)
  })

  test('a multi-byte text of exactly 1000 bytes arrives byte-exact', async () => {
    const exact = rep('é', 498) + '😀' // 996 + 4 bytes
    expect(Buffer.byteLength(exact)).toBe(1000)
    const body = await expectAccepted(textMsg(exact))
    expect(body.message.text).toBe(exact)
  })

  test('empty values below the lower limits are refused', async () => {
    await expectRefused(textMsg(''), 'message.text')
    await expectRefused(textMsg('x', { quickReplies: [{ title: '', payload: 'P' }] }), 'message.quickReplies[0].title')
    await expectRefused({ message: { images: [] } }, 'message.images')
    await expectRefused(generic([]), 'message.genericTemplate.elements')
    await expectRefused(buttonTpl('', postbacks(1)), 'message.buttonTemplate.text')
    await expectRefused(buttonTpl('t', []), 'message.buttonTemplate.buttons')
    expect(ctx.mock.requests).toHaveLength(0)
  })
})

describe('other refused shapes (INVALID_ARGUMENT naming the field, nothing sent)', () => {
  test('an empty quickReplies array', async () => {
    await expectRefused(textMsg('pick', { quickReplies: [] }), 'message.quickReplies')
  })

  test.each([
    ['ftp://', 'ftp://cdn.example.com/cat.jpg'],
    ['javascript:', 'javascript:alert(1)'],
    ['file://', 'file:///etc/passwd'],
    ['data:', 'data:image/png;base64,iVBORw0KGgo='],
  ])('a non-http URL (%s) in attachment.url', async (_s, url) => {
    await expectRefused({ message: { attachment: { type: 'image', url } } }, 'message.attachment.url')
  })

  test.each([
    ['a path', '/img/cat.jpg'],
    ['no scheme', 'cdn.example.com/cat.jpg'],
    ['protocol-relative', '//cdn.example.com/cat.jpg'],
  ])('a relative URL (%s) in attachment.url', async (_s, url) => {
    await expectRefused({ message: { attachment: { type: 'video', url } } }, 'message.attachment.url')
  })

  test('bad URLs elsewhere name their own path', async () => {
    await expectRefused({ message: { images: ['https://ok.example.com/1.jpg', '/2.jpg'] } }, 'message.images[1]')
    await expectRefused(generic([{ title: 'x', imageUrl: 'ftp://e.example.com/i.jpg' }]), 'message.genericTemplate.elements[0].imageUrl')
    await expectRefused(generic([{ title: 'x', defaultActionUrl: 'shop/p/1' }]), 'message.genericTemplate.elements[0].defaultActionUrl')
    await expectRefused(
      generic([{ title: 'x', buttons: [...postbacks(1), { type: 'web_url', title: 'go', url: 'mailto:a@b.example' }] }]),
      'message.genericTemplate.elements[0].buttons[1].url',
    )
    await expectRefused(buttonTpl('t', [{ type: 'web_url', title: 'go', url: '/relative' }]), 'message.buttonTemplate.buttons[0].url')
  })

  test('two of message / senderAction / reaction', async () => {
    const mid = 'aWdfbWlk'
    let err = await expectRefused({ message: { text: 'x' }, senderAction: 'typing_on' }, 'senderAction')
    expect(err.message).toMatch(/\bmessage\b/)
    err = await expectRefused({ message: { text: 'x' }, reaction: { messageId: mid, reaction: 'love' } }, 'reaction')
    expect(err.message).toMatch(/\bmessage\b/)
    err = await expectRefused({ senderAction: 'mark_seen', reaction: { messageId: mid } }, 'reaction')
    expect(err.message).toMatch(/\bsenderAction\b/)
  })

  test('none of message / senderAction / reaction', async () => {
    await expectRefused({}, 'message')
  })

  test('text and an attachment together', async () => {
    const err = await expectRefused(
      { message: { text: 'look', attachment: { type: 'image', url: 'https://e.example.com/a.jpg' } } },
      'message',
    )
    expect(err.message).toMatch(/text/)
    expect(err.message).toMatch(/attachment/)
  })

  test('two other content kinds together (sticker + images)', async () => {
    await expectRefused({ message: { sticker: 'like_heart', images: imgs(1) } }, 'message')
  })

  test('quickReplies without text', async () => {
    await expectRefused({ message: { sticker: 'like_heart', quickReplies: qrs(1) } }, 'message.quickReplies')
  })

  test('a recipient with both id and commentId, or neither', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: { id: RECIPIENT, commentId: '178000001' }, message: { text: 'x' } }, 'recipient')
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: {}, message: { text: 'x' } }, 'recipient')
  })

  test('a non-numeric recipient.id / recipient.commentId', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: { id: 'user-1' }, message: { text: 'x' } }, 'recipient.id')
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: { commentId: '17x' }, message: { text: 'x' } }, 'recipient.commentId')
  })

  test('an unknown tag', async () => {
    await expectRefused({ message: { text: 'x' }, messagingType: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' }, 'tag')
    await expectRefused({ message: { text: 'x' }, messagingType: 'MESSAGE_TAG', tag: 'human_agent' }, 'tag')
  })

  test('an unknown senderAction', async () => {
    await expectRefused({ senderAction: 'typing' }, 'senderAction')
    await expectRefused({ senderAction: 'react' }, 'senderAction')
    await expectRefused({ senderAction: 'TYPING_ON' }, 'senderAction')
  })

  test('an unknown messagingType', async () => {
    await expectRefused({ message: { text: 'x' }, messagingType: 'response' }, 'messagingType')
    await expectRefused({ message: { text: 'x' }, messagingType: 'NON_PROMOTIONAL_SUBSCRIPTION' }, 'messagingType')
  })

  test('a tag without messagingType MESSAGE_TAG (absent or RESPONSE), and MESSAGE_TAG without a tag', async () => {
    await expectRefused({ message: { text: 'x' }, tag: 'HUMAN_AGENT' }, 'tag')
    await expectRefused({ message: { text: 'x' }, messagingType: 'RESPONSE', tag: 'HUMAN_AGENT' }, 'tag')
    await expectRefused({ message: { text: 'x' }, messagingType: 'MESSAGE_TAG' }, 'tag')
  })

  test('unknown sticker, attachment type, and an attachment with both url and attachmentId', async () => {
    await expectRefused({ message: { sticker: 'thumbs_up' } }, 'message.sticker')
    await expectRefused({ message: { attachment: { type: 'gif', url: 'https://e.example.com/a.gif' } } }, 'message.attachment.type')
    await expectRefused(
      { message: { attachment: { type: 'image', url: 'https://e.example.com/a.jpg', attachmentId: '123' } } },
      'message.attachment',
    )
  })

  test('a comment reply must be a message', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: { commentId: '17800000001' }, senderAction: 'typing_on' }, 'recipient.commentId')
  })

  test('an accountId that is not "me" or digits', async () => {
    await expectRefused({ accountId: '../../debug_token', message: { text: 'x' } }, 'accountId')
  })

  test('a non-loopback http:// base URL (options.instagramUrl)', async () => {
    await expectRefusedRaw({ ...base(), message: { text: 'x' } }, 'options.instagramUrl', { instagramUrl: 'http://graph.example.com', facebookUrl: ctx.mock.url })
  })
})

describe('wrong JS types → INVALID_ARGUMENT naming the field, never a crash', () => {
  test('a number for message.text', async () => {
    await expectRefused({ message: { text: 42 } }, 'message.text')
  })

  test('a null recipient', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: null, message: { text: 'x' } }, 'recipient')
  })

  test('a missing recipient', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, message: { text: 'x' } }, 'recipient')
  })

  test('a missing accessToken', async () => {
    await expectRefusedRaw({ recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accessToken')
  })

  test('an empty, numeric or null accessToken', async () => {
    await expectRefusedRaw({ accessToken: '', recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accessToken')
    await expectRefusedRaw({ accessToken: 12345, recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accessToken')
    await expectRefusedRaw({ accessToken: null, recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accessToken')
  })

  test('a number for recipient.id (IDs are strings)', async () => {
    await expectRefusedRaw({ accessToken: ctx.igToken, recipient: { id: 1254477777772919 }, message: { text: 'x' } }, 'recipient.id')
  })

  test('a string for quickReplies, a string for message, a number in images', async () => {
    await expectRefused({ message: { text: 'x', quickReplies: 'yes,no' } }, 'message.quickReplies')
    await expectRefused({ message: 'hello' }, 'message')
    await expectRefused({ message: { images: ['https://e.example.com/1.jpg', 7] } }, 'message.images[1]')
  })

  test('a non-object request', async () => {
    for (const req of [null, undefined, 'send hi', 42]) {
      const before = ctx.mock.requests.length
      const err = await rejection(() => sendMessage(req, ctx.opts))
      expect(err.code).toBe('INVALID_ARGUMENT')
      expect(ctx.mock.requests.length).toBe(before)
    }
  })

  test('validation messages do not echo values (a token put in the wrong field)', async () => {
    const tok = ctx.igToken
    const fieldTrap = rememberSecret('IGAAtrapTokenInTheWrongField0123456789abcdef')
    await expectRefusedRaw({ accessToken: tok, recipient: { id: fieldTrap }, message: { text: 'x' } }, 'recipient.id')
    await expectRefusedRaw({ accessToken: tok, accountId: fieldTrap, recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accountId')
    await expectRefusedRaw({ accessToken: `${fieldTrap} with space`, recipient: { id: RECIPIENT }, message: { text: 'x' } }, 'accessToken')
    await expectRefusedRaw({ accessToken: tok, recipient: { id: RECIPIENT }, senderAction: fieldTrap }, 'senderAction')
    await expectRefusedRaw({ accessToken: tok, recipient: { id: RECIPIENT }, message: { text: 'x' }, messagingType: fieldTrap }, 'messagingType')
    await expectRefusedRaw({ accessToken: tok, recipient: { id: RECIPIENT }, message: { text: 'x' }, appSecret: '' }, 'appSecret')
  })
})

describe('secrets', () => {
  test('no error of this file contains an access token or app secret', () => {
    expect(expectNoSecretsInErrors()).toBeGreaterThan(50)
  })
})
