'use strict'
// messagingWindow: which sends Meta allows now (docs/API-beyond-dms.md, "Which sends are
// allowed now"). Pure and synchronous: no network, `now` replaces the clock.
const { messagingWindow } = require('..')
const { errorCollector } = require('./helpers/errors')

const NOW = Date.parse('2026-11-28T12:00:00Z')
const MIN = 60 * 1000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const { thrown } = errorCollector()

test('within 24 h: standard, with both limits shortened by the 60 s margin', () => {
  const last = NOW - 2 * HOUR
  expect(messagingWindow({ lastUserMessageAt: last }, { now: NOW })).toEqual({
    allowed: 'standard',
    standardUntil: last + DAY - MIN,
    humanAgentUntil: last + 7 * DAY - MIN,
  })
})

test('after 24 h and within 7 days: human_agent; after 7 days: none', () => {
  expect(messagingWindow({ lastUserMessageAt: NOW - 2 * DAY }, { now: NOW }).allowed).toBe('human_agent')
  expect(messagingWindow({ lastUserMessageAt: NOW - 8 * DAY }, { now: NOW }).allowed).toBe('none')
})

test('the edges, with and without the margin', () => {
  const edge = NOW - DAY + 30 * 1000 // 23 h 59 min 30 s ago
  expect(messagingWindow({ lastUserMessageAt: edge }, { now: NOW }).allowed).toBe('human_agent')
  expect(messagingWindow({ lastUserMessageAt: edge }, { now: NOW, safetyMarginMs: 0 }).allowed).toBe('standard')
  expect(messagingWindow({ lastUserMessageAt: NOW - DAY }, { now: NOW, safetyMarginMs: 0 }).allowed).toBe('human_agent')
  expect(messagingWindow({ lastUserMessageAt: NOW - 7 * DAY }, { now: NOW, safetyMarginMs: 0 }).allowed).toBe('none')
})

test('times as epoch seconds and RFC 3339; a future time counts as now', () => {
  const iso = '2026-11-28T10:00:00Z'
  const byIso = messagingWindow({ lastUserMessageAt: iso }, { now: NOW })
  expect(messagingWindow({ lastUserMessageAt: Date.parse(iso) / 1000 }, { now: NOW })).toEqual(byIso)
  expect(messagingWindow({ lastUserMessageAt: Date.parse(iso) }, { now: NOW })).toEqual(byIso)
  const future = messagingWindow({ lastUserMessageAt: NOW + HOUR }, { now: NOW, safetyMarginMs: 0 })
  expect(future.standardUntil).toBe(NOW + DAY)
})

test('an unknown last message (absent, null, "") → none without limits', () => {
  for (const req of [{}, { lastUserMessageAt: null }, { lastUserMessageAt: '' }, { lastUserMessageAt: undefined }]) {
    expect(messagingWindow(req, { now: NOW })).toEqual({ allowed: 'none' })
  }
})

test('private replies: 7 days after the comment, present only when the comment time is known', () => {
  expect(messagingWindow({ commentAt: NOW - DAY }, { now: NOW })).toEqual({
    allowed: 'none',
    privateReply: true,
    privateReplyUntil: NOW - DAY + 7 * DAY - MIN,
  })
  expect(messagingWindow({ commentAt: NOW - 7 * DAY }, { now: NOW })).toMatchObject({ privateReply: false })
  expect(messagingWindow({ commentAt: null }, { now: NOW })).toEqual({ allowed: 'none' })
  expect(messagingWindow({ lastUserMessageAt: NOW, commentAt: NOW }, { now: NOW })).toMatchObject({ allowed: 'standard', privateReply: true })
})

test('without options: the wall clock and the default margin', () => {
  const w = messagingWindow({ lastUserMessageAt: Date.now() - HOUR })
  expect(w.allowed).toBe('standard')
  expect(w.standardUntil).toBeGreaterThan(Date.now())
})

test.each([
  ['NaN', { lastUserMessageAt: NaN }, undefined, 'lastUserMessageAt'],
  ['a negative time', { lastUserMessageAt: -1 }, undefined, 'lastUserMessageAt'],
  ['a text that is not RFC 3339', { commentAt: 'yesterday' }, undefined, 'commentAt'],
  ['an object for a time', { lastUserMessageAt: {} }, undefined, 'lastUserMessageAt'],
  ['a negative margin', {}, { safetyMarginMs: -1 }, 'options.safetyMarginMs'],
  ['a fractional margin', {}, { safetyMarginMs: 0.5 }, 'options.safetyMarginMs'],
  ['an infinite now', {}, { now: Infinity }, 'options.now'],
  ['a string for now', {}, { now: '1' }, 'options.now'],
  ['no request', undefined, undefined, 'req'],
])('%s → thrown INVALID_ARGUMENT naming the field', (_, req, options, field) => {
  const err = thrown(() => messagingWindow(req, options))
  expect(err.code).toBe('INVALID_ARGUMENT')
  expect(err.message.startsWith(`${field}:`)).toBe(true)
})
