'use strict'
// What the Instagram node's suites share: a fresh mock Graph server and a first-connect credential
// (Instagram login) for each test, the node run on a fake IExecuteFunctions, the requests after
// the credential hook, and a Facebook-login credential with a page token.
//
//   let mock, store
//   nodeSuite((s) => ({ mock, store } = s))
//   const run = (params, opts) => runNode(store, params, opts)

const { Instagram, InstagramNativeApi, startMockGraph } = require('./load')
const { createCredentialStore, executeContext, firstConnectStore } = require('./fake-n8n')

const node = new Instagram()
const credentialType = new InstagramNativeApi()

function nodeSuite(take) {
  const s = {}
  beforeEach(async () => {
    s.mock = await startMockGraph({ now: Date.now(), appSecret: 'test-app-secret' })
    s.store = firstConnectStore(credentialType, s.mock)
    take(s)
  })
  afterEach(() => s.mock.close())
}

/** The node's output for `params` (one object, or one per item) with the credential in `store`. */
function runNode(store, params, opts = {}) {
  return node.execute.call(executeContext(node, { store, params, ...opts }))
}

/** The requests after the credential hook (the exchange) and the /me lookup. */
const afterHook = (mock) => mock.requests.filter((e) => e.path !== '/access_token' && e.path !== '/v24.0/me')

/** A Facebook-login credential (`store`, with `extra` fields) with a page token (`token`) of the mock's first page (`page`). */
function pageTokenStore(mock, extra = {}) {
  const page = mock.pages[0]
  const token = mock.tokens.issuePageToken({ pageId: page.id })
  const store = createCredentialStore(credentialType, {
    loginType: 'facebook',
    facebookAccess: 'page',
    oauthAccessToken: token,
    clientSecret: mock.appSecret,
    facebookUrl: mock.url,
    instagramUrl: 'http://127.0.0.1:9/unused',
    ...extra,
  })
  return { store, page, token }
}

module.exports = { node, credentialType, nodeSuite, runNode, afterHook, pageTokenStore }
