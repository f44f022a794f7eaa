'use strict'
// loader.js, the package entry: a missing native binary gives NATIVE_BINDING_MISSING with the
// platform, the expected package and the fixes; NAPI_RS_NATIVE_LIBRARY_PATH keeps working.
// Every scenario runs in a child `node`, so that no module cache is shared and the real
// binary next to index.js is never touched (the "no binary" case uses a copy of loader.js and
// index.js in a temporary folder).

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const pkg = require('../package.json')

function hostLibc() {
  if (process.platform !== 'linux') return null
  const report = process.report.getReport()
  if (report.header.glibcVersionRuntime) return 'glibc'
  return report.sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-')) ? 'musl' : null
}
const libc = hostLibc()
const hostTarget =
  process.platform === 'linux'
    ? `linux-${process.arch}-${libc === 'musl' ? 'musl' : 'gnu'}`
    : process.platform === 'win32'
      ? `win32-${process.arch}-msvc`
      : `${process.platform}-${process.arch}`
const realBinary = path.join(root, `instagram-native.${hostTarget}.node`)

// Requires `entry` in a child node and prints what came out (exports or the error) as JSON.
const PROBE = `
const entry = process.argv[1]
try {
  const m = require(entry)
  const status = m.tokenStatus({ accessToken: 'IGAAx', accessTokenExpiresAt: 2000 * 86400e3, accessTokenIssuedAt: 1990 * 86400e3 }, { now: 1995 * 86400e3 })
  const handshake = m.verifyWebhookSync({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 't', 'hub.challenge': '42' } }, { verifyToken: 't' })
  console.log(JSON.stringify({ ok: true, keys: Object.keys(m).sort(), target: m.__napiBindingTarget, status, handshake }))
} catch (e) {
  const chain = []
  for (let c = e.cause; c && chain.length < 20; c = c.cause) chain.push(String(c.message))
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, platform: e.platform, arch: e.arch, libc: e.libc, expectedPackage: e.expectedPackage, chain }))
}
`

function probe(entry, env = {}) {
  const childEnv = { ...process.env, NODE_PATH: '', ...env }
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k]
  const r = spawnSync(process.execPath, ['-e', PROBE, entry], { env: childEnv, encoding: 'utf8', timeout: 20000 })
  expect(r.error).toBeUndefined()
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop())
}

