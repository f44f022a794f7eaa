'use strict'
// Random letters and digits, as Meta's token bodies, fbtrace_ids and message-id salts look.

const crypto = require('node:crypto')

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomAlnum(n) {
  const bytes = crypto.randomBytes(n)
  let s = ''
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i] % 62]
  return s
}

module.exports = { randomAlnum }
