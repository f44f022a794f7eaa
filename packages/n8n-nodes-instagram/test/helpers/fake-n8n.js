'use strict'
// Stand-ins for the few pieces of n8n the package talks to, following what n8n 1.123 does
// (see /work/shared/N8N_FACTS.md): the credential store (decrypted reads that hand over only
// declared properties, filled with their defaults; writes of what preAuthentication returns),
// helpers.httpRequestWithAuthentication (preAuthentication when the expirable field is '',
// then `authenticate`, a real HTTP request, one retry after a 401), and the execute / webhook
// contexts. The addon itself is never mocked: every request goes to the mock Graph server.

const { NodeApiError } = require('n8n-workflow')

/** n8n evaluates `={{ … }}` expressions (JavaScript over $credentials) in a credential's authenticate/test. */
function resolve(value, credentials) {
  if (typeof value !== 'string' || !value.startsWith('=')) return value
  // eslint-disable-next-line no-new-func
  return value.slice(1).replace(/\{\{([\s\S]+?)\}\}/g, (_, expr) => String(new Function('$credentials', `return (${expr})`)(credentials) ?? ''))
}

/**
 * What n8n's database holds for one credential. `raw` is the stored JSON (encrypted in n8n);
 * read() is what getCredentials / the hook receive.
 */
function createCredentialStore(credentialType, data) {
  const declared = credentialType.properties
  let raw = JSON.stringify(data)
  const store = {
    type: credentialType,
    writes: 0,
    get raw() {
      return raw
    },
    read() {
      const stored = JSON.parse(raw)
      const out = {}
      for (const p of declared) out[p.name] = stored[p.name] !== undefined ? stored[p.name] : p.default
      return out
    },
    write(credentials) {
      raw = JSON.stringify({ ...JSON.parse(raw), ...credentials })
      store.writes++
    },
  }
  return store
}

function expirableProperty(credentialType) {
  return credentialType.properties.find((p) => p.type === 'hidden' && p.typeOptions && p.typeOptions.expirable === true)
}

/** n8n's CredentialsHelper.preAuthentication. */
async function preAuthentication(store, credentials, { expired = false, testing = false } = {}) {
  const type = store.type
  const expirable = expirableProperty(type)
  if (!expirable || typeof type.preAuthentication !== 'function') return credentials
  if (credentials[expirable.name] !== '' && !expired && !testing) return credentials
  const output = await type.preAuthentication.call({ helpers: { httpRequest: plainRequest } }, credentials)
  if (output[expirable.name] === undefined) return credentials
  Object.assign(credentials, output)
  store.write(credentials)
  return credentials
}

/** A credential's `authenticate` (generic or function) applied to request options. */
async function authenticate(credentialType, credentials, options) {
  const auth = credentialType.authenticate
  if (typeof auth === 'function') return auth(credentials, options)
  const out = { ...options, headers: { ...options.headers }, qs: { ...options.qs } }
  for (const [where, values] of Object.entries(auth.properties)) {
    for (const [k, v] of Object.entries(values)) out[where][k] = resolve(v, credentials)
  }
  return out
}

/** A real HTTP request (n8n's httpRequest, without axios): returns { status, headers, text }. */
async function rawRequest(options) {
  const url = new URL((options.baseURL || '') + options.url)
  for (const [k, v] of Object.entries(options.qs || {})) url.searchParams.set(k, String(v))
  const init = { method: options.method || 'GET', headers: { ...options.headers } }
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    init.headers['content-type'] = init.headers['content-type'] || 'application/json'
  }
  const res = await fetch(url, init)
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() }
}

function decode(res, options) {
  if (options.encoding === 'text' || options.json === false) return res.text
  try {
    return JSON.parse(res.text)
  } catch {
    return res.text
  }
}

async function plainRequest(options) {
  const res = await rawRequest(options)
  if (res.status >= 400) throw httpError(null, res)
  return decode(res, options)
}

function httpError(node, res) {
  let body
  try {
    body = JSON.parse(res.text)
  } catch {
    body = res.text
  }
  return new NodeApiError(node || { name: 'fake', type: 'fake', typeVersion: 1, position: [0, 0], parameters: {} }, {
    message: `Request failed with status code ${res.status}`,
    body,
  }, { httpCode: String(res.status) })
}

