'use strict'
// Concurrency and lifecycle, each scenario in its own child process (helpers/lifecycle-child.js)
// so that a hang or a crash is observed: the addon in 8 worker_threads at once (sending,
// verifying webhooks, terminated mid-request), an idle require, and a call to a server that
// never answers. Every child must exit by itself with code 0, no signal, no panic, within a
// generous bound.

const { spawn } = require('node:child_process')
const path = require('node:path')

const CHILD = path.join(__dirname, 'helpers', 'lifecycle-child.js')

/** Runs a scenario; resolves with { code, signal, stdout lines, stderr, ms }, or kills it at `killAfterMs`. */
function run(scenario, killAfterMs) {
  return new Promise((resolve) => {
    const t0 = Date.now()
    const child = spawn(process.execPath, [CHILD, scenario], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, stderr, ms: Date.now() - t0, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) })
    })
  })
}

function expectCleanExit(r, boundMs) {
  expect(r.stderr).not.toMatch(/panicked|Segmentation|Abort|FATAL/i)
  expect(r.stderr).toBe('')
  expect(r.signal).toBeNull() // not killed by the bound, not crashed
  expect(r.code).toBe(0)
  expect(r.ms).toBeLessThan(boundMs)
}

test.concurrent('an idle require of the addon exits at once', async () => {
  const r = await run('idle', 20000)
  expectCleanExit(r, 5000)
  expect(r.lines).toEqual([{ loaded: true }])
})

test.concurrent('a call to a server that accepts and never answers ends at its timeout (not retried), then the process exits', async () => {
  const r = await run('hung', 30000)
  expectCleanExit(r, 10000)
  expect(r.lines).toHaveLength(1)
  expect(r.lines[0].outcome).toBe('TIMEOUT')
  expect(r.lines[0].elapsed).toBeGreaterThanOrEqual(950)
  expect(r.lines[0].elapsed).toBeLessThan(4000) // one attempt of 1000 ms, even with maxRetries 2
})

test.concurrent('a pending call alone keeps Node alive until it settles: its result is not lost', async () => {
  const r = await run('hungUnref', 30000)
  expectCleanExit(r, 10000)
  expect(r.lines).toHaveLength(1)
  expect(r.lines[0].outcome).toBe('TIMEOUT')
})

test.concurrent('8 worker threads send and verify at once; terminating them mid-request neither crashes nor hangs', async () => {
  const r = await run('workers', 60000)
  expectCleanExit(r, 45000)
  const [out] = r.lines
  expect(out.worked).toHaveLength(8)
  for (const w of out.worked) expect(w).toMatchObject({ sent: 5, verified: 5 })
  // The workers left running see their pending send end at its timeout; the terminated
  // ones report nothing (their environment is gone when the call ends).
  expect(out.settled.map((s) => s.index).sort()).toEqual([1, 3, 5, 7])
  for (const s of out.settled) expect(s.outcome).toBe('TIMEOUT')
  expect(out.terminatedExitCodes).toEqual([1, 1, 1, 1])
})

test.concurrent('terminated workers with sends pending for 30 s do not hold the process: it exits promptly', async () => {
  const r = await run('workersLongTimeout', 60000)
  expectCleanExit(r, 20000) // far below the 30 s the pending sends would take
  expect(r.lines[0].terminatedExitCodes).toEqual([1, 1, 1, 1, 1, 1, 1, 1])
})
