'use strict'
// What the suites of the networked functions share: one mock Graph server per suite with an
// Instagram-login token and a page token (both login flavours), the server's state reset before
// each test, and the options that point every host at it.
//
//   let mock, opts, igToken, pageToken
//   graphSuite({ appSecret, now?, reset?(mock), secrets? }, (s) => ({ mock, opts, igToken, pageToken } = s))
//
// `secrets` (an array) receives both tokens and the app secret, for expectNoSecrets.
const { startMockGraph } = require('../../mock')

function graphSuite({ appSecret, now, reset = () => {}, secrets = [] }, take) {
  const s = {}
  beforeAll(async () => {
    s.mock = await startMockGraph({ appSecret, ...(now === undefined ? {} : { now }) })
    s.igToken = s.mock.tokens.issueLongLived({ loginType: 'instagram' })
    s.pageToken = s.mock.tokens.issuePageToken({ pageId: s.mock.pages[0].id })
    secrets.push(s.igToken, s.pageToken, s.mock.appSecret)
    take(s)
  })
  afterAll(() => s.mock.close())
  beforeEach(() => {
    s.mock.clearFaults()
    s.mock.clearAnswers()
    s.mock.resetLog()
    reset(s.mock)
    s.opts = { instagramUrl: s.mock.url, facebookUrl: s.mock.url, maxRetries: 0 }
    take(s)
  })
}

module.exports = { graphSuite }
