'use strict'
// Alternating measurement: every side runs in every round, the order rotating each round, so
// drift on a shared machine (other builds, thermal) hits all sides alike.

const { performance } = require('node:perf_hooks')

function gc() {
  if (typeof global.gc === 'function') global.gc()
}

/** Runs `fn` (sync) for about `durMs`; returns ops/s. Batches are sized to ~1 ms between clock reads. */
function runSync(fn, durMs) {
  let batch = 1
  let ops = 0
  const t0 = performance.now()
  const end = t0 + durMs
  let t = t0
  while (t < end) {
    const b0 = t
    for (let i = 0; i < batch; i++) fn()
    ops += batch
    t = performance.now()
    if (t - b0 < 0.5) batch *= 2
  }
  return ops / ((t - t0) / 1000)
}

/** Runs async `fn` with `inflight` loops for about `durMs`; returns ops/s. */
async function runAsync(fn, durMs, inflight = 1) {
  let ops = 0
  const t0 = performance.now()
  const end = t0 + durMs
  const loop = async () => {
    while (performance.now() < end) {
      await fn()
      ops++
    }
  }
  await Promise.all(Array.from({ length: inflight }, loop))
  return ops / ((performance.now() - t0) / 1000)
}

/**
 * sides: [{ name, sync?: fn, async?: fn, inflight? }]. Returns { [name]: number[] } (ops/s per round).
 */
async function alternate(sides, { rounds, durMs, warmupMs }) {
  const out = Object.fromEntries(sides.map((s) => [s.name, []]))
  const one = async (s, ms) => (s.sync ? runSync(s.sync, ms) : runAsync(s.async, ms, s.inflight ?? 1))
  for (const s of sides) {
    gc()
    await one(s, warmupMs)
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const s = sides[(k + r) % sides.length]
      gc()
      out[s.name].push(await one(s, durMs))
    }
  }
  return out
}

module.exports = { runSync, runAsync, alternate, gc }
