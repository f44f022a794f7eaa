'use strict'
// Proxy variables (issue #10, finding 3). A loopback destination never goes through a proxy,
// whatever HTTP_PROXY, http_proxy, ALL_PROXY or HTTPS_PROXY say: a proxy must never see the
// client secret or a token in cleartext, nor answer in Meta's place. For https:// hosts,
// HTTPS_PROXY (else ALL_PROXY, including socks5://) is honoured and NO_PROXY respected.
// The client reads the variables once per process, so each case runs in its own child.

const http = require('node:http')
const net = require('node:net')
const { hostileServer, grantBody, runChild, leaks } = require('./helpers')

const TOKEN = 'IGAAproxyTestToken0123456789abcdef'
const CLIENT_SECRET = 'proxy-client-secret-0123456789'
const REMOTE = 'https://graph.example.invalid'

let mock
let proxy
let socks

beforeAll(async () => {
  mock = await hostileServer((req) =>
    req.url.includes('messages') ? { body: { recipient_id: '2', message_id: 'mid.1' } } : { body: grantBody('IGAAlongLived0123456789abcdef') },
  )
  // An HTTP proxy that records everything (plain requests and CONNECT tunnels) and refuses.
  proxy = { seen: [] }
  proxy.server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      proxy.seen.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(grantBody('IGAAforgedByTheProxy0123456789')))
    })
  })
  proxy.server.on('connect', (req, socket) => {
    proxy.seen.push(`CONNECT ${req.url}`)
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
  })
  await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${proxy.server.address().port}`
  // A socks port that records connections and closes them.
  socks = { seen: 0 }
  socks.server = net.createServer((s) => {
    socks.seen++
    s.destroy()
  })
  await new Promise((resolve) => socks.server.listen(0, '127.0.0.1', resolve))
  socks.url = `socks5://127.0.0.1:${socks.server.address().port}`
}, 30000)

afterAll(async () => {
  await mock.close()
  proxy.server.closeAllConnections?.()
  await new Promise((resolve) => proxy.server.close(resolve))
  await new Promise((resolve) => socks.server.close(resolve))
})

beforeEach(() => {
  proxy.seen = []
  socks.seen = 0
  mock.requests.length = 0
})

const run = (env, base) => runChild('proxy-child.js', { base, token: TOKEN, clientSecret: CLIENT_SECRET }, { env })

describe('a loopback base URL never goes through a proxy', () => {
  const cases = {
    HTTP_PROXY: () => ({ HTTP_PROXY: proxy.url }),
    http_proxy: () => ({ http_proxy: proxy.url }),
    ALL_PROXY: () => ({ ALL_PROXY: proxy.url }),
    all_proxy: () => ({ all_proxy: proxy.url }),
    HTTPS_PROXY: () => ({ HTTPS_PROXY: proxy.url }),
    'ALL_PROXY=socks5': () => ({ ALL_PROXY: socks.url }),
    'all of them': () => ({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ALL_PROXY: socks.url, http_proxy: proxy.url }),
  }
  for (const [name, env] of Object.entries(cases)) {
    for (const host of ['127.0.0.1', 'localhost']) {
      test(`${name}, http://${host}`, async () => {
        const base = mock.url.replace('127.0.0.1', host)
        const r = await run(env(), base)
        expect(r.code).toBe(0)
        expect(r.out).toEqual({ exchange: { ok: true }, send: { ok: true } })
        expect(proxy.seen).toEqual([])
        expect(socks.seen).toBe(0)
        expect(mock.requests).toHaveLength(2)
      }, 30000)
    }
  }
})

test('http://[::1] never goes through a proxy either', async () => {
  const v6 = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(req.url.includes('messages') ? { recipient_id: '2', message_id: 'mid.1' } : grantBody('IGAAlongLived0123456789abcdef')))
    })
  })
  await new Promise((resolve) => v6.listen(0, '::1', resolve))
  try {
    const r = await run({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ALL_PROXY: proxy.url }, `http://[::1]:${v6.address().port}`)
    expect(r.out).toEqual({ exchange: { ok: true }, send: { ok: true } })
    expect(proxy.seen).toEqual([])
  } finally {
    v6.closeAllConnections?.()
    await new Promise((resolve) => v6.close(resolve))
  }
}, 30000)

describe('https:// hosts follow HTTPS_PROXY / ALL_PROXY and NO_PROXY', () => {
  test('HTTPS_PROXY: the call tunnels through the proxy (CONNECT, nothing in cleartext)', async () => {
    const r = await run({ HTTPS_PROXY: proxy.url }, REMOTE)
    expect(r.code).toBe(0)
    expect(proxy.seen.length).toBeGreaterThanOrEqual(2)
    for (const line of proxy.seen) expect(line).toBe('CONNECT graph.example.invalid:443')
    expect(leaks(proxy.seen.join('\n'), [TOKEN, CLIENT_SECRET])).toEqual([])
    for (const o of [r.out.exchange, r.out.send]) {
      expect(o).toMatchObject({ ok: false, code: 'NETWORK' })
      expect(leaks(o.message, [TOKEN, CLIENT_SECRET])).toEqual([])
    }
  }, 30000)

  test('HTTP_PROXY alone is not used for https:// (nothing reaches it)', async () => {
    const r = await run({ HTTP_PROXY: proxy.url }, REMOTE)
    expect(r.code).toBe(0)
    expect(proxy.seen).toEqual([])
    expect(r.out.exchange).toMatchObject({ ok: false, code: 'NETWORK' })
  }, 30000)

  test('NO_PROXY exempts a host', async () => {
    const r = await run({ HTTPS_PROXY: proxy.url, NO_PROXY: 'example.invalid' }, REMOTE)
    expect(r.code).toBe(0)
    expect(proxy.seen).toEqual([])
    expect(r.out.exchange).toMatchObject({ ok: false, code: 'NETWORK' })
  }, 30000)

  test('ALL_PROXY=socks5h://… is used for https:// (not an "unsupported" failure)', async () => {
    const r = await run({ ALL_PROXY: socks.url.replace('socks5:', 'socks5h:') }, REMOTE)
    expect(r.code).toBe(0)
    expect(socks.seen).toBeGreaterThanOrEqual(1)
    expect(r.out.exchange).toMatchObject({ ok: false, code: 'NETWORK' })
    expect(r.out.exchange.message).not.toMatch(/not enabled|unsupported|unknown proxy/i)
  }, 30000)

  test('a proxy variable with an unknown scheme fails each call clearly, without echoing it', async () => {
    const r = await run({ HTTPS_PROXY: 'ftp://user:hunter2pass@proxy.example:21' }, REMOTE)
    expect(r.code).toBe(0)
    expect(r.out.exchange).toMatchObject({ ok: false, code: 'NETWORK', message: expect.stringMatching(/HTTPS_PROXY/) })
    expect(r.out.exchange.message).not.toMatch(/hunter2/)
  }, 30000)
})
