'use strict'
// The benchmark's complete JS peer (bench/peers/webhook-complete.js) must stay equal to the
// addon: for every fixture under __test__/fixtures/webhooks (event ids included) and for the
// request-level cases of bench/lib/peer-check.js. `npm run bench` checks the same before timing;
// this keeps the peer from drifting between benchmark runs.

const util = require('node:util')
const addon = require('..')
const { verifyWebhookCompleteJs } = require('../bench/peers/webhook-complete')
const { comparePeer } = require('../bench/lib/peer-check')

const rows = comparePeer(addon, verifyWebhookCompleteJs)

test('the comparison covers every fixture and the request cases', () => {
  expect(rows.filter((r) => r.name.startsWith('fixture ')).length).toBeGreaterThanOrEqual(38)
  expect(rows.length).toBeGreaterThan(60)
  // Ids are part of what is compared.
  const events = rows.flatMap((r) => (r.native && r.native.kind === 'events' ? r.native.events : []))
  expect(events.length).toBeGreaterThan(1000)
  expect(events.every((e) => /^[0-9a-f]{32}$/.test(e.id))).toBe(true)
})

test.each(rows.map((r) => [r.name, r]))('%s: the complete JS peer gives the addon\'s result', (_name, row) => {
  if (!row.equal) {
    // Show where they differ (toStrictEqual's diff), then fail even if Jest's equality is looser.
    expect(row.peer).toStrictEqual(row.native)
    throw new Error(`differs: ${util.inspect({ native: row.native, peer: row.peer }, { depth: 8 }).slice(0, 2000)}`)
  }
})
