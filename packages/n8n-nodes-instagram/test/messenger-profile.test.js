'use strict'
// The Instagram node's Messenger Profile operations (set, get and delete the ice breakers and the
// persistent menu), with a fake IExecuteFunctions against the mock Graph server and the real
// addon, on both login flavours: fixedCollection entries grouped by locale, the wire requests,
// errors as n8n errors; the node description keeps them usable as AI-agent tools.

const { node, nodeSuite, runNode, afterHook, pageTokenStore } = require('./helpers/node-suite')
const { NodeApiError, NodeOperationError } = require('n8n-workflow')

const PATH = '/v24.0/17841400000000001/messenger_profile'

let mock
let store
nodeSuite((s) => ({ mock, store } = s))

const run = (params, opts) => runNode(store, params, opts)
const json = async (params) => (await run({ resource: 'messengerProfile', ...params }))[0].map((i) => i.json)

/** The messenger_profile requests (not the credential hook or the /me lookup). */
const calls = () => mock.requests.filter((e) => e.path.endsWith('/messenger_profile'))

describe('ice breakers (Instagram login)', () => {
  test('set: the questions grouped by locale, in the order the locales first appear; get and delete', async () => {
    const iceBreakers = {
      question: [
        { locale: 'default', question: 'Opening hours?', payload: 'HOURS' },
        { locale: 'de_DE', question: 'Öffnungszeiten?', payload: 'HOURS' },
        { locale: 'default', question: 'Do you ship?', payload: 'SHIPPING' },
      ],
    }
    expect(await json({ operation: 'setIceBreakers', iceBreakers })).toEqual([{ success: true }])
    const [post] = calls()
    expect([post.method, post.path, post.query]).toEqual(['POST', PATH, { platform: 'instagram' }])
    expect(post.headers.authorization).toBe(`Bearer ${store.read().accessToken}`)
    expect(post.body).toEqual({
      platform: 'instagram',
      ice_breakers: [
        { locale: 'default', call_to_actions: [{ question: 'Opening hours?', payload: 'HOURS' }, { question: 'Do you ship?', payload: 'SHIPPING' }] },
        { locale: 'de_DE', call_to_actions: [{ question: 'Öffnungszeiten?', payload: 'HOURS' }] },
      ],
    })
    expect(await json({ operation: 'getIceBreakers' })).toEqual([{
      iceBreakers: [
        { locale: 'default', questions: [{ question: 'Opening hours?', payload: 'HOURS' }, { question: 'Do you ship?', payload: 'SHIPPING' }] },
        { locale: 'de_DE', questions: [{ question: 'Öffnungszeiten?', payload: 'HOURS' }] },
      ],
    }])
    expect(await json({ operation: 'deleteIceBreakers' })).toEqual([{ success: true }])
    expect(await json({ operation: 'getIceBreakers' })).toEqual([{ iceBreakers: [] }])
    expect(calls().map((e) => [e.method, e.query.fields, e.body && e.body.fields])).toEqual([
      ['POST', undefined, undefined],
      ['GET', 'ice_breakers', undefined],
      ['DELETE', undefined, ['ice_breakers']],
      ['GET', 'ice_breakers', undefined],
    ])
  })

  test('a locale left at its default is "default"; no questions at all: NodeOperationError INVALID_ARGUMENT, nothing sent', async () => {
    await json({ operation: 'setIceBreakers', iceBreakers: { question: [{ question: 'Hi?', payload: 'HI' }] } })
    expect(calls()[0].body.ice_breakers).toEqual([{ locale: 'default', call_to_actions: [{ question: 'Hi?', payload: 'HI' }] }])
    mock.resetLog()
    const err = await run({ resource: 'messengerProfile', operation: 'setIceBreakers' }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeOperationError)
    expect(err.context.code).toBe('INVALID_ARGUMENT')
    expect(calls()).toHaveLength(0)
  })

  test('five questions in one locale: INVALID_ARGUMENT; continueOnFail gives an error item', async () => {
    const question = Array.from({ length: 5 }, (_, i) => ({ locale: 'default', question: `Q${i}?`, payload: `P${i}` }))
    const out = await run({ resource: 'messengerProfile', operation: 'setIceBreakers', iceBreakers: { question } }, { continueOnFail: true })
    expect(out[0][0].json).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false })
    expect(calls()).toHaveLength(0)
  })
})

describe('persistent menu (Instagram login)', () => {
  test('set postback and web_url items, get them back, delete', async () => {
    const persistentMenu = {
      item: [
        { locale: 'default', type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
        { locale: 'default', type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
      ],
    }
    expect(await json({ operation: 'setPersistentMenu', persistentMenu })).toEqual([{ success: true }])
    expect(calls()[0].body).toEqual({
      platform: 'instagram',
      persistent_menu: [{ locale: 'default', call_to_actions: [
        { type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
        { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
      ] }],
    })
    expect(await json({ operation: 'getPersistentMenu' })).toEqual([{
      persistentMenu: [{ locale: 'default', items: [
        { type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
        { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
      ] }],
    }])
    expect(await json({ operation: 'deletePersistentMenu' })).toEqual([{ success: true }])
    expect(await json({ operation: 'getPersistentMenu' })).toEqual([{ persistentMenu: [] }])
  })

  test('Meta refuses (no permission): NodeApiError PERMISSION_DENIED, no token in it', async () => {
    mock.fail(PATH, { graphError: { code: 10, message: '(#10) Application does not have permission for this action' }, status: 403 })
    const err = await run({ resource: 'messengerProfile', operation: 'deletePersistentMenu' }).catch((e) => e)
    expect(err).toBeInstanceOf(NodeApiError)
    expect(err.context).toMatchObject({ code: 'PERMISSION_DENIED', graphCode: 10, itemIndex: 0 })
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(store.read().accessToken)
  })
})

test('Facebook login with a page token: the page id, the page token and appsecret_proof on every call', async () => {
  const fb = pageTokenStore(mock)
  store = fb.store
  const { page, token } = fb
  const item = { locale: 'default', type: 'postback', title: 'Human', payload: 'HUMAN' }
  await json({ operation: 'setPersistentMenu', persistentMenu: { item: [item] } })
  expect(await json({ operation: 'getPersistentMenu' })).toEqual([{ persistentMenu: [{ locale: 'default', items: [{ type: 'postback', title: 'Human', payload: 'HUMAN' }] }] }])
  await json({ operation: 'deleteIceBreakers' })
  expect(calls()).toHaveLength(3)
  for (const e of calls()) {
    expect(e.path).toBe(`/v24.0/${page.id}/messenger_profile`)
    expect(e.headers.authorization).toBe(`Bearer ${token}`)
    expect(e.query.appsecret_proof).toBe(mock.appsecretProof(token))
  }
})

test('usable as an AI tool: every Messenger Profile operation has an action', () => {
  const ops = node.description.properties
    .filter((p) => p.name === 'operation' && p.displayOptions.show.resource[0] === 'messengerProfile')
    .flatMap((p) => p.options)
  expect(ops.map((o) => o.value).sort()).toEqual(['deleteIceBreakers', 'deletePersistentMenu', 'getIceBreakers', 'getPersistentMenu', 'setIceBreakers', 'setPersistentMenu'])
  for (const o of ops) expect(typeof o.action).toBe('string')
})
