'use strict'
// The rate-limit usage headers (`mock.usage`, `POST /__mock/usage`): X-App-Usage on every Graph
// answer and X-Business-Use-Case-Usage on messaging answers, in Meta's two styles
// (call_count/total_time/total_cputime or call_volume/cpu_time). The header values are built once
// per change, not per request.

const { JSON_CT } = require('./reply')

const INITIAL = Object.freeze({
  appCallCount: 1,
  totalTime: 1,
  totalCputime: 1,
  businessCallCount: 1,
  businessTotalTime: 1,
  businessTotalCputime: 1,
  estimatedTimeToRegainAccess: 0,
  style: 'call_count',
  type: 'instagram',
  appUsage: true,
  businessUsage: true,
})

/** Returns { api, baseHeaders(e), businessUsage(accountKey) }; `api` is `mock.usage`. */
function createUsage() {
  const state = { ...INITIAL }
  let appUsageValue = ''
  let businessUsageTail = ''
  function recompute() {
    const u = state
    appUsageValue = u.style === 'call_volume'
      ? `{"call_volume":${u.appCallCount},"cpu_time":${u.totalCputime}}`
      : `{"call_count":${u.appCallCount},"total_time":${u.totalTime},"total_cputime":${u.totalCputime}}`
    businessUsageTail = `":[{"type":${JSON.stringify(u.type)},"call_count":${u.businessCallCount},"total_cputime":${u.businessTotalCputime},` +
      `"total_time":${u.businessTotalTime},"estimated_time_to_regain_access":${u.estimatedTimeToRegainAccess}}]}`
  }
  recompute()

  const api = {
    /** { appCallCount, totalTime, totalCputime, businessCallCount, businessTotalTime, businessTotalCputime,
     *    estimatedTimeToRegainAccess (minutes), style: 'call_count'|'call_volume', type, appUsage: bool, businessUsage: bool } */
    set(values = {}) {
      if (values.style !== undefined && values.style !== 'call_count' && values.style !== 'call_volume') {
        throw new TypeError("usage style must be 'call_count' or 'call_volume'")
      }
      for (const k of Object.keys(values)) {
        if (!(k in state)) throw new TypeError(`unknown usage key ${k}`)
        state[k] = values[k]
      }
      recompute()
      return { ...state }
    },
    get: () => ({ ...state }),
    reset() {
      Object.assign(state, INITIAL)
      recompute()
    },
  }

  return {
    api,
    /** The headers of every Graph answer: content type, X-App-Usage, Facebook-API-Version. */
    baseHeaders(e) {
      const h = { 'content-type': JSON_CT }
      if (state.appUsage) h['x-app-usage'] = appUsageValue
      if (e && e.version) h['facebook-api-version'] = e.version
      return h
    },
    /** The X-Business-Use-Case-Usage value for one account, or undefined when switched off. */
    businessUsage(accountKey) {
      return state.businessUsage ? `{"${accountKey}${businessUsageTail}` : undefined
    },
  }
}

module.exports = { createUsage }
