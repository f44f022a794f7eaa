'use strict'
// Error codes through n8n's real error classes, in one realm (run with `node --test`, not Jest:
// under Jest the addon's errors come from another realm and take other branches of n8n's code).
// The compiled package, the fake n8n helpers and n8n-workflow are loaded together, once with
// n8n-workflow 1.120.14 (what n8n 1.123 ships) and once with 2.41.0 (n8n 2.41), and n8n's own
// wrapping of a credential hook's error (`new NodeApiError(node, error)`) is applied to what the
// hook throws.
const test = require('node:test')
const assert = require('node:assert/strict')
const Module = require('node:module')
const path = require('node:path')

const pkgRoot = path.join(__dirname, '..', '..')
const repoRoot = path.join(pkgRoot, '..', '..')
const { startMockGraph } = require(path.join(repoRoot, 'mock'))
const DAY = 24 * 3600e3
const USER = '1254477777772919'

/** The package + fake n8n, with `require('n8n-workflow')` resolving to `workflowPackage`. */
function loadWith(workflowPackage) {
  const workflowPath = require.resolve(workflowPackage, { paths: [pkgRoot] })
  const original = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    return request === 'n8n-workflow' ? workflowPath : original.call(this, request, ...rest)
  }
  try {
    for (const k of Object.keys(require.cache)) if (k.startsWith(path.join(pkgRoot, 'dist')) || k.includes(`${path.sep}test${path.sep}helpers${path.sep}`)) delete require.cache[k]
    const pkg = require(path.join(pkgRoot, 'package.json'))
    return {
      workflow: require(workflowPath),
      InstagramNativeApi: require(path.join(pkgRoot, pkg.n8n.credentials[0])).InstagramNativeApi,
      Instagram: require(path.join(pkgRoot, pkg.n8n.nodes[0])).Instagram,
      fake: require(path.join(pkgRoot, 'test', 'helpers', 'fake-n8n.js')),
      addon: require('instagram-native'),
    }
  } finally {
    Module._resolveFilename = original
  }
}

const node = { id: 'n1', name: 'Reply', type: 'n8n-nodes-instagram.instagram', typeVersion: 1, position: [0, 0], parameters: {} }

for (const [label, workflowPackage, version] of [
  ['n8n 1.x', 'n8n-workflow', '1.120.14'],
  ['n8n 2.x', 'n8n-workflow-2', '2.41.0'],
]) {
  test(`${label} (n8n-workflow ${version}): errors keep the addon's code`, async (t) => {
    const m = loadWith(workflowPackage)
    assert.equal(require(require.resolve(`${workflowPackage}/package.json`, { paths: [pkgRoot] })).version, version)
    const mock = await startMockGraph({ now: Date.now(), appSecret: 'realm-app-secret' })
    t.after(() => mock.close())
    const credentialType = new m.InstagramNativeApi()
    const expiredStore = () =>
      m.fake.createCredentialStore(credentialType, {
        clientSecret: mock.appSecret,
        accessToken: mock.tokens.issueLongLived({ issuedAt: Date.now() - 61 * DAY }),
        accessTokenIssuedAt: Date.now() - 61 * DAY,
        accessTokenExpiresAt: Date.now() - DAY,
        instagramUrl: mock.url,
      })

    await t.test('the addon error is an Error of this realm (the case Jest does not see)', async () => {
      const e = await m.addon.preAuthenticate({ accessToken: 'IGAAx', accessTokenExpiresAt: Date.now() - DAY }).catch((x) => x)
      assert.ok(e instanceof Error)
      assert.equal(e.code, 'TOKEN_EXPIRED')
      // what n8n did with it before: 1.x keeps nothing of the code but a bogus httpCode
      const wrappedRaw = new m.workflow.NodeApiError(node, e)
      if (version.startsWith('1.')) {
        assert.deepEqual(wrappedRaw.context, {})
        assert.equal(wrappedRaw.cause, undefined)
      }
    })

    await t.test("the hook's error, wrapped by n8n, keeps code, httpCode and what to do", async () => {
      const store = expiredStore()
      const thrown = await credentialType.preAuthentication.call({ helpers: {} }, store.read()).catch((x) => x)
      assert.ok(thrown instanceof m.workflow.ExecutionBaseError)
      const wrapped = new m.workflow.NodeApiError(node, thrown)
      assert.equal(wrapped.context.code, 'TOKEN_EXPIRED')
      assert.equal(wrapped.context.retryable, false)
      assert.equal(wrapped.httpCode, '401')
      assert.match(wrapped.description, /^TOKEN_EXPIRED: .*reconnect/)
      assert.ok(!JSON.stringify(wrapped).includes(store.read().accessToken))
    })

    await t.test('the node: a hook failure reaches the execution with its code; Continue On Fail items carry it', async () => {
      const nodeType = new m.Instagram()
      const params = { resource: 'message', operation: 'sendText', recipientId: USER, text: 'hi' }
      const err = await nodeType.execute.call(m.fake.executeContext(nodeType, { store: expiredStore(), params })).catch((x) => x)
      assert.ok(err instanceof m.workflow.NodeApiError)
      assert.equal(err.context.code, 'TOKEN_EXPIRED')
      assert.equal(err.httpCode, '401')
      const out = await nodeType.execute.call(m.fake.executeContext(nodeType, { store: expiredStore(), params, continueOnFail: true }))
      assert.equal(out[0][0].json.code, 'TOKEN_EXPIRED')
      assert.match(out[0][0].json.description, /reconnect/)
    })

    await t.test('a send refused by Meta: NodeApiError with code, Graph code and subcode', async () => {
      const nodeType = new m.Instagram()
      const store = m.fake.createCredentialStore(credentialType, {
        clientSecret: mock.appSecret,
        oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
        instagramUrl: mock.url,
      })
      mock.fail((e) => e.path.endsWith('/messages'), { graphError: { code: 10, error_subcode: 2534022, type: 'OAuthException', message: 'outside of allowed window' }, status: 403 })
      const params = { resource: 'message', operation: 'sendText', recipientId: USER, text: 'late' }
      const err = await nodeType.execute.call(m.fake.executeContext(nodeType, { store, params })).catch((x) => x)
      assert.ok(err instanceof m.workflow.NodeApiError)
      assert.equal(err.context.code, 'OUTSIDE_MESSAGING_WINDOW')
      assert.equal(err.context.graphCode, 10)
      assert.equal(err.context.graphSubcode, 2534022)
      assert.equal(err.httpCode, '403')
      assert.equal(err.context.itemIndex, 0)
      assert.match(err.description, /OUTSIDE_MESSAGING_WINDOW \(Graph 10\/2534022\)/)
    })

    await t.test("an input mistake: NodeOperationError with INVALID_ARGUMENT", async () => {
      const nodeType = new m.Instagram()
      const store = m.fake.createCredentialStore(credentialType, {
        clientSecret: mock.appSecret,
        oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
        instagramUrl: mock.url,
      })
      const params = { resource: 'message', operation: 'sendText', recipientId: USER, text: '' }
      const err = await nodeType.execute.call(m.fake.executeContext(nodeType, { store, params })).catch((x) => x)
      assert.ok(err instanceof m.workflow.NodeOperationError)
      assert.equal(err.context.code, 'INVALID_ARGUMENT')
    })
  })
}