/**
 * n8n's helpers.httpRequestWithAuthentication. Records each request it sends in `log`.
 * Errors that are not n8n's own are wrapped in a NodeApiError (the original as `cause`).
 */
async function httpRequestWithAuthentication(store, node, options, log = []) {
  try {
    let credentials = await preAuthentication(store, store.read())
    let res = await rawRequest(await authenticate(store.type, credentials, options))
    log.push(res)
    if (res.status === 401 && expirableProperty(store.type)) {
      credentials = await preAuthentication(store, credentials, { expired: true })
      res = await rawRequest(await authenticate(store.type, credentials, options))
      log.push(res)
    }
    if (res.status >= 400) throw httpError(node, res)
    return decode(res, options)
  } catch (error) {
    if (error instanceof NodeApiError) throw error
    throw new NodeApiError(node, error)
  }
}

/** n8n's credential test: the hook (testing), then the test request, authenticated. */
async function testCredential(store) {
  const credentials = await preAuthentication(store, store.read(), { testing: true })
  const req = store.type.test.request
  const qs = Object.fromEntries(Object.entries(req.qs || {}).map(([k, v]) => [k, resolve(v, credentials)]))
  const options = { ...req, baseURL: resolve(req.baseURL, credentials), url: resolve(req.url, credentials), qs }
  const res = await rawRequest(await authenticate(store.type, credentials, options))
  return { status: res.status, body: decode(res, {}) }
}

const returnJsonArray = (data) => (Array.isArray(data) ? data : [data]).map((json) => ({ json }))

function fakeNode(type, typeVersion = 1) {
  return { id: 'node-1', name: type.description.displayName, type: `n8n-nodes-instagram.${type.description.name}`, typeVersion, position: [0, 0], parameters: {}, credentials: { instagramNativeApi: { id: '1', name: 'Instagram account' } } }
}

/** True when `prop` is shown for node version `version` (its `@version` display option, if any). */
function forVersion(prop, version) {
  const versions = prop.displayOptions && prop.displayOptions.show && prop.displayOptions.show['@version']
  return !versions || versions.includes(version)
}

/** getNodeParameter: the item's value, else the property's default (for `version`), else the fallback. */
function parameterGetter(nodeType, params, version = 1) {
  return (name, itemIndex = 0, fallback) => {
    const p = Array.isArray(params) ? params[itemIndex] : params
    if (p && Object.prototype.hasOwnProperty.call(p, name)) return p[name]
    const prop = nodeType.description.properties.find((x) => x.name === name && forVersion(x, version))
    if (prop && !(typeof prop.default === 'string' && prop.default.startsWith('='))) return prop.default
    if (fallback !== undefined) return fallback
    throw new Error(`fake getNodeParameter: no value for "${name}" (item ${itemIndex})`)
  }
}

/** The part of IExecuteFunctions the Instagram node uses. `params`: one object, or one per item. */
function executeContext(nodeType, { store, params, items = [{ json: {} }], continueOnFail = false }) {
  const node = fakeNode(nodeType)
  const requests = []
  const ctx = {
    requests,
    getInputData: () => items,
    getNodeParameter: parameterGetter(nodeType, params),
    getCredentials: async (type) => {
      if (type !== store.type.name) throw new Error(`fake getCredentials: unknown type ${type}`)
      return store.read()
    },
    continueOnFail: () => continueOnFail,
    getNode: () => node,
    helpers: {
      returnJsonArray,
      async httpRequestWithAuthentication(type, options) {
        if (type !== store.type.name) throw new Error(`fake httpRequestWithAuthentication: unknown type ${type}`)
        return httpRequestWithAuthentication(store, node, options, requests)
      },
    },
  }
  return ctx
}

/** n8n's helpers.httpRequest (no credential): with returnFullResponse / ignoreHttpStatusErrors. */
async function httpRequest(options) {
  const res = await rawRequest(options)
  if (res.status >= 400 && !options.ignoreHttpStatusErrors) throw httpError(null, res)
  const body = decode(res, options)
  return options.returnFullResponse ? { statusCode: res.status, headers: res.headers, body } : body
}

