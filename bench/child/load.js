'use strict'
// One fresh process: how long `require` takes, RSS and threads before/after load, threads after
// the first async call and after the first sendMessage. Prints one JSON line.
//   node bench/child/load.js <module to require> [mockUrl token]

const fs = require('node:fs')

const threads = () => fs.readdirSync('/proc/self/task').length
const rss = () => process.memoryUsage.rss()

async function main() {
  const [target, url, token] = process.argv.slice(2)
  const out = { threadsBefore: threads(), rssBefore: rss() }
  const t0 = process.hrtime.bigint()
  const addon = require(target)
  out.requireMs = Number(process.hrtime.bigint() - t0) / 1e6
  out.rssAfterLoad = rss()
  out.threadsAfterLoad = threads()
  const now = Date.now()
  await addon.preAuthenticate({ accessToken: 'IGAAbench', accessTokenExpiresAt: now + 30 * 864e5, accessTokenIssuedAt: now - 864e5 })
  out.threadsAfterAsync = threads()
  if (url) {
    await addon.sendMessage({ accessToken: token, recipient: { id: '1000000000000001' }, message: { text: 'hi' } }, { instagramUrl: url })
    out.threadsAfterSend = threads()
    out.rssAfterSend = rss()
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(String(e && e.stack) + '\n')
  process.exit(1)
})
