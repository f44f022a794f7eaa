'use strict'

function sorted(xs) {
  return Float64Array.from(xs).sort()
}

/** Nearest-rank percentile of `xs` (p in 0..100). */
function percentile(xs, p) {
  if (xs.length === 0) return NaN
  const s = xs instanceof Float64Array && isSorted(xs) ? xs : sorted(xs)
  const k = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[k]
}

function isSorted(a) {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false
  return true
}

function median(xs) {
  const s = sorted(xs)
  const n = s.length
  if (n === 0) return NaN
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

function summary(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length }
}

/** 1234567 → "1.23 M", 12345 → "12.3 k", 123 → "123". */
function si(x) {
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  if (a >= 1e6) return (x / 1e6).toPrecision(3) + ' M'
  if (a >= 1e4) return (x / 1e3).toPrecision(3) + ' k'
  if (a >= 1e3) return (x / 1e3).toPrecision(3) + ' k'
  return x.toPrecision(3).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m))
}

function ms(x) {
  if (!Number.isFinite(x)) return String(x)
  if (x >= 100) return x.toFixed(0) + ' ms'
  if (x >= 1) return x.toFixed(2) + ' ms'
  return (x * 1000).toFixed(0) + ' µs'
}

function ratio(x) {
  return Number.isFinite(x) ? x.toFixed(2) + '×' : 'n/a'
}

module.exports = { percentile, median, summary, si, ms, ratio, sorted }
