'use strict'
// Bad input from JavaScript for every export: missing, null, numbers, nested junk, cyclic
// and absurdly deep objects, 10 MB strings, lone surrogates, invalid UTF-8 bodies,
// prototype-polluting keys. Each case runs in one child process (helpers/bad-input-cases.js)
// so that a crash, a panic or a hang is observed rather than taking Jest down: the child must
// exit 0, by itself, with nothing on stderr, having reported every case.

const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { closedPort } = require('./helpers/send-fixtures')

let lines
let child

beforeAll(async () => {
  const port = await closedPort()
  const script = path.join(__dirname, 'helpers', 'bad-input-cases.js')
  child = spawnSync(process.execPath, [script, `http://127.0.0.1:${port}`], {
    encoding: 'utf8',
    timeout: 50000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, RUST_BACKTRACE: '0' },
  })
  lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}, 60000)

test('the child process survives every case: exit 0, no signal, no panic, nothing on stderr', () => {
  expect(child.error).toBeUndefined()
  expect(child.signal).toBeNull()
  expect(child.stderr).not.toMatch(/panicked|RUST_BACKTRACE|Segmentation|Abort/i)
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  expect(lines[lines.length - 1].name).toBe('__end__')
})

test('Object.prototype was not polluted by any case', () => {
  expect(lines[lines.length - 1].polluted).toEqual([])
})

function outcome(l) {
  if (l.outcome === 'threw' || l.outcome === 'rejected') return l.code || `${l.outcome} without a code: ${l.message}`
  if (l.value && l.value.kind === 'rejected') return `rejected:${l.value.reason}`
  return l.outcome
}

describe('each case', () => {
  const cases = () => lines.filter((l) => l.name !== '__end__')

  test('has the expected outcome, as an Error with a code when it fails', () => {
    const wrong = []
    for (const l of cases()) {
      const got = outcome(l)
      let ok
      switch (l.expect) {
        case 'any': // no crash, no hang: a value, or an Error with a documented code
          ok = l.outcome === 'returned' || l.outcome === 'resolved' || (l.isError && /^[A-Z_]+$/.test(l.code || ''))
          break
        case 'value':
          ok = (l.outcome === 'returned' || l.outcome === 'resolved') && !got.startsWith('rejected:')
          break
        case 'own-error': // the caller's getter/trap threw: its own Error comes back unchanged
          ok = (l.outcome === 'threw' || l.outcome === 'rejected') && l.isError && /getter exploded|trap/.test(l.message)
          break
        default:
          ok = got === l.expect && (l.expect.startsWith('rejected:') || l.isError)
      }
      if (!ok) wrong.push(`${l.name}: expected ${l.expect}, got ${got} (${l.outcome}) ${l.message || ''}`)
    }
    expect(wrong).toEqual([])
    expect(cases().length).toBeGreaterThan(250)
  })

  test('no case hangs: each ends within 10 s (most in milliseconds)', () => {
    expect(cases().filter((l) => l.outcome === 'hung').map((l) => l.name)).toEqual([])
  })

  test('INVALID_ARGUMENT messages name a field and never echo a 10 MB value', () => {
    for (const l of cases().filter((c) => c.code === 'INVALID_ARGUMENT')) {
      expect(l.message).toMatch(/^[A-Za-z.[\]0-9]+: /)
      expect(l.message).not.toMatch(/x{100}/)
    }
  })

  test('prototype-polluting keys in a signed delivery are own properties of raw, as JSON.parse gives them', () => {
    const l = cases().find((c) => c.name === 'verifyWebhookSync: polluting keys in the body')
    expect(l.value).toEqual({
      kind: 'events',
      rawProtoIsObjectPrototype: true,
      ownProto: true,
      inheritedPolluted: 'absent',
      messageProtoIsObjectPrototype: true,
      sameAsJsonParse: true,
    })
  })
})
