'use strict'
// RSS over a soak: N sendMessage calls (64 in flight) to the mock, then M verifyWebhookSync
// calls on the ~300-byte body. RSS is sampled after a full GC at the baseline (after a warm-up
// that fills the connection pool and the allocator) and after every tenth of each phase.
// Prints one JSON line. Run with --expose-gc.
//   node --expose-gc bench/child/soak.js <addon .node> <mockUrl> <token> <sends> <verifications>

const { workloads, signedRequest, APP_SECRET } = require('../lib/workloads')

const rssMb = () => process.memoryUsage.rss() / 1048576

async function settle() {
  for (let i = 0; i < 3; i++) {
    global.gc()
    await new Promise((r) => setTimeout(r, 20))
  }
  return rssMb()
}

async function main() {
  const [addonPath, url, token, sendsArg, verifsArg] = process.argv.slice(2)
  const sends = Number(sendsArg)
  const verifs = Number(verifsArg)
  const addon = require(addonPath)
  const req = { accessToken: token, recipient: { id: '1000000000000001' }, message: { text: 'Your order has shipped.' } }
  // Unpaced, as the send benchmark: 64 sends in flight to one recipient would otherwise go one
  // at a time, at most 100 a second (Meta's limit), by design.
  const opts = { instagramUrl: url, pacing: false }
  const hook = signedRequest(workloads()[0].body)
  const secrets = { appSecret: APP_SECRET }

  const sendN = async (n) => {
    let next = 0
    const loop = async () => {
      while (next < n) {
        next++
        const r = await addon.sendMessage(req, opts)
        if (!r.messageId) throw new Error('no messageId')
      }
    }
    await Promise.all(Array.from({ length: 64 }, loop))
  }
  const verifyN = (n) => {
    for (let i = 0; i < n; i++) {
      const r = addon.verifyWebhookSync(hook, secrets)
      if (r.kind !== 'events') throw new Error('rejected')
    }
  }

  const afterLoad = rssMb()
  await sendN(Math.min(2000, sends))
  verifyN(Math.min(20000, verifs))
  const baseline = await settle()
  const sendSeries = []
  for (let k = 0; k < 10; k++) {
    await sendN(sends / 10)
    sendSeries.push(await settle())
  }
  const verifySeries = []
  for (let k = 0; k < 10; k++) {
    verifyN(verifs / 10)
    verifySeries.push(await settle())
  }
  const final = verifySeries[verifySeries.length - 1]
  process.stdout.write(JSON.stringify({ afterLoad, baseline, sendSeries, verifySeries, final, growth: final - baseline, sends, verifs }) + '\n')
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(String(e && e.stack) + '\n')
  process.exit(1)
})
