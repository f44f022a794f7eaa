'use strict'
// Collects every error a suite provokes, so that the suite can end by scanning them all for
// its secrets (message, stack and every own property).
function errorCollector() {
  const errors = []
  return {
    errors,
    /** The rejection of `promise`; fails the test when it resolves. */
    async rejection(promise) {
      try {
        await promise
      } catch (e) {
        errors.push(e)
        return e
      }
      throw new Error('expected a rejection')
    },
    /** What `fn` throws; fails the test when it returns. */
    thrown(fn) {
      try {
        fn()
      } catch (e) {
        errors.push(e)
        return e
      }
      throw new Error('expected a throw')
    },
    /** Asserts that no collected error mentions any of `secrets`. */
    expectNoSecrets(secrets) {
      for (const e of errors) {
        const text = [String(e), e.stack, JSON.stringify({ ...e })].join('\n')
        for (const s of secrets) expect(text).not.toContain(s)
      }
    },
  }
}

module.exports = { errorCollector }
