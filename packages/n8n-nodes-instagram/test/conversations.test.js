'use strict'
// The Instagram node's conversation context (Conversation: List, Get Messages) and User: Mark
// as Seen, with a fake IExecuteFunctions against the mock Graph server (its seeded inbox) and the
// real addon; usable as AI-agent tools.

const { node, nodeSuite, runNode, afterHook, pageTokenStore } = require('./helpers/node-suite')
const { NodeOperationError } = require('n8n-workflow')

const ANA = '1254477777772919'

let mock
let store
nodeSuite((s) => ({ mock, store } = s))

const run = (params, opts) => runNode(store, params, opts)

/** The requests after the credential hook and the /me lookup. */
const calls = () => afterHook(mock)

describe('Conversation', () => {
  test('List: one item with the inbox, most recently active first, from the account the credential reaches', async () => {
    const out = await run({ resource: 'conversation', operation: 'list', limit: 50, after: '' })
    expect(out[0]).toHaveLength(1)
    const { json } = out[0][0]
    expect(json.conversations.map((c) => c.id)).toEqual(mock.conversations.ids())
    for (const c of json.conversations) {
      expect(c.participants.map((p) => p.id).sort()).toEqual([mock.account.userId, mock.conversations.get(c.id).person.id].sort())
    }
    expect(json.nextCursor).toBeUndefined()
    const [list] = calls()
    expect([list.method, list.path, list.query.limit, list.query.after]).toEqual(['GET', `/v24.0/${mock.account.userId}/conversations`, '50', undefined])
  })

  test('List page by page: the nextCursor of one run is the After of the next', async () => {
    const first = (await run({ resource: 'conversation', operation: 'list', limit: 1, after: '' }))[0][0].json
    expect(first.conversations).toHaveLength(1)
    expect(typeof first.nextCursor).toBe('string')
    const second = (await run({ resource: 'conversation', operation: 'list', limit: 1, after: first.nextCursor }))[0][0].json
    expect(second.conversations.map((c) => c.id)).toEqual([mock.conversations.ids()[1]])
    expect(calls().map((e) => e.query.after)).toEqual([undefined, first.nextCursor])
  })

  test('Get Messages of a person: newest first, each with its direction', async () => {
    const out = await run({ resource: 'conversation', operation: 'getMessages', messagesOf: 'user', userId: ANA, messageLimit: 20 })
    const { json } = out[0][0]
    const seeded = mock.conversations.get(json.conversationId)
    expect(seeded.person.id).toBe(ANA)
    expect(json.messages.map((m) => m.id)).toEqual(seeded.messages.map((m) => m.id).slice(0, 20))
    const times = json.messages.map((m) => m.createdAt)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    for (const m of json.messages) expect(m.direction).toBe(m.senderId === ANA ? 'incoming' : 'outgoing')
    expect(calls().map((e) => e.query.user_id)).toEqual([ANA, undefined])
  })

  test('Get Messages of a conversation by its id, with a limit', async () => {
    const [id] = mock.conversations.ids()
    const out = await run({ resource: 'conversation', operation: 'getMessages', messagesOf: 'conversation', conversationId: id, messageLimit: 1 })
    expect(out[0][0].json.conversationId).toBe(id)
    expect(out[0][0].json.messages).toHaveLength(1)
    expect(calls()).toHaveLength(1)
  })

  test('an invalid conversation id: NodeOperationError INVALID_ARGUMENT naming it, nothing sent', async () => {
    const err = await run({ resource: 'conversation', operation: 'getMessages', messagesOf: 'conversation', conversationId: 'a/b', messageLimit: 20 }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(err.message).toContain('conversationId')
    expect(calls()).toHaveLength(0)
  })
})

test("User: Mark as Seen is sendMessage's mark_seen; the item is { recipientId }", async () => {
  const out = await run({ resource: 'user', operation: 'markSeen', userId: ANA })
  expect(out[0]).toEqual([{ json: { recipientId: ANA }, pairedItem: { item: 0 } }])
  const [post] = calls()
  expect([post.method, post.path, post.body]).toEqual(['POST', `/v24.0/${mock.account.userId}/messages`, { recipient: { id: ANA }, sender_action: 'mark_seen' }])
})

test('usable as AI tools: each new operation has an action', () => {
  const ops = node.description.properties.filter((p) => p.name === 'operation').flatMap((p) => p.options.map((o) => [p.displayOptions.show.resource[0], o.value, o.action]))
  for (const [resource, value] of [['conversation', 'list'], ['conversation', 'getMessages'], ['user', 'markSeen']]) {
    const found = ops.find(([r, v]) => r === resource && v === value)
    expect(found && typeof found[2]).toBe('string')
  }
})
