'use strict'
// sendMessage under load: 1,000 sends in flight at once all succeed with distinct message ids,
// and keep-alive connections are reused (a second batch does not open another ~1,000).

const { sendMessage, MESSAGES_PATH, withSendMock, collectedErrors, expectNoSecretsInErrors } = require('./helpers/send-fixtures')

// The mock's default keep-alive timeout (5 s) would let it close pooled connections that sat
// idle while a loaded machine worked through the first batch; a request written on such a
// socket just as the server closes it is reset (NETWORK, never retried for a send). This file
// tests pool reuse, not that race, so the mock keeps idle connections for a minute.
const ctx = withSendMock({ keepAliveTimeout: 60000 })
// The batches test the connection pool, not pacing: they go out unpaced (`pacing: false`), as
// they did before pacing existed (paced, 1,000 sends to one account take 10 s).
const unpaced = () => ({ ...ctx.opts, pacing: false })

const N = 1000

function batch(tag) {
  return Promise.all(
    Array.from({ length: N }, (_, i) =>
      sendMessage(
        { accessToken: ctx.igToken, recipient: { id: String(17000000000000000n + BigInt(i)) }, message: { text: `${tag} #${i}` } },
        unpaced(),
      ),
    ),
  )
}

/**
 * The mock's connection count once it has stopped changing. A burst of sends with no idle
 * connection starts one connect per request; connects that lose the race to a connection
 * freed by another request still complete in the background (and land in the pool) a few
 * hundred ms after the batch resolved (the mock's listen backlog of 511 overflows, so some
 * SYNs are retransmitted after the kernel's 1 s). Poll until the count is stable for 1.2 s
 * (max 6 s), so each batch is charged with the connections it caused.
 */
async function settledConnections(mock) {
  const deadline = Date.now() + 6000
  let last = mock.connections
  let stableSince = Date.now()
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
    const now = mock.connections
    if (now !== last) {
      last = now
      stableSince = Date.now()
    } else if (Date.now() - stableSince >= 1200) break
  }
  return last
}

function expectAllDelivered(results, tag) {
  expect(results).toHaveLength(N)
  const ids = new Set(results.map((r) => r.messageId))
  expect(ids.size).toBe(N)
  for (const id of ids) expect(typeof id).toBe('string')
  results.forEach((r, i) => expect(r.recipientId).toBe(String(17000000000000000n + BigInt(i))))
  const texts = new Set(ctx.mock.sent.filter((s) => s.body.message.text.startsWith(`${tag} #`)).map((s) => s.body.message.text))
  expect(texts.size).toBe(N)
}

describe(`${N} concurrent sends`, () => {
  const seen = {}

  test(`${N} sends in flight at once all succeed with distinct messageIds; a second batch reuses connections`, async () => {
    const { mock } = ctx
    const before = mock.connections // nothing in flight yet

    const first = await batch('first')
    expectAllDelivered(first, 'first')
    const afterFirst = await settledConnections(mock)
    seen.first = afterFirst - before

    const second = await batch('second')
    expectAllDelivered(second, 'second')
    const afterSecond = await settledConnections(mock)
    seen.second = afterSecond - afterFirst

    // messageIds are distinct across both batches
    expect(new Set([...first, ...second].map((r) => r.messageId)).size).toBe(2 * N)
    expect(mock.requestsTo(MESSAGES_PATH)).toHaveLength(2 * N)

    // eslint-disable-next-line no-console
    console.log(`connections opened: first batch ${seen.first}, second batch ${seen.second} (open now: ${mock.openConnections})`)
    // at most one connection per request in flight
    expect(seen.first).toBeGreaterThan(0)
    expect(seen.first).toBeLessThanOrEqual(N)
    // keep-alive: the second batch reuses the pool instead of opening another ~N connections
    expect(seen.second).toBeLessThan(0.6 * N)
    expect(afterSecond - before).toBeLessThan(1.5 * N)
  }, 28000)

  test('after the batches, sequential sends reuse the idle pool (no new connections)', async () => {
    const { mock } = ctx
    const before = mock.connections // settled at the end of the previous test
    for (let i = 0; i < 20; i++) {
      const r = await sendMessage({ accessToken: ctx.igToken, recipient: { id: '1254477777772919' }, message: { text: `seq ${i}` } }, ctx.opts)
      expect(typeof r.messageId).toBe('string')
    }
    expect(mock.connections - before).toBeLessThanOrEqual(1)
  })

  test('a concurrent batch where some sends fail still settles every promise with the right outcome', async () => {
    const { mock } = ctx
    mock.recipients.set('1999', { windowClosed: true })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        sendMessage({ accessToken: ctx.igToken, recipient: { id: i % 10 === 0 ? '1999' : String(2000 + i) }, message: { text: `mix ${i}` } }, ctx.opts),
      ),
    )
    outcomes.forEach((o, i) => {
      if (i % 10 === 0) {
        expect(o.status).toBe('rejected')
        expect(o.reason.code).toBe('OUTSIDE_MESSAGING_WINDOW')
      } else {
        expect(o.status).toBe('fulfilled')
        expect(o.value.recipientId).toBe(String(2000 + i))
      }
    })
    for (const o of outcomes) if (o.status === 'rejected') collectedErrors.push(o.reason)
  })
})

describe('secrets', () => {
  test('no error of this file contains an access token or app secret', () => {
    expect(expectNoSecretsInErrors()).toBeGreaterThan(0)
  })
})
