'use strict'
// A mock of the Meta Graph API (graph.instagram.com and graph.facebook.com) for the tests,
// the demo and the benchmarks of instagram-native. Node's standard library only. It answers the
// endpoints of API.md the way GRAPH_FACTS.md says Meta answers, with a controllable clock, a
// token registry (1 h / 24 h / 60 days rules), an in-memory request log and fault injection.
//
//   const { startMockGraph } = require('./mock/graph-server')
//   const mock = await startMockGraph({ now: Date.parse('2026-01-01T00:00:00Z') })
//   ... mock.url ...
//   await mock.close()
//
// Standalone: node mock/graph-server.js [--port N] (prints the URL on the first stdout line).
//
// This file is the entry point; the mock itself is the module tree under graph/ (the endpoints in
// graph/routes/index.js, the faults in graph/faults.js, the control routes in graph/control.js;
// see README.md for the whole map).

const { startMockGraph } = require('./graph/server')

module.exports = { startMockGraph }

if (require.main === module) require('./graph/cli').main(process.argv.slice(2))
