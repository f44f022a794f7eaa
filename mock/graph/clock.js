'use strict'
// The mock's clock: every expiry, issue time and log timestamp reads it, and tests move it
// (`mock.clock.set(ms)`, `mock.clock.advance(ms)`, `POST /__mock/clock`). It never ticks by itself.

function createClock(startMs) {
  let nowMs = startMs
  const finite = (name, ms) => {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`clock.${name}(ms): a finite number`)
  }
  return {
    now: () => nowMs,
    set(ms) {
      finite('set', ms)
      nowMs = ms
      return nowMs
    },
    advance(ms) {
      finite('advance', ms)
      nowMs += ms
      return nowMs
    },
  }
}

module.exports = { createClock }
