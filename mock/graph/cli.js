'use strict'
// The standalone mock: node mock/graph-server.js [--port N] [--no-log] [--app-id X]
// [--app-secret Y] [--page-size N] [--now ms|ISO] [--refresh-model new|new-revoke|same].
// Prints the URL as the first line on stdout and ready-made tokens on stderr; stops on SIGINT or
// SIGTERM. Unknown flags are ignored; a flag given twice takes its first value.

const { parseArgs } = require('node:util')
const { startMockGraph } = require('./server')

const FLAGS = {
  port: { type: 'string', multiple: true },
  'no-log': { type: 'boolean' },
  'app-id': { type: 'string', multiple: true },
  'app-secret': { type: 'string', multiple: true },
  'page-size': { type: 'string', multiple: true },
  now: { type: 'string', multiple: true },
  'refresh-model': { type: 'string', multiple: true },
}

/** startMockGraph's options from the command line's arguments (without node and the script). */
function optionsOf(args) {
  const { values } = parseArgs({ args, options: FLAGS, strict: false, allowPositionals: true })
  // a flag's first value; a string flag last on the line, with no value, counts as not given
  const first = (name) => {
    const v = values[name] && values[name][0]
    return typeof v === 'string' ? v : undefined
  }
  const num = (v) => (v === undefined ? undefined : Number(v))
  const now = first('now')
  return {
    port: num(first('port')) ?? 0,
    appId: first('app-id'),
    appSecret: first('app-secret'),
    pageSize: num(first('page-size')),
    now: now === undefined ? undefined : (Number.isFinite(Number(now)) ? Number(now) : Date.parse(now)),
    refreshModel: first('refresh-model'),
    log: values['no-log'] !== true,
    maxLogEntries: 10000,
  }
}

function main(args) {
  startMockGraph(optionsOf(args)).then((mock) => {
    process.stdout.write(`${mock.url}\n`)
    const info = {
      appId: mock.appId,
      appSecret: mock.appSecret,
      instagramShortLived: mock.tokens.issueShortLived({ loginType: 'instagram' }),
      instagramLongLived: mock.tokens.issueLongLived({ loginType: 'instagram' }),
      facebookShortLived: mock.tokens.issueShortLived({ loginType: 'facebook' }),
      facebookPageToken: mock.tokens.issuePageToken({ pageId: mock.pages[0] && mock.pages[0].id }),
      control: `${mock.url}/__mock/state`,
    }
    process.stderr.write(`mock Graph API ready: ${JSON.stringify(info, null, 2)}\n`)
    const stop = () => mock.close().then(() => process.exit(0))
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  }, (err) => {
    process.stderr.write(`mock Graph API failed to start: ${err && err.message}\n`)
    process.exit(1)
  })
}

module.exports = { main, optionsOf }
