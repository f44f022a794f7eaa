'use strict'
// Grouped bar chart (throughput by concurrency per client) as SVG, turned into PNG with
// rsvg-convert (Debian: librsvg2-bin). No browser, no chart library.

const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const { si } = require('./stats')

const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#7f7f7f']
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')

/**
 * groups: ['1', '16', '256'] (x axis); series: [{ name, values: [..per group..], min?, max? }].
 */
function barChartSvg({ title, subtitle, groups, series, yLabel }) {
  const W = 960
  const H = 560
  const m = { l: 90, r: 20, t: 70, b: 110 }
  const pw = W - m.l - m.r
  const ph = H - m.t - m.b
  const top = Math.max(...series.flatMap((s) => (s.max || s.values).filter(Number.isFinite)), 1)
  const step = niceStep(top / 5)
  const yMax = Math.ceil(top / step) * step
  const y = (v) => m.t + ph - (v / yMax) * ph
  const gw = pw / groups.length
  const bw = (gw * 0.8) / series.length
  const parts = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif">`)
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`)
  parts.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="20" font-weight="bold">${esc(title)}</text>`)
  if (subtitle) parts.push(`<text x="${W / 2}" y="50" text-anchor="middle" font-size="13" fill="#444">${esc(subtitle)}</text>`)
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`)
    parts.push(`<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${esc(si(v))}</text>`)
  }
  parts.push(`<text transform="translate(22 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14">${esc(yLabel)}</text>`)
  groups.forEach((g, gi) => {
    const x0 = m.l + gi * gw + gw * 0.1
    series.forEach((s, si_) => {
      const v = s.values[gi]
      if (!Number.isFinite(v)) return
      const x = x0 + si_ * bw
      parts.push(`<rect x="${x + 1}" y="${y(v)}" width="${bw - 2}" height="${m.t + ph - y(v)}" fill="${COLORS[si_ % COLORS.length]}"/>`)
      if (s.min && s.max && Number.isFinite(s.min[gi])) {
        const cx = x + bw / 2
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(s.max[gi])}" y2="${y(s.min[gi])}" stroke="#000" stroke-width="1.2"/>`)
      }
      parts.push(`<text x="${x + bw / 2}" y="${y(s.max ? Math.max(v, s.max[gi]) : v) - 5}" text-anchor="middle" font-size="11">${esc(si(v))}</text>`)
    })
    parts.push(`<text x="${m.l + gi * gw + gw / 2}" y="${m.t + ph + 22}" text-anchor="middle" font-size="14">concurrency ${esc(g)}</text>`)
  })
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#000"/>`)
  // legend
  let lx = m.l
  const ly = H - 45
  series.forEach((s, i) => {
    parts.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${COLORS[i % COLORS.length]}"/>`)
    parts.push(`<text x="${lx + 20}" y="${ly + 1}" font-size="13">${esc(s.name)}</text>`)
    lx += 30 + s.name.length * 7.5
  })
  parts.push(`<text x="${m.l}" y="${H - 15}" font-size="11" fill="#444">bars: median of the rounds; whiskers: min–max</text>`)
  parts.push('</svg>')
  return parts.join('\n')
}

function niceStep(x) {
  const p = 10 ** Math.floor(Math.log10(x))
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= x) return k * p
  return 10 * p
}

/** Writes `svgPath` and converts it to `pngPath`; returns true when the PNG was written. */
function writePng(svg, svgPath, pngPath) {
  fs.writeFileSync(svgPath, svg)
  const r = spawnSync('rsvg-convert', ['-f', 'png', '-o', pngPath, svgPath], { stdio: ['ignore', 'ignore', 'pipe'] })
  if (r.error || r.status !== 0) {
    process.stderr.write(`rsvg-convert failed (${r.error ? r.error.message : r.stderr}); install it with: apt-get install -y librsvg2-bin\n`)
    return false
  }
  return true
}

module.exports = { barChartSvg, writePng }