let tmp
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'instagram-native-loader-'))
  // A package folder holding the two JS files and no .node at all.
  fs.copyFileSync(path.join(root, 'loader.js'), path.join(tmp, 'loader.js'))
  fs.copyFileSync(path.join(root, 'index.js'), path.join(tmp, 'index.js'))
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'instagram-native', version: pkg.version, main: 'loader.js' }))
  fs.writeFileSync(path.join(tmp, 'garbage.node'), 'this is not a shared library\n')
})
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('package entry', () => {
  test('package.json: main is loader.js, types stay index.d.ts, both JS files are published', () => {
    expect(pkg.main).toBe('loader.js')
    expect(pkg.types).toBe('index.d.ts')
    expect(pkg.files).toEqual(expect.arrayContaining(['loader.js', 'index.js', 'index.d.ts']))
  })

  test("loader.js's list of published binaries is package.json's napi.targets", () => {
    const src = fs.readFileSync(path.join(root, 'loader.js'), 'utf8')
    const listed = JSON.parse(src.match(/const PUBLISHED = (\[[^\]]*\])/)[1].replace(/'/g, '"'))
    const fromTriple = (t) => {
      const [arch, , os, abi] = t.split('-')
      const a = { x86_64: 'x64', aarch64: 'arm64' }[arch]
      if (os === 'linux') return `linux-${a}-${abi}`
      if (os === 'darwin') return `darwin-${a}`
      if (os === 'windows') return `win32-${a}-${abi}`
      throw new Error(`unmapped target ${t}`)
    }
    expect(listed.sort()).toEqual(pkg.napi.targets.map(fromTriple).sort())
  })
})

describe('no binary for this machine', () => {
  test('throws NATIVE_BINDING_MISSING naming the platform, libc, the expected package and the fixes', () => {
    const r = probe(path.join(tmp, 'loader.js'), { NAPI_RS_NATIVE_LIBRARY_PATH: undefined })
    expect(r.ok).toBe(false)
    expect(r.code).toBe('NATIVE_BINDING_MISSING')
    expect(r.platform).toBe(process.platform)
    expect(r.arch).toBe(process.arch)
    expect(r.libc).toBe(libc)
    expect(r.expectedPackage).toBe(`instagram-native-${hostTarget}`)
    expect(r.message).toContain(`(${process.platform} ${process.arch}`)
    if (libc) expect(r.message).toContain(`libc: ${libc}`)
    expect(r.message).toContain(`\`instagram-native-${hostTarget}\``)
    // the fixes
    expect(r.message).toContain('--omit=optional')
    expect(r.message).toContain('--no-optional')
    expect(r.message).toMatch(/n8n.*`instagram-native` under `dependencies`/)
    expect(r.message).toContain(`set NAPI_RS_NATIVE_LIBRARY_PATH to the path of an instagram-native.${hostTarget}.node file`)
    // what was tried, inline and as the cause chain
    expect(r.message).toContain(`Cannot find module './instagram-native.${hostTarget}.node'`)
    expect(r.message).toContain(`Cannot find module 'instagram-native-${hostTarget}'`)
    expect(r.chain[0]).toMatch(/^Cannot find native binding/)
    expect(r.chain.some((m) => m.startsWith(`Cannot find module './instagram-native.${hostTarget}.node'`))).toBe(true)
    // not mentioned when it was not set
    expect(r.message).not.toContain('NAPI_RS_NATIVE_LIBRARY_PATH is set')
  })

  test('a NAPI_RS_NATIVE_LIBRARY_PATH to a missing file fails with the same code and names the variable', () => {
    const bogus = path.join(tmp, 'does-not-exist', 'instagram-native.node')
    // the real package folder: its own binary is there, but the override wins
    const r = probe(root, { NAPI_RS_NATIVE_LIBRARY_PATH: bogus })
    expect(r.ok).toBe(false)
    expect(r.code).toBe('NATIVE_BINDING_MISSING')
    expect(r.message).toContain(`NAPI_RS_NATIVE_LIBRARY_PATH is set to ${JSON.stringify(bogus)}`)
    expect(r.chain.some((m) => m.startsWith(`Cannot find module '${bogus}'`))).toBe(true)
  })

  test('a NAPI_RS_NATIVE_LIBRARY_PATH to a file that is not a library: the loader error is listed', () => {
    const r = probe(path.join(tmp, 'loader.js'), { NAPI_RS_NATIVE_LIBRARY_PATH: path.join(tmp, 'garbage.node') })
    expect(r.ok).toBe(false)
    expect(r.code).toBe('NATIVE_BINDING_MISSING')
    const dlopenError = r.chain.find((m) => m.includes('garbage.node'))
    expect(dlopenError).toBeDefined()
    expect(r.message).toContain(dlopenError.split('\n')[0])
  })
})

describe('NAPI_RS_NATIVE_LIBRARY_PATH', () => {
  test('pointing at the real built binary loads it where no binary is next to index.js', () => {
    if (!fs.existsSync(realBinary)) throw new Error(`${realBinary} is missing: build the addon first (npm test builds it)`)
    const r = probe(path.join(tmp, 'loader.js'), { NAPI_RS_NATIVE_LIBRARY_PATH: realBinary })
    expect(r.ok).toBe(true)
    expect(r.target).toBe('native')
    expect(r.keys).toEqual(
      expect.arrayContaining(['exchangeToken', 'getAccount', 'preAuthenticate', 'refreshToken', 'sendMessage', 'tokenStatus', 'verifyWebhook', 'verifyWebhookSync']),
    )
    expect(r.status).toMatchObject({ next: 'refresh' })
    expect(r.handshake).toEqual({ kind: 'challenge', status: 200, body: '42' })
  })

  test('the package itself loads through loader.js without it', () => {
    const r = probe(root, { NAPI_RS_NATIVE_LIBRARY_PATH: undefined })
    expect(r.ok).toBe(true)
    expect(r.handshake).toEqual({ kind: 'challenge', status: 200, body: '42' })
  })
})
