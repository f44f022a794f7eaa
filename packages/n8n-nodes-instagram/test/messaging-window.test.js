'use strict'
// Meta's messaging rules in the Instagram node: User: Messaging Window (no request), and the check
// a send makes before the network when its input item is the trigger's event for the recipient.
// Fake IExecuteFunctions, the real addon, the mock Graph server standing in for Meta.

const { nodeSuite, runNode } = require('./helpers/node-suite')
const { NodeApiError } = require('n8n-workflow')

const USER = '1254477777772919'
const COMMENT = '17858893269000001'
const HOUR = 3600e3
const DAY = 24 * HOUR

let mock
let store
nodeSuite((s) => ({ mock, store } = s))

const run = (params, items, opts = {}) => runNode(store, params, { items, ...opts })
const sends = () => mock.requests.filter((e) => e.path.endsWith('/messages'))
/** The trigger's item for a message the person sent `ago` ms ago. */
const messageEvent = (ago, extra = {}) => ({ json: { type: 'message', route: 'message', senderId: USER, timestamp: Date.now() - ago, text: 'hi', ...extra } })
const commentEvent = (ago) => ({ json: { type: 'comment', route: 'comment', timestamp: Date.now() - ago, comment: { id: COMMENT, fromId: USER } } })
const text = (extra = {}) => ({ resource: 'message', operation: 'sendText', recipientId: USER, text: 'Thanks!', ...extra })

describe('User: Messaging Window', () => {
  const window = async (params, items = [{ json: {} }]) => (await run({ resource: 'user', operation: 'messagingWindow', ...params }, items))[0].map((i) => i.json)

  test("from the trigger event's timestamp: standard, then human_agent, then none; no request", async () => {
    const items = [messageEvent(HOUR), messageEvent(3 * DAY), messageEvent(8 * DAY)]
    // the parameter's default is the expression {{ $json.timestamp }}: n8n gives each item's value
    const params = items.map((item) => ({ resource: 'user', operation: 'messagingWindow', lastUserMessageAt: item.json.timestamp }))
    const [fresh, old, older] = (await run(params, items))[0].map((i) => i.json)
    expect(fresh).toMatchObject({ allowed: 'standard' })
    expect(fresh.standardUntil).toBeGreaterThan(Date.now())
    expect(old).toMatchObject({ allowed: 'human_agent' })
    expect(older).toMatchObject({ allowed: 'none' })
    expect(mock.requests.filter((e) => e.path !== '/access_token' && e.path !== '/v24.0/me')).toEqual([])
  })

  test('times as digits or ISO dates; a comment time gives the private-reply rule; empty is unknown', async () => {
    const iso = new Date(Date.now() - 2 * HOUR).toISOString()
    const [a] = await window({ lastUserMessageAt: iso, commentAt: String(Date.now() - 8 * DAY) })
    expect(a).toMatchObject({ allowed: 'standard', privateReply: false })
    const [b] = await window({ lastUserMessageAt: '' })
    expect(b).toEqual({ allowed: 'none' })
  })

  test('a time that is not one: INVALID_ARGUMENT', async () => {
    const err = await window({ lastUserMessageAt: 'yesterday' }).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'INVALID_ARGUMENT', itemIndex: 0 })
  })
})

describe('a send checks the window when its item is the trigger event of the recipient', () => {
  test('within 24 hours: sent', async () => {
    const out = await run(text(), [messageEvent(HOUR)])
    expect(out[0][0].json.messageId).toEqual(expect.any(String))
    expect(sends()).toHaveLength(1)
  })

  test('after 24 hours: OUTSIDE_MESSAGING_WINDOW before the network; with the Human Agent tag: sent', async () => {
    const err = await run(text(), [messageEvent(2 * DAY)]).catch((e) => e)
    expect(err).toBeInstanceOf(NodeApiError)
    expect(err.context).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW', itemIndex: 0 })
    expect(sends()).toHaveLength(0)
    await run(text({ humanAgent: true }), [messageEvent(2 * DAY)])
    expect(sends().map((e) => e.body.tag)).toEqual(['HUMAN_AGENT'])
  })

  test('after 7 days: refused even with the tag; Continue On Fail gives the code; Check Messaging Window off sends', async () => {
    const out = await run(text({ humanAgent: true }), [messageEvent(8 * DAY)], { continueOnFail: true })
    expect(out[0][0].json).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW', retryable: false })
    expect(sends()).toHaveLength(0)
    await run(text({ checkWindow: false }), [messageEvent(8 * DAY)])
    expect(sends()).toHaveLength(1)
  })

  test('not checked when the item is not that person\'s message (another sender, a read, no timestamp)', async () => {
    await run(text(), [messageEvent(8 * DAY, { senderId: '999' })])
    await run(text(), [messageEvent(8 * DAY, { type: 'read', route: 'read' })])
    await run(text(), [{ json: { senderId: USER } }])
    expect(sends()).toHaveLength(3)
  })

  test('other kinds of send are checked too (a reaction)', async () => {
    const err = await run({ resource: 'message', operation: 'react', recipientId: USER, messageId: 'm-1', reaction: 'love' }, [messageEvent(8 * DAY)]).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW' })
  })

  test('a private reply: allowed for 7 days after the comment', async () => {
    const reply = { resource: 'comment', operation: 'privateReply', commentId: COMMENT, text: 'Sent you the details' }
    const err = await run(reply, [commentEvent(8 * DAY)]).catch((e) => e)
    expect(err.context).toMatchObject({ code: 'OUTSIDE_MESSAGING_WINDOW' })
    expect(sends()).toHaveLength(0)
    await run(reply, [commentEvent(6 * DAY)])
    expect(sends().map((e) => e.body.recipient)).toEqual([{ comment_id: COMMENT }])
  })
})
