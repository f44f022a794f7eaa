'use strict'
// The compiled package, as n8n loads it (built by test/global-setup.js).
const path = require('node:path')
const fs = require('node:fs')

const root = path.join(__dirname, '..', '..')
const pkg = require(path.join(root, 'package.json'))

function load(rel) {
  const file = path.join(root, rel)
  if (!fs.existsSync(file)) throw new Error(`${rel} is missing: run \`npm run build\` in examples/n8n-nodes-instagram`)
  return require(file)
}

module.exports = {
  pkg,
  InstagramNativeApi: load(pkg.n8n.credentials[0]).InstagramNativeApi,
  Instagram: load(pkg.n8n.nodes[0]).Instagram,
  InstagramTrigger: load(pkg.n8n.nodes[1]).InstagramTrigger,
  // the same copy of the addon the package loads
  addon: require(require.resolve('instagram-native', { paths: [root] })),
  startMockGraph: require(path.join(root, '..', '..', 'mock')).startMockGraph,
}
