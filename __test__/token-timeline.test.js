'use strict'
// Property-style walks of a credential's life: a seeded PRNG moves the mock's clock forward
// by random amounts (hours to weeks, now and then past the expiry), injects random faults on
// the token endpoints, and calls preAuthenticate with `now` = the mock's clock each step,
// persisting what it returns as n8n would. After every step:
// - the returned token is never empty, and Meta (the mock) knows it;
// - when the stored token was still valid, the returned one is not expired, and its
//   issuedAt/expiresAt are never older than the stored ones (nothing valid is lost);
// - a rejection is TOKEN_EXPIRED only when the stored token had expired, or the fault's own
//   code when there was no stored token yet; the user then reconnects (a new OAuth token).

const { preAuthenticate, tokenStatus } = require('..')
const { startMockGraph } = require('../mock')

const T0 = Date.parse('2026-01-01T00:00:00Z')
const HOUR = 3600e3
const DAY = 24 * HOUR
const SKEW = 5 * 60e3
const APP_SECRET = 'timeline-app-secret-0b7e'
const STEPS = 200

/** mulberry32: a small seeded PRNG, so a failing walk can be replayed by its seed. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAULTS = [
  { status: 500, body: '' },
  { graphError: { code: 2 } },
  { graphError: { code: 4 } },
  { hang: true },
  { reset: true },
  { truncatedJson: true },
  { html: true, status: 502 },
]

let mock
beforeAll(async () => {
  mock = await startMockGraph({ now: T0, appSecret: APP_SECRET })
})
afterAll(() => mock.close())

async function walk(seed) {
  const rand = prng(seed)
  mock.clock.set(T0)
  mock.clearFaults()
  // A first connect: only the short-lived OAuth token.
  let cred = { oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram' }), clientSecret: APP_SECRET }
  const tally = { none: 0, exchanged: 0, refreshed: 0, kept: 0, rejected: 0, reconnects: 0, faults: 0 }
  const problems = []
  for (let step = 0; step < STEPS; step++) {
    // The clock: mostly hours to days, sometimes weeks, rarely past a whole token life.
    // Right after a (re)connect the hook runs at once: a short-lived token lives one hour.
    const connecting = Boolean(cred.oauthAccessToken) && cred.sourceTokenFingerprint === undefined
    const r = rand()
    const advance = connecting ? rand() * 10 * 60e3 : r < 0.5 ? rand() * 2 * DAY : r < 0.9 ? rand() * 12 * DAY : r < 0.97 ? rand() * 30 * DAY : 61 * DAY
    const now = mock.clock.set(Math.round(mock.clock.now() + advance))
    mock.clearFaults()
    const faulted = rand() < 0.3
    const fault = faulted ? FAULTS[Math.floor(rand() * FAULTS.length)] : null
    if (fault) {
      tally.faults++
      mock.fail(/access_token$/, fault)
    }
    // A short time limit only where the fault is a hang; an answered call never depends on the load.
    const timeoutMs = fault && fault.hang ? 300 : 10000
    const before = { ...cred }
    const storedValid = Boolean(before.accessToken) && now < before.accessTokenExpiresAt - SKEW
    const where = `seed ${seed} step ${step} (day ${((now - T0) / DAY).toFixed(2)})`
    let result
    try {
      result = await preAuthenticate(cred, { instagramUrl: mock.url, now, timeoutMs, maxRetries: 0 })
    } catch (e) {
      tally.rejected++
      const storedExpired = Boolean(before.accessToken) && now >= before.accessTokenExpiresAt - SKEW
      // Without a valid stored token, a failed exchange of the OAuth token is the fault's own error.
      const ok = (e.code === 'TOKEN_EXPIRED' && storedExpired) || (!storedValid && connecting && faulted && e.code !== 'INVALID_ARGUMENT')
      if (!ok) problems.push(`${where}: rejected ${e.code} (stored valid: ${storedValid}, faulted: ${faulted}): ${e.message}`)
      if (storedValid) problems.push(`${where}: a valid stored token was lost (rejected ${e.code})`)
      if (e.code === 'TOKEN_EXPIRED') {
        // The user reconnects the credential: a new short-lived token from the OAuth flow.
        tally.reconnects++
        cred = { ...cred, oauthAccessToken: mock.tokens.issueShortLived({ loginType: 'instagram', issuedAt: now }), sourceTokenFingerprint: undefined }
      }
      continue
    }
    tally[result.action]++
    if (typeof result.accessToken !== 'string' || result.accessToken === '') problems.push(`${where}: empty token`)
    const rec = mock.tokens.get(result.accessToken)
    if (!rec) problems.push(`${where}: the mock does not know the returned token`)
    if (!(result.accessTokenExpiresAt > now + SKEW)) problems.push(`${where}: the returned token is expired (action ${result.action})`)
    if (rec && rec.expiresAt !== result.accessTokenExpiresAt) problems.push(`${where}: expiresAt differs from Meta's`)
    if (storedValid) {
      if (!(result.accessTokenIssuedAt >= before.accessTokenIssuedAt)) problems.push(`${where}: issuedAt went back`)
      if (!(result.accessTokenExpiresAt >= before.accessTokenExpiresAt)) problems.push(`${where}: expiresAt went back`)
    }
    if (result.action === 'kept' && result.accessToken !== before.accessToken) problems.push(`${where}: kept another token`)
    if (result.action === 'kept' && !result.warning) problems.push(`${where}: kept without a warning`)
    if (result.action === 'none' && result.changed) problems.push(`${where}: none but changed`)
    // tokenStatus says what preAuthenticate just did (for the input it was given).
    const said = tokenStatus(before, { now }).next
    const did = { none: ['none', 'wait'], exchanged: ['exchange'], refreshed: ['refresh'], kept: ['refresh', 'exchange'] }[result.action]
    if (!did.includes(said)) problems.push(`${where}: tokenStatus said ${said}, preAuthenticate did ${result.action}`)
    // Persist exactly what n8n would.
    cred = {
      ...cred,
      accessToken: result.accessToken,
      accessTokenExpiresAt: result.accessTokenExpiresAt,
      accessTokenIssuedAt: result.accessTokenIssuedAt,
      sourceTokenFingerprint: result.sourceTokenFingerprint,
    }
  }
  return { tally, problems }
}

describe.each([[1], [20261128], [4242]])('a 200-step timeline with seed %i', (seed) => {
  test('never an empty, expired or older token; nothing valid lost', async () => {
    const { tally, problems } = await walk(seed)
    expect(problems).toEqual([])
    // The walk really exercised the lifecycle.
    expect(tally.exchanged).toBeGreaterThan(0)
    expect(tally.refreshed).toBeGreaterThan(0)
    expect(tally.kept + tally.rejected).toBeGreaterThan(0)
    expect(tally.none).toBeGreaterThan(0)
  }, 60000)
})