/** The part of IHookFunctions the trigger's webhookMethods use (activation / deactivation). */
function hookContext(nodeType, { store, params = {}, webhookUrl = 'http://127.0.0.1:1/webhook/x/webhook', workflowId = 'wf-1' }) {
  const node = fakeNode(nodeType)
  const requests = []
  const warnings = []
  return {
    requests,
    warnings,
    getNodeParameter: parameterGetter(nodeType, params),
    getCredentials: async () => store.read(),
    getNode: () => node,
    getNodeWebhookUrl: () => webhookUrl,
    getWorkflow: () => ({ id: workflowId, name: 'test', active: true }),
    logger: { warn: (m) => warnings.push(m), debug: () => {}, info: () => {}, error: () => {} },
    helpers: {
      httpRequest,
      async httpRequestWithAuthentication(type, options) {
        if (type !== store.type.name) throw new Error(`fake httpRequestWithAuthentication: unknown type ${type}`)
        return httpRequestWithAuthentication(store, node, options, requests)
      },
    },
  }
}

/** An express-like response that records what the node wrote. */
function fakeResponse() {
  const res = {
    statusCode: undefined,
    headers: {},
    body: undefined,
    finished: false,
    status(code) {
      res.statusCode = code
      return res
    },
    type(t) {
      res.headers['content-type'] = t
      return res
    },
    setHeader(k, v) {
      res.headers[k.toLowerCase()] = v
      return res
    },
    send(body) {
      if (res.finished) throw new Error('response sent twice')
      res.body = body
      res.finished = true
      return res
    },
    end(body) {
      if (res.finished) throw new Error('response sent twice')
      if (body !== undefined) res.body = body
      res.finished = true
      return res
    },
  }
  return res
}

/** The part of IWebhookFunctions the trigger uses. `rawBody`: the bytes "received". */
/** `buf` in chunks of at most 64 KiB, as a socket delivers it. */
function chunksOf(buf) {
  const out = []
  for (let i = 0; i < buf.length; i += 65536) out.push(buf.subarray(i, i + 65536))
  return out
}

/**
 * The part of IWebhookFunctions the trigger uses. `staticData`: the node's workflow static data
 * (pass the same object to several calls, as n8n keeps it between executions); `mode`: 'trigger'
 * for the production URL, 'manual' for /webhook-test/. The trigger remembers the events it let
 * through per workflow and node: give tests that deliver the same body their own `workflowId`.
 */
function webhookContext(nodeType, { store, method, query = {}, headers = {}, rawBody, unreadBody, params = {}, workflowId = 'wf-1', typeVersion = 1, staticData = {}, mode = 'trigger' }) {
  const res = fakeResponse()
  let body = {}
  if (rawBody !== undefined) {
    try {
      body = JSON.parse(rawBody.toString())
    } catch {}
  }
  const fields = { method, query, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body, rawBody }
  // `unreadBody`: what n8n leaves for a version-2 node when it does not parse the content type:
  // no rawBody, the request stream unread (chunks of the given bytes)
  const req = unreadBody === undefined ? fields : Object.assign(require('node:stream').Readable.from(chunksOf(unreadBody)), { ...fields, rawBody: undefined })
  return {
    res,
    getCredentials: async () => store.read(),
    getRequestObject: () => req,
    getResponseObject: () => res,
    getNodeParameter: parameterGetter(nodeType, params, typeVersion),
    getNode: () => fakeNode(nodeType, typeVersion),
    getWorkflow: () => ({ id: workflowId, name: 'test', active: true }),
    getMode: () => mode,
    getWorkflowStaticData: (type) => {
      if (type !== 'node') throw new Error(`fake getWorkflowStaticData: unexpected type ${type}`)
      return staticData
    },
    helpers: { returnJsonArray },
  }
}

/** A credential as a user saves it on first connect: an Instagram-login OAuth token from `mock`. */
function firstConnectStore(credentialType, mock) {
  return createCredentialStore(credentialType, {
    clientSecret: mock.appSecret,
    oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }),
    instagramUrl: mock.url,
  })
}

module.exports = {
  createCredentialStore,
  firstConnectStore,
  httpRequestWithAuthentication,
  testCredential,
  executeContext,
  hookContext,
  webhookContext,
  fakeNode,
}
